"""Tests for the bundled corpora: counts, clean text, traceability, reproducible build, loader."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from corpora import clean
from wildproblems import corpora

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed reports not found at {SEEDS}")

#: the Danish corpora built from the seed reports (napire_2018: tests/test_napire_corpus.py)
DANISH = [
    "digital_velfaerd_2026",
    "faellesskab_2025",
    "foertidspension_2012",
    "foertidspension_2012_sentences",
    "foertidspension_2012_statements",
    "foertidspension_2012_typology",
    "kinds_eval_da",
]
NAMES = sorted([*DANISH, "napire_2018"])
SEED_OF = {
    "faellesskab_2025": "000_",
    "digital_velfaerd_2026": "003_",
    "foertidspension_2012": "001_",
    "foertidspension_2012_sentences": "001_",
    "foertidspension_2012_statements": "001_",
    "foertidspension_2012_typology": "001_",
    "kinds_eval_da": "001_",
}
FS25_THEME_COUNTS = {
    "Helbred": 5,
    "Arbejdsmarked": 4,
    "Familie og venner": 4,
    "Lokale fællesskaber og foreninger": 4,
    "Ensomhed": 4,
    "Erfaringer med velfærdssystemet": 4,
    "Tillid": 4,
}
#: every clean body sentence of the AKF report, by chapter (see corpora/README.md)
FP12_SENTENCES_BY_CHAPTER = {
    "Forord": 12,
    "Sammenfatning": 139,
    "1 Formål og baggrund": 26,
    "2 Fremgangsmåde": 65,
    "3 Viden og forskning om førtidspension og vejen dertil": 81,
    "4 Metode og datamateriale": 83,
    "5 Kommunernes tilkendelsespraksis": 50,
    "6 Beskrivende analyse af målgruppen og de foranstaltninger, som kommunerne iværksætter": 96,
    "7 Afrapportering af sekvensanalyser": 214,
    "8 Kvalitativ analyse": 370,
    "9 Komparativ analyse af Silkeborg og Herning": 84,
    "10 Bud på alternativer til førtidspension": 51,
    "11 Konklusion": 69,
}
FP12_SENTENCES = 1340
#: block quotes of the AKF report: 48 caseworker/doctor/consultant quotes + 1 excerpt of a
#: specialist statement ("Uddrag af speciallægeerklæring"), each followed by its role line
FP12_BLOCK_QUOTES = 49

# a hyphen glued to a word, then a space and a lower-case word that is not a conjunction
# (a suspended hyphen such as "sundheds- og" is legitimate)
BROKEN_HYPHEN = re.compile(r"\w- (?!(?:og|eller|samt|til|som|men|end)\b)[a-zæøå]")
# a footnote digit glued to a lower-case letter ("år1"); no exceptions occur in the corpora
GLUED_DIGIT = re.compile(r"[a-zæøå]\d")
STANDALONE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("text", "definition", "theme", "speaker") if c in frame.columns]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: corpora.load(name) for name in corpora.list()}


# ------------------------------------------------------------------------------------ loader


def test_list_names_every_csv():
    assert corpora.list() == NAMES
    assert corpora.list() == sorted(corpora.list())


def test_load_types_and_columns(frames):
    for name, frame in frames.items():
        assert frame["line"].dtype.kind == "i", name
        assert frame["id"].is_unique, name
        assert not frame.isna().any().any(), name
        if name.endswith("_typology"):
            assert {"id", "typology", "name", "definition", "size", "line"} <= set(frame.columns)
        else:
            required = {"id", "text", "speaker", "source", "theme", "kind", "line"}
            assert required <= set(frame.columns), name
            kinds = {"cause", "effect"} if name == "napire_2018" else {"", "cause", "solution"}
            assert set(frame["kind"]) <= kinds, name
            assert (frame["text"].str.len() > 0).all(), name


def test_load_unknown_name_lists_available():
    with pytest.raises(ValueError, match="faellesskab_2025"):
        corpora.load("no_such_corpus")


def test_info():
    summary = corpora.info("faellesskab_2025")
    assert summary["rows"] == 32
    assert summary["themes"]["Helbred"] == 5
    assert summary["kinds"] == {"": 32}


# ------------------------------------------------------------------------------------ counts


def test_faellesskab_counts(frames):
    df = frames["faellesskab_2025"]
    themed = df[df["theme"] != ""]
    assert themed.groupby("theme").size().to_dict() == FS25_THEME_COUNTS
    assert (themed["type"] == "quote").all()
    portraits = df[df["theme"] == ""]
    assert portraits["type"].tolist() == ["portrait"] * 3
    assert sorted(portraits["speaker"]) == ["Lisbeth", "Mads", "Sofie"]
    assert len(df) == 29 + 3


def test_faellesskab_lone_family_counsellor_by_page(frames):
    df = frames["faellesskab_2025"]
    lone = df[(df["speaker"] == "Lone") & df["text"].str.contains("Familievejledere")]
    assert len(lone) == 1
    assert lone["theme"].item() == "Erfaringer med velfærdssystemet"


def test_faellesskab_speakers_have_age_and_gender(frames):
    df = frames["faellesskab_2025"]
    assert df["age"].str.fullmatch(r"\d0’erne").all()
    assert set(df["gender"]) == {"mand", "kvinde"}


def test_digital_velfaerd_counts(frames):
    df = frames["digital_velfaerd_2026"]
    quotes = df[df["type"] == "quote"]
    assert len(quotes) == 13
    assert (quotes["age"].str.fullmatch(r"\d+")).all()
    assert quotes["chapter"].str.startswith("Kapitel ").all()
    findings = df[df["type"] == "finding"]
    assert len(findings) == 9
    assert findings.groupby("chapter").size().tolist() == [3, 3, 3]
    assert quotes["theme"].isin(set(findings["theme"])).all()
    assert (quotes["kind"] == "").all()
    kinds = df[df["type"] != "quote"]["kind"].value_counts().to_dict()
    assert kinds == {"cause": 13, "solution": 2, "": 2}


def test_foertidspension_block_quotes(frames):
    df = frames["foertidspension_2012"]
    assert len(df) == FP12_BLOCK_QUOTES
    assert (df["role"] != "").all() and (df["theme"] != "").all()
    assert df["chapter"].str.match(r"(8|9|10) ").all()
    assert (df["chapter"] == "8 Kvalitativ analyse").sum() == 46


def test_foertidspension_statements(frames):
    df = frames["foertidspension_2012_statements"]
    assert set(df["chapter"]) == {
        "Sammenfatning",
        "8 Kvalitativ analyse",
        "9 Komparativ analyse af Silkeborg og Herning",
        "10 Bud på alternativer til førtidspension",
        "11 Konklusion",
    }
    assert (df["speaker"] == "rapport").all()
    # verbatim duplicates are not repeated: each sentence occurs once, the repeats are noted
    norm = df["text"].str.replace(r"[,;–\-\s]+", " ", regex=True).str.strip().str.casefold()
    assert norm.is_unique
    assert (df["duplicate_lines"] != "").sum() >= 10
    assert {"cause", "solution"} <= set(df["kind"])
    # block quotes are not repeated as statements
    quotes = frames["foertidspension_2012"]["text"].str[:40]
    assert not df["text"].str[:40].isin(set(quotes)).any()


def _norm(texts: pd.Series) -> pd.Series:
    return texts.str.replace(r"[,;–\-\s]+", " ", regex=True).str.strip().str.casefold()


def test_foertidspension_sentences_counts(frames):
    df = frames["foertidspension_2012_sentences"]
    assert len(df) == FP12_SENTENCES == sum(FP12_SENTENCES_BY_CHAPTER.values())
    assert df.groupby("chapter").size().to_dict() == FP12_SENTENCES_BY_CHAPTER
    # rows are in source order, ids numbered in that order
    assert df["line"].is_monotonic_increasing
    assert df["id"].tolist() == [f"fp12r-{n:04d}" for n in range(1, len(df) + 1)]
    assert (df["speaker"] == "rapport").all()
    assert (df["theme"] != "").all()
    assert df["line"].between(1, 8426).all()  # nothing from the English summary or appendices
    # a section belongs to its chapter ("7.2.3 Pendleren" in "7 Afrapportering ...")
    numbered = df[df["section"] != ""]
    assert len(numbered) > 1000
    chapter_no = numbered["chapter"].str.split(" ").str[0]
    assert (numbered["section"].str.split(".").str[0] == chapter_no).all()


def test_foertidspension_sentences_are_clean_sentences(frames):
    df = frames["foertidspension_2012_sentences"]
    words = df["text"].str.split().str.len()
    assert (words >= 4).all()
    assert df["text"].str.contains(r"[.?!][”’\")]*$").all()
    assert df["text"].str.match(r"[A-ZÆØÅ0-9”“\"(]").all()
    # no table rows (three numbers or empty-cell marks in a row), notes, captions or English
    assert not df["text"].str.contains(r"(?:\s[\d.,%*–-]+){3,}\s*$").any()
    assert (
        not df["text"]
        .str.match(r"(Kilde|Anm\.?|Tabel \d+\.\d+ [A-ZÆØÅ]|Figur \d+\.\d+ [A-Z])")
        .any()
    )
    assert not df["text"].str.contains(r"\b(?:the|and|of|which)\b").any()
    # verbatim duplicates kept once, the repeats noted
    assert _norm(df["text"]).is_unique
    assert (df["duplicate_lines"] != "").sum() == 30
    # block quotes and case boxes are not report text
    quotes = frames["foertidspension_2012"]["text"].str[:40]
    assert not df["text"].str[:40].isin(set(quotes)).any()
    assert not df["text"].str.contains("Lærke|Torben").any()


def test_foertidspension_sentences_cover_the_statements(frames):
    df = frames["foertidspension_2012_sentences"]
    statements = frames["foertidspension_2012_statements"]
    complete = statements[statements["text"].str.contains(r"[.?!][”’\")]*$")]
    covered = _norm(complete["text"]).isin(set(_norm(df["text"])))
    assert covered.mean() > 0.98, complete.loc[~covered, "text"].tolist()
    # same lexical kind rules as the statements
    from corpora.reports.foertidspension_2012 import fp12_kind

    assert (df["kind"] == df["text"].map(fp12_kind)).all()
    assert {"cause", "solution"} <= set(df["kind"])


def test_fp12_sentence_rules():
    from corpora.reports.foertidspension_2012 import _fp12_is_debris, fp12_is_clean_sentence

    assert _fp12_is_debris("Alle N 545 289 253 466 1.553")
    assert _fp12_is_debris("Andet 1,7 1,9 - .")
    assert _fp12_is_debris("Demografiske forhold")
    assert not _fp12_is_debris("mæssige forhold.")
    assert not _fp12_is_debris(
        "(Ankestyrelsen 2009b, 2011; Bengtsson 2002, 2008a; Hansen, Hjelmar & Jørgensen 2009,"
    )
    assert fp12_is_clean_sentence("Fire midtjyske kommuner medvirker i undersøgelsen.")
    assert fp12_is_clean_sentence("”Kontrolposter” findes i alle fire kommuner.")
    for bad in (
        "Sådan gik det.",
        "lyser, sekvensanalyserne og de kvalitative analyser.",
        "Teoretisk set kan processen opdeles i tre faser, jf. figur 1.1:",
        "Intensiv jobsøgning 1,7 . - .",
        "Kilde: AKF’s registre og Ankestyrelsens tilkendelsesregister.",
    ):
        assert not fp12_is_clean_sentence(bad), bad


def test_foertidspension_typology(frames):
    df = frames["foertidspension_2012_typology"]
    assert df.groupby("typology").size().to_dict() == {"borgertype": 4, "forløbstype": 5}
    sizes = df.loc[df["typology"] == "forløbstype", "size"].astype(int)
    assert sizes.sum() == 1553  # the report's 1.553 trajectories
    assert (df.loc[df["typology"] == "borgertype", "size"] == "").all()


# -------------------------------------------------------------------------------- clean text


@pytest.mark.parametrize("name", DANISH)
def test_no_pdf_debris(frames, name):
    frame = frames[name]
    for column in text_columns(frame):
        for value in frame[column]:
            assert "\n" not in value and "-\n" not in value
            assert not BROKEN_HYPHEN.search(value), value
            assert not GLUED_DIGIT.search(value), value
            assert not STANDALONE_NUMBER.match(value), value
            assert "\uf0a7" not in value and "\ufffd" not in value and "Ã" not in value
            assert value == value.strip() and "  " not in value


def test_danish_letters_and_editorial_marks_survive(frames):
    joined = " ".join(" ".join(f["text"]) for n, f in frames.items() if "text" in f)
    for letter in "æøåØÅ":
        assert letter in joined
    assert "(…)" in joined and "[…]" in joined and "[...]" in joined
    assert "CPR-numre" in joined and "ikke-aktiverbare" in joined and "a-kasse" in joined
    assert "børnefamiliesagsbehandler" in joined  # "børne-\nfamiliesagsbehandler" joined


# ----------------------------------------------------------------------------- clean.py units


def test_join_hyphenated_rules():
    j = clean.join_hyphenated
    assert j("interview-", "personer") == "interviewpersoner"
    assert j("Faaborg-", "Midtfyn") == "Faaborg-Midtfyn"
    assert j("COVID-", "19") == "COVID-19"
    assert j("sundheds-", "og socialområdet") == "sundheds- og socialområdet"
    assert j("arbejds-", "eller fritidsliv") == "arbejds- eller fritidsliv"
    assert j("ikke-", "vestlige") == "ikke-vestlige"
    assert j("EU-", "borgere") == "EU-borgere"
    assert j("en a-", "kasse") == "en a-kasse"
    assert j("forskning-praksis-", "samarbejde") == "forskning-praksis-samarbejde"
    assert j("et svar –", "ikke mere") == "et svar – ikke mere"
    assert j("slut.", "Ny") == "slut. Ny"


def test_footnote_marks():
    f = clean.remove_footnote_marks
    assert f("det seneste år1 og") == "det seneste år og"
    assert f("klar hertil1. I") == "klar hertil. I"
    assert f("Medicinforbrug11") == "Medicinforbrug"
    for keep in ("i 2012", "COVID-19", "40’erne", "1.553 individer", "MitID", "90'er barn"):
        assert f(keep) == keep


def test_page_helpers_and_bullets():
    assert clean.is_page_start(" Helbred") and not clean.is_page_start("Helbred")
    assert not clean.is_page_start("   ")
    assert clean.is_page_number("74 ") and not clean.is_page_number("2012")
    assert clean.strip_debris("\uf0a7 Dagpenge") == "Dagpenge"
    assert clean.strip_debris("”\ufffdJeg") == "”Jeg"
    assert clean.fix_zero_for_o("analyser 0g 0mrådet 0,5") == "analyser og området 0,5"
    assert clean.fix_zero_for_o("variati0n i 2010, COVID-19") == "variation i 2010, COVID-19"


def test_join_lines_with_offsets_traces_lines():
    text, anchors = clean.join_lines_with_offsets([(10, "Første sæt-"), (12, "ning. Anden")])
    assert text == "Første sætning. Anden"
    assert clean.line_at(anchors, 0) == 10
    assert clean.line_at(anchors, text.index("Anden")) == 12


def test_split_sentences():
    t = "Se fx. Herning og bl.a. Viborg. Der var 1.553 i 3. kvartal. Hvorfor? ”Fordi.” Slut"
    got = [t[a:b] for a, b in clean.split_sentences(t)]
    assert got == [
        "Se fx. Herning og bl.a. Viborg.",
        "Der var 1.553 i 3. kvartal.",
        "Hvorfor?",
        "”Fordi.”",
        "Slut",
    ]


# ------------------------------------------------------------------ traceability and rebuild


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9a-zæøåéü]", "", s.casefold())


@needs_seeds
@pytest.mark.parametrize("name", DANISH)
def test_every_row_traces_to_its_source_line(frames, name):
    seed = next(SEEDS.glob(SEED_OF[name] + "*.txt"))
    lines = seed.read_text(encoding="utf-8").split("\n")
    frame = frames[name]
    column = "definition" if "definition" in frame.columns else "text"
    for _, row in frame.iterrows():
        if "source_file" in frame.columns:  # rows from several seeds (kinds_eval_da)
            lines = (SEEDS / row["source_file"]).read_text(encoding="utf-8").split("\n")
        at = row["line"] - 1
        source_line = _alnum(clean.clean_line(lines[at]))
        following = next((x for x in lines[at + 1 :] if x.strip()), "")
        # the text starts on its line (its first word may run on to the next line)
        found = (source_line + _alnum(clean.clean_line(following))).find(_alnum(row[column])[:8])
        assert 0 <= found < len(source_line), (row["id"], row["line"])
        if "end_line" in frame.columns:
            last = _alnum(clean.clean_line(lines[row["end_line"] - 1]))
            assert last and _alnum(row[column]).endswith(last[-6:]), (row["id"], row["end_line"])


@needs_seeds
def test_build_is_reproducible(tmp_path):
    from corpora.build import build_all

    counts = build_all(SEEDS, tmp_path)
    built_by_build_py = [n for n in DANISH if n != "kinds_eval_da"]
    assert sorted(counts) == built_by_build_py
    for name in built_by_build_py:
        built = (tmp_path / f"{name}.csv").read_bytes()
        assert built == (CORPORA / f"{name}.csv").read_bytes(), name


@needs_seeds
def test_kinds_eval_build_is_reproducible(tmp_path):
    from corpora.build_kinds_eval import build

    out = tmp_path / "kinds_eval_da.csv"
    build(SEEDS).to_csv(out, index=False, lineterminator="\n")
    assert out.read_bytes() == (CORPORA / "kinds_eval_da.csv").read_bytes()
