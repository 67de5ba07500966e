"""Segment: split answers that hold several causes or solutions into *units*.

A politician who writes "1) mangel på hænder 2) for meget bureaukrati" has given two causes; INVI
counted them as two (403 politicians -> 1,374 causes). An answer is split on numbered items, bullets,
line breaks that start a new item, and semicolons. Prose wrapped over several lines is kept together.
"""

from __future__ import annotations

import re

import pandas as pd

#: A list marker at the start of an item: "1.", "2)", "a)", "-", "*", "•", "–", U+F0A7 ...
_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][)]|[-*•–·▪►\uf0a7])\s+")
#: An inline numbered item: "... arbejdskraft 2) bureaukrati" or "... 2. bureaukrati".
_INLINE_NUM = re.compile(r"(?:(?<=\s)|^)(?=\(?\d{1,2}[.)]\s+[^\W\d_])")
_SENT_END = re.compile(r"[.!?:;…)\"”]\s*$")
_MIN_CHARS = 2


def _strip_marker(s: str) -> str:
    return _MARKER.sub("", s, count=1).strip()


def _has_letters(s: str) -> bool:
    return re.search(r"[^\W\d_]", s) is not None


def split_answer(text: str) -> list[str]:
    """Split one answer into its items.

    >>> split_answer("1) Mangel på arbejdskraft 2) For meget bureaukrati")
    ['Mangel på arbejdskraft', 'For meget bureaukrati']
    >>> split_answer("- færre regler\\n- mere tillid; bedre ledelse")
    ['færre regler', 'mere tillid', 'bedre ledelse']
    >>> split_answer("Vi mangler hænder i\\nældreplejen og på skolerne.")
    ['Vi mangler hænder i ældreplejen og på skolerne.']
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
        numbered = [p for p in _INLINE_NUM.split(item) if p.strip()]
        if len(numbered) < 2:
            numbered = [item]
        for piece in numbered:
            for sub in piece.split(";"):
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
