"""The orchestrator: :func:`map` wires the stages together and does nothing else."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cluster import cluster_levels
from .config import MapConfig
from .curate.edits import replay
from .embed import Embedder, embed_units
from .errors import InputError
from .ingest import InputData
from .label import UNCLUSTERED_LABEL
from .layout import MIN_UNITS
from .model.kinds import anchor_embedder, classify_kinds
from .model.pathways import model_tables
from .model.spec import load_model
from .provenance import counts as count_record
from .provenance import record, timed
from .result import WildMap
from .schema import (
    LEVEL_COLUMNS,
    LEVEL_UNIT_COLUMN,
    UNIT_FRONT,
    cluster_keys,
    kinds_in,
    sort_by_kind,
)
from .segment import prepare_units
from .stages import Stages, build_stages, cluster_table, label_rows

log = logging.getLogger(__name__)


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
    edits: str | Path | Sequence[Mapping[str, Any]] | None = None,
    client: Any = None,
    sample_size: int | None = None,
    **settings: Any,
) -> WildMap:
    """Map free-text answers: ingest, segment, embed, reduce, cluster and label.

    Column roles (``text``, ``respondent``, ``kind``, ``id``, ``metadata``) name columns of
    ``data``. Any :class:`~wildproblems.config.MapConfig` field can be given as a keyword
    (``language="en"``, ``random_state=1``, ``min_cluster_size=5``, ``model="velfaerd-2035"``...).
    ``embedder`` is a registered name, a sentence-transformers model name or path, or an object
    with ``model_id`` and ``encode``; ``embeddings`` skips embedding (one row per unit).
    ``edits`` (an edit file written by :meth:`WildMap.save_edits`, or a list of edit dicts) is
    replayed on the clusters (see :func:`wildproblems.curate.edits.replay`); an edit that no
    longer applies is logged and listed in ``provenance["curation"]["not_applied"]``.

    ``client`` (a ``dask.distributed.Client``) runs the map on a Dask cluster: embedding on the
    workers, and above ``sample_size`` units (default 20,000) the fit on a sample and the
    placement of the other units on the workers (:mod:`wildproblems.scale.distributed`;
    ``data`` may then also be a ``dask.dataframe`` or a Parquet/CSV glob).

    >>> import wildproblems as wp
    >>> m = wp.map(wp.corpora.load("faellesskab_2025"), text="text",
    ...            respondent="speaker", random_state=0, progress=False)  # doctest: +SKIP
    >>> m.clusters[["label", "size"]]  # doctest: +SKIP
    """
    cfg = (config or MapConfig()).replace(**settings) if settings else (config or MapConfig())
    if isinstance(embedder, str):
        cfg = cfg.replace(embedder=embedder)
    if client is None and sample_size is not None:
        raise InputError(
            f"sample_size={sample_size} applies to a run on a Dask cluster (client=, or "
            "--scheduler): without one every unit is mapped"
        )
    if client is not None:
        if embeddings is not None:
            raise InputError("client= embeds on the cluster: pass embeddings= without a client")
        from .scale.distributed import map_on_cluster

        m = map_on_cluster(
            client,
            data,
            text,
            respondent,
            kind,
            id,
            metadata,
            config=cfg,
            embedder=embedder,
            map_local=map,
            sample_size=sample_size,
        )
        if edits is not None:
            m = replay(m, edits, embedder=None if isinstance(embedder, str) else embedder)
        return m
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    spec = load_model(cfg.model) if cfg.model is not None else None

    ing, units, dropped = prepare_units(
        data, text, respondent, kind, id, metadata, cfg.segment, timings, group=cfg.group
    )
    with timed(timings, "embed"):
        emb, used_embedder, embedder_id, emb_stats = embed_units(
            units["text"].tolist(), cfg, embedder, embeddings, n_answers=len(ing.answers)
        )
    stages = build_stages(cfg, embedder=used_embedder)  # headlines ranked with the map's embedder
    if spec is not None:
        with timed(timings, "classify"):
            anchors = anchor_embedder(cfg, used_embedder)
            units = classify_kinds(units, emb, spec, anchors, given=kind is not None)

    kinds = kinds_in(units)
    columns = _UnitColumns(len(units))
    chosen: dict[str, Any] = {}
    frames = []
    for k in kinds:
        idx = np.where(units["kind"].to_numpy() == k)[0]
        if len(idx) < MIN_UNITS:
            chosen[k] = _too_few(k, len(idx), kinds, spec is not None and kind is None)
            continue
        chosen[k], kind_frames = _map_kind(k, idx, units, emb[idx], stages, columns, timings)
        frames += kind_frames

    units = columns.attach(units)
    clusters = cluster_table([f for f in frames if "level" not in f.columns])
    levels = _levels_table([f for f in frames if "level" in f.columns])
    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    units["label"] = [
        label_of.get(key, UNCLUSTERED_LABEL[cfg.language]) for key in units["cluster_key"]
    ]
    units = units[UNIT_FRONT + [c for c in units.columns if c not in UNIT_FRONT]]
    timings["total"] = round(time.perf_counter() - t_start, 4)
    provenance = record(
        embedder=embedder_id,
        random_state=cfg.random_state,
        input_hash=ing.input_hash,
        timings=timings,
        counts=count_record(len(ing.answers), len(ing.dropped), len(units), dropped, emb_stats),
        chosen=chosen,
        columns={"text": text, "respondent": respondent, "kind": kind, "id": id},
        input=ing.changes,
        stages=stages.describe(),
        embedder_info=dict(getattr(used_embedder, "info", None) or {}),  # engine, device
    )
    wm = WildMap(
        units=units,
        clusters=clusters,
        answers=ing.answers,
        dropped=dropped,
        config=cfg,
        provenance=provenance,
        embeddings=emb,
        levels=levels,
    )
    if spec is not None:
        with timed(timings, "model"):
            model_tables(wm, spec, anchors)
        timings["total"] = round(time.perf_counter() - t_start, 4)
    if edits is not None:
        wm = replay(wm, edits, embedder=used_embedder)
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
        self.theme = np.full(n, -1, dtype=int)
        self.code = np.full(n, -1, dtype=int)

    def attach(self, units: pd.DataFrame) -> pd.DataFrame:
        units = units.copy()
        units["cluster"] = self.cluster
        units["cluster_key"] = cluster_keys(units)
        units["membership"] = np.round(self.membership, 4)
        units["assigned"] = self.assigned
        units["x"] = np.round(self.xy[:, 0], 5)
        units["y"] = np.round(self.xy[:, 1], 5)
        if (self.code >= 0).any():
            units[LEVEL_UNIT_COLUMN["theme"]] = self.theme
            units[LEVEL_UNIT_COLUMN["code"]] = self.code
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
    stages: Stages,
    out: _UnitColumns,
    timings: dict[str, float],
) -> tuple[dict[str, Any], list[pd.DataFrame]]:
    """Cluster, lay out and label the units ``idx`` of one kind; fills ``out`` and returns the
    provenance record of the choices made and the kind's cluster rows (the map's, then its themes
    and codes).

    The clusters come first so the map can draw them as regions (:class:`~.layout.Layout`)."""
    with timed(timings, "cluster"):
        labels, prob, assigned, chosen = stages.clusterer.fit(
            X, fold_keys=units["text"].iloc[idx].tolist()
        )
        out.assigned[idx] = assigned
        out.cluster[idx] = labels
        out.membership[idx] = prob
    with timed(timings, "layout"):
        out.xy[idx] = stages.layout.fit_transform(X, labels)
    chosen["n_neighbors"] = stages.layout.n_neighbors_
    sub = units.iloc[idx]
    frames = [_label_rows(kind, labels, sub, X, stages, timings)]
    if stages.levels and stages.clusterer.method == "ward":
        with timed(timings, "levels"):
            theme, code, record = cluster_levels(X)
        out.theme[idx] = theme
        out.code[idx] = code
        chosen["levels"] = record
        for level, ids in (("theme", theme), ("code", code)):
            rows = _label_rows(kind, ids, sub, X, stages, timings)
            parent = record["parent"] if level == "code" else [-1] * len(rows)
            rows.insert(0, "level", level)
            rows["parent"] = [int(parent[c]) for c in rows["cluster"]]
            frames.append(rows)
    return chosen, frames


def _label_rows(
    kind: str,
    labels: np.ndarray,
    sub: pd.DataFrame,
    X: np.ndarray,
    stages: Stages,
    timings: dict[str, float],
) -> pd.DataFrame:
    """The cluster rows of one kind's ``labels`` (:func:`~wildproblems.stages.label_rows`), timed."""
    with timed(timings, "label"):
        return label_rows(stages, kind, labels, sub, X)


def _levels_table(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The themes and codes of every kind in the documented column order (:data:`LEVEL_COLUMNS`);
    ``None`` when no kind was cut into levels."""
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    rows["cluster_key"] = cluster_keys(rows)
    rows["_level"] = rows["level"].map({"theme": 0, "code": 1})
    return sort_by_kind(rows, "_level")[list(LEVEL_COLUMNS)].reset_index(drop=True)
