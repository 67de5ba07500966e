"""Build the bundled corpora (CSV files in ``corpora/``) from the seed reports.

Usage::

    python corpora/build.py --seeds ../shared/seeds --out corpora

The seeds are inputs to this script only; the CSVs it writes are committed, and the library reads
nothing but those CSVs. The build is deterministic: re-running it on the same seeds rewrites every
CSV byte for byte (checked by ``tests/test_corpora.py``). The seed files are identified by their
SHA-256 (``SEEDS`` below); a seed with another hash is refused unless ``--allow-changed-seeds``.

Parsers are specific to each report, because each report lays out its quotes differently; the
shared cleaning rules live in ``corpora/clean.py``. Where a report's layout cannot be parsed
reliably (theme headings without numbers, quote starts that a heuristic misses) the build uses
small tables of source line numbers below, and asserts that each listed line holds the expected
text, so every curated choice is visible and checked.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_napire import COLUMNS as NAPIRE_COLUMNS  # type: ignore[no-redef]
    from build_napire import build_napire  # type: ignore[no-redef]
    from clean import (  # type: ignore[no-redef]
        clean_line,
        is_page_number,
        is_page_start,
        join_lines,
        join_lines_with_offsets,
        line_at,
        split_sentences,
        strip_debris,
    )
else:  # imported as corpora.build
    from .build_napire import COLUMNS as NAPIRE_COLUMNS
    from .build_napire import build_napire
    from .clean import (
        clean_line,
        is_page_number,
        is_page_start,
        join_lines,
        join_lines_with_offsets,
        line_at,
        split_sentences,
        strip_debris,
    )


@dataclass(frozen=True)
class Seed:
    prefix: str
    sha256: str
    source: str


SEEDS = {
    "faellesskab": Seed(
        "000_",
        "109ecfc0481d675c9781b497c4fa76d5bf3a9bb1dedb23204e9153fa01a6b659",
        "VIVE for TrygFonden & Mary Fonden (2025): Når livet skifter retning",
    ),
    "foertidspension": Seed(
        "001_",
        "00984d2820e0f7eb7f96a41d6cd9909c44f3e403cade08ea48f407e83738974a",
        "AKF (2012): Veje til førtidspension",
    ),
    "digital": Seed(
        "003_",
        "5ff19e0fe186f7c6b8023f7ddae00e636adca957f3d06fd68e781821bb1f6b7f",
        "ADD (2026): Danskernes opbakning til det digitale velfærdssamfund",
    ),
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_seed(seeds: Path, key: str) -> Path:
    matches = sorted(seeds.glob(SEEDS[key].prefix + "*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(
            f"expected one {SEEDS[key].prefix}*.txt in {seeds}, found {matches}"
        )
    return matches[0]


def read_lines(path: Path) -> list[str]:
    """Lines of ``path`` without line ends; ``lines[i]`` is source line ``i + 1``."""
    return path.read_text(encoding="utf-8").split("\n")


def clean_block(lines: list[str], first: int, last: int) -> str:
    """Clean and join source lines ``first..last`` (1-based, inclusive), skipping page numbers."""
    parts = [
        clean_line(lines[i - 1])
        for i in range(first, last + 1)
        if lines[i - 1].strip() and not is_page_number(lines[i - 1])
    ]
    return join_lines(parts)


def expect(lines: list[str], number: int, text: str) -> None:
    """Assert that source line ``number`` (1-based) holds ``text`` (after stripping)."""
    got = strip_debris(lines[number - 1])
    if got != text:
        raise ValueError(f"seed line {number}: expected {text!r}, found {got!r}")


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
            n += 1
    return n


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
    "id",
    "text",
    "speaker",
    "source",
    "theme",
    "kind",
    "line",
    "end_line",
    "type",
    "age",
    "gender",
]


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
    "id",
    "text",
    "speaker",
    "source",
    "theme",
    "kind",
    "line",
    "end_line",
    "type",
    "age",
    "chapter",
]


# --------------------------------------------------------------------------------------------
# foertidspension_2012 (001): AKF, "Veje til førtidspension"
# --------------------------------------------------------------------------------------------

#: headings of the parts used (summary, chapters 8–11): line -> (level, title).
#: level 1 = chapter, 2 = numbered section, 3 = unnumbered theme heading inside a section.
FP12_HEADINGS: dict[int, tuple[int, str]] = {
    60: (1, "Sammenfatning"),
    163: (3, "Førtidspensionisterne – hvem er de?"),
    258: (3, "Fem veje mod førtidspension"),
    359: (3, "Kommunernes sagsgang og indsats"),
    418: (3, "Aktiveringsniveau og timing"),
    552: (3, "Centrale udfordringer og sten i skoen"),
    655: (3, "Alternativer til førtidspension"),
    704: (3, "Opsummerende kan vi konkludere:"),
    4544: (1, "8 Kvalitativ analyse"),
    4617: (2, "8.1 Borgertyper"),
    4647: (2, "8.1.1 Unge med psykiske lidelser"),
    4836: (2, "8.1.2 Personer på langvarig kontanthjælp"),
    5011: (2, "8.1.3 Pendlere og overleverede"),
    5165: (2, "8.1.4 Midaldrende med diffuse lidelser, stress og depression"),
    5387: (2, "8.1.5 Sammenfatning"),
    5451: (2, "8.2 Vejen til førtidspension – arbejdet med borgerne"),
    5475: (2, "8.2.1 Sagsgang i kommunerne: Organisering af vejen til førtidspension"),
    5649: (2, "8.2.2 Udfordringer undervejs i sagsbehandlingen"),
    5666: (3, "Målet opnås lettest, hvis man er enige om, hvad det er"),
    5825: (3, "Dokumentationskrav og rettidighed flytter fokus fra fagligheden"),
    6061: (3, "Lange ventetider fastholder folk i systemet"),
    6262: (3, "Det kan være dyrt at spare"),
    6499: (2, "8.2.3 Samarbejdsflader og koordinering i sagsforløbet"),
    6515: (3, "Grænser mellem det socialfaglige og det lægefaglige"),
    6752: (3, "Samarbejde med jobkonsulenter og andre afklaringsaktører"),
    6988: (3, "Ukoordinerede indsatser skaber problemer"),
    7217: (2, "8.2.4 Sammenfatning"),
    7315: (1, "9 Komparativ analyse af Silkeborg og Herning"),
    7351: (3, "Formel organisation"),
    7520: (3, "Borger og kontekst"),
    7622: (3, "Objektivitet og indsats"),
    7734: (3, "Alternativer til førtidspension"),
    7817: (2, "9.1 Sammenfatning"),
    7889: (1, "10 Bud på alternativer til førtidspension"),
    7911: (2, "10.1 Blik for alternativer"),
    8102: (1, "11 Konklusion"),
    8134: (2, "11.1 Fem veje"),
    8172: (2, "11.2 Indsats og timing"),
    8286: (2, "11.3 Organisering"),
    8348: (2, "11.4 Et samspil mellem mange parter"),
}
#: (first, last) source lines of the parts turned into statements; the English summary follows
FP12_PARTS = ((60, 803), (4544, 8426))
FP12_SUMMARY_END = 803
_FP12_ROLE = re.compile(
    r"(Kontanthjælpsmedarbejdere?|Sygedagpengemedarbejdere?|Jobkonsulent(?:er)?(?: \(\d\))?"
    r"|Lægekonsulent(?:er)?|Praktiserende læger?|Teamleder, kontanthjælp"
    r"|Fagkonsulent, Kontanthjælp|Uddrag af speciallægeerklæring)"
)
#: quote starts the walk-back heuristic gets wrong: role line -> first line of the quote
FP12_QUOTE_START_OVERRIDES = {6807: 6799}
#: side boxes ("Case: ...") run from their title to the next heading
_FP12_CASE = re.compile(r"Case: \w+")
_FP12_CAPTION = re.compile(r"(Figur|Tabel|Indexplot) \d+\.\d+|Kilde: ")
#: a caption's title starts with a capital; "Figur 11.3 illustrerer, ..." is body text (the
#: corpus of all sentences uses this; the older corpora keep the looser rule above)
_FP12_STRICT_CAPTION = re.compile(r"(Figur|Tabel|Indexplot) \d+\.\d+\s+[A-ZÆØÅ]|Kilde: ")
_FP12_FOOTNOTE_RULE = re.compile(r" {20,}")

#: explicit causal and recommending language (see corpora/README.md)
FP12_SOLUTION_MARKERS = re.compile(
    r"\b(bør|burde|anbefal\w*|efterlys\w*|(?:er|være|opstår) (?:et )?(?:stort |særligt )?behov for|forslag\w*|alternativ(?:er|et|erne)? til "
    r"førtidspension|løsning\w*|forebygge\w*|tidlig(?:ere)? indsats|forbedringsmulighed\w*"
    r"|plads til udvikling|kunne hjælpe|vil kunne hjælpe|ville kunne hjælpe)\b",
    re.IGNORECASE,
)
FP12_CAUSE_MARKERS = re.compile(
    r"\b(årsag\w*|skyldes|skyldtes|barriere\w*|medvirkende til|medvirker til|fører til|førte til"
    r"|føre til|medfører|medførte|medføre|på grund af|pga\.|grundet|bunder i|risikofaktor\w*"
    r"|bevirker|resulterer i|er afgørende for|har afgørende betydning for|trækker \w+ ud)",
    re.IGNORECASE,
)


#: headings only the corpus of all sentences uses: the foreword, chapters 1–7 and one theme
#: heading of 8.2.2 that FP12_HEADINGS lacks (the statements glue it to the next sentence);
#: level as in FP12_HEADINGS; a title that wraps onto the next line is given whole
FP12_MORE_HEADINGS: dict[int, tuple[int, str]] = {
    1: (1, "Forord"),
    804: (1, "1 Formål og baggrund"),
    924: (2, "1.1 Forskningsspørgsmål"),
    942: (1, "2 Fremgangsmåde"),
    944: (2, "2.1 Forskning og praksis"),
    1113: (2, "2.2 Casevalg"),
    1197: (2, "2.3 Mixed methods"),
    1268: (1, "3 Viden og forskning om førtidspension og vejen dertil"),
    1286: (2, "3.1 Kommunernes praksis"),
    1401: (2, "3.2 Borgerkarakteristika"),
    1557: (2, "3.3 Arbejdsmarkedsforhold"),
    1614: (2, "3.4 Internationale tendenser"),
    1689: (2, "3.5 Sammenfatning"),
    1750: (1, "4 Metode og datamateriale"),
    1760: (2, "4.1 Det kvantitative datamateriale"),
    1798: (2, "4.1.1 Sekvensanalyser som empirisk metode"),
    1980: (2, "4.1.2 Målgruppen"),
    2054: (2, "4.1.3 Baggrundskarakteristika"),
    2072: (3, "Demografiske forhold"),
    2080: (3, "Uddannelse og arbejdsmarkedstilknytning"),
    2100: (3, "Medicinforbrug og forældrebaggrund"),
    2124: (2, "4.2 Det kvalitative datamateriale"),
    2195: (1, "5 Kommunernes tilkendelsespraksis"),
    2209: (2, "5.1 Kommunernes praksis vedrørende ansøgning, tilkendelse og afslag"),
    2628: (
        1,
        "6 Beskrivende analyse af målgruppen og de foranstaltninger, som kommunerne iværksætter",
    ),
    2645: (2, "6.1 Målgruppens karakteristika"),
    2661: (2, "6.1.1 Demografi"),
    2721: (2, "6.1.2 Højeste fuldførte uddannelse"),
    2787: (2, "6.1.3 Arbejdsmarkedstilknytning"),
    2930: (2, "6.1.4 Medicinforbrug"),
    3045: (2, "6.1.5 Førtidspension i forældregruppen"),
    3158: (2, "6.2 Kommunernes brug af foranstaltninger over for målgruppen"),
    3186: (2, "6.2.1 Foranstaltningstyper og hyppighed"),
    3370: (1, "7 Afrapportering af sekvensanalyser"),
    3428: (2, "7.1 Typiske forløb"),
    3520: (2, "7.2 Karakteristik af de fem typiske forløb"),
    3540: (2, "7.2.1 Den kortvarige kontanthjælpsmodtager"),
    3680: (2, "7.2.2 Den langvarige kontanthjælpsmodtager"),
    3834: (2, "7.2.3 Pendleren"),
    4001: (2, "7.2.4 Lønmodtageren, der blev syg"),
    4145: (2, "7.2.5 Den fleksjobvisiterede"),
    4291: (2, "7.3 Det aktive og det passive foranstaltningsforløb – også et spørgsmål om timing"),
    4441: (2, "7.4 Opsummering af sekvensanalysen"),
    6465: (
        3,
        "Førtidspension giver den ro og stabilitet, der er nødvendig for at undgå førtidspension",
    ),
}
#: source lines of the corpus of all sentences: foreword to the end of chapter 11 (the English
#: summary, the two appendices of tables and the back cover follow)
FP12_ALL_PARTS = ((1, 8426),)
#: a table note ("Anm:") runs to a blank-but-spaced line, a page start or a numbered heading
_FP12_NOTE = re.compile(r"Anm\.?:")
_FP12_NUMBERED_HEADING = re.compile(r"\d+(?:\.\d+)* [A-ZÆØÅ]")
#: a table row ends in three or more cells that are numbers or empty-cell marks
#: ("Alle N 545 289 253", "57,1% 48,1% 49,8%", "Andet 1,7 1,9 - .")
_FP12_TABLE_ROW = re.compile(r"(?:\s[\d.,%*–-]+){3,}\s*$")
#: lines where the extraction lost text (a figure or page break cut a sentence): the text is
#: split there, so the sentences on either side are incomplete and dropped
FP12_TEXT_GAPS: dict[int, str] = {
    880: "mæssige – kan tænkes",  # after "... den afgjorte forsørgelses-" (878)
    1261: "lyser, sekvensanalyserne",  # after "... de kvalitative analy-" (1258)
}
_FP12_LINE_END = re.compile(r"[.?!:;][”’\")]*$")
_FP12_SENTENCE_END = re.compile(r"[.?!][”’\")]*$")
#: body lines are justified to about 90–100 characters; a shorter line that does not end a
#: sentence is a heading, a figure label or a table cell
FP12_MIN_BODY_LINE = 60


def expect_heading(lines: list[str], number: int, title: str) -> int:
    """Assert that heading ``title`` starts on source line ``number``; return its last line.

    A title may wrap onto the next one or two non-blank lines (joined as body text is).
    """
    parts: list[str] = []
    i = number - 1
    while len(parts) < 3 and i < len(lines):
        if lines[i].strip():
            parts.append(clean_line(lines[i]))
            if join_lines(parts) == title:
                return i + 1
        i += 1
    raise ValueError(f"seed line {number}: expected heading {title!r}, found {parts!r}")


def _fp12_note_mask(lines: list[str]) -> list[bool]:
    """True for the lines of table notes ("Anm: ..."), which read like prose but are apparatus."""
    mask = [False] * len(lines)
    i = 0
    while i < len(lines):
        if _FP12_NOTE.match(strip_debris(lines[i])):
            mask[i] = True
            i += 1
            while i < len(lines) and not (
                is_page_start(lines[i])
                or (lines[i] and not lines[i].strip())
                or _FP12_NUMBERED_HEADING.match(strip_debris(lines[i]))
            ):
                mask[i] = True
                i += 1
            continue
        i += 1
    return mask


def _fp12_is_debris(text: str) -> bool:
    """True for a cleaned line that is not body text: a table row, or a short unfinished line.

    >>> _fp12_is_debris("Alle N 545 289 253 466 1.553"), _fp12_is_debris("Dagpenge 0,4 0,3")
    (True, True)
    >>> _fp12_is_debris("mæssige forhold.")
    False
    """
    if _FP12_TABLE_ROW.search(text):
        return True
    return len(text) < FP12_MIN_BODY_LINE and not _FP12_LINE_END.search(text)


def fp12_is_clean_sentence(sentence: str) -> bool:
    """True for a complete sentence: >= 4 words, opening with a capital, digit, quote or
    parenthesis, ending in ``.``, ``?`` or ``!``, and holding no table row or note.

    >>> fp12_is_clean_sentence("Det er en pointe i sig selv.")
    True
    >>> [fp12_is_clean_sentence(s) for s in ("Sådan gik det.", "og de fire kommuner.", "Kilde: AKF")]
    [False, False, False]
    """
    return (
        len(sentence.split()) >= 4
        and (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in '”“"(')
        and _FP12_SENTENCE_END.search(sentence) is not None
        and not _FP12_TABLE_ROW.search(sentence)
        and not re.match(r"(Kilde|Anm\.?):", sentence)
    )


def _fp12_skip_mask(lines: list[str], caption: re.Pattern = _FP12_CAPTION) -> list[bool]:
    """True for lines that are not body text: page numbers, footnote blocks, case boxes, captions."""
    skip = [False] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_page_number(line):
            skip[i] = True
        elif _FP12_FOOTNOTE_RULE.fullmatch(line):
            # footnote block: from the rule line to the start of the next page
            j = i
            while j < len(lines) and (j == i or not is_page_start(lines[j])):
                skip[j] = True
                j += 1
            i = j
            continue
        elif _FP12_CASE.fullmatch(strip_debris(line)):
            j = i
            while j < len(lines) and (j + 1) not in FP12_HEADINGS:
                skip[j] = True
                j += 1
            i = j
            continue
        elif caption.match(strip_debris(line)):
            skip[i] = True
        i += 1
    return skip


def _fp12_quotes(lines: list[str], skip: list[bool]) -> list[tuple[int, int, str]]:
    """Block quotes as (first_line, role_line, role) with 1-based numbers.

    A block quote ends right above its role line. Walking upwards, a line belongs to the quote if
    it is directly above the next quote line (quotes are set with tighter spacing than the
    double-spaced body) or does not end a sentence; the walk stops at the body line that ends the
    paragraph before the quote (usually ":" or "."), at a role line, or at a heading.
    """

    def blank(i: int) -> bool:
        return not lines[i].strip() or skip[i]

    found = []
    lo, hi = FP12_PARTS[1]
    for r in range(lo - 1, hi):
        s = strip_debris(lines[r])
        if not _FP12_ROLE.fullmatch(s) or blank(r - 1) and blank(r - 2):
            continue
        p = r - 1
        while blank(p):
            p -= 1
        while True:
            q = p - 1
            while blank(q):
                q -= 1
            gap = p - q
            if is_page_start(lines[p]):
                gap = max(gap, 2)
            prev = lines[q].rstrip()
            if _FP12_ROLE.fullmatch(prev.strip()) or (q + 1) in FP12_HEADINGS:
                break
            ends = re.search(r"[.:;?!)]\s*$", prev) and not re.search(r"(\(…\)|…)\s*$", prev)
            if gap == 1 or not ends:
                p = q
                continue
            break
        start = FP12_QUOTE_START_OVERRIDES.get(r + 1, p + 1)
        found.append((start, r + 1, s))
    return found


def _fp12_context(line: int, headings: dict[int, tuple[int, str]] = FP12_HEADINGS) -> dict:
    """Chapter, section and theme heading in force at source ``line``."""
    chapter = section = theme = ""
    for at in sorted(headings):
        if at > line:
            break
        level, title = headings[at]
        if level == 1:
            chapter, section, theme = title, "", title
        elif level == 2:
            section, theme = title, re.sub(r"^[\d.]+ ", "", title)
        else:
            theme = title
    return {"chapter": chapter, "section": section, "theme": theme}


def fp12_kind(sentence: str) -> str:
    """``solution``, ``cause`` or ``""`` by explicit marker words (solution markers win).

    >>> fp12_kind("Kommunerne bør samarbejde."), fp12_kind("Det skyldes ventetider."), fp12_kind("Ja.")
    ('solution', 'cause', '')
    """
    if FP12_SOLUTION_MARKERS.search(sentence):
        return "solution"
    if FP12_CAUSE_MARKERS.search(sentence):
        return "cause"
    return ""


def _fp12_sentences(
    lines: list[str],
    parts: Iterable[tuple[int, int]],
    breaks: set[int],
    skip: list[bool],
    in_quote: list[bool],
    is_debris: Callable[[str], bool] | None = None,
    gaps: frozenset[int] | set[int] = frozenset(),
) -> list[tuple[int, str]]:
    """``(first_line, sentence)`` of the body text in ``parts``, split into sentences.

    Text is joined per block; a block ends at a line in ``breaks`` (headings), at a block quote,
    at a bullet (which starts a new block) and, if ``is_debris`` is given, at a line for which
    ``is_debris(text)`` is true (the line itself is dropped), and before a line in ``gaps``.
    Lines in ``skip`` are ignored.
    """
    sentences: list[tuple[int, str]] = []

    def flush(block: list[tuple[int, str]]) -> None:
        if not block:
            return
        text, anchors = join_lines_with_offsets(block)
        for a, b in split_sentences(text):
            sentence = text[a:b].strip()
            if len(sentence) < 3:
                continue
            sentences.append((line_at(anchors, a), sentence))

    for lo, hi in parts:
        block: list[tuple[int, str]] = []
        for i in range(lo - 1, hi):
            number = i + 1
            if number in breaks or in_quote[i]:  # a block quote ends the paragraph before it
                flush(block)
                block = []
                continue
            if skip[i] or not lines[i].strip():
                continue
            text = clean_line(lines[i])
            if number in gaps:
                flush(block)
                block = []
            if is_debris is not None and is_debris(text):
                flush(block)
                block = []
                continue
            if lines[i].lstrip().startswith("\uf0a7"):  # a bullet starts a new segment
                flush(block)
                block = []
            block.append((number, text))
        flush(block)
    return sentences


def _fp12_statement_rows(
    sentences: list[tuple[int, str]], headings: dict[int, tuple[int, str]], prefix: str
) -> list[dict]:
    """One row per distinct sentence; verbatim repeats go to ``duplicate_lines``.

    Sentences are compared up to commas, dashes and white space (the summary re-punctuates a
    few). The occurrence kept is the first one, except that a chapter occurrence wins over one
    in the summary (or foreword).
    """

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"[,;–-]", " ", s)).strip().casefold()

    first_by_text: dict[str, int] = {}
    for idx, (line, sentence) in enumerate(sentences):
        key = norm(sentence)
        if key not in first_by_text or (
            sentences[first_by_text[key]][0] <= FP12_SUMMARY_END < line
        ):
            first_by_text[key] = idx
    others: dict[int, list[int]] = {}
    for idx, (line, sentence) in enumerate(sentences):
        keep = first_by_text[norm(sentence)]
        if keep != idx:
            others.setdefault(keep, []).append(line)
    rows = []
    for idx, (line, sentence) in enumerate(sentences):
        if first_by_text[norm(sentence)] != idx:
            continue
        rows.append(
            {
                "id": f"{prefix}-{len(rows) + 1:04d}",
                "text": sentence,
                "speaker": "rapport",
                "source": SEEDS["foertidspension"].source,
                "kind": fp12_kind(sentence),
                "line": line,
                "duplicate_lines": ";".join(str(x) for x in sorted(others.get(idx, []))),
                **_fp12_context(line, headings),
            }
        )
    return rows


def build_foertidspension(lines: list[str]) -> tuple[list[dict], list[dict], list[dict]]:
    """Block quotes, statements (summary and chapters 8–11) and all body sentences."""
    for at, (_, title) in FP12_HEADINGS.items():
        expect(lines, at, title)
    skip = _fp12_skip_mask(lines)
    quotes = _fp12_quotes(lines, skip)
    in_quote = [False] * len(lines)
    quote_rows = []
    for n, (start, role_line, role) in enumerate(quotes, 1):
        for i in range(start - 1, role_line):
            in_quote[i] = True
        parts = [
            clean_line(lines[i])
            for i in range(start - 1, role_line - 1)
            if lines[i].strip() and not skip[i]
        ]
        quote_rows.append(
            {
                "id": f"fp12-{n:03d}",
                "text": join_lines(parts),
                "speaker": role,
                "source": SEEDS["foertidspension"].source,
                "kind": "",
                "line": start,
                "end_line": max(i for i in range(start, role_line) if lines[i - 1].strip()),
                "role": re.sub(r" \(\d\)$", "", role),
                **_fp12_context(start),
            }
        )

    sentences = _fp12_sentences(lines, FP12_PARTS, set(FP12_HEADINGS), skip, in_quote)
    statement_rows = _fp12_statement_rows(sentences, FP12_HEADINGS, "fp12s")

    # every body sentence of the report (foreword, summary, chapters 1–11)
    headings = {**FP12_HEADINGS, **FP12_MORE_HEADINGS}
    breaks: set[int] = set()
    for at, (_, title) in FP12_MORE_HEADINGS.items():
        breaks.update(range(at, expect_heading(lines, at, title) + 1))
    breaks.update(FP12_HEADINGS)
    for at, start in FP12_TEXT_GAPS.items():
        if not strip_debris(lines[at - 1]).startswith(start):
            raise ValueError(f"seed line {at}: expected it to start with {start!r}")
    all_skip = [
        a or b
        for a, b in zip(
            _fp12_skip_mask(lines, _FP12_STRICT_CAPTION), _fp12_note_mask(lines), strict=True
        )
    ]
    every = _fp12_sentences(
        lines, FP12_ALL_PARTS, breaks, all_skip, in_quote, _fp12_is_debris, set(FP12_TEXT_GAPS)
    )
    every = [(line, s) for line, s in every if fp12_is_clean_sentence(s)]
    sentence_rows = _fp12_statement_rows(every, headings, "fp12r")
    return quote_rows, statement_rows, sentence_rows


FP12_QUOTE_COLUMNS = [
    "id",
    "text",
    "speaker",
    "source",
    "theme",
    "kind",
    "line",
    "end_line",
    "role",
    "chapter",
    "section",
]
FP12_STATEMENT_COLUMNS = [
    "id",
    "text",
    "speaker",
    "source",
    "theme",
    "kind",
    "line",
    "chapter",
    "section",
    "duplicate_lines",
]

#: the typology: (typology, name, definition lines, size, size line)
FP12_TYPOLOGY = (
    ("forløbstype", "Den kortvarige kontanthjælpsmodtager", (313, 327), "154", 3507),
    ("forløbstype", "Den langvarige kontanthjælpsmodtager", (290, 299), "334", 3509),
    ("forløbstype", "Pendleren", (329, 337), "162", 3511),
    ("forløbstype", "Lønmodtageren, der blev syg", (301, 311), "801", 3513),
    ("forløbstype", "Den fleksjobvisiterede", (339, 347), "102", 3515),
    ("borgertype", "Unge med psykiske lidelser", (195, 213), "", None),
    ("borgertype", "Personer på langvarig kontanthjælp", (215, 230), "", None),
    ("borgertype", "Pendlere og overleverede", (232, 242), "", None),
    ("borgertype", "Midaldrende med diffuse lidelser, stress og depression", (244, 256), "", None),
)
FP12_TYPOLOGY_COLUMNS = [
    "id",
    "typology",
    "name",
    "definition",
    "size",
    "size_line",
    "line",
    "end_line",
    "method",
    "source",
]


def build_typology(lines: list[str]) -> list[dict]:
    """The five trajectory types (sequence analysis) and four citizen types (focus groups).

    Definitions are the summary's paragraph on each type (``line``..``end_line``); sizes are the
    number of individuals in table 7.2 (``size_line``); the citizen types are qualitative and
    have no size.
    """
    rows = []
    for n, (typology, name, (first, last), size, size_line) in enumerate(FP12_TYPOLOGY, 1):
        definition = clean_block(lines, first, last)
        if name.split(",")[0].casefold() not in definition.casefold():
            raise ValueError(f"definition of {name!r} (lines {first}-{last}) does not name it")
        if size_line is not None:
            table_row = strip_debris(lines[size_line - 1])
            if not (table_row.startswith(name) and table_row.endswith(" " + size)):
                raise ValueError(f"table line {size_line} does not give {name} = {size}")
        rows.append(
            {
                "id": f"fp12t-{n:02d}",
                "typology": typology,
                "name": name,
                "definition": definition,
                "size": size,
                "size_line": "" if size_line is None else str(size_line),
                "line": first,
                "end_line": last,
                "method": "sekvensanalyse af forsørgelsesgrundlag (registre)"
                if typology == "forløbstype"
                else "fokusgruppeinterview med fagpersoner",
                "source": SEEDS["foertidspension"].source,
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def build_all(
    seeds: Path, out: Path, *, allow_changed_seeds: bool = False, napire: Path | None = None
) -> dict[str, int]:
    """Write every corpus CSV into ``out``; return row counts by file stem.

    ``napire``: the NaPiRE 2018 data folder (``build_napire.py``); ``None`` leaves that corpus out.
    """
    paths = {key: find_seed(seeds, key) for key in SEEDS}
    for key, path in paths.items():
        want = SEEDS[key].sha256
        got = sha256_of(path)
        if want and got != want and not allow_changed_seeds:
            raise ValueError(f"{path.name}: sha256 {got} differs from the expected {want}")
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    counts["faellesskab_2025"] = write_csv(
        out / "faellesskab_2025.csv",
        FS25_COLUMNS,
        build_faellesskab(read_lines(paths["faellesskab"])),
    )
    counts["digital_velfaerd_2026"] = write_csv(
        out / "digital_velfaerd_2026.csv", DV26_COLUMNS, build_digital(read_lines(paths["digital"]))
    )
    fp_lines = read_lines(paths["foertidspension"])
    quotes, statements, sentences = build_foertidspension(fp_lines)
    counts["foertidspension_2012"] = write_csv(
        out / "foertidspension_2012.csv", FP12_QUOTE_COLUMNS, quotes
    )
    counts["foertidspension_2012_statements"] = write_csv(
        out / "foertidspension_2012_statements.csv", FP12_STATEMENT_COLUMNS, statements
    )
    counts["foertidspension_2012_sentences"] = write_csv(
        out / "foertidspension_2012_sentences.csv", FP12_STATEMENT_COLUMNS, sentences
    )
    counts["foertidspension_2012_typology"] = write_csv(
        out / "foertidspension_2012_typology.csv",
        FP12_TYPOLOGY_COLUMNS,
        build_typology(fp_lines),
    )
    if napire is not None:
        counts["napire_2018"] = write_csv(
            out / "napire_2018.csv", NAPIRE_COLUMNS, build_napire(napire)
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=here.parent.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path, default=here)
    parser.add_argument("--allow-changed-seeds", action="store_true")
    parser.add_argument(
        "--napire",
        type=Path,
        default=here.parent.parent / "shared" / "data" / "napire2018",
        help="NaPiRE 2018 data folder ('' to leave napire_2018 out)",
    )
    args = parser.parse_args(argv)
    napire = args.napire if str(args.napire) not in ("", ".") else None
    counts = build_all(
        args.seeds, args.out, allow_changed_seeds=args.allow_changed_seeds, napire=napire
    )
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
