"""The QDA round trip on every bundled corpus, with the default embedder.

For each corpus, mapped with the defaults (no kind column) and with the model velfaerd-2035
(causes, solutions and other classified from the text, pathways): export the REFI-QDA project, and
1. count the codings whose code shares its name with another code, before this release's export
   (cluster headlines and the "(ikke klynget)" code repeated across kinds: a reader that keys
   codes by name, like QualCoder's importer, merges them) and now;
2. read the unchanged export back (must give no edit);
3. change it as a person would in a QDA tool (rename a code, merge two codes, move one coding,
   remove one, add a new code on two units) and read it back: changes applied, not mapped, and
   whether the map shows every change.

    PYTHONPATH=. python benchmarks/qda_roundtrip.py
"""

from __future__ import annotations

import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

import wildproblems as wp
from wildproblems.lang import LANGUAGES
from wildproblems.outputs.qda import NS_PROJECT, code_tree, guid

NS = f"{{{NS_PROJECT}}}"
NEW = "0f0f0f0f-0000-4000-8000-000000000001"


def old_name_clashes(m: wp.WildMap) -> int:
    """Codings (units) whose code name another code also had in the export before this release."""
    names = {}
    for kind in m.kinds:
        seen: Counter = Counter()
        for c in m.clusters[m.clusters["kind"] == kind].itertuples():
            seen[c.label] += 1
            names[c.cluster_key] = c.label if seen[c.label] == 1 else f"{c.label} ({c.cluster})"
        names[f"{kind}:-1"] = LANGUAGES[m.config.language].QDA["unclustered"]
    count = Counter(names.values())
    return int(sum(count[names[k]] > 1 for k in m.units["cluster_key"]))


def new_name_clashes(m: wp.WildMap) -> int:
    names = [c.name.lower() for top in code_tree(m) for c in top.walk()]
    return len(names) - len(set(names))


def change(m: wp.WildMap, src: Path, dst: Path) -> dict:
    kind = m.clusters["kind"].value_counts().index[0]
    keys = m.clusters.loc[m.clusters["kind"] == kind].sort_values("cluster")["cluster_key"].tolist()
    members = {k: m.units.loc[m.units["cluster_key"] == k, "unit_id"].tolist() for k in keys}
    g = {k: guid(m, "code", k) for k in keys}
    plan = {
        "rename": keys[0],
        "merge": (keys[-1], keys[1]),
        "moved": members[keys[0]][0],
        "removed": members[keys[0]][1],
        "new": members[keys[0]][2:4],
        "kind": kind,
    }

    def edit(root: ET.Element) -> None:
        code = {c.get("guid"): c for c in root.iter(f"{NS}Code")}
        parent = {c: p for p in root.iter() for c in p}
        code[g[keys[0]]].set("name", "Omdøbt")
        for ref in root.iter(f"{NS}CodeRef"):
            if ref.get("targetGUID") == g[keys[-1]]:
                ref.set("targetGUID", g[keys[1]])
        parent[code[g[keys[-1]]]].remove(code[g[keys[-1]]])
        for s in root.iter(f"{NS}Set"):
            for mc in list(s.findall(f"{NS}MemberCode")):
                if mc.get("targetGUID") == g[keys[-1]]:
                    s.remove(mc)
        sel = {s.get("guid"): s for s in root.iter(f"{NS}PlainTextSelection")}
        sel[guid(m, "selection", plan["moved"])].find(f"{NS}Coding/{NS}CodeRef").set(
            "targetGUID", g[keys[1]]
        )
        s = sel[guid(m, "selection", plan["removed"])]
        s.remove(s.find(f"{NS}Coding"))
        ET.SubElement(
            parent[code[g[keys[0]]]],
            f"{NS}Code",
            {"guid": NEW, "name": "Ny kode", "isCodable": "true"},
        )
        for u in plan["new"]:
            sel[guid(m, "selection", u)].find(f"{NS}Coding/{NS}CodeRef").set("targetGUID", NEW)

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "project.qde":
                root = ET.fromstring(data)
                edit(root)
                ET.register_namespace("", NS_PROJECT)
                data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            zout.writestr(info.filename, data)
    return plan


def shows_every_change(m: wp.WildMap, back: wp.WildMap, plan: dict) -> bool:
    lab = back.clusters.set_index("cluster_key")["label"]
    where = back.units.set_index("unit_id")["cluster_key"]
    gone, into = plan["merge"]
    merged = m.units.loc[m.units["cluster_key"] == gone, "unit_id"]
    return bool(
        lab.get(plan["rename"]) == "Omdøbt"
        and gone not in lab.index
        and (where[merged] == into).all()
        and where[plan["moved"]] == into
        and where[plan["removed"]] == f"{plan['kind']}:-1"
        and "Ny kode" in set(lab)
        and {where[u] for u in plan["new"]} == {lab[lab == "Ny kode"].index[0]}
    )


def main() -> None:
    rows = []
    tmp = Path(tempfile.mkdtemp())
    runs = [(n, model) for model in (None, "velfaerd-2035") for n in wp.corpora.list()]
    for name, model in runs:
        df = wp.corpora.load(name)
        if "text" not in df.columns:
            continue
        m = wp.map(
            df, text="text", respondent="speaker", model=model, random_state=0, progress=False
        )
        path = m.to_qdpx(tmp / f"{name}.qdpx")
        _, same = m.apply_qdpx(path)
        plan = change(m, path, tmp / f"{name}-changed.qdpx")
        t0 = time.perf_counter()
        back, report = m.apply_qdpx(tmp / f"{name}-changed.qdpx")
        rows.append(
            {
                "corpus": name,
                "model": model or "-",
                "units": len(m.units),
                "clusters": len(m.clusters),
                "codings_name_clash_before": old_name_clashes(m),
                "name_clashes_now": new_name_clashes(m),
                "unchanged_edits": len(same.changes) + len(same.unmapped),
                "changes_applied": len(report.changes),
                "edits": len(back.edits),
                "not_mapped": len(report.unmapped),
                "all_changes_shown": shows_every_change(m, back, plan),
                "apply_s": round(time.perf_counter() - t0, 2),
            }
        )
        print(rows[-1], flush=True)
    print("\n" + pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
