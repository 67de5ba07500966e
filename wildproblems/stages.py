"""The one place a :class:`~wildproblems.config.MapConfig` becomes configured stage objects.

:func:`wildproblems.map`, :func:`wildproblems.quality.quality` and the waves all take their
clusterer, layout and labeller from :func:`build_stages`, so a setting means the same in each, and
:meth:`Stages.describe` is what the map's provenance (and so its report) says ran.

>>> from wildproblems.config import MapConfig
>>> st = build_stages(MapConfig(min_cluster_size=5))
>>> st.clusterer.min_cluster_size, st.describe()["cluster"]["method"]
(5, 'ward')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .cluster import DIFFUSE_BELOW, ClusterStage, cluster_cohesion
from .config import MapConfig
from .label import Labeler, labeler_for
from .layout import Layout
from .schema import CLUSTER_COLUMNS, cluster_keys


@dataclass(frozen=True)
class Stages:
    """The configured stages of one map."""

    clusterer: ClusterStage
    layout: Layout
    labeler: Labeler
    segment: bool
    embedder: str
    levels: bool

    def describe(self) -> dict[str, Any]:
        """What each stage does, for provenance (``m.provenance["stages"]``)."""
        return {
            "segment": {"enabled": self.segment},
            "embed": {"embedder": self.embedder},
            "cluster": self.clusterer.describe(),
            "layout": self.layout.describe(),
            "label": self.labeler.describe(),
            "levels": {"enabled": self.levels and self.clusterer.method == "ward"},
        }


def cluster_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All kinds' cluster rows (from :func:`label_rows`) with their keys, in the documented
    column order (:data:`~wildproblems.schema.CLUSTER_COLUMNS`)."""
    clusters = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[c for c in CLUSTER_COLUMNS if c != "cluster_key"])
    )
    clusters["cluster_key"] = cluster_keys(clusters)
    return clusters[list(CLUSTER_COLUMNS)]


def label_rows(
    stages: Stages, kind: str, labels: np.ndarray, sub: pd.DataFrame, X: np.ndarray
) -> pd.DataFrame:
    """The cluster rows of one kind's ``labels`` (``sub`` its units, ``X`` their embeddings):
    headline, keywords, quotes, size, share, respondents, cohesion, diffuse and quote ids. One
    place for the map, its levels and the analyst's edits."""
    cohesion = cluster_cohesion(X, labels)
    lab = stages.labeler.fit_transform(
        sub["text"].astype(str).tolist(), labels, X, sub["respondent"].astype(str).tolist()
    )
    lab.insert(0, "kind", kind)
    lab["size"] = [int((labels == c).sum()) for c in lab["cluster"]]
    lab["share"] = (lab["size"] / len(labels)).round(4)
    lab["respondents"] = [sub["respondent"][labels == c].nunique() for c in lab["cluster"]]
    lab["cohesion"] = [round(cohesion.get(int(c), float("nan")), 4) for c in lab["cluster"]]
    lab["diffuse"] = lab["cohesion"] < DIFFUSE_BELOW
    lab["quote_ids"] = [[sub["unit_id"].iloc[i] for i in qi] for qi in lab["quote_index"]]
    return lab.drop(columns=["quote_index"])


def build_stages(cfg: MapConfig, progress: bool | None = None, embedder: Any = None) -> Stages:
    """The stages ``cfg`` describes (``progress`` overrides the config's progress bars);
    ``embedder`` is the map's own, with which the labeller ranks headline candidates by meaning
    (``None``: lexical ranking only)."""
    return Stages(
        clusterer=ClusterStage(
            method=cfg.cluster_method,
            min_cluster_size=cfg.min_cluster_size,
            min_samples=cfg.min_samples,
            n_components=cfg.n_components,
            n_neighbors=cfg.n_neighbors,
            random_state=cfg.random_state,
            assign_outliers=cfg.assign_outliers,
            progress=cfg.progress if progress is None else progress,
        ),
        layout=Layout(n_neighbors=cfg.n_neighbors, min_dist=0.1, random_state=cfg.random_state),
        labeler=labeler_for(cfg, embedder),
        segment=cfg.segment,
        embedder=cfg.embedder,
        levels=cfg.levels,
    )
