"""Static figures: the dot map (non-overlapping headlines, counts, print-quality files) and the
pathway figure, made from a real corpus."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from wildproblems.lang import count_title as map_title  # noqa: E402
from wildproblems.lang import format_int, format_number, format_pct  # noqa: E402
from wildproblems.outputs._format import cluster_colours, pathway_table  # noqa: E402
from wildproblems.outputs.plot import place_labels, plot_pathways  # noqa: E402

pytestmark = pytest.mark.integration


def _boxes(fig):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [t.get_bbox_patch().get_window_extent(r) for t in ax.texts if t.get_bbox_patch()]


def test_danish_and_english_numbers():
    assert format_int(1374) == "1.374" and format_int(1374, "en") == "1,374"
    assert format_number(-1234.5, 1) == "\u22121.234,5" and format_number(0.25, 2, "en") == "0.25"
    assert format_pct(0.5) == "50 %" and format_pct(0.5, "en") == "50%"
    assert map_title(1374, 26, "cause") == "1.374 årsager i 26 klynger"
    assert map_title(1053, 16, "solution", "en") == "1,053 solutions in 16 clusters"


def test_dot_map_of_real_corpus(real_map):
    fig = real_map.plot()
    ax = fig.axes[0]
    n_clusters = len(real_map.clusters)
    assert ax.get_title(loc="left") == map_title(len(real_map.units), n_clusters, "all")
    # one scatter for the grey unclustered units and one per cluster, one dot per unit
    offsets = [c.get_offsets() for c in ax.collections]
    assert sum(len(o) for o in offsets) == len(real_map.units)
    labels = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_bbox_patch()]
    assert labels == real_map.clusters["label"].tolist()
    plt.close(fig)


def test_headlines_never_overlap(real_map):
    fig = real_map.plot(figsize=(5, 4))  # small figure: labels must move apart
    boxes = _boxes(fig)
    assert len(boxes) == len(real_map.clusters)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (i, j)
    plt.close(fig)


def test_place_labels_many_labels_on_one_spot_are_spread_deterministically():
    def positions():
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        texts = [f"Klynge nummer {i}" for i in range(12)]
        arts = place_labels(ax, texts, [(5, 5)] * 12, ["#1f77b4"] * 12)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        boxes = [a.get_bbox_patch().get_window_extent(r) for a in arts]
        pos = [a.xyann for a in arts]
        plt.close(fig)
        return boxes, pos

    boxes, pos = positions()
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j])
    assert positions()[1] == pos


@pytest.mark.parametrize(
    "suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_saves_print_quality_files(real_map, tmp_path, suffix, magic):
    path = tmp_path / f"kort{suffix}"
    fig = real_map.plot(path=path)
    plt.close(fig)
    data = path.read_bytes()
    assert data.startswith(magic)
    if suffix == ".png":
        with Image.open(path) as im:
            assert round(im.info["dpi"][0]) == 300
            assert im.size[0] >= 2400  # 10 in at 300 dpi, cropped tight
    if suffix == ".svg":
        assert b"<dc:date>" not in data  # reproducible: no timestamp
        # the same figure twice gives the same file
        again = tmp_path / "again.svg"
        plt.close(real_map.plot(path=again))
        assert again.read_bytes() == data


def test_bad_kind_and_suffix(real_map, tmp_path):
    with pytest.raises(ValueError, match="kind 'cause' is not in this map"):
        real_map.plot("cause")
    with pytest.raises(ValueError, match="use .png, .svg or .pdf"):
        real_map.plot(path=tmp_path / "kort.gif")


def test_english_title(real_map):
    fig = real_map.plot(language="en")
    assert fig.axes[0].get_title(loc="left").endswith(f"in {len(real_map.clusters)} clusters")
    plt.close(fig)


def test_colours_are_stable_and_grey_means_unclustered(real_map):
    colours = cluster_colours(real_map)
    assert colours["all:-1"] == "#c4c4c4"
    assert len({colours[k] for k in real_map.clusters["cluster_key"]}) == len(real_map.clusters)
    assert "#c4c4c4" not in {colours[k] for k in real_map.clusters["cluster_key"]}


def test_pathway_figure(modelled_map, tmp_path):
    fig = modelled_map.plot_pathways(path=tmp_path / "veje.png")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Afvikling", "Udvikling", "Less is more", "New deal"} <= texts
    # each feeding cluster is listed with its size
    table = pathway_table(modelled_map)
    for r in table.dropna(subset=["cluster_key"]).itertuples():
        assert any(t.startswith(str(r.label)[:10]) and f"({r.size})" in t for t in texts)
    # the pathway circles are sized by units: biggest pathway, biggest circle
    sizes = [c.get_sizes()[0] for c in fig.axes[0].collections if len(c.get_offsets()) == 1]
    assert max(sizes) > min(sizes)
    plt.close(fig)
    assert (tmp_path / "veje.png").read_bytes().startswith(b"\x89PNG")


def test_pathway_table_sums_units_and_orders(modelled_map):
    m = modelled_map
    t = pathway_table(m)
    size = dict(zip(m.clusters["cluster_key"], m.clusters["size"]))
    pathways = m.pathways.set_index("pathway")
    assert list(dict.fromkeys(t["pathway"])) == list(pathways.index)
    for pid, rows in t.groupby("pathway", sort=False):
        p = pathways.loc[pid]
        weight = dict(zip(p["clusters"], p["weights"]))
        assert list(rows["cluster_key"].dropna()) == list(p["clusters"])
        assert np.isclose(
            rows["pathway_units"].iloc[0], sum(w * size[k] for k, w in weight.items()), atol=0.01
        )
        assert np.isclose(rows["position"].iloc[0], p["axis:afvikling-udvikling"], equal_nan=True)


def test_pathways_need_a_model(real_map):
    with pytest.raises(ValueError, match="no pathways"):
        real_map.plot_pathways()


def test_map_marks_diffuse_clusters_and_says_how_it_was_drawn(real_map):
    import dataclasses

    from wildproblems.lang import get

    clusters = real_map.clusters.copy()
    clusters["diffuse"] = [True] + [False] * (len(clusters) - 1)
    m = dataclasses.replace(real_map, clusters=clusters)
    fig = m.plot(label_top=None)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    labels = {a.get_text().replace("\n", " "): a for a in ax.texts if a.get_bbox_patch()}
    first = labels[" ".join(str(clusters["label"].iloc[0]).split())]
    assert first.get_bbox_patch().get_linestyle() == "--"
    assert all(a.get_bbox_patch().get_linestyle() == "-" for a in labels.values() if a is not first)
    assert any("stiplet ramme: diffus klynge" in t for t in texts)
    caption = get("da").PLOT["layout"].split("(")[0]
    assert any(t.replace("\n", " ").startswith(caption) for t in texts)
    plt.close(fig)


def test_plot_draws_every_kind(modelled_map):
    fig = modelled_map.plot()
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert len(fig.axes) == 2
    assert titles[0].split()[1] == "årsager" and titles[1].split()[1] == "løsninger"
    plt.close(fig)
    one = modelled_map.plot("solution")
    assert len(one.axes) == 1
    plt.close(one)


def test_pathway_bubble_shows_fractional_units(modelled_map):
    import dataclasses

    p = modelled_map.pathways.copy()
    p["units"] = [0.77] + list(p["units"].iloc[1:])
    fig = plot_pathways(dataclasses.replace(modelled_map, pathways=p))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "0,8" in texts and "0" not in texts
    plt.close(fig)
