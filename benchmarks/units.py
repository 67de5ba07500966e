"""Which units for prose answers: whole answers, list items (the default), sentences or clauses?

Each answer is cut into units four ways, the units are embedded (default embedder, disk cache)
and cut into codes and themes by :func:`wildproblems.cluster.cluster_levels`; an answer then
belongs to *every* cluster its units reach, as a code does in QDA tools. Scored per answer
against the human codes (``napire_2018``: ``codes``/``categories``, several per answer; the Danish
quote corpora: ``theme``):

* ``BCubed F`` (extended BCubed, Amigó et al. 2009) of the answers' cluster *sets* against their
  code sets: the multi-label measure, the one that can reward a split answer for reaching two
  codes;
* AMI of the answer's first unit's cluster against its primary code (single-label view);
* clusters found and the mean number of clusters per answer.

Unit variants: ``answer`` (``segment=False``), ``items`` (the default segmentation: list items,
numbered items and semicolons), ``sentences`` (items split after ``.!?`` before an upper-case
letter), ``clauses`` (sentences also split before ``, and/but/because/so/og/men/fordi/så`` and at
``" and "``/``" og "`` when both sides have at least three words).

Usage::

    WILDPROBLEMS_CACHE=/work/cache python benchmarks/units.py
"""

from __future__ import annotations

import logging
import re
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score

import wildproblems as wp
from benchmarks.levels import bcubed_f, markdown
from wildproblems.cluster import cluster_levels
from wildproblems.segment import split_answer

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“]?[A-ZÆØÅ])")
_CLAUSE = re.compile(r",\s+(?=(?:and|but|because|so|og|men|fordi|så)\b)", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|og)\s+", re.IGNORECASE)

#: (corpus, kind, primary code column, code-set column or None)
CORPORA = [
    ("napire_2018", "cause", "code", "codes"),
    ("napire_2018", "effect", "code", "codes"),
    ("faellesskab_2025", None, "theme", None),
    ("foertidspension_2012", None, "theme", None),
    ("digital_velfaerd_2026", None, "theme", None),
]


def _words(s: str) -> int:
    return len(s.split())


def split_units(text: str, how: str) -> list[str]:
    """The units of one answer for variant ``how``.

    >>> split_units("Too little time. Customers change their minds, and nobody writes it down", "clauses")
    ['Too little time.', 'Customers change their minds', 'and nobody writes it down']
    """
    if how == "answer":
        return [text.strip()] if text.strip() else []
    units = split_answer(text)
    if how == "items":
        return units
    units = [s.strip() for u in units for s in _SENTENCE.split(u) if s.strip()]
    if how == "sentences":
        return units
    out: list[str] = []
    for u in units:
        for c in _CLAUSE.split(u):
            parts = _AND.split(c)
            if len(parts) == 2 and min(_words(p) for p in parts) >= 3:
                out.extend(p.strip() for p in parts)
            else:
                out.append(c.strip())
    return [u for u in out if re.search(r"[^\W\d_]", u)]


def run(corpus: str, kind: str | None, primary: str, sets_col: str | None) -> list[dict]:
    from wildproblems.config import MapConfig
    from wildproblems.pipeline import embed_units

    df = wp.corpora.load(corpus)
    if kind:
        df = df[df["kind"] == kind].reset_index(drop=True)
    y = df[primary].astype(str).to_numpy()
    if sets_col:
        gold = [{c for c in v.split(";") if c} for v in df[sets_col]]
    else:
        gold = [{v} if v else set() for v in y]
    rows = []
    for how in ("answer", "items", "sentences", "clauses"):
        owner, texts = [], []
        for i, t in enumerate(df["text"]):
            for u in split_units(t, how):
                owner.append(i)
                texts.append(u)
        owner_arr = np.array(owner)
        emb = np.asarray(embed_units(texts, MapConfig(progress=False), None, None, len(df))[0])
        _, code, _ = cluster_levels(emb)
        reached: list[set[int]] = [set() for _ in range(len(df))]
        first = np.full(len(df), -1)
        for u, i in enumerate(owner):
            reached[i].add(int(code[u]))
            if first[i] < 0:
                first[i] = code[u]
        keep = np.array([bool(g) and first[i] >= 0 for i, g in enumerate(gold)])
        idx = np.flatnonzero(keep)
        rows.append(
            {
                "corpus": corpus + (f"/{kind}" if kind else ""),
                "units": how,
                "n units": len(texts),
                "answers split": int((np.bincount(owner_arr, minlength=len(df)) > 1).sum()),
                "clusters": int(code.max()) + 1,
                "clusters per answer": round(float(np.mean([len(reached[i]) for i in idx])), 2),
                "AMI (first unit)": round(adjusted_mutual_info_score(y[idx], first[idx]), 3),
                "BCubed F (sets)": round(bcubed_f([reached[i] for i in idx], [gold[i] for i in idx]), 3),
            }
        )  # fmt: skip
    return rows


def main() -> pd.DataFrame:
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    rows = [r for spec in CORPORA for r in run(*spec)]
    table = pd.DataFrame(rows)
    print(markdown(table))
    return table


if __name__ == "__main__":
    main()
