"""The four corners and the wildness index on units whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wildproblems.errors import InputError
from wildproblems.model.corners import (
    bimodality_coefficient,
    compute_corners,
    hill_entropy,
    js_divergence,
)
from wildproblems.model.spec import load_model


def units_frame(solution_clusters, positions, parties, sectors, levels) -> pd.DataFrame:
    n = len(solution_clusters)
    return pd.DataFrame(
        {
            "respondent": [f"r{i}" for i in range(n)],
            "kind": "solution",
            "cluster": solution_clusters,
            "axis:afvikling-udvikling": positions,
            "parti": parties,
            "sector": sectors,
            "level": levels,
        }
    )


def test_measures():
    assert hill_entropy([4, 4, 4, 4])[1] == pytest.approx(4.0)
    assert hill_entropy([10, 0, 0])[1] == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    normal = rng.normal(0, 1, 400)
    camps = np.r_[rng.normal(-1, 0.1, 200), rng.normal(1, 0.1, 200)]
    assert bimodality_coefficient(normal) < 0.45 < 0.555 < bimodality_coefficient(camps)
    assert np.isnan(bimodality_coefficient([1, 2, 3]))
    assert js_divergence([5, 5, 0], [0, 0, 7]) == pytest.approx(1.0)
    assert js_divergence([1, 2, 3], [2, 4, 6]) == pytest.approx(0.0)


def test_tame_and_wild_problems():
    spec = load_model("velfaerd-2035")
    n = 40
    sectors = [s.id for s in spec.sectors]
    levels = [s.id for s in spec.levels]
    tame = units_frame(
        [0] * n,
        np.full(n, 0.1) + np.linspace(-0.01, 0.01, n),
        ["A", "B"] * (n // 2),
        [sectors[0]] * n,
        [levels[2]] * n,
    )
    wild = units_frame(
        list(range(8)) * (n // 8),
        np.r_[np.full(n // 2, -0.6), np.full(n // 2, 0.6)],
        ["A"] * (n // 2) + ["B"] * (n // 2),
        [sectors[i % len(sectors)] for i in range(n)],
        [levels[i % len(levels)] for i in range(n)],
    )
    # in the wild problem party A only writes clusters 0-3, party B only 4-7
    wild["cluster"] = [i % 4 for i in range(n // 2)] + [4 + i % 4 for i in range(n // 2)]
    t = compute_corners(tame, spec, group="parti").set_index(["corner", "measure"])
    w = compute_corners(wild, spec, group="parti").set_index(["corner", "measure"])
    assert t.loc[("solutions", "effective_clusters"), "value"] == pytest.approx(1.0)
    assert t.loc[("solutions", "score"), "score"] == 0.0
    assert w.loc[("solutions", "effective_clusters"), "value"] == pytest.approx(8.0)
    assert t.loc[("scale", "sectors_touched"), "value"] == 1
    assert w.loc[("scale", "sectors_touched"), "value"] == len(sectors)
    assert w.loc[("scale", "score"), "score"] == pytest.approx(1.0, abs=0.01)  # 40 units, 6 levels
    assert t.loc[("conflict", "group_divergence"), "value"] == pytest.approx(0.0)
    assert w.loc[("conflict", "group_divergence"), "value"] == pytest.approx(1.0)
    assert w.loc[("conflict", "group_axis_eta2:afvikling-udvikling"), "value"] == pytest.approx(1.0)
    assert w.loc[("conflict", "bimodality:afvikling-udvikling"), "value"] > 0.8  # two camps
    assert w.loc[("conflict", "spread:afvikling-udvikling"), "value"] == pytest.approx(0.6)
    tw = t.loc[("wildness", "index"), "value"]
    ww = w.loc[("wildness", "index"), "value"]
    assert tw < 0.2 < 0.8 < ww
    # the index is the mean of the corner scores, and says so
    parts = w.xs("score", level="measure")["score"]
    assert ww == pytest.approx(parts.mean(), abs=1e-4)
    assert "solutions" in w.loc[("wildness", "index"), "method"]


def test_without_group_and_errors():
    spec = load_model("velfaerd-2035")
    u = units_frame(
        [0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], list("ABAB"), ["aeldre"] * 4, ["kommune"] * 4
    )
    c = compute_corners(u, spec)
    assert not c["measure"].str.startswith("group").any()
    assert list(c.columns) == ["corner", "measure", "value", "score", "method"]
    with pytest.raises(InputError, match="'parti2'"):
        compute_corners(u, spec, group="parti2")


def test_unmeasured_corners_are_left_out_of_the_index_not_counted_as_zero():
    spec = load_model("velfaerd-2035")
    units = pd.DataFrame(
        {
            "kind": ["cause"] * 6 + ["solution"] * 6,
            "cluster": [0, 0, 1, 1, 2, 2] + [-1] * 6,  # no solution is clustered
            "respondent": list("abcdef") * 2,
        }
    )
    c = compute_corners(units, spec).set_index(["corner", "measure"])
    assert np.isnan(c.loc[("solutions", "score"), "score"])
    assert "not measured" in c.loc[("solutions", "score"), "method"]
    for corner in ("scale", "conflict"):  # no sector/level or axis columns in these units
        assert np.isnan(c.loc[(corner, "score"), "score"])
    index = c.loc[("wildness", "index")]
    assert index["value"] == pytest.approx(c.loc[("causes", "score"), "score"])
    assert "left out: solutions, scale, conflict" in index["method"]


def test_one_respondent_has_no_conflict_rather_than_conflict_zero():
    spec = load_model("velfaerd-2035")
    axis = f"axis:{spec.axes[0].id}"
    units = pd.DataFrame(
        {
            "kind": ["solution"] * 6,
            "cluster": [0, 0, 1, 1, 2, 2],
            "respondent": ["rapport"] * 6,
            axis: [-0.5, 0.2, 0.4, -0.1, 0.3, 0.0],
        }
    )
    c = compute_corners(units, spec).set_index(["corner", "measure"])
    assert np.isnan(c.loc[("conflict", "score"), "score"])
    assert "fewer than 2 respondents" in c.loc[("conflict", "score"), "method"]
    assert not any(m.startswith("spread") for _, m in c.index)
    assert "left out: causes, scale, conflict" in c.loc[("wildness", "index"), "method"]
