"""Layout: UMAP from embedding space to the 2-d map (and to a low-dimensional clustering space for
the ``hdbscan`` route).

:class:`Layout` is the configured stage the pipeline uses for the map; :class:`Reducer` is the
UMAP estimator underneath. :class:`Reducer` follows scikit-learn's estimator contract: parameters are stored untouched in
``__init__``, work happens in :meth:`Reducer.fit_transform`, and ``random_state`` makes the result
reproducible (UMAP then runs single-threaded, which is what makes it deterministic).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

log = logging.getLogger(__name__)

#: Fewest units per kind that UMAP + HDBSCAN can make sense of.
MIN_UNITS = 10


def auto_n_neighbors(n: int) -> int:
    """UMAP neighbourhood size that grows with the corpus: ~sqrt(n), between 4 and 15.

    >>> [auto_n_neighbors(n) for n in (12, 30, 100, 2500, 30000)]
    [4, 5, 10, 15, 15]
    """
    return int(min(max(round(np.sqrt(n)), 4), 15, n - 1))


#: Up to this many units the cosine neighbours are found exactly with blocked matrix products;
#: above it UMAP's own approximate search (NN-descent, seeded) is used.
EXACT_KNN_MAX = 8_000


def exact_cosine_knn(X: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of each row by cosine distance, the row itself first.

    Returns ``(indices, distances)`` as UMAP's ``precomputed_knn`` expects. Ties are broken by
    row index, so the result does not depend on the order of the partial sort.

    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> exact_cosine_knn(X, 2)[0].tolist()
    [[0, 1], [1, 0], [2, 1]]
    """
    from .embed import l2_normalise

    Xn = l2_normalise(np.asarray(X, dtype=np.float64))
    n = Xn.shape[0]
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    cols = np.arange(n)
    for start in range(0, n, block):
        D = 1.0 - Xn[start : start + block] @ Xn.T
        rows = np.arange(D.shape[0])
        D[rows, start + rows] = -1.0  # the row itself comes first
        part = np.argpartition(D, k - 1, axis=1)[:, :k]
        d = np.take_along_axis(D, part, axis=1)
        order = np.lexsort((cols[part], d), axis=1)
        idx[start : start + D.shape[0]] = np.take_along_axis(part, order, axis=1)
        dist[start : start + D.shape[0]] = np.clip(np.take_along_axis(d, order, axis=1), 0, None)
    return idx, dist


_NUMBA_CACHE_ON = False


def enable_umap_numba_cache() -> int:
    """Let numba keep UMAP's compiled kernels on disk between processes.

    Several of UMAP's numba functions (e.g. ``smooth_knn_dist``, ``compute_membership_strengths``,
    compiled with ``parallel=True``) are declared without ``cache=True``, so every new Python
    process compiles them again: 5-9 s of a cold ``map()`` on a 2-core machine. Turning numba's own
    caching on for those dispatchers (``Dispatcher.enable_caching``) makes the second and later
    processes load them from disk (``__pycache__`` beside UMAP, or numba's user-wide cache when
    that is not writable). Results are unchanged: the same functions run. Returns how many
    dispatchers were switched; safe to call repeatedly; failures are logged and ignored.
    """
    global _NUMBA_CACHE_ON
    if _NUMBA_CACHE_ON:
        return 0
    _NUMBA_CACHE_ON = True
    switched = 0
    try:
        import umap.layouts
        import umap.umap_
        from numba.core.registry import CPUDispatcher

        for module in (umap.umap_, umap.layouts):
            for fn in vars(module).values():
                if isinstance(fn, CPUDispatcher) and type(fn._cache).__name__ == "NullCache":
                    fn.enable_caching()
                    switched += 1
    except Exception as exc:  # noqa: BLE001 - an optimisation only
        log.debug("could not enable numba caching for UMAP (%s)", exc)
    return switched


class Reducer:
    """UMAP with defaults that work from a few dozen to tens of thousands of texts.

    Parameters
    ----------
    n_components:
        Output dimension (5 for clustering, 2 for the map).
    n_neighbors:
        UMAP's neighbourhood size; ``None`` picks :func:`auto_n_neighbors`.
    min_dist:
        0.0 packs clusters tightly (for clustering); 0.1 spreads the map for reading.
    random_state:
        Seed; the same seed gives the same coordinates.

    >>> X = np.random.default_rng(0).normal(size=(40, 16)).astype("float32")
    >>> Reducer(n_components=2, random_state=0).fit_transform(X).shape
    (40, 2)
    """

    def __init__(
        self,
        n_components: int = 5,
        n_neighbors: int | None = None,
        min_dist: float = 0.0,
        metric: str = "cosine",
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state

    def fit_transform(
        self, X: np.ndarray, y: np.ndarray | None = None, target_weight: float = 0.5
    ) -> np.ndarray:
        """Fit UMAP on ``X`` (rows = units) and return the embedding.

        ``y`` (optional) are integer labels, ``-1`` = unlabelled: UMAP then runs supervised
        (categorical target metric) and ``target_weight`` in [0, 1] sets how much the labels
        pull (0 = only the data's own neighbourhoods, 1 = only the labels).
        """
        X = np.asarray(X, dtype=np.float32)
        n = X.shape[0]
        if n < MIN_UNITS:
            raise ValueError(f"need at least {MIN_UNITS} units to reduce, got {n}")
        if not np.isfinite(X).all():
            bad = np.where(~np.isfinite(X).all(axis=1))[0]
            raise ValueError(f"embeddings contain NaN or inf in rows {bad[:5].tolist()}")
        self.n_neighbors_ = self.n_neighbors or auto_n_neighbors(n)
        self.n_neighbors_ = int(min(self.n_neighbors_, n - 1))
        import umap

        enable_umap_numba_cache()
        init = "spectral" if n > 3 * (self.n_components + 1) else "random"
        # UMAP's exact neighbour search for small data calls a Python distance function n**2
        # times (seconds for a few thousand texts); the blocked exact search here gives the same
        # neighbours in a fraction of the time.
        knn = None
        if self.metric == "cosine" and n <= EXACT_KNN_MAX:
            knn_idx, knn_dist = exact_cosine_knn(X, self.n_neighbors_)
            knn = (knn_idx, knn_dist, None)
        model = umap.UMAP(
            n_components=self.n_components,
            n_neighbors=self.n_neighbors_,
            min_dist=self.min_dist,
            metric=self.metric,
            init=init,
            random_state=self.random_state,
            n_jobs=1,
            low_memory=True,
            precomputed_knn=knn if knn is not None else (None, None, None),
            n_epochs=None if n < 1000 else 200,
            target_metric="categorical",
            target_weight=float(target_weight),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            emb = model.fit_transform(X, y=None if y is None else np.asarray(y, dtype=int))
        if not np.isfinite(emb).all():
            raise RuntimeError("UMAP produced non-finite coordinates; try another random_state")
        self.embedding_ = np.asarray(emb, dtype=np.float32)
        return self.embedding_


#: How strongly the clusters pull the map together (UMAP's ``target_weight``): 0 would draw the
#: embedding space alone, 1 the cluster labels alone. At 0.5 (UMAP's own default for supervised
#: maps) 0.93-1.00 of a unit's 10 nearest map neighbours share its cluster on the bundled
#: corpora against 0.38-0.66 unsupervised, and the within-cluster trustworthiness rises
#: (``benchmarks/layout.py``); 0.8 and 0.95 gave no more separation and less local structure.
TARGET_WEIGHT = 0.5


class Layout:
    """The map stage: a 2-d UMAP of one kind's embeddings (cosine, ``min_dist`` 0.1), supervised
    by the kind's clusters so that each cluster reads as a region of the map.

    Given ``labels`` (cluster ids, ``-1`` = unclustered), UMAP runs with the labels as a
    categorical target at ``target_weight`` (:data:`TARGET_WEIGHT`): units of one cluster are
    drawn together, while *within* a cluster positions still follow cosine similarity, and
    unclustered units are placed by similarity alone. Without labels it is a plain UMAP.
    ``n_neighbors=None`` grows the neighbourhood with the corpus (:func:`auto_n_neighbors`);
    ``random_state`` moves only the map, never the clusters. :meth:`describe` says what ran.

    >>> X = np.random.default_rng(0).normal(size=(40, 16)).astype("float32")
    >>> lay = Layout(random_state=0)
    >>> lay.fit_transform(X, np.repeat([0, 1, -1, 1], 10)).shape, lay.describe()["method"]
    ((40, 2), 'umap')
    >>> lay.describe()["supervised"], lay.describe()["target_weight"]
    ('clusters', 0.5)
    """

    def __init__(
        self,
        n_neighbors: int | None = None,
        min_dist: float = 0.1,
        random_state: int = 0,
        target_weight: float = TARGET_WEIGHT,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.random_state = random_state
        self.target_weight = target_weight

    def fit_transform(self, X: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """2-d coordinates of the rows of ``X``; ``labels`` (cluster ids, ``-1`` = none) make
        the clusters regions of the map."""
        if labels is not None:
            labels = np.asarray(labels, dtype=int)
            if labels.shape != (len(X),):
                raise ValueError(f"labels has shape {labels.shape}, expected ({len(X)},)")
            if not (labels >= 0).any():
                labels = None  # nothing clustered: a plain map
        self.supervised_ = labels is not None
        self.reducer_ = Reducer(
            n_components=2,
            n_neighbors=self.n_neighbors,
            min_dist=self.min_dist,
            random_state=self.random_state,
        )
        out = self.reducer_.fit_transform(X, labels, target_weight=self.target_weight)
        self.n_neighbors_ = self.reducer_.n_neighbors_
        return out

    def describe(self) -> dict[str, object]:
        """What the stage does, for provenance and the report's method text."""
        return {
            "method": "umap",
            "n_components": 2,
            "n_neighbors": self.n_neighbors,
            "min_dist": self.min_dist,
            "metric": "cosine",
            "random_state": self.random_state,
            "supervised": "clusters",
            "target_weight": self.target_weight,
        }


def neighbour_share(xy: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Mean share of each clustered unit's ``k`` nearest map neighbours that are in its cluster.

    How well the clusters read as regions of the map (chance is about one over the number of
    clusters). Unclustered units (``-1``) count as neighbours but are not scored.

    >>> xy = np.array([[0, 0], [0, 1], [5, 5], [5, 6]], dtype=float)
    >>> neighbour_share(xy, np.array([0, 0, 1, 1]), k=1)
    1.0
    """
    xy = np.asarray(xy, dtype=np.float64)
    labels = np.asarray(labels)
    n = len(labels)
    k = min(k, n - 1)
    scored = np.where(labels >= 0)[0]
    if k < 1 or len(scored) == 0:
        return float("nan")
    d = ((xy[scored, None, :] - xy[None, :, :]) ** 2).sum(-1)
    d[np.arange(len(scored)), scored] = np.inf
    nn = np.argsort(d, axis=1, kind="stable")[:, :k]
    return float((labels[nn] == labels[scored, None]).mean())


def attainable_neighbour_share(labels: np.ndarray, k: int = 10) -> float:
    """The highest :func:`neighbour_share` any map could reach: a unit of a cluster of ``s``
    units can have at most ``s - 1`` of its ``k`` neighbours in it (small corpora stay below 1).

    >>> attainable_neighbour_share(np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]), k=5)
    0.85
    """
    labels = np.asarray(labels)
    k = min(k, len(labels) - 1)
    scored = labels[labels >= 0]
    if k < 1 or len(scored) == 0:
        return float("nan")
    sizes = {c: int((labels == c).sum()) for c in np.unique(scored)}
    return float(np.mean([min(k, sizes[c] - 1) / k for c in scored]))


def within_cluster_trustworthiness(
    X: np.ndarray, xy: np.ndarray, labels: np.ndarray, k: int = 5
) -> float:
    """Size-weighted mean over clusters of scikit-learn's trustworthiness of the 2-d map on the
    cluster's own units (cosine in the embedding space against euclidean on the map).

    1.0 means that within every cluster the map's near neighbours are near in the embedding space
    too (the local structure is kept); about 0.5 is a random arrangement. A cluster of fewer than
    ``2 * k + 1`` units is scored with ``(size - 1) // 2`` neighbours; clusters under 3 units are
    skipped (``nan`` when none is left).
    """
    from sklearn.manifold import trustworthiness

    X = np.asarray(X, dtype=np.float64)
    xy = np.asarray(xy, dtype=np.float64)
    labels = np.asarray(labels)
    total, weight = 0.0, 0
    for c in np.unique(labels[labels >= 0]):
        idx = np.where(labels == c)[0]
        kc = min(k, (len(idx) - 1) // 2)
        if kc < 1:
            continue
        total += len(idx) * trustworthiness(X[idx], xy[idx], n_neighbors=kc, metric="cosine")
        weight += len(idx)
    return total / weight if weight else float("nan")
