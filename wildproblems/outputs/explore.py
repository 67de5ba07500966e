"""Interactive map: one small, self-contained, offline HTML file (also shown in notebooks).

The map is drawn by a few hundred lines of plain JavaScript on a ``<canvas>`` (no library): pan by
dragging, zoom with the wheel, hover a dot for its text, click it to list its cluster's quotes in
the side panel. Above the map, in one bar that wraps and never covers the map: the kind buttons
(causes / solutions ...), a search box, filters by the user's metadata (party, wave ...) that
combine with each other and with the search, and a reset button. Cluster headlines are placed
largest cluster first and a headline that would overlap one already drawn is left out (zoom in
and it appears), so labels never overlap. Diffuse clusters get a dashed frame.

Why not plotly (used until 0.1): its JavaScript alone is 4.8 MB inlined; this page is about
0.25 MB per 1,000 units plus 15 kB of code, so a 1,000-unit map stays far below 1.5 MB.

All user text is escaped: the data the script reads is JSON with ``<``, ``>`` and ``&`` written as
``\\u003c``-escapes, and the script only ever sets ``textContent`` (and draws on the canvas),
never ``innerHTML``, with user text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..lang import LANGUAGES, kind_name, plural
from ..schema import ANSWER_RESERVED, CLASH_PREFIX
from ._format import cluster_colours, format_int, format_pct, map_title, resolve_kind

if TYPE_CHECKING:
    from ..result import WildMap

#: Answer columns that are never offered as filters: the pipeline's own and a corpus's technical
#: columns (line numbers, sources).
_NOT_FILTERS = {*ANSWER_RESERVED, "id", "line", "end_line", "duplicate_lines", "source", "url"}

#: Values that are numbers or lists of numbers ("12", "3; 45", "1.5"): positions, counts or line
#: references, not categories a reader filters by.
_NUMERIC = re.compile(r"^[\d\s,;.:/\-]*$")

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
    """The user's metadata columns worth a filter: 2..``max_values`` distinct values, not one
    per answer, and not numbers or technical columns (line numbers, ``duplicate_lines``,
    ``source``), which are nothing a reader filters by.

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
        if not 2 <= k <= max_values or (k >= n and n > 2):
            continue
        if values.map(lambda v: bool(_NUMERIC.match(v))).all():
            continue
        out.append(col)
    return out


class MapExplorer:
    """The interactive map: ``.data`` (what the page script draws) and the page around it.

    Show it in a notebook (it renders itself), or write it with :meth:`write_html`.

    >>> ex = m.explore()            # doctest: +SKIP
    >>> ex.write_html("kort.html")  # doctest: +SKIP
    """

    def __init__(
        self, data: dict[str, Any], title: str, language: str, uid: str, height: int = 720
    ) -> None:
        self.data = data
        self.title = title
        self.language = language
        self.uid = uid
        self.height = height

    def _fragment(self) -> str:
        """The interactive map as an HTML fragment (controls, canvas, panel and script)."""
        ui = _UI[self.language]
        u = self.uid
        kinds = "".join(
            f'<button type="button" data-kind="{html.escape(k)}">{html.escape(name)}</button>'
            for k, name in self.data["kinds"]
        )
        # __UID__ first, so the data (answers may hold "__UID__") is never touched
        script = _SCRIPT.replace("__UID__", u).replace("__DATA__", script_json(self.data))
        return f"""<div class="wpx" id="{u}">
<style>{_CSS.replace("__UID__", u).replace("__H__", str(self.height))}</style>
<div class="wpx-bar">
  <span class="wpx-kinds" id="{u}-kinds">{kinds}</span>
  <input type="search" id="{u}-q" placeholder="{html.escape(ui["search"])}" aria-label="search">
  <span class="wpx-filters" id="{u}-filters"></span>
  <button type="button" id="{u}-reset">{html.escape(ui["reset"])}</button>
  <span class="wpx-count" id="{u}-count"></span>
</div>
<div class="wpx-main">
  <div class="wpx-plot"><div class="wpx-title" id="{u}-title"></div>
    <canvas id="{u}-canvas" aria-label="map"></canvas>
    <div class="wpx-tip" id="{u}-tip" hidden></div>
    <div class="wpx-foot">{html.escape(ui["zoom_hint"])} {html.escape(self.data["caption"])}</div>
  </div>
  <aside class="wpx-panel" id="{u}-panel"><p class="wpx-hint">{html.escape(ui["hint"])}</p></aside>
</div>
<script>{script}</script>
</div>"""

    def to_html(self) -> str:
        """One self-contained HTML page (works offline: no library, no CDN)."""
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
    label_top: int = 30,
    height: int = 720,
) -> MapExplorer:
    """Interactive map of ``m``: hover, search, filters, click a dot to list its cluster's quotes.

    Parameters
    ----------
    kind:
        The kind shown first (buttons switch between kinds); defaults to the map's first kind.
    filters:
        Metadata columns to filter by; defaults to :func:`filter_columns` (the user's columns
        with 2 to 30 distinct values, such as party or wave).
    path:
        Also write the self-contained HTML page there.
    language:
        ``"da"`` or ``"en"`` for the page's words; defaults to the map's language.
    label_top:
        Headline at most this many clusters of each kind (largest first; a headline that would
        overlap another is shown only when zoomed in).
    height:
        Height of the map in pixels.

    >>> ex = m.explore(path="kort.html")  # doctest: +SKIP
    """
    from ._format import layout_caption

    language = language or m.config.language
    ui = _UI[language]
    kind = resolve_kind(m, kind)
    filters = filter_columns(m) if filters is None else list(filters)
    missing = [f for f in filters if f not in m.units.columns]
    if missing:
        raise ValueError(
            f"no metadata column(s) {missing} to filter by; have {list(m.units.columns)}"
        )
    units = m.units.reset_index(drop=True)
    data = _page_data(m, units, filters, language, label_top)
    data["first"] = kind
    data["caption"] = layout_caption(m, language)
    seed = f"{m.provenance.get('input_hash')}|{len(units)}|{kind}|{language}"
    uid = "wpx" + hashlib.sha1(seed.encode()).hexdigest()[:10]
    page_title = ui["page_title"].format(
        title=ui["title"],
        units=plural(len(units), "unit", language),
        respondents=plural(int(units["respondent"].nunique()), "respondent", language),
    )
    ex = MapExplorer(data, page_title, language, uid, height=height)
    if path is not None:
        ex.write_html(path)
    return ex


def _page_data(
    m: WildMap, units: pd.DataFrame, filters: list[str], language: str, label_top: int
) -> dict[str, Any]:
    """What the page script needs, in compact columns: per-unit coordinates (3 decimals),
    cluster index, text, respondent and filter values (as indices); per-cluster summary; words."""
    ui = _UI[language]
    colours = cluster_colours(m)
    keys: list[str] = []
    clusters: list[dict[str, Any]] = []
    diffuse = (
        dict(zip(m.clusters["cluster_key"], m.clusters["diffuse"].fillna(False).astype(bool)))
        if "diffuse" in m.clusters
        else {}
    )
    for k in m.kinds:
        ck = m.clusters[m.clusters["kind"] == k]
        for rank, c in enumerate(ck.itertuples()):
            keys.append(c.cluster_key)
            clusters.append(
                {
                    "key": c.cluster_key,
                    "label": str(c.label),
                    "colour": colours[c.cluster_key],
                    "kind": k,
                    "meta": " · ".join(
                        [
                            f"{format_int(int(c.size), language)} "
                            f"{ui['unit'] if int(c.size) == 1 else ui['units']}",
                            format_pct(float(c.share), language),
                            plural(int(c.respondents), "respondent", language),
                        ]
                    ),
                    "keywords": str(c.keywords),
                    "diffuse": bool(diffuse.get(c.cluster_key, False)),
                    "labelled": rank < label_top,
                }
            )
        key = f"{k}:-1"
        mask = units["cluster_key"] == key
        keys.append(key)
        clusters.append(
            {
                "key": key,
                "label": f"({ui['unclustered']})",
                "colour": colours.get(key, "#c4c4c4"),
                "kind": k,
                "meta": format_pct(
                    float(mask.sum() / max((units["kind"] == k).sum(), 1)), language
                ),
                "keywords": "",
                "diffuse": False,
                "labelled": False,
            }
        )
    index = {k: i for i, k in enumerate(keys)}
    values = {
        f: sorted(units[f].astype(str).unique().tolist(), key=lambda v: (v == "", v))
        for f in filters
    }
    return {
        "x": np.round(units["x"].to_numpy(dtype=float), 3).tolist(),
        "y": np.round(units["y"].to_numpy(dtype=float), 3).tolist(),
        "c": [index[k] for k in units["cluster_key"].astype(str)],
        "text": units["text"].astype(str).tolist(),
        "respondent": units["respondent"].astype(str).tolist(),
        "meta": {
            f: [values[f].index(v) for v in units[f].astype(str)] if values[f] else []
            for f in filters
        },
        "filters": values,
        "clusters": clusters,
        "kinds": [(k, kind_name(k, language)) for k in m.kinds],
        "titles": {
            k: map_title(
                int((units["kind"] == k).sum()),
                int((m.clusters["kind"] == k).sum()),
                k,
                language,
            )
            for k in m.kinds
        },
        "ui": {
            k: ui[k]
            for k in ("all", "shown", "matches", "units", "respondents", "keywords", "diffuse")
        },
    }


_CSS = """
#__UID__{font:14px system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222}
#__UID__ .wpx-bar{display:flex;flex-wrap:wrap;gap:8px 10px;align-items:center;margin:0 0 8px}
#__UID__ .wpx-kinds{display:inline-flex;border:1px solid #bbb;border-radius:6px;overflow:hidden}
#__UID__ .wpx-kinds button{border:0;border-right:1px solid #bbb;background:#fff;padding:6px 12px;
 font-size:13.5px;cursor:pointer}
#__UID__ .wpx-kinds button:last-child{border-right:0}
#__UID__ .wpx-kinds button.on{background:#33415c;color:#fff}
#__UID__ .wpx-bar input[type=search]{flex:1 1 220px;max-width:380px;padding:6px 10px;
 border:1px solid #bbb;border-radius:6px;font-size:14px}
#__UID__ .wpx-filters{display:inline-flex;flex-wrap:wrap;gap:6px;align-items:center}
#__UID__ .wpx-bar select{padding:5px 6px;border:1px solid #bbb;border-radius:6px;font-size:13px;
 max-width:220px}
#__UID__ .wpx-bar label{color:#555;font-size:13px}
#__UID__ #__UID__-reset{padding:5px 10px;border:1px solid #bbb;border-radius:6px;background:#fff;
 font-size:13px;cursor:pointer}
#__UID__ .wpx-count{color:#666;font-size:13px;margin-left:auto}
#__UID__ .wpx-main{display:flex;gap:12px;align-items:stretch}
#__UID__ .wpx-plot{position:relative;flex:1 1 0;min-width:0}
#__UID__ .wpx-title{font-weight:700;font-size:17px;margin:0 0 4px}
#__UID__ canvas{display:block;width:100%;height:__H__px;border:1px solid #eee;border-radius:6px;
 cursor:grab;touch-action:none}
#__UID__ .wpx-foot{color:#777;font-size:12px;margin-top:4px}
#__UID__ .wpx-tip{position:absolute;pointer-events:none;max-width:360px;background:#fff;
 border:1px solid #ccc;border-radius:6px;padding:6px 8px;font-size:12.5px;line-height:1.4;
 box-shadow:0 2px 8px rgba(0,0,0,.12);z-index:2}
#__UID__ .wpx-tip b{display:block;margin-bottom:2px}
#__UID__ .wpx-tip i{display:block;color:#777;margin-top:2px}
#__UID__ .wpx-panel{flex:0 0 330px;max-height:calc(__H__px + 30px);overflow-y:auto;
 border-left:1px solid #e2e2e2;padding:4px 4px 4px 14px;line-height:1.45}
#__UID__ .wpx-panel h3{margin:4px 0 4px;font-size:16px}
#__UID__ .wpx-panel .wpx-meta{color:#666;font-size:12.5px;margin:0 0 10px}
#__UID__ .wpx-panel blockquote{margin:0 0 10px;padding:6px 10px;border-left:3px solid #ccc;
 background:#fafafa}
#__UID__ .wpx-panel cite{display:block;color:#777;font-size:12px;font-style:normal;margin-top:2px}
#__UID__ .wpx-hint{color:#777}
@media (max-width:900px){#__UID__ .wpx-main{flex-direction:column}
 #__UID__ .wpx-panel{flex-basis:auto;border-left:0;border-top:1px solid #e2e2e2}}
"""

# The page script: draws the dots and headlines on the canvas, pans and zooms, hovers and
# clicks, and runs the kind buttons, search and filters. User text is only ever set with
# textContent or drawn on the canvas.
_SCRIPT = r"""
(function(){
var D = __DATA__, uid = '__UID__', N = D.x.length, C = D.clusters;
function $(s){ return document.getElementById(uid + s); }
var cv = $('-canvas'), ctx = cv.getContext('2d'), tip = $('-tip'), panel = $('-panel');
var q = $('-q'), count = $('-count'), title = $('-title'), sel = {};
var kind = D.first, view = null, ok = new Uint8Array(N), drag = null, placed = [], nKind = 0;
var members = C.map(function(){ return []; });
for (var m = 0; m < N; m++) members[D.c[m]].push(m);
function el(tag, text, cls){ var e = document.createElement(tag);
  if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
Object.keys(D.filters).forEach(function(f){
  var s = el('select'); s.appendChild(new Option(D.ui.all, ''));
  D.filters[f].forEach(function(v, i){ s.appendChild(new Option(v === '' ? '–' : v, String(i))); });
  s.addEventListener('change', apply); sel[f] = s;
  $('-filters').appendChild(el('label', f + ':')); $('-filters').appendChild(s);
});
var buttons = Array.prototype.slice.call($('-kinds').querySelectorAll('button'));
if (buttons.length < 2) $('-kinds').hidden = true;
buttons.forEach(function(b){ b.addEventListener('click', function(){ setKind(b.dataset.kind); }); });
function inKind(i){ return C[D.c[i]].kind === kind; }
function fit(){
  var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (var i = 0; i < N; i++){ if (!inKind(i)) continue;
    x0 = Math.min(x0, D.x[i]); x1 = Math.max(x1, D.x[i]); y0 = Math.min(y0, D.y[i]); y1 = Math.max(y1, D.y[i]); }
  if (!isFinite(x0)){ x0 = y0 = 0; x1 = y1 = 1; }
  var w = cv.clientWidth, h = cv.clientHeight, pad = 40;
  var s = Math.min((w - 2 * pad) / ((x1 - x0) || 1), (h - 2 * pad) / ((y1 - y0) || 1));
  view = {s: s, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2};
}
function sx(x){ return cv.clientWidth / 2 + (x - view.cx) * view.s; }
function sy(y){ return cv.clientHeight / 2 - (y - view.cy) * view.s; }
function radius(){ return Math.max(2.5, Math.min(6, 60 / Math.sqrt(nKind + 1))); }
function draw(){
  var dpr = window.devicePixelRatio || 1, w = cv.clientWidth, h = cv.clientHeight;
  if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)){
    cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr); }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, w, h);
  var r = radius(), drawn = 0;
  for (var pass = 0; pass < 2; pass++){
    for (var i = 0; i < N; i++){
      if (!inKind(i) || (pass === 0) !== !ok[i]) continue;
      ctx.globalAlpha = ok[i] ? (D.c[i] >= 0 && C[D.c[i]].key.slice(-3) === ':-1' ? 0.55 : 0.9) : 0.08;
      ctx.fillStyle = C[D.c[i]].colour; ctx.beginPath();
      ctx.arc(sx(D.x[i]), sy(D.y[i]), r, 0, 6.2832); ctx.fill(); drawn++;
    }
  }
  ctx.globalAlpha = 1; labels(); cv.setAttribute('data-drawn', drawn);
}
function labels(){
  // largest cluster first; a headline that would overlap one already drawn is left out
  placed = []; ctx.font = '12px system-ui,-apple-system,Segoe UI,Roboto,sans-serif';
  C.forEach(function(c, ci){
    if (c.kind !== kind || !c.labelled) return;
    var xs = [], ys = [];
    members[ci].forEach(function(i){ if (ok[i]){ xs.push(D.x[i]); ys.push(D.y[i]); } });
    if (!xs.length) return;
    xs.sort(function(a, b){ return a - b; }); ys.sort(function(a, b){ return a - b; });
    var px = sx(xs[xs.length >> 1]), py = sy(ys[ys.length >> 1]);
    var text = c.label.length > 38 ? c.label.slice(0, 36) + '…' : c.label;
    var w = ctx.measureText(text).width + 10, h = 18;
    var up = sy(ys[ys.length - 1]) - py - h / 2 - 4, down = sy(ys[0]) - py + h / 2 + 4;
    var spots = [[0, up], [0, down], [w / 2 + 8, 0], [-w / 2 - 8, 0], [0, up - h], [0, down + h], [0, 0]];
    for (var k = 0; k < spots.length; k++){
      var bx = px + spots[k][0] - w / 2, by = py + spots[k][1] - h / 2;
      if (bx < 2 || by < 2 || bx + w > cv.clientWidth - 2 || by + h > cv.clientHeight - 2) continue;
      var clash = placed.some(function(p){ return bx < p[0] + p[2] && p[0] < bx + w && by < p[1] + p[3] && p[1] < by + h; });
      if (clash) continue;
      placed.push([bx, by, w, h, ci]);
      ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.strokeStyle = c.colour; ctx.lineWidth = 1.3;
      ctx.setLineDash(c.diffuse ? [4, 3] : []);
      ctx.beginPath(); ctx.rect(bx, by, w, h); ctx.fill(); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#222'; ctx.textBaseline = 'middle'; ctx.fillText(text, bx + 5, by + h / 2);
      break;
    }
  });
  cv.setAttribute('data-labels', JSON.stringify(placed.map(function(p){
    return [Math.round(p[0]), Math.round(p[1]), Math.round(p[2]), p[3]]; })));
}
function matches(i, needle){
  for (var f in sel){ if (sel[f].value !== '' && String(D.meta[f][i]) !== sel[f].value) return false; }
  if (!needle) return true;
  return (D.text[i] + ' ' + D.respondent[i] + ' ' + C[D.c[i]].label).toLowerCase().indexOf(needle) >= 0;
}
function apply(){
  var needle = q.value.trim().toLowerCase(), shown = 0, total = 0, hits = [];
  for (var i = 0; i < N; i++){
    ok[i] = matches(i, needle) ? 1 : 0;
    if (inKind(i)){ total++; if (ok[i]){ shown++; if (needle) hits.push(i); } }
  }
  count.textContent = D.ui.shown.replace('{n}', shown).replace('{total}', total);
  if (needle) listUnits(D.ui.matches.replace('{n}', hits.length), '', hits);
  draw();
}
function setKind(k){
  kind = k; title.textContent = D.titles[k];
  nKind = 0; for (var i = 0; i < N; i++) if (inKind(i)) nKind++;
  buttons.forEach(function(b){ b.classList.toggle('on', b.dataset.kind === k); });
  fit(); apply();
}
function listUnits(head, meta, idx){
  panel.replaceChildren(); panel.appendChild(el('h3', head));
  if (meta) panel.appendChild(el('p', meta, 'wpx-meta'));
  idx.slice(0, 300).forEach(function(i){
    var b = el('blockquote', D.text[i]); b.appendChild(el('cite', D.respondent[i])); panel.appendChild(b);
  });
}
function showCluster(ci){
  var c = C[ci], needle = q.value.trim().toLowerCase(), idx = [];
  for (var i = 0; i < N; i++){ if (D.c[i] === ci && matches(i, needle)) idx.push(i); }
  var meta = c.meta + (c.diffuse ? ' · ' + D.ui.diffuse : '')
    + (c.keywords ? ' · ' + D.ui.keywords + ': ' + c.keywords : '');
  listUnits(c.label, meta, idx);
}
function nearest(mx, my){
  var best = -1, bd = Math.pow(radius() + 4, 2);
  for (var i = 0; i < N; i++){ if (!inKind(i) || !ok[i]) continue;
    var dx = sx(D.x[i]) - mx, dy = sy(D.y[i]) - my, d = dx * dx + dy * dy;
    if (d < bd){ bd = d; best = i; } }
  return best;
}
function pos(ev){ var r = cv.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
cv.addEventListener('pointerdown', function(ev){ var p = pos(ev);
  drag = {x: p[0], y: p[1], cx: view.cx, cy: view.cy, moved: false}; cv.setPointerCapture(ev.pointerId); });
cv.addEventListener('pointermove', function(ev){
  var p = pos(ev);
  if (drag){ var dx = p[0] - drag.x, dy = p[1] - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.cx = drag.cx - dx / view.s; view.cy = drag.cy + dy / view.s; tip.hidden = true; draw(); return; }
  var i = nearest(p[0], p[1]);
  if (i < 0){ tip.hidden = true; return; }
  tip.replaceChildren(el('b', C[D.c[i]].label));
  tip.appendChild(document.createTextNode(D.text[i].length > 600 ? D.text[i].slice(0, 599) + '…' : D.text[i]));
  tip.appendChild(el('i', D.respondent[i]));
  tip.style.left = Math.min(p[0] + 14, cv.clientWidth - 370) + 'px'; tip.style.top = (p[1] + 40) + 'px';
  tip.hidden = false;
});
cv.addEventListener('pointerup', function(ev){
  if (drag && !drag.moved){ var p = pos(ev), i = nearest(p[0], p[1]); if (i >= 0) showCluster(D.c[i]); }
  drag = null; });
cv.addEventListener('pointerleave', function(){ tip.hidden = true; });
cv.addEventListener('wheel', function(ev){
  ev.preventDefault(); var p = pos(ev), f = Math.exp(-ev.deltaY * 0.0015);
  var wx = view.cx + (p[0] - cv.clientWidth / 2) / view.s, wy = view.cy - (p[1] - cv.clientHeight / 2) / view.s;
  view.s *= f; view.cx = wx - (p[0] - cv.clientWidth / 2) / view.s; view.cy = wy + (p[1] - cv.clientHeight / 2) / view.s;
  draw(); }, {passive: false});
$('-reset').addEventListener('click', function(){ fit(); draw(); });
q.addEventListener('input', apply);
window.addEventListener('resize', function(){ fit(); draw(); });
// deep links: #kind=solution&q=text&cluster=<kind>:<n>&<filter>=<value> (a way to share a view)
var h = new URLSearchParams((window.location.hash || '').slice(1));
if (h.get('kind') && D.titles[h.get('kind')]) kind = h.get('kind');
if (h.get('q')) q.value = h.get('q');
for (var f in sel){ var v = h.get(f); if (v !== null){ var j = D.filters[f].indexOf(v); if (j >= 0) sel[f].value = String(j); } }
var want = h.get('cluster');
if (want){ C.forEach(function(c){ if (c.key === want) kind = c.kind; }); }
setKind(kind);
if (want){ C.forEach(function(c, ci){ if (c.key === want) showCluster(ci); }); }
})();
"""
