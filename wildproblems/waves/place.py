"""Placement: put units on a frozen map by the inverse-distance vote of their nearest map units.

Each unit is compared (cosine similarity of L2-normalised embeddings) with the map's units of the
same kind:

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
* **x, y**: the same weighted mean of the positions of the voting neighbours in the winning
  cluster (all neighbours for unclustered and new units).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..result import WildMap
from ..schema import kinds_in

log = logging.getLogger(__name__)

#: Defaults of the placement (recorded with every calibration).
N_NEIGHBORS = 5
N_SIMILAR = 5
NOVELTY_QUANTILE = 0.05
#: Most units of a kind whose neighbourhoods :func:`calibrate` measures (evenly spaced through
#: the kind's units; each against all of them). Up to this size every unit is measured; a
#: 100,000-unit map measures 10,000, which puts the 5 % quantile within about 0.2 percentage
#: points (its binomial standard error) and keeps saving such a map to seconds.
CALIBRATION_QUERIES = 10_000
_EPS = 1e-6


# ------------------------------------------------------------------------------- neighbours
#: Most similarity values one block of :func:`_top_k` holds (32 M float32: 128 MB), so finding
#: the neighbours of 100,000 units among 100,000 needs about 0.5 GB, not n x n.
BLOCK_CELLS = 1 << 25


def _top_k(
    Q: np.ndarray,
    R: np.ndarray,
    k: int,
    exclude_self: bool | np.ndarray = False,
    chunk: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest dot products of each row of ``Q`` with the rows of ``R``, best first.

    With ``exclude_self`` a row never finds itself: ``True`` when ``Q`` is ``R``, or the position
    in ``R`` of each row of ``Q``. Ties go to the lower index.
    ``Q`` is processed in blocks of ``chunk`` rows (default: as many as fit in
    :data:`BLOCK_CELLS` similarities); each block finds its ``k``-th largest value by partition
    (linear, not a sort of the whole row) and sorts only the values at or above it.

    >>> R = np.eye(3, dtype="float32")
    >>> _top_k(R, R, 1, exclude_self=True)[1].ravel().tolist()
    [1, 0, 0]
    """
    n, m = Q.shape[0], R.shape[0]
    if not 1 <= k <= m:
        raise ValueError(f"k must be in [1, {m}], got {k}")
    if chunk is None:
        chunk = max(1, min(4096, BLOCK_CELLS // max(1, m)))
    if exclude_self is True:
        exclude_self = np.arange(n)
    sims = np.empty((n, k), dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, chunk):
        block = Q[start : start + chunk] @ R.T
        b = block.shape[0]
        if exclude_self is not False:
            block[np.arange(b), exclude_self[start : start + b]] = -np.inf
        # the k-th largest value of each row; every value at or above it is a candidate
        kth = np.partition(block, m - k, axis=1)[:, m - k]
        r, c = np.nonzero(block >= kth[:, None])
        v = block[r, c]
        # by row, then value (largest first), then column (lowest first: ties)
        order = np.lexsort((c, -v, r))
        r, c, v = r[order], c[order], v[order]
        first = np.searchsorted(r, np.arange(b))
        take = (first[:, None] + np.arange(k)).ravel()
        idx[start : start + b] = c[take].reshape(b, k)
        sims[start : start + b] = v[take].reshape(b, k)
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

    For every unit of a kind (up to :data:`CALIBRATION_QUERIES` evenly spaced units of a larger
    kind), the mean similarity to its ``n_similar`` most similar *other* units is computed; the
    kind's threshold is the ``novelty_quantile`` of those values. A calibration
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
            density = _leave_one_out_density(emb[ref], min(n_similar, len(ref) - 1))
            if len(ref) > CALIBRATION_QUERIES:
                entry["queries"] = CALIBRATION_QUERIES
            entry.update(
                threshold=round(float(np.quantile(density, novelty_quantile)), 6),
                median_similarity=round(float(np.median(density)), 6),
            )
        else:
            entry["threshold"] = None
        kinds[kind] = entry
    return {**settings, "fingerprint": fp, "kinds": kinds}


def _leave_one_out_density(E: np.ndarray, k: int) -> np.ndarray:
    """Mean similarity of units to their ``k`` most similar *other* units of ``E``: of every
    unit, or of :data:`CALIBRATION_QUERIES` evenly spaced ones (each against all of ``E``)."""
    n = E.shape[0]
    if n <= CALIBRATION_QUERIES:
        s, _ = _top_k(E, E, k, exclude_self=True)
        return s.mean(axis=1)
    q = np.unique(np.linspace(0, n - 1, CALIBRATION_QUERIES).round().astype(np.int64))
    s, _ = _top_k(E[q], E, k, exclude_self=q)
    return s.mean(axis=1)


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
