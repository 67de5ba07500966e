"""What the embedding cache writes and reads as a Dask run fills it: ``--n`` vectors (384-d,
random) added in writes of ``--partition`` texts, each write preceded by the lookup a worker
makes for its partition. Prints seconds (writes + lookups), bytes written to disk (Linux
``/proc/self/io``), the cache's size and that every vector is found afterwards.

``--embed-module PATH`` measures another version of ``wildproblems/embed.py`` (for instance the
one before segments: ``git show b33abd3:wildproblems/embed.py > /tmp/embed_old.py``).

Usage::

    python benchmarks/cache_writes.py --n 100000 --partition 1000
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def written_bytes() -> int:
    with open("/proc/self/io") as fh:
        for line in fh:
            if line.startswith("write_bytes"):
                return int(line.split()[1])
    return 0


def embed_module(path: str | None):
    if path is None:
        import wildproblems.embed as mod

        return mod
    src = Path(path).read_text(encoding="utf-8").replace("from .", "from wildproblems.")
    tmp = Path(tempfile.mkdtemp()) / "embed_other.py"
    tmp.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("embed_other", tmp)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30000)
    ap.add_argument("--partition", type=int, default=1000)
    ap.add_argument("--embed-module", help="another embed.py to measure")
    args = ap.parse_args()
    mod = embed_module(args.embed_module)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        cache = mod.EmbeddingCache(folder, "bench")
        parts = -(-args.n // args.partition)
        w0, t0, t_get = written_bytes(), time.perf_counter(), 0.0
        for p in range(parts):
            texts = [f"svar {p} {i}" for i in range(args.partition)]
            t1 = time.perf_counter()
            cache.get(texts)
            t_get += time.perf_counter() - t1
            cache.put(texts, rng.normal(size=(len(texts), 384)).astype(np.float32))
        os.sync()
        seconds, wrote = time.perf_counter() - t0, written_bytes() - w0
        size = sum(f.stat().st_size for f in cache.dir.glob("*.npz"))
        every = [f"svar {p} {i}" for p in range(parts) for i in range(args.partition)]
        found = len(cache.get(every)[0])
    print(
        f"{'texts':>8} {'writes':>6} {'seconds':>8} {'lookups s':>9} {'written GB':>10} "
        f"{'cache MB':>8} {'found':>8}"
    )
    print(
        f"{args.n:8d} {parts:6d} {seconds:8.1f} {t_get:9.1f} {wrote / 1e9:10.2f} "
        f"{size / 1e6:8.1f} {found:8d}"
    )


if __name__ == "__main__":
    main()
