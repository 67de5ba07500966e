"""The interactive map: offline HTML (plotly.js embedded, no CDN), hover text, filters, search,
cluster quotes, escaping; checked in the file and in headless Chromium."""

from __future__ import annotations

import html
import re

import pytest
from conftest import run_chromium

from wildproblems.outputs.explore import filter_columns, script_json

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_page(real_map, tmp_path_factory):
    path = tmp_path_factory.mktemp("explore") / "kort.html"
    ex = real_map.explore(path=path)
    return ex, path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def unsafe_page(unsafe_map, tmp_path_factory):
    path = tmp_path_factory.mktemp("explore-unsafe") / "kort.html"
    ex = unsafe_map.explore(path=path)
    return ex, path, path.read_text(encoding="utf-8")


def test_self_contained_and_offline(real_page):
    _, _, page = real_page
    assert len(page) > 3_000_000  # plotly.js is inside
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", page, flags=re.I)
    assert "cdn.plot.ly/plotly" not in page.split("Plotly.newPlot")[-1]


def test_hover_has_full_text_respondent_and_cluster(real_page, real_map):
    ex, _, _ = real_page
    hover = [h for tr in ex.figure.data for h in tr.hovertext]
    assert len(hover) == len(real_map.units)
    u = real_map.units.iloc[0]
    mine = next(h for tr in ex.figure.data for h, i in zip(tr.hovertext, tr.customdata) if i == 0)
    flat = html.unescape(mine.replace("<br>", " "))
    assert " ".join(str(u["text"]).split()) in " ".join(flat.split())
    assert str(u["respondent"]) in flat and str(u["label"]) in flat


def test_filters_and_kind_switch(unsafe_page, unsafe_map):
    ex, _, _ = unsafe_page
    assert "parti" in filter_columns(unsafe_map) and "parti" in ex.data["filters"]
    assert set(ex.data["filters"]["parti"]) >= {"A", "V", "+x"}
    menu = ex.figure.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["Årsager", "Løsninger"]
    # each button shows exactly the traces of its kind
    for b, kind in zip(menu.buttons, ["cause", "solution"]):
        vis = b.args[0]["visible"]
        kinds = {
            ex.data["units"]["kind"][tr.customdata[0]] for tr, v in zip(ex.figure.data, vis) if v
        }
        assert kinds == {kind}


def test_user_text_is_escaped(unsafe_page):
    _, _, page = unsafe_page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page or "\\u003cscript\\u003ealert(1)" in page


def test_script_json_cannot_close_the_script():
    assert "</script>" not in script_json(["</script><script>alert(1)</script>"])
    assert "<!--" not in script_json("<!--")


def test_bad_filter_column(real_map):
    with pytest.raises(ValueError, match="no metadata column"):
        real_map.explore(filters=["parti"])


def test_runs_in_chromium_search_and_cluster_quotes(unsafe_page, tmp_path):
    """Load the page headless with a deep link (#q=...&cluster=...): the page script must run,
    filter to the matching unit and list the cluster's quotes as text (escaped)."""
    ex, path, _ = unsafe_page
    units = ex.data["units"]
    i = next(k for k, t in enumerate(units["text"]) if t.startswith("<script>"))
    key = units["cluster"][i]
    dom = run_chromium(
        f"{path.as_uri()}#q=alert&cluster={key}",
        tmp_path,
        "--virtual-time-budget=8000",
        "--dump-dom",
    )
    assert 'class="main-svg"' in dom  # plotly drew the map
    n_kind = sum(k == units["kind"][i] for k in units["kind"])
    assert f"1 af {n_kind} vist" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # listed in the panel, as text
    assert "<script>alert(1)" not in dom


def test_metadata_filter_in_chromium(unsafe_page, tmp_path):
    """#parti=V selects the filter: only party V's units of the shown kind stay visible."""
    ex, path, _ = unsafe_page
    units = ex.data["units"]
    kind = units["kind"][ex.figure.data[0].customdata[0]]
    n_kind = sum(k == kind for k in units["kind"])
    n_v = sum(k == kind and p == "V" for k, p in zip(units["kind"], units["meta"]["parti"]))
    assert 0 < n_v < n_kind
    dom = run_chromium(
        f"{path.as_uri()}#parti=V", tmp_path, "--virtual-time-budget=8000", "--dump-dom"
    )
    assert f"{n_v} af {n_kind} vist" in dom
