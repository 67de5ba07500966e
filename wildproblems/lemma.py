"""Danish lemmas you can trust: candidates from two lemmatisers, chosen by word frequency.

spaCy's lookup table (``spacy-lookups-data``) alone turns common base forms into rarer words
(borger -> "borge", svært -> "sværte", sagsbehandler -> "sagsbehandle") and leaves unknown
compounds untouched ("sekvensanalysen"). ``lemmy`` (rules learnt from the Danish dictionary,
pure Python) proposes every lemma a form can have, compounds included. :class:`Lemmatizer`
takes both sets of candidates and keeps the one that is most plausible:

* its frequency in everyday Danish (``wordfreq`` Zipf; for an unknown compound, that of its
  head, the longest known word it ends with),
* +``infl_bonus`` when the form is the candidate plus a regular inflection ending (borger+e,
  lang+e, svær+t, vise+r, nævn+te), so a plain inflection beats a rarer homograph,
* +``table_bonus`` when both lemmatisers agree on it,
* +``self_bonus`` for the form itself when it is a lemma with forms of its own in the table
  (a common word is not turned into a rarer one: borger stays "borger", not "borge"),
* a form after an infinitive marker or modal verb ("at føre", "kan lede") that can be its own
  lemma is read as the infinitive,
* closed-class words (conjunctions, prepositions, suppletive comparatives) come from a short
  fixed list.

Measured on ``tests/data/lemmas_da.tsv`` (473 hand-checked word forms from the bundled
corpora): spaCy's table 80.1 %, lemmy's first candidate 72.3 %, this lemmatiser 97.7 % on the
bare forms and 98.5 % in context (``tests/test_lemma.py`` holds 97 % and 98 %;
``benchmarks/lemmas.py`` prints the figures). The bonuses were tuned on that fixture.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

#: Regular inflection endings of Danish nouns, adjectives and verbs (after the lemma, or after
#: the lemma without its final -e: "nævne" -> "nævnte").
INFLECTION_ENDINGS: frozenset[str] = frozenset(
    {
        "r", "t", "e", "er", "ere", "re", "ne", "en", "et", "s", "es", "ede", "te", "de",
        "st", "este", "ste", "ens", "ets", "ernes", "erne", "enes", "ene",
    }
)  # fmt: skip

#: Endings of a verb's past forms after the stem without its final -e.
PAST_ENDINGS: frozenset[str] = frozenset({"t", "te", "de", "ede", "tes", "des"})

#: Closed-class words and suppletive forms: form -> lemma, never left to a frequency guess.
CLOSED_CLASS_DA: dict[str, str] = {
    # conjunctions, prepositions and adverbs that look like inflected content words
    "når": "når",
    "dels": "dels",
    "før": "før",
    "mod": "mod",
    "trods": "trods",
    "siden": "siden",
    "blot": "blot",
    "slet": "slet",
    "helst": "helst",
    "gerne": "gerne",
    "ret": "ret",
    "knap": "knap",
    "væk": "væk",
    "frem": "frem",
    "hinanden": "hinanden",
    # "ældre" is a word of its own in Danish (de ældre, ældrepleje), not "gammel"
    "ældre": "ældre",
    # suppletive comparison
    "bedre": "god",
    "bedst": "god",
    "bedste": "god",
    "værre": "dårlig",
    "værst": "dårlig",
    "værste": "dårlig",
    "mindre": "lille",
    "mindst": "lille",
    "mindste": "lille",
    "større": "stor",
    "størst": "stor",
    "største": "stor",
    "færre": "få",
    "færrest": "få",
    "flere": "mange",
    "flest": "mange",
    "mere": "meget",
    "mest": "meget",
}

#: Words after which a form that can be an infinitive is read as one.
INFINITIVE_MARKERS_DA: frozenset[str] = frozenset(
    {"at", "kan", "kunne", "skal", "skulle", "vil", "ville", "må", "måtte", "bør", "burde", "tør"}
)


#: How much less an unknown compound counts than its known head (Zipf points).
COMPOUND_PENALTY = 1.5


def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))


@lru_cache(maxsize=200_000)
def known_frequency(word: str, language: str = "da") -> float:
    """Zipf frequency of ``word``; for a word unknown to ``wordfreq`` (a compound), that of its
    longest known ending of 3+ letters, less :data:`COMPOUND_PENALTY` (so a known word beats
    an unknown compound built on a more frequent head: "forbrug", not "forbruge").

    >>> known_frequency("sagsbehandling") > 0
    True
    """
    z = _zipf(word, language)
    if z > 0:
        return z
    for i in range(1, len(word) - 2):
        z = _zipf(word[i:], language)
        if z > 0:
            return max(0.0, z - COMPOUND_PENALTY)
    return 0.0


def _head(word: str, known: bool, language: str = "da") -> str:
    """``word`` itself when known to wordfreq (or ``known``), else its longest known ending."""
    if known or _zipf(word, language) > 0:
        return word
    for i in range(1, len(word) - 2):
        if _zipf(word[i:], language) > 0:
            return word[i:]
    return word


def is_inflection(form: str, lemma: str) -> bool:
    """Whether ``form`` is ``lemma`` (or ``lemma`` less a final -e) plus a regular ending.

    >>> is_inflection("borgere", "borger"), is_inflection("nævnte", "nævne")
    (True, True)
    >>> is_inflection("borger", "borge"), is_inflection("viden", "vide")
    (True, False)
    >>> is_inflection("ført", "føre"), is_inflection("lange", "lang")
    (True, True)
    """
    if form == lemma:
        return False
    if form.startswith(lemma) and form[len(lemma) :] in INFLECTION_ENDINGS:
        return True
    # a verb's past forms drop its -e: nævne -> nævnte, føre -> ført, begrænse -> begrænsede
    stem = lemma[:-1]
    return (
        lemma.endswith("e")
        and len(stem) > 1
        and form.startswith(stem)
        and form[len(stem) :] in PAST_ENDINGS
    )


class Lemmatizer:
    """Word form -> lemma for ``language``; Danish uses lemmy + spaCy's table (see module doc),
    other languages spaCy's table alone.

    >>> lem = Lemmatizer("da")
    >>> [lem("borger"), lem("svært"), lem("sagsbehandler"), lem("borgere"), lem("sekvensanalysen")]
    ['borger', 'svær', 'sagsbehandler', 'borger', 'sekvensanalyse']
    >>> lem("føre", previous="at")
    'føre'
    """

    def __init__(
        self,
        language: str = "da",
        infl_bonus: float = 1.5,
        table_bonus: float = 0.5,
        self_bonus: float = 1.0,
    ) -> None:
        self.language = language
        self.infl_bonus = infl_bonus
        self.table_bonus = table_bonus
        self.self_bonus = self_bonus
        self._cache: dict[tuple[str, bool], str] = {}
        self._lemmy: Any = _load_lemmy() if language == "da" else None

    def candidates(self, form: str) -> list[str]:
        """Every lemma proposed for ``form``: lemmy's, then the table's (no duplicates)."""
        from .label import lemma_table

        table = lemma_table(self.language).get(form)
        cands = list(self._lemmy.lemmatize("", form)) if self._lemmy is not None else []
        if isinstance(table, str) and table:
            table = table.lower()
            # the table's guess counts where lemmy agrees or it is a plain inflection of the
            # form (dybere -> dyb), not where it maps a word to an unrelated one (viden -> vide)
            if not cands or table in cands or is_inflection(form, table):
                cands.append(table)
        return list(dict.fromkeys(c.lower() for c in cands if c)) or [form]

    def __call__(self, form: str, previous: str | None = None) -> str:
        """The lemma of lower-case ``form``; ``previous`` is the word before it (or ``None``)."""
        infinitive = previous in INFINITIVE_MARKERS_DA if self.language == "da" else False
        key = (form, infinitive)
        got = self._cache.get(key)
        if got is None:
            got = self._choose(form, infinitive)
            self._cache[key] = got
        return got

    def _choose(self, form: str, infinitive: bool) -> str:
        from .label import lemma_table

        if self.language != "da" or self._lemmy is None:
            table = lemma_table(self.language).get(form)
            return table.lower() if isinstance(table, str) and table else form
        if form in CLOSED_CLASS_DA:
            return CLOSED_CLASS_DA[form]
        cands = self.candidates(form)
        if len(cands) == 1:
            return cands[0]
        if infinitive and form in cands and form.endswith("e"):
            return form
        table = lemma_table(self.language).get(form)
        lemmy_cands = set(self._lemmy.lemmatize("", form))
        # a candidate unknown to wordfreq is estimated from its head only when no candidate is
        # known: a known word is never turned into an unknown one ("sagsbehandle", "forbruge")
        known = any(_zipf(c, self.language) > 0 for c in cands)
        freq = (lambda c: _zipf(c, self.language)) if known else known_frequency

        def score(i_c: tuple[int, str]) -> tuple[float, int]:
            i, c = i_c
            s = freq(c, self.language) if not known else freq(c)
            if is_inflection(form, c):
                s += self.infl_bonus
            if c == table and c in lemmy_cands:
                s += self.table_bonus
            if c == form and _paradigm_size(self.language).get(_head(form, known), 0) >= 2:
                s += self.self_bonus  # the form heads a paradigm of its own: a lemma itself
            return (s, -i)

        return max(enumerate(cands), key=score)[1]


_PARADIGMS: dict[str, dict[str, int]] = {}


def _paradigm_size(language: str) -> dict[str, int]:
    """Lemma -> how many word forms spaCy's table maps to it."""
    from collections import Counter

    from .label import lemma_table

    if language not in _PARADIGMS:
        _PARADIGMS[language] = dict(
            Counter(v for v in lemma_table(language).values() if isinstance(v, str))
        )
    return _PARADIGMS[language]


_LEMMY: dict[str, Any] = {}
_LEMMY_LOCK = threading.Lock()


def _load_lemmy() -> Any:
    """lemmy's Danish rules, loaded once per process (``None`` if lemmy is missing)."""
    with _LEMMY_LOCK:
        if "da" not in _LEMMY:
            try:
                import lemmy
            except ImportError:  # pragma: no cover - lemmy is a dependency
                log.warning("lemmy is not installed: Danish lemmas come from spaCy's table alone")
                _LEMMY["da"] = None
            else:
                _LEMMY["da"] = lemmy.load("da")
        return _LEMMY["da"]


_LEMMATIZERS: dict[str, Lemmatizer] = {}


def get_lemmatizer(language: str) -> Lemmatizer:
    """The shared :class:`Lemmatizer` of ``language`` (built once per process)."""
    with _LEMMY_LOCK:
        lem = _LEMMATIZERS.get(language)
    if lem is None:
        lem = Lemmatizer(language)
        with _LEMMY_LOCK:
            _LEMMATIZERS.setdefault(language, lem)
    return _LEMMATIZERS[language]
