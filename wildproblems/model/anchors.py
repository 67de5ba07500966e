"""Anchors and geometry: a model's anchor phrases embedded with the units' own embedder, and the
measures the model wing computes in that space.

* **Affinity** of a unit to a pathway: cosine to the pathway's anchor centroid (its description and
  anchor phrases), standardised over the units of the pathway kinds (z-score per pathway), so "0.5"
  reads "half a standard deviation closer to this pathway than the average answer". A cluster's
  affinity is the mean of its units'.
* **Membership** (:func:`lean_weights`): a cluster feeds a pathway when its affinity is at least
  ``membership_z`` *and* the pathway takes at least ``membership_share`` of the cluster's positive
  affinity over pathways passing ``membership_z``. A cluster may feed several pathways or none; its
  weights over the fed pathways sum to 1.
* **Axis position** (:func:`axis_positions`): ``cos(u, positive pole) - cos(u, negative pole)``,
  rescaled linearly so the negative pole's anchor centroid sits at -1 and the positive one at +1.
  Real answers fall well inside that range; the scale is fixed by the model, not by the data, so
  spreads are comparable between maps made with the same model and embedder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..embed import Embedder, embed_texts


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
