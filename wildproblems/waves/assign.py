"""Survey waves: place a new wave of answers on a frozen map, flag new themes, compare two waves.

Placement does not refit anything. Each new unit is embedded with the map's own embedder and
placed by the vote of its nearest map units (see :mod:`wildproblems.waves.place`: cluster, status
``new`` below the kind's novelty threshold, and map position). On top of that:

* **emerging**: when at least ``min_emerging`` new units of a kind (by default the map's own
  minimum cluster size for the kind) are closer to each other than the novelty threshold
  (average-linkage clustering on cosine distance, cut at the threshold), the group becomes a new
  cluster with a fresh id after the existing ones, a label from its own text, and
  ``emerging=True``.

>>> import wildproblems as wp
>>> m = wp.load("bolge-2025.wpmap")  # doctest: +SKIP
>>> later = m.assign(svar_2026, wave="2026")  # doctest: +SKIP
>>> later.units["status"].value_counts()  # doctest: +SKIP
>>> wp.compare(m, later).plot()  # doctest: +SKIP

Comparing waves is :func:`wildproblems.waves.compare.compare`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..cluster import Clusterer
from ..embed import Embedder, embed_units, get_embedder, registered_embedders
from ..errors import InputError
from ..ingest import InputData, _as_frame
from ..label import UNCLUSTERED_LABEL, representative
from ..lang import LANGUAGES
from ..model.anchors import AnchorEmbedder
from ..model.kinds import classify_kinds
from ..model.pathways import model_tables
from ..provenance import counts as count_record
from ..provenance import record
from ..result import WildMap
from ..schema import (
    LEVEL_UNIT_COLUMN,
    WAVE_UNIT_COLUMNS,
    cluster_keys,
    kinds_in,
    sort_by_kind,
)
from ..segment import prepare_units
from ..stages import build_stages
from .place import N_NEIGHBORS, N_SIMILAR, NOVELTY_QUANTILE, _top_k, calibrate, place

log = logging.getLogger(__name__)

#: Most new units of one kind grouped by average linkage (memory grows with the square).
MAX_LINKAGE = 5000

#: Headline of units that fit no cluster of the map and no emerging cluster, per language.
NEW_LABEL = {k: m.NEW for k, m in LANGUAGES.items()}


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
    finds only fragments of a theme among a handful of points). Beyond that the map's own Ward
    hierarchy cut by excess of mass (:class:`~wildproblems.cluster.Clusterer`), whose groups must
    also be tighter than the threshold.
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
        raw = Clusterer(min_cluster_size=min_size, method="ward").fit(X).labels_
        method = "ward hierarchy, excess of mass"
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


def _map_spec(m: WildMap) -> Any:
    """The map's own model spec (:attr:`WildMap.model_spec`, saved with the map); a clear error
    when a map made with a model lacks it."""
    if m.model_spec is None:
        raise InputError(
            f"the map was made with model {m.config.model!r} but carries no model spec (a map "
            "saved by an old version whose spec could not be read back); make the map again"
        )
    return m.model_spec


def _classify_wave_kinds(
    m: WildMap, units: pd.DataFrame, emb: np.ndarray, wave_embedder: Embedder | None
) -> pd.DataFrame:
    """Classify a wave's units as cause / solution / other with the map's own model spec."""
    anchors = AnchorEmbedder(wave_embedder, cache_dir=m.config.cache_dir, use_cache=m.config.cache)
    return classify_kinds(units, emb, _map_spec(m), anchors, given=False)


def _refuse_file_embedder(m: WildMap, embedder: Embedder | str | None) -> None:
    """A map read from a file does not choose which model is downloaded or run: when no
    ``embedder`` is given and the map names one that is not registered (a sentence-transformers
    name or path, i.e. a hub repository or a folder), the user must name it."""
    source = m.extras.get("loaded_from")
    if embedder is not None or source is None or m.config.embedder in registered_embedders():
        return
    raise InputError(
        f"the map {source!r} was embedded with {m.config.embedder!r}, which is not a registered "
        "embedder; a map file does not decide which model is downloaded or run. If you trust "
        f"that model, pass it yourself: embedder={m.config.embedder!r} (or an embedder object)"
    )


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
        wave_embedder, new_id = None, "precomputed"
    else:
        _refuse_file_embedder(m, embedder)
        wave_embedder = (
            embedder
            if embedder is not None and not isinstance(embedder, str)
            else get_embedder(
                embedder or cfg.embedder, prefix=cfg.prefix, batch_size=cfg.batch_size
            )
        )
        new_id = wave_embedder.model_id
    if new_id != base_id:
        if not allow_different_embedder:
            raise InputError(
                f"the map was embedded with {base_id!r} but this wave would be embedded with "
                f"{new_id!r}; vectors of different models cannot be compared. Pass the map's "
                "embedder (embedder=...), or allow_different_embedder=True if you are sure"
            )
        log.warning("placing a wave embedded with %r on a map embedded with %r", new_id, base_id)
    return wave_embedder, new_id


def _embed_wave(
    m: WildMap,
    texts: list[str],
    wave_embedder: Embedder | None,
    embeddings: np.ndarray | None,
    progress: bool,
) -> tuple[np.ndarray, dict[str, int]]:
    """Embed a wave with the map's settings (or check and normalise precomputed vectors)."""
    emb, _, _, stats = embed_units(
        texts,
        m.config.replace(progress=progress),
        wave_embedder,
        embeddings if wave_embedder is None else None,
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


def _level_rows(
    base: pd.DataFrame, units: pd.DataFrame, emb: np.ndarray, n_quotes: int
) -> pd.DataFrame:
    """The map's themes and codes with sizes, shares, respondents and quotes of the wave."""
    parts = []
    for level, rows in base.groupby("level", sort=False):
        view = units.assign(cluster=units[LEVEL_UNIT_COLUMN[level]].to_numpy())
        view["cluster_key"] = cluster_keys(view)
        parts.append(_cluster_rows(rows.reset_index(drop=True), view, emb, n_quotes))
    return pd.concat(parts, ignore_index=True)


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
    t0 = time.perf_counter()
    cfg = m.config
    language = cfg.language
    progress = cfg.progress if progress is None else progress
    wave_embedder, embedder_id = _resolve_embedder(
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
    emb, emb_stats = _embed_wave(m, units["text"].tolist(), wave_embedder, embeddings, progress)
    if classify:
        units = _classify_wave_kinds(m, units, emb, wave_embedder)

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
        table = build_stages(cfg, embedder=wave_embedder).labeler.fit_transform(
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
    clusters = sort_by_kind(clusters)
    clusters = _cluster_rows(clusters.reset_index(drop=True), units, emb, cfg.n_quotes)
    clusters["emerging"] = clusters["emerging"].astype(bool)

    status_counts = {
        k: {s: int(n) for s, n in units.loc[units["kind"] == k, "status"].value_counts().items()}
        for k in kinds_in(units)
    }
    base_wave = m.provenance.get("wave") or {}
    provenance = record(
        embedder=embedder_id,
        random_state=cfg.random_state,
        input_hash=ing.input_hash,
        timings={"total": round(time.perf_counter() - t0, 4)},
        counts=count_record(len(ing.answers), len(ing.dropped), len(units), dropped, emb_stats),
        chosen=m.provenance.get("chosen", {}),
        columns={"text": text, "respondent": respondent, "kind": kind, "id": id},
        input=ing.changes,
        stages=m.provenance.get("stages") or build_stages(cfg).describe(),
        embedder_info=dict(getattr(wave_embedder, "info", None) or {}),
        wave={
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
    )
    log.info("placed %d units: %s", len(units), status_counts)
    levels = None
    if m.levels is not None:  # the wave's themes and codes: the same vote at each level
        for level in ("theme", "code"):
            got = place(m.at_level(level), emb, units["kind"].tolist(), calibration).cluster
            units[LEVEL_UNIT_COLUMN[level]] = np.where(status == "new", -1, got)
        levels = _level_rows(m.levels, units, emb, cfg.n_quotes)
    wave = WildMap(
        units=units,
        clusters=clusters,
        answers=ing.answers,
        dropped=dropped,
        config=cfg,
        provenance=provenance,
        embeddings=emb,
        levels=levels,
    )
    if cfg.model is not None and wave_embedder is not None:
        _wave_model_tables(m, wave, wave_embedder)
    return wave


def _wave_model_tables(m: WildMap, wave: WildMap, wave_embedder: Embedder) -> None:
    """Pathways, respondents and corners of a wave, computed with the map's model spec on the
    wave's own units (so ``compare`` can show the corners per wave)."""
    anchors = AnchorEmbedder(wave_embedder, cache_dir=m.config.cache_dir, use_cache=m.config.cache)
    model_tables(wave, _map_spec(m), anchors)
