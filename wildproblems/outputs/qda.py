"""REFI-QDA exchange: a codebook (``.qdc``) and a project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA
and QualCoder, so researchers can check the clusters and go on coding by hand, plus readers for
both (used to prove the round trip).

* **Codebook** (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``): one parent code per kind
  ("Årsager", "Løsninger"...) holding one code per cluster (headline as name; keywords, size,
  share and quotes as description; the map's colour) and one code for the unclustered units; a
  parent code "Veje"/"Pathways" holding one code per pathway (description: its feeding clusters
  and weights) when the map has pathways.
* **Project** (``.qdpx``: a zip of ``project.qde`` valid against the QDA-XML 1.0 project schema
  and ``sources/<guid>.txt``): the same codebook; every answer as a plain-text source (with its
  metadata as variables); every respondent as a case; every unit as a coded selection
  (``PlainTextSelection`` with the character offsets of the unit within its answer) coded with its
  cluster; each pathway as a set of the cluster codes that feed it.

GUIDs are UUID5 of stable keys (the map's input hash plus cluster key, answer id or unit id) and
the zip entries carry a fixed date, so exporting the same map twice gives identical files.
When segmentation changed a unit's text so that it cannot be found in its answer (even allowing
for changed white space), the whole answer is selected and the selection's description says so;
:func:`unit_spans` reports which units that concerns.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._version import __version__
from ..lang import LANGUAGES, kind_name
from ..schema import ANSWER_RESERVED
from ._format import cluster_colours, format_int, format_number, format_pct, pathway_table

if TYPE_CHECKING:
    from ..result import WildMap

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
#: Namespace of the UUID5 GUIDs this module makes.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/wildproblems/refi-qda")
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Words of the codebook and project, per language (from :mod:`wildproblems.lang`).
_WORDS = {k: m.QDA for k, m in LANGUAGES.items()}


def guid(m: WildMap, *key: Any) -> str:
    """Deterministic GUID (lower-case UUID5, as every REFI-QDA reader accepts) of ``key`` within
    map ``m``.

    >>> guid(m, "code", "cause:0")  # doctest: +SKIP
    'd3b0...'
    """
    seed = "|".join([str(m.provenance.get("input_hash", "")), *map(str, key)])
    return str(uuid.uuid5(GUID_NAMESPACE, seed))


def clean_text(text: Any) -> str:
    """Text as it goes into a source: ``\\n`` line ends, no characters that XML 1.0 forbids.

    >>> clean_text("a\\r\\nb\\x07c")
    'a\\nbc'
    """
    return _XML_ILLEGAL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


# ----------------------------------------------------------------------------------- spans
def find_span(unit: str, answer: str, start: int = 0) -> tuple[int, int, bool]:
    """Character offsets ``(start, end, exact)`` of ``unit`` inside ``answer``.

    Looks for the unit verbatim from ``start`` on, then allowing any white space between its
    words, then from the beginning. When nothing matches, returns the whole answer with
    ``exact=False``.

    >>> find_span("For meget bureaukrati", "1) Mangel på hænder 2) For meget bureaukrati")
    (23, 44, True)
    >>> find_span("hænder i ældreplejen", "Vi mangler hænder i\\nældreplejen.")
    (11, 31, True)
    >>> find_span("noget andet", "Helt anden tekst")
    (0, 16, False)
    """
    for origin in (start, 0):
        i = answer.find(unit, origin)
        if i >= 0:
            return i, i + len(unit), True
        words = unit.split()
        if words:
            pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
            hit = pattern.search(answer, origin)
            if hit:
                return hit.start(), hit.end(), True
    return 0, len(answer), False


def _clean_offsets(raw: str) -> list[int]:
    """For every offset ``0..len(raw)`` of a raw answer, the same place in :func:`clean_text` of it.

    >>> _clean_offsets("a\\r\\nb")
    [0, 1, 1, 2, 3]
    """
    out, removed = [], 0
    for i, ch in enumerate(raw):
        out.append(i - removed)
        if (ch == "\r" and raw[i + 1 : i + 2] == "\n") or _XML_ILLEGAL.match(ch):
            removed += 1
    out.append(len(raw) - removed)
    return out


def unit_spans(m: WildMap) -> pd.DataFrame:
    """Where each unit lies in its answer: ``unit_id``, ``answer_id``, ``start``, ``end``,
    ``exact`` (False when the whole answer had to be selected). Offsets count characters
    (Unicode code points) of :func:`clean_text` of the answer, as REFI-QDA's plain-text
    positions do.

    The segmenter records where each unit lies (``m.units["start"]``, ``["end"]``); maps saved
    before it did are searched with :func:`find_span`."""
    raw = dict(zip(m.answers["answer_id"].astype(str), m.answers["text"].astype(str)))
    if {"start", "end"} <= set(m.units.columns):
        rows, offsets_of = [], {}
        for uid, aid, a, b in zip(
            m.units["unit_id"].astype(str),
            m.units["answer_id"].astype(str),
            m.units["start"],
            m.units["end"],
        ):
            if aid not in offsets_of:
                offsets_of[aid] = _clean_offsets(raw.get(aid, ""))
            offsets = offsets_of[aid]
            ok = pd.notna(a) and pd.notna(b) and 0 <= int(a) <= int(b) < len(offsets)
            s, e = (offsets[int(a)], offsets[int(b)]) if ok else (0, offsets[-1])
            rows.append({"unit_id": uid, "answer_id": aid, "start": s, "end": e, "exact": ok})
        return pd.DataFrame(rows, columns=["unit_id", "answer_id", "start", "end", "exact"])
    texts = {aid: clean_text(t) for aid, t in raw.items()}
    cursor: dict[str, int] = {}
    rows = []
    order = m.units.sort_values(["answer_id", "segment"], kind="stable")
    for uid, aid, text in zip(
        order["unit_id"].astype(str), order["answer_id"].astype(str), order["text"]
    ):
        answer = texts.get(aid, "")
        s, e, exact = find_span(clean_text(text), answer, cursor.get(aid, 0))
        if exact:
            cursor[aid] = e
        rows.append({"unit_id": uid, "answer_id": aid, "start": s, "end": e, "exact": exact})
    out = pd.DataFrame(rows, columns=["unit_id", "answer_id", "start", "end", "exact"])
    # back in the order of m.units
    return out.set_index("unit_id").reindex(m.units["unit_id"].astype(str)).reset_index()


# ----------------------------------------------------------------------------------- codes
@dataclass
class Code:
    """One code of the codebook (a node of the code tree)."""

    guid: str
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True
    children: list[Code] = field(default_factory=list)
    key: str | None = None  # the cluster key or pathway id it stands for

    def walk(self):
        """This code and all codes below it, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()


def code_tree(m: WildMap, language: str | None = None) -> list[Code]:
    """The codebook of a map: kind -> clusters (+ unclustered), and pathways (when present)."""
    language = language or m.config.language
    w = _WORDS[language]
    colours = cluster_colours(m)
    roots = []
    # a headline used by clusters of two kinds gets its kind, so names are unique in the project
    kinds_of: dict[str, set[str]] = {}
    for lab, k in zip(m.clusters["label"].astype(str), m.clusters["kind"]):
        kinds_of.setdefault(lab, set()).add(k)
    for kind in m.kinds:
        kind_title = kind_name(kind, language)
        parent = Code(
            guid(m, "kind", kind),
            kind_title,
            w["kind_desc"].format(kind=kind_title.lower()),
            codable=False,
            key=kind,
        )
        seen: dict[str, int] = {}
        for c in m.clusters[m.clusters["kind"] == kind].itertuples():
            name = str(c.label)
            if len(kinds_of.get(name, ())) > 1:
                name = f"{name} ({kind_title.lower()})"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two clusters with one headline: keep names unique
                name = f"{name} ({c.cluster})"
            desc = [
                w["size"].format(
                    n=format_int(int(c.size), language),
                    share=format_pct(float(c.share), language),
                    r=format_int(int(c.respondents), language),
                ),
                f"{w['keywords']}: {c.keywords}",
                f"{w['key']}: {c.cluster_key}",
                f"{w['quotes']}:",
                *[f"- {q}" for q in c.quotes],
            ]
            parent.children.append(
                Code(
                    guid(m, "code", c.cluster_key),
                    name,
                    "\n".join(desc),
                    colours[c.cluster_key],
                    key=c.cluster_key,
                )
            )
        _nest_under_themes(m, kind, parent, language)
        n_out = int((m.units["cluster_key"] == f"{kind}:-1").sum())
        parent.children.append(
            Code(
                guid(m, "code", f"{kind}:-1"),
                f"{w['unclustered']} ({kind_title.lower()})"
                if len(m.kinds) > 1
                else w["unclustered"],
                w["unclustered_desc"].format(kind=kind_title.lower(), n=n_out),
                colours[f"{kind}:-1"],
                key=f"{kind}:-1",
            )
        )
        roots.append(parent)
    if m.pathways is not None and len(m.pathways):
        roots.append(_pathway_codes(m, language))
    taken: set[str] = set()
    for code in (c for r in roots for c in r.walk()):
        name, n = code.name, 2
        while name.lower() in taken:  # e.g. a pathway named like a cluster
            name, n = f"{code.name} ({n})", n + 1
        code.name = name
        taken.add(name.lower())
    return roots


def _nest_under_themes(m: WildMap, kind: str, parent: Code, language: str) -> None:
    """At the code level (``m.at_level("code")``), put each code under a (not codable) code of
    its theme, so QDA tools show the two-level codebook."""
    if m.extras.get("level") != "code" or m.levels is None or "parent" not in m.clusters:
        return
    w = _WORDS[language]
    themes = m.levels[(m.levels["level"] == "theme") & (m.levels["kind"] == kind)]
    parent_of = dict(zip(m.clusters["cluster_key"], m.clusters["parent"]))
    by_theme: dict[int, Code] = {}
    for t in themes.itertuples():
        by_theme[int(t.cluster)] = Code(
            guid(m, "theme", kind, int(t.cluster)),
            f"{t.label} ({w['theme']})",
            f"{w['keywords']}: {t.keywords}",
            codable=False,
            key=f"theme:{kind}:{int(t.cluster)}",
        )
    codes, parent.children = parent.children, list(by_theme.values())
    for code in codes:
        by_theme[int(parent_of[code.key])].children.append(code)


#: Key of the parent code of the respondents' case codes in a project (not in the codebook).
CASES_KEY = "@respondents"


def case_codes(m: WildMap, tree: list[Code], language: str | None = None) -> Code:
    """The project's respondent codes: one per respondent with the GUID of its ``<Case>``, so
    readers that link cases to texts through codes (NVivo's form, which QualCoder reads) get each
    respondent's answers; names are made unique against the codebook's."""
    w = _WORDS[language or m.config.language]
    parent = Code(
        guid(m, "respondents"),
        w["respondents"],
        w["respondents_desc"],
        codable=False,
        key=CASES_KEY,
    )
    taken = {c.name.lower() for top in tree for c in top.walk()} | {parent.name.lower()}
    for resp in sorted(set(m.answers["respondent"].astype(str))):
        name, n = resp, 2
        while name.lower() in taken:
            name, n = f"{resp} ({n})", n + 1
        taken.add(name.lower())
        parent.children.append(Code(guid(m, "case", resp), name, key=f"{CASES_KEY}:{resp}"))
    return parent


def code_sets(m: WildMap, tree: list[Code]) -> list[tuple[str, str, str, list[str]]]:
    """The sets of the codebook, ``(guid, name, description, member code guids)``: one per kind
    (its cluster codes) and one per pathway (the cluster codes feeding it); readers that group
    codes by sets (and some that need ``<Sets>`` in a ``.qdc``) read them."""
    code_of = {c.key: c.guid for top in tree if top.key in m.kinds for c in top.walk() if c.codable}
    out = [
        (
            guid(m, "kind-set", top.key),
            top.name,
            top.description,
            [c.guid for c in top.walk() if c.codable and c is not top],
        )
        for top in tree
        if top.key in m.kinds
    ]
    pathway_root = next((c for c in tree if c.key is None and not c.codable), None)
    if pathway_root is not None:
        members = _pathway_members(m)
        for pw in pathway_root.children:
            keys = [k for k in members.get(str(pw.key), []) if k in code_of]
            out.append(
                (guid(m, "set", pw.key), pw.name, pw.description, [code_of[k] for k in keys])
            )
    return out


def _sets_element(sets: list[tuple[str, str, str, list[str]]], ns: str) -> ET.Element:
    el = ET.Element(f"{ns}Sets")
    for g, name, desc, members in sets:
        s = ET.SubElement(el, f"{ns}Set", {"guid": g, "name": name})
        if desc:
            ET.SubElement(s, f"{ns}Description").text = clean_text(desc)
        for target in members:
            ET.SubElement(s, f"{ns}MemberCode", {"targetGUID": target})
    return el


def _pathway_codes(m: WildMap, language: str) -> Code:

    w = _WORDS[language]
    parent = Code(guid(m, "pathways"), w["pathways"], w["pathways_desc"], codable=False)
    table = pathway_table(m)
    desc_of = (
        dict(zip(m.pathways["pathway"].astype(str), m.pathways["description"].astype(str)))
        if "description" in m.pathways.columns
        else {}
    )
    for pw, d in table.groupby("pathway", sort=False):
        first = d.iloc[0]
        feeds = [
            f"- {r.label} ({format_number(float(r.weight), 2, language)})"
            for r in d[d["cluster_key"].notna()].itertuples()
        ]
        lines = [desc_of.get(str(pw), "")] if desc_of.get(str(pw)) else []
        lines += [
            f"{w['axis']}: {format_number(float(first['position']), 2, language)}",
            f"{w['feeds']}:",
            *feeds,
        ]
        parent.children.append(
            Code(guid(m, "pathway", pw), str(first["name"]), "\n".join(lines), key=str(pw))
        )
    return parent


def _code_element(code: Code, tag: str) -> ET.Element:
    attrs = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.color:
        attrs["color"] = code.color.upper()
    el = ET.Element(tag, attrs)
    if code.description:
        ET.SubElement(el, _q(tag, "Description")).text = clean_text(code.description)
    for child in code.children:
        el.append(_code_element(child, tag))
    return el


def _q(tag: str, local: str) -> str:
    """``local`` in the namespace of ``tag`` (``{ns}Code`` -> ``{ns}local``)."""
    return tag[: tag.index("}") + 1] + local if tag.startswith("{") else local


def _tostring(root: ET.Element, default_ns: str) -> bytes:
    ET.register_namespace("", default_ns)
    ET.indent(root, space="  ")
    # names and attributes (respondents, columns, labels) may hold characters XML 1.0 forbids
    text = _XML_ILLEGAL.sub("", ET.tostring(root, encoding="unicode"))
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + text.encode("utf-8", "replace")


# ---------------------------------------------------------------------------------- writers
def codebook_xml(m: WildMap, language: str | None = None) -> bytes:
    """The ``.qdc`` codebook as UTF-8 XML bytes."""

    root = ET.Element(f"{{{NS_CODEBOOK}}}CodeBook", {"origin": f"wildproblems {__version__}"})
    codes = ET.SubElement(root, f"{{{NS_CODEBOOK}}}Codes")
    tree = code_tree(m, language)
    for code in tree:
        codes.append(_code_element(code, f"{{{NS_CODEBOOK}}}Code"))
    root.append(_sets_element(code_sets(m, tree), f"{{{NS_CODEBOOK}}}"))
    return _tostring(root, NS_CODEBOOK)


def write_qdc(m: WildMap, path: str | Path, language: str | None = None) -> Path:
    """Write the REFI-QDA codebook (``.qdc``) of ``m``; returns the path.

    >>> m.to_qdc("kodebog.qdc")  # doctest: +SKIP
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(codebook_xml(m, language))
    return p


def _variables(m: WildMap) -> list[str]:
    skip = set(ANSWER_RESERVED)
    return [c for c in m.answers.columns if c not in skip]


def _xsd_datetime(value: Any) -> str | None:
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def project_xml(m: WildMap, language: str | None = None) -> tuple[bytes, dict[str, str]]:
    """The project's ``project.qde`` XML and its sources (``{zip path: text}``)."""

    language = language or m.config.language
    w = _WORDS[language]
    ns = f"{{{NS_PROJECT}}}"
    user = guid(m, "user", "wildproblems")
    created = _xsd_datetime(m.provenance.get("created_utc"))
    attrs = {"name": f"wildproblems {m.provenance.get('input_hash', '')[:12]}".strip()}
    attrs["origin"] = f"wildproblems {__version__}"
    attrs["creatingUserGUID"] = user
    if created:
        attrs["creationDateTime"] = created
    root = ET.Element(f"{ns}Project", attrs)
    users = ET.SubElement(root, f"{ns}Users")
    ET.SubElement(users, f"{ns}User", {"guid": user, "name": "wildproblems"})

    tree = code_tree(m, language)
    book = ET.SubElement(ET.SubElement(root, f"{ns}CodeBook"), f"{ns}Codes")
    for code in [*tree, case_codes(m, tree, language)]:
        book.append(_code_element(code, f"{ns}Code"))
    code_of = {c.key: c.guid for top in tree if top.key in m.kinds for c in top.walk() if c.codable}

    variables = _variables(m)
    var_guid = {v: guid(m, "variable", v) for v in variables}
    if variables:
        vs = ET.SubElement(root, f"{ns}Variables")
        for v in variables:
            ET.SubElement(
                vs, f"{ns}Variable", {"guid": var_guid[v], "name": str(v), "typeOfVariable": "Text"}
            )

    answers = m.answers.reset_index(drop=True)
    src_guid = {str(a): guid(m, "source", a) for a in answers["answer_id"]}
    cases = ET.SubElement(root, f"{ns}Cases")
    for resp, group in answers.groupby(answers["respondent"].astype(str), sort=True):
        case = ET.SubElement(cases, f"{ns}Case", {"guid": guid(m, "case", resp), "name": resp})
        for a in group["answer_id"].astype(str):
            ET.SubElement(case, f"{ns}SourceRef", {"targetGUID": src_guid[a]})

    spans = {
        r["unit_id"]: (int(r["start"]), int(r["end"]), bool(r["exact"]))
        for r in unit_spans(m).to_dict("records")
    }
    units_by_answer: dict[str, list[tuple[str, str]]] = {}
    ordered = m.units.sort_values(["answer_id", "segment"], kind="stable")
    for uid, aid, key in zip(
        ordered["unit_id"].astype(str), ordered["answer_id"].astype(str), ordered["cluster_key"]
    ):
        units_by_answer.setdefault(aid, []).append((uid, str(key)))
    sources_el = ET.SubElement(root, f"{ns}Sources")
    files: dict[str, str] = {}
    for rec in answers.to_dict("records"):
        aid = str(rec["answer_id"])
        g = src_guid[aid]
        files[f"sources/{g}.txt"] = clean_text(rec["text"])
        src = ET.SubElement(
            sources_el,
            f"{ns}TextSource",
            {
                "guid": g,
                "name": f"{aid} ({rec['respondent']})",
                "plainTextPath": f"internal://{g}.txt",
                "creatingUser": user,
            },
        )
        # the whole answer coded with its respondent's case code (how QualCoder links case texts)
        whole = ET.SubElement(
            src,
            f"{ns}PlainTextSelection",
            {
                "guid": guid(m, "case-selection", aid),
                "name": aid,
                "startPosition": "0",
                "endPosition": str(len(files[f"sources/{g}.txt"])),
                "creatingUser": user,
            },
        )
        coding = ET.SubElement(
            whole, f"{ns}Coding", {"guid": guid(m, "case-coding", aid), "creatingUser": user}
        )
        ET.SubElement(coding, f"{ns}CodeRef", {"targetGUID": guid(m, "case", rec["respondent"])})
        for uid, key in units_by_answer.get(aid, []):
            start, end, exact = spans[uid]
            sel = ET.SubElement(
                src,
                f"{ns}PlainTextSelection",
                {
                    "guid": guid(m, "selection", uid),
                    "name": uid,
                    "startPosition": str(start),
                    "endPosition": str(end),
                    "creatingUser": user,
                },
            )
            if not exact:
                ET.SubElement(sel, f"{ns}Description").text = w["not_found"].format(uid=uid)
            coding = ET.SubElement(
                sel, f"{ns}Coding", {"guid": guid(m, "coding", uid), "creatingUser": user}
            )
            ET.SubElement(coding, f"{ns}CodeRef", {"targetGUID": code_of[key]})
        for v in variables:
            value = rec.get(v)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            vv = ET.SubElement(src, f"{ns}VariableValue")
            ET.SubElement(vv, f"{ns}VariableRef", {"targetGUID": var_guid[v]})
            ET.SubElement(vv, f"{ns}TextValue").text = clean_text(value)

    root.append(_sets_element(code_sets(m, tree), ns))
    ET.SubElement(root, f"{ns}Description").text = w["project_desc"].format(version=__version__)
    return _tostring(root, NS_PROJECT), files


def _pathway_members(m: WildMap) -> dict[str, list[str]]:

    t = pathway_table(m)
    t = t[t["cluster_key"].notna()]
    return {str(p): d["cluster_key"].astype(str).tolist() for p, d in t.groupby("pathway")}


def write_qdpx(m: WildMap, path: str | Path, language: str | None = None) -> Path:
    """Write the REFI-QDA project (``.qdpx``) of ``m``; returns the path.

    >>> m.to_qdpx("projekt.qdpx")  # doctest: +SKIP
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    xml, files = project_xml(m, language)
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("project.qde", xml),
            *((k, v.encode("utf-8")) for k, v in files.items()),
        ]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return p


# ---------------------------------------------------------------------------------- readers
@dataclass
class QdaProject:
    """What :func:`read_qdpx` returns.

    ``codes``: one row per code (``guid``, ``name``, ``parent`` (guid or None), ``description``,
    ``color``, ``codable``). ``selections``: one row per coded plain-text selection (``guid``,
    ``name``, ``source``, ``source_name``, ``start``, ``end``, ``code``, ``code_name``, ``text``).
    ``sources``: source guid -> text. ``sets``: set name -> member code guids. ``cases``: case
    name -> source guids.
    """

    name: str
    codes: pd.DataFrame
    selections: pd.DataFrame
    sources: dict[str, str]
    sets: dict[str, list[str]]
    cases: dict[str, list[str]]


def _read_codes(codes_el: ET.Element | None, ns: str) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []

    def visit(el: ET.Element, parent: str | None) -> None:
        desc = el.find(f"{ns}Description")
        rows.append(
            {
                "guid": el.get("guid"),
                "name": el.get("name"),
                "parent": parent,
                "description": (desc.text or "") if desc is not None else "",
                "color": el.get("color"),
                "codable": el.get("isCodable") == "true",
            }
        )
        for child in el.findall(f"{ns}Code"):
            visit(child, el.get("guid"))

    if codes_el is not None:
        for el in codes_el.findall(f"{ns}Code"):
            visit(el, None)
    return pd.DataFrame(rows, columns=["guid", "name", "parent", "description", "color", "codable"])


def read_qdc(path: str | Path) -> pd.DataFrame:
    """Read a ``.qdc`` codebook into the ``codes`` frame of :class:`QdaProject`."""
    root = ET.parse(path).getroot()
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    return _read_codes(root.find(f"{ns}Codes"), ns)


def read_qdpx(path: str | Path) -> QdaProject:
    """Read a ``.qdpx`` project (codes, coded plain-text selections, sources, sets, cases)."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("project.qde"))
        names = set(z.namelist())
        ns = f"{{{NS_PROJECT}}}"
        codes = _read_codes(root.find(f"{ns}CodeBook/{ns}Codes"), ns)
        code_name = dict(zip(codes["guid"], codes["name"]))
        sources: dict[str, str] = {}
        rows = []
        for src in root.iterfind(f"{ns}Sources/{ns}TextSource"):
            g = src.get("guid")
            content = src.find(f"{ns}PlainTextContent")
            if content is not None:
                text = content.text or ""
            else:
                rel = (src.get("plainTextPath") or "").removeprefix("internal://")
                member = f"sources/{rel}"
                if member not in names:
                    raise ValueError(f"{path}: source {g} points to {member!r}, not in the zip")
                text = z.read(member).decode("utf-8")
            sources[g] = text
            for sel in src.iterfind(f"{ns}PlainTextSelection"):
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                for ref in sel.iterfind(f"{ns}Coding/{ns}CodeRef"):
                    c = ref.get("targetGUID")
                    rows.append(
                        {
                            "guid": sel.get("guid"),
                            "name": sel.get("name"),
                            "source": g,
                            "source_name": src.get("name"),
                            "start": s,
                            "end": e,
                            "code": c,
                            "code_name": code_name.get(c),
                            "text": text[s:e],
                        }
                    )
    sets = {
        s.get("name"): [mc.get("targetGUID") for mc in s.iterfind(f"{ns}MemberCode")]
        for s in root.iterfind(f"{ns}Sets/{ns}Set")
    }
    cases = {
        c.get("name"): [r.get("targetGUID") for r in c.iterfind(f"{ns}SourceRef")]
        for c in root.iterfind(f"{ns}Cases/{ns}Case")
    }
    cols = ["guid", "name", "source", "source_name", "start", "end", "code", "code_name", "text"]
    return QdaProject(
        name=root.get("name", ""),
        codes=codes,
        selections=pd.DataFrame(rows, columns=cols),
        sources=sources,
        sets=sets,
        cases=cases,
    )
