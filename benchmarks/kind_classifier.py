"""Accuracy of the cause/solution classifier on texts whose kind the source makes explicit.

Evaluation sets (none of them is used to train the classifier, whose training sentences are
``wildproblems/model/data/kind_train.csv``; see ``benchmarks/train_kind_model.py``):

* ``kinds_eval_da`` - Danish report sentences labelled by hand from the seeds' sections on
  challenges vs alternatives/recommendations (corpora/README.md);
* every bundled corpus with a ``kind`` column (rows with a kind): ``digital_velfaerd_2026`` (by
  chapter), ``foertidspension_2012_statements`` / ``_sentences`` (weak, lexical labels from
  marker words in corpora/build.py, which overlap with the classifier's markers);
* ``tiny_da`` (tests/data) - short survey-style answers written for the tests;
* ``napire_causes_en`` - NaPiRE 2018 (CC BY 4.0) answers to "what caused the problem" (English,
  codable answers, one row per answer); all true kinds are ``cause``, so only cause recall is
  meaningful there. The NaPiRE *effects* are neither causes nor solutions: the script prints how
  they are classified (share cause / solution / other), not an accuracy.

Per set and classifier it prints n, per-class recall (a unit predicted ``other`` counts as
wrong), balanced accuracy (mean recall over the true kinds present), accuracy, coverage (share not
``other``) and the majority baseline; for ``after`` also the mean probability of the predicted
kind and the expected calibration error (``ece``: |accuracy - mean probability| over 5 bins). Classifiers: ``before`` (the spec's anchor classifier with
its cues, as before the kind model), ``after`` (the shipped kind model with the spec's anchors and
cues as extra evidence, what the pipeline uses), ``model only`` (without the spec), ``markers
only`` (the kind with more marker matches). Run::

    PYTHONPATH=. python benchmarks/kind_classifier.py [--model velfaerd-2035] [--write]

``--write`` stores the ``after`` figures on ``kinds_eval_da`` and the bundled corpora in
``wildproblems/model/data/kind_model.json`` (``measured``), which ``m.quality()`` shows.
"""

from __future__ import annotations

import argparse
import glob
import json
from pathlib import Path

import numpy as np
import pandas as pd

from wildproblems import corpora
from wildproblems.embed import embed_texts, get_embedder
from wildproblems.model.anchors import AnchorEmbedder
from wildproblems.model.kind_model import META, classify, marker_counts
from wildproblems.model.kinds import KindClassifier
from wildproblems.model.spec import load_model

ROOT = Path(__file__).resolve().parents[1]
NAPIRE = ROOT.parent / "shared" / "data" / "napire2018" / "freetext_coded"
if not NAPIRE.is_dir():
    NAPIRE = Path("/work/shared/data/napire2018/freetext_coded")
KINDS = ("cause", "solution")


def _napire(first: int, last: int) -> list[str]:
    texts: list[str] = []
    for v in range(first, last + 1):
        for f in sorted(glob.glob(str(NAPIRE / f"v_{v}_*.csv"))):
            df = pd.read_csv(f, sep=";", encoding="latin-1", dtype=str, keep_default_na=False)
            df = df[df["tag"] != "NotCodable"]
            col = f"v_{v}"
            answers = df.drop_duplicates(["lfdn", col])[col].str.strip()
            texts += [t for t in answers if len(t) > 0]
    return texts


def evaluation_sets() -> dict[str, tuple[list[str], np.ndarray]]:
    """name -> (texts, true kinds)."""
    out = {}
    names = ["kinds_eval_da"] + [
        n for n in corpora.list() if n != "kinds_eval_da" and "kind" in corpora.load(n).columns
    ]
    for name in names:
        df = corpora.load(name)
        df = df[df["kind"].isin(KINDS)]
        if len(df):
            out[name] = (df["text"].tolist(), df["kind"].to_numpy())
    tiny = pd.read_csv(ROOT / "tests" / "data" / "tiny_da.csv", dtype=str, keep_default_na=False)
    kind = tiny["type"].map({"årsag": "cause", "løsning": "solution"}).to_numpy()
    out["tiny_da (test data)"] = (tiny["svar"].tolist(), kind)
    if NAPIRE.is_dir():
        causes = _napire(277, 281)
        out["napire_causes_en"] = (causes, np.full(len(causes), "cause", dtype=object))
    return out


def scores(truth: np.ndarray, pred: np.ndarray, prob: np.ndarray | None = None) -> dict:
    """Per-class recall, balanced accuracy, accuracy, coverage; with ``prob`` (the predicted
    kind's probability) also its mean and the expected calibration error (5 equal-width bins)."""
    row: dict = {"n": len(truth)}
    recalls = []
    for k in KINDS:
        m = truth == k
        r = float((pred[m] == k).mean()) if m.any() else float("nan")
        row[f"recall_{k}"] = round(r, 3)
        if m.any():
            recalls.append(r)
    row["balanced_acc"] = round(float(np.mean(recalls)), 3)
    row["accuracy"] = round(float((pred == truth).mean()), 3)
    row["coverage"] = round(float((pred != "other").mean()), 3)
    if prob is not None:
        hit = (pred == truth).astype(float)
        bins = np.minimum((prob * 5).astype(int), 4)
        ece = sum(
            abs(hit[bins == b].mean() - prob[bins == b].mean()) * (bins == b).mean()
            for b in range(5)
            if (bins == b).any()
        )
        row["mean_prob"] = round(float(prob.mean()), 3)
        row["ece"] = round(float(ece), 3)
    return row


def markers_only(texts: list[str]) -> np.ndarray:
    c = np.array([marker_counts(t) for t in texts])
    sol, cause = c[:, 0] + c[:, 1], c[:, 2]
    return np.where(sol > cause, "solution", np.where(cause > sol, "cause", "other"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="velfaerd-2035")
    ap.add_argument("--write", action="store_true", help="store the figures beside the weights")
    args = ap.parse_args()
    spec = load_model(args.model)
    embedder = get_embedder()
    anchors = AnchorEmbedder(embedder)
    before = KindClassifier(spec).fit(anchors)
    rows = []
    sets = evaluation_sets()
    for name, (texts, truth) in sets.items():
        X, _ = embed_texts(texts, embedder, progress=False)
        preds = {
            "before": before.predict(texts, X)["kind"].to_numpy(),
            "after": (after := classify(texts, X, spec, embedder.model_id, anchors))[
                "kind"
            ].to_numpy(),
            "model only": classify(
                texts, X, spec, embedder.model_id, cue_weight=0.0, anchor_weight=0.0
            )["kind"].to_numpy(),
            "markers only": markers_only(texts),
        }
        majority = pd.Series(truth).value_counts().index[0]
        preds["majority"] = np.full(len(truth), majority, dtype=object)
        for cname, pred in preds.items():
            prob = after["kind_score"].to_numpy() if cname == "after" else None
            rows.append({"set": name, "classifier": cname, **scores(truth, pred, prob)})
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(table.to_string(index=False))
    if NAPIRE.is_dir():
        effects = _napire(282, 286)
        X, _ = embed_texts(effects, embedder, progress=False)
        share = classify(effects, X, spec, embedder.model_id, anchors)["kind"].value_counts(
            normalize=True
        )
        print(
            f"\nnapire effects (en, n={len(effects)}, neither cause nor solution) classified as: "
            + ", ".join(f"{k} {v:.3f}" for k, v in share.items())
        )
    print(f"\nmodel {spec.id}, embedder {embedder.model_id}")
    if args.write:
        after = table[table["classifier"] == "after"].set_index("set")
        measured = {
            "by": "benchmarks/kind_classifier.py",
            "model_spec": spec.id,
            "sets": {
                s: {k: v for k, v in after.loc[s].items() if k != "classifier"}
                for s in after.index
                if s in ("kinds_eval_da",) or s in corpora.list()
            },
        }
        measured["headline"] = {
            "set": "kinds_eval_da",
            "balanced_accuracy": measured["sets"]["kinds_eval_da"]["balanced_acc"],
            "n": int(measured["sets"]["kinds_eval_da"]["n"]),
        }
        meta = json.loads(META.read_text(encoding="utf-8"))
        meta["measured"] = json.loads(json.dumps(measured, default=float))
        META.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote measured figures to {META}")


if __name__ == "__main__":
    main()
