"""Pathways: cluster -> pathway memberships, axis positions, sectors and levels of a map.

Everything here works in the embedding space of the units: a model's anchor phrases (see
:mod:`wildproblems.model.spec`) are embedded with the *same* embedder as the units and compared by
cosine similarity (see :mod:`wildproblems.model.anchors` for affinity, membership and axis
position).

**Pathways from the data** (:class:`PathwayProposer`): when the model names none, solution clusters
are grouped by average-linkage agglomerative clustering on a distance that mixes meaning (cosine
distance of cluster centroids) and co-occurrence (Jaccard distance of the clusters' respondent
sets); the number of groups maximises the silhouette; stability is the mean adjusted Rand index of
the grouping over bootstrap resamples of respondents.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..embed import l2_normalise
from ..schema import MEMBERSHIP_COLUMNS
from .anchors import AnchorEmbedder, axis_positions, lean_weights, standardised_affinity
from .corners import compute_corners
from .respondents import respondent_table
from .spec import ModelSpec

log = logging.getLogger(__name__)


def _respondent_sets(units: pd.DataFrame, keys: Sequence[str]) -> list[set[str]]:
    by = units.groupby("cluster_key")["respondent"].apply(lambda s: set(s.astype(str)))
    return [by.get(k, set()) for k in keys]


def jaccard_distance(sets: Sequence[set[str]]) -> np.ndarray:
    """Pairwise Jaccard distance between sets (1 where both are empty).

    >>> jaccard_distance([{"a", "b"}, {"b", "c"}, set()]).round(3).tolist()
    [[0.0, 0.667, 1.0], [0.667, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    n = len(sets)
    D = np.ones((n, n))
    for i in range(n):
        D[i, i] = 0.0
        for j in range(i + 1, n):
            union = len(sets[i] | sets[j])
            D[i, j] = D[j, i] = 1.0 - len(sets[i] & sets[j]) / union if union else 1.0
    return D


def _centroids(X: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    C = np.stack([X[labels == c].mean(axis=0) for c in ids])
    return l2_normalise(C)


def _combined_distance(C: np.ndarray, sets: list[set[str]], alpha: float) -> np.ndarray:
    D_sem = np.clip(1.0 - C @ C.T, 0.0, 2.0)
    np.fill_diagonal(D_sem, 0.0)
    off = D_sem[~np.eye(len(C), dtype=bool)]
    D_sem = D_sem / (off.max() if off.size and off.max() > 0 else 1.0)
    return alpha * D_sem + (1 - alpha) * jaccard_distance(sets) if alpha < 1 else D_sem


def _group(D: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(
        n_clusters=k, metric="precomputed", linkage="average"
    ).fit_predict(D)


class PathwayProposer:
    """Propose pathway idealtypes by grouping clusters (meaning + respondent co-occurrence).

    ``alpha`` weighs meaning against co-occurrence (1 = meaning only; co-occurrence is dropped
    automatically when no respondent has units in two of the clusters), ``max_groups`` caps the
    number of pathways, ``n_boot`` bootstrap resamples of respondents measure stability.

    After :meth:`fit`: ``groups_`` (group per cluster, 0..k-1, largest first), ``k_``,
    ``silhouettes_`` (k -> silhouette), ``alpha_`` (used), ``stability_`` (mean ARI),
    ``stability_sd_``.
    """

    def __init__(
        self, alpha: float = 0.5, max_groups: int = 6, n_boot: int = 30, random_state: int = 0
    ) -> None:
        self.alpha = alpha
        self.max_groups = max_groups
        self.n_boot = n_boot
        self.random_state = random_state

    def fit(self, X: np.ndarray, labels: np.ndarray, respondents: Sequence[str]) -> PathwayProposer:
        """``X``: unit embeddings, ``labels``: cluster per unit (-1 ignored), ``respondents``."""
        from sklearn.metrics import adjusted_rand_score, silhouette_score

        labels = np.asarray(labels)
        resp = np.asarray([str(r) for r in respondents], dtype=object)
        ids = sorted(int(c) for c in np.unique(labels) if c >= 0)
        self.cluster_ids_ = ids
        if len(ids) < 3:
            raise ValueError(f"need at least 3 clusters to propose pathways, got {len(ids)}")
        sets = [set(resp[labels == c]) for c in ids]
        shared = any(len(sets[i] & sets[j]) for i in range(len(ids)) for j in range(i))
        self.alpha_ = self.alpha if shared else 1.0
        D = _combined_distance(_centroids(X, labels, ids), sets, self.alpha_)
        self.silhouettes_: dict[int, float] = {}
        for k in range(2, min(self.max_groups, len(ids) - 1) + 1):
            g = _group(D, k)
            self.silhouettes_[k] = round(float(silhouette_score(D, g, metric="precomputed")), 4)
        self.k_ = max(self.silhouettes_, key=lambda k: (self.silhouettes_[k], -k))
        groups = _group(D, self.k_)
        sizes = {
            g: int(sum((labels == ids[i]).sum() for i in np.where(groups == g)[0]))
            for g in set(groups)
        }
        order = sorted(sizes, key=lambda g: (-sizes[g], int(np.argmax(groups == g))))
        remap = {g: r for r, g in enumerate(order)}
        self.groups_ = np.array([remap[g] for g in groups])

        rng = np.random.default_rng(self.random_state)
        people = np.array(sorted(set(resp[labels >= 0])), dtype=object)
        scores = []
        for _ in range(self.n_boot):
            draw = rng.choice(people, size=len(people), replace=True)
            mult = pd.Series(draw).value_counts()
            w = np.array([mult.get(r, 0) for r in resp], dtype=float)
            keep = [i for i, c in enumerate(ids) if w[labels == c].sum() > 0]
            if len(keep) < 3:
                continue
            Cb = np.stack(
                [(X[labels == ids[i]] * w[labels == ids[i], None]).sum(axis=0) for i in keep]
            )
            Cb = l2_normalise(Cb)
            sets_b = [{r for r in sets[i] if mult.get(r, 0) > 0} for i in keep]
            Db = _combined_distance(Cb, sets_b, self.alpha_)
            gb = _group(Db, min(self.k_, len(keep) - 1))
            scores.append(adjusted_rand_score(self.groups_[keep], gb))
        self.stability_ = round(float(np.mean(scores)), 4) if scores else float("nan")
        self.stability_sd_ = round(float(np.std(scores)), 4) if scores else float("nan")
        self.n_boot_used_ = len(scores)
        return self


# ---------------------------------------------------------------------------- the model step
@dataclass
class ModelResult:
    """What :func:`apply_model` returns: tables for the WildMap and columns to add to its frames."""

    pathways: pd.DataFrame
    memberships: pd.DataFrame
    respondents: pd.DataFrame
    unit_columns: pd.DataFrame
    cluster_columns: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)


def _axis_vectors(
    spec: ModelSpec, anchors: AnchorEmbedder
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        a.id: (anchors.centroid(a.negative.all_anchors), anchors.centroid(a.positive.all_anchors))
        for a in spec.axes
    }


def _facet_assign(
    X: np.ndarray, facets: Sequence[Any], anchors: AnchorEmbedder
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest facet (sector or level) by cosine to the facet's anchor centroid."""
    if not facets:
        return np.full(len(X), "", dtype=object), np.zeros(len(X))
    C = np.stack([anchors.centroid(f.all_anchors) for f in facets])
    S = X @ C.T
    ids = np.array([f.id for f in facets], dtype=object)
    return ids[S.argmax(axis=1)], S.max(axis=1)


def _quotes_for(
    units: pd.DataFrame, idx: np.ndarray, score: np.ndarray, n: int
) -> tuple[list[str], list[str]]:
    order = idx[np.lexsort((idx, -score[idx]))]
    texts, ids, seen_t, seen_r = [], [], set(), set()
    for strict in (True, False):
        for i in order:
            t = str(units["text"].iat[i])
            r = units["respondent"].iat[i]
            if t.lower() in seen_t or (strict and r in seen_r) or units["unit_id"].iat[i] in ids:
                continue
            texts.append(t)
            ids.append(units["unit_id"].iat[i])
            seen_t.add(t.lower())
            seen_r.add(r)
            if len(texts) == n:
                return texts, ids
    return texts, ids


def apply_model(
    spec: ModelSpec,
    units: pd.DataFrame,
    clusters: pd.DataFrame,
    answers: pd.DataFrame,
    X: np.ndarray,
    anchors: AnchorEmbedder,
    n_quotes: int = 3,
    random_state: int = 0,
    proposer: PathwayProposer | None = None,
    pins: Mapping[str, Mapping[str, bool]] | None = None,
) -> ModelResult:
    """Pathways, memberships, axis positions, sectors/levels and the respondents table of a map.

    ``units``/``clusters`` are the map's frames (``cluster_key`` and ``kind`` columns), ``X`` the
    unit embeddings (rows align with ``units``). ``pins`` (cluster key -> pathway id -> True to
    make the cluster feed the pathway, False to keep it out) overrides the membership rule; see
    :func:`pin_weights`.
    """
    th = spec.thresholds
    n = len(units)
    kinds = units["kind"].to_numpy()
    in_pk = np.isin(kinds, list(spec.pathway_kinds))
    unit_cols = pd.DataFrame(index=units.index)
    cluster_cols = pd.DataFrame({"cluster_key": clusters["cluster_key"].to_numpy()})

    axes = _axis_vectors(spec, anchors)
    for a, (neg, pos) in axes.items():
        unit_cols[f"axis:{a}"] = np.round(axis_positions(X, neg, pos), 4)
    for name, facets in (("sector", spec.sectors), ("level", spec.levels)):
        unit_cols[name] = _facet_assign(X, facets, anchors)[0]

    key = units["cluster_key"].to_numpy()
    pk_clusters = clusters[clusters["kind"].isin(spec.pathway_kinds)]
    keys = pk_clusters["cluster_key"].tolist()
    source = "model" if spec.pathways else "data"
    prov: dict[str, Any] = {"pathway_source": source, "thresholds": th.to_dict()}

    if spec.pathways:
        P = np.stack([anchors.centroid(p.all_anchors) for p in spec.pathways])
        ids = [p.id for p in spec.pathways]
        Z = standardised_affinity(X, P, in_pk)
        # a cluster with no units (possible in a later wave placed on the map) feeds no pathway
        Zc = (
            np.stack(
                [Z[key == k].mean(axis=0) if (key == k).any() else np.zeros(len(ids)) for k in keys]
            )
            if keys
            else np.zeros((0, len(ids)))
        )
        Wc = lean_weights(Zc, th.membership_z, th.membership_share) if keys else Zc
        infos = [
            {
                "pathway": p.id,
                "name": p.name,
                "description": p.description,
                "anchor_position": {
                    a: round(float(axis_positions(P[j : j + 1], *axes[a])[0]), 4) for a in axes
                },
                "spec_position": dict(p.position),
            }
            for j, p in enumerate(spec.pathways)
        ]
    else:
        ids, infos, Z = [], [], np.zeros((n, 0))
        Zc = Wc = np.zeros((len(keys), 0))
        prop = proposer or PathwayProposer(random_state=random_state)
        sub = np.where(in_pk & (units["cluster"].to_numpy() >= 0))[0]
        key_index = {k: i for i, k in enumerate(keys)}
        if len(keys) >= 3:
            lab = np.array([key_index.get(k, -1) for k in key[sub]])
            prop.fit(X[sub], lab, units["respondent"].astype(str).to_numpy()[sub])
            groups = prop.groups_
            ids = [f"data-{g + 1}" for g in range(prop.k_)]
            Wc = np.zeros((len(keys), prop.k_))
            Wc[np.arange(len(keys)), groups] = 1.0
            Zc = Wc.copy()
            for g in range(prop.k_):
                members = pk_clusters.iloc[np.where(groups == g)[0]]
                infos.append(_data_pathway_info(ids[g], members))
            G = np.stack(
                [
                    X[np.isin(key, [keys[i] for i in np.where(groups == g)[0]])].mean(axis=0)
                    for g in range(prop.k_)
                ]
            )
            G /= np.linalg.norm(G, axis=1, keepdims=True)
            Z = standardised_affinity(X, G, in_pk)
            prov["proposed"] = {
                "k": prop.k_,
                "silhouettes": prop.silhouettes_,
                "alpha": prop.alpha_,
                "stability_ari_mean": prop.stability_,
                "stability_ari_sd": prop.stability_sd_,
                "n_boot": prop.n_boot_used_,
                "stability_method": "bootstrap over respondents (cluster assignments fixed); "
                "mean adjusted Rand index against the full-data grouping",
            }
        else:
            prov["proposed"] = {
                "skipped": f"only {len(keys)} clusters of kinds {list(spec.pathway_kinds)} (need 3)"
            }

    if pins:
        Wc, prov["pins"] = pin_weights(Wc, keys, ids, pins)

    # unit weights: clustered units take their cluster's weights, others their own lean
    W_unit = np.zeros((n, len(ids)))
    if ids:
        own = lean_weights(Z, th.membership_z, th.membership_share)
        for i, k in enumerate(keys):
            W_unit[key == k] = Wc[i]
        unclustered = in_pk & (units["cluster"].to_numpy() < 0)
        W_unit[unclustered] = own[unclustered]
        lean = np.where(
            W_unit.max(axis=1) > 0, np.array(ids, dtype=object)[W_unit.argmax(axis=1)], ""
        )
        unit_cols["pathway"] = np.where(in_pk, lean, "")

    rows = []
    for i, k in enumerate(keys):
        for j, p in enumerate(ids):
            rows.append(
                {
                    "cluster_key": k,
                    "pathway": p,
                    "affinity": round(float(Zc[i, j]), 4),
                    "weight": round(float(Wc[i, j]), 4),
                    "fed": bool(Wc[i, j] > 0),
                }
            )
    memberships = pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))

    fed_by = {k: [p for j, p in enumerate(ids) if Wc[i, j] > 0] for i, k in enumerate(keys)}
    cluster_cols["pathways"] = [fed_by.get(k, []) for k in cluster_cols["cluster_key"]]
    for a in axes:
        pos = unit_cols[f"axis:{a}"]
        cluster_cols[f"axis:{a}"] = [
            round(float(pos[key == k].mean()), 4) for k in cluster_cols["cluster_key"]
        ]
    for name in ("sector", "level"):
        cluster_cols[name] = [
            (
                unit_cols[name][key == k].value_counts().index[0]
                if (key == k).any() and unit_cols[name][key == k].ne("").any()
                else ""
            )
            for k in cluster_cols["cluster_key"]
        ]

    size_of = dict(zip(clusters["cluster_key"], clusters["size"]))
    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    total = float(sum(size_of[k] for k in keys)) or 1.0
    prows = []
    for j in range(len(ids)):
        fed = [(keys[i], float(Wc[i, j])) for i in range(len(keys)) if Wc[i, j] > 0]
        fed.sort(key=lambda kw: (-kw[1] * size_of[kw[0]], kw[0]))
        fed_keys = [k for k, _ in fed]
        idx = np.where(np.isin(key, fed_keys))[0]
        quotes, qids = _quotes_for(units, idx, Z[:, j], n_quotes) if len(idx) else ([], [])
        weighted = sum(w * size_of[k] for k, w in fed)
        row = {
            **{k: v for k, v in infos[j].items() if k not in ("anchor_position", "spec_position")},
            "source": source,
            "clusters": fed_keys,
            "cluster_labels": [label_of[k] for k in fed_keys],
            "weights": [round(w, 4) for _, w in fed],
            "units": round(weighted, 2),
            "share": round(weighted / total, 4),
            "respondents": int(units["respondent"].iloc[idx].nunique()) if len(idx) else 0,
            "quotes": quotes,
            "quote_ids": qids,
        }
        for a in axes:
            w_u = W_unit[idx, j]
            pos = unit_cols[f"axis:{a}"].to_numpy()[idx]
            row[f"axis:{a}"] = (
                round(float(np.average(pos, weights=w_u)), 4) if w_u.sum() > 0 else np.nan
            )
            row[f"axis:{a}:anchors"] = infos[j].get("anchor_position", {}).get(a, np.nan)
            row[f"axis:{a}:spec"] = infos[j].get("spec_position", {}).get(a, np.nan)
        prows.append(row)
    pathways = pd.DataFrame(prows)
    pathways.attrs["thresholds"] = th.to_dict()
    if prows:
        prov["pathways"] = {r["pathway"]: r["clusters"] for r in prows}
    respondents = respondent_table(
        units.join(unit_cols[[c for c in unit_cols.columns if c.startswith("axis:")]]),
        answers,
        W_unit,
        ids,
        in_pk,
        list(axes),
    )
    return ModelResult(pathways, memberships, respondents, unit_cols, cluster_cols, prov)


def pin_weights(
    W: np.ndarray, keys: Sequence[str], ids: Sequence[str], pins: Mapping[str, Mapping[str, bool]]
) -> tuple[np.ndarray, dict[str, Any]]:
    """Cluster -> pathway weights ``W`` (rows ``keys``, columns ``ids``) with an analyst's pins.

    A pinned cluster feeds the pathways the rule gave it, plus those pinned in (True), minus those
    pinned out (False), with equal weights (the pin is a human decision, not a measure of
    affinity). Returns the weights and a record of the pins applied and of those naming a cluster
    or pathway the map does not have.

    >>> W = np.array([[0.7, 0.3, 0.0], [0.0, 0.0, 0.0]])
    >>> pin_weights(W, ["s:0", "s:1"], ["a", "b", "c"], {"s:0": {"b": False, "c": True}})[0]
    array([[0.5, 0. , 0.5],
           [0. , 0. , 0. ]])
    """
    W = np.array(W, dtype=float, copy=True)
    row_of = {k: i for i, k in enumerate(keys)}
    col_of = {p: j for j, p in enumerate(ids)}
    applied, unknown = [], []
    for key in sorted(pins):
        for pid, member in sorted(pins[key].items()):
            if key not in row_of or pid not in col_of:
                unknown.append({"cluster_key": key, "pathway": pid, "member": bool(member)})
                continue
            applied.append({"cluster_key": key, "pathway": pid, "member": bool(member)})
        if key not in row_of:
            continue
        fed = set(np.where(W[row_of[key]] > 0)[0])
        for pid, member in pins[key].items():
            if pid in col_of:
                (fed.add if member else fed.discard)(col_of[pid])
        row = np.zeros(W.shape[1])
        if fed:
            row[sorted(fed)] = 1.0 / len(fed)
        W[row_of[key]] = row
    if unknown:
        log.warning("pins naming no cluster or pathway of the map: %s", unknown)
    return W, {"applied": applied, "not_applied": unknown}


def _data_pathway_info(pid: str, members: pd.DataFrame) -> dict[str, Any]:
    """Generated name (labels of the two largest clusters) and pooled keywords of a data pathway."""
    m = members.sort_values(["size", "cluster_key"], ascending=[False, True])
    labels = m["label"].tolist()
    name = " + ".join(labels[:2]) + (f" (+{len(labels) - 2})" if len(labels) > 2 else "")
    weight: dict[str, float] = {}
    for kws, size in zip(m["keywords"], m["size"]):
        for rank, w in enumerate([w.strip() for w in str(kws).split(",") if w.strip()][:10]):
            weight[w] = weight.get(w, 0.0) + size / (rank + 1)
    top = sorted(weight, key=lambda w: (-weight[w], w))[:6]
    return {
        "pathway": pid,
        "name": name,
        "description": "proposed from the data; keywords: " + ", ".join(top),
    }


# ---------------------------------------------------------------------------- pipeline hooks
def model_tables(
    wm: Any,
    spec: ModelSpec,
    anchors: AnchorEmbedder,
    pins: Mapping[str, Mapping[str, bool]] | None = None,
) -> None:
    """Fill ``wm.pathways``, ``wm.respondents``, ``wm.corners`` and the model columns in place
    (``pins``: an analyst's pathway pins, see :func:`pin_weights`)."""

    res = apply_model(
        spec,
        wm.units,
        wm.clusters,
        wm.answers,
        wm.embeddings,
        anchors,
        n_quotes=wm.config.n_quotes,
        random_state=wm.config.random_state,
        pins=pins,
    )
    wm.units = wm.units.join(res.unit_columns)
    wm.clusters = wm.clusters.merge(res.cluster_columns, on="cluster_key", how="left")
    wm.pathways = res.pathways
    wm.extras["axes"] = {ax.id: (ax.negative.name, ax.positive.name) for ax in spec.axes}
    wm.respondents = res.respondents
    wm.corners = compute_corners(wm.units, spec, group=wm.config.group)
    wm.extras["memberships"] = res.memberships
    wm.model_spec = spec
    if "kind_source" in wm.units:
        wm.extras["kind_counts"] = wm.units["kind"].value_counts().to_dict()
        if (wm.units["kind_source"] == "classified").any():
            from .kind_model import provenance_for

            wm.provenance["kind_classifier"] = provenance_for(str(wm.provenance.get("embedder")))
    wm.provenance["model"] = {**spec.to_dict(), **res.provenance}
