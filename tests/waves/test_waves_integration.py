"""Survey waves with the real default embedder: fit on wave 1, save, load, place wave 2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wildproblems as wp
from tests.conftest import TINY_ROLES
from wildproblems.waves.place import consistency

pytestmark = pytest.mark.integration

CLIMATE = [
    "Oversvømmelser ved kysterne truer boligerne",
    "Klimaforandringer giver flere oversvømmelser",
    "Stigende havvand og oversvømmelser i byerne",
    "Skybrud oversvømmer kældre og veje",
    "Klimatilpasning mod oversvømmelser koster dyrt",
    "Havvandsstigninger truer kystbyerne",
    "Flere skybrud og oversvømmelser hvert år",
    "Kysterne skal sikres mod stormflod",
    "Oversvømmelser fra stormflod og skybrud",
    "Klimaforandringer betyder mere regn og oversvømmelse",
]


@pytest.fixture(scope="module")
def waves(tiny_da, tmp_path_factory):
    """Wave 1: half the respondents; wave 2: the other half. Wave 1 is mapped, saved and loaded."""
    respondents = sorted(tiny_da["politiker"].unique())
    first = tiny_da[tiny_da["politiker"].isin(respondents[::2])]
    second = tiny_da[~tiny_da["politiker"].isin(respondents[::2])]
    m = wp.map(first, **TINY_ROLES, random_state=0, progress=False)
    path = m.save(tmp_path_factory.mktemp("waves") / "wave1.wpmap")
    return m, wp.load(path), first, second


def test_loaded_map_is_the_saved_map(waves):
    m, loaded, _, _ = waves
    for name in ("units", "clusters", "answers", "dropped"):
        pd.testing.assert_frame_equal(getattr(m, name), getattr(loaded, name), check_exact=True)


def test_consistency_on_training_answers(waves):
    m, loaded, first, _ = waves
    again = loaded.assign(first, wave="1 again")
    clustered = m.units["cluster"].to_numpy() >= 0
    same = again.units["cluster"].to_numpy()[clustered] == m.units["cluster"].to_numpy()[clustered]
    assert same.mean() >= 0.98
    assert consistency(loaded) >= 0.98
    # leave-one-out: how a new text like a training one would fare; reported, loosely bounded
    assert consistency(loaded, leave_one_out=True) >= 0.6


def test_second_wave_keeps_ids_and_labels(waves):
    m, loaded, first, second = waves
    w2 = loaded.assign(second, wave="2")
    old = w2.clusters[~w2.clusters["emerging"]]
    cols = ["kind", "cluster", "cluster_key", "label", "keywords"]
    pd.testing.assert_frame_equal(old[cols].reset_index(drop=True), m.clusters[cols])
    label_of = dict(zip(w2.clusters["cluster_key"], w2.clusters["label"]))
    placed = w2.units[w2.units["cluster"] >= 0]
    assert [label_of[k] for k in placed["cluster_key"]] == placed["label"].tolist()
    assert w2.provenance["embedder"] == m.provenance["embedder"]
    # no new theme in wave 2: nothing emerges, and most units land in a cluster
    assert not w2.clusters["emerging"].any()
    assert (w2.units["status"] == "clustered").mean() >= 0.7
    # answers on a theme go where wave 1's answers on that theme went
    for kind in ("cause", "solution"):
        u1 = m.units[(m.units["kind"] == kind) & (m.units["cluster"] >= 0)]
        home = u1.groupby("tema")["cluster"].agg(lambda s: s.mode().iat[0])
        u2 = w2.units[(w2.units["kind"] == kind) & (w2.units["cluster"] >= 0)]
        agree = (u2["cluster"].to_numpy() == u2["tema"].map(home).to_numpy()).mean()
        assert agree >= 0.6, kind


def test_planted_theme_emerges_with_its_own_label(waves):
    m, loaded, _, second = waves
    planted = pd.DataFrame(
        {
            "id": [f"k{i}" for i in range(len(CLIMATE))],
            "politiker": [f"k{i:02d}" for i in range(len(CLIMATE))],
            "type": "årsag",
            "tema": "klima",
            "parti": "A",
            "svar": CLIMATE,
        }
    )
    w2 = loaded.assign(pd.concat([second, planted], ignore_index=True), wave="2")
    em = w2.clusters[w2.clusters["emerging"]]
    assert len(em) == 1
    key = em["cluster_key"].iat[0]
    n_cause = int((m.clusters["kind"] == "cause").sum())
    assert key == f"cause:{n_cause}"
    members = w2.units[w2.units["cluster_key"] == key]
    assert (members["tema"] == "klima").all()
    assert len(members) >= 8
    assert (w2.units.loc[w2.units["tema"] == "klima", "status"] != "clustered").all()
    label = em["label"].iat[0].lower()
    assert any(w in label for w in ("oversvøm", "klima", "skybrud", "stormflod", "havvand"))
    cmp = wp.compare(m, w2, names=("1", "2"))
    row = cmp.clusters.set_index("cluster_key").loc[key]
    assert row["status"] == "emerging" and row["share_a"] == 0 and row["significant"]
    assert np.isclose(row["share_b"], len(members) / (w2.units["kind"] == "cause").sum(), atol=1e-4)


def test_wave_on_a_model_map_classifies_kinds_like_the_map(tiny_da, tmp_path):
    """A map whose kinds came from its model's classifier classifies a new wave the same way."""
    m = wp.map(
        tiny_da,
        text="svar",
        respondent="politiker",
        id="id",
        model="velfaerd-2035",
        random_state=0,
        progress=False,
    )
    assert (m.units["kind_source"] == "classified").all()
    loaded = wp.load(m.save(tmp_path / "model.wpmap"))
    wave = tiny_da.iloc[::3]
    w = loaded.assign(wave, wave="2")
    assert (w.units["kind_source"] == "classified").all()
    same = m.units.set_index("unit_id").loc[w.units["unit_id"], "kind"].to_numpy()
    assert (w.units["kind"].to_numpy() == same).all()
    assert (w.units["status"] != "new").all()


def test_compare_model_maps_shows_corners_per_wave(tiny_da):
    m = wp.map(tiny_da, **TINY_ROLES, model="velfaerd-2035", random_state=0, progress=False)
    w = m.assign(tiny_da.iloc[::2], wave="2")
    assert w.corners is not None and w.pathways is not None
    c = wp.compare(m, w)
    assert c.corners is not None and len(c.corners) > 0
    fed = {p for p, cl in zip(m.pathways["pathway"], m.pathways["clusters"]) if len(cl)}
    assert fed and set(c.pathways["pathway"]) == fed  # the map's pathways, in both waves
