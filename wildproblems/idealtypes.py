"""Idealtypes: kinds of units, cluster -> pathway memberships, axis positions, respondent profiles.

Everything here works in the embedding space of the units: a model's anchor phrases (see
:mod:`wildproblems.models`) are embedded with the *same* embedder as the units and compared by cosine
similarity (vectors are L2-normalised, so cosine = dot product).

* **Kind** (:class:`KindClassifier`): a multinomial logistic regression fitted on the embedded anchor
  phrases of the kinds (cause / solution / other) gives log-probabilities; every cue pattern of a kind
  that matches a unit adds ``cue_weight`` to that kind's log-score (at most ``max_cue_hits`` per
  kind). The unit gets the kind with the highest score and ``kind_score`` = its softmax probability;
  below ``kind_min_probability`` it becomes ``other``.
* **Affinity** of a unit to a pathway: cosine to the pathway's anchor centroid (its description and
  anchor phrases), standardised over the units of the pathway kinds (z-score per pathway), so "0.5" reads
  "half a standard deviation closer to this pathway than the average answer". A cluster's affinity is
  the mean of its units'.
* **Membership** (:func:`lean_weights`): a cluster feeds a pathway when its affinity is at least
  ``membership_z`` *and* the pathway takes at least ``membership_share`` of the cluster's positive
  affinity over pathways passing ``membership_z``. A cluster may feed several pathways or none; its
  weights over the fed pathways sum to 1.
* **Axis position** (:func:`axis_positions`): ``cos(u, positive pole) - cos(u, negative pole)``,
  rescaled linearly so the negative pole's anchor centroid sits at -1 and the positive one at +1.
  Real answers fall well inside that range; the scale is fixed by the model, not by the data, so
  spreads are comparable between maps made with the same model and embedder.
* **Pathways from the data** (:class:`PathwayProposer`): when the model names none, solution clusters
  are grouped by average-linkage agglomerative clustering on a distance that mixes meaning (cosine
  distance of cluster centroids) and co-occurrence (Jaccard distance of the clusters' respondent
  sets); the number of groups maximises the silhouette; stability is the mean adjusted Rand index of
  the grouping over bootstrap resamples of respondents.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .embed import Embedder, embed_texts, l2_normalise
from .models import ModelSpec

log = logging.getLogger(__name__)

KIND_ORDER = ("cause", "solution", "other")


# ---------------------------------------------------------------------------- anchors
class AnchorEmbedder:
    """Embeds anchor phrases with the units' embedder (cached like the units) and averages them.

    >>> import numpy as np
    >>> class Fake:
    ...     model_id = "fake"
    ...     def encode(self, texts):
    ...         return np.array([[1.0, 0.0] if "a" in t else [0.0, 1.0] for t in texts])
    >>> AnchorEmbedder(Fake(), use_cache=False).centroid(["a", "ab"]).tolist()
    [1.0, 0.0]
    """

    def __init__(
        self, embedder: Embedder, cache_dir: str | None = None, use_cache: bool = True
    ) -> None:
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.use_cache = use_cache

    def embed(self, phrases: Sequence[str]) -> np.ndarray:
        vecs, _ = embed_texts(
            list(phrases),
            self.embedder,
            cache_dir=self.cache_dir,
            use_cache=self.use_cache,
            progress=False,
        )
        return vecs

    def centroid(self, phrases: Sequence[str]) -> np.ndarray:
        """Normalised mean of the phrases' vectors."""
        c = self.embed(phrases).mean(axis=0)
        return (c / (np.linalg.norm(c) or 1.0)).astype(np.float32)


# ---------------------------------------------------------------------------- kinds
def cue_hits(texts: Sequence[str], spec: ModelSpec, max_hits: int = 2) -> np.ndarray:
    """Matrix (texts x :data:`KIND_ORDER`) counting matching cue patterns (both languages), capped.

    >>> from wildproblems.models import load_model
    >>> cue_hits(["Det skyldes mangel på hænder", "Vi bør investere"], load_model("generic")).tolist()
    [[2, 0, 0], [0, 2, 0]]
    """
    out = np.zeros((len(texts), len(KIND_ORDER)), dtype=int)
    for j, k in enumerate(KIND_ORDER):
        ks = spec.kinds.get(k)
        if ks is None:
            continue
        pats = [re.compile(p, re.IGNORECASE) for lang in sorted(ks.cues) for p in ks.cues[lang]]
        for i, t in enumerate(texts):
            t = t.strip()
            out[i, j] = min(max_hits, sum(1 for p in pats if p.search(t)))
    return out


class KindClassifier:
    """Cause / solution / other for units without a kind column (see the module docstring).

    Parameters: ``spec`` (its kinds' anchors and cues), ``C`` (inverse regularisation of the
    logistic regression on the anchors), ``cue_weight`` (log-odds added per matching cue),
    ``max_cue_hits``, ``min_probability`` (None: the spec's ``kind_min_probability``).
    """

    def __init__(
        self,
        spec: ModelSpec,
        C: float = 10.0,
        cue_weight: float = 1.5,
        max_cue_hits: int = 2,
        min_probability: float | None = None,
    ) -> None:
        self.spec = spec
        self.C = C
        self.cue_weight = cue_weight
        self.max_cue_hits = max_cue_hits
        self.min_probability = min_probability

    def fit(self, anchors: AnchorEmbedder) -> KindClassifier:
        """Embed the kinds' anchor phrases and fit the logistic regression."""
        from sklearn.linear_model import LogisticRegression

        X, y = [], []
        for k in KIND_ORDER:
            if k in self.spec.kinds:
                phrases = self.spec.kinds[k].all_anchors
                X.append(anchors.embed(phrases))
                y += [k] * len(phrases)
        self.lr_ = LogisticRegression(C=self.C, max_iter=5000).fit(np.vstack(X), np.array(y))
        self.classes_ = list(self.lr_.classes_)
        return self

    def predict(self, texts: Sequence[str], X: np.ndarray) -> pd.DataFrame:
        """One row per text: ``kind``, ``kind_score`` and ``p_<kind>`` for every kind, cue hits."""
        proba = self.lr_.predict_proba(np.asarray(X))
        hits = cue_hits(texts, self.spec, self.max_cue_hits)
        cols = [KIND_ORDER.index(c) for c in self.classes_]
        score = np.log(proba + 1e-12) + self.cue_weight * hits[:, cols]
        score -= score.max(axis=1, keepdims=True)
        p = np.exp(score)
        p /= p.sum(axis=1, keepdims=True)
        best = p.argmax(axis=1)
        floor = (
            self.spec.thresholds.kind_min_probability
            if self.min_probability is None
            else self.min_probability
        )
        kind = np.array(self.classes_, dtype=object)[best]
        kind[p[np.arange(len(p)), best] < floor] = "other"
        out = pd.DataFrame({"kind": kind, "kind_score": np.round(p[np.arange(len(p)), best], 4)})
        for j, c in enumerate(self.classes_):
            out[f"p_{c}"] = np.round(p[:, j], 4)
        for j, k in enumerate(KIND_ORDER):
            out[f"cues_{k}"] = hits[:, j]
        return out


# ---------------------------------------------------------------------------- geometry
def standardised_affinity(X: np.ndarray, centroids: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``X`` to each centroid, z-scored per centroid over the rows ``ref``.

    >>> X = np.eye(3)
    >>> standardised_affinity(X, X[:2], np.ones(3, bool)).round(2).tolist()
    [[1.41, -0.71], [-0.71, 1.41], [-0.71, -0.71]]
    """
    S = np.asarray(X) @ np.asarray(centroids).T
    R = S[ref] if ref.any() else S
    mu, sd = R.mean(axis=0), R.std(axis=0)
    return (S - mu) / np.where(sd > 0, sd, 1.0)


def lean_weights(z: np.ndarray, min_z: float, min_share: float) -> np.ndarray:
    """Weights over pathways from affinities ``z`` (rows: clusters or units).

    A pathway is fed when ``z >= min_z`` and it takes at least ``min_share`` of the row's positive
    affinity among pathways with ``z >= min_z``; the fed pathways' weights (proportional to ``z``)
    sum to 1, a row feeding none is all zeros.

    >>> lean_weights(np.array([[2.0, 1.0, -1.0], [0.2, 0.1, 0.0], [1.0, 0.1, 3.0]]), 0.5, 0.25)
    array([[0.66666667, 0.33333333, 0.        ],
           [0.        , 0.        , 0.        ],
           [0.25      , 0.        , 0.75      ]])
    """
    z = np.atleast_2d(np.asarray(z, dtype=float))
    pos = np.where(z >= min_z, np.maximum(z, 0.0), 0.0)
    tot = pos.sum(axis=1, keepdims=True)
    share = np.divide(pos, tot, out=np.zeros_like(pos), where=tot > 0)
    kept = np.where(share >= min_share, pos, 0.0)
    tot = kept.sum(axis=1, keepdims=True)
    return np.divide(kept, tot, out=np.zeros_like(kept), where=tot > 0)


def axis_positions(X: np.ndarray, negative: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Position of rows of ``X`` on the axis from ``negative`` (-1) to ``positive`` (+1).

    ``d = cos(x, positive) - cos(x, negative)`` rescaled so ``d(negative) = -1`` and
    ``d(positive) = +1``.

    >>> n, p = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    >>> axis_positions(np.array([[1.0, 0.0], [0.0, 1.0], [0.7071, 0.7071]]), n, p).round(3).tolist()
    [-1.0, 1.0, 0.0]
    """
    d = np.asarray(X) @ positive - np.asarray(X) @ negative
    d_neg = float(negative @ positive - negative @ negative)
    d_pos = float(positive @ positive - positive @ negative)
    half = (d_pos - d_neg) / 2 or 1.0
    return (d - (d_pos + d_neg) / 2) / half


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


# ---------------------------------------------------------------------------- data pathways
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


def _respondent_table(
    units: pd.DataFrame,
    answers: pd.DataFrame,
    unit_weights: np.ndarray,
    pathway_ids: list[str],
    in_pathway_kinds: np.ndarray,
    axis_ids: list[str],
) -> pd.DataFrame:
    resp = units["respondent"].astype(str)
    table = pd.DataFrame(index=pd.Index(sorted(resp.unique()), name="respondent"))
    for k in ("cause", "solution", "other"):
        table[f"n_{k}"] = resp[units["kind"] == k].value_counts().reindex(table.index).fillna(0)
    clustered = units["cluster"] >= 0
    counts = pd.crosstab(resp[clustered], units.loc[clustered, "cluster_key"])
    order = sorted(
        counts.columns,
        key=lambda k: (
            KIND_ORDER.index(k.split(":")[0]) if k.split(":")[0] in KIND_ORDER else 9,
            int(k.rsplit(":", 1)[1]),
        ),
    )
    counts = counts[order].reindex(table.index).fillna(0).astype(int)
    table = table.astype(int).join(counts)
    if pathway_ids:
        W = pd.DataFrame(
            unit_weights[in_pathway_kinds], columns=[f"pathway:{p}" for p in pathway_ids]
        )
        W["respondent"] = resp[in_pathway_kinds].to_numpy()
        prof = W.groupby("respondent").mean().reindex(table.index)
        table = table.join(prof.round(4))
        vals = prof.to_numpy()
        has = np.nan_to_num(vals).max(axis=1) > 0
        lean = np.array(pathway_ids, dtype=object)[np.nan_to_num(vals).argmax(axis=1)]
        table["lean"] = np.where(has, lean, "")
    for a in axis_ids:
        col = f"axis:{a}"
        table[col] = (
            units.loc[in_pathway_kinds, col]
            .groupby(resp[in_pathway_kinds])
            .mean()
            .reindex(table.index)
            .round(4)
        )
    meta = [
        c for c in answers.columns if c not in ("answer_id", "respondent", "kind", "text", "row")
    ]
    if meta:
        a = answers.assign(respondent=answers["respondent"].astype(str))
        constant = [
            c for c in meta if (a.groupby("respondent")[c].nunique(dropna=False) <= 1).all()
        ]
        if constant:
            table = table.join(a.groupby("respondent")[constant].first())
    return table.reset_index()


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
) -> ModelResult:
    """Pathways, memberships, axis positions, sectors/levels and the respondents table of a map.

    ``units``/``clusters`` are the map's frames (``cluster_key`` and ``kind`` columns), ``X`` the
    unit embeddings (rows align with ``units``).
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
    memberships = pd.DataFrame(
        rows, columns=["cluster_key", "pathway", "affinity", "weight", "fed"]
    )

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
    respondents = _respondent_table(
        units.join(unit_cols[[c for c in unit_cols.columns if c.startswith("axis:")]]),
        answers,
        W_unit,
        ids,
        in_pk,
        list(axes),
    )
    return ModelResult(pathways, memberships, respondents, unit_cols, cluster_cols, prov)


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
def classify_kinds(
    units: pd.DataFrame,
    emb: np.ndarray,
    cfg: Any,
    embedder: Embedder | str | None,
    given: bool,
) -> tuple[ModelSpec, AnchorEmbedder, pd.DataFrame]:
    """Load ``cfg.model``; when no kind column was ``given``, classify every unit's kind.

    Adds ``kind_score`` (probability of the kind; 1.0 when given) and ``kind_source`` (``given`` /
    ``classified``) to a copy of ``units``. Kinds are classified by the shipped kind model with the
    spec's cues as extra evidence (:func:`wildproblems.kind_model.classify`; the spec's anchors
    alone when the model does not fit the embedder). ``embedder`` must be the one that made ``emb`` (the
    anchors are embedded with it); a name is resolved with :func:`~wildproblems.embed.get_embedder`.
    """
    from .embed import get_embedder
    from .errors import InputError
    from .models import load_model

    spec = load_model(cfg.model)
    if embedder is None:
        raise InputError(
            f"model={cfg.model!r} with precomputed embeddings needs the embedder that made them "
            "(pass embedder=...): the model's anchor phrases are embedded with it"
        )
    if isinstance(embedder, str):
        embedder = get_embedder(embedder, prefix=cfg.prefix, batch_size=cfg.batch_size)
    if cfg.group is not None and cfg.group not in units.columns:
        raise InputError(
            f"group column {cfg.group!r} not found; the answers have metadata columns "
            f"{[c for c in units.columns if c not in ('unit_id', 'answer_id', 'respondent', 'kind', 'text', 'segment', 'answer_text', 'row')]}"
        )
    anchors = AnchorEmbedder(embedder, cache_dir=cfg.cache_dir, use_cache=cfg.cache)
    units = units.copy()
    if given:
        units.insert(units.columns.get_loc("kind") + 1, "kind_score", 1.0)
        units.insert(units.columns.get_loc("kind") + 2, "kind_source", "given")
        return spec, anchors, units
    from .kind_model import classify

    pred = classify(units["text"].tolist(), emb, spec, embedder.model_id, anchors)
    units["kind"] = pred["kind"].to_numpy()
    units.insert(units.columns.get_loc("kind") + 1, "kind_score", pred["kind_score"].to_numpy())
    units.insert(units.columns.get_loc("kind") + 2, "kind_source", "classified")
    counts = units["kind"].value_counts().to_dict()
    log.info("classified %d units by kind: %s", len(units), counts)
    return spec, anchors, units


def model_tables(wm: Any, spec: ModelSpec, anchors: AnchorEmbedder) -> None:
    """Fill ``wm.pathways``, ``wm.respondents``, ``wm.corners`` and the model columns in place."""
    from .corners import compute_corners

    res = apply_model(
        spec,
        wm.units,
        wm.clusters,
        wm.answers,
        wm.embeddings,
        anchors,
        n_quotes=wm.config.n_quotes,
        random_state=wm.config.random_state,
    )
    wm.units = wm.units.join(res.unit_columns)
    wm.clusters = wm.clusters.merge(res.cluster_columns, on="cluster_key", how="left")
    wm.pathways = res.pathways
    wm.extras["axes"] = {ax.id: (ax.negative.name, ax.positive.name) for ax in spec.axes}
    wm.respondents = res.respondents
    wm.corners = compute_corners(wm.units, spec, group=wm.config.group)
    wm.extras["memberships"] = res.memberships
    if "kind_source" in wm.units:
        wm.extras["kind_counts"] = wm.units["kind"].value_counts().to_dict()
        if (wm.units["kind_source"] == "classified").any():
            from .kind_model import provenance_for

            wm.provenance["kind_classifier"] = provenance_for(str(wm.provenance.get("embedder")))
    wm.provenance["model"] = {**spec.to_dict(), **res.provenance}
