"""A self-contained HTML report of a map, in Danish or English.

The report holds the data basis (respondents, answers, units, words, dropped answers), a dot map
per kind, one card per cluster (headline, keywords, size, share, respondents and 3-5 quotes), the
pathways and the four corners when a model was used, and the method and provenance. Figures are
embedded as base64 SVG (or PNG), so the one file can be mailed, opened offline and printed.

Every piece of user text goes through Jinja2's autoescaping: a quote that contains
``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..cluster import DIFFUSE_BELOW
from ..lang import LANGUAGES, kind_name, plural
from ..lang import get as words_of
from ..provenance import cluster_method
from ._format import (
    cluster_colours,
    format_int,
    format_number,
    format_pct,
    layout_caption,
    layout_record,
    map_title,
    no_pathways_reason,
    pathway_axis,
    pathway_table,
)
from .corners_text import corner_table, guessed_kinds
from .plot import _units_text, plot_map, plot_pathways

if TYPE_CHECKING:
    from ..result import WildMap

TEMPLATE_DIR = Path(__file__).parent / "templates"

#: Every word the report prints, per language (from :mod:`wildproblems.lang`).
WORDS: dict[str, dict[str, Any]] = {k: m.REPORT for k, m in LANGUAGES.items()}


def figure_data_uri(fig: Any, fmt: str = "svg", dpi: int = 170) -> str:
    """A matplotlib figure as a ``data:`` URI (SVG or PNG) for an ``<img>`` element."""
    import matplotlib
    import matplotlib.pyplot as plt

    if fmt not in ("svg", "png"):
        raise ValueError(f"image format must be 'svg' or 'png', got {fmt!r}")
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {}
    with matplotlib.rc_context({"svg.hashsalt": "wildproblems", "svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", metadata=meta)
    plt.close(fig)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def cluster_quotes(m: WildMap, cluster_key: str, n: int = 4) -> list[dict[str, str]]:
    """Up to ``n`` quotes of a cluster: its representative quotes first, then its most typical
    other units (highest membership). Each is ``{"text", "respondent", "unit_id"}``."""
    u = m.units
    members = u[u["cluster_key"] == cluster_key]
    by_id = members.set_index("unit_id")
    row = m.clusters.loc[m.clusters["cluster_key"] == cluster_key]
    ids: list[str] = []
    if len(row):
        ids = [str(i) for i in row.iloc[0]["quote_ids"] if str(i) in by_id.index]
    rest = members.sort_values(["membership", "unit_id"], ascending=[False, True], kind="stable")
    ids += [i for i in rest["unit_id"].astype(str) if i not in ids]
    from ..label import quote_key

    unique: dict[str, str] = {}  # no quote twice on a card (units with the same text)
    for i in ids:
        unique.setdefault(quote_key(str(by_id.loc[i, "text"])), i)
    ids = list(unique.values())
    return [
        {
            "text": str(by_id.loc[i, "text"]),
            "respondent": str(by_id.loc[i, "respondent"]),
            "unit_id": i,
        }
        for i in ids[:n]
    ]


def _tile(n: int, noun: str, language: str) -> tuple[str, str]:
    """A count tile: the number and its noun in the right number ("1 respondent")."""
    number, _, word = plural(n, noun, language).partition(" ")
    return number, word


def _basis(m: WildMap, language: str) -> dict[str, Any]:
    w = WORDS[language]
    words = int(m.answers["text"].astype(str).str.split().str.len().sum()) if len(m.answers) else 0
    reasons = m.dropped["reason"].value_counts().items() if len(m.dropped) else iter(())
    per_kind = []
    for row in m.summary().itertuples():
        per_kind.append(
            {
                "kind": kind_name(row.kind, language),
                "units": format_int(int(row.units), language),
                "respondents": format_int(int(row.respondents), language),
                "clusters": format_int(int(row.clusters), language),
                "unclustered": format_pct(float(row.unclustered_share), language),
                "assigned": format_int(int(row.assigned), language),
            }
        )
    guessed = guessed_kinds(m)
    note = ""
    if guessed.any():
        note = (
            words_of(language)
            .GUESSED["note"]
            .format(
                n=format_int(int(guessed.sum()), language),
                total=format_int(len(guessed), language),
            )
        )
        note = " ".join(filter(None, [note, _kinds_note(m, language)]))
    return {
        "guessed": note,
        "tiles": [
            _tile(int(m.units["respondent"].nunique()), "respondent", language),
            _tile(len(m.answers), "answer", language),
            _tile(len(m.units), "unit", language),
            (format_int(words, language), w["words"]),
            (format_int(len(m.dropped), language), w["dropped"]),
        ],
        "dropped": [(str(r), format_int(int(n), language)) for r, n in reasons],
        "per_kind": per_kind,
        "kinds_note": _kinds_note(m, language),
    }


def _kinds_note(m: WildMap, language: str) -> str:
    """The guessed-kinds note with the kind classifier's measured accuracy ('' when given)."""
    measured = (m.provenance.get("kind_classifier") or {}).get("measured")
    if not measured:
        return ""
    return WORDS[language]["kinds_guessed"].format(
        acc=format_pct(float(measured["balanced_accuracy"]), language),
        n=format_int(int(measured["n"]), language),
    )


def _kind_sections(
    m: WildMap, language: str, n_quotes: int, image_format: str, label_top: int | None
) -> list[dict[str, Any]]:
    colours = cluster_colours(m)
    words = words_of(language)
    guessed = guessed_kinds(m)
    out = []
    for k in m.kinds:
        c = m.clusters[m.clusters["kind"] == k]
        u = m.units[m.units["kind"] == k]
        cards = []
        for row in c.itertuples():
            size = int(row.size)
            meta = [
                f"{format_int(size, language)} {kind_name(k, language, 'one' if size == 1 else 'many')}",
                format_pct(float(row.share), language),
                plural(int(row.respondents), "respondent", language),
            ]
            cohesion = float(getattr(row, "cohesion", float("nan")))
            if np.isfinite(cohesion):
                meta.append(f"{WORDS[language]['cohesion']} {format_number(cohesion, 3, language)}")
            n_guessed = int(guessed[(m.units["cluster_key"] == row.cluster_key).to_numpy()].sum())
            if n_guessed:
                meta.append(words.GUESSED["card"].format(n=format_int(n_guessed, language)))
            cards.append(
                {
                    "key": row.cluster_key,
                    "label": str(row.label),
                    "colour": colours[row.cluster_key],
                    "meta": " · ".join(meta),
                    "diffuse": bool(getattr(row, "diffuse", False) is True),
                    "size": format_int(size, language),
                    "share": format_pct(float(row.share), language),
                    "share_width": round(100 * float(row.share), 1),
                    "respondents": format_int(int(row.respondents), language),
                    "keywords": [kw.strip() for kw in str(row.keywords).split(",") if kw.strip()][
                        :8
                    ],
                    "quotes": cluster_quotes(m, row.cluster_key, n_quotes),
                }
            )
        fig = plot_map(
            m,
            k,
            label_top=label_top,
            figsize=(9, 6.5),
            language=language,
            title="",
            fontsize=10,
            caption=False,  # the figure caption below says how the map was drawn
        )
        out.append(
            {
                "kind": k,
                "anchor": f"kind-{k}",
                "name": kind_name(k, language),
                "title": map_title(len(u), len(c), k, language),
                "image": figure_data_uri(fig, image_format),
                "caption": layout_caption(m, language),
                "cards": cards,
                "unit_word": kind_name(k, language, "many"),
            }
        )
    return out


def _pathways(m: WildMap, language: str, image_format: str) -> dict[str, Any] | None:
    """The pathway figure and table; None when the map has none (the report then says why,
    :func:`~._format.no_pathways_reason`)."""
    if m.pathways is None or len(m.pathways) == 0:
        return None
    table = pathway_table(m)
    col = pathway_axis(m.pathways)
    desc = dict(zip(m.pathways["pathway"].astype(str), m.pathways["description"].astype(str)))
    colours = cluster_colours(m)
    rows = []
    for pw, d in table.groupby("pathway", sort=False):
        d = d[d["cluster_key"].notna()].sort_values("weight", ascending=False, kind="stable")
        first = table[table["pathway"] == pw].iloc[0]
        rows.append(
            {
                "name": str(first["name"]),
                "description": desc.get(str(pw), ""),
                "position": format_number(float(first["position"]), 2, language),
                "sort": float(first["position"]),
                "units": _units_text(float(first["pathway_units"]), language),
                "clusters": [
                    {
                        "label": str(r.label),
                        "colour": colours.get(r.cluster_key, "#c4c4c4"),
                        "size": format_int(int(r.size), language),
                        "weight": format_number(float(r.weight), 2, language),
                    }
                    for r in d.itertuples()
                ],
            }
        )
    rows.sort(key=lambda r: r["sort"])
    return {
        "image": figure_data_uri(plot_pathways(m, language=language), image_format),
        "rows": rows,
        "axis": col,
    }


def method_text(m: WildMap, language: str) -> str:
    """The report's method paragraph, written from what the map's provenance says ran.

    >>> import wildproblems as wp
    >>> m = wp.map(wp.corpora.load("faellesskab_2025"), text="text", progress=False)  # doctest: +SKIP
    >>> method_text(m, "en")[:60]  # doctest: +SKIP
    'The answers were split into units (one cause or solution eac'
    """
    w = WORDS[language]
    p = m.provenance
    stages = p.get("stages") or {}
    segmented = (stages.get("segment") or {}).get("enabled", m.config.segment)
    method = cluster_method(p) or m.config.cluster_method
    chosen = [c for c in (p.get("chosen") or {}).values() if isinstance(c, dict) and "method" in c]
    # one phrase per way the size was set, listing each kind's size ("5/7/8 (årsager/...)")
    by_rule: dict[str, list[tuple[str, int]]] = {}
    for kind, c in (p.get("chosen") or {}).items():
        if not isinstance(c, dict) or "method" not in c or c.get("min_cluster_size") is None:
            continue
        given = str(c.get("selection", "")).startswith("given")
        key = "method_size_given" if given else "method_size_chosen"
        by_rule.setdefault(key, []).append((str(kind), int(c["min_cluster_size"])))
    sizes = []
    for key, pairs in by_rule.items():
        size = "/".join(format_int(n, language) for _, n in pairs)
        if len(pairs) > 1:
            size += " (" + "/".join(kind_name(k, language, "many") for k, _ in pairs) + ")"
        sizes.append(w[key].format(size=size))
    layout = stages.get("layout") or {}
    neighbours = sorted({c.get("n_neighbors") for c in chosen if c.get("n_neighbors")})
    parts = [
        w["method_segment"][bool(segmented)],
        w["method_embed"].format(embedder=p.get("embedder", m.config.embedder)),
        w["method_cluster"][method].format(
            sizes="; ".join(dict.fromkeys(sizes)) or "–",
            n_components=m.config.n_components,
        ),
    ]
    if any(c.get("assign_outliers") for c in chosen) or bool(m.units["assigned"].any()):
        parts.append(w["method_assigned"])
    drawn = layout_record(m)
    parts.append(
        w["method_layout_supervised" if drawn["supervised"] else "method_layout"].format(
            n_neighbors="/".join(str(n) for n in neighbours) or layout.get("n_neighbors") or "–",
            seed=p.get("random_state", m.config.random_state),
            weight=format_number(float(drawn["weight"] or 0.0), 1, language),
        )
    )
    if "cohesion" in m.clusters:
        parts.append(
            w["method_cohesion"].format(threshold=format_number(DIFFUSE_BELOW, 2, language))
        )
    label = stages.get("label") or {}
    meaning = label.get("ranking") == "meaning and contrast"
    parts.append(w["method_label_meaning"] if meaning else w["method_label"])
    if label.get("method") == "llm":
        parts.append(w["method_llm"].format(model=label.get("llm_model") or "?"))
    return " ".join(parts)


def _provenance(m: WildMap, language: str) -> dict[str, Any]:
    p = m.provenance
    return {
        "embedder": str(p.get("embedder", "")),
        "seed": str(p.get("random_state", m.config.random_state)),
        "input_hash": str(p.get("input_hash", "")),
        "created": str(p.get("created_utc", "")),
        "chosen": json.dumps(p.get("chosen", {}), indent=2, ensure_ascii=False, default=str),
        "versions": ", ".join(f"{k} {v}" for k, v in (p.get("versions") or {}).items()),
        "settings": json.dumps(
            {k: v for k, v in m.config.to_dict().items() if k not in ("extra",)},
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        "timings": ", ".join(
            f"{k} {format_number(float(v), 1, language)}"
            for k, v in (p.get("timings_s") or {}).items()
        ),
    }


def render_report(
    m: WildMap,
    *,
    language: str | None = None,
    title: str | None = None,
    n_quotes: int = 4,
    image_format: str = "svg",
    label_top: int | None = 30,
) -> str:
    """The report as one HTML string (see :func:`write_report`)."""
    import jinja2

    language = language or m.config.language
    words_of(language)  # a clear error for an unknown language
    if not 1 <= n_quotes <= 20:
        raise ValueError(f"n_quotes must be between 1 and 20, got {n_quotes}")
    w = WORDS[language]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    created = m.provenance.get("created_utc") or datetime.now(timezone.utc).isoformat()
    return env.get_template("report.html").render(
        lang=language,
        w=w,
        title=title or w["title"],
        generated=w["generated"].format(date=str(created)[:10], version=__version__),
        basis=_basis(m, language),
        kinds=_kind_sections(m, language, n_quotes, image_format, label_top),
        pathways=_pathways(m, language, image_format),
        corners=corner_table(m, language),
        pathways_reason=no_pathways_reason(m, language),
        prov=_provenance(m, language),
        method_text=method_text(m, language),
    )


def write_report(
    m: WildMap,
    path: str | Path,
    *,
    language: str | None = None,
    title: str | None = None,
    n_quotes: int = 4,
    image_format: str = "svg",
    label_top: int | None = 30,
) -> Path:
    """Write the self-contained HTML report of ``m`` to ``path``; returns the path.

    Parameters
    ----------
    language:
        ``"da"`` or ``"en"``; defaults to the map's language.
    title:
        The report's heading (default "Kort over et vildt problem" / "Map of a wild problem").
    n_quotes:
        Quotes per cluster (the cluster's representative quotes first, then its most typical
        other units); the default 4 gives 3-5 quotes for every cluster of 4 or more units.
    image_format:
        ``"svg"`` (sharp in print, default) or ``"png"`` for the embedded figures.

    >>> m.report("rapport.html")  # doctest: +SKIP
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(
        render_report(
            m,
            language=language,
            title=title,
            n_quotes=n_quotes,
            image_format=image_format,
            label_top=label_top,
        ),
        encoding="utf-8",
    )
    return p


__all__ = ["WORDS", "cluster_quotes", "figure_data_uri", "render_report", "write_report"]
