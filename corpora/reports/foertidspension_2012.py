"""foertidspension_2012 (seed 001): AKF (2012), "Veje til førtidspension" (quotes, statements, sentences and the typology)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from corpora.clean import (
    clean_line,
    is_page_number,
    is_page_start,
    join_lines,
    join_lines_with_offsets,
    line_at,
    split_sentences,
    strip_debris,
)
from corpora.reports._common import COMMON_COLUMNS, SEEDS, clean_block, expect

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
    *COMMON_COLUMNS,
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
