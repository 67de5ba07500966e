"""The result of a map: :class:`WildMap`, a bundle of pandas DataFrames plus config and provenance."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import MapConfig
from .lang import get as get_words
from .schema import (
    LEVEL_UNIT_COLUMN,  # noqa: F401  (re-exported: the tables' columns are documented here too)
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
    levels:
        One row per theme and per code of every kind (see :data:`~wildproblems.schema.LEVEL_COLUMNS`;
        units carry ``theme`` and ``code``), or ``None`` for maps made without levels.
    model_spec:
        The :class:`~wildproblems.model.spec.ModelSpec` the map was made with (``extends``
        resolved), or ``None``; saved with the map and used to place new waves.
    edits:
        The analyst's edits (rename, merge, split, move, drop, pin, unpin), one plain dict each,
        in order; see :mod:`wildproblems.curate`. Saved with the map and to an edit file
        (:meth:`save_edits`) that ``wp.map(..., edits=...)`` replays.
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
    levels: pd.DataFrame | None = None
    extras: dict[str, Any] = field(default_factory=dict, repr=False)
    model_spec: Any = field(default=None, repr=False)
    edits: list[dict[str, Any]] = field(default_factory=list, repr=False)

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

    # ------------------------------------------------------------------ levels
    def at_level(self, level: str = "map") -> WildMap:
        """The map seen at one level of its clusters: ``"map"`` (the map itself), ``"theme"``
        (the overview) or ``"code"`` (the codebook grain; every code lies in one theme).

        The view's ``units`` carry the level's ``cluster``, ``cluster_key`` and ``label`` and its
        ``clusters`` are the level's rows of :attr:`levels` (with ``parent``), so every output
        works on it: ``m.at_level("code").to_qdpx(...)``, ``m.plot(level="theme")``,
        ``m.report(path, level="theme")``, ``m.quality(level="code")``, ``wp.compare(a, b,
        level="code")``. The model tables (pathways, respondents, corners) belong to the map's own
        clusters and are left out of theme and code views.
        """
        if level == "map":
            return self
        if level not in ("theme", "code"):
            raise ValueError(f"level must be 'map', 'theme' or 'code', got {level!r}")
        if self.levels is None or level not in set(self.levels["level"]):
            raise ValueError(
                f"this map has no {level} level (it was made with levels=False, with the hdbscan "
                "method, or by a version without levels)"
            )
        rows = self.levels[self.levels["level"] == level].reset_index(drop=True)
        ids = self.units[LEVEL_UNIT_COLUMN[level]].to_numpy()
        units = self.units.copy()
        units["cluster"] = ids
        units["cluster_key"] = cluster_keys(units)
        label_of = dict(zip(rows["cluster_key"], rows["label"]))
        none = get_words(self.config.language).UNCLUSTERED
        units["label"] = [label_of.get(k, none) for k in units["cluster_key"]]
        units["membership"] = np.where(ids >= 0, 1.0, 0.0).astype(np.float32)
        units["assigned"] = False
        extras = {**self.extras, "level": level}
        return WildMap(
            units=units,
            clusters=rows.drop(columns=["level"]),
            answers=self.answers,
            dropped=self.dropped,
            config=self.config,
            provenance=self.provenance,
            embeddings=self.embeddings,
            levels=self.levels,
            extras=extras,
            model_spec=self.model_spec,
        )

    # ------------------------------------------------------------------ outputs
    def plot(self, kind: str | None = None, level: str = "map", **kwargs: Any):
        """Static dot map of one kind at a level (see :func:`wildproblems.outputs.plot.plot_map`);
        without a kind, a map with several kinds (causes and solutions) draws one panel per kind
        (:func:`wildproblems.outputs.plot.plot_kinds`)."""
        from .outputs.plot import plot_kinds, plot_map

        view = self.at_level(level)
        if kind is None and len(view.kinds) > 1 and "ax" not in kwargs:
            return plot_kinds(view, **kwargs)
        return plot_map(view, kind=kind, **kwargs)

    def quality(self, seeds: tuple[int, ...] = (1, 2, 3, 4), level: str = "map") -> pd.DataFrame:
        """Unsupervised diagnostics per kind (see :func:`wildproblems.quality.quality`)."""
        from .quality import quality

        return quality(self, seeds=seeds, level=level)

    def agreement(self, labels: Any, level: str = "map") -> dict[str, Any]:
        """Agreement with hand-coded labels (see :func:`wildproblems.quality.agreement`)."""
        from .quality import agreement

        return agreement(self.at_level(level), labels)

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

    def compare(self, other: WildMap, **kwargs: Any) -> Any:  # level= is one of the kwargs
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

    def report(self, path: str, level: str = "map", **kwargs: Any):
        """Write the self-contained HTML report at a level (see
        :func:`wildproblems.outputs.report.write_report`)."""
        from .outputs.report import write_report

        return write_report(self.at_level(level), path, **kwargs)

    def to_excel(self, path: str, **kwargs: Any):  # the workbook has a sheet of the levels
        """Write clusters, units, pathways and respondents to one spreadsheet-safe workbook."""
        from .outputs.tables import write_excel

        return write_excel(self, path, **kwargs)

    def to_qdc(self, path: str, level: str = "map", **kwargs: Any):
        """Write the REFI-QDA codebook (``.qdc``) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
        from .outputs.qda import write_qdc

        return write_qdc(self.at_level(level), path, **kwargs)

    def to_qdpx(self, path: str, level: str = "map", **kwargs: Any):
        """Write the REFI-QDA project (``.qdpx``): answers as sources, units coded by cluster of
        ``level`` (at ``"code"`` the codes are nested under their themes)."""
        from .outputs.qda import write_qdpx

        return write_qdpx(self.at_level(level), path, **kwargs)

    # ------------------------------------------------------------------ curate
    def rename(self, cluster: Any, label: str, **kwargs: Any) -> WildMap:
        """A new map where ``cluster`` (key or headline) has the headline ``label`` (see
        :func:`wildproblems.curate.edits.rename`)."""
        from .curate.edits import rename

        return rename(self, cluster, label, **kwargs)

    def merge(self, clusters: Any, label: str | None = None, **kwargs: Any) -> WildMap:
        """A new map with ``clusters`` merged into the first (see
        :func:`wildproblems.curate.edits.merge`)."""
        from .curate.edits import merge

        return merge(self, clusters, label, **kwargs)

    def split(
        self, cluster: Any, n: int | None = None, units: Any = None, **kwargs: Any
    ) -> WildMap:
        """A new map with ``cluster`` split into ``n`` parts or by the unit ids ``units`` (see
        :func:`wildproblems.curate.edits.split`)."""
        from .curate.edits import split

        return split(self, cluster, n=n, units=units, **kwargs)

    def move(self, units: Any, to: Any, **kwargs: Any) -> WildMap:
        """A new map with the unit ids ``units`` moved to cluster ``to`` (see
        :func:`wildproblems.curate.edits.move`)."""
        from .curate.edits import move

        return move(self, units, to, **kwargs)

    def drop_cluster(self, cluster: Any, **kwargs: Any) -> WildMap:
        """A new map with ``cluster`` dropped as not relevant (see
        :func:`wildproblems.curate.edits.drop_cluster`)."""
        from .curate.edits import drop_cluster

        return drop_cluster(self, cluster, **kwargs)

    def pin(self, cluster: Any, pathway: str, member: bool = True, **kwargs: Any) -> WildMap:
        """A new map with ``cluster`` pinned into (or out of) ``pathway`` (see
        :func:`wildproblems.curate.edits.pin`)."""
        from .curate.edits import pin

        return pin(self, cluster, pathway, member, **kwargs)

    def unpin(self, cluster: Any, pathway: str, **kwargs: Any) -> WildMap:
        """A new map without the pin of ``cluster`` on ``pathway`` (see
        :func:`wildproblems.curate.edits.unpin`)."""
        from .curate.edits import unpin

        return unpin(self, cluster, pathway, **kwargs)

    def replay(self, edits: Any, **kwargs: Any) -> WildMap:
        """A new map with ``edits`` (an edit file or a list of edit dicts) applied in order (see
        :func:`wildproblems.curate.edits.replay`)."""
        from .curate.edits import replay

        return replay(self, edits, **kwargs)

    def save_edits(self, path: str) -> Any:
        """Write :attr:`edits` to a readable YAML edit file (see
        :func:`wildproblems.curate.edits.save_edits`)."""
        from .curate.edits import save_edits

        return save_edits(self, path)

    def apply_qdpx(self, path: str, **kwargs: Any) -> Any:
        """Turn the changes a person made in a QDA tool to a ``.qdpx`` exported from this map into
        edits; returns ``(new map, report)`` (see :func:`wildproblems.curate.qda.apply_qdpx`)."""
        from .curate.qda import apply_qdpx

        return apply_qdpx(self, path, **kwargs)
