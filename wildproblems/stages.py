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

from .cluster import ClusterStage
from .config import MapConfig
from .label import Labeler, labeler_for
from .layout import Layout


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
