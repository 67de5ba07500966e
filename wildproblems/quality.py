"""Quality of a map: unsupervised diagnostics, and agreement with hand-coded labels.

* :func:`quality` needs no labels: per kind it re-clusters the map's stored embeddings with other
  seeds (stability ARI), measures how well the clusters survive leaving out a tenth of the data
  (resampling ARI, ward method), a validity index (cosine silhouette of the clustered units) and
  the share of units left unclustered.
* :func:`agreement` compares the map with codes a person gave some of the units (NMI, AMI, ARI and
  Krippendorff's alpha, nominal).

Both are also methods of :class:`~wildproblems.result.WildMap`: ``m.quality()``,
``m.agreement(codes)``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .cluster import resampling_stability
from .stages import build_stages

if TYPE_CHECKING:
    from .result import WildMap

log = logging.getLogger(__name__)

#: Label given to unclustered units when comparing with codes (they count as one more category).
UNCLUSTERED = "unclustered"


def krippendorff_alpha_nominal(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Krippendorff's alpha for two coders, nominal data, no missing values.

    ``alpha = 1 - D_o / D_e`` from the coincidence matrix: 1 is perfect agreement, 0 is chance.

    >>> krippendorff_alpha_nominal(["x", "y", "y", "z"], ["x", "y", "y", "z"])
    1.0
    >>> round(krippendorff_alpha_nominal(["x", "x", "y", "y"], ["x", "y", "x", "y"]), 3)
    0.125
    """
    a = [str(v) for v in a]
    b = [str(v) for v in b]
    if len(a) != len(b):
        raise ValueError(f"both coders need the same number of values, got {len(a)} and {len(b)}")
    cats = sorted(set(a) | set(b))
    if len(a) == 0 or len(cats) < 2:
        return float("nan") if len(a) == 0 else 1.0
    pos = {c: i for i, c in enumerate(cats)}
    o = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b):  # each unit has 2 values -> pairs (x, y) and (y, x), weight 1/(2-1)
        o[pos[x], pos[y]] += 1
        o[pos[y], pos[x]] += 1
    n_c = o.sum(axis=1)
    n = n_c.sum()
    disagree_obs = o.sum() - np.trace(o)
    disagree_exp = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    if disagree_exp == 0:
        return 1.0
    return float(1 - disagree_obs / disagree_exp)


def quality(m: WildMap, seeds: Sequence[int] = (1, 2, 3, 4), level: str = "map") -> pd.DataFrame:
    """Unsupervised diagnostics per kind of a map; one row per kind.

    Columns: ``kind, units, clusters, unclustered_share, seed_stability`` (mean ARI over all pairs
    of the map's clustering and re-clusterings of its embeddings with ``seeds``; 1.0 for the
    seed-free ward method, which is re-clustered at the map's chosen ``min_cluster_size`` so that
    no size search is repeated), ``resampling_stability`` (ward: mean ARI of the clusters with and
    without each tenth of the data; ``NaN`` for hdbscan), ``validity`` (cosine silhouette of the
    clustered units in embedding space, in [-1, 1]), ``min_cluster_size`` and ``method``. When the
    kinds were classified (no kind column), also ``kind_source`` (``classified``) and
    ``kind_balanced_accuracy``: the classifier's balanced accuracy measured on held-out Danish
    report sentences by ``benchmarks/kind_classifier.py`` (stored beside its weights; ``NaN`` when
    the spec's anchors classified instead).

    ``level="theme"`` or ``"code"`` describes the map's themes or codes instead: they are cuts of
    the Ward tree that draw no random number (``seed_stability`` 1.0 by construction, not
    re-run), with no resampling figure (``NaN``) and no ``min_cluster_size`` (0).

    >>> m.quality()  # doctest: +SKIP
    """
    from sklearn.metrics import adjusted_rand_score

    if level != "map":
        return _level_quality(m.at_level(level), level)
    rows = []
    method = build_stages(m.config).clusterer.method
    for kind in m.kinds:
        idx = np.where(m.units["kind"].to_numpy() == kind)[0]
        labels = m.units["cluster"].to_numpy()[idx]
        chosen = m.provenance.get("chosen", {}).get(kind, {})
        if "skipped" in chosen:
            continue
        X = np.asarray(m.embeddings[idx], dtype=np.float64)
        keys = m.units["text"].iloc[idx].tolist()
        mcs = int(chosen.get("min_cluster_size") or 0)
        # ward: its size choice draws no random number (folds hash the texts), so re-clustering at
        # the chosen size tests the seed; hdbscan: its size choice runs on UMAP and is re-run too
        size = mcs if method == "ward" and mcs else None
        runs = [labels]
        raw = None  # the clusters before outliers are assigned (seed-free for ward)
        for seed in seeds:
            stage = build_stages(m.config.replace(random_state=seed), progress=False).clusterer
            lab, _, assigned, _ = stage.fit(X, fold_keys=keys, min_cluster_size=size)
            raw = np.where(assigned, -1, lab)
            runs.append(lab)
        pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(runs, 2)]
        resampling = chosen.get("stability")
        if resampling is None and method == "ward" and mcs:
            if raw is None:  # no seeds given: cluster once at the chosen size
                stage = build_stages(m.config, progress=False).clusterer
                lab, _, assigned, _ = stage.fit(X, fold_keys=keys, min_cluster_size=mcs)
                raw = np.where(assigned, -1, lab)
            resampling = resampling_stability(X, {mcs: raw}, keys=keys)[mcs]
        inside = labels >= 0
        n_clusters = len(set(labels[inside]))
        validity = _validity(X, labels)
        rows.append(
            {
                "kind": kind,
                "units": len(idx),
                "clusters": n_clusters,
                "unclustered_share": round(float((labels < 0).mean()), 4),
                "seed_stability": round(float(np.mean(pairs)) if pairs else 1.0, 4),
                "resampling_stability": round(
                    float("nan" if resampling is None else resampling), 4
                ),
                "validity": round(validity, 4),
                "min_cluster_size": mcs,
                "method": method,
            }
        )
    return _with_kind_accuracy(m, pd.DataFrame(rows))


def _validity(X: np.ndarray, labels: np.ndarray) -> float:
    """Cosine silhouette of the clustered rows (NaN with fewer than two clusters)."""
    from sklearn.metrics import silhouette_score

    inside = labels >= 0
    n_clusters = len(set(labels[inside]))
    if n_clusters < 2 or inside.sum() <= n_clusters:
        return float("nan")
    return float(
        silhouette_score(
            X[inside],
            labels[inside],
            metric="cosine",
            sample_size=min(int(inside.sum()), 5000),
            random_state=0,
        )
    )


def _level_quality(view: WildMap, level: str) -> pd.DataFrame:
    """:func:`quality` of a theme or code view of a map."""
    rows = []
    for kind in view.kinds:
        idx = np.where(view.units["kind"].to_numpy() == kind)[0]
        labels = view.units["cluster"].to_numpy()[idx]
        if not (labels >= 0).any():
            continue
        X = np.asarray(view.embeddings[idx], dtype=np.float64)
        rows.append(
            {
                "kind": kind,
                "units": len(idx),
                "clusters": len(set(labels[labels >= 0])),
                "unclustered_share": round(float((labels < 0).mean()), 4),
                "seed_stability": 1.0,
                "resampling_stability": float("nan"),
                "validity": round(_validity(X, labels), 4),
                "min_cluster_size": 0,
                "method": f"ward {level}s",
            }
        )
    return _with_kind_accuracy(view, pd.DataFrame(rows))


def _with_kind_accuracy(m: WildMap, out: pd.DataFrame) -> pd.DataFrame:
    """When the map's kinds were classified, the classifier's measured balanced accuracy beside
    them (``kind_source``, ``kind_balanced_accuracy``)."""
    info = m.provenance.get("kind_classifier")
    if info is not None and len(out):
        measured = info.get("measured") or {}
        out["kind_source"] = "classified"
        out["kind_balanced_accuracy"] = measured.get("balanced_accuracy", float("nan"))
    return out


def _codes_for_units(m: WildMap, labels: Any) -> pd.Series:
    """Align ``labels`` with ``m.units`` (by unit_id, then answer_id, or by position)."""
    units = m.units
    if isinstance(labels, (Mapping, pd.Series)):
        ser = pd.Series(labels) if isinstance(labels, Mapping) else labels
        keys = {str(k) for k in ser.index}
        by_unit = keys & set(units["unit_id"].astype(str))
        by_answer = keys & set(units["answer_id"].astype(str))
        col = "unit_id" if len(by_unit) >= len(by_answer) else "answer_id"
        if not (by_unit or by_answer):
            raise ValueError(
                "no key of the codes matches a unit_id or answer_id of the map "
                f"(first keys: {sorted(keys)[:3]})"
            )
        lookup = {str(k): v for k, v in ser.items()}
        codes = units[col].astype(str).map(lookup)
    else:
        values = list(labels)
        if len(values) != len(units):
            raise ValueError(
                f"codes given as a sequence must align with the {len(units)} units, "
                f"got {len(values)}; or pass a Series/dict keyed by unit_id or answer_id"
            )
        codes = pd.Series(values, index=units.index)
    codes = codes.astype(object).where(codes.notna(), None)
    return codes.map(lambda v: None if v is None or str(v).strip() == "" else str(v))


def agreement(m: WildMap, labels: Any) -> dict[str, Any]:
    """Agreement between the map's clusters and hand-coded ``labels`` on the coded units.

    ``labels``: a Series or dict keyed by ``unit_id`` (or by ``answer_id``: every unit of the
    answer gets its code), or a sequence aligned with ``m.units``. Empty / missing codes mark
    uncoded units, which are left out. Clusters are compared by ``cluster_key`` (kinds apart);
    unclustered units count as one more category. Krippendorff's alpha (nominal) compares the codes
    with each cluster's majority code among the coded units, so it asks: "had a coder labelled every
    unit with its cluster's most common code, how far would they agree with you?".

    Returns ``coded`` (units compared), ``codes``, ``clusters``, ``nmi``, ``ami``, ``ari``,
    ``alpha`` and ``mapping`` (cluster_key -> majority code).

    >>> m.agreement({"a1.1": "økonomi", "a2.1": "personale"})  # doctest: +SKIP
    """
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    codes = _codes_for_units(m, labels)
    coded = codes.notna().to_numpy()
    if coded.sum() < 2:
        raise ValueError(f"need at least 2 coded units to compare, got {int(coded.sum())}")
    units = m.units[coded]
    human = codes[coded].tolist()
    found = [k if c >= 0 else UNCLUSTERED for k, c in zip(units["cluster_key"], units["cluster"])]
    table = pd.crosstab(pd.Series(found, name="cluster"), pd.Series(human, name="code"))
    mapping = {key: str(sorted(row[row == row.max()].index)[0]) for key, row in table.iterrows()}
    mapped = [mapping[k] for k in found]
    return {
        "coded": int(coded.sum()),
        "codes": len(set(human)),
        "clusters": len(set(found) - {UNCLUSTERED}),
        "nmi": round(float(normalized_mutual_info_score(human, found)), 4),
        "ami": round(float(adjusted_mutual_info_score(human, found)), 4),
        "ari": round(float(adjusted_rand_score(human, found)), 4),
        "alpha": round(krippendorff_alpha_nominal(human, mapped), 4),
        "mapping": mapping,
    }
