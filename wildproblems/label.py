"""Label: keywords, a short headline and representative quotes for every cluster.

Danish first: spaCy's blank Danish pipeline gives tokens and stop words, and the lemma lookup table
of ``spacy-lookups-data`` (the table spaCy's lookup lemmatiser uses, read directly: 0.45-0.6 s instead of
spaCy's 2.7 s in a new process) gives lemmas without any model download. Keywords are ranked by
class-based TF-IDF over lemmas (each cluster is one "document"). The headline is a 1-4 word phrase
that occurs in the cluster's own units (so it reads like the answers: "mangel på arbejdskraft", not
"arbejdskraft_mangel_på"), chosen for how many of the cluster's units use it and how specific it is
to the cluster. Each cluster keeps an audit line saying why its headline won.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .lang import LANGUAGES
from .phrases import (
    POOL,
    Candidate,
    NounTest,
    mmr,
    noun_evidence,
    rule_violation,
    score_candidates,
)

log = logging.getLogger(__name__)

#: Words that carry no topic in survey answers, on top of spaCy's stop words (from
#: :mod:`wildproblems.lang`, one place per language).
EXTRA_STOP_WORDS: dict[str, frozenset[str]] = {k: m.STOP_WORDS for k, m in LANGUAGES.items()}
#: Headline of units in no cluster, per language.
UNCLUSTERED_LABEL = {k: m.UNCLUSTERED for k, m in LANGUAGES.items()}


_NLP: dict[str, Any] = {}
_NLP_LOCK = threading.Lock()


def get_nlp(language: str) -> Any:
    """A blank spaCy pipeline for ``language`` (``"da"`` or ``"en"``): tokenizer and stop words.

    Loaded once per process; thread-safe. Lemmas come from :func:`lemma_table`.

    >>> [t.text for t in get_nlp("da")("mangel på hænder")]
    ['mangel', 'på', 'hænder']
    """
    with _NLP_LOCK:
        if language not in _NLP:
            import spacy

            _NLP[language] = spacy.blank(language)
        return _NLP[language]


_LEMMAS: dict[str, dict[str, str]] = {}


def lemma_table(language: str) -> dict[str, str]:
    """Word form -> lemma for ``language``, from ``spacy-lookups-data`` (``{}`` if it is missing).

    The same table spaCy's ``lemmatizer`` in ``"lookup"`` mode reads, with the same rule (a form
    not in the table is its own lemma), loaded straight from the package's JSON file.

    >>> lemma_table("da").get("borgere")
    'borger'
    """
    with _NLP_LOCK:
        if language not in _LEMMAS:
            _LEMMAS[language] = _load_lemmas(language)
        return _LEMMAS[language]


def _load_lemmas(language: str) -> dict[str, str]:
    import gzip
    import json
    from importlib import resources

    try:
        data = resources.files("spacy_lookups_data").joinpath("data")
    except ModuleNotFoundError:  # pragma: no cover - spacy-lookups-data is a dependency
        log.warning("spacy-lookups-data is not installed: keywords use word forms, not lemmas")
        return {}
    for name in (f"{language}_lemma_lookup.json.gz", f"{language}_lemma_lookup.json"):
        path = data.joinpath(name)
        if path.is_file():
            raw = path.read_bytes()
            table = json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)
            if isinstance(table, dict):
                return table
    log.warning("no lemma table for %r: keywords use word forms, not lemmas", language)
    return {}


@dataclass(frozen=True)
class Token:
    """One token: surface form (lower case), lemma (lower case), content word or not."""

    text: str
    lemma: str
    content: bool
    alpha: bool


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for ``language`` plus :data:`EXTRA_STOP_WORDS`."""
    return frozenset(get_nlp(language).Defaults.stop_words) | EXTRA_STOP_WORDS.get(language, set())


@lru_cache(maxsize=200_000)
def informativeness(word: str, language: str = "da") -> float:
    """How much a word says beyond everyday language, from its Zipf frequency (``wordfreq``).

    ``(8 - zipf) / 4`` clipped to [0.3, 1.5]: everyday words ("familie", zipf 5.3) weigh ~0.7,
    specialised words ("sygemeldt", 3.0) ~1.25. Without ``wordfreq`` every word weighs 1.

    >>> informativeness("sygemeldt") > informativeness("familie")
    True
    """
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - optional at run time
        return 1.0
    z = zipf_frequency(word, language)
    if z == 0.0:  # unknown to the word list: compounds and jargon; informative but unverified
        return 1.2
    return float(min(1.5, max(0.3, (8.0 - z) / 4.0)))


_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")


def tokenize(texts: Sequence[str], language: str = "da") -> list[list[Token]]:
    """Lower-cased tokens with lemmas; ``content`` marks alphabetic non-stop words of 2+ letters.

    >>> [(t.text, t.lemma, t.content) for t in tokenize(["Flere ældre borgere"])[0]]
    [('flere', 'mange', False), ('ældre', 'ældre', True), ('borgere', 'borger', True)]
    """
    from .lemma import get_lemmatizer

    nlp = get_nlp(language)
    lemmatize = get_lemmatizer(language)
    stops = stop_words(language)
    out = []
    for doc in nlp.pipe([t.lower() for t in texts], batch_size=256):
        toks = []
        previous: str | None = None
        for t in doc:
            alpha = bool(_WORD.match(t.text))
            lemma = lemmatize(t.text, previous) if alpha else t.text
            previous = t.text
            content = alpha and len(t.text) >= 2 and t.text not in stops and lemma not in stops
            toks.append(Token(t.text, lemma, content, alpha))
        out.append(toks)
    return out


def ctfidf(
    docs_by_class: dict[int, list[list[Token]]], language: str | None = None
) -> dict[int, list[tuple[str, float]]]:
    """Class-based TF-IDF over content lemmas: ``tf(t,c) * log(1 + A / f(t))``.

    ``A`` is the average number of content lemmas per class and ``f(t)`` the frequency of ``t``
    over all classes. With ``language`` each weight is also multiplied by
    :func:`informativeness`, so everyday words rank below the cluster's own vocabulary. Returns,
    per class, ``(lemma, weight)`` pairs sorted by weight then lemma.
    """
    counts = {
        c: Counter(tok.lemma for d in docs for tok in d if tok.content)
        for c, docs in docs_by_class.items()
    }
    return ctfidf_counts(counts, language)


def ctfidf_counts(
    counts: dict[int, Counter], language: str | None = None
) -> dict[int, list[tuple[str, float]]]:
    """:func:`ctfidf` from content-lemma counts per class (e.g. counts summed over partitions
    of a corpus on several machines)."""
    total: Counter = Counter()
    for cnt in counts.values():
        total.update(cnt)
    avg = max(1.0, sum(total.values()) / max(1, len(counts)))
    out = {}
    for c, cnt in counts.items():
        n = max(1, sum(cnt.values()))
        w = [
            (
                t,
                (k / n)
                * math.log(1 + avg / total[t])
                * (informativeness(t, language) if language else 1.0),
            )
            for t, k in cnt.items()
        ]
        out[c] = sorted(w, key=lambda x: (-x[1], x[0]))
    return out


def _phrases(doc: list[Token], max_len: int = 4):
    """Candidate phrases of a document: spans of alphabetic tokens, 1-``max_len`` tokens long,
    starting and ending with a content word, at most one function word inside. Yields
    ``(lemma_key, surface, content_surface_words)``."""
    n = len(doc)
    for i in range(n):
        if not doc[i].content:
            continue
        for j in range(i, min(n, i + max_len)):
            if not doc[j].alpha:
                break
            span = doc[i : j + 1]
            if sum(not t.content for t in span) > 1:
                break
            if doc[j].content:
                yield (
                    tuple(t.lemma for t in span),
                    " ".join(t.text for t in span),
                    [t.text for t in span if t.content],
                )


def candidates(
    docs_in: list[list[Token]],
    docs_all_df: Counter,
    n_all: int,
    language: str = "da",
    min_units: int = 2,
) -> list[Candidate]:
    """Headline candidates of a cluster used by at least ``min_units`` of its units (all units of
    a smaller cluster), best first by the lexical prefilter.

    ``lexical = coverage**0.7 x specificity x informativeness x length bonus``: coverage is the
    share of the cluster's units using the phrase, specificity ``log(1 + n_all / df)`` over the
    whole kind (``docs_all_df`` counts in how many units each phrase occurs), informativeness the
    mean :func:`informativeness` of its content words, and each extra content word adds 35 %.
    ``ctfidf = coverage x specificity`` (the phrase's class-based TF-IDF).
    """
    n_c = len(docs_in)
    df_c: Counter = Counter()
    surfaces: dict[tuple[str, ...], Counter] = {}
    content_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    content_words: dict[tuple[str, ...], list[str]] = {}
    for d in docs_in:
        seen = set()
        for key, surf, content in _phrases(d):
            content_words[key] = content
            content_of[key] = tuple(lem for lem, w in zip(key, surf.split()) if w in content)
            surfaces.setdefault(key, Counter())[surf] += 1
            if key not in seen:
                seen.add(key)
                df_c[key] += 1
    need = min(min_units, n_c)
    out = []
    for key, a in df_c.items():
        if a < need:
            continue
        cov = a / n_c
        spec = math.log(1 + n_all / docs_all_df[key])
        words = content_words[key]
        info = sum(informativeness(w, language) for w in words) / len(words)
        lexical = (cov**0.7) * spec * info * (1 + 0.35 * (len(words) - 1))
        out.append(
            Candidate(
                key=key,
                surface=_most_common(surfaces[key]),
                content=content_of[key] or key,
                units=a,
                units_all=docs_all_df[key],
                n_cluster=n_c,
                lexical=lexical,
                ctfidf=cov * spec,
            )
        )
    out.sort(key=lambda c: (-c.lexical, -c.units, c.key))
    return out


def topic_lemmas(
    lemma_df: Counter, n_units: int, spread: Counter | None = None, n_clusters: int = 0
) -> set[str]:
    """The corpus-wide topic words: lemmas in more than half of all units, and the (up to) three
    most widespread lemmas when they are in at least a fifth of all units and in the units of at
    least three quarters of the clusters (``spread`` counts the clusters having each lemma):
    "førtidspension" in a corpus about early retirement.

    >>> df = Counter({"a": 6, "b": 2, "c": 2, "d": 1})
    >>> sorted(topic_lemmas(df, 10)), sorted(topic_lemmas(df, 10, Counter({"b": 4, "c": 1}), 4))
    (['a'], ['a', 'b'])
    """
    spread = spread or Counter()
    top = sorted(lemma_df.items(), key=lambda x: (-x[1], x[0]))[:3]
    return {lem for lem, k in lemma_df.items() if k > n_units / 2} | {
        lem
        for lem, k in top
        if k >= n_units / 5 and n_clusters and spread[lem] >= 0.75 * n_clusters
    }


def quote_key(text: str) -> str:
    """A quote's identity on a card: lower case, letters and digits only.

    >>> quote_key("Ventetider, ventetider!") == quote_key("ventetider ventetider")
    True
    """
    return " ".join(re.findall(r"\w+", text.lower()))


def representative(
    embeddings: np.ndarray,
    idx: np.ndarray,
    texts: Sequence[str],
    respondents: Sequence[str],
    n: int,
) -> list[int]:
    """Indices (into ``idx``'s space) of the ``n`` units closest to the cluster centroid, distinct
    texts, preferring distinct respondents."""
    sub = embeddings[idx]
    centroid = sub.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    sims = sub @ centroid
    order = np.lexsort((idx, -sims))  # by similarity, ties by position
    chosen: list[int] = []
    seen_text: set[str] = set()
    seen_resp: set[str] = set()
    for strict in (True, False):
        for o in order:
            i = int(idx[o])
            t = quote_key(texts[i])
            if i in chosen or t in seen_text or (strict and respondents[i] in seen_resp):
                continue
            chosen.append(i)
            seen_text.add(t)
            seen_resp.add(respondents[i])
            if len(chosen) == n:
                return chosen
    return chosen


def _surface_of(lemma: str, docs: list[list[Token]]) -> str:
    """The most frequent word form of ``lemma`` in ``docs`` (ties: alphabetical)."""
    forms = Counter(t.text for d in docs for t in d if t.lemma == lemma)
    return _most_common(forms) if forms else lemma


def _most_common(counts: Counter) -> str:
    """The most frequent key of ``counts``; ties go to the alphabetically first."""
    return min(counts.items(), key=lambda x: (-x[1], x[0]))[0]


class Labeler:
    """Labels clusters of one kind. Parameters stored untouched; work in :meth:`fit_transform`.

    ``embedder`` (an object with ``model_id`` and ``encode``: the map's own embedder) lets the
    headline candidates and keywords be ranked by meaning (see :mod:`wildproblems.phrases`);
    their vectors go through the same disk cache as the map's (``cache_dir``, ``use_cache``).
    Without it (precomputed vectors) candidates are ranked by c-TF-IDF and the lexical score.
    ``labeler="llm"`` with ``llm`` (a :class:`~wildproblems.llm.LLMConfig`) asks a
    chat-completions endpoint for each headline, falling back to the extractive one on errors.

    >>> texts = ["mangel på arbejdskraft", "mangel på arbejdskraft i ældreplejen",
    ...          "for meget bureaukrati", "bureaukrati og dokumentation"]
    >>> emb = np.eye(4, dtype="float32")
    >>> lab = Labeler(language="da").fit_transform(texts, np.array([0, 0, 1, 1]), emb,
    ...                                           ["a", "b", "c", "d"])
    >>> lab["label"].tolist()
    ['Mangel på arbejdskraft', 'Bureaukrati']
    """

    def __init__(
        self,
        language: str = "da",
        n_keywords: int = 10,
        n_quotes: int = 3,
        embedder: Any = None,
        cache_dir: str | None = None,
        use_cache: bool = True,
        labeler: str = "extractive",
        llm: Any = None,
    ) -> None:
        self.language = language
        self.n_keywords = n_keywords
        self.n_quotes = n_quotes
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.labeler = labeler
        self.llm = llm

    def _embed(self, phrases: list[str]) -> dict[str, np.ndarray]:
        """Vectors of ``phrases`` from the map's embedder (cached); ``{}`` without one."""
        if self.embedder is None or not hasattr(self.embedder, "encode") or not phrases:
            return {}
        from .embed import embed_texts

        uniq = list(dict.fromkeys(phrases))
        mat, _ = embed_texts(
            uniq, self.embedder, cache_dir=self.cache_dir, use_cache=self.use_cache, progress=False
        )
        return dict(zip(uniq, mat))

    def describe(self) -> dict[str, Any]:
        """What the stage does, for provenance and the report's method text."""
        return {
            "method": self.labeler,
            "ranking": "meaning and contrast" if self.embedder is not None else "lexical",
            "llm_model": getattr(self.llm, "model", None) if self.labeler == "llm" else None,
            "language": self.language,
            "n_keywords": self.n_keywords,
            "n_quotes": self.n_quotes,
        }

    def fit_transform(
        self,
        texts: Sequence[str],
        labels: np.ndarray,
        embeddings: np.ndarray,
        respondents: Sequence[str],
    ) -> pd.DataFrame:
        """One row per cluster id in ``labels`` (>= 0): label, keywords, quotes, audit."""
        texts = list(texts)
        labels = np.asarray(labels)
        toks = tokenize(texts, self.language)
        df_all: Counter = Counter()
        lemma_df: Counter = Counter()
        for d in toks:
            df_all.update({k for k, _, _ in _phrases(d)})
            lemma_df.update({t.lemma for t in d if t.content})
        n_all = len(texts)
        ids = sorted(int(c) for c in np.unique(labels) if c >= 0)
        by_class = {c: [toks[i] for i in np.where(labels == c)[0]] for c in ids}
        spread: Counter = Counter()
        for c in ids:
            spread.update({t.lemma for d in by_class[c] for t in d if t.content})
        topic = topic_lemmas(lemma_df, n_all, spread, len(ids))
        kw = ctfidf(by_class, self.language)
        forms, after = noun_evidence(toks)
        lemma_of = {t.text: t.lemma for d in toks for t in d}
        is_noun = NounTest(self.language, forms, after, lambda w: lemma_of.get(w, w))
        emb = np.asarray(embeddings, dtype=np.float32)
        centres = {}
        for c in ids:
            v = emb[labels == c].mean(axis=0)
            centres[c] = v / (np.linalg.norm(v) or 1.0)

        # candidates: the cluster's phrases that pass the rules that do not depend on the order
        pools: dict[int, list[Candidate]] = {}
        rejected: dict[int, list[str]] = {}
        for c in ids:
            pool, why = [], []
            need = min(2, len(by_class[c]))
            # phrases of two or more units first; phrases of one unit fill the pool after them
            cands = candidates(by_class[c], df_all, n_all, self.language, 1)
            cands.sort(key=lambda x: x.units < need)  # stable: lexical order within each tier
            for cand in cands:
                v = rule_violation(cand, is_noun, topic, {})
                if v is None:
                    pool.append(cand)
                elif len(why) < 3:
                    why.append(f"{cand.surface!r}: {v}")
            pools[c], rejected[c] = pool, why
        vectors = self._embed(
            [cand.surface for c in ids for cand in pools[c][:POOL]]
            + [w for c in ids for w, _ in kw[c][: 3 * self.n_keywords]]
        )
        if vectors and next(iter(vectors.values())).shape[0] != emb.shape[1]:
            log.warning(
                "the embedder gives %d-d vectors but the map's are %d-d: headlines ranked "
                "without meaning",
                next(iter(vectors.values())).shape[0],
                emb.shape[1],
            )
            vectors = {}
        rows = []
        taken: dict[str, int] = {}  # content lemma -> cluster whose headline holds it
        taken_surface: set[str] = set()
        for c in ids:
            idx = np.where(labels == c)[0]
            siblings = np.stack([centres[o] for o in ids if o != c]) if len(ids) > 1 else None
            ranked = self._rank(pools[c], vectors, centres[c], siblings)
            head, audit = self._choose(c, ranked, pools[c], taken, taken_surface, rejected[c])
            if not head:
                head, why = self._numbered(kw[c], by_class[c], texts[idx[0]], taken_surface)
                audit = f"{why}; {audit}"
            keywords = self._keywords(kw[c], vectors, centres[c])
            quotes = representative(emb, idx, texts, list(respondents), self.n_quotes)
            rows.append(
                {
                    "cluster": c,
                    "label": head[:1].upper() + head[1:],
                    "keywords": ", ".join(keywords),
                    "quotes": [texts[i] for i in quotes],
                    "quote_index": quotes,
                    "label_audit": audit,
                }
            )
        table = pd.DataFrame(
            rows, columns=["cluster", "label", "keywords", "quotes", "quote_index", "label_audit"]
        )
        if self.labeler == "llm":
            from .llm import llm_labels

            table = llm_labels(table, self.llm, self.language)
        elif self.labeler != "extractive":
            raise ValueError(f"labeler must be 'extractive' or 'llm', got {self.labeler!r}")
        return table

    def _rank(
        self,
        pool: list[Candidate],
        vectors: dict[str, np.ndarray],
        centre: np.ndarray,
        siblings: np.ndarray | None,
    ) -> list[Candidate]:
        """The cluster's candidates, best first: the embedded pool by meaning, then the rest."""
        head = pool[:POOL]
        if head and vectors and all(c.surface in vectors for c in head):
            mat = np.stack([vectors[c.surface] for c in head])
            ranked = score_candidates(head, mat, centre, siblings)
        else:
            ranked = score_candidates(head, None, None, None)
        return ranked + score_candidates(pool[POOL:], None, None, None)

    @staticmethod
    def _choose(
        c: int,
        ranked: list[Candidate],
        pool: list[Candidate],
        taken: dict[str, int],
        taken_surface: set[str],
        rejected: list[str],
    ) -> tuple[str, str]:
        """The best candidate whose lemmas no earlier headline holds; audit with the runner-up."""
        skipped: list[str] = []
        win: Candidate | None = None
        runner: Candidate | None = None
        for cand in ranked:
            v = rule_violation(cand, lambda _: True, set(), taken)
            if v is None and cand.surface.lower() in taken_surface:
                v = "the same words head another cluster"
            if v is not None:
                if len(skipped) < 2:
                    skipped.append(f"{cand.surface!r}: {v}")
                continue
            if win is None:
                win = cand
            elif set(cand.content) != set(win.content):
                runner = cand
                break
        if win is None:
            return "", "; ".join(
                ["no phrase passes the rules"] + [f"skipped {r}" for r in rejected + skipped]
            )
        for lemma in win.content:
            taken[lemma] = c
        taken_surface.add(win.surface.lower())
        audit = f"won: {win.describe()}"
        audit += f"; runner-up: {runner.describe()}" if runner else "; no runner-up"
        if win.units < min(2, win.n_cluster):
            audit += "; no phrase of two units passes the rules: a phrase of one unit"
        for r in rejected + skipped:
            audit += f"; skipped {r}"
        return win.surface, audit

    @staticmethod
    def _numbered(
        keywords: list[tuple[str, float]], docs: list[list[Token]], first_text: str, taken: set
    ) -> tuple[str, str]:
        """Last resort: the first keyword (as written) numbered, e.g. "Ventetider (2)"."""
        base = _surface_of(keywords[0][0], docs) if keywords else " ".join(first_text.split()[:4])
        n = 2
        while f"{base} ({n})".lower() in taken:
            n += 1
        taken.add(f"{base} ({n})".lower())
        log.warning("no headline passes the rules for a cluster: numbered %r", f"{base} ({n})")
        return f"{base} ({n})", "the first keyword, numbered"

    def _keywords(
        self, weights: list[tuple[str, float]], vectors: dict[str, np.ndarray], centre: np.ndarray
    ) -> list[str]:
        """Top c-TF-IDF lemmas, made diverse by maximal marginal relevance when embedded."""
        pool = [w for w, _ in weights[: 3 * self.n_keywords]]
        if not pool or not vectors or not all(w in vectors for w in pool):
            return pool[: self.n_keywords]
        from .phrases import percentile_ranks

        mat = np.stack([vectors[w] for w in pool])
        rel = 0.5 * np.array(percentile_ranks(list(mat @ centre))) + 0.5 * np.array(
            percentile_ranks([x for _, x in weights[: len(pool)]])
        )
        return [pool[i] for i in mmr(pool, rel, mat, self.n_keywords)]


def labeler_for(cfg: Any, embedder: Any = None) -> Labeler:
    """The :class:`Labeler` a :class:`~wildproblems.config.MapConfig` asks for, ranking by
    meaning with ``embedder`` (the map's own; ``None`` or a name: lexical ranking only)."""
    llm = None
    if cfg.labeler == "llm":
        from .llm import LLMConfig

        llm = LLMConfig(
            base_url=cfg.llm_base_url,
            model=cfg.llm_model,
            api_key_env=cfg.llm_api_key_env,
            timeout=cfg.llm_timeout,
            cache_dir=cfg.cache_dir,
        )
    return Labeler(
        language=cfg.language,
        n_keywords=cfg.n_keywords,
        n_quotes=cfg.n_quotes,
        embedder=embedder if hasattr(embedder, "encode") else None,
        cache_dir=cfg.cache_dir,
        use_cache=cfg.cache,
        labeler=cfg.labeler,
        llm=llm,
    )
