"""The HTML report: self-contained, Danish or English, every section present, user text escaped,
and rendered in headless Chromium to a PNG that is not blank."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from conftest import find_chromium, run_chromium
from PIL import Image

from wildproblems.lang import format_number, kind_name
from wildproblems.outputs.report import WORDS, cluster_quotes

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report_da(modelled_map, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "rapport.html"
    modelled_map.report(str(path))
    return path, path.read_text(encoding="utf-8")


def test_self_contained(report_da):
    _, page = report_da
    assert not re.search(r"<(script|link|iframe)\b", page, flags=re.I)
    srcs = re.findall(r'<img src="([^"]{0,40})', page)
    assert srcs and all(s.startswith("data:image/svg+xml;base64,") for s in srcs)


def test_danish_sections_and_numbers(report_da, modelled_map):
    _, page = report_da
    w = WORDS["da"]
    for heading in (w["basis"], w["pathways"], w["corners"], w["method"], w["cluster_cards"]):
        assert f">{heading}<" in page or f">{heading}:" in page
    assert '<html lang="da">' in page
    for kind in modelled_map.kinds:
        n_units = int((modelled_map.units["kind"] == kind).sum())
        n_clusters = int((modelled_map.clusters["kind"] == kind).sum())
        assert f"{n_units} {kind_name(kind, 'da', 'many')} i {n_clusters} klynger" in page
    words = int(modelled_map.answers["text"].str.split().str.len().sum())
    assert f">{words:,}<".replace(",", ".") in page  # Danish thousands separator
    assert modelled_map.provenance["embedder"] in page


def test_cluster_cards_have_headline_keywords_size_share_and_quotes(report_da, modelled_map):
    _, page = report_da
    for c in modelled_map.clusters.itertuples():
        card = page.split(f'id="cluster-{c.cluster_key.replace(":", "-")}"')[1].split("</article>")[
            0
        ]
        assert str(c.label) in card
        assert str(c.keywords).split(",")[0].strip() in card
        assert f"{c.size} {kind_name(c.kind, 'da', 'many')}" in card
        quotes = re.findall(r"<blockquote>", card)
        assert min(3, c.size) <= len(quotes) <= 5


def test_pathways_and_corners(report_da, modelled_map):
    _, page = report_da
    for p in modelled_map.pathways.itertuples():
        assert html.escape(p.name) in page and html.escape(p.description) in page
        position = modelled_map.pathways.set_index("pathway").loc[
            p.pathway, "axis:afvikling-udvikling"
        ]
        assert format_number(position, 2, "da") in page  # real minus sign, decimal comma
    for c in modelled_map.corners.itertuples():
        assert html.escape(re.split("['\"]", c.method)[0]) in page
    assert WORDS["da"]["pathways_none"] not in page


def test_no_model_says_so_in_english(real_map, tmp_path):
    page = real_map.report(str(tmp_path / "report.html"), language="en").read_text()
    assert '<html lang="en">' in page
    assert WORDS["en"]["pathways_none"] in page and WORDS["en"]["corners_none"] in page
    assert "Data basis" in page and "statements in" in page


def test_quotes_representative_first(real_map):
    c = real_map.clusters.iloc[0]
    qs = cluster_quotes(real_map, c["cluster_key"], 5)
    assert [q["text"] for q in qs[: len(c["quotes"])]] == list(c["quotes"])
    assert len({q["unit_id"] for q in qs}) == len(qs)


def test_user_text_is_escaped(unsafe_map, tmp_path):
    page = unsafe_map.report(str(tmp_path / "r.html"), n_quotes=20).read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_png_figures_option(real_map, tmp_path):
    page = real_map.report(str(tmp_path / "r.html"), image_format="png").read_text()
    assert "data:image/png;base64," in page
    with pytest.raises(ValueError, match="'svg' or 'png'"):
        real_map.report(str(tmp_path / "r.html"), image_format="gif")


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")
def test_renders_in_headless_chromium(report_da, tmp_path):
    path, _ = report_da
    png = tmp_path / "report.png"
    run_chromium(path.as_uri(), tmp_path, f"--screenshot={png}", "--window-size=1280,4000")
    assert png.exists()
    with Image.open(png) as im:
        assert im.size == (1280, 4000)
        px = np.asarray(im.convert("L"), dtype=float)
    # not blank: the page has dark text, coloured figures and a light background
    assert px.std() > 20
    assert (px < 80).mean() > 0.002  # ink
    assert (px > 230).mean() > 0.5  # paper


def test_method_text_says_what_ran(real_map):
    """The method paragraph is written from the map's provenance: Ward when Ward ran, HDBSCAN
    when HDBSCAN ran, the chosen (or given) sizes, and the embedder."""
    import dataclasses

    from wildproblems.outputs.report import method_text

    da, en = method_text(real_map, "da"), method_text(real_map, "en")
    assert "Ward" in en and "HDBSCAN" in en and "UMAP and clustered with HDBSCAN" not in en
    assert "reduceret med UMAP og grupperet med HDBSCAN" not in da and "Ward-hierarki" in da
    assert real_map.provenance["embedder"] in en
    size = real_map.provenance["chosen"]["all"]["min_cluster_size"]
    assert f"minimum cluster size {size}, chosen" in en
    chosen = {
        k: {**v, "method": "hdbscan", "selection": "given"}
        for k, v in real_map.provenance["chosen"].items()
    }
    prov = {**real_map.provenance, "chosen": chosen, "stages": {"cluster": {"method": "hdbscan"}}}
    other = dataclasses.replace(real_map, provenance=prov)
    text = method_text(other, "en")
    assert "clustered with HDBSCAN" in text and "Ward" not in text
    assert f"minimum cluster size {size}, given by the user" in text
