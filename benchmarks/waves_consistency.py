"""How faithfully a saved map places answers: consistency, leave-one-out agreement, a second wave.

Maps a bundled corpus with the real default embedder, saves and loads it, places the training
answers back on the loaded map and prints the share of clustered units that keep their cluster
(the issue asks for >= 98 %). Also prints the leave-one-out agreement (each unit placed on the map
without itself: how a new text like it fares) for several neighbourhood sizes, what a random
half-split "second wave" looks like, timings, and — when BERTopic is installed — the same
save/load consistency for BERTopic on the same embeddings.

    python benchmarks/waves_consistency.py [--corpus foertidspension_2012_statements]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import wildproblems as wp
from wildproblems.waves.place import consistency


def bertopic_consistency(texts: list[str], emb: np.ndarray, folder: Path) -> float | None:
    """Share of BERTopic's non-outlier documents that keep their topic after save (safetensors)
    + load + transform of the same documents and embeddings."""
    try:
        from bertopic import BERTopic
        from hdbscan import HDBSCAN
        from umap import UMAP
    except ImportError:
        return None
    model = BERTopic(
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, random_state=0),
        hdbscan_model=HDBSCAN(min_cluster_size=10, prediction_data=True),
        calculate_probabilities=False,
    )
    topics, _ = model.fit_transform(texts, emb)
    model.save(folder / "bertopic", serialization="safetensors", save_ctfidf=True)
    again = BERTopic.load(str(folder / "bertopic"))
    topics2, _ = again.transform(texts, emb)
    topics, topics2 = np.asarray(topics), np.asarray(topics2)
    keep = topics >= 0
    return float((topics[keep] == topics2[keep]).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="foertidspension_2012_statements")
    ap.add_argument("--text", default="text")
    ap.add_argument("--id", default="id")
    ap.add_argument("--no-bertopic", action="store_true")
    args = ap.parse_args()

    df = wp.corpora.load(args.corpus)
    t0 = time.perf_counter()
    m = wp.map(df, text=args.text, id=args.id, segment=False, random_state=0, progress=False)
    t_map = time.perf_counter() - t0
    n_clustered = int((m.units["cluster"] >= 0).sum())
    print(
        f"corpus {args.corpus}: {len(m.units)} units, {len(m.clusters)} clusters, "
        f"{n_clustered} clustered; embedder {m.provenance['embedder']}; map {t_map:.1f}s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = m.save(folder / "map.wpmap")
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = wp.load(path)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = loaded.assign(df, text=args.text, id=args.id, wave="same answers")
        t_assign = time.perf_counter() - t0
        keep = m.units["cluster"].to_numpy() >= 0
        same = float(
            (again.units["cluster"].to_numpy()[keep] == m.units["cluster"].to_numpy()[keep]).mean()
        )
        print(
            f"file {path.stat().st_size / 1024:.0f} KiB; save {t_save:.2f}s, load {t_load:.2f}s, "
            f"assign {len(df)} answers {t_assign:.2f}s (embeddings from the cache)"
        )
        print(f"consistency after save/load (same cluster, clustered units): {same:.4f}")
        print(f"consistency(m) in memory: {consistency(m):.4f}")
        for k in (1, 3, 5, 10, 15):
            loo = consistency(m, leave_one_out=True, n_neighbors=k)
            print(f"leave-one-out agreement, n_neighbors={k:>2}: {loo:.4f}")
        if not args.no_bertopic:
            bt = bertopic_consistency(m.units["text"].tolist(), m.embeddings, folder)
            if bt is not None:
                print(
                    f"BERTopic on the same embeddings, safetensors save/load + transform: {bt:.4f}"
                )

    # random halves of one survey: nothing really changes, so a cluster should come out as a
    # significant shift in about 5 % of cases; counted both ways compare() can count the map
    flagged = {True: 0, False: 0}
    n_clusters = 0
    for split in range(5):
        rng = np.random.default_rng(split)
        half = rng.permutation(len(df)) < len(df) // 2
        first = wp.map(
            df[half], text=args.text, id=args.id, segment=False, random_state=0, progress=False
        )
        second = first.assign(df[~half], text=args.text, id=args.id, wave="second half")
        status = second.units["status"].value_counts(normalize=True).round(3).to_dict()
        print(
            f"random half-split {split}: map on {int(half.sum())}, place {int((~half).sum())}: "
            f"{status}; emerging clusters: {int(second.clusters['emerging'].sum())}"
        )
        for place_base in (True, False):
            cmp = wp.compare(first, second, names=("half 1", "half 2"), place_base=place_base)
            c = cmp.clusters[cmp.clusters["cluster"] >= 0]
            flagged[place_base] += int(c["significant"].sum())
        n_clusters += len(c)
    for place_base, label in (
        (True, "map placed leave-one-out (default)"),
        (False, "map's own clusters"),
    ):
        print(
            f"compare, {label}: {flagged[place_base]} of {n_clusters} clusters shift "
            f"significantly over 5 random half-splits ({flagged[place_base] / n_clusters:.1%}; "
            "95 % bootstrap over respondents, so about 5 % is expected)"
        )


if __name__ == "__main__":
    main()
