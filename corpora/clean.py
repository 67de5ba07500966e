"""Cleaning helpers for PDF text extractions (shared by ``corpora/build.py``).

Every function is pure and works on plain strings, so each rule can be unit-tested on small
examples (``tests/test_corpora.py``). The rules:

* **Page boundaries** – the extractor puts a single leading space on the first line of each page.
* **Page numbers** – a line holding only 1–3 digits is a page number.
* **Bullets** – the private-use bullet U+F0A7 and the replacement character U+FFFD are removed.
* **Hyphenation** – a line ending in ``-`` is joined with the next line. The hyphen is dropped
  ("interview-" + "personer" → "interviewpersoner") unless it is a real hyphen:

  - suspended hyphen before a conjunction: "sundheds-" + "og" → "sundheds- og";
  - next part starts with a capital or a digit ("Faaborg-" + "Midtfyn", "COVID-" + "19");
  - first part ends in a capital or digit ("EU-" + "borgere", "300-" + "timers");
  - first part is a single letter ("a-" + "kasse") or already hyphenated ("forskning-praksis-");
  - first part is a prefix that Danish always hyphenates ("ikke-" + "aktiverbare").

* **Footnote marks** – 1–2 digits glued to the end of a lower-case word are removed ("år1" → "år",
  "hertil1." → "hertil."). Numbers that are not glued to a letter ("2012", "COVID-19", "40’erne",
  "1.553") are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

__all__ = [
    "SUSPENDED_HYPHEN_WORDS",
    "is_page_start",
    "is_page_number",
    "strip_debris",
    "remove_footnote_marks",
    "fix_zero_for_o",
    "join_hyphenated",
    "join_lines",
    "join_lines_with_offsets",
    "line_at",
    "split_sentences",
    "clean_line",
]

PUA_BULLET = "\uf0a7"
REPLACEMENT = "\ufffd"

#: Words that may follow a suspended hyphen ("sundheds- og socialområdet").
SUSPENDED_HYPHEN_WORDS = frozenset({"og", "eller", "samt", "til", "som", "men", "end", "&", "/"})
#: Prefixes that keep their hyphen when a compound is broken after them.
_KEEP_HYPHEN_PREFIXES = frozenset({"ikke", "non", "ex", "anti", "semi", "pseudo"})

_PAGE_NUMBER = re.compile(r"\s*\d{1,3}\s*")
_FOOTNOTE = re.compile(r"(?<=[a-zæøåéü])\d{1,2}(?=[\s.,;:!?)”’\"]|$)")
_ZERO_FOR_O = re.compile(r"(?<![\w.,])0(?=[a-zæøå]+\b)|(?<=[a-zæøå])0(?=[a-zæøå])")
_SPACES = re.compile(r"[ \t\u00a0]+")


def is_page_start(line: str) -> bool:
    """True if ``line`` opens a page: exactly one leading space, then text.

    >>> is_page_start(" Helbred"), is_page_start("Helbred"), is_page_start("   ")
    (True, False, False)
    """
    return len(line) > 1 and line[0] == " " and not line[1].isspace()


def is_page_number(line: str) -> bool:
    """True if ``line`` holds only a page number (1–3 digits).

    >>> is_page_number(" 74 "), is_page_number("2012"), is_page_number("år 74")
    (True, False, False)
    """
    return _PAGE_NUMBER.fullmatch(line) is not None


def strip_debris(text: str) -> str:
    """Remove U+F0A7 bullets and U+FFFD, normalise to NFC and collapse runs of spaces.

    >>> strip_debris("\\uf0a7 Dagpenge  (2 af 20)")
    'Dagpenge (2 af 20)'
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace(PUA_BULLET, " ").replace(REPLACEMENT, "")
    return _SPACES.sub(" ", text).strip()


def remove_footnote_marks(text: str) -> str:
    """Remove footnote digits glued to the end of a lower-case word.

    >>> remove_footnote_marks("sagen er klar hertil1. I 2012 fik 40’erne COVID-19 år1")
    'sagen er klar hertil. I 2012 fik 40’erne COVID-19 år'
    """
    return _FOOTNOTE.sub("", text)


def fix_zero_for_o(text: str) -> str:
    """Repair the typesetting slip of a zero for the letter o (word-initial or between letters).

    >>> fix_zero_for_o("analyser 0g 0mrådet, men 2010 og 0,5")
    'analyser og området, men 2010 og 0,5'
    >>> fix_zero_for_o("den største variati0n, COVID-19")
    'den største variation, COVID-19'
    """
    return _ZERO_FOR_O.sub("o", text)


def clean_line(line: str) -> str:
    """Apply the per-line rules: debris, footnote marks, zero-for-o.

    >>> clean_line(" \\uf0a7 Ingen ydelse (1 af 20 kvartaler)19 ")
    'Ingen ydelse (1 af 20 kvartaler)19'
    >>> clean_line("pension20. Unge")
    'pension. Unge'
    """
    return fix_zero_for_o(remove_footnote_marks(strip_debris(line)))


def _keeps_hyphen(first: str, second: str) -> tuple[bool, bool]:
    """Decide (keep_hyphen, add_space) for ``first`` ending in "-" followed by ``second``."""
    word = first[:-1].split(" ")[-1] if first[:-1] else ""
    nxt = second.split(" ", 1)[0] if second else ""
    bare_next = nxt.strip(",.;:")
    if not word or not word[-1].isalnum():
        # "– " or " -" at line end: a dash, not a hyphen
        return True, True
    if bare_next.lower() in SUSPENDED_HYPHEN_WORDS:
        return True, True
    if nxt[:1].isupper() or nxt[:1].isdigit() or not nxt[:1].isalpha():
        return True, False
    if word[-1].isupper() or word[-1].isdigit():
        return True, False
    core = word.lstrip("(”“\"'’[")
    if len(core) == 1 or "-" in core or core.lower() in _KEEP_HYPHEN_PREFIXES:
        return True, False
    return False, False


def join_hyphenated(first: str, second: str) -> str:
    """Join two line fragments, resolving a hyphen at the end of ``first``.

    >>> join_hyphenated("interview-", "personer siger")
    'interviewpersoner siger'
    >>> join_hyphenated("både sundheds-", "og socialområdet")
    'både sundheds- og socialområdet'
    >>> join_hyphenated("Faaborg-", "Midtfyn"), join_hyphenated("COVID-", "19")
    ('Faaborg-Midtfyn', 'COVID-19')
    >>> join_hyphenated("medlem af en a-", "kasse"), join_hyphenated("ikke-", "aktiverbare")
    ('medlem af en a-kasse', 'ikke-aktiverbare')
    >>> join_hyphenated("Det gik", "godt")
    'Det gik godt'
    """
    first, second = first.rstrip(), second.strip()
    if not first:
        return second
    if not second:
        return first
    if first.endswith("-") and not first.endswith("--"):
        keep, space = _keeps_hyphen(first, second)
        if not keep:
            return first[:-1] + second
        return first + (" " if space else "") + second
    return first + " " + second


def join_lines(lines: list[str]) -> str:
    """Join cleaned line fragments into one string with :func:`join_hyphenated`.

    >>> join_lines(["Det er interview-", "personer fra Faaborg-", "Midtfyn."])
    'Det er interviewpersoner fra Faaborg-Midtfyn.'
    """
    return join_lines_with_offsets([(0, ln) for ln in lines])[0]


def join_lines_with_offsets(numbered: list[tuple[int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Join ``(line_number, text)`` fragments; also return ``(offset, line_number)`` anchors.

    The anchors map a character offset in the joined text back to the source line it came from
    (use :func:`line_at`).

    >>> text, anchors = join_lines_with_offsets([(3, "Første lin-"), (5, "je. Anden.")])
    >>> text, anchors
    ('Første linje. Anden.', [(0, 3), (10, 5)])
    >>> line_at(anchors, text.index("Anden"))
    5
    """
    text = ""
    anchors: list[tuple[int, int]] = []
    for number, fragment in numbered:
        fragment = fragment.strip()
        if not fragment:
            continue
        if not text:
            anchors.append((0, number))
            text = fragment
            continue
        joined = join_hyphenated(text, fragment)
        # the new fragment starts where ``fragment`` begins in ``joined``
        anchors.append((len(joined) - len(fragment), number))
        text = joined
    return text, anchors


def line_at(anchors: list[tuple[int, int]], offset: int) -> int:
    """Source line number of the character at ``offset`` (see :func:`join_lines_with_offsets`)."""
    idx = bisect_right([a for a, _ in anchors], offset) - 1
    return anchors[max(idx, 0)][1]


# abbreviations after which a full stop does not end a sentence
_ABBREVIATIONS = (
    "bl.a",
    "f.eks",
    "fx",
    "m.m",
    "mv",
    "m.fl",
    "osv",
    "dvs",
    "jf",
    "ca",
    "pga",
    "kr",
    "ibid",
    "p.t",
    "inkl",
    "evt",
    "nr",
    "pct",
    "o.l",
    "kap",
    "mht",
    "iflg",
    "vedr",
    "hhv",
    "ift",
    "stk",
    "el",
    "bl.a.",
)
_ABBREV_RE = re.compile(
    r"(?:^|[\s(])(?:"
    + "|".join(re.escape(a) for a in sorted(set(_ABBREVIATIONS), key=len)[::-1])
    + r")\.$",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[.!?](?:[”\"’)]*)\s+(?=[A-ZÆØÅ”“\"(\[–])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split Danish prose into sentences; return ``(start, end)`` character spans.

    A sentence ends at ``.``, ``!`` or ``?`` followed by white space and a capital letter (or an
    opening quote/bracket), unless the full stop closes an abbreviation ("bl.a.", "fx.", "jf.")
    (a number before a lower-case word, "3. kvartal", is never an ending).

    >>> t = "Det gælder bl.a. Herning. Vi fandt 1.553 forløb i 3. kvartal. Hvorfor? Fordi."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Det gælder bl.a. Herning.', 'Vi fandt 1.553 forløb i 3. kvartal.', 'Hvorfor?', 'Fordi.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start() + 1
        head = text[start:end]
        if head.endswith(".") and _ABBREV_RE.search(head):
            continue
        stop = m.end()
        while stop > end and text[stop - 1].isspace():
            stop -= 1
        spans.append((start, stop))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans
