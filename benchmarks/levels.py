"""Two levels of clusters (themes and codes) against human codes, beside BERTopic.

For every bundled corpus with human codes, the units and embeddings of ``wp.map`` (default
segmentation and embedder, embeddings from the disk cache) are cut into two nested levels by
:func:`wildproblems.cluster.cluster_levels` (label-free, seed-free). BERTopic runs with its usual
defaults (as in ``benchmarks/quality.py``) on the same units and embeddings: its topics are its
code level, and its ``hierarchical_topics`` cut to as many topics as our theme level has are its
theme level (BERTopic has no rule of its own for that number).

Human codes per level:

* ``napire_2018``: causes and effects are mapped separately (their codebooks differ: 112 cause
  codes in 5 categories, 53 effect codes in 5), the code level against the primary ``code``, the
  theme level against the primary ``category``; answers without codes (NotCodable) are left out.
* the Danish corpora have one level of human themes (``theme``); both levels are scored against
  it, and only the code level has a count target there.

Per level and method: AMI, NMI, ARI against the primary human label (unclustered units count as
one more label), the clusters found against the human count, the unclustered share, and
**BCubed F** (extended BCubed of Amigó et al. 2009, *A comparison of extrinsic clustering
evaluation metrics based on formal constraints*): per unit, precision = how many of the units
sharing its cluster also share a code, recall = how many units sharing a code also share its
cluster, each pair weighted by the number of codes the two share, so an answer coded with two codes
is right to sit with either group. It is the measure built for overlapping gold categories with
a flat clustering, satisfies the four formal constraints (homogeneity, completeness, rag bag,
size vs quantity), and reads per unit; overlapping NMI and the omega index expect covers on both
sides. BERTopic's scores are means over ``--seeds`` seeds.

Usage::

    WILDPROBLEMS_CACHE=/work/cache python benchmarks/levels.py [--seeds 3] [--corpus NAME ...]
"""

from __future__ import annotations

import argparse
import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import wildproblems as wp
from wildproblems.cluster import cluster_levels


@dataclass(frozen=True)
class Spec:
    """A corpus (optionally one kind of it) and its human label columns per level."""

    corpus: str
    kind: str | None
    code: str  # primary label column of the code level
    theme: str | None  # primary label column of the theme level (None: no human themes)
    code_sets: str | None = None  # ';'-joined codes per unit (multi-label), else the primary
    theme_sets: str | None = None

    @property
    def name(self) -> str:
        return self.corpus + (f"/{self.kind}" if self.kind else "")


SPECS = [
    Spec("faellesskab_2025", None, "theme", None),
    Spec("foertidspension_2012", None, "theme", None),
    Spec("digital_velfaerd_2026", None, "theme", None),
    Spec("foertidspension_2012_statements", None, "theme", None),
    Spec("foertidspension_2012_sentences", None, "theme", None),
    Spec("napire_2018", "cause", "code", "category", "codes", "categories"),
    Spec("napire_2018", "effect", "code", "category", "codes", "categories"),
]


def _indicator(sets: list[set]) -> np.ndarray:
    """Units x items 0/1 matrix of a list of sets."""
    items = sorted(set().union(*sets), key=str)
    index = {c: i for i, c in enumerate(items)}
    M = np.zeros((len(sets), len(items)), dtype=np.float64)
    for row, s in enumerate(sets):
        M[row, [index[c] for c in s]] = 1.0
    return M


def bcubed_f(labels: np.ndarray | list[set], gold: list[set[str]]) -> float:
    """Extended BCubed F (Amigó et al. 2009) of a clustering against overlapping codes.

    ``labels``: one cluster per unit (-1, unclustered, counts as one cluster), or one *set* of
    clusters per unit (an answer that reaches several clusters); ``gold``: the set of codes of
    each unit (non-empty). Pairs are weighted by ``min(shared clusters, shared codes) / shared
    clusters`` for precision and ``/ shared codes`` for recall.

    >>> bcubed_f(np.array([0, 0, 1, 1]), [{"a"}, {"a"}, {"b"}, {"b"}])
    1.0
    >>> round(bcubed_f(np.array([0, 0, 0, 0]), [{"a"}, {"a"}, {"b"}, {"b"}]), 3)
    0.667
    >>> bcubed_f(np.array([0, 0, 1]), [{"a"}, {"a", "b"}, {"b"}]) < 1.0
    True
    >>> bcubed_f([{0}, {0, 1}, {1}], [{"a"}, {"a", "b"}, {"b"}])
    1.0
    """
    G = _indicator(gold)
    if isinstance(labels, np.ndarray):
        P = _indicator([{int(v)} for v in labels])
    else:
        P = _indicator(list(labels))
    shared_codes = G @ G.T
    shared_clusters = P @ P.T
    both = np.minimum(shared_codes, shared_clusters)
    with np.errstate(divide="ignore", invalid="ignore"):
        in_cluster, in_code = shared_clusters > 0, shared_codes > 0
        prec = np.where(in_cluster, both / shared_clusters, 0.0).sum(1) / in_cluster.sum(1)
        rec = np.where(in_code, both / shared_codes, 0.0).sum(1) / in_code.sum(1)
    p, r = float(prec.mean()), float(rec.mean())
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score(labels: np.ndarray, y: np.ndarray, sets: list[set[str]], mask: np.ndarray) -> dict:
    """Scores of one labelling of the units against one human level."""
    lab = labels[mask]
    return {
        "AMI": adjusted_mutual_info_score(y[mask], lab),
        "NMI": normalized_mutual_info_score(y[mask], lab),
        "ARI": adjusted_rand_score(y[mask], lab),
        "BCubed F": bcubed_f(lab, [s for s, m in zip(sets, mask) if m]),
        "clusters": len(set(labels[labels >= 0].tolist())),
        "unclustered": float((labels < 0).mean()),
    }


def bertopic_levels(
    docs: list[str], emb: np.ndarray, seed: int, n_themes: int
) -> tuple[np.ndarray, np.ndarray]:
    """BERTopic with its usual defaults: ``(topics, themes)``; ``themes`` merges topics along
    ``hierarchical_topics`` (smallest distance first) until ``n_themes`` remain."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    model = BERTopic(
        embedding_model=None,
        umap_model=UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
        ),
        hdbscan_model=HDBSCAN(
            min_cluster_size=10, metric="euclidean", cluster_selection_method="eom",
            prediction_data=True,
        ),
    )  # fmt: skip
    try:
        topics, _ = model.fit_transform(docs, embeddings=emb)
    except Exception:  # noqa: BLE001 - a benchmark records what happens: all outliers
        minus = np.full(len(docs), -1)
        return minus, minus
    topics = np.asarray(topics, dtype=int)
    ids = sorted(set(topics[topics >= 0].tolist()))
    if len(ids) <= n_themes:
        return topics, topics.copy()
    hier = model.hierarchical_topics(docs).sort_values("Distance", kind="stable")
    parent = {t: t for t in ids}

    def find(t: int) -> int:
        while parent[t] != t:
            t = parent[t]
        return t

    groups = len(ids)
    for members in hier["Topics"]:
        if groups <= n_themes:
            break
        roots = sorted({find(int(t)) for t in members})
        for r in roots[1:]:
            parent[r] = roots[0]
        groups -= len(roots) - 1
    themes = np.array([find(int(t)) if t >= 0 else -1 for t in topics])
    return topics, themes


def units_and_embeddings(spec: Spec) -> tuple[pd.DataFrame, np.ndarray]:
    """The units ``wp.map`` would cluster (default segmentation) and their cached embeddings."""
    from wildproblems.config import MapConfig
    from wildproblems.pipeline import embed_units, prepare_units

    df = wp.corpora.load(spec.corpus)
    if spec.kind:
        df = df[df["kind"] == spec.kind].reset_index(drop=True)
    meta = [c for c in (spec.code, spec.theme, spec.code_sets, spec.theme_sets) if c]
    cfg = MapConfig(progress=False)
    ing, units, _ = prepare_units(df, "text", "speaker", None, "id", meta, cfg.segment)
    emb = embed_units(units["text"].tolist(), cfg, None, None, n_answers=len(ing.answers))[0]
    return units.reset_index(drop=True), np.asarray(emb)


def _sets(units: pd.DataFrame, primary: str, sets: str | None) -> list[set[str]]:
    if sets is None:
        return [{v} if v else set() for v in units[primary].astype(str)]
    return [{c for c in v.split(";") if c} for v in units[sets].astype(str)]


def run(spec: Spec, seeds: list[int]) -> list[dict]:
    units, emb = units_and_embeddings(spec)
    theme, code, record = cluster_levels(emb)
    docs = units["text"].tolist()
    bt = [bertopic_levels(docs, emb, s, int(theme.max()) + 1) for s in seeds]
    rows = []
    for level, col, sets_col, ours, bt_idx in (
        ("code", spec.code, spec.code_sets, code, 0),
        ("theme", spec.theme or spec.code, spec.theme_sets if spec.theme else spec.code_sets,
         theme, 1),
    ):  # fmt: skip
        y = units[col].astype(str).to_numpy()
        mask = y != ""
        sets = _sets(units, col, sets_col)
        base = {
            "corpus": spec.name,
            "level": level,
            "human level": col,
            "units": int(mask.sum()),
            "multi-code": sum(len(s) > 1 for s, m in zip(sets, mask) if m),
            "human": len(set(y[mask].tolist())),
        }
        rows.append({**base, "method": "wildproblems", **score(ours, y, sets, mask)})
        bt_scores = pd.DataFrame([score(b[bt_idx], y, sets, mask) for b in bt]).mean()
        rows.append({**base, "method": "BERTopic", **bt_scores.to_dict()})
    rows[0]["_record"] = record
    return rows


def markdown(table: pd.DataFrame) -> str:
    """A pipe table (no extra dependency)."""
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def check(table: pd.DataFrame) -> list[str]:
    """The issue's targets: code level within 0.5x-2x the human code count and ahead of BERTopic
    by >= 0.10 AMI on average; theme level within 0.5x-2x the human categories (where a corpus
    has categories)."""
    lines = []
    leads = []
    for (name, level), g in table.groupby(["corpus", "level"], sort=False):
        w = g[g["method"] == "wildproblems"].iloc[0]
        b = g[g["method"] == "BERTopic"].iloc[0]
        ratio = w["clusters"] / w["human"]
        graded = level == "code" or w["human level"] == "category"
        if level == "code":
            leads.append(w["AMI"] - b["AMI"])
        if graded:
            ok = 0.5 <= ratio <= 2.0
            lines.append(
                f"{'PASS' if ok else 'MISS'} {name} {level}: {w['clusters']} clusters for "
                f"{w['human']} human ({ratio:.2f}x); AMI lead {w['AMI'] - b['AMI']:+.3f}"
            )
    mean = float(np.mean(leads))
    lines.append(f"{'PASS' if mean >= 0.10 else 'MISS'} code level: mean AMI lead {mean:+.3f}")
    return lines


def main(argv: list[str] | None = None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=3, help="BERTopic seeds (0..N-1)")
    ap.add_argument("--corpus", action="append", choices=[s.name for s in SPECS])
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    rows = []
    for spec in SPECS:
        if args.corpus and spec.name not in args.corpus:
            continue
        rows.extend(run(spec, list(range(args.seeds))))
    table = pd.DataFrame(rows)
    cols = ["corpus", "level", "human level", "units", "multi-code", "human", "method"]
    cols += ["clusters", "AMI", "NMI", "ARI", "BCubed F", "unclustered"]
    shown = table[cols].copy()
    for c in ("AMI", "NMI", "ARI", "BCubed F", "unclustered"):
        shown[c] = shown[c].astype(float).round(3)
    shown["clusters"] = shown["clusters"].astype(float).round(1)
    print(markdown(shown))
    print()
    print("\n".join(check(table)))
    print()
    for rec in table["_record"].dropna() if "_record" in table else []:
        print(
            f"n={rec['n_units']}: codes {rec['code']['k']} (target {rec['code']['target']}, "
            f"gap {rec['code']['gap']}), themes {rec['theme']['k']} (target "
            f"{rec['theme']['target']}, gap {rec['theme']['gap']})"
        )
    return table


if __name__ == "__main__":
    main()
