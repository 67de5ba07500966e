"""m.quality() and m.agreement(): unsupervised diagnostics and agreement with hand codes."""

import numpy as np
import pandas as pd
import pytest

import wildproblems as wp
from tests.conftest import blobs
from wildproblems.quality import UNCLUSTERED, agreement, krippendorff_alpha_nominal, quality

THEMES = ["pleje", "skole", "trafik"]


@pytest.fixture(scope="module")
def blob_map():
    """36 answers in 3 themes with well separated (fake) embeddings: fast, no model."""
    X, y = blobs(n_per=12, centers=3, dim=24, seed=2)
    df = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(y))],
            "svar": [f"svar nummer {i} om {THEMES[c]}" for i, c in enumerate(y)],
            "tema": [THEMES[c] for c in y],
        }
    )
    m = wp.map(df, text="svar", id="id", embeddings=X, progress=False, random_state=0)
    return m, df


def test_quality_reports_stability_validity_and_unclustered(blob_map):
    m, _ = blob_map
    q = m.quality(seeds=(1, 2))
    assert list(q["kind"]) == ["all"]
    row = q.iloc[0]
    assert row["clusters"] == 3 and row["units"] == 36
    assert row["seed_stability"] == pytest.approx(1.0)  # ward is seed-free
    assert 0.9 <= row["resampling_stability"] <= 1.0
    assert 0.3 < row["validity"] <= 1.0
    assert row["unclustered_share"] == pytest.approx(m.unclustered_share())
    assert row["min_cluster_size"] == m.provenance["chosen"]["all"]["min_cluster_size"]


def test_quality_detects_seed_dependence_of_hdbscan(blob_map):
    m, df = blob_map
    rng = np.random.default_rng(0)
    noisy = rng.normal(size=(36, 24)).astype(np.float32)  # no structure: UMAP seed moves clusters
    mh = wp.map(
        df, text="svar", id="id", embeddings=noisy, progress=False, cluster_method="hdbscan"
    )
    q = quality(mh, seeds=(1, 2, 3))
    assert q.iloc[0]["method"] == "hdbscan"
    assert q.iloc[0]["seed_stability"] < 0.95
    assert np.isnan(q.iloc[0]["resampling_stability"])


def test_agreement_perfect_codes_by_unit_and_by_answer(blob_map):
    m, df = blob_map
    by_answer = dict(zip(df["id"], df["tema"]))
    a = m.agreement(by_answer)
    assert a["coded"] == 36 and a["codes"] == 3 and a["clusters"] == 3
    assert a["ami"] == pytest.approx(1.0) and a["alpha"] == pytest.approx(1.0)
    by_unit = {u: by_answer[ans] for u, ans in zip(m.units["unit_id"], m.units["answer_id"])}
    assert agreement(m, by_unit)["ari"] == pytest.approx(1.0)
    assert set(a["mapping"].values()) == set(THEMES)


def test_agreement_on_a_coded_subset_and_bad_codes(blob_map):
    m, df = blob_map
    codes = pd.Series(df["tema"].to_numpy(), index=df["id"])
    codes.iloc[::2] = ""  # half uncoded
    a = m.agreement(codes)
    assert a["coded"] == 18
    shuffled = list(np.random.default_rng(1).permutation(df["tema"].to_numpy()))
    assert agreement(m, shuffled)["alpha"] < 0.3
    with pytest.raises(ValueError, match="align with the 36 units"):
        agreement(m, ["x"] * 5)
    with pytest.raises(ValueError, match="no key of the codes matches"):
        agreement(m, {"nobody": "x"})


def test_unclustered_units_count_as_their_own_category():
    m_units = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d"],
            "answer_id": ["a", "b", "c", "d"],
            "cluster": [0, 0, -1, -1],
            "cluster_key": ["all:0", "all:0", "all:-1", "all:-1"],
        }
    )

    class Fake:
        units = m_units

    a = agreement(Fake(), {"a": "x", "b": "x", "c": "y", "d": "y"})
    assert a["mapping"] == {"all:0": "x", UNCLUSTERED: "y"} and a["ari"] == pytest.approx(1.0)


def test_krippendorff_alpha_matches_reference_package():
    kd = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(3)
    a = rng.integers(0, 4, 40)
    b = np.where(rng.random(40) < 0.6, a, rng.integers(0, 4, 40))
    ref = kd.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(a, b) == pytest.approx(ref, abs=1e-9)
    with pytest.raises(ValueError, match="same number"):
        krippendorff_alpha_nominal([1], [1, 2])


def test_map_folds_by_text_so_float_noise_in_embeddings_changes_nothing():
    # overlapping themes, so the stabilities of the candidate sizes are not all 1.0
    X, y = blobs(n_per=20, centers=4, dim=24, seed=4)
    X = X + np.random.default_rng(1).normal(0, 6.0, size=X.shape).astype(np.float32)
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(y))]})
    df["svar"] = [f"svar {i} om {THEMES[c % 3]}" for i, c in enumerate(y)]
    noisy = X.astype(np.float64) + np.random.default_rng(2).normal(0, 1e-7, size=X.shape)
    a = wp.map(df, text="svar", id="id", embeddings=X, progress=False)
    b = wp.map(df, text="svar", id="id", embeddings=noisy, progress=False)
    ca, cb = a.provenance["chosen"]["all"], b.provenance["chosen"]["all"]
    assert "texts" in ca["selection"]
    stab = [c["stability"] for c in ca["candidates"]]
    assert len(set(stab)) > 1 and min(stab) < 1.0
    assert stab == [c["stability"] for c in cb["candidates"]]
    assert a.units["cluster"].tolist() == b.units["cluster"].tolist()
    q = a.quality(seeds=(1,))
    assert q.iloc[0]["seed_stability"] == pytest.approx(1.0)


def test_quality_of_a_ward_map_does_not_search_the_size_again(blob_map, monkeypatch):
    import wildproblems.cluster as cluster_mod

    def no_search(*args, **kwargs):
        raise AssertionError("quality() repeated the cluster-size search")

    monkeypatch.setattr(cluster_mod, "resampling_stability", no_search)
    m, _ = blob_map
    q = m.quality(seeds=(1, 2, 3))
    assert q.iloc[0]["seed_stability"] == pytest.approx(1.0)
    assert q.iloc[0]["resampling_stability"] == m.provenance["chosen"]["all"]["stability"]


def test_quality_of_a_map_with_a_given_size_measures_its_resampling_stability(blob_map):
    from wildproblems.cluster import resampling_stability

    m0, df = blob_map
    m = wp.map(df, text="svar", id="id", embeddings=m0.embeddings, progress=False,
               min_cluster_size=6)  # fmt: skip
    assert m.provenance["chosen"]["all"]["stability"] is None  # nothing was searched
    X = np.asarray(m.embeddings, dtype=np.float64)
    expected = resampling_stability(
        X, {6: m.units["cluster"].to_numpy()}, keys=m.units["text"].tolist()
    )[6]
    for seeds in ((1, 2), ()):  # with seeds the seed runs' clusters are reused; without, one run
        q = m.quality(seeds=seeds)
        assert q.iloc[0]["resampling_stability"] == pytest.approx(expected, abs=1e-4)
        assert q.iloc[0]["seed_stability"] == pytest.approx(1.0)
