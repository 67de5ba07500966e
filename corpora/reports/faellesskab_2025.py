"""faellesskab_2025 (seed 000): VIVE for TrygFonden & Mary Fonden (2025), "Når livet skifter retning"."""

from __future__ import annotations

import re

from corpora.clean import (
    is_page_start,
    strip_debris,
)
from corpora.reports._common import COMMON_COLUMNS, SEEDS, clean_block

# --------------------------------------------------------------------------------------------
# faellesskab_2025 (000): VIVE, "Når livet skifter retning"
# --------------------------------------------------------------------------------------------

FS25_THEMES = (
    "Helbred",
    "Arbejdsmarked",
    "Familie og venner",
    "Lokale fællesskaber og foreninger",
    "Ensomhed",
    "Erfaringer med velfærdssystemet",
    "Tillid",
)
_FS25_SPEAKER = re.compile(
    r"(?P<name>[A-ZÆØÅ][a-zæøåé]+) \((?P<gender>mand|kvinde) i (?P<age>\d0['’]erne)\.?\)"
)
_FS25_PORTRAIT_TITLE = re.compile(r"(?P<name>[A-ZÆØÅ][a-zæøå]+): \S")


def build_faellesskab(lines: list[str]) -> list[dict]:
    """Interview quotes of the VIVE booklet, themed by the page they are printed on.

    A page starts at a line with one leading space. A page's theme is the theme heading printed
    on it (anywhere on the page), else the theme of the previous page; pages before the first
    theme heading have no theme. Themed quotes end in a speaker line ``Navn (mand i 40’erne)``
    and start after the previous blank line (or at the top of the page). Portrait quotes (before the theme chapters) open with
    a quotation mark; speaker, age and gender come from the portrait box around them. Teasers,
    pull-quotes and the foreword/back-cover quotes repeat chapter quotes and are left out.
    """
    # page of each line, and theme of each page
    page_of: list[int] = []
    page = 0
    for i, line in enumerate(lines):
        if i > 0 and is_page_start(line):
            page += 1
        page_of.append(page)
    heading_page: dict[int, str] = {}
    for i, line in enumerate(lines):
        if strip_debris(line) in FS25_THEMES:
            heading_page[page_of[i]] = strip_debris(line)
    if sorted(heading_page.values()) != sorted(FS25_THEMES):
        raise ValueError(f"theme headings not found once each: {heading_page}")
    theme_of_page: dict[int, str] = {}
    current = ""
    for p in range(page_of[-1] + 1):
        current = heading_page.get(p, current)
        theme_of_page[p] = current

    rows: list[dict] = []
    # themed quotes
    for i, line in enumerate(lines):
        m = _FS25_SPEAKER.fullmatch(strip_debris(line))
        if not m:
            continue
        start = i - 1
        while (
            start - 1 >= 0
            and lines[start - 1].strip()
            and not is_page_start(lines[start])
            and not _FS25_SPEAKER.fullmatch(strip_debris(lines[start - 1]))
        ):
            start -= 1
        theme = theme_of_page[page_of[i]]
        if not theme:
            raise ValueError(f"speaker line {i + 1} is on an unthemed page")
        rows.append(
            {
                "text": clean_block(lines, start + 1, i),
                "speaker": m["name"],
                "theme": theme,
                "line": start + 1,
                "end_line": i,
                "type": "quote",
                "age": m["age"].replace("'", "’"),
                "gender": m["gender"],
            }
        )
    # portrait quotes: open with a quotation mark + U+FFFD on an unthemed page
    for i, line in enumerate(lines):
        if not re.match(r"[“”]\ufffd", line) or theme_of_page[page_of[i]]:
            continue
        end = i
        while not lines[end].rstrip().endswith(("”", "\u201d")):
            end += 1
        text = clean_block(lines, i + 1, end + 1).strip('“”" ')
        # the portrait box: title line "Navn: ..." above the quote
        top = i
        while not _FS25_PORTRAIT_TITLE.match(strip_debris(lines[top])):
            top -= 1
        name = _FS25_PORTRAIT_TITLE.match(strip_debris(lines[top]))["name"]
        box = clean_block(lines, top + 1, i)
        age = re.search(rf"{name} er i (\d0['’]erne)", box)
        pronoun = re.search(r"\b(hun|han)\b", box, re.IGNORECASE)
        rows.append(
            {
                "text": text,
                "speaker": name,
                "theme": "",
                "line": i + 1,
                "end_line": end + 1,
                "type": "portrait",
                "age": age[1].replace("'", "’") if age else "",
                "gender": {"hun": "kvinde", "han": "mand"}[pronoun[1].lower()] if pronoun else "",
            }
        )
    rows.sort(key=lambda r: r["line"])
    for n, row in enumerate(rows, 1):
        row["id"] = f"fs25-{n:03d}"
        row["source"] = SEEDS["faellesskab"].source
        row["kind"] = ""
    return rows


FS25_COLUMNS = [
    *COMMON_COLUMNS,
    "type",
    "age",
    "gender",
]
