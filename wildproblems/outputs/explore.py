"""Interactive map: a plotly scatter map for notebooks and one self-contained, offline HTML file.

The map itself is plotly's (hover, zoom, pan, legend, a menu to switch kind). A small script
around it adds what plotly has no widget for: a search box, filters by metadata (party, wave...)
that combine with each other and with the search, and a side panel that lists a cluster's quotes
when a dot is clicked. plotly.js is embedded in the file (no CDN), so the page works offline.

Why plotly and not datamapplot: datamapplot's interactive page loads deck.gl and fonts from a CDN
unless an offline bundle has been downloaded once from the internet, and it brings a large stack
of dependencies; plotly embeds its whole JavaScript library in the HTML and is already a
dependency.

All user text is escaped: hover text goes through :func:`html.escape`, the data the script reads
is JSON with ``<``, ``>`` and ``&`` written as ``\\u003c``-escapes, and the script only ever sets
``textContent``, never ``innerHTML``, with user text.
"""

from __future__ import annotations

import hashlib
import html
import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..lang import LANGUAGES, kind_name
from ..schema import ANSWER_RESERVED, CLASH_PREFIX
from ._format import cluster_colours, format_int, format_pct, map_title, resolve_kind

if TYPE_CHECKING:
    from ..result import WildMap

#: Answer columns that are never offered as filters.
_NOT_FILTERS = {*ANSWER_RESERVED, "id", "line", "end_line"}

#: Words of the page, per language (from :mod:`wildproblems.lang`).
_UI = {k: m.EXPLORE for k, m in LANGUAGES.items()}


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` characters).

    >>> script_json({"t": "</script><b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return (
        json.dumps(value, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        # placeholders that plotly (post_script) and explore fill in: never inside the data
        .replace("{plot_id}", "\\u007bplot_id}")
        .replace("__UID__", "\\u005f_UID__")
    )


def filter_columns(m: WildMap, max_values: int = 30) -> list[str]:
    """Metadata columns worth a filter: 2..``max_values`` distinct values, not one per answer.

    >>> filter_columns(m)  # doctest: +SKIP
    ['parti', 'wave']
    """
    out = []
    n = len(m.answers)
    for col in m.answers.columns:
        if col in _NOT_FILTERS or str(col).removeprefix(CLASH_PREFIX) in _NOT_FILTERS:
            continue
        values = m.answers[col].astype(str)
        k = values.nunique()
        if 2 <= k <= max_values and (k < n or n <= 2):
            out.append(col)
    return out


def _hover(text: str, width: int = 70, max_chars: int = 1500) -> str:
    """Escaped, wrapped text for a plotly hover label (``<br>`` between lines)."""
    t = str(text)
    if len(t) > max_chars:
        t = t[: max_chars - 1] + "…"
    return "<br>".join(html.escape(line) for line in textwrap.wrap(t, width=width)) or ""


class MapExplorer:
    """The interactive map: ``.figure`` (a plotly Figure) plus the page around it.

    Show it in a notebook (it renders itself), or write it with :meth:`write_html`.

    >>> ex = m.explore()            # doctest: +SKIP
    >>> ex.write_html("kort.html")  # doctest: +SKIP
    """

    def __init__(
        self, figure: Any, data: dict[str, Any], title: str, language: str, uid: str
    ) -> None:
        self.figure = figure
        self.data = data
        self.title = title
        self.language = language
        self.uid = uid

    def _fragment(self) -> str:
        """The interactive map as an HTML fragment (plotly.js inline, script, controls)."""
        ui = _UI[self.language]
        u = self.uid
        plot = self.figure.to_html(
            full_html=False,
            include_plotlyjs=True,
            include_mathjax=False,
            # __UID__ first, so the data (answers may hold "__UID__") is never touched
            post_script=_SCRIPT.replace("__UID__", u).replace("__DATA__", script_json(self.data)),
            config={"displaylogo": False, "responsive": True, "scrollZoom": True},
            default_width="100%",
            default_height="720px",
        )
        return f"""<div class="wpx" id="{u}">
<style>{_CSS.replace("__UID__", u)}</style>
<div class="wpx-bar">
  <input type="search" id="{u}-q" placeholder="{html.escape(ui["search"])}" aria-label="search">
  <span id="{u}-filters"></span>
  <span class="wpx-count" id="{u}-count"></span>
</div>
<div class="wpx-main">
  <aside class="wpx-panel" id="{u}-panel"><p class="wpx-hint">{html.escape(ui["hint"])}</p></aside>
  <div class="wpx-plot">{plot}</div>
</div>
</div>"""

    def to_html(self) -> str:
        """One self-contained HTML page (works offline: plotly.js is embedded, no CDN)."""
        lang = html.escape(self.language)
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(self.title)}</title>\n"
            "<style>body{margin:0;padding:16px 20px;font-family:system-ui,-apple-system,"
            "'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222;background:#fff}"
            "h1{font-size:20px;margin:0 0 10px}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(self.title)}</h1>\n{self._fragment()}\n</body>\n</html>\n"
        )

    def write_html(self, path: str | Path) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8); returns the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.to_html(), encoding="utf-8")
        return p

    def _repr_html_(self) -> str:
        return self._fragment()


def explore(
    m: WildMap,
    kind: str | None = None,
    filters: list[str] | None = None,
    *,
    path: str | Path | None = None,
    language: str | None = None,
    label_top: int = 20,
    height: int = 720,
) -> MapExplorer:
    """Interactive map of ``m``: hover, search, filters, click a dot to list its cluster's quotes.

    Parameters
    ----------
    kind:
        The kind shown first (a menu switches between kinds); defaults to the map's first kind.
    filters:
        Metadata columns to filter by; defaults to :func:`filter_columns` (columns with 2 to 30
        distinct values, such as party or wave).
    path:
        Also write the self-contained HTML page there.
    language:
        ``"da"`` or ``"en"`` for the page's words; defaults to the map's language.
    label_top:
        Put the headlines of this many largest clusters of each kind on the map.

    >>> ex = m.explore(path="kort.html")  # doctest: +SKIP
    """
    import plotly.graph_objects as go

    language = language or m.config.language
    ui = _UI[language]
    kind = resolve_kind(m, kind)
    filters = filter_columns(m) if filters is None else list(filters)
    missing = [f for f in filters if f not in m.units.columns]
    if missing:
        raise ValueError(
            f"no metadata column(s) {missing} to filter by; have {list(m.units.columns)}"
        )
    colours = cluster_colours(m)
    units = m.units.reset_index(drop=True)
    clusters = m.clusters.set_index("cluster_key")
    big = len(units) > 5000
    Scatter = go.Scattergl if big else go.Scatter

    traces: list[Any] = []
    trace_kind: list[str] = []
    annotations: dict[str, list[dict[str, Any]]] = {}
    titles: dict[str, str] = {}
    for k in m.kinds:
        uk = units[units["kind"] == k]
        ck = m.clusters[m.clusters["kind"] == k]
        titles[k] = map_title(len(uk), len(ck), k, language)
        keys = ck["cluster_key"].tolist() + [f"{k}:-1"]
        annotations[k] = []
        for key in keys:
            pts = uk[uk["cluster_key"] == key]
            if not len(pts):
                continue
            clustered = not key.endswith(":-1")
            name = str(clusters.loc[key, "label"]) if clustered else f"({ui['unclustered']})"
            hover = [
                f"<b>{html.escape(str(lab))}</b><br>{_hover(t)}<br><i>{html.escape(str(r))}</i>"
                for lab, t, r in zip(pts["label"], pts["text"], pts["respondent"])
            ]
            traces.append(
                Scatter(
                    x=pts["x"].tolist(),
                    y=pts["y"].tolist(),
                    mode="markers",
                    name=_hover(name, 40)
                    + (f" ({format_int(len(pts), language)})" if clustered else ""),
                    marker={
                        "color": colours.get(key, "#c4c4c4"),
                        "size": 7 if len(units) < 2000 else 5,
                        "opacity": 0.9 if clustered else 0.6,
                        "line": {"width": 0},
                    },
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                    customdata=pts.index.tolist(),
                    visible=k == kind,
                    legendrank=1000 if not clustered else None,
                )
            )
            trace_kind.append(k)
            if clustered and len(annotations[k]) < label_top:
                annotations[k].append(
                    {
                        "x": float(pts["x"].median()),
                        "y": float(pts["y"].median()),
                        "text": _hover(name, 24),
                        "showarrow": False,
                        "font": {"size": 11, "color": "#222"},
                        "bgcolor": "rgba(255,255,255,0.85)",
                        "bordercolor": colours.get(key, "#c4c4c4"),
                        "borderwidth": 1,
                        "borderpad": 2,
                    }
                )

    fig = go.Figure(traces)
    fig.update_layout(
        title={"text": html.escape(titles[kind]), "x": 0.01},
        annotations=annotations[kind],
        template="simple_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        hoverlabel={"bgcolor": "white", "font": {"size": 12}, "align": "left"},
        legend={"itemsizing": "constant", "font": {"size": 11}},
        dragmode="pan",
    )
    if len(m.kinds) > 1:
        fig.update_layout(
            updatemenus=[
                {
                    "type": "buttons",
                    "direction": "right",
                    "x": 1.0,
                    "xanchor": "right",
                    "y": 1.07,
                    "yanchor": "bottom",
                    "active": m.kinds.index(kind),
                    "buttons": [
                        {
                            "label": kind_name(k, language),
                            "method": "update",
                            "args": [
                                {"visible": [tk == k for tk in trace_kind]},
                                {
                                    "title.text": html.escape(titles[k]),
                                    "annotations": annotations[k],
                                },
                            ],
                        }
                        for k in m.kinds
                    ],
                }
            ]
        )
    data = _page_data(m, units, filters, language)
    seed = f"{m.provenance.get('input_hash')}|{len(units)}|{kind}|{language}"
    uid = "wpx" + hashlib.sha1(seed.encode()).hexdigest()[:10]
    n_resp = units["respondent"].nunique()
    page_title = (
        f"{ui['title']}: {format_int(len(units), language)} "
        + ("tekststykker fra" if language == "da" else "units from")
        + f" {format_int(n_resp, language)} respondent"
        + ("er" if language == "da" and n_resp != 1 else "s" if n_resp != 1 else "")
    )
    ex = MapExplorer(fig, data, page_title, language, uid)
    if path is not None:
        ex.write_html(path)
    return ex


def _page_data(
    m: WildMap, units: pd.DataFrame, filters: list[str], language: str
) -> dict[str, Any]:
    """What the page script needs: per-unit text and metadata, per-cluster summary, UI words."""
    ui = _UI[language]
    clusters = {}
    for c in m.clusters.itertuples():
        clusters[c.cluster_key] = {
            "label": str(c.label),
            "size": int(c.size),
            "share": format_pct(float(c.share), language),
            "respondents": int(c.respondents),
            "keywords": str(c.keywords),
        }
    for k in m.kinds:
        clusters[f"{k}:-1"] = {
            "label": ui["unclustered"],
            "size": int((units["cluster_key"] == f"{k}:-1").sum()),
            "share": format_pct(float((units["cluster_key"] == f"{k}:-1").mean()), language),
            "respondents": int(
                units.loc[units["cluster_key"] == f"{k}:-1", "respondent"].nunique()
            ),
            "keywords": "",
        }
    filter_values = {
        f: sorted(units[f].astype(str).unique().tolist(), key=lambda v: (v == "", v))
        for f in filters
    }
    return {
        "units": {
            "text": units["text"].astype(str).tolist(),
            "respondent": units["respondent"].astype(str).tolist(),
            "cluster": units["cluster_key"].astype(str).tolist(),
            "kind": units["kind"].astype(str).tolist(),
            "meta": {f: units[f].astype(str).tolist() for f in filters},
        },
        "clusters": clusters,
        "filters": filter_values,
        "ui": {k: ui[k] for k in ("all", "shown", "matches", "units", "respondents", "keywords")},
    }


_CSS = """
#__UID__ .wpx-bar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 8px;
 font:14px system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}
#__UID__ .wpx-bar input[type=search]{flex:1 1 260px;max-width:420px;padding:6px 10px;
 border:1px solid #bbb;border-radius:6px;font-size:14px}
#__UID__ .wpx-bar select{padding:5px 6px;border:1px solid #bbb;border-radius:6px;font-size:13px}
#__UID__ .wpx-bar label{color:#555;font-size:13px;margin-left:6px}
#__UID__ .wpx-count{color:#666;font-size:13px;margin-left:auto}
#__UID__ .wpx-main{display:flex;gap:12px;align-items:stretch}
#__UID__ .wpx-plot{order:1;flex:1 1 0;min-width:0}
#__UID__ .wpx-panel{order:2;flex:0 0 330px;max-height:720px;overflow-y:auto;border-left:1px solid #e2e2e2;
 padding:4px 4px 4px 14px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
#__UID__ .wpx-panel h3{margin:4px 0 4px;font-size:16px}
#__UID__ .wpx-panel .wpx-meta{color:#666;font-size:12.5px;margin:0 0 10px}
#__UID__ .wpx-panel blockquote{margin:0 0 10px;padding:6px 10px;border-left:3px solid #ccc;
 background:#fafafa}
#__UID__ .wpx-panel cite{display:block;color:#777;font-size:12px;font-style:normal;margin-top:2px}
#__UID__ .wpx-hint{color:#777}
@media (max-width:900px){#__UID__ .wpx-main{flex-direction:column}
 #__UID__ .wpx-panel{flex-basis:auto;border-left:0;border-top:1px solid #e2e2e2}}
"""

# The page script. plotly's write_html puts it after the plot and replaces {plot_id}. It reads
# the data JSON, builds the search box's and filters' behaviour, dims the points that do not
# match, and lists a cluster's quotes on click. User text is only ever set with textContent.
_SCRIPT = """
(function(){
var gd = document.getElementById('{plot_id}');
var D = __DATA__, U = D.units, uid = '__UID__';
var q = document.getElementById(uid + '-q'), box = document.getElementById(uid + '-filters');
var count = document.getElementById(uid + '-count'), panel = document.getElementById(uid + '-panel');
var sel = {};
function el(tag, text, cls){var e = document.createElement(tag); if (text != null) e.textContent = text;
  if (cls) e.className = cls; return e;}
Object.keys(D.filters).forEach(function(f){
  var lab = el('label', f + ':'); var s = el('select'); s.appendChild(new Option(D.ui.all, ''));
  D.filters[f].forEach(function(v){ s.appendChild(new Option(v === '' ? '–' : v, v)); });
  s.addEventListener('change', apply); sel[f] = s; box.appendChild(lab); box.appendChild(s);
});
function matches(i, needle){
  for (var f in sel){ if (sel[f].value !== '' && U.meta[f][i] !== sel[f].value) return false; }
  if (!needle) return true;
  return (U.text[i] + ' ' + U.respondent[i] + ' ' + D.clusters[U.cluster[i]].label)
    .toLowerCase().indexOf(needle) >= 0;
}
function visibleKind(){
  for (var t = 0; t < gd.data.length; t++){ if (gd.data[t].visible === true && gd.data[t].customdata.length)
    return U.kind[gd.data[t].customdata[0]]; }
  return null;
}
function apply(){
  var needle = q.value.trim().toLowerCase(), kind = visibleKind(), shown = 0, total = 0, hits = [];
  var ops = gd.data.map(function(tr){
    return tr.customdata.map(function(i){
      var ok = matches(i, needle);
      if (U.kind[i] === kind){ total++; if (ok){ shown++; if (needle) hits.push(i); } }
      return ok ? 0.9 : 0.07;
    });
  });
  Plotly.restyle(gd, {'marker.opacity': ops});
  count.textContent = D.ui.shown.replace('{n}', shown).replace('{total}', total);
  if (needle) listUnits(D.ui.matches.replace('{n}', hits.length), '', hits);
}
function listUnits(title, meta, idx){
  panel.replaceChildren(); panel.appendChild(el('h3', title));
  if (meta) panel.appendChild(el('p', meta, 'wpx-meta'));
  idx.slice(0, 300).forEach(function(i){
    var b = el('blockquote', U.text[i]); b.appendChild(el('cite', U.respondent[i])); panel.appendChild(b);
  });
}
function showCluster(key){
  var c = D.clusters[key], needle = q.value.trim().toLowerCase(), idx = [];
  for (var i = 0; i < U.text.length; i++){ if (U.cluster[i] === key && matches(i, needle)) idx.push(i); }
  var meta = c.size + ' ' + D.ui.units + ' · ' + c.share + ' · ' + c.respondents + ' ' + D.ui.respondents
    + (c.keywords ? ' · ' + D.ui.keywords + ': ' + c.keywords : '');
  listUnits(c.label, meta, idx);
}
gd.on('plotly_click', function(ev){ if (ev.points.length) showCluster(U.cluster[ev.points[0].customdata]); });
gd.on('plotly_restyle', function(ev){ if (ev && ev[0] && 'visible' in ev[0]) apply(); });
gd.on('plotly_update', function(){ apply(); });
q.addEventListener('input', apply);
// deep links: #q=text&cluster=<kind>:<n>&<filter>=<value> (also a way to share a view)
var h = new URLSearchParams((window.location.hash || '').slice(1));
if (h.get('q')) q.value = h.get('q');
for (var f in sel){ if (h.get(f) !== null) sel[f].value = h.get(f); }
apply();
if (h.get('cluster') && D.clusters[h.get('cluster')]) showCluster(h.get('cluster'));
})();
"""
