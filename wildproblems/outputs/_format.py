"""Formatting shared by every output: cluster colours, kinds, pathway tables and axis poles.

Numbers and words come from :mod:`wildproblems.lang` (``1.374`` and ``21 %`` in Danish, ``1,374``
and ``21%`` in English); the figures, the report, the interactive map and the QDA exports all call
these helpers so a cluster has one colour and one name everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..lang import count_title as map_title  # noqa: F401  (re-exported for the outputs)
from ..lang import format_int, format_number, format_pct  # noqa: F401

if TYPE_CHECKING:
    from ..result import WildMap

#: Grey of unclustered units (and of their swatch in the report).
UNCLUSTERED_COLOUR = "#c4c4c4"
#: Ink colour of text on the figures.
INK = "#222222"


def _palette(k: int) -> list:
    import matplotlib

    cmaps = [
        matplotlib.colormaps["tab20"],
        matplotlib.colormaps["tab20b"],
        matplotlib.colormaps["tab20c"],
    ]
    # strong colours first (even entries of tab20), then their light partners, then the rest;
    # tab20's greys (14, 15) are left out: grey means "not in a cluster"
    strong = [cmaps[0](i) for i in range(0, 20, 2) if i != 14]
    light = [cmaps[0](i) for i in range(1, 20, 2) if i != 15]
    colours = strong + light + [cm(i) for cm in cmaps[1:] for i in range(20)]
    return [colours[i % len(colours)] for i in range(k)]


def cluster_colours(m: WildMap) -> dict[str, str]:
    """One hex colour per cluster key, the same in every figure, page and export of the map.

    Colours are given per kind in cluster order (cluster 0, the largest, gets the first colour);
    unclustered keys (``'<kind>:-1'``) get :data:`UNCLUSTERED_COLOUR`.
    """
    from matplotlib.colors import to_hex

    out: dict[str, str] = {}
    for kind in m.kinds:
        keys = m.clusters.loc[m.clusters["kind"] == kind, "cluster_key"].tolist()
        out.update({k: to_hex(c) for k, c in zip(keys, _palette(len(keys)))})
        out[f"{kind}:-1"] = UNCLUSTERED_COLOUR
    return out


def resolve_kind(m: WildMap, kind: str | None) -> str:
    """``kind``, or the map's first kind when None; a clear error when the map lacks it."""
    kind = kind or m.kinds[0]
    if kind not in m.kinds:
        raise ValueError(f"kind {kind!r} is not in this map; it has {m.kinds}")
    return kind


def pathway_axis(pathways: pd.DataFrame, axis: str | None = None) -> str:
    """The ``axis:<id>`` column of ``pathways`` that holds the position on ``axis`` (an axis id;
    the first axis when None).

    >>> pathway_axis(pd.DataFrame(columns=["pathway", "axis:udvikling", "axis:udvikling:spec"]))
    'axis:udvikling'
    """
    cols = [c for c in pathways.columns if str(c).startswith("axis:") and str(c).count(":") == 1]
    if axis is not None:
        name = axis if axis.startswith("axis:") else f"axis:{axis}"
        if name in cols:
            return name
        raise ValueError(f"pathways have no axis {axis!r}; axis columns: {cols}")
    if not cols:
        raise ValueError("the map's model has no axis: its pathways have no 'axis:<id>' column")
    return cols[0]


def axis_poles(m: WildMap, axis_column: str) -> tuple[str, str]:
    """Names of the negative and positive pole of an axis (e.g. ``("Afvikling", "Udvikling")``),
    from the map's model spec (or, for a map whose spec could not be read back, the pole names
    saved in ``m.extras["axes"]``); ``("−", "+")`` when neither knows the axis."""
    axis_id = axis_column.split(":", 1)[1] if axis_column.startswith("axis:") else axis_column
    for ax in getattr(m.model_spec, "axes", ()):
        if ax.id == axis_id:
            return str(ax.negative.name), str(ax.positive.name)
    hit = (m.extras.get("axes") or {}).get(axis_id)
    if hit:
        return str(hit[0]), str(hit[1])
    return ("−", "+")


def pathway_table(m: WildMap, axis: str | None = None) -> pd.DataFrame:
    """One row per (pathway, feeding cluster) with everything the figure and report need.

    Columns: ``pathway``, ``name``, ``position`` (on the axis; NaN when no unit places it),
    ``cluster_key``, ``label``, ``size`` (units of the cluster), ``weight`` (the cluster's weight on
    the pathway) and ``pathway_units`` (the pathway's weighted ``units``); ``m.pathways`` follows
    :data:`~wildproblems.schema.PATHWAY_COLUMNS`.
    """
    p = m.pathways
    if p is None or len(p) == 0:
        raise ValueError("this map has no pathways: map it with a model (model=...) first")
    col = pathway_axis(p, axis)
    label = dict(zip(m.clusters["cluster_key"], m.clusters["label"]))
    size = dict(zip(m.clusters["cluster_key"], m.clusters["size"]))
    rows = []
    for r in p.to_dict("records"):
        keys = [str(k) for k in r["clusters"]]
        weights = [float(w) for w in r["weights"]]
        base = {
            "pathway": str(r["pathway"]),
            "name": str(r["name"]),
            "position": float(r[col]) if pd.notna(r[col]) else np.nan,
            "pathway_units": float(r["units"]),
        }
        if not keys:
            rows.append({**base, "cluster_key": None, "label": None, "size": 0, "weight": 0.0})
        for k, w in zip(keys, weights):
            rows.append(
                {
                    **base,
                    "cluster_key": k,
                    "label": label.get(k, k),
                    "size": int(size.get(k, 0)),
                    "weight": float(w),
                }
            )
    return pd.DataFrame(rows)


def layout_record(m: WildMap) -> dict[str, object]:
    """How the map was drawn, from its provenance: ``supervised`` (bool), ``weight`` (the
    clusters' target weight) and ``n_neighbors`` (per kind, joined by ``/``)."""
    p = m.provenance or {}
    layout = (p.get("stages") or {}).get("layout") or {}
    chosen = [c for c in (p.get("chosen") or {}).values() if isinstance(c, dict)]
    neighbours = sorted({int(c["n_neighbors"]) for c in chosen if c.get("n_neighbors")})
    return {
        "supervised": layout.get("supervised") == "clusters",
        "weight": layout.get("target_weight"),
        "n_neighbors": "/".join(str(n) for n in neighbours) or layout.get("n_neighbors") or "–",
    }


def layout_caption(m: WildMap, language: str) -> str:
    """One sentence saying how the map was drawn (for figure captions and the report)."""
    from ..lang import get

    rec = layout_record(m)
    t = get(language).PLOT
    if rec["supervised"]:
        return t["layout"].format(
            n_neighbors=rec["n_neighbors"],
            weight=format_number(float(rec["weight"] or 0.0), 1, language),
        )
    return t["layout_plain"].format(n_neighbors=rec["n_neighbors"])


def no_pathways_reason(m: WildMap, language: str) -> str:
    """Why ``m`` has no pathways, in ``language``: no model, or a model without idealtypes and
    too few clusters to propose them from the data (the rule of
    :class:`~wildproblems.model.pathways.PathwayProposer`: at least 3)."""
    from ..lang import get, kind_name

    w = get(language).REPORT
    spec = m.model_spec
    if spec is None:
        return w["pathways_none"]
    name = str(getattr(spec, "name", "") or getattr(spec, "id", ""))
    proposed = ((m.provenance or {}).get("model") or {}).get("proposed") or {}
    if not getattr(spec, "pathways", ()) and "skipped" in proposed:
        kinds = tuple(getattr(spec, "pathway_kinds", ("solution",)))
        n = int(m.clusters["kind"].isin(kinds).sum())
        return w["pathways_too_few"].format(
            model=name,
            kinds=", ".join(kind_name(k, language, "many") for k in kinds),
            n=format_int(n, language),
        )
    return w["pathways_empty"].format(model=name)
