"""Write ``tiny_v<FORMAT_VERSION>.wpmap``: the tiny Danish test answers mapped with the fake
bag-of-words embedder and saved in the current map format (from version 2 on, curated by two edits).

The committed file is the "previous release" fixture: tests load it as it is, so every future
reader keeps reading format version 1. Do not regenerate it when the format changes; add a new
fixture for the new version instead. Run from the repository root:

    python tests/data/make_map_fixture.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parent)]

from conftest import CountingEmbedder  # noqa: E402

import wildproblems as wp  # noqa: E402
from wildproblems.waves.store import FORMAT_VERSION  # noqa: E402


def main() -> None:
    df = pd.read_csv(HERE / "tiny_da.csv", dtype=str, keep_default_na=False)
    m = wp.map(
        df,
        text="svar",
        respondent="politiker",
        kind="type",
        id="id",
        embedder=CountingEmbedder(dim=128),
        random_state=0,
        cache=False,
        progress=False,
    )
    if FORMAT_VERSION >= 2:  # version 2 carries the analyst's edits: save a curated map
        m = m.rename("cause:0", "Ældreplejen mangler hænder").merge(["solution:0", "solution:1"])
    out = HERE / f"tiny_v{FORMAT_VERSION}.wpmap"
    m.save(out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    print(m)


if __name__ == "__main__":
    main()
