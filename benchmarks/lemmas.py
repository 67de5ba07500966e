"""Lemma accuracy on the hand-checked fixture ``tests/data/lemmas_da.tsv``.

Each row of the fixture is a word form taken from the bundled corpora and its correct lemma as
the form is used there (checked by hand; Den Danske Ordbog's headwords). Printed per method:
correct / total and accuracy, and the errors of the library's lemmatiser.

* ``spaCy table``: the lookup table of ``spacy-lookups-data`` (the labeller before issue 13),
* ``lemmy first``: lemmy's first candidate without a part of speech,
* ``wildproblems``: :class:`wildproblems.lemma.Lemmatizer` on the bare form,
* ``wildproblems in context``: the lemma the labeller gives the form in most of its
  occurrences in the bundled corpora (the word before it is seen, as in ``tokenize``).

Usage::

    PYTHONPATH=. python benchmarks/lemmas.py
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "lemmas_da.tsv"


def load_fixture(path: Path = FIXTURE) -> list[tuple[str, str]]:
    """``(form, lemma)`` rows of the fixture."""
    with open(path, encoding="utf-8") as fh:
        return [(r["form"], r["lemma"]) for r in csv.DictReader(fh, delimiter="\t")]


def in_context_lemmas(forms: set[str]) -> dict[str, str]:
    """For each of ``forms``: the lemma ``tokenize`` gives it most often in the bundled corpora."""
    from wildproblems import corpora
    from wildproblems.label import tokenize

    seen: dict[str, Counter] = defaultdict(Counter)
    for name in corpora.list():
        df = corpora.load(name)
        if "text" not in df:
            continue
        for doc in tokenize(df["text"].astype(str).tolist(), "da"):
            for t in doc:
                if t.text in forms:
                    seen[t.text][t.lemma] += 1
    return {f: min(c.items(), key=lambda x: (-x[1], x[0]))[0] for f, c in seen.items()}


def main() -> None:
    import lemmy

    from wildproblems.label import lemma_table
    from wildproblems.lemma import Lemmatizer

    rows = load_fixture()
    table = lemma_table("da")
    lm = lemmy.load("da")
    ours = Lemmatizer("da")
    ctx = in_context_lemmas({f for f, _ in rows})
    methods = {
        "spaCy table": lambda f: table.get(f, f),
        "lemmy first": lambda f: lm.lemmatize("", f)[0],
        "wildproblems": ours,
        "wildproblems in context": lambda f: ctx.get(f, ours(f)),
    }
    print(f"{'method':<26} {'correct':>9} {'accuracy':>9}")
    for name, fn in methods.items():
        ok = sum(fn(f) == lemma for f, lemma in rows)
        print(f"{name:<26} {ok:>4}/{len(rows):<4} {100 * ok / len(rows):>8.1f}%")
    print("\nerrors of wildproblems in context (form: expected -> got):")
    for f, lemma in rows:
        got = ctx.get(f, ours(f))
        if got != lemma:
            print(f"  {f}: {lemma} -> {got}")


if __name__ == "__main__":
    main()
