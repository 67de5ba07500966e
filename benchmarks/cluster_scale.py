"""Does map() stay useful and affordable from tens to tens of thousands of units?

Embedding 30,000 texts with the default embedder takes ~17 minutes on 2 cores, so this script
feeds precomputed vectors: a mixture of ``--themes`` Gaussian themes in 384 dimensions (unequal
sizes and spreads, unit-normalised, like sentence embeddings) and, for the labeller, short texts
made of each theme's own words plus common filler. It prints, per corpus size, the time of each
stage, the number of clusters, the unclustered share and the AMI against the planted themes.

Usage::

    python benchmarks/cluster_scale.py --sizes 30 300 3000 30000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FILLER = ["vi", "skal", "have", "mere", "fokus", "på", "det", "er", "vigtigt", "at", "og"]


def synthetic(n: int, themes: int, dim: int = 384, seed: int = 0):
    rng = np.random.default_rng(seed)
    k = min(themes, max(2, n // 8))
    weights = rng.dirichlet(np.full(k, 2.0))
    sizes = np.maximum(3, np.round(weights * n).astype(int))
    sizes[-1] = max(3, n - sizes[:-1].sum())
    centres = rng.normal(size=(k, dim))
    vocab = [[f"tema{t}ord{w}" for w in range(6)] for t in range(k)]
    X, y, texts = [], [], []
    for t, size in enumerate(sizes):
        spread = rng.uniform(0.8, 1.6)
        X.append(centres[t] + rng.normal(scale=spread, size=(size, dim)))
        y += [t] * size
        for _ in range(size):
            words = list(rng.choice(vocab[t], 3)) + list(rng.choice(FILLER, 4))
            texts.append(" ".join(rng.permutation(words)))
    X = np.vstack(X)[:n]
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), np.array(y[:n]), texts[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 3000, 30000])
    ap.add_argument("--themes", type=int, default=40)
    args = ap.parse_args()
    from sklearn.metrics import adjusted_mutual_info_score

    import wildproblems as wp

    print(
        f"{'units':>7} {'themes':>6} {'reduce':>7} {'cluster':>8} {'label':>6} {'total':>7} "
        f"{'clusters':>8} {'unclust':>7} {'AMI':>6} {'min_cluster_size':>16}"
    )
    for n in args.sizes:
        X, y, texts = synthetic(n, args.themes)
        t = time.perf_counter()
        m = wp.map(texts, embeddings=X, segment=False, progress=False)
        total = time.perf_counter() - t
        s = m.provenance["timings_s"]
        ami = adjusted_mutual_info_score(y, m.units["cluster"])
        print(
            f"{n:7d} {len(set(y)):6d} {s['reduce']:7.2f} {s['cluster']:8.2f} {s['label']:6.2f} "
            f"{total:7.2f} {len(m.clusters):8d} {m.unclustered_share():7.3f} {ami:6.3f} "
            f"{m.provenance['chosen']['all']['min_cluster_size']:16d}"
        )


if __name__ == "__main__":
    main()
