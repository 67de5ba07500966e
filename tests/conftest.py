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


#: Column roles of tests/data/tiny_da.csv for wp.map / assign.
TINY_ROLES = {"text": "svar", "respondent": "politiker", "kind": "type", "id": "id"}


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


# ------------------------------------------------------------------ outputs (plots, report, ...)
@pytest.fixture(scope="session")
def real_map(tmp_path_factory):
    """A map of a real bundled corpus (32 interview quotes) with the real default embedder."""
    import wildproblems as wp

    return wp.map(
        wp.corpora.load("faellesskab_2025"),
        text="text",
        respondent="speaker",
        random_state=0,
        progress=False,
        cache_dir=str(tmp_path_factory.mktemp("real-map-cache")),
    )


#: Texts that must come out escaped (HTML) or neutralised (spreadsheets) in every export.
UNSAFE_ROWS = [
    {
        "svar": "<script>alert(1)</script> Mangel på arbejdskraft i plejen",
        "politiker": "=1+1",
        "parti": "+x",
        "type": "årsag",
        "tema": "arbejdskraft",
    },
    {
        "svar": "-x For meget bureaukrati og kontrol",
        "politiker": "@x",
        "parti": "-x",
        "type": "årsag",
        "tema": "bureaukrati",
    },
    {
        "svar": '=HYPERLINK("http://evil") Flere frivillige i foreningerne',
        "politiker": "+x",
        "parti": "@x",
        "type": "løsning",
        "tema": "frivillige",
    },
]


@pytest.fixture(scope="session")
def unsafe_map(tiny_da, tmp_path_factory):
    """tiny_da (causes and solutions, party metadata) plus rows whose text, respondent and party
    are HTML or spreadsheet formulas; mapped with the real default embedder."""
    import wildproblems as wp

    extra = pd.DataFrame(UNSAFE_ROWS).assign(id=[f"x{i}" for i in range(len(UNSAFE_ROWS))])
    data = pd.concat([tiny_da, extra[tiny_da.columns]], ignore_index=True)
    return wp.map(
        data,
        **TINY_ROLES,
        random_state=0,
        progress=False,
        cache_dir=str(tmp_path_factory.mktemp("unsafe-map-cache")),
    )


def find_chromium() -> str | None:
    """Path of a headless-capable Chromium/Chrome, or None."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(url: str, tmp: Path, *args: str, timeout: int = 120) -> str:
    """Run headless Chromium on ``url`` with ``args`` (e.g. ``--screenshot=...``); returns
    stdout. Flags as in the machine notes: no sandbox (root), no GPU, no network chatter."""
    import subprocess

    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        *args,
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return done.stdout


@pytest.fixture(scope="session")
def modelled_map(tiny_da, tmp_path_factory):
    """tiny_da mapped with INVI & KL's model (velfaerd-2035: four pathways on the Afvikling -
    Udvikling axis, corners with party as the group) by the real pipeline and the real default
    embedder: the pathways, respondents and corners tables are what the model step makes."""
    import wildproblems as wp

    return wp.map(
        tiny_da,
        **TINY_ROLES,
        model="velfaerd-2035",
        group="parti",
        random_state=0,
        progress=False,
        cache_dir=str(tmp_path_factory.mktemp("modelled-map-cache")),
    )
