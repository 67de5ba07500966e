"""Idealtypes on synthetic embeddings with a planted pathway structure.

A fake embedder maps each known word to its own direction (plus a little text-specific noise), and a
test model's anchors use those words, so which cluster should feed which pathway is known: a random
mapping fails these tests.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

import wildproblems as wp
from wildproblems.model.anchors import AnchorEmbedder, axis_positions, lean_weights
from wildproblems.model.kinds import KindClassifier, cue_hits
from wildproblems.model.pathways import PathwayProposer, apply_model
from wildproblems.model.spec import load_model, parse_model

WORDS = ["alfa", "beta", "gamma", "delta", "zeta", "problem", "forslag", "neutral", "minus", "plus"]


class WordEmbedder:
    """Each word of WORDS is one axis; other words only add deterministic noise."""

    model_id = "test/word-directions"

    def __init__(self, dim: int = 32, noise: float = 0.08) -> None:
        self.dim, self.noise = dim, noise

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            out[i] = np.random.default_rng(seed).normal(0, self.noise, self.dim)
            for w in t.lower().split():
                if w in WORDS:
                    out[i, WORDS.index(w)] += 1.0
        return out


SPEC = {
    "id": "planted",
    "name": "Planted",
    "kinds": {
        "cause": {"anchors": ["problem en", "problem to", "problem tre"]},
        "solution": {"anchors": ["forslag en", "forslag to", "forslag tre"]},
        "other": {"anchors": ["neutral en", "neutral to", "neutral tre"]},
    },
    "pathway_kinds": ["solution"],
    "pathways": [
        {"id": p, "name": p.upper(), "description": f"{w} vej", "anchors": [w, f"{w} {w}"]}
        for p, w in [("a", "alfa"), ("b", "beta"), ("c", "gamma"), ("d", "delta")]
    ],
    "axes": [
        {
            "id": "ax",
            "name": "Minus - Plus",
            "negative": {"name": "Minus", "anchors": ["minus"]},
            "positive": {"name": "Plus", "anchors": ["plus"]},
        }
    ],
    "sectors": [
        {"id": "s-alfa", "name": "alfa", "anchors": ["alfa"]},
        {"id": "s-beta", "name": "beta", "anchors": ["beta"]},
        {"id": "s-zeta", "name": "zeta", "anchors": ["zeta"]},
    ],
    "levels": [
        {"id": "l-plus", "name": "plus", "anchors": ["plus"]},
        {"id": "l-minus", "name": "minus", "anchors": ["minus"]},
    ],
}
#: solution clusters: words, respondents, the pathways they should feed
PLANTED = {
    0: ("forslag alfa minus", range(0, 8), {"a"}),
    1: ("forslag beta", range(8, 16), {"b"}),
    2: ("forslag alfa gamma", range(0, 8), {"a", "c"}),
    3: ("forslag zeta", range(16, 24), set()),
    4: ("forslag delta plus", range(16, 24), {"d"}),
}
CAUSES = {0: ("problem alfa", range(0, 12)), 1: ("problem zeta", range(12, 24))}


def planted_units() -> pd.DataFrame:
    rows = []
    for kind, table in (("solution", PLANTED), ("cause", CAUSES)):
        for c, (words, people, *_) in table.items():
            for j, r in enumerate(people):
                rows.append(
                    {
                        "unit_id": f"{kind[0]}{c}.{j}",
                        "answer_id": f"{kind[0]}{c}.{j}",
                        "respondent": f"r{r:02d}",
                        "kind": kind,
                        "text": f"{words} nr{j}",
                        "cluster": c,
                        "parti": "ABC"[r // 8],
                    }
                )
    u = pd.DataFrame(rows)
    u["cluster_key"] = u["kind"] + ":" + u["cluster"].astype(str)
    u["label"] = u["cluster_key"].str.upper()  # as the pipeline's units carry their headline
    return u


def clusters_of(units: pd.DataFrame) -> pd.DataFrame:
    g = units.groupby("cluster_key", sort=False)
    return pd.DataFrame(
        {
            "kind": g["kind"].first(),
            "cluster": g["cluster"].first(),
            "cluster_key": list(g.groups),
            "label": [k.upper() for k in g.groups],
            "keywords": "x, y",
            "size": g.size(),
        }
    ).reset_index(drop=True)


@pytest.fixture(scope="module")
def planted():
    spec = parse_model(SPEC, "planted.yaml")
    units = planted_units()
    emb = WordEmbedder()
    X = emb.encode(units["text"].tolist())
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    answers = units[["answer_id", "respondent", "kind", "text", "parti"]].assign(
        row=range(len(units))
    )
    res = apply_model(
        spec, units, clusters_of(units), answers, X, AnchorEmbedder(emb, use_cache=False)
    )
    return spec, units, res


def test_clusters_feed_the_planted_pathways(planted):
    _, _, res = planted
    m = res.memberships
    fed = {k: set(g.loc[g["fed"], "pathway"]) for k, g in m.groupby("cluster_key")}
    assert fed == {f"solution:{c}": want for c, (_, _, want) in PLANTED.items()}
    # cause clusters are not pathway kinds here
    assert not m["cluster_key"].str.startswith("cause").any()
    # a cluster feeding two pathways splits its weight; weights of a cluster sum to 1 or 0
    w = m.groupby("cluster_key")["weight"].sum().round(6)
    assert set(w) <= {0.0, 1.0}
    two = m[(m["cluster_key"] == "solution:2") & m["fed"]]
    assert 0.25 <= two["weight"].min() < two["weight"].max() <= 0.75


def test_pathways_table(planted):
    _, units, res = planted
    p = res.pathways.set_index("pathway")
    assert p.loc["a", "clusters"] == ["solution:0", "solution:2"]
    assert p.loc["c", "clusters"] == ["solution:2"]
    assert p.loc["d", "clusters"] == ["solution:4"]
    assert p.loc["b", "respondents"] == 8
    # quotes come from the pathway's clusters and are the texts closest to it
    assert all("alfa" in q for q in p.loc["a", "quotes"]) and len(p.loc["a", "quotes"]) == 3
    assert all("delta" in q for q in p.loc["d", "quotes"])
    # axis: A's data lean to Minus, D's to Plus; thresholds are reported
    assert p.loc["a", "axis:ax"] < 0 < p.loc["d", "axis:ax"]
    assert res.pathways.attrs["thresholds"]["membership_z"] == 0.5
    assert res.provenance["thresholds"]["membership_share"] == 0.25
    assert abs(p["share"].sum() - 4 / 5) < 1e-6  # zeta's cluster feeds none


def test_unit_and_cluster_columns(planted):
    _, units, res = planted
    uc = res.unit_columns
    sol = units["kind"] == "solution"
    # sectors: alfa units -> s-alfa, beta -> s-beta, zeta -> s-zeta
    for word, sector in (("alfa", "s-alfa"), ("beta", "s-beta"), ("zeta", "s-zeta")):
        has = units["text"].str.contains(word) & ~units["text"].str.contains("gamma|delta")
        assert (uc.loc[has, "sector"] == sector).all()
    assert (uc.loc[units["text"].str.contains("plus"), "level"] == "l-plus").all()
    assert (uc.loc[units["text"].str.contains("minus"), "level"] == "l-minus").all()
    # lean of each solution unit = its cluster's heaviest fed pathway; causes have none
    assert set(uc.loc[units["cluster_key"] == "solution:1", "pathway"]) == {"b"}
    assert set(uc.loc[units["cluster_key"] == "solution:3", "pathway"]) == {""}
    assert set(uc.loc[~sol, "pathway"]) == {""}
    cc = res.cluster_columns.set_index("cluster_key")
    assert cc.loc["solution:0", "axis:ax"] < 0 < cc.loc["solution:4", "axis:ax"]
    assert cc.loc["solution:2", "pathways"] == ["a", "c"]


def test_respondents_table(planted):
    _, _, res = planted
    r = res.respondents.set_index("respondent")
    assert len(r) == 24
    assert r.loc["r00", ["units_cause", "units_solution", "solution:0", "solution:2"]].tolist() == [
        1,
        2,
        1,
        1,
    ]
    assert (r.loc[[f"r{i:02d}" for i in range(8)], "lean"] == "a").all()
    assert (r.loc[[f"r{i:02d}" for i in range(8, 16)], "lean"] == "b").all()
    assert (r.loc[[f"r{i:02d}" for i in range(16, 24)], "lean"] == "d").all()
    assert r.loc["r20", "pathway:d"] == pytest.approx(0.5)  # one of two solutions feeds d
    # respondent metadata is joined (constant per respondent)
    assert r.loc["r03", "parti"] == "A" and r.loc["r17", "parti"] == "C"
    assert r.loc["r00", "axis:ax"] < 0 < r.loc["r20", "axis:ax"]


def test_kind_classifier_and_cues():
    spec = parse_model(SPEC, "planted.yaml")
    emb = WordEmbedder()
    clf = KindClassifier(spec).fit(AnchorEmbedder(emb, use_cache=False))
    texts = ["problem beta x", "forslag beta y", "neutral z", "problem gamma", "forslag zeta"]
    X = emb.encode(texts)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    pred = clf.predict(texts, X)
    assert pred["kind"].tolist() == ["cause", "solution", "other", "cause", "solution"]
    assert (pred["kind_score"] > 0.4).all()
    generic = load_model("generic")
    hits = cue_hits(
        ["Det skyldes mangel på hænder", "Vi bør investere i teknologi", "Hej"], generic
    )
    assert hits.tolist() == [[2, 0, 0], [0, 2, 0], [0, 0, 0]]


def test_lean_weights_and_axis_helpers():
    w = lean_weights(np.array([[1.0, 0.9, 0.0], [0.4, 0.3, -2.0], [3.0, 0.6, 0.0]]), 0.5, 0.25)
    assert w[0].round(3).tolist() == [0.526, 0.474, 0.0]
    assert w[1].tolist() == [0.0, 0.0, 0.0]  # below membership_z: feeds none
    assert w[2].tolist() == [1.0, 0.0, 0.0]  # 0.6 is only 17% of the affinity: dropped
    n, p = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    assert axis_positions(np.stack([n, p]), n, p).tolist() == [-1.0, 1.0]


def _grouped_clusters(seed: int = 0):
    """Six clusters in two planted groups: by meaning (alfa / beta) and by who writes them."""
    rng = np.random.default_rng(seed)
    X, labels, resp = [], [], []
    for c in range(6):
        group = c // 3
        base = np.zeros(32)
        base[0 if group == 0 else 1] = 1.0
        base[2 + c] = 0.8
        people = range(0, 10) if group == 0 else range(10, 20)
        for r in people:
            X.append(base + rng.normal(0, 0.1, 32))
            labels.append(c)
            resp.append(f"r{r}")
    X = np.array(X)
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.array(labels), resp


def test_proposed_pathways_recover_planted_groups():
    X, labels, resp = _grouped_clusters()
    prop = PathwayProposer(n_boot=20, random_state=0).fit(X, labels, resp)
    assert prop.k_ == 2
    assert adjusted_rand_score([0, 0, 0, 1, 1, 1], prop.groups_) == 1.0
    assert prop.stability_ > 0.9 and prop.n_boot_used_ == 20
    assert prop.alpha_ == 0.5
    # without shared respondents co-occurrence carries no information and is dropped
    solo = [f"u{i}" for i in range(len(resp))]
    assert PathwayProposer(n_boot=5).fit(X, labels, solo).alpha_ == 1.0


def test_generic_model_proposes_pathways_from_data():
    spec = load_model("generic")
    X, labels, resp = _grouped_clusters()
    units = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(labels))],
            "respondent": resp,
            "kind": "solution",
            "text": [f"tekst {i}" for i in range(len(labels))],
            "cluster": labels,
        }
    )
    units["cluster_key"] = "solution:" + units["cluster"].astype(str)
    units["label"] = units["cluster_key"].str.upper()
    cl = clusters_of(units)

    class Const:
        model_id = "test/const"

        def encode(self, texts):
            return np.tile(np.eye(32)[5], (len(texts), 1))

    answers = units[["respondent", "text"]].assign(
        answer_id=units["unit_id"], kind="solution", row=0
    )
    res = apply_model(spec, units, cl, answers, X, AnchorEmbedder(Const(), use_cache=False))
    p = res.pathways
    assert p["source"].eq("data").all() and len(p) == 2
    assert sorted(map(sorted, p["clusters"])) == [
        ["solution:0", "solution:1", "solution:2"],
        ["solution:3", "solution:4", "solution:5"],
    ]
    assert p["name"].str.contains(r"SOLUTION:\d \+ SOLUTION:\d \(\+1\)").all()
    assert res.provenance["proposed"]["k"] == 2
    assert res.provenance["proposed"]["stability_ari_mean"] > 0.9


# ---------------------------------------------------------------------------- through map()
@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("spec") / "planted.yaml"
    p.write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    return str(p)


@pytest.fixture(scope="module")
def planted_frame():
    u = planted_units()
    return pd.DataFrame(
        {
            "id": u["unit_id"],
            "svar": u["text"],
            "person": u["respondent"],
            "parti": u["parti"],
            "type": np.where(u["kind"] == "cause", "løsning", "årsag"),  # deliberately swapped
        }
    )


def map_planted(frame: pd.DataFrame, spec_file: str, **kw) -> wp.WildMap:
    return wp.map(
        frame,
        text="svar",
        respondent="person",
        id="id",
        model=spec_file,
        embedder=WordEmbedder(),
        progress=False,
        cache=False,
        **kw,
    )


def test_map_with_model_classifies_kinds_and_maps_pathways(planted_frame, spec_file):
    m = map_planted(planted_frame, spec_file, group="parti")
    truth = np.where(m.units["text"].str.startswith("problem"), "cause", "solution")
    assert (m.units["kind"] == truth).all()
    assert set(m.units["kind_source"]) == {"classified"}
    # the clusters found by HDBSCAN feed the pathways as planted
    by_words = {PLANTED[c][0]: want for c, (_, _, want) in PLANTED.items()}
    sol = m.clusters[m.clusters["kind"] == "solution"]
    for key, pathways in zip(sol["cluster_key"], sol["pathways"]):
        words = m.units.loc[m.units["cluster_key"] == key, "text"].str.rsplit(" ", n=1).str[0]
        assert words.nunique() == 1
        assert set(pathways) == by_words[words.iloc[0]]
    r = m.respondents.set_index("respondent")
    assert r.loc["r01", "lean"] == "a" and r.loc["r09", "parti"] == "B"
    c = m.corners.set_index(["corner", "measure"])
    assert c.loc[("conflict", "group_divergence"), "value"] > 0.5  # parties write different things
    assert 0 <= c.loc[("wildness", "index"), "value"] <= 1
    assert m.provenance["model"]["id"] == "planted"
    assert m.extras["memberships"]["fed"].sum() == 5


def test_given_kind_column_wins(planted_frame, spec_file):
    m = map_planted(planted_frame, spec_file, kind="type")
    swapped = np.where(m.units["text"].str.startswith("problem"), "solution", "cause")
    assert (m.units["kind"] == swapped).all()
    assert set(m.units["kind_source"]) == {"given"} and (m.units["kind_score"] == 1).all()


def test_model_errors(planted_frame, spec_file):
    with pytest.raises(wp.InputError, match="group column 'nope' not found"):
        wp.map(
            planted_frame,
            text="svar",
            model=spec_file,
            group="nope",
            embedder=WordEmbedder(),
            progress=False,
            cache=False,
        )
    emb = np.eye(len(planted_frame), 8, dtype=np.float32)
    with pytest.raises(wp.InputError, match="needs the embedder that made them"):
        wp.map(planted_frame, text="svar", model=spec_file, embeddings=emb, progress=False)


# ---------------------------------------------------------------------------- real embedder
@pytest.mark.integration
def test_velfaerd_2035_on_tiny_da_real_embedder(tiny_da):
    """No kind column: kinds are classified, and the three solution themes of the test data land
    in the pathways whose descriptions they echo (technology -> Smarter not harder, volunteers ->
    Join forces, fewer rules -> Less is more)."""
    m = wp.map(
        tiny_da,
        text="svar",
        respondent="politiker",
        id="id",
        model="velfaerd-2035",
        group="parti",
        random_state=0,
        progress=False,
    )
    truth = m.units["type"].map({"årsag": "cause", "løsning": "solution"})
    assert (m.units["kind"] == truth).mean() >= 0.75
    sol = m.units[(m.units["kind"] == "solution") & (m.units["type"] == "løsning")]
    lean = sol.groupby("tema")["pathway"].agg(lambda s: s.value_counts().index[0])
    assert lean.to_dict() == {
        "teknologi": "smarter-not-harder",
        "civilsamfund": "join-forces",
        "afbureaukratisering": "less-is-more",
    }
    p = m.pathways.set_index("pathway")
    assert list(p.index) == ["less-is-more", "smarter-not-harder", "join-forces", "new-deal"]
    assert (
        p.loc["less-is-more", "axis:afvikling-udvikling"]
        < p.loc["join-forces", "axis:afvikling-udvikling"]
    )
    assert {"lean", "parti", "units_cause", "units_solution"} <= set(m.respondents.columns)
    assert len(m.respondents) == 16
    corners = set(m.corners["corner"])
    assert corners == {"causes", "solutions", "scale", "conflict", "wildness"}


# ---------------------------------------------------------------------------- the spec travels
def test_map_with_a_spec_that_extends_a_file_beside_it_places_a_wave_after_save_and_load(
    planted_frame, tmp_path
):
    """A spec that says ``extends: base.yaml`` (a file beside it) is saved resolved, so a map
    loaded elsewhere parses it without that file or any temp file, and places a new wave."""
    folder = tmp_path / "specs"
    folder.mkdir()
    base = {k: v for k, v in SPEC.items() if k not in ("id", "name")}
    (folder / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    child = folder / "child.yaml"
    child.write_text(
        yaml.safe_dump({"id": "child", "name": "Child", "extends": "base.yaml"}), encoding="utf-8"
    )
    m = map_planted(planted_frame, str(child))
    assert m.model_spec.id == "child" and [p.id for p in m.model_spec.pathways] == [
        p["id"] for p in SPEC["pathways"]
    ]
    path = m.save(tmp_path / "kort.wpmap")
    import zipfile

    saved = yaml.safe_load(zipfile.ZipFile(path).read("model/spec.yaml"))
    assert "extends" not in saved and saved["id"] == "child" and "pathways" in saved
    (folder / "base.yaml").unlink()  # the base is gone: the saved map must not need it
    loaded = wp.load(path)
    assert loaded.model_spec == m.model_spec.__class__(
        **{**m.model_spec.__dict__, "path": loaded.model_spec.path}
    )
    wave = loaded.assign(planted_frame.head(20), embedder=WordEmbedder(), wave="2")
    assert wave.pathways is not None and len(wave.pathways) == len(SPEC["pathways"])


def test_pathway_respondent_and_corner_tables_follow_the_schema(modelled_map, real_map):
    """The tables the model step makes (not a hand-made fixture) have the documented columns,
    and the respondents table starts with the same columns with and without a model."""
    from wildproblems.outputs.tables import respondent_table
    from wildproblems.schema import CORNER_COLUMNS, MEMBERSHIP_COLUMNS, PATHWAY_COLUMNS

    m = modelled_map
    assert list(m.pathways.columns[: len(PATHWAY_COLUMNS)]) == list(PATHWAY_COLUMNS)
    axis = [c for c in m.pathways.columns if c not in PATHWAY_COLUMNS]
    assert axis == [f"axis:{a.id}{s}" for a in m.model_spec.axes for s in ("", ":anchors", ":spec")]
    assert tuple(m.corners.columns) == CORNER_COLUMNS
    assert tuple(m.extras["memberships"].columns) == MEMBERSHIP_COLUMNS
    front = ["respondent", "answers", "units"]
    with_model = list(m.respondents.columns)
    without = list(respondent_table(real_map).columns)
    assert with_model[:3] == without[:3] == front
    assert with_model[3 : 3 + len(m.kinds)] == [f"units_{k}" for k in m.kinds]
    assert {"clusters", "labels", "lean"} <= set(with_model) and "lean" not in without
