"""Segment: split answers that hold several causes or solutions into *units*.

A politician who writes "1) mangel på hænder 2) for meget bureaukrati" has given two causes; INVI
counted them as two (403 politicians -> 1,374 causes). An answer is split on numbered items, bullets,
line breaks that start a new item, and semicolons. Prose wrapped over several lines is kept together.

Danish writes ordinals with a full stop ("3. kvartal", "2. behandling"), and reports cite with
semicolons inside parentheses ("(Discus 2009; Borg 2010)"), so an inline number counts as a list
item only as part of an enumeration (``1. … 2. …``, or ``2)``-style numbers that go up by one), never
inside parentheses and never when an "item" is just "og"/"eller" ("1. og 2. kvartal"); a semicolon
splits only outside parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from .errors import InputError
from .ingest import Ingested, InputData, ingest
from .lang import LANGUAGES
from .provenance import timed
from .schema import DROPPED_COLUMNS, SEGMENT_COLUMNS, metadata_columns

#: A list marker at the start of an item: "1.", "2)", "a)", "-", "*", "•", "–", U+F0A7 ...
_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][)]|[-*•–·▪►\uf0a7])\s+")
#: A candidate inline numbered item: "... arbejdskraft 2) bureaukrati" or "... 2. bureaukrati".
_INLINE_NUM = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})([.)])\s+(?=[^\W\d_])")
#: Words that join two ordinals ("1. og 2. kvartal"): an "item" of only these is no item.
_CONNECTORS = frozenset({"-", "–", "&"}.union(*(m.CONNECTORS for m in LANGUAGES.values())))
_SENT_END = re.compile(r"[.!?:;…)\"”]\s*$")
_MIN_CHARS = 2


def _strip_marker(s: str) -> str:
    return _MARKER.sub("", s, count=1).strip()


def _has_letters(s: str) -> bool:
    return re.search(r"[^\W\d_]", s) is not None


def _depths(text: str) -> list[int]:
    """Bracket depth before each character: ``(`` and ``[`` open, ``)`` and ``]`` close."""
    depth, out = 0, []
    for ch in text:
        out.append(depth)
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
    return out


def _enumeration_starts(item: str) -> list[int]:
    """Where the inline numbered items of ``item`` start; ``[]`` when it is not an enumeration.

    >>> _enumeration_starts("1. Demografi 2. Økonomi")
    [0, 13]
    >>> _enumeration_starts("i perioden 3. og 4. kvartal 2007 samt 1. kvartal 2009")
    []
    >>> _enumeration_starts("se bilag (punkt 2) for detaljer")
    []
    """
    depth = _depths(item)
    found = [m for m in _INLINE_NUM.finditer(item) if depth[m.start()] == 0]
    starts: list[int] = []
    for style in (".", ")"):
        ms = [m for m in found if m.group(2) == style]
        nums = [int(m.group(1)) for m in ms]
        if not ms:
            continue
        if style == ".":  # "1. … 2. …": at least two, counting from 1
            ok = len(ms) >= 2 and nums == list(range(1, len(ms) + 1))
        else:  # "2) …" may follow unnumbered text, but numbers go up by one
            ok = all(b == a + 1 for a, b in zip(nums, nums[1:]))
        bodies = [item[a.end() : b.start()] for a, b in zip(ms, ms[1:])]
        if ok and not any(b.strip(" ,").lower() in _CONNECTORS for b in bodies):
            starts += [m.start() for m in ms]
    return sorted(starts)


def _semicolon_bounds(item: str, a: int, b: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the parts of ``item[a:b]`` between semicolons outside parentheses and
    brackets (offsets in ``item``)."""
    depth = _depths(item[a:b])
    cuts = [a + i for i, ch in enumerate(item[a:b]) if ch == ";" and depth[i] == 0]
    bounds = [a - 1, *cuts, b]
    return [(x + 1, y) for x, y in zip(bounds, bounds[1:])]


def split_answer(text: str) -> list[str]:
    """Split one answer into its items.

    >>> split_answer("1) Mangel på arbejdskraft 2) For meget bureaukrati")
    ['Mangel på arbejdskraft', 'For meget bureaukrati']
    >>> split_answer("- færre regler\\n- mere tillid; bedre ledelse")
    ['færre regler', 'mere tillid', 'bedre ledelse']
    >>> split_answer("Vi mangler hænder i\\nældreplejen og på skolerne.")
    ['Vi mangler hænder i ældreplejen og på skolerne.']
    >>> split_answer("Tilkendt i 3. og 4. kvartal 2007 (Borg 2010; Discus 2009).")
    ['Tilkendt i 3. og 4. kvartal 2007 (Borg 2010; Discus 2009).']
    """
    return [piece for piece, _, _ in split_spans(text)]


def split_spans(
    text: str, skipped: list[tuple[str, int, int]] | None = None
) -> list[tuple[str, int, int]]:
    """Split one answer into ``(item, start, end)``: each item's text and where it lies in
    ``text`` (``text[start:end]`` holds the item, with its original line breaks).

    >>> split_spans("1) Mangel på hænder 2) For meget bureaukrati")
    [('Mangel på hænder', 3, 19), ('For meget bureaukrati', 23, 44)]
    >>> t = "Vi mangler hænder i\\r\\nældreplejen."
    >>> piece, a, b = split_spans(t)[0]
    >>> piece, t[a:b]
    ('Vi mangler hænder i ældreplejen.', 'Vi mangler hænder i\\r\\nældreplejen.')

    Fragments that hold a letter or digit but are no unit (too short, or no letters, such as
    ``"42"``) are appended to ``skipped`` when given, so they can be reported:

    >>> out = []
    >>> split_spans("Mangel på hænder; 42", out), out
    ([('Mangel på hænder', 0, 16)], [('42', 18, 20)])
    """
    # lines with the offset of every character (line breaks of any style)
    lines: list[tuple[str, list[int]]] = []
    start = 0
    for brk in [*re.finditer(r"\r\n|\r|\n", text), None]:
        end = brk.start() if brk else len(text)
        line = text[start:end]
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        if body:
            lines.append((body, list(range(start + lead, start + lead + len(body)))))
        start = brk.end() if brk else len(text)
    items: list[tuple[str, list[int]]] = []
    for body, pos in lines:
        starts_item = bool(_MARKER.match(body))
        if items and not starts_item:
            prev, prev_pos = items[-1]
            # wrapped prose: the previous line does not end a sentence and this one goes on in
            # lower case -> same item (joined by one space, which maps to the line break)
            if not _SENT_END.search(prev) and body[:1].islower():
                items[-1] = (f"{prev} {body}", [*prev_pos, prev_pos[-1] + 1, *pos])
                continue
        items.append((body, pos))
    parts: list[tuple[str, int, int]] = []
    for item, pos in items:
        starts = _enumeration_starts(item)
        bounds = sorted({0, *starts, len(item)})
        for a, b in zip(bounds, bounds[1:]):
            if not item[a:b].strip():
                continue
            for sa, sb in _semicolon_bounds(item, a, b):
                raw = item[sa:sb]
                cut = _MARKER.match(raw)
                sub = _strip_marker(raw).strip(" ,")
                if not sub:
                    continue
                k = sa + max(raw.find(sub, cut.end() if cut else 0), raw.find(sub))
                span = (sub, pos[k], pos[k + len(sub) - 1] + 1)
                if len(sub) >= _MIN_CHARS and _has_letters(sub):
                    parts.append(span)
                elif skipped is not None and re.search(r"\w", sub):
                    skipped.append(span)
    return parts


def segment(answers: pd.DataFrame, enabled: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split every answer into units; returns ``(units, dropped)``.

    The units frame keeps every answer column and adds ``unit_id`` (``<answer_id>.<n>``),
    ``segment`` (1-based position within the answer) and ``start``/``end`` (where the unit lies in
    the answer: ``answer_text[start:end]``); ``text`` becomes the unit text and the full
    answer stays in ``answer_text``. With ``enabled=False`` each answer is one unit. Answers that
    leave no unit (e.g. only list markers) are returned in ``dropped`` with the reason.

    >>> a = pd.DataFrame({"answer_id": ["a1"], "respondent": ["p1"], "kind": ["cause"],
    ...                   "text": ["1. Demografi 2. Økonomi"], "row": [0]})
    >>> units, dropped = segment(a)
    >>> units[["unit_id", "text"]].values.tolist()
    [['a1.1', 'Demografi'], ['a1.2', 'Økonomi']]
    """
    records = []
    dropped = []
    cols = list(answers.columns)
    for rec in answers.to_dict("records"):
        text = rec["text"]
        skipped: list[tuple[str, int, int]] = []
        pieces = split_spans(text, skipped) if enabled else [(text, 0, len(text))]
        if pieces:
            dropped += [
                {
                    "answer_id": rec["answer_id"],
                    "respondent": rec["respondent"],
                    "row": rec["row"],
                    "text": frag,
                    "reason": "fragment without a unit (under 2 characters or no letters)",
                    "stage": "segment",
                }
                for frag, _, _ in skipped
            ]
        else:
            dropped.append(
                {
                    "answer_id": rec["answer_id"],
                    "respondent": rec["respondent"],
                    "row": rec["row"],
                    "text": rec["text"],
                    "reason": "no unit of at least 2 characters with letters",
                    "stage": "segment",
                }
            )
            continue
        for k, (piece, start, end) in enumerate(pieces, start=1):
            out = dict(rec)
            out["answer_text"] = text
            out["text"] = piece
            out["unit_id"] = f"{rec['answer_id']}.{k}"
            out["segment"] = k
            out["start"] = start
            out["end"] = end
            records.append(out)
    front = [*SEGMENT_COLUMNS, "answer_text"]
    rest = [c for c in cols if c not in front]
    units = pd.DataFrame.from_records(records, columns=front + rest)
    return units, pd.DataFrame(dropped, columns=list(DROPPED_COLUMNS))


def prepare_units(
    data: InputData,
    text: str,
    respondent: str | None,
    kind: str | None,
    id: str | None,  # noqa: A002
    metadata: Sequence[str] | None,
    segment_answers: bool,
    timings: dict[str, float] | None = None,
    group: str | None = None,
) -> tuple[Ingested, pd.DataFrame, pd.DataFrame]:
    """Ingest and segment: ``(ingested, units, dropped)``, dropped answers of both stages together.

    Shared by :func:`wildproblems.map` and by placing a new wave
    (:func:`wildproblems.waves.assign.assign`). ``group`` (a model's group column, e.g. party) must
    be one of the answers' metadata columns: checked here, once, before any long work.
    """
    timings = {} if timings is None else timings
    with timed(timings, "ingest"):
        ing = ingest(data, text=text, respondent=respondent, kind=kind, id=id, metadata=metadata)
    if group is not None and group not in ing.answers.columns:
        raise InputError(
            f"group column {group!r} not found; the answers have metadata columns "
            f"{metadata_columns(ing.answers)}"
        )
    with timed(timings, "segment"):
        units, seg_dropped = segment(ing.answers, enabled=segment_answers)
    dropped = pd.concat(
        [d for d in (ing.dropped, seg_dropped) if len(d)] or [ing.dropped], ignore_index=True
    )
    if len(units) == 0:
        raise InputError(f"no units of text left after segmentation of column {text!r}")
    return ing, units, dropped
