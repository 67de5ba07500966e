"""Helpers of benchmarks/speed.py (FLOP count, peak) and benchmarks/embed_engines.py (noise)."""

import numpy as np

from benchmarks.embed_engines import perturb
from benchmarks.speed import flops_per_token, peak_flops


def test_flops_per_token_of_e5_small():
    # 12 layers x (Q, K, V, O: 384x384; FFN 384x1536 twice) multiply-adds, times 2
    assert flops_per_token(0) == 2 * 12 * (4 * 384 * 384 + 2 * 384 * 1536)
    assert flops_per_token(0) == 42_467_328
    assert flops_per_token(50) - flops_per_token(0) == 2 * 12 * 2 * 50 * 384
    assert flops_per_token(50, layers=6) * 2 == flops_per_token(50)


def test_peak_flops_is_positive_and_finite():
    peak = peak_flops(size=128, repeats=2)
    assert np.isfinite(peak) and peak > 1e6


def test_perturb_gives_the_asked_cosine():
    rng = np.random.default_rng(5)  # not perturb()'s seed: its noise would be parallel
    emb = rng.standard_normal((20, 16)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    noisy = perturb(emb, 0.99)
    assert np.allclose(np.linalg.norm(noisy, axis=1), 1.0, atol=1e-5)
    assert np.allclose((noisy * emb).sum(axis=1), 0.99, atol=1e-5)
    assert not np.allclose(perturb(emb, 0.99, seed=1), noisy)
