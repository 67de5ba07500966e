"""Shared fixtures: tiny Danish data, a fake embedder, and an isolated embedding cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never write to the user's real cache from tests."""
    monkeypatch.setenv("WILDPROBLEMS_CACHE", str(tmp_path_factory.mktemp("wpcache")))


@pytest.fixture(scope="session")
def tiny_da() -> pd.DataFrame:
    """48 short Danish answers (24 causes, 24 solutions) in 6 known themes, 16 respondents."""
    return pd.read_csv(DATA / "tiny_da.csv", dtype=str, keep_default_na=False)


class CountingEmbedder:
    """Deterministic fake embedder: hashed bag of words; counts how many texts it embedded."""

    model_id = "test/counting-bow"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls: list[str] = []

    def encode(self, texts):
        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                h = sum(ord(ch) * (k + 1) for k, ch in enumerate(w))
                out[i, h % self.dim] += 1.0
            out[i, len(t) % self.dim] += 0.1
        return out


@pytest.fixture
def counting_embedder() -> CountingEmbedder:
    return CountingEmbedder()


def blobs(
    n_per: int = 15, centers: int = 3, dim: int = 16, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Well separated Gaussian blobs (unit-normalised) and their true labels."""
    rng = np.random.default_rng(seed)
    means = rng.normal(size=(centers, dim)) * 4
    X = np.vstack([rng.normal(means[c], 0.3, size=(n_per, dim)) for c in range(centers)])
    y = np.repeat(np.arange(centers), n_per)
    return X.astype(np.float32), y
