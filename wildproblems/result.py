"""The result of a map: :class:`WildMap`, a bundle of pandas DataFrames plus config and provenance."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import MapConfig
from .schema import (  # noqa: F401  (re-exported: the tables' columns are documented here too)
    CLUSTER_COLUMNS,
    KIND_ORDER,
    UNIT_COLUMNS,
    UNIT_FRONT,
    cluster_keys,
    kinds_in,
)


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
    model_spec:
        The :class:`~wildproblems.model.spec.ModelSpec` the map was made with (``extends``
        resolved), or ``None``; saved with the map and used to place new waves.
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
    model_spec: Any = field(default=None, repr=False)

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
        """Static dot map of one kind (see :func:`wildproblems.outputs.plot.plot_map`); without a
        kind, a map with several kinds (causes and solutions) draws one panel per kind
        (:func:`wildproblems.outputs.plot.plot_kinds`)."""
        from .outputs.plot import plot_kinds, plot_map

        if kind is None and len(self.kinds) > 1 and "ax" not in kwargs:
            return plot_kinds(self, **kwargs)
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
        from .outputs.tables import write_tables

        return write_tables(self, folder)

    # ------------------------------------------------------------------ waves
    def save(self, path: str) -> Any:
        """Save the map to a ``.wpmap`` file (see :func:`wildproblems.waves.store.save`)."""
        from .waves.store import save

        return save(self, path)

    def assign(self, data: Any, **kwargs: Any) -> WildMap:
        """Place a new wave of answers on this map (see :func:`wildproblems.waves.assign.assign`)."""
        from .waves.assign import assign

        return assign(self, data, **kwargs)

    def compare(self, other: WildMap, **kwargs: Any) -> Any:
        """Compare this wave with a later one (see :func:`wildproblems.waves.compare.compare`)."""
        from .waves.compare import compare

        return compare(self, other, **kwargs)

    def plot_pathways(self, **kwargs: Any):
        """The pathways on their axis with their feeding clusters (see
        :func:`wildproblems.outputs.plot.plot_pathways`); needs ``pathways`` (a model)."""
        from .outputs.plot import plot_pathways

        return plot_pathways(self, **kwargs)

    def explore(self, kind: str | None = None, **kwargs: Any):
        """Interactive map for notebooks and as one offline HTML file (``path=...``); see
        :func:`wildproblems.outputs.explore.explore`."""
        from .outputs.explore import explore

        return explore(self, kind=kind, **kwargs)

    def report(self, path: str, **kwargs: Any):
        """Write the self-contained HTML report (see :func:`wildproblems.outputs.report.write_report`)."""
        from .outputs.report import write_report

        return write_report(self, path, **kwargs)

    def to_excel(self, path: str, **kwargs: Any):
        """Write clusters, units, pathways and respondents to one spreadsheet-safe workbook."""
        from .outputs.tables import write_excel

        return write_excel(self, path, **kwargs)

    def to_qdc(self, path: str, **kwargs: Any):
        """Write the REFI-QDA codebook (``.qdc``) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
        from .outputs.qda import write_qdc

        return write_qdc(self, path, **kwargs)

    def to_qdpx(self, path: str, **kwargs: Any):
        """Write the REFI-QDA project (``.qdpx``): answers as sources, units coded by cluster."""
        from .outputs.qda import write_qdpx

        return write_qdpx(self, path, **kwargs)
