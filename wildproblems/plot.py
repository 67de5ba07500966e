"""Static figures: the dot map in the style of INVI's report (one dot per unit, coloured by cluster)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .result import WildMap

KIND_TITLES = {
    "da": {
        "cause": ("årsag", "årsager"),
        "solution": ("løsning", "løsninger"),
        "other": ("udsagn", "udsagn"),
        "all": ("udsagn", "udsagn"),
    },
    "en": {
        "cause": ("cause", "causes"),
        "solution": ("solution", "solutions"),
        "other": ("statement", "statements"),
        "all": ("statement", "statements"),
    },
}


def format_int(n: int, language: str = "da") -> str:
    """Thousands separator by language: ``1.374`` in Danish, ``1,374`` in English.

    >>> format_int(1374), format_int(1374, "en")
    ('1.374', '1,374')
    """
    s = f"{n:,}"
    return s.replace(",", ".") if language == "da" else s


def map_title(n_units: int, n_clusters: int, kind: str, language: str = "da") -> str:
    """Title with counts, e.g. ``"1.374 årsager i 26 klynger"``.

    >>> map_title(1374, 26, "cause")
    '1.374 årsager i 26 klynger'
    """
    one, many = KIND_TITLES[language][kind]
    noun = one if n_units == 1 else many
    if language == "da":
        return f"{format_int(n_units, language)} {noun} i {n_clusters} klynger"
    return f"{format_int(n_units, language)} {noun} in {n_clusters} clusters"


def _palette(k: int) -> list:
    import matplotlib

    cmaps = [
        matplotlib.colormaps["tab20"],
        matplotlib.colormaps["tab20b"],
        matplotlib.colormaps["tab20c"],
    ]
    colours = [cm(i) for cm in cmaps for i in range(20)]
    return [colours[i % len(colours)] for i in range(k)]


def plot_map(
    m: WildMap,
    kind: str | None = None,
    ax: Any = None,
    label_top: int | None = 30,
    figsize: tuple[float, float] = (10, 8),
    dpi: int = 150,
) -> Any:
    """Dot map of one kind: coloured clusters, grey unclustered units, cluster headlines.

    Returns the matplotlib Figure. ``kind`` defaults to the first kind in the map.
    """
    import matplotlib

    matplotlib.use("Agg", force=False) if matplotlib.get_backend() == "" else None
    import matplotlib.pyplot as plt

    kind = kind or m.kinds[0]
    if kind not in m.kinds:
        raise ValueError(f"kind {kind!r} is not in this map; it has {m.kinds}")
    u = m.units[m.units["kind"] == kind]
    c = m.clusters[m.clusters["kind"] == kind]
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    else:
        fig = ax.figure
    noise = u["cluster"] < 0
    ax.scatter(
        u.loc[noise, "x"], u.loc[noise, "y"], s=8, c="#c8c8c8", linewidths=0, label="_nolegend_"
    )
    colours = _palette(len(c))
    for colour, row in zip(colours, c.itertuples()):
        pts = u[u["cluster"] == row.cluster]
        ax.scatter(pts["x"], pts["y"], s=14, color=colour, linewidths=0, alpha=0.9)
    texts = []
    for colour, row in list(zip(colours, c.itertuples()))[: label_top or len(c)]:
        pts = u[u["cluster"] == row.cluster]
        cx, cy = float(np.median(pts["x"])), float(np.median(pts["y"]))
        texts.append(
            ax.text(
                cx,
                cy,
                row.label,
                fontsize=8,
                ha="center",
                va="center",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "alpha": 0.85},
            )
        )
    _declutter(ax, texts)
    ax.set_title(map_title(len(u), len(c), kind, m.config.language))
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    fig.tight_layout()
    return fig


def _declutter(ax: Any, texts: list) -> None:
    """Push overlapping labels apart (simple deterministic repulsion in display space)."""
    if len(texts) < 2:
        return
    fig = ax.figure
    fig.canvas.draw()
    inv = ax.transData.inverted()
    for _ in range(60):
        boxes = [t.get_window_extent().expanded(1.05, 1.15) for t in texts]
        moved = False
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                a, b = boxes[i], boxes[j]
                if not a.overlaps(b):
                    continue
                dy = (a.y0 + a.y1 - b.y0 - b.y1) / 2 or 1.0
                shift = (min(a.y1, b.y1) - max(a.y0, b.y0)) / 2 + 1
                for t, sgn in ((texts[i], 1), (texts[j], -1)):
                    x, y = ax.transData.transform(t.get_position())
                    t.set_position(inv.transform((x, y + sgn * np.sign(dy) * shift)))
                moved = True
        if not moved:
            break
        fig.canvas.draw()
