"""Cluster: group units into themes, with the minimum cluster size chosen from the data.

Two methods, both scikit-learn style in :class:`Clusterer`:

``"ward"`` (default, used by :func:`wildproblems.map`)
    Seed-free. The embeddings are centred and re-normalised (which removes the direction all
    E5 vectors share) and merged into a Ward hierarchy. Flat clusters are read off that hierarchy with HDBSCAN's
    *excess of mass* rule (cluster stability over the condensed tree): a branch that shrinks below
    ``min_cluster_size`` stops being a cluster, and its units are left unclustered. Nothing in it
    draws random numbers, so the same embeddings always give the same clusters, whatever the seed.
``"hdbscan"``
    HDBSCAN on whatever space it is given (e.g. a 5-d UMAP of the embeddings; the classic
    BERTopic route). Its clusters move with UMAP's seed.

With ``min_cluster_size=None`` a small geometric grid of sizes (:func:`candidate_sizes`) is tried
and the choice is made without looking at any label:

* ward: the size whose clusters are most *stable under resampling*: the data are split into
  ``n_folds`` folds, the hierarchy is rebuilt without each fold, and the clusters of the kept
  units are compared with the full-data clusters by the adjusted Rand index; the mean over the
  folds of several partitions (:func:`default_repeats`) is the size's stability (ties go to the
  smaller size, i.e. the finer map). The folds come from a hash of each unit's *text* when the
  texts are given (``fit(X, fold_keys=texts)``, as :func:`wildproblems.map` does), else from the
  rank of each vector along fixed directions: no seed, no dependence on row order, and no
  dependence on floating-point noise in the embeddings (a map made on another CPU, whose
  embeddings differ in the 7th decimal, gets the same folds and so the same choice);
* hdbscan: HDBSCAN's relative validity index (a fast DBCV) times the share of units clustered.

Every candidate and the winner are recorded in ``Clusterer.candidates_`` and
``Clusterer.selection_`` so the choice can be explained.
"""

from __future__ import annotations

import itertools
import logging
import warnings
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: Largest number of units clustered with the exact Ward hierarchy (memory grows as n**2); above
#: it Ward runs on a 15-nearest-neighbour graph.
EXACT_WARD_MAX = 10_000
#: Largest number of units for which resampling reuses one distance matrix (n**2 floats).
REUSE_DISTANCES_MAX = 6_000
#: Clustering methods of :class:`Clusterer`.
METHODS = ("ward", "hdbscan")


def candidate_sizes(n: int) -> list[int]:
    """Minimum cluster sizes tried for ``n`` units: a geometric grid (x1.5).

    Small corpora start at 3 units per cluster. From 200 units the grid starts at 1 % of the
    units (at least 5), so a map of thousands of answers is read in tens of clusters, as INVI's
    (26 cause clusters for 1,374 causes), not in hundreds of near-duplicate pairs: finer
    partitions always look more stable under resampling, so the stability rule alone would pick
    them. The grid ends near ``n ** 0.6`` (at most a sixth of the units).

    >>> candidate_sizes(30)
    [3, 4]
    >>> candidate_sizes(764)
    [8, 12, 18, 27, 40]
    >>> candidate_sizes(2500)
    [25, 38, 56, 84]
    """
    if n < 200:
        lo, hi = 3, max(3, n // 6)
    else:
        lo = max(5, int(round(n / 100)))
        hi = max(int(lo * 2.25), min(n // 6, int(round(n**0.6))))
    sizes: list[int] = []
    v = float(lo)
    while v <= hi + 1e-9:
        s = int(round(v))
        if not sizes or s > sizes[-1]:
            sizes.append(s)
        v *= 1.5
    return sizes or [lo]


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by size (largest first), ties by first appearance."""
    out = np.full_like(labels, -1)
    ids = [c for c in np.unique(labels) if c >= 0]
    first = {c: int(np.argmax(labels == c)) for c in ids}
    order = sorted(ids, key=lambda c: (-int((labels == c).sum()), first[c]))
    for new, old in enumerate(order):
        out[labels == old] = new
    return out


def clustering_space(X: np.ndarray) -> np.ndarray:
    """Centre and re-normalise embeddings: the space the Ward hierarchy is built in.

    Centring removes the direction that all vectors of a sentence encoder share, so Euclidean
    (Ward) distances follow the cosine of what is *specific* to each text.

    >>> Z = clustering_space(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    >>> np.round(Z, 3).tolist()
    [[0.707, -0.707, 0.0], [-0.707, 0.707, 0.0]]
    """
    from .embed import l2_normalise

    X = np.asarray(X, dtype=np.float64)
    return l2_normalise(X - X.mean(axis=0))


def ward_tree(
    Z: np.ndarray, exact_max: int = EXACT_WARD_MAX, distances: np.ndarray | None = None
) -> np.ndarray:
    """Ward linkage of the rows of ``Z`` in SciPy's format (n-1 rows: a, b, height, size).

    Up to ``exact_max`` rows the exact hierarchy; above it sklearn's Ward restricted to a
    15-nearest-neighbour graph (memory linear in n), with heights made monotone. ``distances``
    may pass the condensed Euclidean distances of ``Z`` when they are already known.
    """
    n = Z.shape[0]
    if n <= exact_max:
        from scipy.cluster.hierarchy import linkage, ward

        return ward(Z) if distances is None else linkage(distances, method="ward")
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.neighbors import kneighbors_graph

    conn = kneighbors_graph(Z, n_neighbors=15, include_self=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = AgglomerativeClustering(
            n_clusters=1, linkage="ward", connectivity=conn, compute_distances=True
        ).fit(Z)
    sizes = np.ones(2 * n - 1)
    out = np.zeros((n - 1, 4))
    for i, (a, b) in enumerate(model.children_):
        sizes[n + i] = sizes[a] + sizes[b]
        out[i] = (a, b, model.distances_[i], sizes[n + i])
    out[:, 2] = np.maximum.accumulate(out[:, 2])
    return out


def tree_labels(
    tree: np.ndarray, min_cluster_size: int, selection: str = "eom"
) -> tuple[np.ndarray, np.ndarray]:
    """Flat clusters of a linkage tree by HDBSCAN's condensed-tree rule; ``(labels, strength)``.

    ``selection`` is ``"eom"`` (excess of mass: the most persistent clusters) or ``"leaf"``. If no
    branch holds ``min_cluster_size`` units on both sides of a split, everything is one cluster.
    """
    from hdbscan._hdbscan_tree import compute_stability, condense_tree, get_clusters

    def run(single: bool) -> tuple[np.ndarray, np.ndarray]:
        condensed = condense_tree(np.ascontiguousarray(tree, dtype=np.float64), min_cluster_size)
        labels, prob, _ = get_clusters(condensed, compute_stability(condensed), selection, single)
        return np.asarray(labels, dtype=int), np.asarray(prob, dtype=np.float32)

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        labels, prob = run(False)
        if labels.max() < 0:
            labels, prob = run(True)
    return labels, prob


def euclidean_square(Z: np.ndarray) -> np.ndarray:
    """Square matrix of Euclidean distances between the rows of ``Z`` (one matrix product, much
    faster than ``pdist`` for embeddings; the diagonal is exactly 0).

    >>> euclidean_square(np.array([[0.0, 0.0], [3.0, 4.0]])).tolist()
    [[0.0, 5.0], [5.0, 0.0]]
    """
    Z = np.asarray(Z, dtype=np.float64)
    sq = np.einsum("ij,ij->i", Z, Z)
    D2 = sq[:, None] + sq[None, :] - 2.0 * (Z @ Z.T)
    np.maximum(D2, 0.0, out=D2)
    np.fill_diagonal(D2, 0.0)
    D = np.sqrt(D2, out=D2)
    return (D + D.T) / 2.0  # exactly symmetric


def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (same value as scikit-learn's, without its input
    checks, which cost more than the index itself in the resampling loop).

    >>> adjusted_rand(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    >>> round(adjusted_rand(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])), 3)
    -0.5
    """
    _, ai = np.unique(np.asarray(a), return_inverse=True)
    _, bi = np.unique(np.asarray(b), return_inverse=True)
    n = ai.shape[0]
    cont = np.bincount(ai * (int(bi.max()) + 1) + bi).astype(np.int64)
    rows = np.bincount(ai).astype(np.int64)
    cols = np.bincount(bi).astype(np.int64)
    pairs = float((cont * (cont - 1)).sum() // 2)
    sa = float((rows * (rows - 1)).sum() // 2)
    sb = float((cols * (cols - 1)).sum() // 2)
    total = n * (n - 1) / 2
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    if top == expected:  # one cluster on both sides, or every unit its own
        return 1.0
    return float((pairs - expected) / (top - expected))


def default_folds(n: int) -> int:
    """Folds for the resampling stability: 10 below 1,000 units, 5 up to the exact-Ward limit,
    3 above it (each fold then still leaves out thousands of units, and every rebuild of a
    Ward-on-kNN tree costs tens of seconds).

    >>> [default_folds(n) for n in (500, 5000, 30000)]
    [10, 5, 3]
    """
    if n < 1000:
        return 10
    return 5 if n <= EXACT_WARD_MAX else 3


def default_repeats(n: int) -> int:
    """Partitions into folds averaged for the resampling stability: 4 below 1,000 units, 2 up
    to 3,000, then 1 (each partition costs ``n_folds`` rebuilds of the hierarchy).

    One partition's stability moves by about 0.02-0.05 with the luck of the split, as much as
    the candidate sizes differ on report-sized corpora; averaging partitions makes the choice
    less a matter of which units happened to be left out together.

    >>> [default_repeats(n) for n in (30, 764, 2500, 30000)]
    [4, 4, 2, 1]
    """
    if n < 1000:
        return 4
    return 2 if n <= 3000 else 1


def fold_ids(
    X: np.ndarray | None, n_folds: int, keys: Sequence[str] | None = None, repeat: int = 0
) -> np.ndarray:
    """Fold of each row for partition number ``repeat``: no seed, no dependence on row order.

    With ``keys`` (the units' texts, as :func:`wildproblems.map` passes them) the fold is a
    CRC32 of the key: exact, so the same texts fall in the same folds on any machine, whatever
    tiny floating-point differences their embeddings have there, and adding units does not move
    the others. Identical texts share a fold. Without keys, rows are ranked along a fixed
    direction (ties broken by the values) and dealt out in turn, which a perturbation of the
    values in the 7th decimal rarely changes.

    >>> f = fold_ids(None, 3, keys=["a", "b", "c", "a"])
    >>> bool(f[0] == f[3]), f.tolist() == fold_ids(None, 3, keys=["a", "b", "c", "a"]).tolist()
    (True, True)
    >>> fold_ids(np.eye(4), 2).tolist() == fold_ids(np.eye(4)[::-1], 2).tolist()[::-1]
    True
    """
    if keys is not None:
        return np.array(
            [zlib.crc32(f"{repeat}\x1f{k}".encode()) % n_folds for k in keys], dtype=int
        )
    X = np.asarray(X, dtype=np.float64)
    direction = np.random.default_rng(repeat).standard_normal(X.shape[1])
    order = np.lexsort((*X.T[::-1], X @ direction))
    folds = np.empty(X.shape[0], dtype=int)
    folds[order] = np.arange(X.shape[0]) % n_folds
    return folds


def resampling_stability(
    X: np.ndarray,
    labels_by_size: dict[int, np.ndarray],
    n_folds: int | None = None,
    selection: str = "eom",
    progress: bool = False,
    square: np.ndarray | None = None,
    keys: Sequence[str] | None = None,
    repeats: int | None = None,
) -> dict[int, float]:
    """How well the ward clusters survive leaving out data: mean ARI per ``min_cluster_size``.

    ``square`` may pass :func:`euclidean_square` of ``clustering_space(X)`` when the caller has
    it already (it is computed here otherwise). ``keys`` (one string per row, e.g. the texts)
    fix the folds exactly (:func:`fold_ids`).

    For each of ``repeats`` partitions (:func:`default_repeats`) into ``n_folds`` folds the
    hierarchy is rebuilt without each fold and cut with the same size; its clusters are compared
    with ``labels_by_size[size]`` on the units kept (unclustered units count as one more label).
    The score is the mean over all partitions and folds.

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.3, size=(20, 8)) for c in np.eye(8)[:3] * 3])
    >>> resampling_stability(X, {7: np.repeat([0, 1, 2], 20)})
    {7: 1.0}
    """
    from scipy.spatial.distance import squareform

    n_folds = n_folds or default_folds(X.shape[0])
    repeats = repeats or default_repeats(X.shape[0])
    if keys is not None and len(keys) != X.shape[0]:
        raise ValueError(f"keys has {len(keys)} entries for {X.shape[0]} rows")
    scores: dict[int, list[float]] = {mcs: [] for mcs in labels_by_size}
    # Up to REUSE_DISTANCES_MAX units the distances of the whole set are computed once and each
    # fold's hierarchy is built from its part of them (the space is centred on all units rather
    # than on the fold's, which moves the centre by ~1/n_folds of the spread); above it each
    # fold is embedded and linked on its own.
    if X.shape[0] > REUSE_DISTANCES_MAX:
        square = None
    elif square is None:
        square = euclidean_square(clustering_space(X))
    from tqdm.auto import tqdm

    bar = tqdm(
        total=n_folds * repeats, desc="choosing cluster size", disable=not progress, leave=False
    )
    for r, f in itertools.product(range(repeats), range(n_folds)):
        if f == 0:
            folds = fold_ids(X, n_folds, keys=keys, repeat=r)
        bar.update(1)
        keep = folds != f
        if keep.sum() < 4 or keep.all():
            continue
        if square is not None:
            idx = np.flatnonzero(keep)
            part = squareform(square[np.ix_(idx, idx)], checks=False)
            sub = ward_tree(X[keep], distances=part)
        else:
            sub = ward_tree(clustering_space(X[keep]))
        for mcs, full in labels_by_size.items():
            sub_labels, _ = tree_labels(sub, mcs, selection)
            scores[mcs].append(adjusted_rand(full[keep], sub_labels))
    bar.close()
    return {mcs: round(float(np.mean(v)), 4) if v else 0.0 for mcs, v in scores.items()}


class Clusterer:
    """Clusters with automatic ``min_cluster_size``; scikit-learn style.

    After :meth:`fit`: ``labels_`` (-1 = not clustered), ``probabilities_`` (membership strength),
    ``min_cluster_size_``, ``min_samples_`` (hdbscan only, else ``None``), ``n_clusters_``,
    ``stability_`` (ward: resampling stability of the chosen size), ``validity_`` (hdbscan: its
    relative validity), ``candidates_`` (one dict per size tried) and ``selection_`` (why).

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.3, size=(20, 8)) for c in np.eye(8)[:3] * 3])
    >>> cl = Clusterer().fit(X)
    >>> cl.n_clusters_, cl.min_cluster_size_
    (3, 7)
    >>> flat = np.vstack([rng.normal(c, 0.1, size=(20, 2)) for c in (0, 3, 6)])
    >>> Clusterer(method="hdbscan").fit(flat).n_clusters_
    3

    The ward method works on directions (it centres and re-normalises, like cosine), so give it
    embeddings, not plain 2-d coordinates. On the hierarchy, a small ``min_cluster_size`` can split
    a tight group into parts; the resampling choice prefers sizes whose clusters survive.
    """

    def __init__(
        self,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        method: str = "ward",
        cluster_selection_method: str = "eom",
        n_folds: int | None = None,
        progress: bool = False,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.method = method
        self.cluster_selection_method = cluster_selection_method
        self.n_folds = n_folds
        self.progress = progress

    # ------------------------------------------------------------------ hdbscan
    def _fit_hdbscan(self, X: np.ndarray, mcs: int) -> dict[str, Any]:
        import hdbscan

        ms = self.min_samples if self.min_samples is not None else max(1, min(mcs, 5))
        model = hdbscan.HDBSCAN(
            min_cluster_size=mcs,
            min_samples=ms,
            cluster_selection_method=self.cluster_selection_method,
            gen_min_span_tree=True,
            prediction_data=False,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X)
            labels = model.labels_.astype(int)
            k = int(labels.max()) + 1
            try:
                validity = float(model.relative_validity_) if k >= 2 else 0.0
            except (ValueError, ZeroDivisionError, IndexError):
                validity = 0.0
        if not np.isfinite(validity):
            validity = 0.0
        coverage = float((labels >= 0).mean())
        return {
            "min_cluster_size": mcs,
            "min_samples": ms,
            "n_clusters": k,
            "unclustered_share": round(1 - coverage, 4),
            "validity": round(validity, 4),
            "score": round(max(validity, 0.0) * coverage, 4),
            "_labels": labels,
            "_prob": model.probabilities_.astype(np.float32),
        }

    # ------------------------------------------------------------------ ward
    def _ward_runs(
        self, X: np.ndarray, sizes: list[int], keys: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        from scipy.spatial.distance import squareform

        Z = clustering_space(X)
        square = euclidean_square(Z) if Z.shape[0] <= EXACT_WARD_MAX else None
        tree = ward_tree(
            Z, distances=squareform(square, checks=False) if square is not None else None
        )
        runs = []
        for mcs in sizes:
            labels, prob = tree_labels(tree, mcs, self.cluster_selection_method)
            runs.append(
                {
                    "min_cluster_size": mcs,
                    "min_samples": None,
                    "n_clusters": int(labels.max()) + 1,
                    "unclustered_share": round(float((labels < 0).mean()), 4),
                    "_labels": labels,
                    "_prob": prob,
                }
            )
        if len(sizes) > 1:
            scores = resampling_stability(
                X,
                {r["min_cluster_size"]: r["_labels"] for r in runs},
                n_folds=self.n_folds,
                progress=self.progress,
                selection=self.cluster_selection_method,
                square=square,
                keys=keys,
            )
            for r in runs:
                r["stability"] = scores[r["min_cluster_size"]]
                r["score"] = r["stability"]
        return runs

    def fit(
        self, X: np.ndarray, y: None = None, fold_keys: Sequence[str] | None = None
    ) -> Clusterer:
        """Cluster the rows of ``X`` (embeddings for ward; any space for hdbscan).

        ``fold_keys`` (ward): one string per row, usually the texts, that decide the resampling
        folds exactly (see :func:`fold_ids`); :func:`wildproblems.map` passes the unit texts so
        the chosen size does not hang on floating-point noise in the embeddings.
        """
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        if n < 3:
            raise ValueError(f"need at least 3 rows to cluster, got {n}")
        self.adjusted_ = None
        if self.min_cluster_size:
            if self.min_cluster_size < 2:
                raise ValueError(
                    f"min_cluster_size must be at least 2, got {self.min_cluster_size}"
                )
            sizes = [self.min_cluster_size]
            if self.min_cluster_size > max(2, n // 2):
                # a cluster must leave room for a second one; said in the log and the provenance
                sizes = [max(2, n // 2)]
                self.adjusted_ = (
                    f"min_cluster_size={self.min_cluster_size} is more than half of the {n} units: "
                    f"{sizes[0]} used"
                )
                log.warning(self.adjusted_)
        else:
            sizes = list(dict.fromkeys(min(s, max(2, n // 2)) for s in candidate_sizes(n)))
        if self.method == "ward":
            runs = self._ward_runs(X, sizes, fold_keys)
        else:
            runs = [self._fit_hdbscan(X, s) for s in sizes]
        multi = [r for r in runs if r["n_clusters"] >= 2]
        pool = multi or runs
        best = max(pool, key=lambda r: (r.get("score", 0.0), -r["min_cluster_size"]))
        self.labels_ = _relabel_by_size(best["_labels"])
        self.probabilities_ = np.where(self.labels_ >= 0, best["_prob"], 0.0).astype(np.float32)
        self.min_cluster_size_ = best["min_cluster_size"]
        self.min_samples_ = best["min_samples"]
        self.validity_ = best.get("validity")
        self.stability_ = best.get("stability")
        self.n_clusters_ = best["n_clusters"]
        self.candidates_ = [{k: v for k, v in r.items() if not k.startswith("_")} for r in runs]
        tried = [r["min_cluster_size"] for r in runs]
        if self.min_cluster_size:
            self.selection_ = "given" if self.adjusted_ is None else f"given; {self.adjusted_}"
        elif self.method == "ward":
            folds_by = "the units' texts" if fold_keys is not None else "the vectors"
            self.selection_ = (
                f"most stable under resampling: mean ARI over {default_repeats(n)} x "
                f"{self.n_folds or default_folds(n)} folds (by {folds_by}) for "
                f"min_cluster_size in {tried}"
            )
        else:
            self.selection_ = (
                f"max relative validity x clustered share over min_cluster_size in {tried}"
            )
        log.info(
            "%s: %d clusters, %.0f%% unclustered (min_cluster_size=%d)",
            self.method,
            self.n_clusters_,
            100 * float((self.labels_ < 0).mean()),
            self.min_cluster_size_,
        )
        return self

    def fit_predict(
        self, X: np.ndarray, y: None = None, fold_keys: Sequence[str] | None = None
    ) -> np.ndarray:
        """Fit and return ``labels_``."""
        return self.fit(X, fold_keys=fold_keys).labels_


def assign_to_nearest(
    X: np.ndarray, labels: np.ndarray, k: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Give every unclustered row (-1) the majority cluster of its ``k`` nearest clustered rows.

    Returns ``(new_labels, assigned_mask)``; rows that were clustered keep their label.

    >>> X = np.array([[0.0], [0.1], [5.0], [5.1], [0.2]])
    >>> assign_to_nearest(X, np.array([0, 0, 1, 1, -1]), k=2)[0].tolist()
    [0, 0, 1, 1, 0]
    """
    labels = np.asarray(labels).copy()
    noise = np.where(labels < 0)[0]
    clustered = np.where(labels >= 0)[0]
    mask = np.zeros(len(labels), dtype=bool)
    if len(noise) == 0 or len(clustered) == 0:
        return labels, mask
    from sklearn.neighbors import NearestNeighbors

    kk = min(k, len(clustered))
    nn = NearestNeighbors(n_neighbors=kk).fit(X[clustered])
    dist, idx = nn.kneighbors(X[noise])
    for row, drow, irow in zip(noise, dist, idx):
        votes: dict[int, float] = {}
        for dj, j in zip(drow, irow):
            lab = int(labels[clustered[j]])
            votes[lab] = votes.get(lab, 0.0) + 1.0 / (1e-9 + float(dj))
        labels[row] = max(sorted(votes), key=lambda c: votes[c])
        mask[row] = True
    return labels, mask


def cluster_embeddings(
    X: np.ndarray,
    *,
    method: str = "ward",
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    n_components: int = 5,
    n_neighbors: int | None = None,
    random_state: int = 0,
    progress: bool = False,
    fold_keys: Sequence[str] | None = None,
) -> tuple[Clusterer, np.ndarray, dict[str, Any]]:
    """Cluster one kind's embeddings the way :func:`wildproblems.map` does.

    Returns ``(clusterer, space, chosen)``: the fitted :class:`Clusterer`, the space it clustered
    (the embeddings, or their UMAP), and the provenance record of the values used and why.

    ``method="ward"`` clusters the embeddings themselves (``random_state`` plays no part);
    ``method="hdbscan"`` first reduces them with UMAP to ``n_components`` dimensions. ``chosen`` is
    the provenance record: the values used and why.

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.1, size=(15, 8)) for c in np.eye(8)[:3] * 3])
    >>> cl, _, chosen = cluster_embeddings(X)
    >>> cl.n_clusters_, chosen["method"]
    (3, 'ward')
    """
    space = X
    chosen: dict[str, Any] = {"method": method}
    if method == "hdbscan":
        from .layout import Reducer

        red = Reducer(
            n_components=n_components,
            n_neighbors=n_neighbors,
            min_dist=0.0,
            random_state=random_state,
        )
        space = red.fit_transform(X)
        chosen["cluster_space"] = f"UMAP {n_components}-d, n_neighbors={red.n_neighbors_}"
    else:
        chosen["cluster_space"] = "centred, re-normalised embeddings; Ward hierarchy"
    cl = Clusterer(
        min_cluster_size=min_cluster_size, min_samples=min_samples, method=method, progress=progress
    )
    cl.fit(space, fold_keys=fold_keys if method == "ward" else None)
    chosen.update(
        {
            "min_cluster_size": cl.min_cluster_size_,
            "min_samples": cl.min_samples_,
            "n_clusters": cl.n_clusters_,
            "stability": cl.stability_,
            "validity": cl.validity_,
            "selection": cl.selection_,
            "candidates": cl.candidates_,
        }
    )
    return cl, space, chosen


class ClusterStage:
    """The configured clustering stage of a map: one kind's embeddings in, clusters out.

    Built from a :class:`~wildproblems.config.MapConfig` by :func:`wildproblems.stages.build_stages`
    and used by :func:`wildproblems.map`, :func:`wildproblems.quality.quality` and the waves, so
    every caller clusters the same way. :meth:`fit` returns ``(labels, probabilities, assigned,
    chosen)``; :meth:`describe` says what runs.

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.1, size=(15, 8)) for c in np.eye(8)[:3] * 3])
    >>> labels, prob, assigned, chosen = ClusterStage().fit(X)
    >>> int(labels.max()) + 1, chosen["method"]
    (3, 'ward')
    """

    def __init__(
        self,
        method: str = "ward",
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        n_components: int = 5,
        n_neighbors: int | None = None,
        random_state: int = 0,
        assign_outliers: bool = False,
        progress: bool = False,
    ) -> None:
        self.method = method
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.random_state = random_state
        self.assign_outliers = assign_outliers
        self.progress = progress

    def fit(
        self,
        X: np.ndarray,
        fold_keys: Sequence[str] | None = None,
        min_cluster_size: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Cluster the rows of ``X``; ``min_cluster_size`` overrides the stage's own (a size
        already chosen, e.g. when :func:`~wildproblems.quality.quality` re-clusters a map)."""
        cl, space, chosen = cluster_embeddings(
            X,
            method=self.method,
            min_cluster_size=min_cluster_size or self.min_cluster_size,
            min_samples=self.min_samples,
            n_components=self.n_components,
            n_neighbors=self.n_neighbors,
            random_state=self.random_state,
            progress=self.progress,
            fold_keys=fold_keys,
        )
        labels = cl.labels_
        assigned = np.zeros(len(labels), dtype=bool)
        if self.assign_outliers:
            labels, assigned = assign_to_nearest(space, labels)
        chosen["assign_outliers"] = self.assign_outliers
        return labels, cl.probabilities_, assigned, chosen

    def describe(self) -> dict[str, Any]:
        """What the stage does, for provenance and the report's method text."""
        return {
            "method": self.method,
            "min_cluster_size": self.min_cluster_size,
            "min_samples": self.min_samples if self.method == "hdbscan" else None,
            "n_components": self.n_components if self.method == "hdbscan" else None,
            "assign_outliers": self.assign_outliers,
        }


# ------------------------------------------------------------------------------------------------
# two levels: themes and codes, nested cuts of one Ward tree
# ------------------------------------------------------------------------------------------------

#: codes: about ``n ** CODE_EXPONENT`` clusters for ``n`` units (the grain a researcher codes at)
CODE_EXPONENT = 0.6
#: themes: about ``sqrt(code target)`` clusters, kept within THEME_RANGE (an overview) and at
#: most half the code target (at least 2)
THEME_RANGE = (5, 15)
#: each level's cut is searched among ``target / LEVEL_BAND .. target * LEVEL_BAND`` clusters
LEVEL_BAND = 4 / 3


def level_targets(n: int) -> tuple[float, float]:
    """``(code_target, theme_target)``: the number of clusters each level aims at for ``n`` units.

    Codes: ``n ** 0.6`` (at most ``n / 2``); themes: the square root of that (a theme holds
    about as many codes as there are themes), within 5..15 for an overview, but at most half the
    codes (and at least 2), so that small corpora still get themes that group codes.

    >>> [tuple(round(t, 1) for t in level_targets(n)) for n in (30, 100, 750, 1700)]
    [(7.7, 3.8), (15.8, 5.0), (53.1, 7.3), (86.7, 9.3)]
    """
    code = min(max(2.0, n**CODE_EXPONENT), max(2.0, n / 2))
    theme = max(2.0, min(max(float(THEME_RANGE[0]), code**0.5), float(THEME_RANGE[1]), code / 2))
    return code, theme


def cut_tree_k(tree: np.ndarray, k: int) -> np.ndarray:
    """Labels of the horizontal cut of a linkage ``tree`` into ``k`` clusters: the first
    ``n - k`` merges are made, the rest undone (0..k-1, numbered by first unit).

    Cuts into fewer clusters only ever merge clusters of a finer cut, so two cuts of one tree
    nest.

    >>> t = np.array([[0, 1, 0.1, 2], [2, 3, 0.2, 2], [4, 5, 1.0, 4]])
    >>> cut_tree_k(t, 2).tolist(), cut_tree_k(t, 4).tolist()
    ([0, 0, 1, 1], [0, 1, 2, 3])
    """
    n = tree.shape[0] + 1
    if not 1 <= k <= n:
        raise ValueError(f"cannot cut {n} units into {k} clusters")
    parent = list(range(2 * n - 1))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step in range(n - k):
        a, b = int(tree[step, 0]), int(tree[step, 1])
        parent[find(a)] = n + step
        parent[find(b)] = n + step
    roots = [find(i) for i in range(n)]
    ids: dict[int, int] = {}
    return np.array([ids.setdefault(r, len(ids)) for r in roots], dtype=int)


def _level_candidates(heights: np.ndarray, target: float, hi_cap: int) -> list[dict[str, Any]]:
    """Every cut in the band around ``target`` with its merge-height gap."""
    n = heights.shape[0] + 1
    lo = max(2, int(np.ceil(target / LEVEL_BAND)))
    hi = min(hi_cap, n - 1, int(np.floor(target * LEVEL_BAND)))
    lo = min(lo, hi)
    out = []
    for k in range(lo, hi + 1):
        kept, undone = heights[n - k - 1], heights[n - k]  # last merge made, first merge undone
        gap = float(undone / kept) if kept > 0 else float("inf")
        out.append({"k": k, "height": round(float(kept), 6), "gap": round(gap, 6)})
    return out


def _pick(cands: list[dict[str, Any]], target: float) -> dict[str, Any]:
    """The candidate with the largest gap; ties go to the cut closest to ``target``."""
    return max(cands, key=lambda c: (c["gap"], -abs(np.log(c["k"] / target)), -c["k"]))


def cluster_levels(
    X: np.ndarray, tree: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Two nested levels of clusters from the Ward tree: *themes* (an overview) and *codes*
    (the grain a researcher codes at); ``(theme, code, record)``.

    The rule (label-free, seed-free, the same for every corpus):

    1. Build the Ward tree of ``clustering_space(X)`` (or take ``tree``, a SciPy linkage).
    2. Codes: among the horizontal cuts into ``T / 4/3 .. T * 4/3`` clusters, with
       ``T = n ** 0.6`` (:func:`level_targets`), take the cut that sits in the widest gap of the
       tree, i.e. with the largest ratio between the height of the first merge it undoes and the
       last merge it makes (clusters that are far apart relative to how tight they are).
    3. Themes: the same, around ``sqrt(T)`` (within 2..15) and never more than the codes.

    Both levels cut the same tree, so every code lies in exactly one theme. Every unit gets a
    theme and a code (there is no "unclustered" at these levels). Labels are numbered by size
    (largest first): themes 0..t-1, codes 0..c-1 over the whole corpus. ``record`` holds the
    rule, the targets, every candidate cut of both levels (``k``, merge ``height``, ``gap``) and
    the chosen ones, plus ``parent``: the theme of each code.

    >>> rng = np.random.default_rng(0)
    >>> centres = np.eye(12)[:9] * 3
    >>> X = np.vstack([rng.normal(c, 0.2, size=(12, 12)) for c in centres])
    >>> theme, code, rec = cluster_levels(X)
    >>> rec["theme"]["k"] <= rec["code"]["k"], len(set(code.tolist())) == rec["code"]["k"]
    (True, True)
    >>> all(len(set(theme[code == c].tolist())) == 1 for c in set(code.tolist()))
    True
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if n < 3:
        raise ValueError(f"need at least 3 rows for two levels of clusters, got {n}")
    if tree is None:
        tree = ward_tree(clustering_space(X))
    heights = np.maximum.accumulate(np.asarray(tree[:, 2], dtype=np.float64))
    code_target, theme_target = level_targets(n)
    code_cands = _level_candidates(heights, code_target, n - 1)
    code_pick = _pick(code_cands, code_target)
    theme_cands = _level_candidates(heights, theme_target, code_pick["k"])
    theme_pick = _pick(theme_cands, theme_target)
    code = _relabel_by_size(cut_tree_k(tree, code_pick["k"]))
    theme = _relabel_by_size(cut_tree_k(tree, theme_pick["k"]))
    parent = [int(theme[np.argmax(code == c)]) for c in range(code_pick["k"])]
    # codes numbered by theme, then by size within the theme
    order = sorted(range(len(parent)), key=lambda c: (parent[c], c))
    remap = np.empty(len(order), dtype=int)
    remap[order] = np.arange(len(order))
    code = remap[code]
    parent = [parent[c] for c in order]
    record = {
        "rule": (
            "horizontal cuts of one Ward tree; each level takes the cut with the largest "
            "merge-height gap among target/(4/3)..target*(4/3) clusters; codes target "
            f"n**{CODE_EXPONENT}, themes sqrt(code target) within {THEME_RANGE[0]}.."
            f"{THEME_RANGE[1]} and at most half the code target; codes nest in themes"
        ),
        "n_units": n,
        "code": {"target": round(code_target, 2), **code_pick, "candidates": code_cands},
        "theme": {"target": round(theme_target, 2), **theme_pick, "candidates": theme_cands},
        "parent": parent,
    }
    return theme, code, record


#: A cluster whose cohesion (mean silhouette) is below this is marked *diffuse*: its units are
#: hardly closer to each other than to the nearest other cluster. On the bundled corpora it marks
#: 4 of the 13 clusters of ``foertidspension_2012_statements`` (cohesion -0.01 to 0.03 against
#: up to 0.12 for the others).
DIFFUSE_BELOW = 0.03


def cluster_cohesion(X: np.ndarray, labels: np.ndarray) -> dict[int, float]:
    """How distinct each cluster is: the mean silhouette (cosine, on the centred embeddings
    the Ward route clusters, :func:`clustering_space`) of its units, in [-1, 1].

    Only clustered units take part; with a single cluster there is nothing to be distinct from
    and every cluster gets ``nan``.

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.1, size=(10, 8)) for c in np.eye(8)[:2] * 3])
    >>> {c: round(v, 2) for c, v in cluster_cohesion(X, np.repeat([0, 1], 10)).items()}
    {0: 0.99, 1: 0.99}
    """
    labels = np.asarray(labels)
    ok = labels >= 0
    ids = [int(c) for c in np.unique(labels[ok])]
    if len(ids) < 2:
        return {c: float("nan") for c in ids}
    s = cosine_silhouette(clustering_space(np.asarray(X))[ok], labels[ok])
    return {c: float(s[labels[ok] == c].mean()) for c in ids}


def cosine_silhouette(X: np.ndarray, labels: np.ndarray, block: int = 4096) -> np.ndarray:
    """The silhouette of every row of ``X`` under cosine distance, without an n x n matrix.

    The summed cosine distance of unit ``i`` to the units of cluster ``c`` is
    ``|c| - x_i . sum_{j in c} x_j`` (unit vectors), so one pass over the rows against the
    clusters' summed vectors gives what :func:`sklearn.metrics.silhouette_samples` computes from
    all pairs: memory ``n x k`` instead of blocks of ``n x n``, time ``n d k`` instead of
    ``n^2 d``. A zero row is at distance 1 from every unit, as in scikit-learn; a unit alone in
    its cluster scores 0.

    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> cosine_silhouette(X, np.array([0, 0, 1, 1])).round(3).tolist()
    [0.994, 0.993, 0.994, 0.993]
    """
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    ids, lab = np.unique(np.asarray(labels), return_inverse=True)
    k = len(ids)
    size = np.bincount(lab, minlength=k).astype(np.float64)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, lab, X)
    out = np.zeros(len(X))
    for start in range(0, len(X), block):
        xb, lb = X[start : start + block], lab[start : start + block]
        dist = size[None, :] - xb @ sums.T  # summed distance to every cluster
        rows = np.arange(len(xb))
        own = size[lb]
        self_d = 1.0 - np.einsum("ij,ij->i", xb, xb)  # the unit's distance to itself
        a = (dist[rows, lb] - self_d) / np.maximum(own - 1, 1)
        mean = dist / size[None, :]
        mean[rows, lb] = np.inf
        b = mean.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = (b - a) / np.maximum(a, b)
        out[start : start + block] = np.where(own > 1, np.nan_to_num(s), 0.0)
    return out
