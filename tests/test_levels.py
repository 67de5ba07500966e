"""Two levels of clusters end to end: themes and codes in the map, their labels, views at a level,
quality, save/load, assign, compare, Excel and REFI-QDA (codes nested under themes)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest

import wildproblems as wp
from tests.conftest import TINY_ROLES, CountingEmbedder
from wildproblems.schema import LEVEL_COLUMNS


@pytest.fixture(scope="module")
def leveled(tiny_da):
    return wp.map(tiny_da, **TINY_ROLES, embedder=CountingEmbedder(), progress=False, cache=False)


def test_levels_nest_and_are_labelled(leveled):
    m = leveled
    assert list(m.levels.columns) == list(LEVEL_COLUMNS)
    assert set(m.levels["level"]) == {"theme", "code"}
    for kind in m.kinds:
        u = m.units[m.units["kind"] == kind]
        assert (u["cluster_theme"] >= 0).all() and (u["cluster_code"] >= 0).all()
        # every code lies in one theme, the one the levels table names as its parent
        codes = m.levels[(m.levels["level"] == "code") & (m.levels["kind"] == kind)]
        parent = dict(zip(codes["cluster"], codes["parent"]))
        for code, group in u.groupby("cluster_code"):
            assert set(group["cluster_theme"]) == {parent[code]}
        themes = m.levels[(m.levels["level"] == "theme") & (m.levels["kind"] == kind)]
        assert len(themes) <= len(codes)
        assert (m.levels["label"].str.len() > 0).all()
        rec = m.provenance["chosen"][kind]["levels"]
        assert rec["code"]["k"] == len(codes) and rec["theme"]["k"] == len(themes)
        assert rec["code"]["candidates"] and "rule" in rec


def test_views_at_each_level(leveled, tmp_path):
    code = leveled.at_level("code")
    assert len(code.clusters) == int((leveled.levels["level"] == "code").sum())
    assert (code.units["cluster"] == leveled.units["cluster_code"]).all()
    label = dict(zip(code.clusters["cluster_key"], code.clusters["label"]))
    assert [label[k] for k in code.units["cluster_key"]] == code.units["label"].tolist()
    assert leveled.at_level("map") is leveled
    with pytest.raises(ValueError, match="'map', 'theme' or 'code'"):
        leveled.at_level("topic")
    q = leveled.quality(seeds=(), level="theme")
    assert (
        q["clusters"]
        == leveled.levels[leveled.levels["level"] == "theme"]
        .groupby("kind")
        .size()
        .reindex(q["kind"])
        .to_numpy()
    ).all()
    fig = leveled.plot("cause", level="theme")
    assert fig is not None
    page = leveled.report(str(tmp_path / "koder.html"), level="code").read_text(encoding="utf-8")
    assert all(html.escape(str(label)) in page for label in code.clusters["label"])


def test_levels_survive_save_and_load(leveled, tmp_path):
    back = wp.load(leveled.save(tmp_path / "kort.wpmap"))
    pd.testing.assert_frame_equal(back.levels, leveled.levels)
    assert (back.units["cluster_code"] == leveled.units["cluster_code"]).all()


def test_a_map_without_levels_says_so(tiny_da):
    m = wp.map(
        tiny_da,
        **TINY_ROLES,
        embedder=CountingEmbedder(),
        levels=False,
        progress=False,
        cache=False,
    )
    assert m.levels is None and "cluster_code" not in m.units
    with pytest.raises(ValueError, match="no code level"):
        m.at_level("code")


def test_a_wave_gets_themes_and_codes(leveled, tiny_da):
    wave = leveled.assign(tiny_da, embedder=CountingEmbedder(), wave="igen")
    # the same answers come back in their own theme and code
    same = wave.units["status"] != "new"
    assert (
        wave.units.loc[same, "cluster_code"].to_numpy()
        == leveled.units.loc[same.to_numpy(), "cluster_code"].to_numpy()
    ).all()
    assert set(wave.levels["level"]) == {"theme", "code"}
    sizes = wave.levels[wave.levels["level"] == "code"]["size"].sum()
    assert sizes == int((wave.units["cluster_code"] >= 0).sum())
    cmp = wp.compare(leveled, wave, level="code")
    assert len(cmp.clusters) >= len(leveled.at_level("code").clusters)
    assert np.allclose(cmp.clusters["change"], 0.0)


def test_exports_at_the_code_level_nest_codes_under_themes(leveled, tmp_path):
    path = leveled.to_qdpx(str(tmp_path / "p.qdpx"), level="code")
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    codes = root.find(f"{ns}CodeBook/{ns}Codes")
    n_themes = int((leveled.levels["level"] == "theme").sum())
    theme_codes = [
        c
        for kind in codes.findall(f"{ns}Code")
        for c in kind.findall(f"{ns}Code")
        if c.get("isCodable") == "false"
    ]
    assert len(theme_codes) == n_themes
    nested = sum(len(t.findall(f"{ns}Code")) for t in theme_codes)
    assert nested == int((leveled.levels["level"] == "code").sum())
    xlsx = leveled.to_excel(str(tmp_path / "k.xlsx"))
    assert "levels" in pd.ExcelFile(xlsx).sheet_names


def test_input_columns_named_theme_and_code_are_kept(tiny_da):
    """The corpora's human ``theme`` column (and any ``code`` column) survive next to the map's
    own levels: nothing of the input is overwritten."""
    df = tiny_da.assign(theme=tiny_da["tema"], code="c-" + tiny_da["tema"])
    m = wp.map(df, **TINY_ROLES, embedder=CountingEmbedder(), progress=False, cache=False)
    assert (m.units["theme"] == m.units["tema"]).all()
    assert m.units["code"].str.startswith("c-").all()
    assert (m.units["cluster_theme"] >= 0).all()
