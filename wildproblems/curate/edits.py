"""The analyst in the loop: edits of a map as operations, kept as a replayable record.

Every operation (:func:`rename`, :func:`merge`, :func:`split`, :func:`move`, :func:`drop_cluster`,
:func:`pin`, :func:`unpin`) takes a :class:`~wildproblems.result.WildMap` and returns a *new* map
(the old one is untouched) whose ``edits`` list ends with a plain dict describing the edit. All that
depends on the clusters is recomputed by :func:`rebuild`: keywords, headlines and quotes (the map's
own labeller, see :func:`wildproblems.stages.build_stages`), sizes, shares, respondents, the units'
labels and, when the map has a model, its pathways, respondents and corners (with the pins
honoured), so figures, report and exports agree with the edited clusters.

Cluster ids stay stable: a merge keeps the first cluster's id, a split keeps the original id for
its largest part and gives the other parts new ids after the kind's highest. A headline an analyst
wrote stays as written through later edits and is marked ``human: ...`` in ``label_audit``.

**Replay** (:func:`replay`, ``wp.map(..., edits="edits.yaml")``): an edit names its clusters by a
reference -- key, headline and member unit ids at the time of the edit -- and is re-applied when
the map has a cluster that still matches: the same key holding at least half of the recorded
members (a cluster that grew by a merge or by more data holds them all) or having the same
headline; else the cluster of the kind that holds more than half of the recorded members. An
edit that finds no match, or units that are gone, is not applied: a warning is logged and the edit
is listed in ``m.provenance["curation"]["not_applied"]``; nothing is skipped silently.

>>> m2 = m.rename("cause:0", "Mangel på hænder").merge(["solution:1", "solution:2"])  # doctest: +SKIP
>>> m2.save_edits("edits.yaml")  # doctest: +SKIP
>>> again = wp.map(df, text="svar", edits="edits.yaml")  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..embed import Embedder, get_embedder
from ..errors import InputError
from ..label import UNCLUSTERED_LABEL
from ..lang import LANGUAGES
from ..model.anchors import AnchorEmbedder
from ..model.pathways import model_tables
from ..result import WildMap
from ..schema import CLUSTER_COLUMNS, cluster_keys, kinds_in, sort_by_kind, split_key
from ..stages import build_stages, cluster_table, label_rows

log = logging.getLogger(__name__)

#: The operations an edit file may hold.
OPERATIONS = ("rename", "merge", "split", "move", "drop", "pin", "unpin")
#: Version of the edit file format written by :func:`save_edits`.
EDITS_FORMAT = 1
#: Headline of units in a dropped ("not relevant") cluster, per language.
NOT_RELEVANT_LABEL = {k: m.NOT_RELEVANT for k, m in LANGUAGES.items()}
#: Share of member units for a cluster reference to match (see :func:`match_ref`).
MATCH_OVERLAP = 0.5
#: The prefix of ``label_audit`` for headlines an analyst wrote.
HUMAN = "human"

# model columns that apply_model adds to units (axis:<id> columns too); rebuilt on every edit
_MODEL_UNIT_COLUMNS = ("pathway", "sector", "level")


class EditError(InputError):
    """An edit that cannot be applied to this map (unknown cluster, units of another kind...)."""


# ------------------------------------------------------------------------------ references
def _members(m: WildMap, key: str) -> list[str]:
    return sorted(m.units.loc[m.units["cluster_key"] == key, "unit_id"].astype(str))


def cluster_ref(m: WildMap, cluster: Any) -> dict[str, Any]:
    """The reference an edit records for ``cluster`` (a key ``"kind:id"``, or a headline): key,
    headline and member unit ids, so a replay can check it still names the same cluster."""
    key = resolve_key(m, cluster)
    label = m.clusters.loc[m.clusters["cluster_key"] == key, "label"]
    return {
        "key": key,
        "label": str(label.iloc[0]) if len(label) else "",
        "units": _members(m, key),
    }


def resolve_key(m: WildMap, cluster: Any) -> str:
    """The cluster key of ``cluster``: a key ``"kind:id"``, a headline (unique in the map) or a
    reference dict as :func:`cluster_ref` makes; an :class:`EditError` naming the problem when
    there is no such cluster."""
    if isinstance(cluster, Mapping):
        key, why = match_ref(m, cluster)
        if key is None:
            raise EditError(why)
        return key
    keys = m.clusters["cluster_key"].astype(str).tolist()
    text = str(cluster)
    if text in keys:
        return text
    hits = m.clusters.loc[m.clusters["label"].astype(str) == text, "cluster_key"].tolist()
    if len(hits) == 1:
        return str(hits[0])
    if len(hits) > 1:
        raise EditError(f"{text!r} is the headline of {len(hits)} clusters {hits}: name it by key")
    raise EditError(f"the map has no cluster {text!r} (keys: {', '.join(keys[:12])} ...)")


def match_ref(m: WildMap, ref: Mapping[str, Any]) -> tuple[str | None, str]:
    """The key of the cluster of ``m`` that reference ``ref`` names, and how it was matched (or
    why none matches)."""
    key = str(ref.get("key", ""))
    label = str(ref.get("label", ""))
    units = [str(u) for u in ref.get("units") or []]
    keys = set(m.clusters["cluster_key"].astype(str))
    if key in keys:
        here = _members(m, key)
        here_label = str(m.clusters.loc[m.clusters["cluster_key"] == key, "label"].iloc[0])
        held = len(set(units) & set(here)) / len(set(units)) if units else 0.0
        if held >= MATCH_OVERLAP or (label and label == here_label):
            return key, "key"
    kind = key.rpartition(":")[0]
    best, best_share = None, 0.0
    if units:
        recorded = set(units)
        for k in sorted(keys):
            if k.rpartition(":")[0] != kind:
                continue
            share = len(recorded & set(_members(m, k))) / len(recorded)
            if share > best_share:
                best, best_share = k, share
    # clusters are disjoint, so at most one holds more than half of the recorded members
    if best is not None and best_share > MATCH_OVERLAP:
        return best, f"members ({best_share:.0%} of them)"
    return None, (
        f"cluster {key!r} ({label!r}, {len(units)} units) is not in the map any more: no cluster "
        f"of kind {kind!r} has that key with the same members or headline, and none holds more "
        f"than {MATCH_OVERLAP:.0%} of its members"
    )


# ------------------------------------------------------------------------------- the rebuild
def human_labels(m: WildMap) -> dict[str, str]:
    """Cluster key -> headline, for the clusters whose headline an analyst wrote."""
    audit = m.clusters.get("label_audit", pd.Series([""] * len(m.clusters)))
    return {
        str(k): str(lab)
        for k, lab, a in zip(m.clusters["cluster_key"], m.clusters["label"], audit)
        if str(a).startswith(HUMAN)
    }


def _audits(m: WildMap) -> dict[str, str]:
    return dict(zip(m.clusters["cluster_key"].astype(str), m.clusters["label_audit"].astype(str)))


def _anchors(m: WildMap, embedder: Embedder | None) -> AnchorEmbedder:
    """The anchor embedder of a map with a model: ``embedder`` or the map's own by name (checked
    against the id the map was embedded with)."""
    cfg = m.config
    if embedder is None:
        embedder = get_embedder(cfg.embedder, prefix=cfg.prefix, batch_size=cfg.batch_size)
        if embedder.model_id != m.provenance.get("embedder"):
            raise EditError(
                f"the map was embedded with {m.provenance.get('embedder')!r}; its model's pathways "
                f"are recomputed with the same embedder, but the config names {cfg.embedder!r} "
                f"({embedder.model_id!r}): pass embedder=..."
            )
    return AnchorEmbedder(embedder, cache_dir=cfg.cache_dir, use_cache=cfg.cache)


def rebuild(
    m: WildMap,
    units: pd.DataFrame,
    human: Mapping[str, str],
    audits: Mapping[str, str] | None = None,
    pins: Mapping[str, Mapping[str, bool]] | None = None,
    not_relevant: Sequence[str] = (),
    embedder: Embedder | None = None,
) -> WildMap:
    """A new map with the units' (edited) ``cluster`` column and everything that follows from it.

    ``human``: cluster key -> the headline an analyst wrote (kept, marked in ``label_audit`` with
    ``audits[key]`` when given); ``pins``: the pathway pins; ``not_relevant``: unit ids of dropped
    clusters (labelled "not relevant")."""
    cfg = m.config
    stages = build_stages(cfg, progress=False)
    units = units.copy()
    units["cluster"] = units["cluster"].astype(int)
    units["cluster_key"] = cluster_keys(units)
    units = units.drop(
        columns=[c for c in units.columns if c in _MODEL_UNIT_COLUMNS or c.startswith("axis:")]
        if m.model_spec is not None
        else []
    )
    emb = m.embeddings
    frames = []
    for kind in kinds_in(units):
        idx = np.where(units["kind"].to_numpy() == kind)[0]
        labels = units["cluster"].to_numpy()[idx]
        if not (labels >= 0).any():
            continue
        frames.append(label_rows(stages, kind, labels, units.iloc[idx], emb[idx]))
    clusters = cluster_table(frames)
    for i, key in enumerate(clusters["cluster_key"]):
        if key in human:
            clusters.loc[i, "label"] = human[key]
            audit = (audits or {}).get(key) or f"{HUMAN}: written by an analyst"
            clusters.loc[i, "label_audit"] = audit
    clusters = sort_by_kind(clusters).reset_index(drop=True)
    columns = list(CLUSTER_COLUMNS)
    if "emerging" in m.clusters.columns:
        was = dict(zip(m.clusters["cluster_key"], m.clusters["emerging"].astype(bool)))
        clusters["emerging"] = [bool(was.get(k, False)) for k in clusters["cluster_key"]]
        columns.append("emerging")
    clusters = clusters[columns]
    for col, dtype in (("cluster", np.int64), ("size", np.int64), ("respondents", np.int64)):
        clusters[col] = clusters[col].astype(dtype)

    label_of = dict(zip(clusters["cluster_key"], clusters["label"]))
    dropped_units = set(not_relevant)
    unclustered = UNCLUSTERED_LABEL[cfg.language]
    status = units["status"] if "status" in units.columns else pd.Series("", index=units.index)
    units["label"] = [
        NOT_RELEVANT_LABEL[cfg.language]
        if uid in dropped_units
        else label_of.get(key, old if st == "new" else unclustered)
        for key, uid, old, st in zip(
            units["cluster_key"], units["unit_id"].astype(str), units["label"], status
        )
    ]
    extras = dict(m.extras)
    extras["pins"] = {k: dict(v) for k, v in sorted((pins or {}).items()) if v}
    if not extras["pins"]:
        extras.pop("pins")
    extras["not_relevant"] = sorted(dropped_units)
    if not extras["not_relevant"]:
        extras.pop("not_relevant")
    out = dataclasses.replace(
        m,
        units=units,
        clusters=clusters,
        provenance=copy.deepcopy(m.provenance),
        extras=extras,
        edits=list(m.edits),
        pathways=None,
        respondents=None,
        corners=None,
    )
    if m.model_spec is not None:
        model_tables(out, m.model_spec, _anchors(m, embedder), pins=extras.get("pins"))
    return out


def _state(m: WildMap) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, bool]], list]:
    """The human headlines, their audits, the pins and the not-relevant units of a map."""
    human = human_labels(m)
    audits = {k: v for k, v in _audits(m).items() if k in human}
    pins = {k: dict(v) for k, v in (m.extras.get("pins") or {}).items()}
    return human, audits, pins, list(m.extras.get("not_relevant") or [])


def _finish(
    m: WildMap,
    units: pd.DataFrame,
    record: dict[str, Any],
    human: dict[str, str],
    audits: dict[str, str],
    pins: dict[str, dict[str, bool]],
    not_relevant: Sequence[str],
    embedder: Embedder | None,
) -> WildMap:
    out = rebuild(m, units, human, audits, pins, not_relevant, embedder)
    out.edits = [*m.edits, record]
    cur = out.provenance.setdefault("curation", {"edits": 0, "not_applied": []})
    cur["edits"] = len(out.edits)
    log.info("edit %s applied (%d edits)", record["op"], len(out.edits))
    return out


def _edit_keys(edits: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every cluster key the edits name (so a new cluster never takes a merged-away id)."""
    out = []
    for e in edits:
        for ref in [e.get("cluster"), e.get("to"), *(e.get("clusters") or [])]:
            if isinstance(ref, Mapping) and ref.get("key"):
                out.append(str(ref["key"]))
    return out


def _next_id(m: WildMap, units: pd.DataFrame, kind: str) -> int:
    ids = m.clusters.loc[m.clusters["kind"] == kind, "cluster"].tolist()
    ids += units.loc[units["kind"] == kind, "cluster"].tolist()
    for key in _edit_keys(m.edits):
        k, _, c = key.rpartition(":")
        if k == kind and c.lstrip("-").isdigit():
            ids.append(int(c))
    return int(max(ids, default=-1)) + 1


# ------------------------------------------------------------------------------- operations
def rename(m: WildMap, cluster: Any, label: str, *, embedder: Embedder | None = None) -> WildMap:
    """``cluster`` gets the headline ``label`` (kept through later edits, marked human)."""
    label = str(label).strip()
    if not label:
        raise EditError("a cluster's new headline cannot be empty")
    ref = cluster_ref(m, cluster)
    human, audits, pins, nr = _state(m)
    human[ref["key"]] = label
    audits[ref["key"]] = f"{HUMAN}: renamed (was {ref['label']!r})"
    record = {"op": "rename", "cluster": ref, "label": label}
    return _finish(m, m.units, record, human, audits, pins, nr, embedder)


def merge(
    m: WildMap,
    clusters: Sequence[Any],
    label: str | None = None,
    *,
    embedder: Embedder | None = None,
) -> WildMap:
    """Merge ``clusters`` (two or more, one kind) into the first; ``label`` names the result (else
    the first's human headline if it had one, else a new extractive headline)."""
    refs = [cluster_ref(m, c) for c in clusters]
    keys = [r["key"] for r in refs]
    if len(set(keys)) < 2:
        raise EditError(f"merge needs two or more different clusters, got {keys}")
    kinds = {split_key(k)[0] for k in keys}
    if len(kinds) > 1:
        raise EditError(f"clusters of different kinds cannot be merged: {keys}")
    into = split_key(keys[0])[1]
    units = m.units.copy()
    units.loc[units["cluster_key"].isin(keys[1:]), "cluster"] = into
    human, audits, pins, nr = _state(m)
    for k in keys[1:]:
        human.pop(k, None)
        audits.pop(k, None)
        for pid, on in pins.pop(k, {}).items():
            pins.setdefault(keys[0], {}).setdefault(pid, on)
    if label:
        human[keys[0]] = str(label).strip()
        audits[keys[0]] = f"{HUMAN}: merged from " + ", ".join(repr(r["label"]) for r in refs)
    record: dict[str, Any] = {"op": "merge", "clusters": refs}
    if label:
        record["label"] = str(label).strip()
    return _finish(m, units, record, human, audits, pins, nr, embedder)


def _ward_parts(X: np.ndarray, n: int) -> np.ndarray:
    """``n`` parts of the rows of ``X`` by the map's clusterer's hierarchy (Ward on the centred
    embeddings), 0 = largest."""
    from scipy.cluster.hierarchy import fcluster

    from ..cluster import clustering_space, ward_tree

    raw = fcluster(ward_tree(clustering_space(X)), t=n, criterion="maxclust") - 1
    ids = sorted(
        set(raw.tolist()), key=lambda c: (-int((raw == c).sum()), int(np.argmax(raw == c)))
    )
    return np.array([ids.index(c) for c in raw])


def split(
    m: WildMap,
    cluster: Any,
    n: int | None = None,
    units: Sequence[str] | None = None,
    *,
    embedder: Embedder | None = None,
) -> WildMap:
    """Split ``cluster`` into ``n`` parts (the Ward hierarchy the map's clusterer builds, cut at
    ``n``) or take the unit ids ``units`` out of it as a new cluster. The largest part (or the rest)
    keeps the cluster's id; the others get new ids. A headline an analyst wrote stays with the rest
    when units are taken out, and is dropped when the cluster is cut into ``n`` parts."""
    if (n is None) == (units is None):
        raise EditError("split needs either n (number of parts) or units (unit ids), not both")
    ref = cluster_ref(m, cluster)
    key = ref["key"]
    kind, cid = split_key(key)
    mask = (m.units["cluster_key"] == key).to_numpy()
    idx = np.where(mask)[0]
    table = m.units.copy()
    cl = table["cluster"].to_numpy().copy()
    record: dict[str, Any] = {"op": "split", "cluster": ref}
    start = _next_id(m, table, kind)
    if n is not None:
        n = int(n)
        if n < 2 or n > len(idx):
            raise EditError(f"cannot split {key!r} ({len(idx)} units) into {n} parts")
        parts = _ward_parts(m.embeddings[idx], n)
        cl[idx] = np.where(parts == 0, cid, start + parts - 1)
        record["n"] = n
    else:
        chosen = sorted({str(u) for u in units or []})
        member = set(ref["units"])
        bad = [u for u in chosen if u not in member]
        if bad:
            raise EditError(f"units {bad[:5]} are not in cluster {key!r}")
        if not chosen or len(chosen) == len(member):
            raise EditError(f"split of {key!r} needs some but not all of its {len(member)} units")
        take = np.isin(table["unit_id"].astype(str).to_numpy(), chosen) & mask
        cl[take] = start
        record["units"] = chosen
    table["cluster"] = cl
    human, audits, pins, nr = _state(m)
    if n is not None:  # parts of a cut are new clusters; taking units out keeps the rest's name
        human.pop(key, None)
        audits.pop(key, None)
    return _finish(m, table, record, human, audits, pins, nr, embedder)


def move(m: WildMap, units: Sequence[str], to: Any, *, embedder: Embedder | None = None) -> WildMap:
    """Move the unit ids ``units`` to cluster ``to`` (of their kind); ``to=None`` or a key
    ``"<kind>:-1"`` leaves them unclustered."""
    ids = sorted({str(u) for u in units})
    have = m.units["unit_id"].astype(str)
    missing = [u for u in ids if u not in set(have)]
    if missing or not ids:
        raise EditError(f"move: no units given or unknown unit ids {missing[:5]}")
    rows = have.isin(ids).to_numpy()
    kinds = set(m.units.loc[rows, "kind"])
    if to is None or (isinstance(to, str) and to.endswith(":-1")):
        if len(kinds) != 1 and to is not None:
            raise EditError(f"units of kinds {sorted(kinds)} cannot move to {to!r}")
        target, target_ref = -1, {"key": f"{sorted(kinds)[0]}:-1", "label": "", "units": []}
        if to is not None and split_key(str(to))[0] not in kinds:
            raise EditError(f"units of kind {sorted(kinds)} cannot move to {to!r}")
    else:
        target_ref = cluster_ref(m, to)
        tkind, target = split_key(target_ref["key"])
        if kinds != {tkind}:
            raise EditError(
                f"units of kind(s) {sorted(kinds)} cannot move to {target_ref['key']!r} "
                f"(kind {tkind!r})"
            )
    table = m.units.copy()
    table.loc[rows, "cluster"] = target
    table.loc[rows, "membership"] = 0.0
    table.loc[rows, "assigned"] = False
    human, audits, pins, nr = _state(m)
    nr = [u for u in nr if u not in set(ids)]
    record = {"op": "move", "units": ids, "to": target_ref}
    return _finish(m, table, record, human, audits, pins, nr, embedder)


def drop_cluster(m: WildMap, cluster: Any, *, embedder: Embedder | None = None) -> WildMap:
    """Drop ``cluster`` as not relevant: its units leave every cluster and are labelled
    "(not relevant)" / "(ikke relevant)"."""
    ref = cluster_ref(m, cluster)
    table = m.units.copy()
    rows = (table["cluster_key"] == ref["key"]).to_numpy()
    table.loc[rows, "cluster"] = -1
    table.loc[rows, "membership"] = 0.0
    table.loc[rows, "assigned"] = False
    human, audits, pins, nr = _state(m)
    human.pop(ref["key"], None)
    pins.pop(ref["key"], None)
    nr = sorted(set(nr) | set(ref["units"]))
    return _finish(m, table, {"op": "drop", "cluster": ref}, human, audits, pins, nr, embedder)


def _pathway_ids(m: WildMap) -> list[str]:
    if m.pathways is None or not len(m.pathways):
        raise EditError("the map has no pathways (make it with model=...) to pin clusters to")
    return m.pathways["pathway"].astype(str).tolist()


def pin(
    m: WildMap,
    cluster: Any,
    pathway: str,
    member: bool = True,
    *,
    embedder: Embedder | None = None,
) -> WildMap:
    """Pin ``cluster`` into pathway ``pathway`` (``member=False``: keep it out), whatever the
    membership rule says."""
    ids = _pathway_ids(m)
    if str(pathway) not in ids:
        raise EditError(f"the map has no pathway {pathway!r} (pathways: {', '.join(ids)})")
    ref = cluster_ref(m, cluster)
    human, audits, pins, nr = _state(m)
    pins.setdefault(ref["key"], {})[str(pathway)] = bool(member)
    record = {"op": "pin", "cluster": ref, "pathway": str(pathway), "member": bool(member)}
    return _finish(m, m.units, record, human, audits, pins, nr, embedder)


def unpin(m: WildMap, cluster: Any, pathway: str, *, embedder: Embedder | None = None) -> WildMap:
    """Remove a pin: ``cluster``'s membership of ``pathway`` follows the rule again."""
    ref = cluster_ref(m, cluster)
    human, audits, pins, nr = _state(m)
    if str(pathway) not in pins.get(ref["key"], {}):
        raise EditError(f"cluster {ref['key']!r} has no pin for pathway {pathway!r}")
    pins[ref["key"]].pop(str(pathway))
    record = {"op": "unpin", "cluster": ref, "pathway": str(pathway)}
    return _finish(m, m.units, record, human, audits, pins, nr, embedder)


# ----------------------------------------------------------------------------------- replay
def _resolved(m: WildMap, ref: Mapping[str, Any]) -> str:
    key, why = match_ref(m, ref)
    if key is None:
        raise EditError(why)
    return key


def apply_edit(m: WildMap, edit: Mapping[str, Any], embedder: Embedder | None = None) -> WildMap:
    """Apply one edit dict (as :func:`rename` ... record them, or as read from an edit file)."""
    op = edit.get("op")
    kw = {"embedder": embedder}
    if op == "rename":
        return rename(m, _resolved(m, edit["cluster"]), edit["label"], **kw)
    if op == "merge":
        keys = [_resolved(m, r) for r in edit["clusters"]]
        return merge(m, keys, edit.get("label"), **kw)
    if op == "split":
        key = _resolved(m, edit["cluster"])
        if "units" in edit:
            gone = sorted(set(map(str, edit["units"])) - set(_members(m, key)))
            if gone:
                raise EditError(f"split of {key!r}: units {gone[:5]} are not in it any more")
            return split(m, key, units=edit["units"], **kw)
        return split(m, key, n=int(edit["n"]), **kw)
    if op == "move":
        to = edit.get("to") or {}
        target = to.get("key") if str(to.get("key", "")).endswith(":-1") else _resolved(m, to)
        return move(m, edit["units"], target, **kw)
    if op == "drop":
        return drop_cluster(m, _resolved(m, edit["cluster"]), **kw)
    if op == "pin":
        key = _resolved(m, edit["cluster"])
        return pin(m, key, edit["pathway"], bool(edit.get("member", True)), **kw)
    if op == "unpin":
        return unpin(m, _resolved(m, edit["cluster"]), edit["pathway"], **kw)
    raise EditError(f"unknown edit operation {op!r} (known: {', '.join(OPERATIONS)})")


def replay(
    m: WildMap, edits: str | Path | Sequence[Mapping[str, Any]], embedder: Embedder | None = None
) -> WildMap:
    """Apply ``edits`` (an edit file's path or a list of edit dicts) to ``m`` in order.

    An edit that no longer applies is not applied: a warning names it and why, and
    ``provenance["curation"]["not_applied"]`` lists it (index, op, reason)."""
    items = load_edits(edits) if isinstance(edits, (str, Path)) else list(edits)
    out, not_applied = m, []
    for i, edit in enumerate(items):
        try:
            out = apply_edit(out, edit, embedder)
        except (EditError, KeyError, TypeError, ValueError) as exc:
            reason = str(exc) if not isinstance(exc, KeyError) else f"missing field {exc}"
            log.warning("edit %d (%s) not applied: %s", i + 1, edit.get("op"), reason)
            not_applied.append({"index": i + 1, "op": str(edit.get("op")), "reason": reason})
    if out is m:
        out = dataclasses.replace(m, provenance=copy.deepcopy(m.provenance), edits=list(m.edits))
    out.provenance["curation"] = {
        "edits": len(out.edits),
        "replayed": len(items),
        "not_applied": not_applied,
    }
    return out


# -------------------------------------------------------------------------------- the file
def edits_document(m: WildMap) -> dict[str, Any]:
    """The edit file's content: format version, the map it was made on, the edits."""
    return {
        "wildproblems_edits": EDITS_FORMAT,
        "map": {
            "input_hash": m.provenance.get("input_hash"),
            "embedder": m.provenance.get("embedder"),
            "language": m.config.language,
            "model": m.config.model,
        },
        "edits": [dict(e) for e in m.edits],
    }


def save_edits(m: WildMap, path: str | Path) -> Path:
    """Write ``m.edits`` to a readable YAML file (see the README's *Curate* section)."""
    import yaml

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(
        edits_document(m), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    p.write_text(text, encoding="utf-8")
    return p


def load_edits(path: str | Path) -> list[dict[str, Any]]:
    """The edits of an edit file (a YAML mapping with ``edits:``, or a bare list of edits)."""
    import yaml

    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EditError(f"cannot read edit file {str(path)!r}: {exc}") from exc
    items = doc.get("edits") if isinstance(doc, dict) else doc
    version = doc.get("wildproblems_edits", 1) if isinstance(doc, dict) else 1
    if isinstance(version, int) and version > EDITS_FORMAT:
        raise EditError(f"{str(path)!r} is edit format {version}; this version reads up to 1")
    if not isinstance(items, list) or not all(isinstance(e, dict) and "op" in e for e in items):
        raise EditError(f"{str(path)!r} holds no list of edits (each a mapping with 'op')")
    return items
