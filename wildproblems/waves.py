"""Survey waves: place a new wave of answers on a frozen map, flag new themes, compare two waves.

Placement does not refit anything. Each new unit is embedded with the map's own embedder and
compared (cosine similarity) with the map's units of the same kind:

* **cluster**: the ``n_neighbors`` most similar map units vote, each with weight
  ``1 / (1e-6 + cosine distance)`` (inverse-distance weighting). The vote includes "not clustered"
  (-1), so a unit that lands among the map's scattered units stays unclustered, as it would have in
  the original map. Inverse-distance weighting is an exact interpolator: a text that is already in
  the map gets its own cluster back, which is what makes a saved map reproduce itself.
* **new**: a unit whose mean similarity to its ``n_similar`` most similar map units is below the
  kind's *novelty threshold* fits no part of the map (a text identical to a map unit never does).
  The threshold is the ``novelty_quantile`` (default 5 %) of the same figure for the map's own
  units, each left out of its own neighbourhood (see :func:`calibrate`); it is stored in the saved
  map.
* **emerging**: when at least ``min_emerging`` new units of a kind (by default the map's own
  minimum cluster size for the kind) are closer to each other than the novelty threshold
  (average-linkage clustering on cosine distance, cut at the threshold), the group becomes a new
  cluster with a fresh id after the existing ones, a label from its own text, and
  ``emerging=True``.
* **x, y**: the same weighted mean of the positions of the voting neighbours in the winning
  cluster (all neighbours for unclustered and new units).

>>> import wildproblems as wp
>>> m = wp.load("bolge-2025.wpmap")  # doctest: +SKIP
>>> later = m.assign(svar_2026, wave="2026")  # doctest: +SKIP
>>> later.units["status"].value_counts()  # doctest: +SKIP
>>> wp.compare(m, later).plot()  # doctest: +SKIP

Comparing waves is :func:`wildproblems.shifts.compare`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cluster import Clusterer
from .embed import Embedder, embed_units, get_embedder
from .errors import InputError
from .ingest import InputData, _as_frame
from .label import UNCLUSTERED_LABEL, labeler_for, representative
from .result import KIND_ORDER, WildMap, cluster_keys, kinds_in

log = logging.getLogger(__name__)

#: Defaults of the placement (recorded with every calibration).
N_NEIGHBORS = 5
N_SIMILAR = 5
NOVELTY_QUANTILE = 0.05
_EPS = 1e-6
#: Most new units of one kind grouped by average linkage (memory grows with the square).
MAX_LINKAGE = 5000
#: Order in which kinds are listed.

#: Headline of units that fit no cluster of the map and no emerging cluster.
NEW_LABEL = {"da": "(nyt: passer ikke på kortet)", "en": "(new: fits no part of the map)"}

#: Columns a placed wave adds to :data:`wildproblems.result.UNIT_COLUMNS`.
WAVE_UNIT_COLUMNS = {
    "status": "clustered (placed in a cluster of the map), unclustered (placed among the map's "
    "unclustered units), new (fits no part of the map) or emerging (new and in an emerging cluster)",
    "confidence": "share of the neighbours' inverse-distance vote won by the unit's cluster",
    "similarity": "mean cosine similarity to the most similar map units (novelty score)",
    "nearest_unit": "unit_id of the most similar unit of the map",
}


# ------------------------------------------------------------------------------- neighbours
def _top_k(
    Q: np.ndarray, R: np.ndarray, k: int, exclude_self: bool = False, chunk: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest dot products of each row of ``Q`` with the rows of ``R``, best first.

    With ``exclude_self`` (``Q`` is ``R``) a row never finds itself. Ties go to the lower index.

    >>> R = np.eye(3, dtype="float32")
    >>> _top_k(R, R, 1, exclude_self=True)[1].ravel().tolist()
    [1, 0, 0]
    """
    n = Q.shape[0]
    sims = np.empty((n, k), dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, chunk):
        block = Q[start : start + chunk] @ R.T
        if exclude_self:
            rows = np.arange(block.shape[0])
            block[rows, start + rows] = -np.inf
        order = np.argsort(-block, axis=1, kind="stable")[:, :k]
        idx[start : start + chunk] = order
        sims[start : start + chunk] = np.take_along_axis(block, order, axis=1)
    return sims, idx


def _fingerprint(m: WildMap) -> str:
    """Identifies the map a calibration belongs to: embeddings, kinds and cluster ids."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(m.embeddings, dtype=np.float32).tobytes())
    h.update("\x1f".join(m.units["kind"].astype(str)).encode())
    h.update(np.asarray(m.units["cluster"], dtype=np.int64).tobytes())
    return h.hexdigest()[:16]


def calibrate(
    m: WildMap,
    n_neighbors: int = N_NEIGHBORS,
    n_similar: int = N_SIMILAR,
    novelty_quantile: float = NOVELTY_QUANTILE,
) -> dict[str, Any]:
    """The placement settings and per-kind novelty thresholds of a map (stored when it is saved).

    For every unit of a kind, the mean similarity to its ``n_similar`` most similar *other* units
    is computed; the kind's threshold is the ``novelty_quantile`` of those values. A calibration
    stored in ``m.extras["placement"]`` (a loaded map) is reused when it matches the settings and
    the map, so placement does not depend on the machine's floating-point rounding.

    >>> cal = calibrate(m)  # doctest: +SKIP
    >>> cal["kinds"]["cause"]["threshold"]  # doctest: +SKIP
    0.87
    """
    if n_neighbors < 1 or n_similar < 1:
        raise InputError("n_neighbors and n_similar must be at least 1")
    if not 0.0 <= novelty_quantile < 1.0:
        raise InputError(f"novelty_quantile must be in [0, 1), got {novelty_quantile}")
    fp = _fingerprint(m)
    settings = {
        "method": "knn-idw",
        "n_neighbors": int(n_neighbors),
        "n_similar": int(n_similar),
        "novelty_quantile": float(novelty_quantile),
    }
    stored = m.extras.get("placement")
    if (
        isinstance(stored, dict)
        and stored.get("fingerprint") == fp
        and all(stored.get(k) == v for k, v in settings.items())
    ):
        return stored
    emb = np.asarray(m.embeddings, dtype=np.float32)
    kinds: dict[str, Any] = {}
    for kind in kinds_in(m.units):
        ref = np.where(m.units["kind"].to_numpy() == kind)[0]
        entry: dict[str, Any] = {"units": int(len(ref))}
        if len(ref) >= 2:
            s, _ = _top_k(emb[ref], emb[ref], min(n_similar, len(ref) - 1), exclude_self=True)
            density = s.mean(axis=1)
            entry.update(
                threshold=round(float(np.quantile(density, novelty_quantile)), 6),
                median_similarity=round(float(np.median(density)), 6),
            )
        else:
            entry["threshold"] = None
        kinds[kind] = entry
    return {**settings, "fingerprint": fp, "kinds": kinds}


@dataclass
class Placement:
    """Where :func:`place` put each unit (arrays aligned with the query rows)."""

    cluster: np.ndarray
    status: np.ndarray
    confidence: np.ndarray
    similarity: np.ndarray
    nearest: np.ndarray
    xy: np.ndarray


def _vote(
    sims: np.ndarray,
    idx: np.ndarray,
    labels: np.ndarray,
    xy: np.ndarray,
    n_similar: int,
    threshold: float | None,
) -> tuple[np.ndarray, ...]:
    """Inverse-distance vote of the neighbours ``idx`` (similarities ``sims``, best first) of some
    query rows; ``labels`` and ``xy`` are the reference units' clusters and map positions.

    Returns ``(cluster, status, confidence, similarity, xy)``.
    """
    k = idx.shape[1]
    similarity = sims[:, : min(n_similar, k)].mean(axis=1)
    nb = labels[idx]  # (nq, k)
    weights = 1.0 / (_EPS + np.clip(1.0 - sims.astype(np.float64), 0.0, None))
    ids = np.unique(nb)  # ascending: -1 first, so a tie goes to "not clustered"
    votes = np.stack([(weights * (nb == c)).sum(axis=1) for c in ids], axis=1)
    win = np.argmax(votes, axis=1)
    cluster = ids[win]
    w_xy = np.where(nb == cluster[:, None], weights, 0.0)
    pos = (w_xy[:, :, None] * xy[idx]).sum(axis=1) / w_xy.sum(axis=1, keepdims=True)
    confidence = votes[np.arange(len(win)), win] / votes.sum(axis=1)
    # a text already in the map (similarity 1 to a map unit) is never new
    is_new = (
        (similarity < threshold) & (sims[:, 0] < 1.0 - _EPS)
        if threshold is not None
        else np.zeros(len(win), bool)
    )
    status = np.where(is_new, "new", np.where(cluster >= 0, "clustered", "unclustered"))
    return np.where(is_new, -1, cluster), status.astype(object), confidence, similarity, pos


def place(
    m: WildMap, X: np.ndarray, kinds: Sequence[str], calibration: dict[str, Any]
) -> Placement:
    """Place rows of ``X`` (L2-normalised embeddings, one kind each) on the map ``m``.

    See the module docstring for the rule; ``calibration`` comes from :func:`calibrate`.
    """
    n = X.shape[0]
    kinds = np.asarray(kinds, dtype=object)
    out = Placement(
        cluster=np.full(n, -1, dtype=np.int64),
        status=np.full(n, "new", dtype=object),
        confidence=np.zeros(n, dtype=np.float32),
        similarity=np.zeros(n, dtype=np.float32),
        nearest=np.full(n, None, dtype=object),
        xy=np.full((n, 2), np.nan, dtype=np.float32),
    )
    emb = np.asarray(m.embeddings, dtype=np.float32)
    u = m.units
    labels = u["cluster"].to_numpy(dtype=np.int64)
    xy = u[["x", "y"]].to_numpy(dtype=np.float64)
    for kind in dict.fromkeys(kinds.tolist()):
        q = np.where(kinds == kind)[0]
        ref = np.where(u["kind"].to_numpy() == kind)[0]
        if len(ref) == 0:
            log.info("kind %r is not in the map: its %d units are new", kind, len(q))
            continue
        sims, idx = _top_k(X[q], emb[ref], min(calibration["n_neighbors"], len(ref)))
        threshold = calibration["kinds"].get(kind, {}).get("threshold")
        res = _vote(sims, idx, labels[ref], xy[ref], calibration["n_similar"], threshold)
        out.cluster[q], out.status[q], out.confidence[q], out.similarity[q], out.xy[q] = res
        out.nearest[q] = u["unit_id"].to_numpy()[ref][idx[:, 0]]
    return out


# --------------------------------------------------------------------------------- emerging
def _group_density(X: np.ndarray, n_similar: int) -> float:
    """Median over members of the mean similarity to their most similar fellow members."""
    if len(X) < 2:
        return 0.0
    s, _ = _top_k(X, X, min(n_similar, len(X) - 1), exclude_self=True)
    return float(np.median(s.mean(axis=1)))


def _min_emerging(m: WildMap, kind: str, given: int | None) -> int:
    if given is not None:
        if given < 2:
            raise InputError(f"min_emerging must be at least 2, got {given}")
        return int(given)
    chosen = m.provenance.get("chosen", {}).get(kind, {})
    return int(max(3, chosen.get("min_cluster_size") or 5))


def _find_emerging(
    X: np.ndarray, threshold: float, min_size: int, n_similar: int
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Group new units into emerging clusters; returns labels (0.. by size, -1 = none) and an
    audit row per candidate group of at least ``min_size`` units.

    Up to :data:`MAX_LINKAGE` units: average-linkage clustering on cosine distance, cut where the
    average similarity between two groups falls below the novelty ``threshold``, so a group's
    members are as similar to each other as the map's units are to their neighbours (HDBSCAN
    finds only fragments of a theme among a handful of points). Beyond that HDBSCAN
    (:class:`~wildproblems.cluster.Clusterer`), whose groups must also be tighter than the threshold.
    """
    labels = np.full(len(X), -1, dtype=np.int64)
    if len(X) < min_size:
        return labels, []
    if len(X) <= MAX_LINKAGE:
        from scipy.cluster.hierarchy import fcluster, linkage

        tree = linkage(X.astype(np.float64), method="average", metric="cosine")
        raw = fcluster(tree, t=1.0 - threshold, criterion="distance") - 1
        method = "average linkage"
    else:
        raw = Clusterer(min_cluster_size=min_size).fit(X).labels_
        method = "hdbscan"
    groups = [np.where(raw == c)[0] for c in np.unique(raw) if c >= 0]
    groups = sorted((g for g in groups if len(g) >= min_size), key=lambda g: (-len(g), int(g[0])))
    audit = []
    for g in groups:
        density = _group_density(X[g], n_similar)
        ok = density >= threshold
        if ok:
            labels[g] = int(labels.max()) + 1
        audit.append(
            {
                "units": int(len(g)),
                "density": round(density, 4),
                "threshold": round(float(threshold), 4),
                "method": method,
                "kept": bool(ok),
            }
        )
    return labels, audit


# ----------------------------------------------------------------------------------- assign
def _kinds_were_classified(m: WildMap) -> bool:
    """True when the map's kinds came from its model's classifier (no kind column was given)."""
    return "kind_source" in m.units.columns and bool((m.units["kind_source"] == "classified").any())


def _classify_wave_kinds(
    m: WildMap, units: pd.DataFrame, emb: np.ndarray, model: Embedder | None
) -> pd.DataFrame:
    """Classify a wave's units as cause / solution / other with the map's own model spec (the
    copy saved in the map file when there is one, else the spec named in the config)."""
    from .idealtypes import classify_kinds

    return _with_map_spec(m, lambda cfg: classify_kinds(units, emb, cfg, model, False)[2])


def _resolve_embedder(
    m: WildMap,
    embedder: Embedder | str | None,
    precomputed: bool,
    allow_different_embedder: bool,
) -> tuple[Embedder | None, str]:
    """The embedder for a new wave (``None`` for precomputed vectors) and its id; refuses one
    that differs from the map's unless allowed."""
    cfg = m.config
    base_id = m.provenance.get("embedder")
    if precomputed:
        model, new_id = None, "precomputed"
    else:
        model = (
            embedder
            if embedder is not None and not isinstance(embedder, str)
            else get_embedder(
                embedder or cfg.embedder, prefix=cfg.prefix, batch_size=cfg.batch_size
            )
        )
        new_id = model.model_id
    if new_id != base_id:
        if not allow_different_embedder:
            raise InputError(
                f"the map was embedded with {base_id!r} but this wave would be embedded with "
                f"{new_id!r}; vectors of different models cannot be compared. Pass the map's "
                "embedder (embedder=...), or allow_different_embedder=True if you are sure"
            )
        log.warning("placing a wave embedded with %r on a map embedded with %r", new_id, base_id)
    return model, new_id


def _embed_wave(
    m: WildMap,
    texts: list[str],
    model: Embedder | None,
    embeddings: np.ndarray | None,
    progress: bool,
) -> tuple[np.ndarray, dict[str, int]]:
    """Embed a wave with the map's settings (or check and normalise precomputed vectors)."""
    emb, _, _, stats = embed_units(
        texts,
        m.config.replace(progress=progress),
        model,
        embeddings if model is None else None,
    )
    if emb.shape[1] != m.embeddings.shape[1]:
        raise InputError(
            f"the wave's embeddings have {emb.shape[1]} dimensions, the map's "
            f"{m.embeddings.shape[1]}: they come from different models"
        )
    return emb, stats


def _cluster_rows(
    base: pd.DataFrame,
    units: pd.DataFrame,
    emb: np.ndarray,
    n_quotes: int,
) -> pd.DataFrame:
    """The map's clusters with sizes, shares, respondents and quotes recounted for the wave."""
    rows = base.copy()
    keys = units["cluster_key"].to_numpy()
    kinds = units["kind"].to_numpy()
    texts = units["text"].astype(str).tolist()
    resp = units["respondent"].astype(str).tolist()
    sizes, shares, n_resp, quotes, quote_ids = [], [], [], [], []
    for key, kind in zip(rows["cluster_key"], rows["kind"]):
        idx = np.where(keys == key)[0]
        n_kind = int((kinds == kind).sum())
        sizes.append(len(idx))
        shares.append(round(len(idx) / n_kind, 4) if n_kind else 0.0)
        n_resp.append(int(units["respondent"].iloc[idx].nunique()))
        q = representative(emb, idx, texts, resp, n_quotes) if len(idx) else []
        quotes.append([texts[i] for i in q])
        quote_ids.append([units["unit_id"].iloc[i] for i in q])
    rows["size"] = np.asarray(sizes, dtype=np.int64)
    rows["share"] = np.asarray(shares, dtype=np.float64)
    rows["respondents"] = np.asarray(n_resp, dtype=np.int64)
    rows["quotes"] = pd.Series(quotes, index=rows.index, dtype=object)
    rows["quote_ids"] = pd.Series(quote_ids, index=rows.index, dtype=object)
    return rows


def assign(
    m: WildMap,
    data: InputData,
    text: str | None = None,
    respondent: str | None = None,
    kind: str | None = None,
    id: str | None = None,  # noqa: A002
    metadata: Sequence[str] | None = None,
    *,
    wave: str | None = None,
    embedder: Embedder | str | None = None,
    embeddings: np.ndarray | None = None,
    allow_different_embedder: bool = False,
    n_neighbors: int = N_NEIGHBORS,
    n_similar: int = N_SIMILAR,
    novelty_quantile: float = NOVELTY_QUANTILE,
    min_emerging: int | None = None,
    progress: bool | None = None,
) -> WildMap:
    """Place a new wave of answers on the frozen map ``m``; returns the wave as its own WildMap.

    The wave keeps the map's cluster ids, labels and keywords (sizes, shares and quotes are the
    wave's own). ``units["status"]`` says how each unit was placed (see
    :data:`WAVE_UNIT_COLUMNS`); emerging clusters are appended to ``clusters`` with
    ``emerging=True``. Column roles default to those the map was made with (only ``text`` for a
    plain list of texts). The wave is embedded
    with the map's embedder; another one is refused unless ``allow_different_embedder=True``.
    ``embeddings`` passes precomputed vectors (one row per unit); they count as embedder
    ``"precomputed"``.

    >>> import wildproblems as wp
    >>> m = wp.load("bolge-2025.wpmap")  # doctest: +SKIP
    >>> w2 = assign(m, "svar-2026.csv", wave="2026")  # doctest: +SKIP
    >>> w2.clusters.loc[w2.clusters["emerging"], ["cluster_key", "label", "size"]]  # doctest: +SKIP
    """
    from .pipeline import package_versions, prepare_units

    t0 = time.perf_counter()
    cfg = m.config
    language = cfg.language
    progress = cfg.progress if progress is None else progress
    model, embedder_id = _resolve_embedder(
        m, embedder, embeddings is not None, allow_different_embedder
    )
    cols = m.provenance.get("columns", {}) or {}
    text = text or cols.get("text") or "text"
    frame = _as_frame(data, text)
    if kind is None and cols.get("kind") in frame.columns:
        kind = cols["kind"]
    # the map's respondent and id columns are used when the wave has them
    if respondent is None and cols.get("respondent"):
        if cols["respondent"] in frame.columns:
            respondent = cols["respondent"]
        else:
            log.warning(
                "the wave has no %r column: each answer is its own respondent", cols["respondent"]
            )
    if id is None and cols.get("id") in frame.columns:
        id = cols["id"]  # noqa: A001

    ing, units, dropped = prepare_units(frame, text, respondent, kind, id, metadata, cfg.segment)
    classify = _kinds_were_classified(m) and kind is None and "all" in set(units["kind"])
    if not classify and ("all" in set(units["kind"])) != ("all" in set(m.units["kind"])):
        raise InputError(
            f"the map has kinds {kinds_in(m.units)} (kind column {cols.get('kind')!r}) but the wave "
            f"has kinds {kinds_in(units)}: pass kind=... naming the wave's kind column"
            + (" (or kind=None)" if cols.get("kind") is None else "")
        )
    emb, emb_stats = _embed_wave(m, units["text"].tolist(), model, embeddings, progress)
    if classify:
        units = _classify_wave_kinds(m, units, emb, model)

    calibration = calibrate(m, n_neighbors, n_similar, novelty_quantile)
    placed = place(m, emb, units["kind"].tolist(), calibration)
    cluster = placed.cluster.copy()
    status = placed.status.copy()
    membership = np.where(cluster >= 0, placed.confidence, 0.0).astype(np.float32)

    # emerging clusters among the new units of each kind
    base_clusters = m.clusters.copy()
    base_clusters["emerging"] = False
    label_of = dict(zip(base_clusters["cluster_key"], base_clusters["label"]))
    emerging_frames, audit = [], []
    kinds_arr = units["kind"].to_numpy()
    for k in kinds_in(units):
        threshold = calibration["kinds"].get(k, {}).get("threshold")
        new_idx = np.where((kinds_arr == k) & (status == "new"))[0]
        min_size = _min_emerging(m, k, min_emerging)
        if threshold is None or len(new_idx) < min_size:
            continue
        labels, cand = _find_emerging(emb[new_idx], threshold, min_size, n_similar)
        audit += [{"kind": k, **c} for c in cand]
        if labels.max() < 0:
            continue
        existing = m.clusters.loc[m.clusters["kind"] == k, "cluster"]
        offset = int(existing.max()) + 1 if len(existing) else 0
        member = labels >= 0
        cluster[new_idx[member]] = labels[member] + offset
        status[new_idx[member]] = "emerging"
        # label with the wave's whole kind as background, so keywords are specific
        kind_idx = np.where(kinds_arr == k)[0]
        kind_labels = np.where(status[kind_idx] == "emerging", cluster[kind_idx], -1)
        lab = labeler_for(cfg, model)
        table = lab.fit_transform(
            units["text"].to_numpy()[kind_idx].tolist(),
            kind_labels,
            emb[kind_idx],
            units["respondent"].astype(str).to_numpy()[kind_idx].tolist(),
        )
        table.insert(0, "kind", k)
        table["cluster_key"] = [f"{k}:{c}" for c in table["cluster"]]
        table["emerging"] = True
        emerging_frames.append(table.drop(columns=["quote_index"]))
        label_of.update(zip(table["cluster_key"], table["label"]))

    units = units.copy()
    units["cluster"] = cluster
    units["cluster_key"] = cluster_keys(units)
    units["label"] = [
        label_of.get(key, NEW_LABEL[language] if s == "new" else UNCLUSTERED_LABEL[language])
        for key, s in zip(units["cluster_key"], status)
    ]
    units["membership"] = np.round(membership, 4)
    units["assigned"] = status == "clustered"
    units["x"] = np.round(placed.xy[:, 0], 5)
    units["y"] = np.round(placed.xy[:, 1], 5)
    units["status"] = status
    units["confidence"] = np.round(placed.confidence, 4)
    units["similarity"] = np.round(placed.similarity, 4)
    units["nearest_unit"] = placed.nearest
    # the map's column order, the wave's columns after the map position
    order = [c for c in m.units.columns if c in units.columns and c not in WAVE_UNIT_COLUMNS]
    at = order.index("y") + 1 if "y" in order else len(order)
    front = order[:at] + list(WAVE_UNIT_COLUMNS) + order[at:]
    units = units[front + [c for c in units.columns if c not in front]]

    clusters = pd.concat([base_clusters, *emerging_frames], ignore_index=True)
    clusters["_order"] = clusters["kind"].map({k: i for i, k in enumerate(KIND_ORDER)})
    clusters = clusters.sort_values(["_order", "cluster"], kind="stable").drop(columns="_order")
    clusters = _cluster_rows(clusters.reset_index(drop=True), units, emb, cfg.n_quotes)
    clusters["emerging"] = clusters["emerging"].astype(bool)

    status_counts = {
        k: {s: int(n) for s, n in units.loc[units["kind"] == k, "status"].value_counts().items()}
        for k in kinds_in(units)
    }
    base_wave = m.provenance.get("wave") or {}
    provenance = {
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": package_versions(),
        "embedder": embedder_id,
        "random_state": cfg.random_state,
        "input_hash": ing.input_hash,
        "timings_s": {"total": round(time.perf_counter() - t0, 4)},
        "counts": {
            "input_rows": int(len(ing.answers) + len(ing.dropped)),
            "answers": int(len(ing.answers)),
            "units": int(len(units)),
            "dropped": int(len(dropped)),
            "embeddings": emb_stats,
        },
        "chosen": m.provenance.get("chosen", {}),
        "columns": {"text": text, "respondent": respondent, "kind": kind, "id": id},
        "wave": {
            "name": wave,
            "base": {
                "name": base_wave.get("name"),
                "input_hash": m.provenance.get("input_hash"),
                "created_utc": m.provenance.get("created_utc"),
                "embedder": m.provenance.get("embedder"),
                "fingerprint": calibration["fingerprint"],
            },
            "placement": calibration,
            "status_counts": status_counts,
            "emerging_candidates": audit,
        },
    }
    log.info("placed %d units: %s", len(units), status_counts)
    wave = WildMap(
        units=units,
        clusters=clusters,
        answers=ing.answers,
        dropped=dropped,
        config=cfg,
        provenance=provenance,
        embeddings=emb,
    )
    if cfg.model is not None and model is not None:
        _wave_model_tables(m, wave, model)
    return wave


def _with_map_spec(m: WildMap, fn: Any) -> Any:
    """Call ``fn(cfg)`` with a config whose ``model`` is the map's own spec (the copy saved in the
    map file when there is one, else the spec named in the config)."""
    import tempfile

    spec_text = m.extras.get("model_spec_yaml")
    if spec_text is None:
        return fn(m.config)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        path.write_text(spec_text, encoding="utf-8")
        return fn(m.config.replace(model=str(path)))


def _wave_model_tables(m: WildMap, wave: WildMap, model: Embedder) -> None:
    """Pathways, respondents and corners of a wave, computed with the map's model spec on the
    wave's own units (so ``compare`` can show the corners per wave)."""
    from .idealtypes import AnchorEmbedder, model_tables
    from .models import load_model

    spec = _with_map_spec(m, lambda cfg: load_model(cfg.model))
    anchors = AnchorEmbedder(model, cache_dir=m.config.cache_dir, use_cache=m.config.cache)
    model_tables(wave, spec, anchors)


def placed_labels(m: WildMap, leave_one_out: bool = False, **settings: Any) -> np.ndarray:
    """The cluster each of the map's own units gets when it is placed on the map like a new
    answer (-1: not clustered or new); with ``leave_one_out`` without itself.

    ``settings`` go to :func:`calibrate`. :func:`wildproblems.compare` uses the leave-one-out
    placement to count the map's own wave by the same rule as a wave placed on it.
    """
    cal = calibrate(m, **settings)
    labels = m.units["cluster"].to_numpy(dtype=np.int64)
    emb = np.asarray(m.embeddings, dtype=np.float32)
    kinds = m.units["kind"].to_numpy()
    xy = m.units[["x", "y"]].to_numpy(dtype=np.float64)
    got = np.full(len(labels), -1, dtype=np.int64)
    for kind in kinds_in(m.units):
        ref = np.where(kinds == kind)[0]
        if leave_one_out and len(ref) < 2:
            continue
        k = min(cal["n_neighbors"], len(ref) - int(leave_one_out))
        sims, idx = _top_k(emb[ref], emb[ref], k, exclude_self=leave_one_out)
        threshold = cal["kinds"][kind]["threshold"]
        got[ref] = _vote(sims, idx, labels[ref], xy[ref], cal["n_similar"], threshold)[0]
    return got


def consistency(m: WildMap, leave_one_out: bool = False, **settings: Any) -> float:
    """Share of the map's clustered units that placement puts back in their own cluster.

    With ``leave_one_out`` each unit is placed on the map without itself (how a *new* text like
    it would fare): the honest figure for how well placement generalises. ``settings`` go to
    :func:`calibrate`.

    >>> consistency(m)  # doctest: +SKIP
    1.0
    """
    labels = m.units["cluster"].to_numpy(dtype=np.int64)
    if not (labels >= 0).any():
        return float("nan")
    got = placed_labels(m, leave_one_out=leave_one_out, **settings)
    clustered = labels >= 0
    return float((got[clustered] == labels[clustered]).mean())
