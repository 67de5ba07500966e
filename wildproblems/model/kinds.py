"""Kinds: cause / solution / other for units that came without a kind column.

:class:`KindClassifier`: a multinomial logistic regression fitted on the embedded anchor phrases of
the kinds gives log-probabilities; every cue pattern of a kind that matches a unit adds
``cue_weight`` to that kind's log-score (at most ``max_cue_hits`` per kind). The unit gets the kind
with the highest score and ``kind_score`` = its softmax probability; below
``kind_min_probability`` it becomes ``other``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..embed import Embedder, get_embedder
from ..errors import InputError
from ..schema import KINDS as KIND_ORDER
from .anchors import AnchorEmbedder
from .spec import ModelSpec

log = logging.getLogger(__name__)


def cue_hits(texts: Sequence[str], spec: ModelSpec, max_hits: int = 2) -> np.ndarray:
    """Matrix (texts x :data:`KIND_ORDER`) counting matching cue patterns (both languages), capped.

    >>> from wildproblems.model import load_model
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


def anchor_embedder(cfg: Any, embedder: Embedder | str | None) -> AnchorEmbedder:
    """The :class:`AnchorEmbedder` of a map: its anchors are embedded with the map's embedder
    (``embedder`` must be the one that made the units' vectors; a name is resolved with
    :func:`~wildproblems.embed.get_embedder`)."""
    if embedder is None:
        raise InputError(
            f"model={cfg.model!r} with precomputed embeddings needs the embedder that made them "
            "(pass embedder=...): the model's anchor phrases are embedded with it"
        )
    if isinstance(embedder, str):
        embedder = get_embedder(embedder, prefix=cfg.prefix, batch_size=cfg.batch_size)
    return AnchorEmbedder(embedder, cache_dir=cfg.cache_dir, use_cache=cfg.cache)


def classify_kinds(
    units: pd.DataFrame,
    emb: np.ndarray,
    spec: ModelSpec,
    anchors: AnchorEmbedder,
    given: bool,
) -> pd.DataFrame:
    """A copy of ``units`` with ``kind_score`` (probability of the kind; 1.0 when given) and
    ``kind_source`` (``given`` / ``classified``); when no kind column was ``given``, every unit's
    kind is classified from its text and vector ``emb`` with the spec's anchors and cues.
    """
    units = units.copy()
    at = units.columns.get_loc("kind")
    if given:
        units.insert(at + 1, "kind_score", 1.0)
        units.insert(at + 2, "kind_source", "given")
        return units
    pred = KindClassifier(spec).fit(anchors).predict(units["text"].tolist(), emb)
    units["kind"] = pred["kind"].to_numpy()
    units.insert(at + 1, "kind_score", pred["kind_score"].to_numpy())
    units.insert(at + 2, "kind_source", "classified")
    log.info("classified %d units by kind: %s", len(units), units["kind"].value_counts().to_dict())
    return units


#: The classifier's measured accuracy on the 125 statements of ``foertidspension_2012_statements``
#: whose kind the source makes explicit (``benchmarks/kind_classifier.py``, docs/models.md; the
#: majority baseline there is 0.67): what the report quotes when it flags guessed kinds.
MEASURED_ACCURACY = 0.70
