"""Save/load, placement of new waves and comparison, on the committed version-1 fixture map
(tiny_da mapped with the fake bag-of-words embedder; no model, no UMAP run)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CountingEmbedder

import wildproblems as wp
from wildproblems.schema import UNIT_COLUMNS, WAVE_UNIT_COLUMNS
from wildproblems.waves.place import calibrate, consistency
from wildproblems.waves.store import FORMAT_VERSION, read_manifest

FIXTURE = Path(__file__).parents[1] / "data" / "tiny_v1.wpmap"


@pytest.fixture(scope="module")
def base() -> wp.WildMap:
    return wp.load(FIXTURE)


@pytest.fixture(scope="module")
def fake() -> CountingEmbedder:
    return CountingEmbedder(dim=128)


def _tables_equal(a: wp.WildMap, b: wp.WildMap) -> None:
    for name in ("units", "clusters", "answers", "dropped", "pathways", "respondents", "corners"):
        ta, tb = getattr(a, name), getattr(b, name)
        if ta is None:
            assert tb is None, name
        else:
            pd.testing.assert_frame_equal(ta, tb, check_exact=True, obj=name)
    np.testing.assert_array_equal(a.embeddings, b.embeddings)
    assert a.config == b.config
    assert a.provenance == b.provenance


def _rewrite(src: Path, dst: Path, change) -> None:
    """Copy a map file, passing every (name, bytes) through ``change`` (None drops the member)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)


# ------------------------------------------------------------------------------ format v1
def test_previous_release_fixture_loads(base):
    man = read_manifest(FIXTURE)
    assert man["format"] == "wildproblems-map" and man["format_version"] == 1
    assert man["embedder"] == "test/counting-bow"
    assert base.provenance["embedder"] == "test/counting-bow"
    assert base.embeddings.shape == (48, 128) and base.embeddings.dtype == np.float32
    # maps saved before the segmenter recorded offsets lack start/end (QDA exports search instead)
    assert set(UNIT_COLUMNS) - {"start", "end"} <= set(base.units.columns)
    assert len(base.units) == 48 and len(base.answers) == 48 and len(base.dropped) == 0
    # the tables written by format version 1, pinned
    assert base.clusters["cluster_key"].tolist() == [
        "cause:0",
        "cause:1",
        "solution:0",
        "solution:1",
        "solution:2",
    ]
    assert base.clusters["label"].tolist() == [
        "Ældre",
        "Mangel på arbejdskraft",
        "Frivillige",
        "Tillid",
        "Digital / dokumentationskrav",
    ]
    assert base.clusters["size"].tolist() == [20, 4, 10, 7, 5]
    assert isinstance(base.clusters["quotes"].iat[0], list)
    assert base.units["cluster"].dtype == np.int64 and base.units["x"].dtype == np.float32
    assert base.units.loc[0, "text"] == "Mangel på arbejdskraft i ældreplejen"
    label_of = dict(zip(base.clusters["cluster_key"], base.clusters["label"]))
    clustered = base.units[base.units["cluster"] >= 0]
    assert [label_of[k] for k in clustered["cluster_key"]] == clustered["label"].tolist()
    assert base.config.random_state == 0 and base.pathways is None
    # the stored placement calibration is the one used
    assert calibrate(base) is base.extras["placement"]


def test_round_trip_is_exact(base, tmp_path):
    path = base.save(tmp_path / "again.wpmap")
    _tables_equal(base, wp.load(path))


def test_round_trip_keeps_optional_tables_odd_columns_and_extras(base, tmp_path):
    units = base.units.copy()
    units["mixed"] = pd.Series([1, "to", None, 4.5] * 12, dtype=object)
    units["vaerdi"] = np.where(np.arange(48) % 5 == 0, np.nan, np.arange(48) / 7)
    pathways = pd.DataFrame(
        {"pathway": ["Mindre er mere", "Sammen"], "clusters": [["solution:1"], ["solution:0"]]}
    )
    corners = pd.DataFrame({"corner": ["årsager", "konflikt"], "value": [0.4, np.nan]})
    m = wp.WildMap(
        units=units,
        clusters=base.clusters,
        answers=base.answers,
        dropped=base.dropped,
        config=base.config.replace(model="/tmp/min-model-æøå.yaml", group="parti"),
        provenance={**base.provenance, "numpy_value": np.float32(0.5)},
        embeddings=base.embeddings,
        pathways=pathways,
        corners=corners,
        extras={
            "table": pd.DataFrame({0: [1, 2]}),
            "matrix": np.arange(6).reshape(2, 3),
            "info": {"a": [1, 2]},
            "unsaveable": object(),
        },
    )
    back = wp.load(m.save(tmp_path / "full.wpmap"))
    for name in ("units", "clusters", "pathways", "corners"):
        pd.testing.assert_frame_equal(getattr(m, name), getattr(back, name), check_exact=True)
    assert back.units["mixed"].tolist()[:4] == [1, "to", None, 4.5]
    assert back.config == m.config and back.config.model == "/tmp/min-model-æøå.yaml"
    assert back.respondents is None
    pd.testing.assert_frame_equal(back.extras["table"], m.extras["table"])
    np.testing.assert_array_equal(back.extras["matrix"], m.extras["matrix"])
    assert back.extras["info"] == {"a": [1, 2]} and "unsaveable" not in back.extras


def test_files_hold_no_pickle(tmp_path, base):
    path = base.save(tmp_path / "m.wpmap")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "manifest.json"
        assert all(n.endswith((".json", ".parquet", ".npy", ".yaml")) for n in names)
        npy = zf.read("arrays/embeddings.npy")
    assert np.load(__import__("io").BytesIO(npy), allow_pickle=False).shape == (48, 128)


# ------------------------------------------------------------------------------ bad files
def test_not_a_zip(tmp_path):
    p = tmp_path / "junk.wpmap"
    p.write_bytes(b"this is not a map")
    with pytest.raises(wp.MapFormatError, match="not a wildproblems map file"):
        wp.load(p)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no map file"):
        wp.load(tmp_path / "none.wpmap")


def test_truncated_file(tmp_path):
    p = tmp_path / "cut.wpmap"
    p.write_bytes(FIXTURE.read_bytes()[:5000])
    with pytest.raises(wp.MapFormatError):
        wp.load(p)


def test_checksum_mismatch(tmp_path):
    p = tmp_path / "bad.wpmap"

    def flip(name, data):
        if name == "arrays/embeddings.npy":
            return data[:-4] + b"\x00\x00\x80\x3f"
        return data

    _rewrite(FIXTURE, p, flip)
    with pytest.raises(
        wp.MapFormatError, match="'arrays/embeddings.npy' does not match its checksum"
    ):
        wp.load(p)


def test_missing_member(tmp_path):
    p = tmp_path / "hole.wpmap"
    _rewrite(FIXTURE, p, lambda n, d: None if n == "tables/clusters.parquet" else d)
    with pytest.raises(wp.MapFormatError, match="member 'tables/clusters.parquet' is missing"):
        wp.load(p)


def _with_manifest(tmp_path, **changes) -> Path:
    p = tmp_path / "changed.wpmap"

    def edit(name, data):
        if name != "manifest.json":
            return data
        man = json.loads(data)
        man.update(changes)
        return json.dumps(man).encode()

    _rewrite(FIXTURE, p, edit)
    return p


def test_newer_format_version(tmp_path):
    p = _with_manifest(tmp_path, format_version=FORMAT_VERSION + 1, wildproblems_version="9.0")
    with pytest.raises(
        wp.MapFormatError,
        match=rf"format version {FORMAT_VERSION + 1} \(written by wildproblems 9.0\)",
    ):
        wp.load(p)
    with pytest.raises(wp.MapFormatError, match="Upgrade"):
        read_manifest(p)


def test_other_zip_is_not_a_map(tmp_path):
    p = _with_manifest(tmp_path, format="something-else")
    with pytest.raises(wp.MapFormatError, match="is not a wildproblems map"):
        wp.load(p)
    q = tmp_path / "plain.zip"
    with zipfile.ZipFile(q, "w") as zf:
        zf.writestr("hello.txt", "hej")
    with pytest.raises(wp.MapFormatError, match="member 'manifest.json' is missing"):
        wp.load(q)


def test_invalid_version_value(tmp_path):
    with pytest.raises(wp.MapFormatError, match="invalid format_version"):
        wp.load(_with_manifest(tmp_path, format_version="1"))


# ------------------------------------------------------------------------------- placement
def test_training_answers_come_back_in_their_clusters(base, fake):
    df = pd.read_csv(Path(__file__).parents[1] / "data" / "tiny_da.csv", dtype=str)
    again = base.assign(df, embedder=fake, wave="igen")
    assert again.units["unit_id"].tolist() == base.units["unit_id"].tolist()
    clustered = base.units["cluster"].to_numpy() >= 0
    same = (again.units["cluster"].to_numpy() == base.units["cluster"].to_numpy())[clustered]
    assert same.mean() >= 0.98
    assert consistency(base) >= 0.98
    assert 0.0 <= consistency(base, leave_one_out=True) <= 1.0
    # same ids, same labels, keywords frozen; sizes are this wave's
    cols = ["kind", "cluster", "cluster_key", "label", "keywords"]
    pd.testing.assert_frame_equal(again.clusters[cols], base.clusters[cols])
    assert not again.clusters["emerging"].any()
    assert set(WAVE_UNIT_COLUMNS) <= set(again.units.columns)
    assert set(again.units["status"]) <= {"clustered", "unclustered", "new", "emerging"}
    np.testing.assert_allclose(again.units["x"], base.units["x"], atol=1e-3)
    assert again.provenance["wave"]["name"] == "igen"
    assert again.provenance["wave"]["base"]["embedder"] == "test/counting-bow"


def _fresh_words(base: wp.WildMap) -> list[str]:
    """Climate words that the fake embedder puts in dimensions no text of the map (and no other
    chosen word) uses, so the fake sees them as a theme the map has never met."""

    def dim(word: str) -> int:
        return sum(ord(ch) * (k + 1) for k, ch in enumerate(word)) % 128

    used = {dim(w) for t in base.units["text"] for w in t.lower().split()}
    used |= {len(t) % 128 for t in base.units["text"]}
    words_text = (
        "oversvømmelse skybrud skybruddene stormflod regnvand kystsikring klimatilpasning havvand "
        "diger sluse tørke hedebølge grundvand kloakker højvande vandstand orkan nedbør erosion "
        "sandfodring"
    )
    pool = words_text.split()
    words = []
    for w in pool:
        if dim(w) not in used:
            words.append(w)
            used.add(dim(w))
    assert len(words) >= 7
    return words


def _planted(base: wp.WildMap, n: int = 8) -> tuple[list[str], list[str], list[str]]:
    """``n`` answers on one fresh theme (3 of its 5 words each), two stray fresh words."""
    from itertools import combinations

    words = _fresh_words(base)
    theme, odd = words[:5], words[5:7]
    texts = [" ".join(c) for c in combinations(theme, 3)][:n]
    return texts, odd, theme


def test_new_theme_is_flagged_and_emerges(base, fake):
    new, odd, theme = _planted(base)
    df = pd.DataFrame(
        {"id": [f"n{i}" for i in range(10)], "politiker": "p99", "type": "årsag", "svar": new + odd}
    )
    w = base.assign(df, embedder=fake, min_emerging=5)
    assert (w.units["status"].iloc[:8] == "emerging").all()
    assert (w.units["status"].iloc[8:] == "new").all()
    assert (w.units["label"].iloc[8:] == "(nyt: passer ikke på kortet)").all()
    em = w.clusters[w.clusters["emerging"]]
    n_cause = int((base.clusters["kind"] == "cause").sum())
    assert em["cluster_key"].tolist() == [f"cause:{n_cause}"]  # a fresh id after the old ones
    assert em["size"].tolist() == [8]
    assert set(em["label"].iat[0].lower().replace(" / ", " ").split()) <= set(theme)
    assert w.provenance["wave"]["emerging_candidates"][0]["kept"] is True
    # too few to gather: only flagged as new
    few = base.assign(df.iloc[[0, 1, 8, 9]], embedder=fake, min_emerging=5)
    assert set(few.units["status"]) == {"new"} and not few.clusters["emerging"].any()


def test_different_embedder_is_refused(base, fake):
    class Other(CountingEmbedder):
        model_id = "test/other-model"

    one = pd.DataFrame({"svar": ["mangel på hænder"], "type": ["årsag"]})
    with pytest.raises(
        wp.InputError, match="embedded with 'test/counting-bow'.*'test/other-model'"
    ):
        base.assign(one, embedder=Other(dim=128))
    w = base.assign(one, embedder=Other(dim=128), allow_different_embedder=True)
    assert w.provenance["embedder"] == "test/other-model"
    with pytest.raises(wp.InputError, match="16 dimensions, the map's 128"):
        base.assign(one, embedder=CountingEmbedder(dim=16))
    with pytest.raises(wp.InputError, match="'precomputed'"):
        base.assign(one, embeddings=np.ones((1, 128)))
    with pytest.raises(wp.InputError, match="embedded with 'test/counting-bow'"):
        base.assign(one)  # the default embedder is not the one the map was made with


def test_assign_uses_the_maps_column_roles(base, fake):
    df = pd.DataFrame({"svar": ["Mangel på arbejdskraft"], "type": ["årsag"], "politiker": ["x"]})
    w = base.assign(df, embedder=fake)  # the map's id column 'id' is absent: ids are made up
    assert w.units["kind"].tolist() == ["cause"] and w.units["respondent"].tolist() == ["x"]
    assert w.units["unit_id"].tolist() == ["a1.1"]
    with pytest.raises(wp.InputError, match="text column 'svar' not found"):
        base.assign(pd.DataFrame({"tekst": ["x"]}), embedder=fake)
    with pytest.raises(wp.InputError, match=r"kinds \['cause', 'solution'\].*kinds \['all'\]"):
        base.assign(["mangel på hænder"], embedder=fake)


# --------------------------------------------------------------------------------- compare
def test_compare_shares_intervals_and_statuses(base, fake):
    df = pd.read_csv(Path(__file__).parents[1] / "data" / "tiny_da.csv", dtype=str)
    extra = pd.DataFrame(
        {
            "id": [f"n{i}" for i in range(6)],
            "politiker": [f"q{i}" for i in range(6)],
            "type": "årsag",
            "svar": _planted(base, 6)[0],
        }
    )
    later = base.assign(pd.concat([df.iloc[::2], extra]), embedder=fake, wave="2026")
    cmp = wp.compare(base, later, names=("2025", "2026"))
    c = cmp.clusters
    assert set(c["status"]) >= {"in both", "emerging", "unclustered"}
    emerging = c.loc[c["status"] == "emerging", "cluster_key"].tolist()
    assert emerging == [f"cause:{int((base.clusters['kind'] == 'cause').sum())}"]
    for kind in ("cause", "solution"):
        sub = c[c["kind"] == kind]
        assert sub["share_a"].sum() == pytest.approx(1, abs=1e-3)
        assert sub["share_b"].sum() == pytest.approx(1, abs=1e-3)
    assert ((c["ci_low"] <= c["change"] + 1e-4) & (c["change"] - 1e-4 <= c["ci_high"])).all()
    assert c.loc[c["cluster_key"] == emerging[0], "significant"].item()
    s = cmp.summary
    assert s.loc[(s["wave"] == "2026") & (s["kind"] == "cause"), "emerging_clusters"].item() == 1
    # same seed, same intervals; the map against itself moves nowhere
    again = wp.compare(base, later, names=("2025", "2026"))
    pd.testing.assert_frame_equal(cmp.clusters, again.clusters)
    same = base.compare(base)
    assert (same.clusters["change"] == 0).all() and not same.clusters["significant"].any()
    fig = cmp.plot()
    assert len(fig.axes) == 2
    assert emerging[0] in repr(cmp)


def test_compare_pathways_and_corners(base):
    clusters = base.clusters.copy()
    clusters["pathways"] = [[], [], ["Smartere"], ["Smartere", "Sammen"], []]
    corners = pd.DataFrame({"corner": ["skala"], "value": [0.3]})
    a = wp.WildMap(**{**base.__dict__, "clusters": clusters, "corners": corners})
    cmp = wp.compare(a, a, names=("x", "y"))
    p = cmp.pathways.set_index("pathway")
    sol = base.units[base.units["kind"] == "solution"]
    assert p.loc["Smartere", "share_a"] == pytest.approx(
        sol["cluster"].isin([0, 1]).mean(), abs=1e-4
    )
    assert p.loc["Sammen", "share_a"] == pytest.approx((sol["cluster"] == 1).mean(), abs=1e-4)
    assert cmp.corners["wave"].tolist() == ["x", "y"]


def test_compare_refuses_unrelated_maps(base):
    clusters = base.clusters.copy()
    clusters.loc[0, "label"] = "Noget helt andet"
    other = wp.WildMap(**{**base.__dict__, "clusters": clusters})
    with pytest.raises(wp.InputError, match="do not share their clusters: cause:0"):
        wp.compare(base, other)


def test_compare_counts_the_map_by_the_same_rule_as_the_placed_wave(base, fake):
    from wildproblems.waves.place import placed_labels

    df = pd.read_csv(Path(__file__).parents[1] / "data" / "tiny_da.csv", dtype=str)
    # the same answers again: the same shares, nothing moves
    again = base.assign(df, embedder=fake, wave="igen")
    same = wp.compare(base, again)
    assert same.settings["a_counted_by"] == "leave-one-out placement"
    assert (same.clusters["change"] == 0).all() and not same.clusters["significant"].any()
    # half of them: the map's shares are those of its units placed without themselves
    half = base.assign(df.iloc[::2], embedder=fake, wave="halv")
    cmp = wp.compare(base, half)
    loo = placed_labels(base, leave_one_out=True)
    for kind in ("cause", "solution"):
        in_kind = base.units["kind"].to_numpy() == kind
        for _, row in cmp.clusters[cmp.clusters["kind"] == kind].iterrows():
            expected = float((loo[in_kind] == row["cluster"]).mean())
            assert row["share_a"] == pytest.approx(expected, abs=1e-4)
    # the old count (the map's own clusters) is still there for who wants it
    old = wp.compare(base, half, place_base=False)
    assert old.settings["a_counted_by"] == "its clusters"
    own = base.units["cluster"].to_numpy()
    in_cause = base.units["kind"].to_numpy() == "cause"
    row = old.clusters[(old.clusters["kind"] == "cause") & (old.clusters["cluster"] == 0)].iloc[0]
    assert row["share_a"] == pytest.approx(float((own[in_cause] == 0).mean()), abs=1e-4)
