"""The nearest-neighbour search under placement: exact, tie-stable, and bounded in memory."""

from __future__ import annotations

import numpy as np
import pytest

from wildproblems.waves import place as P


def _by_sorting(Q, R, k, exclude_self=False):
    """The plain rule: sort every row (largest first, ties to the lower index)."""
    S = Q @ R.T
    if exclude_self:
        np.fill_diagonal(S, -np.inf)
    order = np.argsort(-S, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(S, order, axis=1), order


@pytest.mark.parametrize("seed", range(6))
def test_top_k_is_the_sorted_rule_with_ties_and_any_block_size(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(5, 120))
    R = np.round(rng.normal(size=(m, 6))).astype(np.float32)  # many equal dot products
    R[: m // 3] = R[m // 3 : 2 * (m // 3)]  # duplicate rows: exact ties
    k = int(rng.integers(1, m))
    for exclude_self in (False, True):
        want = _by_sorting(R, R, k, exclude_self)
        # one block holding every row: the same dot products as the plain rule
        got = P._top_k(R, R, k, exclude_self=exclude_self, chunk=m)
        assert np.array_equal(got[1], want[1]) and np.array_equal(got[0], want[0])
        # small blocks: the same neighbours (up to the last bit of the dot products)
        small = P._top_k(R, R, k, exclude_self=exclude_self, chunk=int(rng.integers(1, 9)))
        np.testing.assert_allclose(small[0], want[0], atol=1e-5)


def test_top_k_blocks_follow_the_memory_budget(monkeypatch):
    seen = []
    real = np.partition

    def spy(a, kth, axis):
        seen.append(a.shape)
        return real(a, kth, axis=axis)

    monkeypatch.setattr(P, "BLOCK_CELLS", 1000)
    monkeypatch.setattr(P.np, "partition", spy)
    X = np.random.default_rng(0).normal(size=(300, 4)).astype(np.float32)
    P._top_k(X, X, 3)
    assert seen and all(r * c <= 1000 for r, c in seen)  # 3 rows of 300 per block
    with pytest.raises(ValueError, match="k must be"):
        P._top_k(X, X, 301)


def test_calibration_of_a_large_kind_measures_evenly_spaced_units(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 16)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X[7] = X[8]  # a duplicate of query 8 that comes before it
    full = P._top_k(X, X, 5, exclude_self=True)[0].mean(axis=1)
    monkeypatch.setattr(P, "CALIBRATION_QUERIES", 50)
    got = P._leave_one_out_density(X, 5)
    q = np.unique(np.linspace(0, 399, 50).round().astype(np.int64))
    assert len(got) == len(q) == 50
    np.testing.assert_allclose(got, full[q], atol=1e-6)
