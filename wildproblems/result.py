"""The result of a map: :class:`WildMap`, a bundle of pandas DataFrames plus config and provenance."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import MapConfig

#: Documented columns of ``WildMap.units`` (metadata columns from the input follow them).
UNIT_COLUMNS = {
    "unit_id": "id of the unit: <answer_id>.<n>",
    "answer_id": "id of the answer the unit came from",
    "respondent": "who wrote the answer",
    "kind": "cause, solution, other (or 'all' when no kind was given)",
    "text": "the unit's text",
    "segment": "1-based position of the unit within its answer",
    "answer_text": "the whole answer",
    "row": "0-based row of the answer in the input",
    "cluster": "cluster id within the kind; -1 = not clustered",
    "cluster_key": "unique cluster key '<kind>:<cluster>' ('<kind>:-1' when not clustered)",
    "label": "headline of the unit's cluster",
    "membership": "HDBSCAN membership strength in [0, 1] (0 when not clustered or assigned)",
    "assigned": "True when an unclustered unit was assigned to its nearest cluster",
    "x": "map x coordinate (2-d UMAP, per kind)",
    "y": "map y coordinate (2-d UMAP, per kind)",
}

#: The order in which kinds are listed everywhere (tables, figures, reports).
KIND_ORDER = ("cause", "solution", "other", "all")


def kinds_in(units: pd.DataFrame) -> list[str]:
    """The kinds present in a units frame, in :data:`KIND_ORDER`.

    >>> kinds_in(pd.DataFrame({"kind": ["solution", "cause", "solution"]}))
    ['cause', 'solution']
    """
    present = set(units["kind"])
    return [k for k in KIND_ORDER if k in present]


def cluster_keys(units: pd.DataFrame) -> pd.Series:
    """``kind:cluster`` of every unit: a cluster's name across kinds, waves and files.

    >>> cluster_keys(pd.DataFrame({"kind": ["cause", "solution"], "cluster": [2, -1]})).tolist()
    ['cause:2', 'solution:-1']
    """
    return units["kind"] + ":" + units["cluster"].astype(str)


#: The columns ``WildMap.units`` starts with (input columns and extra stage columns follow).
UNIT_FRONT = [
    "unit_id",
    "answer_id",
    "respondent",
    "kind",
    "text",
    "cluster",
    "label",
    "cluster_key",
    "membership",
    "assigned",
    "x",
    "y",
]

#: Documented columns of ``WildMap.clusters``.
CLUSTER_COLUMNS = {
    "kind": "cause / solution / other / all",
    "cluster": "cluster id within the kind (0 = largest)",
    "cluster_key": "unique key '<kind>:<cluster>'",
    "label": "short headline taken from the cluster's own text",
    "keywords": "comma-separated lemmas ranked by class-based TF-IDF",
    "size": "number of units",
    "share": "size / all units of the kind (unclustered included)",
    "respondents": "number of distinct respondents with a unit in the cluster",
    "quotes": "list of the most representative unit texts (closest to the centroid)",
    "quote_ids": "unit ids of those quotes",
    "label_audit": "why the headline was chosen",
}


@dataclass
class WildMap:
    """A map of a wild problem.

    Attributes
    ----------
    units:
        One row per unit of text (see :data:`UNIT_COLUMNS`).
    clusters:
        One row per cluster (see :data:`CLUSTER_COLUMNS`).
    answers:
        The ingested answers, one row each, metadata included.
    dropped:
        Answers that were skipped, with ``reason`` and ``stage``.
    config:
        The frozen :class:`~wildproblems.config.MapConfig` the map was made with.
    provenance:
        Versions, embedder id, seed, input hash, timings per stage, counts, chosen parameters.
    embeddings:
        The unit embeddings (rows align with ``units``); used to place new waves.
    pathways, respondents, corners:
        Filled when a model with pathways is used (``model=...``), else ``None``.
    """

    units: pd.DataFrame
    clusters: pd.DataFrame
    answers: pd.DataFrame
    dropped: pd.DataFrame
    config: MapConfig
    provenance: dict[str, Any]
    embeddings: np.ndarray = field(repr=False)
    pathways: pd.DataFrame | None = None
    respondents: pd.DataFrame | None = None
    corners: pd.DataFrame | None = None
    extras: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ summaries
    @property
    def kinds(self) -> list[str]:
        """Kinds present in the map, in order cause, solution, other, all."""
        return kinds_in(self.units)

    def unclustered_share(self, kind: str | None = None) -> float:
        """Share of units (of ``kind``, or all) that are in no cluster."""
        u = self.units if kind is None else self.units[self.units["kind"] == kind]
        return float((u["cluster"] < 0).mean()) if len(u) else 0.0

    def summary(self) -> pd.DataFrame:
        """One row per kind: units, respondents, clusters, unclustered share."""
        rows = []
        for k in self.kinds:
            u = self.units[self.units["kind"] == k]
            rows.append(
                {
                    "kind": k,
                    "units": len(u),
                    "respondents": u["respondent"].nunique(),
                    "clusters": int((self.clusters["kind"] == k).sum()),
                    "unclustered": int((u["cluster"] < 0).sum()),
                    "unclustered_share": round(float((u["cluster"] < 0).mean()), 3),
                    "assigned": int(u["assigned"].sum()),
                }
            )
        return pd.DataFrame(rows)

    def cluster_table(self, kind: str | None = None, top: int | None = None) -> pd.DataFrame:
        """Compact cluster table (kind, cluster, label, size, share, keywords) for printing."""
        c = self.clusters if kind is None else self.clusters[self.clusters["kind"] == kind]
        c = c[["kind", "cluster", "label", "size", "share", "keywords"]]
        return c.head(top) if top else c

    def __repr__(self) -> str:
        n_resp = self.units["respondent"].nunique()
        parts = [
            f"WildMap: {len(self.answers)} answers from {n_resp} respondents -> "
            f"{len(self.units)} units"
        ]
        if len(self.dropped):
            parts.append(f"  dropped: {len(self.dropped)} answers (see .dropped)")
        for row in self.summary().itertuples():
            parts.append(
                f"  {row.kind}: {row.units} units in {row.clusters} clusters, "
                f"{row.unclustered_share:.0%} unclustered"
            )
            top = self.clusters[self.clusters["kind"] == row.kind].head(5)
            for c in top.itertuples():
                parts.append(f"    [{c.cluster}] {c.label} ({c.size})")
        parts.append(
            f"  embedder: {self.provenance.get('embedder')}; seed {self.config.random_state}"
        )
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = (
            f"<b>WildMap</b>: {len(self.answers)} answers, "
            f"{self.units['respondent'].nunique()} respondents, {len(self.units)} units; "
            f"embedder <code>{esc(str(self.provenance.get('embedder')))}</code>"
        )
        table = self.cluster_table().to_html(index=False, escape=True, max_rows=40)
        return f"<div>{head}{self.summary().to_html(index=False, escape=True)}{table}</div>"

    # ------------------------------------------------------------------ outputs
    def plot(self, kind: str | None = None, **kwargs: Any):
        """Static dot map of one kind (see :func:`wildproblems.plot.plot_map`)."""
        from .plot import plot_map

        return plot_map(self, kind=kind, **kwargs)

    def quality(self, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> pd.DataFrame:
        """Unsupervised diagnostics per kind (see :func:`wildproblems.quality.quality`)."""
        from .quality import quality

        return quality(self, seeds=seeds)

    def agreement(self, labels: Any) -> dict[str, Any]:
        """Agreement with hand-coded labels (see :func:`wildproblems.quality.agreement`)."""
        from .quality import agreement

        return agreement(self, labels)

    def to_csv(self, folder: str) -> list[str]:
        """Write ``units.csv`` and ``clusters.csv`` (spreadsheet-safe) to ``folder``."""
        from .export import write_tables

        return write_tables(self, folder)

    # ------------------------------------------------------------------ waves
    def save(self, path: str) -> Any:
        """Save the map to a ``.wpmap`` file (see :func:`wildproblems.store.save`)."""
        from .store import save

        return save(self, path)

    def assign(self, data: Any, **kwargs: Any) -> WildMap:
        """Place a new wave of answers on this map (see :func:`wildproblems.waves.assign`)."""
        from .waves import assign

        return assign(self, data, **kwargs)

    def compare(self, other: WildMap, **kwargs: Any) -> Any:
        """Compare this wave with a later one (see :func:`wildproblems.shifts.compare`)."""
        from .shifts import compare

        return compare(self, other, **kwargs)

    def plot_pathways(self, **kwargs: Any):
        """The pathways on their axis with their feeding clusters (see
        :func:`wildproblems.plot.plot_pathways`); needs ``pathways`` (a model)."""
        from .plot import plot_pathways

        return plot_pathways(self, **kwargs)

    def explore(self, kind: str | None = None, **kwargs: Any):
        """Interactive map for notebooks and as one offline HTML file (``path=...``); see
        :func:`wildproblems.explore.explore`."""
        from .explore import explore

        return explore(self, kind=kind, **kwargs)

    def report(self, path: str, **kwargs: Any):
        """Write the self-contained HTML report (see :func:`wildproblems.report.write_report`)."""
        from .report import write_report

        return write_report(self, path, **kwargs)

    def to_excel(self, path: str, **kwargs: Any):
        """Write clusters, units, pathways and respondents to one spreadsheet-safe workbook."""
        from .export import write_excel

        return write_excel(self, path, **kwargs)

    def to_qdc(self, path: str, **kwargs: Any):
        """Write the REFI-QDA codebook (``.qdc``) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
        from .qda import write_qdc

        return write_qdc(self, path, **kwargs)

    def to_qdpx(self, path: str, **kwargs: Any):
        """Write the REFI-QDA project (``.qdpx``): answers as sources, units coded by cluster."""
        from .qda import write_qdpx

        return write_qdpx(self, path, **kwargs)
