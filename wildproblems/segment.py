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

import pandas as pd

#: A list marker at the start of an item: "1.", "2)", "a)", "-", "*", "•", "–", U+F0A7 ...
_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][)]|[-*•–·▪►\uf0a7])\s+")
#: A candidate inline numbered item: "... arbejdskraft 2) bureaukrati" or "... 2. bureaukrati".
_INLINE_NUM = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})([.)])\s+(?=[^\W\d_])")
#: Words that join two ordinals ("1. og 2. kvartal"): an "item" of only these is no item.
_CONNECTORS = frozenset({"og", "eller", "samt", "til", "and", "or", "to", "-", "–", "&"})
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


def _split_semicolons(piece: str) -> list[str]:
    """Split on semicolons outside parentheses and brackets."""
    depth = _depths(piece)
    cuts = [i for i, ch in enumerate(piece) if ch == ";" and depth[i] == 0]
    bounds = [-1, *cuts, len(piece)]
    return [piece[a + 1 : b] for a, b in zip(bounds, bounds[1:])]


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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln for ln in text.split("\n") if ln.strip()]
    items: list[str] = []
    for ln in lines:
        starts_item = bool(_MARKER.match(ln))
        if items and not starts_item:
            prev = items[-1]
            nxt = ln.strip()
            # wrapped prose: the previous line does not end a sentence and this one goes on in
            # lower case -> same item
            if not _SENT_END.search(prev) and nxt[:1].islower():
                items[-1] = f"{prev} {nxt}"
                continue
        items.append(ln.strip())
    parts: list[str] = []
    for item in items:
        starts = _enumeration_starts(item)
        bounds = sorted({0, *starts, len(item)})
        numbered = [item[a:b] for a, b in zip(bounds, bounds[1:]) if item[a:b].strip()]
        for piece in numbered:
            for sub in _split_semicolons(piece):
                sub = _strip_marker(sub).strip(" ,")
                if len(sub) >= _MIN_CHARS and _has_letters(sub):
                    parts.append(sub)
    return parts


def segment(answers: pd.DataFrame, enabled: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split every answer into units; returns ``(units, dropped)``.

    The units frame keeps every answer column and adds ``unit_id`` (``<answer_id>.<n>``) and
    ``segment`` (1-based position within the answer); ``text`` becomes the unit text and the full
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
        pieces = split_answer(rec["text"]) if enabled else [rec["text"]]
        if not pieces:
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
        for k, piece in enumerate(pieces, start=1):
            out = dict(rec)
            out["answer_text"] = rec["text"]
            out["text"] = piece
            out["unit_id"] = f"{rec['answer_id']}.{k}"
            out["segment"] = k
            records.append(out)
    front = ["unit_id", "answer_id", "respondent", "kind", "text", "segment", "answer_text"]
    rest = [c for c in cols if c not in front]
    units = pd.DataFrame.from_records(records, columns=front + rest)
    return units, pd.DataFrame(
        dropped, columns=["answer_id", "respondent", "row", "text", "reason", "stage"]
    )
