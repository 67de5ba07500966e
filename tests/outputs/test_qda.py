"""REFI-QDA exports: the .qdpx project validates against the QDA-XML 1.0 project schema and
round-trips (same codes, same coded selections at the right offsets); the .qdc codebook is
structurally valid; both are reproducible byte for byte."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from wildproblems.lang import kind_name
from wildproblems.outputs.qda import (
    NS_CODEBOOK,
    NS_PROJECT,
    case_codes,
    code_tree,
    find_span,
    read_qdc,
    read_qdpx,
    unit_spans,
)

SCHEMA = Path(__file__).parents[1] / "data" / "refi-qda" / "Project-mrt2019.xsd"


@pytest.fixture(scope="module")
def schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(SCHEMA))


@pytest.fixture(scope="module")
def project(modelled_map, tmp_path_factory):
    path = tmp_path_factory.mktemp("qda") / "projekt.qdpx"
    modelled_map.to_qdpx(str(path))
    return path


def test_find_span():
    assert find_span("For meget bureaukrati", "1) Mangel 2) For meget bureaukrati") == (
        13,
        34,
        True,
    )
    # a wrapped line that segmentation joined with a space
    assert find_span("hænder i ældreplejen", "Vi mangler hænder i\nældreplejen.") == (11, 31, True)
    # the same text twice in one answer: the second unit gets the second place
    assert find_span("mere tid", "mere tid; mere tid", start=8) == (10, 18, True)
    assert find_span("noget helt andet", "Helt anden tekst") == (0, 16, False)


@pytest.mark.integration
def test_project_validates_against_refi_qda_schema(project, schema):
    with zipfile.ZipFile(project) as z:
        xml = z.read("project.qde")
        names = z.namelist()
    schema.validate(io.BytesIO(xml))
    root = ET.fromstring(xml)
    n_sources = len(root.findall(f"{{{NS_PROJECT}}}Sources/{{{NS_PROJECT}}}TextSource"))
    assert len([n for n in names if n.startswith("sources/") and n.endswith(".txt")]) == n_sources


@pytest.mark.integration
def test_project_round_trips(project, modelled_map):
    back = read_qdpx(project)
    m = modelled_map
    # same codes: every cluster, the unclustered code per kind, the kind parents and pathways,
    # and (in the project only) one code per respondent with its case's GUID
    tree = code_tree(m)
    cases = case_codes(m, tree)
    written = [
        (c.guid, c.name, c.description, c.codable) for top in [*tree, cases] for c in top.walk()
    ]
    read = list(
        back.codes[["guid", "name", "description", "codable"]].itertuples(index=False, name=None)
    )
    assert read == written
    # every headline is a code name (with its kind when clusters of two kinds share it)
    names = set(back.codes["name"])
    assert all(
        lab in names or f"{lab} ({kind_name(k, 'da').lower()})" in names
        for lab, k in zip(m.clusters["label"], m.clusters["kind"])
    )
    assert back.codes["name"].str.lower().is_unique
    assert back.codes["guid"].str.fullmatch(r"[0-9a-f-]{36}").all()
    # every unit is one coded selection, coded with its cluster, whose text is the unit
    case_guid = {c.guid for c in cases.children}
    by_case = back.selections[back.selections["code"].isin(case_guid)]
    sel = back.selections[~back.selections["code"].isin(case_guid)].set_index("name")
    assert len(sel) == len(m.units)
    # each answer is coded, whole, with its respondent's case code, whose GUID is the case's
    assert len(by_case) == len(m.answers)
    assert (by_case["text"] == [back.sources[g] for g in by_case["source"]]).all()
    case_of = {g: name for name, gs in back.cases.items() for g in gs}
    code_guid_of = {c.key.split(":", 1)[1]: c.guid for c in cases.children}
    for src, code in zip(by_case["source"], by_case["code"]):
        assert code == code_guid_of[case_of[src]]
    code_name = {
        c.key: c.name for top in tree for c in top.walk() if c.key and c.key.count(":") == 1
    }
    spans = unit_spans(m).set_index("unit_id")
    for u in m.units.itertuples():
        s = sel.loc[u.unit_id]
        assert s["code_name"] == code_name[u.cluster_key]
        assert (s["start"], s["end"]) == tuple(spans.loc[u.unit_id, ["start", "end"]])
        assert " ".join(s["text"].split()) == " ".join(str(u.text).split())
    # sources are the answers; cases are the respondents; pathways are sets of cluster codes
    assert len(back.sources) == len(m.answers)
    assert set(back.cases) == set(m.units["respondent"].astype(str))
    # sets: one per kind (its cluster codes) and one per pathway
    assert set(back.sets) == set(m.pathways["name"]) | {kind_name(k, "da") for k in m.kinds}
    less = m.pathways.set_index("pathway").loc["less-is-more", "clusters"]
    assert back.sets["Less is more"] == [
        next(c.guid for top in tree for c in top.walk() if c.key == k) for k in less
    ]


@pytest.mark.integration
def test_unit_offsets_point_at_the_unit(unsafe_map):
    spans = unit_spans(unsafe_map)
    answers = dict(zip(unsafe_map.answers["answer_id"], unsafe_map.answers["text"]))
    assert spans["exact"].all()
    for s, u in zip(spans.itertuples(), unsafe_map.units.itertuples()):
        assert answers[u.answer_id][s.start : s.end] == u.text


@pytest.mark.integration
def test_exports_are_reproducible(modelled_map, tmp_path, project):
    again = tmp_path / "again.qdpx"
    modelled_map.to_qdpx(str(again))
    assert again.read_bytes() == project.read_bytes()
    a, b = tmp_path / "a.qdc", tmp_path / "b.qdc"
    modelled_map.to_qdc(str(a))
    modelled_map.to_qdc(str(b))
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.integration
def test_codebook_is_valid_and_round_trips(modelled_map, tmp_path, schema):
    """No Codebook XSD is bundled, so the .qdc is checked structurally: its <Codes> element,
    moved into the project namespace inside a minimal <Project>, must validate against the
    project schema (whose CodeBook/Codes/Code types the codebook schema shares)."""
    path = modelled_map.to_qdc(str(tmp_path / "kodebog.qdc"))
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{NS_CODEBOOK}}}CodeBook" and root.get("origin", "").startswith(
        "wildproblems"
    )
    for el in root.iter():
        el.tag = el.tag.replace(NS_CODEBOOK, NS_PROJECT)
    project = ET.Element(f"{{{NS_PROJECT}}}Project", {"name": "codebook check"})
    book = ET.SubElement(project, f"{{{NS_PROJECT}}}CodeBook")
    book.append(root.find(f"{{{NS_PROJECT}}}Codes"))
    project.append(root.find(f"{{{NS_PROJECT}}}Sets"))  # readers that need <Sets> in a .qdc
    schema.validate(io.BytesIO(ET.tostring(project)))
    codes = read_qdc(path)
    names = codes["name"].tolist()
    assert len(set(names)) == len(names)
    assert all(
        lab in names or f"{lab} ({kind_name(k, 'da').lower()})" in names
        for lab, k in zip(modelled_map.clusters["label"], modelled_map.clusters["kind"])
    )
    assert {"Veje", "Less is more", "New deal"} <= set(names)
    desc = codes.set_index("name").loc["Less is more", "description"]
    assert modelled_map.pathways.set_index("pathway").loc["less-is-more", "description"] in desc
    first = modelled_map.clusters.iloc[0]
    parent = codes.set_index("name").loc[first["label"], "parent"]
    assert codes.set_index("guid").loc[parent, "name"] == kind_name(first["kind"], "da")


@pytest.mark.integration
def test_unsafe_text_survives_as_text(unsafe_map, tmp_path, schema):
    path = unsafe_map.to_qdpx(str(tmp_path / "p.qdpx"))
    schema.validate(io.BytesIO(zipfile.ZipFile(path).read("project.qde")))
    back = read_qdpx(path)
    assert any(t.startswith("<script>alert(1)</script>") for t in back.sources.values())
    assert "=1+1" in back.cases
