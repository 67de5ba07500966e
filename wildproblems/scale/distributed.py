"""The same map on a Dask cluster: ``wp.map(data, ..., client=Client(...))``.

What runs where:

* **client** (the process that calls :func:`wildproblems.map`): reads the input (a DataFrame, a
  list, a Parquet/CSV path or glob, or a ``dask.dataframe``, whose partitions are computed on the
  workers and gathered: the *texts*, not the vectors), ingests and segments it (linear and cheap),
  and gathers the unit vectors, one ``float32`` row per unit (384-d: 1.5 kB a unit, 154 MB for
  100,000 units) because a :class:`~wildproblems.result.WildMap` keeps them to place later waves.
* **workers**: embed the distinct unit texts in partitions of ``partition_size`` texts. Each
  worker process builds the embedder once (:func:`~wildproblems.embed.get_embedder` keeps one per
  process and name; an embedder *object* is scattered once to every worker) and reads and writes
  the on-disk embedding cache (``cache_dir`` / ``$WILDPROBLEMS_CACHE`` as seen by the worker: a
  shared folder serves all workers).
* **up to** ``sample_size`` **units** (default :data:`SAMPLE_SIZE`): the client runs the ordinary
  single-process pipeline on the gathered vectors, so the clusters, levels, layout and labels are
  the single-process ones exactly.
* **above it**: the client fits the Ward hierarchy, the levels and the 2-d layout on a
  representative sample of ``sample_size`` units (the units whose texts have the smallest
  SHA-256 hashes: deterministic, independent of row order and of the machine), labels the
  sample's clusters (headline, keywords and quotes come from the sample; sizes, shares and
  respondent counts from all units), and the workers place every other unit with the
  neighbour vote that :func:`wildproblems.assign` uses (:func:`wildproblems.waves.place._vote`:
  the 5 most similar sample units of the same kind vote with weight ``1 / cosine distance`` for
  the cluster, the theme and the code; the position is the same weighted mean). Placed units
  have ``placed = True`` and their vote's confidence as ``membership``. With a model, the kinds
  of all units are classified first (so each kind's sample places its own units) and the
  model's tables (pathways, respondents, corners) are computed from all units.

``m.provenance["distributed"]`` says what ran where: the scheduler, each worker (texts and
partitions it embedded, its peak memory), the partitions, and the sample (size, rule, units
placed).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import MapConfig
from ..embed import Embedder, embed_texts, get_embedder, l2_normalise
from ..errors import InputError
from ..label import UNCLUSTERED_LABEL, ctfidf_counts, tokenize
from ..model.anchors import AnchorEmbedder
from ..model.kinds import anchor_embedder, classify_kinds
from ..model.pathways import model_tables
from ..model.spec import ModelSpec, load_model
from ..provenance import counts as count_record
from ..provenance import timed
from ..result import WildMap
from ..schema import LEVEL_UNIT_COLUMN, UNIT_FRONT, cluster_keys, metadata_columns
from ..segment import prepare_units
from ..stages import build_stages
from ..waves.place import N_NEIGHBORS, _top_k, _vote

log = logging.getLogger(__name__)

THEME, CODE = LEVEL_UNIT_COLUMN["theme"], LEVEL_UNIT_COLUMN["code"]

#: Units up to which the whole pipeline runs on all units; above it the hierarchy, levels and
#: layout are fitted on a sample of this many units and the rest are placed. At 20,000 units the
#: sample fit (Ward on a nearest-neighbour graph, the stability choice, UMAP) stays within about
#: 2 GB and a few minutes on two cores (see README, *Past one machine*).
SAMPLE_SIZE = 20_000
#: Most distinct texts per embedding task (and units per placement task); smaller inputs are
#: cut into about four partitions per worker, so every worker gets work.
PARTITION_SIZE = 1_000


def partition_size_for(n: int, n_workers: int) -> int:
    """Texts per partition: about four partitions per worker, 16 to :data:`PARTITION_SIZE`.

    >>> partition_size_for(100_000, 2), partition_size_for(300, 2), partition_size_for(20, 2)
    (1000, 38, 16)
    """
    return max(16, min(PARTITION_SIZE, -(-n // (4 * max(1, n_workers)))))


# ------------------------------------------------------------------------------ input
def read_input(data: Any) -> Any:
    """A ``dask.dataframe`` or a Parquet/CSV path or glob becomes a pandas DataFrame (its
    partitions read on the workers); anything else is returned as it is."""
    if isinstance(data, (str, Path)) and _is_glob_or_table(str(data)):
        import dask.dataframe as dd

        path = str(data)
        if path.endswith((".parquet", ".pq")) or Path(path).is_dir():
            data = dd.read_parquet(path)
        else:
            data = dd.read_csv(path, dtype=str, keep_default_na=False)
    if type(data).__module__.startswith("dask"):
        return data.compute().reset_index(drop=True)
    return data


def _is_glob_or_table(path: str) -> bool:
    return (
        any(ch in path for ch in "*?[")
        or path.endswith((".parquet", ".pq"))
        or (Path(path).is_dir())
    )


# ------------------------------------------------------------------------------ worker tasks
def _peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux: ru_maxrss is in kB)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _where() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "client"


def embed_partition(
    texts: list[str],
    embedder: Embedder | str,
    prefix: str,
    batch_size: int,
    cache_dir: str | None,
    use_cache: bool,
) -> dict[str, Any]:
    """Worker task: embed one partition of distinct texts (the worker's own embedder, built once
    per process; the disk cache as the worker sees it)."""
    t0 = time.perf_counter()
    model = (
        get_embedder(embedder, prefix=prefix, batch_size=batch_size)
        if isinstance(embedder, str)
        else embedder
    )
    vecs, stats = embed_texts(
        texts,
        model,
        cache_dir=cache_dir,
        use_cache=use_cache,
        batch_size=batch_size,
        progress=False,
    )
    return {
        "vectors": vecs,
        "stats": stats,
        "worker": _where(),
        "seconds": time.perf_counter() - t0,
        "peak_rss_mb": _peak_rss_mb(),
        "model_id": model.model_id,
    }


def place_partition(Q: np.ndarray, ref: dict[str, np.ndarray]) -> dict[str, Any]:
    """Worker task: the neighbour vote of :func:`wildproblems.assign` for rows ``Q`` against the
    sample units ``ref`` of their kind (clusters, themes, codes and positions)."""
    k = min(N_NEIGHBORS, ref["emb"].shape[0])
    sims, idx = _top_k(Q, ref["emb"], k)
    cluster, _, confidence, _, xy = _vote(sims, idx, ref["cluster"], ref["xy"], k, None)
    out = {"cluster": cluster, "confidence": confidence, "xy": xy}
    for level in ("theme", "code"):
        if level in ref:
            out[level] = _vote(sims, idx, ref[level], ref["xy"], k, None)[0]
    out["worker"] = _where()
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def count_terms(
    texts: list[str], keys: dict[str, list[str]], language: str
) -> dict[str, dict[str, Counter]]:
    """Worker task: content-lemma counts of one partition per cluster key (``kind:cluster``) of
    each level (``keys[level]``, one key per text); the client sums them over partitions."""
    toks = tokenize(texts, language)
    out: dict[str, dict[str, Counter]] = {}
    for level, ks in keys.items():
        per: dict[str, Counter] = {}
        for key, doc in zip(ks, toks):
            if key.endswith(":-1"):
                continue
            per.setdefault(key, Counter()).update(t.lemma for t in doc if t.content)
        out[level] = per
    return out


def _count_part(part: tuple[list[str], dict[str, list[str]]], language: str) -> Any:
    """Worker task: :func:`count_terms` of one scattered ``(texts, keys)`` partition."""
    return count_terms(part[0], part[1], language)


# ------------------------------------------------------------------------------ the map
def sample_order(texts: Sequence[str]) -> np.ndarray:
    """Unit positions ordered by the SHA-256 of their text (ties by position): the first ``S``
    are the sample of size ``S``; the same texts give the same sample on any machine.

    >>> sample_order(["a", "b", "a"]).tolist()  # sha256("b") < sha256("a")
    [1, 0, 2]
    """
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    return np.array(sorted(range(len(texts)), key=lambda i: (keys[i], i)), dtype=np.int64)


def _embed_on_cluster(
    client: Any, texts: list[str], cfg: MapConfig, embedder: Embedder | str | None, size: int
) -> tuple[np.ndarray, str, dict[str, int], dict[str, Any], Embedder]:
    """Embed ``texts`` by partitions on the workers; ``(matrix, model_id, stats, workers,
    the client's embedder object)``."""
    uniq = list(dict.fromkeys(texts))
    parts = [uniq[i : i + size] for i in range(0, len(uniq), size)]
    if embedder is None or isinstance(embedder, str):
        name = embedder or cfg.embedder
        spec: Any = name
        local = get_embedder(name, prefix=cfg.prefix, batch_size=cfg.batch_size)
    else:
        spec = client.scatter(embedder, broadcast=True)  # sent once to every worker
        local = embedder
    n = len(parts)  # positional: client.map has a batch_size keyword of its own
    futures = client.map(
        embed_partition,
        client.scatter(parts),  # data to the workers, not inside the task graph
        [spec] * n,
        [cfg.prefix] * n,
        [cfg.batch_size] * n,
        [cfg.cache_dir] * n,
        [cfg.cache] * n,
        pure=False,
    )
    results = client.gather(futures)
    stats = {"texts": len(texts), "unique": len(uniq), "cached": 0, "computed": 0}
    workers: dict[str, dict[str, Any]] = {}
    for r in results:
        stats["cached"] += r["stats"]["cached"]
        stats["computed"] += r["stats"]["computed"]
        w = workers.setdefault(
            r["worker"], {"partitions": 0, "texts": 0, "embed_s": 0.0, "peak_rss_mb": 0.0}
        )
        w["partitions"] += 1
        w["texts"] += r["stats"]["unique"]
        w["embed_s"] = round(w["embed_s"] + r["seconds"], 3)
        w["peak_rss_mb"] = max(w["peak_rss_mb"], r["peak_rss_mb"])
    ids = {r["model_id"] for r in results}
    if len(ids) > 1:
        raise RuntimeError(f"the workers embedded with different models: {sorted(ids)}")
    model_id = ids.pop() if ids else local.model_id
    mat = np.vstack([r["vectors"] for r in results]) if results else np.zeros((0, 0), np.float32)
    pos = {t: i for i, t in enumerate(uniq)}
    return mat[[pos[t] for t in texts]], model_id, stats, workers, local


def map_on_cluster(
    client: Any,
    data: Any,
    text: str,
    respondent: str | None,
    kind: str | None,
    id: str | None,  # noqa: A002
    metadata: Sequence[str] | None,
    *,
    config: MapConfig,
    embedder: Embedder | str | None,
    map_local: Callable[..., WildMap],
    sample_size: int | None = None,
    partition_size: int | None = None,
) -> WildMap:
    """The map of ``data`` with embedding (and, above ``sample_size`` units, placement) on the
    Dask cluster of ``client``; see the module docstring. ``map_local`` is
    :func:`wildproblems.map` (passed in by the pipeline, which sits above this wing)."""
    sample_size = SAMPLE_SIZE if sample_size is None else int(sample_size)
    if sample_size < 3 or (partition_size is not None and partition_size < 1):
        raise InputError("sample_size must be at least 3 and partition_size at least 1")
    cfg = config
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    with timed(timings, "read"):
        data = read_input(data)
    ing, units, dropped = prepare_units(
        data, text, respondent, kind, id, metadata, cfg.segment, timings, group=cfg.group
    )
    n = len(units)
    spec = load_model(cfg.model) if cfg.model is not None and n > sample_size else None
    unit_texts = units["text"].tolist()
    threads = {str(a): int(t) for a, t in client.nthreads().items()}  # every worker
    if partition_size is None:
        partition_size = partition_size_for(len(set(unit_texts)), len(threads))
    with timed(timings, "embed"):
        emb, model_id, emb_stats, workers, local = _embed_on_cluster(
            client, unit_texts, cfg, embedder, partition_size
        )
    record: dict[str, Any] = {
        "scheduler": str(client.scheduler.address),
        "n_workers": len(threads),
        "threads": threads,
        "partition_size": partition_size,
        "partitions": -(-emb_stats["unique"] // partition_size),
        "workers": workers,
        "embedded_on": "workers",
        "sample": None,
    }
    if n <= sample_size:
        with timed(timings, "map"):
            m = map_local(
                data,
                text,
                respondent,
                kind,
                id,
                metadata,
                config=cfg,
                embedder=local,
                embeddings=emb,
            )
        record["fitted_on"] = "client, all units (the single-process pipeline)"
        _finish(m, model_id, emb_stats, record, timings, t_start)
        return m
    columns = {"text": text, "respondent": respondent, "kind": kind, "id": id}
    model = None
    if spec is not None:
        with timed(timings, "classify"):
            anchors = anchor_embedder(cfg, local)
            units = classify_kinds(units, emb, spec, anchors, given=kind is not None)
        model = (spec, anchors)
    return _map_sampled(
        client,
        ing,
        units,
        dropped,
        emb,
        cfg,
        columns,
        local,
        map_local,
        sample_size,
        partition_size,
        model_id,
        emb_stats,
        record,
        timings,
        t_start,
        model,
    )


def _map_sampled(
    client: Any,
    ing: Any,
    units: pd.DataFrame,
    dropped: pd.DataFrame,
    emb: np.ndarray,
    cfg: MapConfig,
    columns: dict[str, Any],
    local: Embedder,
    map_local: Callable[..., WildMap],
    sample_size: int,
    partition_size: int,
    model_id: str,
    emb_stats: dict[str, int],
    record: dict[str, Any],
    timings: dict[str, float],
    t_start: float,
    model: tuple[ModelSpec, AnchorEmbedder] | None = None,
) -> WildMap:
    """Fit on the sample on the client, place the rest on the workers, and assemble the map;
    with a ``model`` (the units' kinds already classified) its tables are computed on all
    units."""
    n = len(units)
    order = sample_order(units["text"].tolist())
    in_sample = np.zeros(n, dtype=bool)
    in_sample[order[:sample_size]] = True
    s_idx = np.sort(order[:sample_size])
    meta = metadata_columns(ing.answers)
    sample = units.iloc[s_idx][["unit_id", "respondent", "kind", "text", *meta]]
    with timed(timings, "sample_fit"):
        ms = map_local(
            sample.reset_index(drop=True),
            "text",
            "respondent",
            "kind" if columns["kind"] is not None or model is not None else None,
            "unit_id",
            meta,
            config=cfg.replace(segment=False, model=None),
            embedder=local,
            embeddings=emb[s_idx],
        )
    # the sample map's units are '<unit_id>.1' (one unit per 'answer'); map them back
    su = ms.units
    back = {f"{u}.1": i for u, i in zip(units["unit_id"].iloc[s_idx], s_idx)}
    pos = np.array([back[u] for u in su["unit_id"]], dtype=np.int64)
    has_levels = ms.levels is not None and THEME in su.columns

    cluster = np.full(n, -1, dtype=np.int64)
    membership = np.zeros(n, dtype=np.float32)
    assigned = np.zeros(n, dtype=bool)
    xy = np.zeros((n, 2), dtype=np.float32)
    theme = np.full(n, -1, dtype=np.int64)
    code = np.full(n, -1, dtype=np.int64)
    cluster[pos] = su["cluster"].to_numpy()
    membership[pos] = su["membership"].to_numpy()
    assigned[pos] = su["assigned"].to_numpy()
    xy[pos] = su[["x", "y"]].to_numpy()
    if has_levels:
        theme[pos] = su[THEME].to_numpy()
        code[pos] = su[CODE].to_numpy()

    with timed(timings, "place"):
        kinds_all = units["kind"].to_numpy()
        jobs, targets = [], []
        for k in dict.fromkeys(kinds_all.tolist()):
            ref_rows = np.where(su["kind"].to_numpy() == k)[0]
            todo = np.where((kinds_all == k) & ~in_sample)[0]
            if len(todo) == 0 or len(ref_rows) == 0:
                continue
            ref = {
                "emb": np.ascontiguousarray(ms.embeddings[ref_rows], dtype=np.float32),
                "cluster": su["cluster"].to_numpy(dtype=np.int64)[ref_rows],
                "xy": su[["x", "y"]].to_numpy(dtype=np.float64)[ref_rows],
            }
            if has_levels:
                ref["theme"] = su[THEME].to_numpy(dtype=np.int64)[ref_rows]
                ref["code"] = su[CODE].to_numpy(dtype=np.int64)[ref_rows]
            # a list, not the dict: a scattered dict's futures are keyed by its keys ("emb",
            # ...), so every kind's reference would share the first kind's keys
            (ref_f,) = client.scatter([ref], broadcast=True)
            chunks = [todo[i : i + partition_size] for i in range(0, len(todo), partition_size)]
            for rows, q in zip(chunks, client.scatter([emb[rows] for rows in chunks])):
                jobs.append(client.submit(place_partition, q, ref_f, pure=False))
                targets.append(rows)
        for rows, res in zip(targets, client.gather(jobs)):
            cluster[rows] = res["cluster"]
            membership[rows] = res["confidence"]
            xy[rows] = res["xy"]
            if has_levels:
                theme[rows] = res["theme"]
                code[rows] = res["code"]
            w = record["workers"].setdefault(res["worker"], {"peak_rss_mb": 0.0})
            w["placed"] = w.get("placed", 0) + len(rows)
            w["peak_rss_mb"] = max(w.get("peak_rss_mb", 0.0), res["peak_rss_mb"])

    out = units.copy()
    out["cluster"] = cluster
    out["cluster_key"] = cluster_keys(out)
    out["membership"] = np.round(membership, 4)
    out["assigned"] = assigned
    out["placed"] = ~in_sample
    out["x"] = np.round(xy[:, 0], 5)
    out["y"] = np.round(xy[:, 1], 5)
    if has_levels:
        out[THEME] = theme
        out[CODE] = code
    level_names = ["cluster", THEME, CODE] if has_levels else ["cluster"]
    with timed(timings, "keywords"):
        keywords = _keywords_over_all(client, out, emb, cfg, local, level_names, partition_size)
    clusters = _recount(ms.clusters, out, "cluster", keywords["cluster"])
    levels = None
    if has_levels:
        parts = []
        for level, col in (("theme", THEME), ("code", CODE)):
            rows = ms.levels[ms.levels["level"] == level]
            parts.append(_recount(rows, out, col, keywords[col]))
        levels = pd.concat(parts, ignore_index=True)[list(ms.levels.columns)]
    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    out["label"] = [label_of.get(k, UNCLUSTERED_LABEL[cfg.language]) for k in out["cluster_key"]]
    out = out[UNIT_FRONT + [c for c in out.columns if c not in UNIT_FRONT]]

    prov = dict(ms.provenance)
    prov["input_hash"] = ing.input_hash
    prov["columns"] = columns
    prov["counts"] = count_record(len(ing.answers), len(ing.dropped), n, dropped, emb_stats)
    record["sample"] = {
        "size": int(sample_size),
        "of_units": int(n),
        "placed": int(n - sample_size),
        "rule": "the units whose texts have the smallest SHA-256 hashes",
        "fitted_on_sample": ["hierarchy", "clusters", "levels", "layout", "headlines", "quotes"],
        "placement": (
            f"neighbour vote of assign: {N_NEIGHBORS} most similar sample units of the kind, "
            "weights 1/(cosine distance), for cluster, theme, code and position"
        ),
        "labels": "headline and quotes from the sample; keywords by c-TF-IDF of the lemma "
        "counts of all units, counted by partitions on the workers and summed; sizes, shares, "
        "respondents from all units",
    }
    record["fitted_on"] = "client, the sample; placement on the workers"
    m = WildMap(
        units=out.reset_index(drop=True),
        clusters=clusters,
        answers=ing.answers,
        dropped=dropped,
        config=cfg,
        provenance=prov,
        embeddings=l2_normalise(np.asarray(emb, dtype=np.float32)),
        levels=levels,
    )
    if model is not None:
        with timed(timings, "model"):
            model_tables(m, *model)
        record["sample"]["model"] = (
            "kinds classified for all units before the sample was drawn; pathways, "
            "respondents and corners from all units"
        )
    _finish(m, model_id, emb_stats, record, timings, t_start)
    return m


def _keywords_over_all(
    client: Any,
    units: pd.DataFrame,
    emb: np.ndarray,
    cfg: MapConfig,
    local: Embedder,
    levels: list[str],
    partition_size: int,
) -> dict[str, dict[str, str]]:
    """Keywords of every cluster (and theme and code) from all units: lemma counts per
    partition on the workers, summed on the client, ranked by c-TF-IDF within each kind and
    made diverse as the single-process labeller does; ``{level: {cluster_key: keywords}}``."""
    kinds = units["kind"].astype(str).to_numpy()
    keys = {lv: [f"{k}:{c}" for k, c in zip(kinds, units[lv].to_numpy())] for lv in levels}
    texts = units["text"].tolist()
    starts = range(0, len(texts), partition_size)
    parts = client.scatter(
        [
            (
                texts[i : i + partition_size],
                {lv: ks[i : i + partition_size] for lv, ks in keys.items()},
            )
            for i in starts
        ]
    )
    jobs = [client.submit(_count_part, part, cfg.language, pure=False) for part in parts]
    totals: dict[str, dict[str, Counter]] = {lv: {} for lv in levels}
    for part in client.gather(jobs):
        for lv, per in part.items():
            for key, cnt in per.items():
                totals[lv].setdefault(key, Counter()).update(cnt)
    labeler = build_stages(cfg, embedder=local).labeler
    out: dict[str, dict[str, str]] = {}
    for lv in levels:
        weights: dict[str, list[tuple[str, float]]] = {}
        for kind in dict.fromkeys(kinds.tolist()):
            mine = {k: c for k, c in totals[lv].items() if k.split(":")[0] == kind}
            weights.update(ctfidf_counts(mine, cfg.language))  # type: ignore[arg-type]
        pool = sorted({w for ws in weights.values() for w, _ in ws[: 3 * labeler.n_keywords]})
        vectors = labeler._embed(pool) if pool else {}
        if vectors and next(iter(vectors.values())).shape[0] != emb.shape[1]:
            vectors = {}
        got = {}
        key_arr = np.asarray(keys[lv], dtype=object)
        for key, ws in weights.items():
            centre = emb[key_arr == key].mean(axis=0)
            centre = centre / (np.linalg.norm(centre) or 1.0)
            got[key] = ", ".join(labeler._keywords(ws, vectors, centre))
        out[lv] = got
    return out


def _recount(
    rows: pd.DataFrame, units: pd.DataFrame, column: str, keywords: dict[str, str]
) -> pd.DataFrame:
    """The sample's cluster (or level) rows with size, share, respondents and keywords from all
    units, and quote ids mapped back to the units' own ids."""
    rows = rows.copy()
    rows["keywords"] = [
        keywords.get(f"{k}:{c}", kw)
        for k, c, kw in zip(rows["kind"], rows["cluster"], rows["keywords"])
    ]
    sizes, shares, resp = [], [], []
    for kind, c in zip(rows["kind"], rows["cluster"]):
        of_kind = units["kind"] == kind
        mine = of_kind & (units[column] == c)
        sizes.append(int(mine.sum()))
        shares.append(round(float(mine.sum()) / max(1, int(of_kind.sum())), 4))
        resp.append(int(units.loc[mine, "respondent"].nunique()))
    rows["size"], rows["share"], rows["respondents"] = sizes, shares, resp
    rows["quote_ids"] = [
        [q[:-2] if q.endswith(".1") else q for q in ids] for ids in rows["quote_ids"]
    ]
    return rows.reset_index(drop=True)


def _finish(
    m: WildMap,
    model_id: str,
    emb_stats: dict[str, int],
    record: dict[str, Any],
    timings: dict[str, float],
    t_start: float,
) -> None:
    """What the cluster did goes into the map's provenance."""
    prov = m.provenance
    prov["embedder"] = model_id
    prov.setdefault("counts", {})["embeddings"] = emb_stats
    inner = dict(prov.get("timings_s") or {})
    inner.pop("total", None)
    inner.pop("embed", None)
    merged = {**inner, **timings}
    merged["total"] = round(time.perf_counter() - t_start, 4)
    prov["timings_s"] = merged
    record["client_peak_rss_mb"] = _peak_rss_mb()
    prov["distributed"] = record
    log.info(
        "map on %d workers: %d units, %s",
        record["n_workers"],
        len(m.units),
        f"sample of {record['sample']['size']}" if record["sample"] else "no sample",
    )
