"""Cluster: HDBSCAN on the reduced space, with the minimum cluster size chosen from the data.

With ``min_cluster_size=None`` a small grid of sizes (growing with the corpus) is fitted and the one
with the best *coverage-weighted validity* is kept: HDBSCAN's relative validity index (a fast DBCV)
times the share of units clustered. No labels are peeked at. Every candidate and the winner are
recorded in ``Clusterer.candidates_`` so the choice can be explained.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

log = logging.getLogger(__name__)


def candidate_sizes(n: int) -> list[int]:
    """Minimum cluster sizes tried for ``n`` units (geometric grid, at least 3 units per cluster).

    >>> candidate_sizes(30)
    [3, 4, 5]
    >>> candidate_sizes(2500)
    [5, 8, 12, 18, 28, 42, 63]
    """
    lo = 3 if n < 200 else 5
    hi = max(lo, min(n // 6, int(round(n**0.55))) if n >= 200 else n // 6)
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


class Clusterer:
    """HDBSCAN with automatic ``min_cluster_size``; scikit-learn style.

    After :meth:`fit`: ``labels_`` (-1 = not clustered), ``probabilities_`` (membership strength),
    ``min_cluster_size_``, ``min_samples_``, ``validity_`` and ``candidates_`` (list of dicts).

    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.1, size=(20, 2)) for c in (0, 3, 6)])
    >>> Clusterer().fit(X).n_clusters_
    3
    """

    def __init__(
        self,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        cluster_selection_method: str = "eom",
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_method = cluster_selection_method

    def _fit_one(self, X: np.ndarray, mcs: int) -> dict:
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

    def fit(self, X: np.ndarray) -> Clusterer:
        """Cluster the rows of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        sizes = [self.min_cluster_size] if self.min_cluster_size else candidate_sizes(n)
        sizes = [min(max(2, s), max(2, n // 2)) for s in sizes]
        runs = [self._fit_one(X, s) for s in dict.fromkeys(sizes)]
        multi = [r for r in runs if r["n_clusters"] >= 2]
        pool = multi or runs
        best = max(pool, key=lambda r: (r["score"], -r["min_cluster_size"]))
        self.labels_ = _relabel_by_size(best["_labels"])
        self.probabilities_ = np.where(self.labels_ >= 0, best["_prob"], 0.0).astype(np.float32)
        self.min_cluster_size_ = best["min_cluster_size"]
        self.min_samples_ = best["min_samples"]
        self.validity_ = best["validity"]
        self.n_clusters_ = best["n_clusters"]
        self.candidates_ = [{k: v for k, v in r.items() if not k.startswith("_")} for r in runs]
        self.selection_ = (
            "given"
            if self.min_cluster_size
            else "max relative validity x clustered share over "
            f"min_cluster_size in {[r['min_cluster_size'] for r in runs]}"
        )
        log.info(
            "HDBSCAN: %d clusters, %.0f%% unclustered (min_cluster_size=%d)",
            self.n_clusters_,
            100 * float((self.labels_ < 0).mean()),
            self.min_cluster_size_,
        )
        return self

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_


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
