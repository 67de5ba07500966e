"""digital_velfaerd_2026 (seed 003): ADD (2026), "Danskernes opbakning til det digitale velfærdssamfund"."""

from __future__ import annotations

import re

from corpora.clean import (
    strip_debris,
)
from corpora.reports._common import COMMON_COLUMNS, SEEDS, clean_block

# --------------------------------------------------------------------------------------------
# digital_velfaerd_2026 (003): ADD, "Danskernes opbakning til det digitale velfærdssamfund"
# --------------------------------------------------------------------------------------------

DV26_OVERVIEW = "Hvorfor mener flere og flere borgere ikke, at digitaliseringen af velfærden er til gavn for borgerne?"
#: the nine finding headings, in order, with their chapter and the kind the report gives them
DV26_FINDINGS = (
    (
        "Borgerne oplever, at digitale løsninger er udviklet ud fra systemets præmisser fremfor borgernes behov og forudsætninger",
        "Kapitel 1: Systemskepsis",
        "cause",
    ),
    ("Borgerne ser digitaliseringen som en eneløsning", "Kapitel 1: Systemskepsis", "cause"),
    (
        "Borgerne mangler tiltro til, at staten er rustet til potentielle systemsvigt",
        "Kapitel 1: Systemskepsis",
        "cause",
    ),
    (
        "Digitaliseringen skaber ulighed, hvor digitale kompetencer bliver adgangsbilletten til velfærdssamfundet",
        "Kapitel 2: Digital ulighed og umyndiggørelse",
        "cause",
    ),
    (
        "Borgere “tabes i svinget” - særligt ældre og resourcesvage",
        "Kapitel 2: Digital ulighed og umyndiggørelse",
        "cause",
    ),
    (
        "Mange borgere føler sig umyndiggjorte, fordi de er afhængige af hjælp fra pårørende",
        "Kapitel 2: Digital ulighed og umyndiggørelse",
        "cause",
    ),
    (
        "Borgerne ser potentialerne i digitaliseringen af sundhedsvæsenet",
        "Kapitel 3: Fremtidens digitale velfærdssamfund",
        "",
    ),
    (
        "Borgerne er mest bekymrede for en fremtid med AI, som erstatter den borgernære velfærd",
        "Kapitel 3: Fremtidens digitale velfærdssamfund",
        "",
    ),
    (
        "Borgerne peger på pragmatiske løsninger, såsom opkvalificering, brugerinddragelse og vejledning af pårørende",
        "Kapitel 3: Fremtidens digitale velfærdssamfund",
        "solution",
    ),
)
#: kinds of the three overview bullets answering DV26_OVERVIEW (two reasons, one remedy)
DV26_OVERVIEW_KINDS = ("cause", "cause", "solution")
_DV26_SPEAKER = re.compile(r"(?P<name>[A-ZÆØÅ]+), (?P<age>\d+) år\.")


def build_digital(lines: list[str]) -> list[dict]:
    """Quotes, finding headings and bullets of the ADD deep dive.

    ``kind``: the overview asks "Hvorfor mener flere og flere borgere ikke ...?" and answers with
    three bullets – two reasons (cause) and one remedy (solution); chapters 1–2 are the report's
    elaboration of those reasons, so their finding headings and bullets are causes; the last
    finding of chapter 3 names solutions. Quotes carry no kind.
    """
    stripped = [strip_debris(x) for x in lines]
    heading_at = {}
    for text, chapter, kind in DV26_FINDINGS:
        hits = [i for i, s in enumerate(stripped) if s == text]
        if len(hits) != 1:
            raise ValueError(f"finding heading not found once: {text!r}")
        heading_at[hits[0]] = (text, chapter, kind)
    overview = stripped.index(DV26_OVERVIEW)
    end_of_content = next(i for i, s in enumerate(stripped) if s.startswith("**Dyk ned"))

    rows: list[dict] = []
    # overview bullets
    n_bullet = 0
    i = overview + 1
    while i < len(lines) and (not stripped[i] or stripped[i].startswith("- ")):
        if stripped[i].startswith("- "):
            rows.append(
                {
                    "text": stripped[i][2:],
                    "speaker": "rapport",
                    "theme": DV26_OVERVIEW,
                    "kind": DV26_OVERVIEW_KINDS[n_bullet],
                    "line": i + 1,
                    "end_line": i + 1,
                    "type": "bullet",
                    "chapter": "Hovedresultater",
                }
            )
            n_bullet += 1
        i += 1
    if n_bullet != len(DV26_OVERVIEW_KINDS):
        raise ValueError(f"expected {len(DV26_OVERVIEW_KINDS)} overview bullets, found {n_bullet}")

    current = None
    for i in range(min(heading_at), end_of_content):
        s = stripped[i]
        if i in heading_at:
            current = heading_at[i]
            rows.append(
                {
                    "text": s,
                    "speaker": "rapport",
                    "theme": current[0],
                    "kind": current[2],
                    "line": i + 1,
                    "end_line": i + 1,
                    "type": "finding",
                    "chapter": current[1],
                }
            )
        elif s.startswith("- ") and current:
            rows.append(
                {
                    "text": s[2:],
                    "speaker": "rapport",
                    "theme": current[0],
                    "kind": current[2],
                    "line": i + 1,
                    "end_line": i + 1,
                    "type": "bullet",
                    "chapter": current[1],
                }
            )
        elif (m := _DV26_SPEAKER.fullmatch(s)) and current:
            start = i - 1
            while not stripped[start]:
                start -= 1
            end = start
            while stripped[start - 1] and start - 1 not in heading_at:
                start -= 1
            rows.append(
                {
                    "text": clean_block(lines, start + 1, end + 1),
                    "speaker": m["name"].capitalize(),
                    "theme": current[0],
                    "kind": "",
                    "line": start + 1,
                    "end_line": end + 1,
                    "type": "quote",
                    "age": m["age"],
                    "chapter": current[1],
                }
            )
    rows.sort(key=lambda r: r["line"])
    for n, row in enumerate(rows, 1):
        row["id"] = f"dv26-{n:03d}"
        row["source"] = SEEDS["digital"].source
    return rows


DV26_COLUMNS = [
    *COMMON_COLUMNS,
    "type",
    "age",
    "chapter",
]
