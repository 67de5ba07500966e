"""Tests for the shipped cause / solution / other classifier (wildproblems.model.kind_model)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import wildproblems as wp
from wildproblems.model import kind_model
from wildproblems.model.kind_model import (
    FEATURES,
    META,
    WEIGHTS,
    KindModel,
    classify,
    load_kind_model,
    marker_counts,
    marker_features,
)
from wildproblems.model.spec import load_model


def _unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    X = np.random.default_rng(seed).normal(size=(n, dim))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


# ------------------------------------------------------------------------------ weights file
def test_weights_are_plain_arrays_without_pickle():
    with zipfile.ZipFile(WEIGHTS) as z:
        assert sorted(z.namelist()) == ["coef.npy", "intercept.npy"]
    with np.load(WEIGHTS, allow_pickle=False) as npz:
        assert npz["coef"].dtype == np.float32
    meta = json.loads(META.read_text(encoding="utf-8"))
    model = KindModel.load()
    assert model.classes == ("cause", "other", "solution")
    assert model.coef.shape == (3, meta["embedding_dim"] + len(FEATURES))
    assert model.embedder_id == meta["embedder_id"]


def test_measured_accuracy_is_stored_beside_the_weights():
    acc = load_kind_model().accuracy
    assert acc["by"] == "benchmarks/kind_classifier.py"
    head = acc["headline"]
    assert head["set"] == "kinds_eval_da" and 0.0 < head["balanced_accuracy"] <= 1.0
    assert head["balanced_accuracy"] == acc["sets"]["kinds_eval_da"]["balanced_acc"]


def test_load_rejects_weights_that_do_not_fit(tmp_path):
    meta = json.loads(META.read_text(encoding="utf-8"))
    meta["embedding_dim"] = 10
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="do not fit"):
        KindModel.load(WEIGHTS, bad)


# ------------------------------------------------------------------------------ markers
def test_markers_per_language():
    assert marker_counts("Vi bør investere i forebyggelse")[0] >= 2
    assert marker_counts("Brug ny teknologi")[1] == 1
    assert marker_counts("Det skyldes mangel på hænder")[2] >= 2
    assert marker_counts("We should train more nurses")[0] >= 1
    assert marker_counts("Use volunteers")[1] == 1
    assert marker_counts("It failed because of a lack of staff")[2] >= 2
    assert marker_counts("Tabellen viser tallene") == [0, 0, 0]
    F = marker_features(["Vi bør, skal, må og burde anbefale forslag", "x"])
    assert F.shape == (2, 3) and F.max() == 1.0 and F[1].sum() == 0


# ------------------------------------------------------------------------------ probabilities
def test_probabilities_sum_to_one_and_are_deterministic():
    model = load_kind_model()
    texts = ["Vi bør gøre noget", "Det skyldes mangel på tid", "Tabel 3"] * 3
    X = _unit_rows(len(texts), model.meta["embedding_dim"])
    a = model.predict(texts, X)
    b = model.predict(texts, X)
    p = a[["p_cause", "p_other", "p_solution"]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-3)
    assert a.equals(b)
    assert (a["kind_score"] == p.max(axis=1)).all()


def test_other_below_min_probability_and_extra_evidence():
    model = load_kind_model()
    texts = ["Vi bør gøre noget", "Det skyldes mangel på tid"]
    X = _unit_rows(2, model.meta["embedding_dim"], seed=1)
    assert (model.predict(texts, X, min_probability=1.01)["kind"] == "other").all()
    push = np.zeros((2, 3))
    push[:, model.classes.index("solution")] = 50.0
    assert (model.predict(texts, X, extra=push)["kind"] == "solution").all()


def test_wrong_dimension_is_named():
    model = load_kind_model()
    with pytest.raises(ValueError, match="dimensions"):
        model.predict(["a"], np.zeros((1, 7)))


def test_other_embedder_falls_back_to_spec_anchors(counting_embedder, caplog):
    from wildproblems.model.kinds import AnchorEmbedder

    spec = load_model("generic")
    texts = ["Det skyldes mangel på hænder", "Vi bør investere i forebyggelse"]
    X = counting_embedder.encode(texts)
    with pytest.raises(ValueError, match="anchors"):
        classify(texts, X, spec, counting_embedder.model_id)
    out = classify(
        texts,
        X,
        spec,
        counting_embedder.model_id,
        AnchorEmbedder(counting_embedder, use_cache=False),
    )
    assert out["kind_method"].tolist() == ["anchors", "anchors"]
    assert "spec's anchors" in caplog.text


# ------------------------------------------------------------------------------ real embedder
CLEAR = [
    ("Der er for få sygeplejersker, fordi lønnen er for lav.", "cause"),
    ("Det skyldes mangel på pædagoger i daginstitutionerne.", "cause"),
    ("Ventetiderne i psykiatrien er alt for lange.", "cause"),
    ("Kommunen bør ansætte flere socialrådgivere.", "solution"),
    ("Løsningen er at samle borgerens sager hos én sagsbehandler.", "solution"),
    ("Vi skal bygge flere almene boliger i byerne.", "solution"),
    ("Patients wait too long because there are not enough doctors.", "cause"),
    ("The lack of affordable housing pushes families out.", "cause"),
    ("The government should fund more apprenticeships.", "solution"),
    ("Introduce free public transport for young people.", "solution"),
]
MIXED = [
    "Der mangler hænder, så vi bør bruge mere teknologi.",
    "Because there are too few nurses, we should train more.",
    "Ventetiderne er lange, og derfor skal vi have flere psykologer.",
]
NEUTRAL = [
    "Undersøgelsen blev gennemført i foråret med 1.200 deltagere.",
    "Tabel 4.2 viser fordelingen på køn og alder.",
    "The survey was carried out in three regions.",
]


@pytest.fixture(scope="module")
def real():
    from wildproblems.embed import get_embedder

    return get_embedder()


def _predict(texts, embedder):
    from wildproblems.embed import embed_texts

    X, _ = embed_texts(texts, embedder, use_cache=False, progress=False)
    return classify(texts, X, load_model("generic"), embedder.model_id)


@pytest.mark.integration
def test_clear_sentences_and_calibration(real):
    out = _predict([t for t, _ in CLEAR], real)
    truth = [k for _, k in CLEAR]
    assert out["kind"].tolist() == truth
    assert (out["kind_method"] == "model").all()
    # calibrated-ish: confident on clear sentences, less so on sentences that hold both kinds
    assert out["kind_score"].mean() > 0.8
    mixed = _predict(MIXED, real)
    assert mixed["kind_score"].mean() < out["kind_score"].mean() - 0.1
    neutral = _predict(NEUTRAL, real)
    assert (neutral["kind"] == "other").all()
    # reproducible
    assert _predict([t for t, _ in CLEAR], real).equals(out)


@pytest.mark.integration
def test_map_units_carry_kind_probability_and_source(tiny_da, real):
    m = wp.map(
        tiny_da,
        text="svar",
        respondent="politiker",
        id="id",
        model="generic",
        random_state=0,
        progress=False,
    )
    assert set(m.units["kind_source"]) == {"classified"}
    assert m.units["kind_score"].between(0, 1).all()
    truth = m.units["type"].map({"årsag": "cause", "løsning": "solution"})
    assert (m.units["kind"] == truth).mean() >= 0.75
    info = m.provenance["kind_classifier"]
    assert info["measured"] == load_kind_model().accuracy["headline"]
    q = m.quality(seeds=(1,))
    assert (q["kind_source"] == "classified").all()
    assert (q["kind_balanced_accuracy"] == info["measured"]["balanced_accuracy"]).all()
    from wildproblems.outputs.report import _kinds_note

    note = _kinds_note(m, "en")
    assert "guessed" in note and str(info["measured"]["n"]) in note


def test_module_paths_exist():
    assert kind_model.TRAIN.exists() and len(kind_model.training_sentences()) >= 300
