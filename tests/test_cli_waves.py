"""The command line beyond ``map``: ``--version``, and a saved map's waves with ``assign`` and
``compare``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import wildproblems as wp
from wildproblems.cli import main

DATA = Path(__file__).parent / "data" / "tiny_da.csv"
ROLES = ["--text", "svar", "--respondent", "politiker", "--kind", "type"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"wildproblems {wp.__version__}"


@pytest.mark.integration
def test_map_then_assign_then_compare(tmp_path, capsys):
    assert main(["map", str(DATA), *ROLES, "--out", str(tmp_path / "map"), "--quiet"]) == 0
    saved = tmp_path / "map" / "map.wpmap"
    assert wp.load(saved).units.shape[0] == 48
    # the second wave: the answers of half of the politicians, as a new file
    df = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    half = df[df["politiker"].isin(sorted(df["politiker"].unique())[::2])]
    half.to_csv(tmp_path / "wave.csv", index=False)
    capsys.readouterr()
    code = main(
        ["assign", str(saved), str(tmp_path / "wave.csv"), *ROLES, "--wave", "2026"]
        + ["--out", str(tmp_path / "wave"), "--quiet"]
    )
    assert code == 0
    assert "clustered" in capsys.readouterr().out
    wave = wp.load(tmp_path / "wave" / "wave.wpmap")
    assert len(wave.units) == len(half)
    for f in ("units.csv", "clusters.csv", "report.html"):
        assert (tmp_path / "wave" / f).stat().st_size > 0
    code = main(
        ["compare", str(saved), str(tmp_path / "wave" / "wave.wpmap"), "--names", "2025", "2026"]
        + ["--out", str(tmp_path / "cmp"), "--quiet"]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "cmp" / "compare-clusters.csv", encoding="utf-8-sig")
    assert {"share_a", "share_b", "change"} <= set(table.columns)
    assert len(table) >= len(wave.clusters[~wave.clusters.get("emerging", False)])
    assert (tmp_path / "cmp" / "compare.png").stat().st_size > 0


def test_assign_reports_a_missing_map(tmp_path, capsys):
    code = main(["assign", str(tmp_path / "nope.wpmap"), str(DATA), "--out", str(tmp_path)])
    assert code == 2
    assert "nope.wpmap" in capsys.readouterr().err
