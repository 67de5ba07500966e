"""Two nested levels (themes, codes) cut from one Ward tree by a label-free rule."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import blobs
from wildproblems.cluster import (
    cluster_levels,
    clustering_space,
    cut_tree_k,
    level_targets,
    ward_tree,
)


def _data(n_per: int = 10, centers: int = 12, seed: int = 1) -> np.ndarray:
    X, _ = blobs(n_per=n_per, centers=centers, dim=32, seed=seed)
    noise = np.random.default_rng(seed).normal(0, 1.5, size=X.shape)
    return (X + noise).astype(np.float32)


def test_codes_nest_in_themes_and_every_unit_has_both():
    X = _data()
    theme, code, rec = cluster_levels(X)
    assert theme.shape == code.shape == (len(X),)
    assert (theme >= 0).all() and (code >= 0).all()
    n_codes, n_themes = rec["code"]["k"], rec["theme"]["k"]
    assert sorted(set(code.tolist())) == list(range(n_codes))
    assert sorted(set(theme.tolist())) == list(range(n_themes))
    assert 2 <= n_themes < n_codes
    for c in range(n_codes):
        parents = set(theme[code == c].tolist())
        assert parents == {rec["parent"][c]}  # exactly one parent theme
    # codes are numbered theme by theme
    assert rec["parent"] == sorted(rec["parent"])


def test_rule_is_deterministic_and_order_free():
    X = _data()
    a = cluster_levels(X)
    b = cluster_levels(X.copy())
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    perm = np.random.default_rng(0).permutation(len(X))
    c = cluster_levels(X[perm])
    assert adjusted_rand_score(a[0][perm], c[0]) == pytest.approx(1.0)
    assert adjusted_rand_score(a[1][perm], c[1]) == pytest.approx(1.0)


def test_rule_takes_no_labels():
    params = set(inspect.signature(cluster_levels).parameters)
    assert params == {"X", "tree"}  # nothing a label could be passed through


def test_candidate_record_explains_the_choice():
    X = _data()
    n = len(X)
    _, _, rec = cluster_levels(X)
    code_t, theme_t = level_targets(n)
    assert rec["n_units"] == n and "merge-height gap" in rec["rule"]
    for level, target in (("code", code_t), ("theme", theme_t)):
        r = rec[level]
        assert r["target"] == pytest.approx(target, abs=0.01)
        ks = [c["k"] for c in r["candidates"]]
        assert ks == list(range(ks[0], ks[-1] + 1))
        assert target / (4 / 3) - 1 <= ks[0] and ks[-1] <= target * (4 / 3)
        assert r["k"] in ks and r["gap"] == max(c["gap"] for c in r["candidates"])
    assert max(c["k"] for c in rec["theme"]["candidates"]) <= rec["code"]["k"]


def test_gap_rule_finds_planted_structure():
    """Four far-apart groups of three tight subgroups: themes 4, codes 12 when the targets allow."""
    rng = np.random.default_rng(0)
    tops = rng.normal(size=(4, 64)) * 10
    subs = [t + rng.normal(size=64) * 3 for t in tops for _ in range(3)]
    X = np.vstack([rng.normal(s, 0.3, size=(8, 64)) for s in subs])  # 96 units: targets 15.5, 3.9
    theme, code, rec = cluster_levels(X)
    true_theme = np.repeat(np.arange(4), 24)
    true_code = np.repeat(np.arange(12), 8)
    assert rec["theme"]["k"] == 4 and rec["code"]["k"] == 12
    assert adjusted_rand_score(true_theme, theme) == 1.0
    assert adjusted_rand_score(true_code, code) == 1.0


def test_cut_tree_k_matches_scipy_and_nests():
    from scipy.cluster.hierarchy import fcluster

    X = _data(n_per=6, centers=5)
    tree = ward_tree(clustering_space(X))
    for k in (2, 5, 9):
        ours = cut_tree_k(tree, k)
        assert len(set(ours.tolist())) == k
        assert adjusted_rand_score(ours, fcluster(tree, k, "maxclust")) == pytest.approx(1.0)
    fine, coarse = cut_tree_k(tree, 9), cut_tree_k(tree, 3)
    assert all(len(set(coarse[fine == c].tolist())) == 1 for c in set(fine.tolist()))
    with pytest.raises(ValueError, match="clusters"):
        cut_tree_k(tree, 0)


def test_too_few_rows():
    with pytest.raises(ValueError, match="at least 3"):
        cluster_levels(np.eye(2))
