"""The QDA round trip: export a map to .qdpx, change it as a person would in a QDA tool (rename a
code, merge two codes, move a coding, remove a coding, add a code), read it back as edits; on
every bundled corpus. The fake embedder keeps it fast (the round trip does not depend on it)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import CountingEmbedder

import wildproblems as wp
from wildproblems.outputs.qda import NS_PROJECT, guid

NS = f"{{{NS_PROJECT}}}"
SCHEMA = Path(__file__).parents[1] / "data" / "refi-qda" / "Project-mrt2019.xsd"
CORPORA = [n for n in wp.corpora.list() if "text" in wp.corpora.load(n).columns]


def _rewrite(src: Path, dst: Path, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "project.qde":
                root = ET.fromstring(data)
                change(root)
                ET.register_namespace("", NS_PROJECT)
                data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            zout.writestr(info.filename, data)


def _code_el(root, g):
    return next(c for c in root.iter(f"{NS}Code") if c.get("guid") == g)


def _parent_of(root, el):
    return next(p for p in root.iter() if el in list(p))


@pytest.fixture(scope="module")
def maps():
    emb = CountingEmbedder()
    out = {}
    for name in CORPORA:
        df = wp.corpora.load(name)
        out[name] = wp.map(
            df, text="text", respondent="speaker", embedder=emb, random_state=0, progress=False
        )
    return out


@pytest.mark.parametrize("name", CORPORA)
def test_unchanged_export_gives_no_edits(maps, name, tmp_path):
    m = maps[name]
    path = m.to_qdpx(tmp_path / "p.qdpx")
    back, report = m.apply_qdpx(path)
    assert report.changes == [] and report.unmapped == [] and back.edits == []


@pytest.mark.parametrize("name", CORPORA)
def test_changed_project_becomes_edits(maps, name, tmp_path):
    m = maps[name]
    path = m.to_qdpx(tmp_path / "p.qdpx")
    kind = m.clusters["kind"].value_counts().index[0]
    c = m.clusters[m.clusters["kind"] == kind].sort_values("cluster")
    keys = c["cluster_key"].tolist()
    assert len(keys) >= 3, (name, keys)
    units = m.units
    members = {k: units.loc[units["cluster_key"] == k, "unit_id"].tolist() for k in keys}
    g = {k: guid(m, "code", k) for k in keys}
    rename_key, merge_from, merge_into = keys[0], keys[-1], keys[1]
    moved = members[keys[0]][0]
    removed = members[keys[0]][1]
    new_units = members[keys[0]][2:4] if len(members[keys[0]]) >= 6 else []

    def change(root):
        _code_el(root, g[rename_key]).set("name", "Omdøbt af en person")
        # merge: the codings of merge_from go to merge_into, its code is deleted
        for ref in root.iter(f"{NS}CodeRef"):
            if ref.get("targetGUID") == g[merge_from]:
                ref.set("targetGUID", g[merge_into])
        gone = _code_el(root, g[merge_from])
        _parent_of(root, gone).remove(gone)
        for s in root.iter(f"{NS}Set"):
            for mc in list(s.findall(f"{NS}MemberCode")):
                if mc.get("targetGUID") == g[merge_from]:
                    s.remove(mc)
        sel_of = {s.get("guid"): s for s in root.iter(f"{NS}PlainTextSelection")}
        sel_of[guid(m, "selection", moved)].find(f"{NS}Coding/{NS}CodeRef").set(
            "targetGUID", g[merge_into]
        )
        s = sel_of[guid(m, "selection", removed)]
        s.remove(s.find(f"{NS}Coding"))
        if new_units:
            parent = _parent_of(root, _code_el(root, g[keys[0]]))
            ET.SubElement(
                parent,
                f"{NS}Code",
                {
                    "guid": "0f0f0f0f-0000-4000-8000-000000000001",
                    "name": "Ny kode",
                    "isCodable": "true",
                },
            )
            for u in new_units:
                sel_of[guid(m, "selection", u)].find(f"{NS}Coding/{NS}CodeRef").set(
                    "targetGUID", "0f0f0f0f-0000-4000-8000-000000000001"
                )

    changed = tmp_path / "changed.qdpx"
    _rewrite(path, changed, change)
    back, report = m.apply_qdpx(changed)
    assert report.unmapped == [], report.unmapped
    kinds_of_change = {c["change"] for c in report.changes}
    assert {"code renamed", "code merged", "codings moved", "codings removed"} <= kinds_of_change
    lab = back.clusters.set_index("cluster_key")["label"]
    assert lab[rename_key] == "Omdøbt af en person"
    assert merge_from not in lab.index
    where = back.units.set_index("unit_id")["cluster_key"]
    assert all(where[u] == merge_into for u in members[merge_from])
    assert where[moved] == merge_into
    assert where[removed] == f"{kind}:-1"
    if new_units:
        assert "Ny kode" in set(lab)
        assert {where[u] for u in new_units} == {lab[lab == "Ny kode"].index[0]}
    # the curated map exports again, valid, and an unchanged re-export gives no more edits
    xmlschema = pytest.importorskip("xmlschema")
    again = back.to_qdpx(tmp_path / "again.qdpx")
    xmlschema.XMLSchema(str(SCHEMA)).validate(
        io.BytesIO(zipfile.ZipFile(again).read("project.qde"))
    )
    assert back.apply_qdpx(again)[1].changes == []


@pytest.mark.integration
def test_pathway_sets_become_pins(modelled_map, tmp_path):
    m = modelled_map
    path = m.to_qdpx(tmp_path / "p.qdpx")
    feeds = m.pathways.set_index("pathway")["clusters"]
    pid = next(p for p, ks in feeds.items() if ks)
    out_key = feeds[pid][0]
    in_key = next(
        k
        for k in m.clusters.loc[m.clusters["kind"] == "solution", "cluster_key"]
        if k not in feeds[pid]
    )
    name = m.pathways.set_index("pathway").loc[pid, "name"]

    def change(root):
        s = next(s for s in root.iter(f"{NS}Set") if s.get("name") == name)
        for mc in list(s.findall(f"{NS}MemberCode")):
            if mc.get("targetGUID") == guid(m, "code", out_key):
                s.remove(mc)
        ET.SubElement(s, f"{NS}MemberCode", {"targetGUID": guid(m, "code", in_key)})

    changed = tmp_path / "changed.qdpx"
    _rewrite(path, changed, change)
    back, report = m.apply_qdpx(changed)
    assert report.unmapped == []
    assert [e["op"] for e in back.edits] == ["pin", "pin"]
    now = back.pathways.set_index("pathway").loc[pid, "clusters"]
    assert in_key in now and out_key not in now
