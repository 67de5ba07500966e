"""Headline candidates ranked by meaning, the rules a headline must pass, and diverse keywords.

A cluster's candidates are the 1-4 word phrases of its own units that start and end with a
content word (no stop word at either end). Each is scored on three things, each turned into a
percentile rank among the cluster's candidates (1 = best) so that no scale dominates:

* ``meaning``: cosine between the phrase's embedding and the cluster's centre (the same embedder
  as the map, through the cached embedding path),
* ``contrast``: that cosine less the highest cosine to a sibling cluster's centre (how much more
  the phrase says about this cluster than about any other of its kind),
* ``ctfidf``: class-based TF-IDF of the phrase, ``share of the cluster's units using it x
  log(1 + units of the kind / units using it anywhere)``.

``score = 0.6 meaning + 0.2 contrast + 0.2 ctfidf`` (ranks; the weights were chosen on
``benchmarks/labels.py``: 0.4/0.3/0.3 gave a mean theme similarity of 0.355, 0.6/0.2/0.2 0.385). Without an embedder (precomputed
vectors) only the c-TF-IDF and the older lexical score rank the candidates.

Rules (:func:`rule_violation`): a one-word headline must be a noun (:class:`NounTest`: Danish
noun morphology, the lemma table's own forms and the corpus's forms, no POS model), and a longer
one must end with one (a Danish noun phrase ends in its noun: "personer på langvarig
kontanthjælp", not "personer på langvarig"); no headline
that is only the corpus-wide topic word (a lemma in more than half of all units, or one of the
three most widespread when in a fifth of them: :func:`~wildproblems.label.topic_lemmas`); no two
clusters of a kind whose headlines share a lemma (or a word stem: :func:`same_stem`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .lemma import _head, _paradigm_size

#: Weights of the three percentile ranks in a candidate's score.
WEIGHTS = {"meaning": 0.6, "contrast": 0.2, "ctfidf": 0.2}
#: Candidates per cluster that are embedded (the best by the lexical prefilter).
POOL = 25
#: Noun suffixes of Danish (derivations that only make nouns).
NOUN_SUFFIXES_DA = (
    "ing",
    "hed",
    "else",
    "skab",
    "tion",
    "sion",
    "isme",
    "itet",
    "ment",
    "dom",
    "ør",
    "ist",
    "ance",
    "ence",
    "tet",
    "sel",
)
#: Endings of a Danish noun's definite forms (singular and plural), after the lemma.
DEFINITE_ENDINGS_DA = ("en", "et", "erne", "ene", "ne", "ens", "ets", "ernes", "enes")
#: Determiners and possessives that come before a noun (or an adjective before one).
DETERMINERS_DA = frozenset(
    {"en", "et", "den", "det", "denne", "dette", "min", "mit", "din", "dit", "sin", "sit",
     "vores", "jeres", "deres", "hans", "hendes", "nogen", "noget", "ingen", "intet"}
)  # fmt: skip


@dataclass
class Candidate:
    """One headline candidate of a cluster."""

    key: tuple[str, ...]
    surface: str
    content: tuple[str, ...]  # content lemmas
    units: int  # units of the cluster using it
    units_all: int  # units of the kind using it
    n_cluster: int
    lexical: float
    ctfidf: float
    meaning: float = float("nan")
    contrast: float = float("nan")
    ranks: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def describe(self) -> str:
        """Short audit text: the numbers behind the score."""
        parts = [f"{self.surface!r} in {self.units}/{self.n_cluster} units"]
        if not math.isnan(self.meaning):
            parts.append(f"meaning {self.meaning:.3f}")
            parts.append(f"contrast {self.contrast:+.3f}")
        parts.append(f"c-TF-IDF {self.ctfidf:.3f}")
        parts.append(f"score {self.score:.3f}")
        return ", ".join(parts)


class NounTest:
    """Whether a (lemma) word is a noun, from morphology and evidence, without a POS model.

    A word is a noun when it ends in a noun-only suffix (-ing, -hed, -else, -skab, -tion, ...),
    when its definite form (lemma + -en/-et/-erne/-ene, or + -n/-t after a final -e) is in the
    lemma table or in the corpus and maps back to it, or when the corpus has it right after a
    determiner and before a word that is not a content word (a noun phrase ends there: "en
    ulighed,"). Words whose comparison or neuter forms exist but no definite one are adjectives.
    Unknown compounds are judged by their head (the longest known word they end with).

    >>> nt = NounTest("da", corpus_forms=set())
    >>> [nt(w) for w in ["sagsbehandling", "ensomhed", "ensom", "fysisk", "borger", "enorm"]]
    [True, True, False, False, True, False]
    """

    def __init__(
        self,
        language: str = "da",
        corpus_forms: set[str] | None = None,
        after_determiner: Counter | None = None,
        lemma_of: Callable[[str], str] | None = None,
    ) -> None:
        from .label import lemma_table

        self.language = language
        self.table = lemma_table(language)
        self.corpus_forms = corpus_forms or set()
        self.after_determiner = after_determiner or Counter()
        self.lemma_of = lemma_of or (lambda w: w)
        self._cache: dict[str, bool] = {}

    @staticmethod
    def _forms(lemma: str) -> tuple[set[str], set[str]]:
        """Definite forms that prove a noun: ``(in the table or the corpus, in the corpus)``.

        After a final -e the table's -n forms are also verbal nouns ("opleven") and -t forms
        are participles ("fungeret"): there only the plural -rne counts, and -n in the corpus.
        """
        if lemma.endswith("e"):
            return {lemma + "rne", lemma + "rnes"}, {lemma + "n", lemma + "ns"}
        return {lemma + e for e in DEFINITE_ENDINGS_DA}, set()

    def _definite(self, lemma: str) -> bool:
        anywhere, corpus_only = self._forms(lemma)
        for f in anywhere:
            t = self.table.get(f)
            if isinstance(t, str) and t.lower() == lemma:
                return True
        return any(
            f in self.corpus_forms and self.lemma_of(f) == lemma for f in anywhere | corpus_only
        )

    def __call__(self, lemma: str) -> bool:
        if lemma in self._cache:
            return self._cache[lemma]
        if self.language != "da":
            ok = not lemma.endswith(("ly", "ous", "ive", "ful", "ing", "ed", "al", "ic"))
        elif (
            lemma.endswith(NOUN_SUFFIXES_DA)
            or self._definite(lemma)
            or self.after_determiner.get(lemma, 0) >= 2
        ):
            ok = True
        else:
            ok = False
            if lemma not in self.table and lemma not in _paradigm_size(self.language):
                head = _head(lemma, known=False, language=self.language)
                if head != lemma and len(head) >= 3:
                    ok = head.endswith(NOUN_SUFFIXES_DA) or self._definite(head)
        self._cache[lemma] = ok
        return ok


def noun_evidence(docs: Sequence[Sequence[object]]) -> tuple[set[str], Counter]:
    """From tokenised units: the set of word forms, and per lemma how often it ends a noun phrase
    right after a determiner ("en ulighed ." -> ulighed)."""
    forms: set[str] = set()
    after: Counter = Counter()
    for d in docs:
        n = len(d)
        for i, t in enumerate(d):
            forms.add(t.text)  # type: ignore[attr-defined]
            if (
                i + 1 < n
                and t.text in DETERMINERS_DA  # type: ignore[attr-defined]
                and d[i + 1].content  # type: ignore[attr-defined]
                and (i + 2 >= n or not d[i + 2].alpha)  # type: ignore[attr-defined]
            ):
                after[d[i + 1].lemma] += 1  # type: ignore[attr-defined]
    return forms, after


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """1.0 for the highest value, down to 1/n for the lowest (ties share the higher rank).

    >>> percentile_ranks([0.2, 0.9, 0.5])
    [0.3333333333333333, 1.0, 0.6666666666666666]
    """
    import bisect

    n = len(values)
    order = sorted(values)
    return [bisect.bisect_right(order, x) / n for x in values]


def score_candidates(
    cands: list[Candidate],
    phrase_vectors: np.ndarray | None,
    centre: np.ndarray | None,
    sibling_centres: np.ndarray | None,
) -> list[Candidate]:
    """Fill ``meaning``, ``contrast``, ``ranks`` and ``score``; return best first."""
    if not cands:
        return []
    if phrase_vectors is not None and centre is not None:
        meaning = phrase_vectors @ centre
        if sibling_centres is not None and len(sibling_centres):
            contrast = meaning - (phrase_vectors @ sibling_centres.T).max(axis=1)
        else:
            contrast = np.zeros_like(meaning)
        for c, m, k in zip(cands, meaning, contrast):
            c.meaning, c.contrast = float(m), float(k)
        parts = {
            "meaning": percentile_ranks([c.meaning for c in cands]),
            "contrast": percentile_ranks([c.contrast for c in cands]),
            "ctfidf": percentile_ranks([c.ctfidf for c in cands]),
        }
        weights = WEIGHTS
    else:
        parts = {
            "ctfidf": percentile_ranks([c.ctfidf for c in cands]),
            "lexical": percentile_ranks([c.lexical for c in cands]),
        }
        weights = {"ctfidf": 0.5, "lexical": 0.5}
    for i, c in enumerate(cands):
        c.ranks = {k: v[i] for k, v in parts.items()}
        c.score = float(sum(weights[k] * c.ranks[k] for k in weights))
    return sorted(cands, key=lambda c: (-c.score, -c.units, -len(c.content), c.key))


def rule_violation(
    cand: Candidate,
    is_noun: Callable[[str], bool],
    topic_lemmas: set[str],
    taken_lemmas: dict[str, int],
) -> str | None:
    """Why ``cand`` may not be a headline, or ``None`` when it may."""
    if len(cand.key) == 1 and not is_noun(cand.key[0]):
        return "one word that is not a noun"
    if len(cand.key) > 1 and not is_noun(cand.key[-1]):
        return "does not end with a noun"
    if len(cand.key) > 1 and is_finite_verb(cand.surface.split()[0], cand.key[0], is_noun):
        return "starts with a verb"
    if all(lemma in topic_lemmas for lemma in cand.content):
        return "only the corpus-wide topic word (in more than half of all units)"
    for lemma in cand.content:
        if lemma in taken_lemmas:
            return f"shares the lemma {lemma!r} with the headline of cluster {taken_lemmas[lemma]}"
        for other, c in taken_lemmas.items():
            if same_stem(lemma, other):
                return f"shares the stem of {other!r} with the headline of cluster {c}"
    return None


def same_stem(a: str, b: str) -> bool:
    """Whether two lemmas are one word family: a common beginning of 6+ letters that covers at
    least 80 % of the shorter ("sagsbehandling" / "sagsbehandler").

    >>> same_stem("sagsbehandling", "sagsbehandler"), same_stem("borger", "borgertype")
    (True, True)
    >>> same_stem("ventetid", "vente"), same_stem("lidelse", "ledighed")
    (False, False)
    """
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 6 and n >= 0.8 * min(len(a), len(b))


def is_finite_verb(form: str, lemma: str, is_noun: Callable[[str], bool]) -> bool:
    """Whether Danish ``form`` is a present or past tense (or -s passive) of verb ``lemma``.

    >>> is_finite_verb("oplever", "opleve", lambda w: False)
    True
    >>> is_finite_verb("kommuner", "kommune", lambda w: True)
    False
    """
    if not lemma.endswith("e") or form == lemma or is_noun(lemma):
        return False
    stem = lemma[:-1]
    return form in {
        lemma + "r",
        lemma + "s",
        lemma + "de",
        stem + "te",
        lemma + "des",
        stem + "tes",
    }


def mmr(
    items: Sequence[str],
    relevance: Sequence[float],
    vectors: np.ndarray,
    n: int,
    diversity: float = 0.3,
) -> list[int]:
    """Maximal marginal relevance: indices of ``n`` items, each chosen for
    ``(1 - diversity) * relevance - diversity * max similarity to those already chosen``.

    >>> v = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]])
    >>> mmr(["a", "a2", "b"], [1.0, 0.95, 0.5], v, 2, diversity=0.5)
    [0, 2]
    """
    chosen: list[int] = []
    left = list(range(len(items)))
    rel = np.asarray(relevance, dtype=float)
    while left and len(chosen) < n:
        red = (vectors[left] @ vectors[chosen].T).max(axis=1) if chosen else np.zeros(len(left))
        val = (1 - diversity) * rel[left] - diversity * red
        best = left[int(np.argmax(val))]
        chosen.append(best)
        left.remove(best)
    return chosen


def headline_rule_violations(units, clusters, language: str = "da") -> list[str]:
    """Every breach of the headline rules in a map's tables (``[]`` when they all hold).

    Per kind: a one-word headline that is not a noun, a headline that is only the corpus-wide
    topic word, two headlines sharing a lemma or stem, a numbered fallback headline, and a quote
    shown twice on a cluster's card. ``units`` and ``clusters`` are ``WildMap.units`` and
    ``WildMap.clusters``.
    """
    from collections import Counter as _Counter

    from .label import quote_key, tokenize, topic_lemmas

    problems: list[str] = []
    for kind, rows in clusters.groupby("kind", sort=False):
        sub = units[units["kind"] == kind]
        toks = tokenize(sub["text"].astype(str).tolist(), language)
        lemma_df: _Counter = _Counter()
        for d in toks:
            lemma_df.update({t.lemma for t in d if t.content})
        spread: _Counter = _Counter()
        for c in rows["cluster"]:
            member = (sub["cluster"] == c).to_numpy()
            spread.update({t.lemma for d, m in zip(toks, member) if m for t in d if t.content})
        topic = topic_lemmas(lemma_df, len(toks), spread, len(rows))
        forms, after = noun_evidence(toks)
        lemma_of = {t.text: t.lemma for d in toks for t in d}
        is_noun = NounTest(language, forms, after, lemma_of.get)
        seen: dict[str, str] = {}
        for row in rows.itertuples():
            head = str(row.label)
            words = [t for t in tokenize([head], language)[0] if t.alpha]
            content = [t.lemma for t in words if t.content]
            where = f"{kind}:{row.cluster} {head!r}"
            if head.rstrip().endswith(")") and "(" in head:
                problems.append(f"{where}: numbered fallback")
            if len(words) == 1 and not is_noun(words[0].lemma):
                problems.append(f"{where}: one word that is not a noun")
            if content and all(lem in topic for lem in content):
                problems.append(f"{where}: only the corpus-wide topic word")
            for lem in content:
                for other, other_where in seen.items():
                    if lem == other or same_stem(lem, other):
                        problems.append(f"{where}: shares {lem!r} with {other_where}")
            for lem in content:
                seen.setdefault(lem, where)
            keys = [quote_key(q) for q in row.quotes]
            if len(set(keys)) != len(keys):
                problems.append(f"{where}: a quote twice among its quotes")
    return problems
