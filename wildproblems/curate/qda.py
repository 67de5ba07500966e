"""The round trip with QDA tools: a ``.qdpx`` exported from a map (:meth:`WildMap.to_qdpx`), changed
by a person in NVivo, ATLAS.ti, MAXQDA or QualCoder, read back and turned into edits.

The export's GUIDs are deterministic (:func:`wildproblems.outputs.qda.guid`), so each code of the
changed project is matched to its cluster by GUID (a code whose GUID a tool replaced is matched by
its exported name), and each coded selection to its unit by GUID or by its name (the unit id).
Differences become edits, in this order:

* a cluster code with a new name -> ``rename``;
* a cluster code that is gone, whose units are now coded with one other cluster code of the same
  kind -> ``merge`` into that cluster;
* a new code coding units of one kind -> ``split`` of the cluster holding most of them (by those
  units), the other units ``move``\\ d in, and a ``rename`` to the code's name;
* a unit coded with another cluster (or the "unclustered" code) -> ``move``; a unit whose coding
  was removed -> ``move`` out of every cluster;
* a pathway set whose member codes changed -> ``pin`` (added) or ``pin(..., member=False)``.

What cannot be mapped (a selection that is no unit, a unit with two cluster codes, a code on units
of several kinds, codes that are gone with their units spread) is listed in the report, never
silently dropped.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs.qda import case_codes, code_tree, guid, read_qdpx
from ..result import WildMap
from ..schema import split_key
from .edits import EditError, apply_edit, cluster_ref

log = logging.getLogger(__name__)


@dataclass
class QdaChanges:
    """What :func:`apply_qdpx` found: ``changes`` (one row per difference turned into an edit:
    ``change``, ``detail``, ``op``) and ``unmapped`` (``what``, ``detail``, ``reason``)."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """Both lists as one frame (``status`` = applied / not mapped)."""
        rows = [{"status": "applied", **c} for c in self.changes]
        rows += [{"status": "not mapped", **u} for u in self.unmapped]
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return f"QdaChanges({len(self.changes)} changes, {len(self.unmapped)} not mapped)"


def _codes_of(m: WildMap) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Exported cluster codes: guid -> cluster key, key -> exported name, pathway guid -> id."""
    tree = code_tree(m)
    key_of, name_of = {}, {}
    for top in tree:
        if top.key in m.kinds:
            for c in top.children:
                key_of[c.guid] = str(c.key)
                name_of[str(c.key)] = c.name
    return key_of, name_of, {guid(m, "set", p): str(p) for p in _pathways(m)}


def _pathways(m: WildMap) -> list[str]:
    return [] if m.pathways is None else m.pathways["pathway"].astype(str).tolist()


def qdpx_edits(m: WildMap, path: str | Path) -> tuple[list[dict[str, Any]], QdaChanges]:
    """The edits that turn ``m`` into the project at ``path`` (see the module text), and a report.

    The edits are plain dicts as :func:`wildproblems.curate.edits.apply_edit` takes; cluster
    references are those of ``m``, so they apply one after another (later references are matched by
    members, see :func:`~wildproblems.curate.edits.match_ref`)."""
    project = read_qdpx(path)
    report = QdaChanges()
    key_of, name_of, _ = _codes_of(m)
    exported_guid = {k: g for g, k in key_of.items()}
    codes = project.codes
    by_guid = dict(zip(codes["guid"].astype(str).str.lower(), codes["name"].astype(str)))
    # codes whose GUID a tool replaced: matched by the exported name
    guid_map: dict[str, str] = {}
    for g in by_guid:
        if g in key_of:
            guid_map[g] = key_of[g]
    free_names = {name_of[k]: k for k in name_of if exported_guid[k] not in by_guid}
    for g, name in by_guid.items():
        if g not in guid_map and name in free_names:
            guid_map[g] = free_names.pop(name)
    tree = code_tree(m)
    ours = {c.guid for top in [*tree, case_codes(m, tree)] for c in top.walk()}
    cases = {c.guid for c in case_codes(m, tree).children}
    new_codes = {
        g: name
        for g, name in by_guid.items()
        if g not in guid_map and g not in ours and g in _coded(project)
    }

    # units and their codes now
    units = m.units.set_index(m.units["unit_id"].astype(str))
    sel_unit = {guid(m, "selection", u): u for u in units.index}
    now: dict[str, set[str]] = {}
    for r in project.selections.itertuples():
        if str(r.code).lower() in cases:  # an answer coded with its respondent's case code
            continue
        uid = sel_unit.get(str(r.guid).lower()) or (
            str(r.name) if str(r.name) in units.index else None
        )
        if uid is None:
            report.unmapped.append(
                {
                    "what": "selection",
                    "detail": f"{r.source_name}: {str(r.text)[:60]!r}",
                    "reason": "not a unit of the map (a new selection): code it in the map's units",
                }
            )
            continue
        code = str(r.code).lower()
        now.setdefault(uid, set()).add(guid_map.get(code, code))
    edits: list[dict[str, Any]] = []

    # renames
    for g, key in sorted(guid_map.items(), key=lambda x: x[1]):
        if key.endswith(":-1"):
            continue
        if by_guid[g] != name_of[key]:
            edits.append({"op": "rename", "cluster": cluster_ref(m, key), "label": by_guid[g]})
            report.changes.append(
                {
                    "change": "code renamed",
                    "detail": f"{name_of[key]!r} -> {by_guid[g]!r}",
                    "op": "rename",
                }
            )

    # where each unit's cluster is now
    target: dict[str, str] = {}
    for uid in units.index:
        have = now.get(uid, set())
        keys = [c for c in have if c.count(":") == 1 or c in new_codes]
        if len(keys) > 1:
            report.unmapped.append(
                {
                    "what": "unit",
                    "detail": uid,
                    "reason": f"coded with {len(keys)} codes; a unit is in one cluster (kept)",
                }
            )
            continue
        kind = str(units.at[uid, "kind"])
        target[uid] = keys[0] if keys else f"{kind}:-1"

    # codes that are gone: a merge when their units went to one other cluster
    gone = [k for k in name_of if not k.endswith(":-1") and k not in set(guid_map.values())]
    merged_into: dict[str, str] = {}
    for key in gone:
        members = units.index[units["cluster_key"] == key]
        where = Counter(target.get(u, key) for u in members)
        dest, n = where.most_common(1)[0] if where else (None, 0)
        if (
            dest
            and dest.count(":") == 1
            and not dest.endswith(":-1")
            and split_key(dest)[0] == split_key(key)[0]
            and n == len(members)
        ):
            merged_into[key] = dest
            edits.append({"op": "merge", "clusters": [cluster_ref(m, dest), cluster_ref(m, key)]})
            report.changes.append(
                {
                    "change": "code merged",
                    "detail": f"{name_of[key]!r} into {name_of[dest]!r}",
                    "op": "merge",
                }
            )
        elif not where or all(t.endswith(":-1") for t in where.elements()):
            edits.append({"op": "drop", "cluster": cluster_ref(m, key)})
            report.changes.append(
                {"change": "code deleted with its codings", "detail": name_of[key], "op": "drop"}
            )
        # otherwise the units are moved one by one below
    for key in merged_into:
        for u in units.index[units["cluster_key"] == key]:
            target.pop(u, None)
    dropped = {e["cluster"]["key"] for e in edits if e["op"] == "drop"}
    for u in units.index[units["cluster_key"].isin(dropped)]:
        target.pop(u, None)

    # new codes: split out of the cluster holding most of their units
    for g, name in sorted(new_codes.items(), key=lambda x: x[1]):
        members = sorted(u for u, t in target.items() if t == g)
        kinds = set(units.loc[members, "kind"]) if members else set()
        if len(kinds) != 1:
            report.unmapped.append(
                {
                    "what": "code",
                    "detail": name,
                    "reason": "codes units of several kinds" if kinds else "codes no unit",
                }
            )
            for u in members:
                target.pop(u, None)
            continue
        source = Counter(units.loc[members, "cluster_key"]).most_common(1)[0][0]
        inside = [u for u in members if units.at[u, "cluster_key"] == source]
        size = int((units["cluster_key"] == source).sum())
        if source.endswith(":-1") or len(inside) == size:
            # the whole cluster (or unclustered units): the code renames the cluster / moves units
            if source.endswith(":-1"):
                report.unmapped.append(
                    {
                        "what": "code",
                        "detail": name,
                        "reason": "codes only unclustered units: "
                        "make a cluster first (split) to name it",
                    }
                )
                for u in members:
                    target.pop(u, None)
                continue
            ref = cluster_ref(m, source)
            edits.append({"op": "rename", "cluster": ref, "label": name})
        else:
            ref = cluster_ref(m, source)
            edits.append({"op": "split", "cluster": ref, "units": inside})
            # the new part is referred to by its members
            ref = {"key": f"{split_key(source)[0]}:new", "label": "", "units": inside}
            edits.append({"op": "rename", "cluster": ref, "label": name})
        outside = [u for u in members if u not in inside]
        if outside:
            edits.append({"op": "move", "units": outside, "to": {**ref, "units": inside}})
        report.changes.append(
            {
                "change": "new code",
                "detail": f"{name!r}: {len(members)} units from {source}",
                "op": "split",
            }
        )
        for u in members:
            target.pop(u, None)

    # moved and removed codings, one move per destination
    moves: dict[str, list[str]] = {}
    for u, t in sorted(target.items()):
        if t != units.at[u, "cluster_key"]:
            moves.setdefault(t, []).append(u)
    for dest, us in sorted(moves.items()):
        to = (
            {"key": dest, "label": "", "units": []}
            if dest.endswith(":-1")
            else {**cluster_ref(m, dest)}
        )
        if dest in merged_into:
            to = cluster_ref(m, merged_into[dest])
        edits.append({"op": "move", "units": us, "to": to})
        what = "codings removed" if dest.endswith(":-1") else "codings moved"
        report.changes.append(
            {"change": what, "detail": f"{len(us)} units -> {dest}", "op": "move"}
        )

    # pathway sets
    edits += _pin_edits(m, project, guid_map, report)
    return edits, report


def _coded(project: Any) -> set[str]:
    return set(project.selections["code"].astype(str).str.lower())


def _pin_edits(
    m: WildMap, project: Any, guid_map: dict[str, str], report: QdaChanges
) -> list[dict[str, Any]]:
    if m.pathways is None or not len(m.pathways):
        return []
    out = []
    name_to_id = dict(zip(m.pathways["name"].astype(str), m.pathways["pathway"].astype(str)))
    tree_names = {c.key: c.name for top in code_tree(m) for c in top.walk() if c.key}
    for pid, clusters in zip(m.pathways["pathway"].astype(str), m.pathways["clusters"]):
        name = tree_names.get(pid)
        if name not in project.sets:
            name = next((n for n, p in name_to_id.items() if p == pid and n in project.sets), None)
        if name is None:
            continue
        now = {guid_map.get(str(g).lower()) for g in project.sets[name]} - {None}
        before = set(clusters)
        for key in sorted(now - before):
            out.append(
                {"op": "pin", "cluster": cluster_ref(m, key), "pathway": pid, "member": True}
            )
            report.changes.append(
                {"change": "set member added", "detail": f"{key} -> {pid}", "op": "pin"}
            )
        for key in sorted(before - now):
            out.append(
                {"op": "pin", "cluster": cluster_ref(m, key), "pathway": pid, "member": False}
            )
            report.changes.append(
                {"change": "set member removed", "detail": f"{key} -/-> {pid}", "op": "pin"}
            )
    return out


def apply_qdpx(m: WildMap, path: str | Path, **kwargs: Any) -> tuple[WildMap, QdaChanges]:
    """Read back a ``.qdpx`` exported from ``m`` and changed in a QDA tool; returns the map with
    the differences applied as edits (recorded in its ``edits``) and a :class:`QdaChanges` report.
    An edit that fails is reported under ``unmapped``; ``kwargs`` go to the edits (``embedder``).
    """
    edits, report = qdpx_edits(m, path)
    out = m
    for e in edits:
        try:
            out = apply_edit(out, e, kwargs.get("embedder"))
        except EditError as exc:
            report.unmapped.append(
                {"what": e["op"], "detail": str(e.get("label", "")), "reason": str(exc)}
            )
            log.warning("QDA change not applied (%s): %s", e["op"], exc)
    log.info("%s", report)
    return out, report
