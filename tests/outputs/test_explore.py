"""The interactive map: one small offline HTML file (own canvas renderer, no library, no CDN),
hover data, filters on user metadata only, search, kind buttons, cluster quotes, escaping;
checked in the file and in headless Chromium."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import numpy as np
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


def test_self_contained_offline_and_small(real_page):
    _, _, page = real_page
    assert len(page) < 150_000  # no plotly.js (4.8 MB) inside
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", page, flags=re.I)
    assert "https://" not in page.split("<script>")[1]


def test_a_thousand_unit_map_stays_under_1_5_mb(real_map, tmp_path):
    """1,000 units of 400 characters each (a long survey answer): far below 1.5 MB."""
    rng = np.random.default_rng(0)
    base = real_map.units
    units = base.iloc[rng.integers(0, len(base), 1000)].reset_index(drop=True)
    units["text"] = [("æøå tekst " * 40)[:400] + str(i) for i in range(1000)]
    units["x"] = rng.normal(size=1000)
    units["y"] = rng.normal(size=1000)
    big = dataclasses.replace(real_map, units=units)
    path = big.explore(path=tmp_path / "big.html").write_html(tmp_path / "big.html")
    size = path.stat().st_size
    assert size < 1_500_000
    assert size > 400_000  # the texts are in it


def test_page_data_has_every_unit_with_text_respondent_and_cluster(real_page, real_map):
    ex, _, _ = real_page
    d = ex.data
    assert len(d["x"]) == len(d["text"]) == len(d["c"]) == len(real_map.units)
    u = real_map.units.iloc[0]
    assert d["text"][0] == u["text"] and d["respondent"][0] == str(u["respondent"])
    assert d["clusters"][d["c"][0]]["key"] == u["cluster_key"]
    assert d["clusters"][d["c"][0]]["label"] in (u["label"], f"({'ikke i en klynge'})")
    assert d["x"][0] == pytest.approx(u["x"], abs=1e-3)


def test_filters_only_on_user_metadata(real_map):
    answers = real_map.answers.copy()
    n = len(answers)
    answers["duplicate_lines"] = ["12; 40" if i % 2 else "" for i in range(n)]
    answers["line"] = [str(i % 3) for i in range(n)]
    answers["score"] = [str(i % 4) for i in range(n)]
    answers["parti"] = ["A" if i % 2 else "V" for i in range(n)]
    m = dataclasses.replace(real_map, answers=answers)
    cols = filter_columns(m)
    assert "parti" in cols
    assert not {"duplicate_lines", "line", "score", "answer_id", "text"} & set(cols)


def test_filters_and_kind_buttons(unsafe_page, unsafe_map):
    ex, _, page = unsafe_page
    assert "parti" in filter_columns(unsafe_map) and "parti" in ex.data["filters"]
    assert set(ex.data["filters"]["parti"]) >= {"A", "V", "+x"}
    assert ex.data["kinds"] == [("cause", "Årsager"), ("solution", "Løsninger")]
    assert 'data-kind="cause">Årsager</button>' in page
    # the kind buttons sit in the control bar, above the map, never on it
    bar = page.split('class="wpx-bar"')[1].split('class="wpx-main"')[0]
    assert "wpx-kinds" in bar and "<canvas" not in bar


def test_user_text_is_escaped(unsafe_page):
    _, _, page = unsafe_page
    assert "<script>alert(1)" not in page
    assert "\\u003cscript\\u003ealert(1)" in page


def test_script_json_cannot_close_the_script():
    assert "</script>" not in script_json(["</script><script>alert(1)</script>"])
    assert "<!--" not in script_json("<!--")


def test_bad_filter_column(real_map):
    with pytest.raises(ValueError, match="no metadata column"):
        real_map.explore(filters=["parti"])


def test_runs_in_chromium_search_and_cluster_quotes(unsafe_page, tmp_path):
    """Load the page headless with a deep link (#q=...&cluster=...): the page script must run,
    draw the dots, filter to the matching unit and list the cluster's quotes as text."""
    ex, path, _ = unsafe_page
    d = ex.data
    i = next(k for k, t in enumerate(d["text"]) if t.startswith("<script>"))
    cluster = d["clusters"][d["c"][i]]
    dom = run_chromium(
        f"{path.as_uri()}#q=alert&cluster={cluster['key']}",
        tmp_path,
        "--virtual-time-budget=8000",
        "--dump-dom",
    )
    n_kind = sum(d["clusters"][c]["kind"] == cluster["kind"] for c in d["c"])
    assert re.search(rf'data-drawn="{n_kind}"', dom)  # every dot of the kind was drawn
    assert f"1 af {n_kind} vist" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # listed in the panel, as text
    assert "<script>alert(1)" not in dom


def test_metadata_filter_and_labels_in_chromium(unsafe_page, tmp_path):
    """#parti=V selects the filter: only party V's units of the shown kind stay visible; the
    cluster headlines drawn never overlap (checked by the page's own placement count)."""
    ex, path, _ = unsafe_page
    d = ex.data
    kind = d["first"]
    in_kind = [d["clusters"][c]["kind"] == kind for c in d["c"]]
    v = d["filters"]["parti"].index("V")
    n_kind = sum(in_kind)
    n_v = sum(k and p == v for k, p in zip(in_kind, d["meta"]["parti"]))
    assert 0 < n_v < n_kind
    dom = run_chromium(
        f"{path.as_uri()}#parti=V", tmp_path, "--virtual-time-budget=8000", "--dump-dom"
    )
    assert f"{n_v} af {n_kind} vist" in dom
    boxes = json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', dom).group(1)))
    assert len(boxes) >= 1
    for i, (x0, y0, w0, h0) in enumerate(boxes):  # no two headlines overlap
        for x1, y1, w1, h1 in boxes[i + 1 :]:
            assert x0 + w0 <= x1 + 1 or x1 + w1 <= x0 + 1 or y0 + h0 <= y1 + 1 or y1 + h1 <= y0 + 1
