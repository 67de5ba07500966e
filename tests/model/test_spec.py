"""Model specs: bundled specs load, validation errors name file, key path and value."""

from __future__ import annotations

import textwrap

import pytest

import wildproblems as wp
from wildproblems.model.spec import list_models, load_model, parse_model

MINIMAL = {
    "id": "mini",
    "name": "Mini",
    "kinds": {"cause": {"anchors": ["a"]}, "solution": {"anchors": ["b"]}},
}


def test_bundled_models_load_and_follow_the_reports():
    assert list_models() == ["foertidspension", "generic", "velfaerd-2035"]
    v = load_model("velfaerd-2035")
    assert [p.id for p in v.pathways] == [
        "less-is-more",
        "smarter-not-harder",
        "join-forces",
        "new-deal",
    ]
    assert v.pathways[0].description.startswith("Gennemgribende afbureaukratisering")
    assert v.pathway("new-deal").description.endswith("oprustning af velfærden.")
    assert (v.axes[0].negative.name, v.axes[0].positive.name) == ("Afvikling", "Udvikling")
    # the report orders the pathways from Afvikling to Udvikling
    pos = [p.position["afvikling-udvikling"] for p in v.pathways]
    assert pos == sorted(pos)
    # kinds, sectors and levels come from generic through `extends`
    g = load_model("generic")
    assert v.kinds == g.kinds and v.sectors == g.sectors and len(v.levels) >= 5
    assert g.pathways == ()
    f = load_model("foertidspension")
    assert [p.name for p in f.pathways] == [
        "Unge med psykiske lidelser",
        "Personer på langvarig kontanthjælp",
        "Pendlere og overleverede",
        "Midaldrende med diffuse lidelser, stress og depression",
    ]
    assert set(f.pathway_kinds) == {"cause", "solution", "other"}


def test_typology_names_match_the_corpus():
    typ = wp.corpora.load("foertidspension_2012_typology")
    citizen = typ.loc[typ["typology"] == "borgertype", "name"].tolist()
    assert [p.name for p in load_model("foertidspension").pathways] == citizen


def test_user_yaml_by_path_and_extends(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(
        textwrap.dedent(
            """
            id: mine
            extends: generic
            name: Min model
            pathways:
              - id: one
                name: One
                description: the first way
                anchors: [første vej]
                position: {afvikling-udvikling: 0.5}
              - id: two
                name: Two
                description: the second way
                anchors: {en: [second way], da: [anden vej]}
            thresholds: {membership_z: 0.8}
            """
        ),
        encoding="utf-8",
    )
    spec = load_model(str(p))
    assert spec.id == "mine" and [x.id for x in spec.pathways] == ["one", "two"]
    assert spec.pathways[1].anchors == {"en": ("second way",), "da": ("anden vej",)}
    assert spec.thresholds.membership_z == 0.8 and spec.thresholds.membership_share == 0.25
    assert spec.axes[0].id == "afvikling-udvikling"  # from generic


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kinds": {"cause": {"anchors": ["a"]}}}, "kinds: a model needs kinds"),
        ({"colour": "red"}, "colour: unknown key"),
        ({"id": "Bad Id"}, "id: ids use lower-case"),
        (
            {"pathways": [{"id": "p", "name": "P", "description": "d", "anchors": "x"}]},
            "pathways[0].anchors: expected a mapping",
        ),
        (
            {"pathways": [{"id": "p", "name": "P", "description": "d", "anchors": []}]},
            "pathways[0].anchors.da: expected a non-empty list",
        ),
        (
            {
                "pathways": [
                    {"id": "p", "name": "P", "description": "d", "anchors": ["x"]},
                    {"id": "p", "name": "Q", "description": "d", "anchors": ["y"]},
                ]
            },
            "pathways[1].id: duplicate id, got 'p'",
        ),
        (
            {
                "pathways": [
                    {
                        "id": "p",
                        "name": "P",
                        "description": "d",
                        "anchors": ["x"],
                        "position": {"nope": 0.1},
                    }
                ]
            },
            "pathways[0].position.nope: not an axis id",
        ),
        ({"thresholds": {"membership_share": 2}}, "thresholds.membership_share: must be in"),
        (
            {
                "kinds": {
                    "cause": {"anchors": ["a"], "cues": {"da": ["("]}},
                    "solution": {"anchors": ["b"]},
                }
            },
            "kinds.cause.cues.da[0]: bad regular expression",
        ),
        ({"sectors": [{"id": "s", "name": "S", "anchors": ["x"]}]}, "sectors: give at least two"),
        ({"pathway_kinds": ["other"]}, "pathway_kinds[0]: not one of the model's kinds"),
        ({"language": "de"}, "language: language must be one of"),
    ],
)
def test_validation_errors_name_key_and_value(change, message):
    with pytest.raises(wp.ModelSpecError) as err:
        parse_model({**MINIMAL, **change}, "my.yaml")
    assert str(err.value).startswith("my.yaml: ")
    assert message in str(err.value)


def test_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(wp.ModelSpecError, match="bad.yaml: not valid YAML"):
        load_model(str(bad))
    loop = tmp_path / "loop.yaml"
    loop.write_text("id: loop\nextends: loop.yaml\n", encoding="utf-8")
    with pytest.raises(wp.ModelSpecError, match="circular"):
        load_model(str(loop))
    with pytest.raises(wp.ModelSpecError, match="unknown model 'nope'.*velfaerd-2035"):
        load_model("nope")
