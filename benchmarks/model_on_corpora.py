"""Run ``wp.map(..., model=...)`` on the bundled corpora and print pathways, corners and kinds.

Kind columns are left out on purpose, so the cause/solution classifier runs; where the corpus has
explicit kinds the script prints how the classified kinds compare. Run::

    python benchmarks/model_on_corpora.py [--corpus foertidspension_2012_statements]
        [--model velfaerd-2035] [--group COLUMN]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import pandas as pd

import wildproblems as wp

RESPONDENT = {"foertidspension_2012_statements": "section", "foertidspension_2012": "role"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="foertidspension_2012_statements")
    ap.add_argument("--model", default="velfaerd-2035")
    ap.add_argument("--group", default=None, help="metadata column for the conflict corner")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)
    pd.set_option("display.width", 220)
    pd.set_option("display.max_colwidth", 70)
    df = wp.corpora.load(args.corpus)
    resp = RESPONDENT.get(args.corpus, "speaker")
    df = df.assign(**{resp: df[resp].replace("", "(none)")})
    t0 = time.perf_counter()
    m = wp.map(
        df.drop(columns=["kind"]),
        text="text",
        respondent=resp,
        id="id",
        model=args.model,
        group=args.group,
        random_state=args.seed,
        progress=False,
    )
    print(f"{args.corpus} with model {args.model}: {time.perf_counter() - t0:.1f}s")
    print(m)
    print("\nclassified kinds:", m.units["kind"].value_counts().to_dict())
    explicit = df.set_index("id")["kind"]
    u = m.units.assign(true=m.units["answer_id"].map(explicit))
    u = u[u["true"].isin(["cause", "solution"])]
    if len(u):
        print("explicit rows (true x classified):")
        print(pd.crosstab(u["true"], u["kind"]))
        print(f"accuracy {float((u['true'] == u['kind']).mean()):.3f} on {len(u)} units")
    cols = ["pathway", "name", "cluster_labels", "weights", "share", "respondents"]
    cols += [c for c in m.pathways.columns if c.startswith("axis:")]
    print("\npathways:\n" + m.pathways[cols].to_string(index=False))
    for name, quotes in zip(m.pathways["name"], m.pathways["quotes"]):
        print(f"  {name}: {quotes[:2]}")
    print("\nprovenance model:", {k: v for k, v in m.provenance["model"].items() if k != "path"})
    print("\ncorners:\n" + m.corners.drop(columns=["method"]).to_string(index=False))
    print("\nrespondents:", m.respondents.shape, list(m.respondents.columns)[:12])


if __name__ == "__main__":
    main()
