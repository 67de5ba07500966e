"""Static figures in the style of INVI's report: the dot map and the pathway figure.

* :func:`plot_map` draws one dot per unit, coloured by cluster (unclustered units grey), with the
  cluster headlines placed so that they never overlap (a deterministic greedy placement, see
  :func:`place_labels`) and a title with counts such as ``"1.374 årsager i 26 klynger"``.
* :func:`plot_pathways` draws the pathways on their axis (e.g. *Afvikling* <-> *Udvikling*) with the
  clusters that feed each one, sized by number of units.
* :func:`save_figure` writes PNG, SVG or PDF at print quality (300 dpi, embedded TrueType fonts,
  no timestamps, so the same figure gives the same file).

Numbers follow the map's language: ``1.374`` and ``21 %`` in Danish, ``1,374`` and ``21%`` in English.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cluster import DIFFUSE_BELOW
from ..lang import get as words_of
from ..lang import plural
from ._format import (
    INK,
    UNCLUSTERED_COLOUR,
    axis_poles,
    cluster_colours,
    format_int,
    format_number,
    format_pct,
    layout_caption,
    map_title,
    no_pathways_reason,
    pathway_axis,
    pathway_table,
    resolve_kind,
)

if TYPE_CHECKING:
    from ..result import WildMap


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True)) or str(text)


def _pyplot():
    import matplotlib

    if (
        matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo")
        and not _interactive()
    ):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plain_text(draw: Callable[..., Any]) -> Callable[..., Any]:
    """Run a figure function with mathtext off: labels and names come from the data, and a
    ``$`` in them ("koster $5 og $10") must print as it is, not crash matplotlib's parser."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


def _interactive() -> bool:
    """True inside IPython/Jupyter, where the inline backend should be left alone."""
    import sys

    return "IPython" in sys.modules or "ipykernel" in sys.modules


def _clean_axes(ax: Any) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)


@_plain_text
def plot_map(
    m: WildMap,
    kind: str | None = None,
    ax: Any = None,
    label_top: int | None = 30,
    figsize: tuple[float, float] = (10, 8),
    dpi: int = 150,
    *,
    path: str | Path | None = None,
    title: str | None = None,
    language: str | None = None,
    wrap: int = 24,
    fontsize: float = 8.5,
    caption: bool = True,
) -> Any:
    """Dot map of one kind: coloured clusters, grey unclustered units, non-overlapping headlines.

    Diffuse clusters (``m.clusters["diffuse"]``) get a dashed label frame, and a caption under the
    map says how it was drawn (from the map's provenance, :func:`~._format.layout_caption`).

    Parameters
    ----------
    m:
        The map.
    kind:
        ``"cause"``, ``"solution"``, ``"other"`` or ``"all"``; defaults to the first kind in the map.
    ax:
        Draw into this matplotlib Axes instead of a new figure.
    label_top:
        Headline at most this many clusters (the largest); ``None`` for all.
    path:
        Also save the figure there (``.png``, ``.svg`` or ``.pdf``, see :func:`save_figure`).
    title:
        Replaces the default title with counts (``"1.374 årsager i 26 klynger"``); ``""`` for
        none.
    language:
        ``"da"`` or ``"en"`` for the title and numbers; defaults to the map's language.
    wrap:
        Wrap headlines at this many characters per line.
    caption:
        Print how the map was drawn under it.

    Returns the matplotlib Figure.

    >>> fig = m.plot("cause", path="aarsager.pdf")  # doctest: +SKIP
    """
    plt = _pyplot()
    language = language or m.config.language
    kind = resolve_kind(m, kind)
    u = m.units[m.units["kind"] == kind]
    c = m.clusters[m.clusters["kind"] == kind]
    colours = cluster_colours(m)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    else:
        fig = ax.figure
    xy = u[["x", "y"]].to_numpy(dtype=float)
    noise = (u["cluster"] < 0).to_numpy()
    size = float(np.clip(1800.0 / max(len(u), 1) ** 0.75, 6, 40))
    ax.scatter(xy[noise, 0], xy[noise, 1], s=size * 0.8, c=UNCLUSTERED_COLOUR, linewidths=0)
    centres: list[tuple[float, float]] = []
    for row in c.itertuples():
        pts = xy[(u["cluster_key"] == row.cluster_key).to_numpy()]
        ax.scatter(
            pts[:, 0], pts[:, 1], s=size, color=colours[row.cluster_key], linewidths=0, alpha=0.9
        )
        centres.append((float(np.median(pts[:, 0])), float(np.median(pts[:, 1]))))
    if len(xy):
        pad_x = 0.06 * (np.ptp(xy[:, 0]) or 1.0)
        pad_y = 0.06 * (np.ptp(xy[:, 1]) or 1.0)
        ax.set_xlim(xy[:, 0].min() - pad_x, xy[:, 0].max() + pad_x)
        ax.set_ylim(xy[:, 1].min() - pad_y, xy[:, 1].max() + pad_y)
    ax.set_title(
        map_title(len(u), len(c), kind, language) if title is None else title,
        loc="left",
        fontsize=15,
        fontweight="bold",
        color=INK,
        pad=18,
    )
    t = words_of(language).PLOT
    notes = []
    if noise.any():
        notes.append(f"{t['unclustered']} ({format_pct(float(noise.mean()), language)})")
    diffuse = _diffuse_keys(c)
    if diffuse:
        notes.append(t["diffuse"].format(threshold=format_number(DIFFUSE_BELOW, 2, language)))
    if notes:
        ax.text(
            0.0, 1.005, " · ".join(notes), transform=ax.transAxes, fontsize=8.5, color="#666666"
        )
    if caption:
        width = max(40, int(fig.get_size_inches()[0] * 13))
        ax.text(
            0.0,
            -0.01,
            _wrap(layout_caption(m, language), width),
            transform=ax.transAxes,
            fontsize=7.5,
            color="#666666",
            va="top",
        )
    _clean_axes(ax)
    fig.tight_layout()  # before placing labels: placement works in the final display space
    n_label = len(c) if label_top is None else min(label_top, len(c))
    rows = list(c.itertuples())[:n_label]
    place_labels(
        ax,
        [_wrap(r.label, wrap) for r in rows],
        centres[:n_label],
        [colours[r.cluster_key] for r in rows],
        points=xy,
        fontsize=fontsize,
        dashed=[r.cluster_key in diffuse for r in rows],
    )
    if path is not None:
        save_figure(fig, path)
    return fig


def _diffuse_keys(clusters: Any) -> set[str]:
    """Keys of the clusters marked diffuse (none for a map saved before the column existed)."""
    if "diffuse" not in clusters:
        return set()
    return set(clusters.loc[clusters["diffuse"].fillna(False).astype(bool), "cluster_key"])


def plot_kinds(
    m: WildMap,
    kinds: Sequence[str] | None = None,
    *,
    figsize: tuple[float, float] | None = None,
    dpi: int = 150,
    path: str | Path | None = None,
    language: str | None = None,
    **kwargs: Any,
) -> Any:
    """One dot map per kind side by side (causes, solutions, ...), each as :func:`plot_map`
    draws it; what ``m.plot()`` shows for a map with more than one kind.

    >>> fig = m.plot()  # doctest: +SKIP
    """
    plt = _pyplot()
    kinds = list(kinds or m.kinds)
    for k in kinds:
        resolve_kind(m, k)
    if figsize is None:
        figsize = (8.5 * len(kinds), 7.5)
    fig, axes = plt.subplots(1, len(kinds), figsize=figsize, dpi=dpi, squeeze=False)
    for k, ax in zip(kinds, axes[0]):
        plot_map(m, k, ax=ax, language=language, **kwargs)
    if path is not None:
        save_figure(fig, path)
    return fig


def place_labels(
    ax: Any,
    texts: Sequence[str],
    anchors: Sequence[tuple[float, float]],
    colours: Sequence[Any],
    points: np.ndarray | None = None,
    fontsize: float = 8.5,
    max_rings: int = 40,
    dashed: Sequence[bool] | None = None,
) -> list[Any]:
    """Place one boxed label per anchor so that no two labels overlap; returns the Text artists.

    Labels are placed in the order given (put the most important first). Each label tries
    positions on growing rings around its anchor (in display space) and takes the one with the
    lowest cost: distance from the anchor plus a penalty per data point the box would hide. A
    position is allowed only when the box overlaps no label placed before and stays inside the
    axes. A displaced label gets a thin leader line to its anchor. Deterministic: no randomness.
    ``dashed`` (one flag per label) draws those labels' frames dashed (diffuse clusters).
    """
    if not texts:
        return []
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_disp = ax.transData.transform
    to_data = ax.transData.inverted().transform
    ax_box = ax.get_window_extent(renderer)
    pts_disp = to_disp(points) if points is not None and len(points) else np.zeros((0, 2))
    placed: list[tuple[float, float, float, float]] = []
    artists = []
    angles = np.deg2rad(np.arange(0, 360, 22.5))
    box_style = {"boxstyle": "round,pad=0.25", "fc": "white", "lw": 1.2, "alpha": 0.92}
    dashed = list(dashed) if dashed is not None else [False] * len(texts)
    for text, anchor, colour, dash in zip(texts, anchors, colours, dashed):
        probe = ax.text(*anchor, text, fontsize=fontsize, ha="center", va="center")
        ext = probe.get_window_extent(renderer)
        probe.remove()
        # the rounded box pad (0.25 em) on each side plus a small gap
        pad = 0.35 * fontsize * fig.dpi / 72
        w, h = ext.width + 2 * pad, ext.height + 2 * pad
        ax0, ay0 = to_disp(anchor)
        cx, cy = _best_spot((ax0, ay0), (w, h), placed, ax_box, pts_disp, angles, max_rings)
        placed.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        moved = np.hypot(cx - ax0, cy - ay0) > 0.6 * h
        artists.append(
            ax.annotate(
                text,
                xy=anchor,
                xytext=tuple(to_data((cx, cy))),
                fontsize=fontsize,
                ha="center",
                va="center",
                color=INK,
                zorder=5,
                bbox={**box_style, "ec": colour, "ls": "--" if dash else "-"},
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.9} if moved else None,
            )
        )
    return artists


def _best_spot(
    anchor: tuple[float, float],
    size: tuple[float, float],
    placed: list[tuple[float, float, float, float]],
    ax_box: Any,
    pts: np.ndarray,
    angles: np.ndarray,
    max_rings: int,
) -> tuple[float, float]:
    """Cheapest free centre for a ``size`` box near ``anchor`` (display coordinates)."""
    (ax0, ay0), (w, h) = anchor, size
    step = 0.5 * h
    best: tuple[float, float, float] | None = None
    for ring in range(max_rings):
        cands = [(0.0, 0.0)] if ring == 0 else [(np.cos(a), np.sin(a)) for a in angles]
        for dx, dy in cands:
            cx, cy = ax0 + dx * ring * step * 1.6, ay0 + dy * ring * step
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            inside = (
                box[0] >= ax_box.x0
                and box[2] <= ax_box.x1
                and box[1] >= ax_box.y0
                and box[3] <= ax_box.y1
            )
            if not inside or any(_overlap(box, other) for other in placed):
                continue
            hidden = int(
                (
                    (pts[:, 0] > box[0])
                    & (pts[:, 0] < box[2])
                    & (pts[:, 1] > box[1])
                    & (pts[:, 1] < box[3])
                ).sum()
            )
            cost = float(np.hypot(cx - ax0, cy - ay0)) + 0.12 * h * hidden
            if best is None or cost < best[0]:
                best = (cost, cx, cy)
        # a free spot exists and every further ring is farther away than its cost
        if best is not None and best[0] <= (ring + 1) * step:
            break
    if best is None:  # no room at all: keep the label at its anchor rather than lose it
        return ax0, ay0
    return best[1], best[2]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def save_figure(fig: Any, path: str | Path, dpi: int = 300) -> Path:
    """Save ``fig`` at print quality: PNG at ``dpi``, or vector SVG/PDF with real fonts.

    Output is reproducible: no creation date in the file, a fixed SVG id salt, and TrueType fonts
    embedded in PDF (so the text stays editable in Illustrator/Inkscape).

    >>> save_figure(m.plot(), "kort.svg")  # doctest: +SKIP
    """
    import matplotlib

    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"cannot save a figure as {p.suffix!r}: use .png, .svg or .pdf")
    p.parent.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, Any] = {"Creator": "wildproblems"}
    if fmt in ("svg", "pdf"):
        metadata["Date"] = None
    if fmt == "pdf":
        metadata["CreationDate"] = None
        metadata.pop("Date")
    with matplotlib.rc_context(
        {"pdf.fonttype": 42, "svg.fonttype": "path", "svg.hashsalt": "wildproblems"}
    ):
        fig.savefig(p, dpi=dpi, format=fmt, bbox_inches="tight", metadata=metadata)
    return p


# ---------------------------------------------------------------------------------- pathways
def _units_text(units: float, language: str) -> str:
    """A pathway's (weighted) number of units: whole numbers as such, others with one decimal
    (a pathway of 0.77 units reads "0,8", never "0").

    >>> _units_text(12.0, "da"), _units_text(0.77, "da"), _units_text(0.04, "en")
    ('12', '0,8', '0.04')
    """
    if float(units).is_integer():
        return format_int(int(units), language)
    return format_number(units, 1 if abs(units) >= 0.1 else 2, language)


@_plain_text
def plot_pathways(
    m: WildMap,
    axis: str | None = None,
    poles: tuple[str, str] | None = None,
    *,
    top: int = 8,
    figsize: tuple[float, float] | None = None,
    dpi: int = 150,
    path: str | Path | None = None,
    title: str | None = None,
    language: str | None = None,
) -> Any:
    """The pathways on their axis with the clusters that feed them, sized by number of units.

    Pathways are columns ordered by their position on the axis (e.g. *Afvikling* <-> *Udvikling*);
    a marker on the axis at the bottom shows each pathway's exact position. Under each pathway
    circle (area ~ its units) its feeding clusters are listed (at most ``top``, strongest first)
    as dots sized by their units, in their map colours, joined to the pathway by lines whose width
    is the cluster's weight.

    ``m.pathways`` needs the columns ``pathway``, ``name``, an axis column (``axis_position`` or
    ``axis_<id>``), ``clusters`` (list of cluster keys) and optionally ``weights`` (one per
    cluster) and ``units``. ``poles`` names the axis ends; by default they come from the model
    (see :func:`axis_poles`).

    >>> fig = m.plot_pathways(path="veje.svg")  # doctest: +SKIP
    """
    plt = _pyplot()
    language = language or m.config.language
    t = words_of(language).PLOT
    if m.pathways is None or len(m.pathways) == 0:
        raise ValueError(no_pathways_reason(m, "en"))
    table = pathway_table(m, axis)
    col = pathway_axis(m.pathways, axis)
    poles = poles or axis_poles(m, col)
    colours = cluster_colours(m)
    order = (
        table.groupby("pathway", sort=False)
        .agg(
            name=("name", "first"), position=("position", "first"), units=("pathway_units", "first")
        )
        .reset_index()
        .sort_values(["position", "pathway"], kind="stable")
        .reset_index(drop=True)
    )
    n = len(order)
    per = [
        table[(table["pathway"] == pw) & table["cluster_key"].notna()].sort_values(
            ["weight", "size"], ascending=False, kind="stable"
        )
        for pw in order["pathway"]
    ]
    rows_needed = max([min(len(d), top) + (len(d) > top) for d in per] + [1])
    if figsize is None:
        figsize = (max(8.0, 2.7 * n), 3.8 + 0.42 * rows_needed)
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    slots = np.linspace(-1, 1, n) * (0.78 if n > 1 else 0.0)
    # room under the clusters for the axis and the pathway names over it, and above the names
    # for the title: nothing overlaps (names wrap to up to three lines)
    lo = 0.25 - 0.45 * rows_needed - 1.2
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(lo, 2.2)
    max_units = max(int(order["units"].max()), 1)
    max_size = max(int(table["size"].max()), 1)
    axis_y = lo + 0.45
    # characters that fit between a label's start and the next column (9.5 pt ~ 0.085 in/char)
    gap = (slots[1] - slots[0]) if n > 1 else 1.0
    wrap = max(14, int((gap - 0.12) * figsize[0] / 2.24 / 0.085))
    for i, pw in enumerate(order.itertuples()):
        x = float(slots[i])
        ax.scatter(
            [x],
            [1.0],
            s=300 + 2200 * (pw.units / max_units),
            color="#33415c",
            zorder=3,
            linewidths=0,
        )
        ax.text(
            x,
            1.0,
            _units_text(float(pw.units), language),
            ha="center",
            va="center",
            color="white",
            fontsize=9,
            fontweight="bold",
            zorder=4,
        )
        ax.text(
            x, 1.3, _wrap(pw.name, wrap), ha="center", va="bottom", fontsize=13, fontweight="bold"
        )
        d = per[i]
        shown = d.head(top)
        cx = x - 0.16  # the clusters hang from a trunk just left of their dots
        trunk = cx - 0.07
        if len(shown):
            last = 0.25 - 0.45 * (len(shown) - 1)
            ax.plot([x, trunk, trunk], [1.0, 0.62, last], color="#9aa5b8", lw=1.0, zorder=1)
        for j, r in enumerate(shown.itertuples()):
            y = 0.25 - 0.45 * j
            colour = colours.get(r.cluster_key, UNCLUSTERED_COLOUR)
            ax.plot(
                [trunk, cx],
                [y, y],
                color=colour,
                lw=0.6 + 3.4 * min(max(r.weight, 0.0), 1.0),
                zorder=2,
                solid_capstyle="butt",
            )
            ax.scatter(
                [cx], [y], s=25 + 260 * (r.size / max_size), color=colour, zorder=3, linewidths=0
            )
            ax.text(
                cx + 0.06,
                y,
                f"{_wrap(r.label, wrap)} ({format_int(r.size, language)})",
                va="center",
                ha="left",
                fontsize=9.5,
                color=INK,
                linespacing=0.95,
            )
        if len(d) > top:
            ax.text(
                x - 0.14,
                0.25 - 0.45 * len(shown),
                t["more"].format(n=len(d) - top),
                fontsize=9,
                color="#666666",
                va="center",
            )
        if len(d) == 0:
            ax.text(x, 0.25, t["no_clusters"], ha="center", fontsize=9, color="#666666")
        # where the pathway really lies on the axis
        ax.plot([float(np.clip(pw.position, -1, 1))], [axis_y], marker="v", color="#33415c", ms=8)
        ax.annotate(
            "",
            xy=(float(np.clip(pw.position, -1, 1)), axis_y + 0.05),
            xytext=(x, axis_y + 0.32),
            arrowprops={"arrowstyle": "-", "color": "#9aa5b8", "lw": 0.8, "ls": ":"},
        )
        ax.text(
            x,
            axis_y + 0.38,
            _wrap(pw.name, wrap),
            ha="center",
            va="bottom",
            fontsize=9,
            color="#33415c",
        )
    ax.annotate(
        "",
        xy=(1.06, axis_y),
        xytext=(-1.06, axis_y),
        arrowprops={"arrowstyle": "<|-|>", "color": "#33415c", "lw": 1.6},
    )
    ax.text(-1.06, axis_y - 0.22, poles[0], ha="left", va="top", fontsize=11, fontweight="bold")
    ax.text(1.06, axis_y - 0.22, poles[1], ha="right", va="top", fontsize=11, fontweight="bold")
    n_clusters = int(table["cluster_key"].dropna().nunique())
    default_title = (
        f"{t['pathways'].format(n=format_int(n, language))} · "
        f"{plural(n_clusters, 'cluster', language)}"
    )
    ax.set_title(title or default_title, loc="left", fontsize=15, fontweight="bold", color=INK)
    _clean_axes(ax)
    fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig
