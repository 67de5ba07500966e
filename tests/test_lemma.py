"""The Danish lemmatiser against the hand-checked fixture of word forms from the bundled corpora."""

import csv
from pathlib import Path

from wildproblems.label import tokenize
from wildproblems.lemma import Lemmatizer, is_inflection

FIXTURE = Path(__file__).parent / "data" / "lemmas_da.tsv"


def _rows() -> list[tuple[str, str]]:
    with open(FIXTURE, encoding="utf-8") as fh:
        return [(r["form"], r["lemma"]) for r in csv.DictReader(fh, delimiter="\t")]


def test_fixture_is_large_and_clean():
    rows = _rows()
    assert len(rows) >= 300
    assert len({f for f, _ in rows}) == len(rows)
    assert all(f == f.lower() and lemma == lemma.lower() and lemma for f, lemma in rows)


def test_accuracy_on_fixture_in_context_at_least_98_percent():
    """Each form's lemma as ``tokenize`` gives it in the bundled corpora (majority)."""
    from benchmarks.lemmas import in_context_lemmas

    rows = _rows()
    lem = Lemmatizer("da")
    ctx = in_context_lemmas({f for f, _ in rows})
    ok = sum(ctx.get(f, lem(f)) == lemma for f, lemma in rows)
    assert ok / len(rows) >= 0.98, f"{ok}/{len(rows)}"


def test_accuracy_on_bare_forms_at_least_97_percent():
    rows = _rows()
    lem = Lemmatizer("da")
    ok = sum(lem(f) == lemma for f, lemma in rows)
    assert ok / len(rows) >= 0.97, f"{ok}/{len(rows)}"


def test_common_words_are_not_turned_into_rarer_ones():
    lem = Lemmatizer("da")
    assert lem("borger") == "borger"
    assert lem("svært") == "svær"
    assert lem("sagsbehandler") == "sagsbehandler"
    assert lem("viden") == "viden"
    assert lem("lang") == "lang"


def test_context_reads_infinitive():
    lem = Lemmatizer("da")
    assert lem("føre", previous="at") == "føre"
    toks = tokenize(["det kan føre til at skabe ro"], "da")[0]
    assert {t.text: t.lemma for t in toks}["skabe"] == "skabe"


def test_is_inflection():
    assert is_inflection("borgere", "borger")
    assert is_inflection("nævnte", "nævne")
    assert not is_inflection("viden", "vide")
    assert not is_inflection("borger", "borger")
