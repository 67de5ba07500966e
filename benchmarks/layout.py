"""Clusters as regions of the map: the layout before (plain UMAP) and after (UMAP supervised by
the clusters, ``wildproblems.layout.Layout``), on the five labelled Danish corpora.

For every corpus ``wp.map`` runs with its defaults (embeddings from the disk cache); the map's
own coordinates are *after*; *before* is the same UMAP (same neighbours, ``min_dist``, seed)
without the cluster labels, i.e. the layout ``wp.map`` drew until the clusters were passed to it.
Printed per corpus:

* ``nbr`` - the share of each clustered unit's 10 nearest map neighbours that are in its cluster
  (:func:`wildproblems.layout.neighbour_share`); ``max`` is the highest any map could reach
  (a unit of a cluster of 4 can have at most 3 of its 10 neighbours there), chance is about
  1 / number of clusters;
* ``trust`` - within-cluster trustworthiness (:func:`wildproblems.layout.within_cluster_trustworthiness`,
  scikit-learn's trustworthiness of each cluster's units, cosine in the embedding space against
  the 2-d map, 5 neighbours, size-weighted mean): does the map keep the local structure inside a
  cluster?
* ``diffuse`` - clusters marked diffuse (``m.clusters["diffuse"]``, cohesion below 0.03).

Usage::

    WILDPROBLEMS_CACHE=/work/cache python benchmarks/layout.py [--seeds 1] [--target-weight W ...]

``--target-weight`` adds columns for other weights (the default is
``wildproblems.layout.TARGET_WEIGHT``).
"""

from __future__ import annotations

import argparse
import logging
import warnings

import numpy as np
import pandas as pd

import wildproblems as wp
from wildproblems.layout import (
    Reducer,
    attainable_neighbour_share,
    neighbour_share,
    within_cluster_trustworthiness,
)

#: The five labelled Danish corpora (as in benchmarks/quality.py).
CORPORA = (
    "faellesskab_2025",
    "foertidspension_2012",
    "digital_velfaerd_2026",
    "foertidspension_2012_sentences",
    "foertidspension_2012_statements",
)


def run(seeds: int, weights: list[float]) -> pd.DataFrame:
    """One row per corpus (means over ``seeds`` seeds of the map)."""
    rows = []
    for name in CORPORA:
        df = wp.corpora.load(name)
        acc: dict[str, list[float]] = {}
        for seed in range(seeds):
            m = wp.map(
                df, text="text", respondent="speaker", id="id", random_state=seed, progress=False
            )
            for _kind, u in m.units.groupby("kind", sort=False):
                idx = u.index.to_numpy()
                X, lab = m.embeddings[idx], u["cluster"].to_numpy()
                before = Reducer(n_components=2, min_dist=0.1, random_state=seed).fit_transform(X)
                after = u[["x", "y"]].to_numpy()
                vals = {
                    "nbr before": neighbour_share(before, lab),
                    "nbr after": neighbour_share(after, lab),
                    "nbr max": attainable_neighbour_share(lab),
                    "trust before": within_cluster_trustworthiness(X, before, lab),
                    "trust after": within_cluster_trustworthiness(X, after, lab),
                }
                for w in weights:
                    xy = Reducer(n_components=2, min_dist=0.1, random_state=seed).fit_transform(
                        X, lab, target_weight=w
                    )
                    vals[f"nbr w={w}"] = neighbour_share(xy, lab)
                    vals[f"trust w={w}"] = within_cluster_trustworthiness(X, xy, lab)
                for key, v in vals.items():
                    acc.setdefault(key, []).append(v)
        cl = m.clusters
        rows.append(
            {
                "corpus": name,
                "units": len(m.units),
                "clusters": len(cl),
                **{k: round(float(np.nanmean(v)), 3) for k, v in acc.items()},
                "diffuse": f"{int(cl['diffuse'].sum())}/{len(cl)}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--target-weight", type=float, nargs="*", default=[])
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.simplefilter("ignore")
    table = run(args.seeds, args.target_weight)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
