"""The HTML report: self-contained, Danish or English, every section present, user text escaped,
and rendered in headless Chromium to a PNG that is not blank."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from conftest import find_chromium, run_chromium
from PIL import Image

from wildproblems.lang import format_number, format_pct, kind_name, plural
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
        assert f"{c.size} {kind_name(c.kind, 'da', 'one' if c.size == 1 else 'many')}" in card
        # plurals follow the count: "1 respondent", "2 respondenter"
        assert plural(int(c.respondents), "respondent", "da") in card
        assert ("diffus" in card) == bool(c.diffuse)
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
    assert WORDS["da"]["pathways_none"] not in page


def test_corners_in_one_language_with_names_not_ids(report_da, modelled_map, tmp_path):
    """Every corner, measure and method in Danish (the table's English strings never leak), the
    model's sector and level names instead of their ids, and Danish numbers."""
    from wildproblems.lang import da, en

    _, page = report_da
    section = page.split('id="corners"')[1].split("</section>")[0]
    for name in da.CORNERS["names"].values():
        assert f"<td>{name}</td>" in section
    for english in ("units of kind", "clusters found", "mean of the", "exp(Shannon entropy"):
        assert english not in section
    spec = modelled_map.model_spec
    touched = set(modelled_map.units["sector"]) | set(modelled_map.units["level"])
    for facet in [*spec.sectors, *spec.levels]:
        if facet.id in touched:
            assert html.escape(facet.name) in section
            assert f"{facet.id} " not in section  # ids never shown
    index = modelled_map.corners.set_index("measure").loc["index", "value"]
    assert format_number(index, 3, "da") in section
    en_page = modelled_map.report(str(tmp_path / "en.html"), language="en").read_text()
    en_section = en_page.split('id="corners"')[1].split("</section>")[0]
    for name in en.CORNERS["names"].values():
        assert f"<td>{name}</td>" in en_section
    assert "Årsager" not in en_section and "klynger" not in en_page


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


def _generic_without_pathways(m):
    """``m`` as a generic-model map on which too few clusters were found to propose pathways."""
    import dataclasses

    from wildproblems.model.spec import load_model

    prov = {**m.provenance, "model": {"proposed": {"skipped": "only 2 clusters (need 3)"}}}
    return dataclasses.replace(
        m, pathways=m.pathways.iloc[0:0], model_spec=load_model("generic"), provenance=prov
    )


def test_generic_model_without_pathways_says_why(modelled_map, tmp_path):
    from wildproblems.outputs.plot import plot_pathways

    g = _generic_without_pathways(modelled_map)
    page = g.report(str(tmp_path / "r.html")).read_text()
    section = page.split('id="pathways"')[1].split("</section>")[0]
    assert WORDS["da"]["pathways_none"] not in section  # "Ingen model givet" would be wrong
    n = int((modelled_map.clusters["kind"] == "solution").sum())
    assert f"dette kort har {n}" in section and "mindst 3 klynger af løsninger" in section
    with pytest.raises(ValueError, match=f"at least 3 clusters of solutions; this map has {n}"):
        plot_pathways(g)


def test_guessed_kinds_are_flagged_with_the_measured_accuracy(modelled_map, tmp_path):
    import dataclasses

    units = modelled_map.units.copy()
    units["kind_source"] = np.where(np.arange(len(units)) % 4 == 0, "classified", "given")
    from wildproblems.model.kind_model import provenance_for

    info = provenance_for(modelled_map.provenance["embedder"])
    prov = {**modelled_map.provenance, "kind_classifier": info}
    g = dataclasses.replace(modelled_map, units=units, provenance=prov)
    page = g.report(str(tmp_path / "r.html")).read_text()
    n = int((units["kind_source"] == "classified").sum())
    measured = format_pct(info["measured"]["balanced_accuracy"], "da")
    assert f"{n} af {len(units)} tekststykkers type" in page and measured in page
    assert "gættet" in page.split("<article")[1].split("</article>")[0]
    plain = modelled_map.report(str(tmp_path / "p.html")).read_text()
    assert "gættet" not in plain


def test_unmeasured_corner_is_said_and_left_out(modelled_map, tmp_path):
    import dataclasses

    c = modelled_map.corners.copy()
    scale = (c["corner"] == "scale") & (c["measure"] == "score")
    c.loc[scale, ["value", "score"]] = np.nan
    c.loc[scale, "method"] = "not measured: the model defines no sectors or levels"
    c.loc[c["measure"] == "index", "method"] = "mean of the measured corner scores"
    g = dataclasses.replace(modelled_map, corners=c)
    page = g.report(str(tmp_path / "r.html"), language="da").read_text()
    section = page.split('id="corners"')[1].split("</section>")[0]
    assert "ikke målt: modellen definerer ingen sektorer eller niveauer" in section
    assert "ikke målt og udeladt: skala" in section


def test_report_says_how_the_map_was_drawn(report_da, modelled_map):
    from wildproblems.outputs._format import layout_caption
    from wildproblems.outputs.report import method_text

    _, page = report_da
    assert html.escape(layout_caption(modelled_map, "da")) in page  # under every map
    assert "vægt 0,5" in layout_caption(modelled_map, "da")
    text = method_text(modelled_map, "en")
    assert "after clustering, with the clusters as its target (weight 0.5)" in text
    assert "diffuse" in text


def test_method_text_names_each_kinds_size_once(modelled_map):
    from wildproblems.outputs.report import method_text

    chosen = modelled_map.provenance["chosen"]
    sizes = "/".join(str(chosen[k]["min_cluster_size"]) for k in ("cause", "solution"))
    text = method_text(modelled_map, "da")
    assert f"mindste klyngestørrelse {sizes} (årsager/løsninger)" in text
    assert text.count("mindste klyngestørrelse") == 1
