"""The default (ward) clustering: seed-free, order-free, chosen by resampling stability."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import blobs
from wildproblems.cluster import (
    Clusterer,
    cluster_embeddings,
    clustering_space,
    fold_ids,
    resampling_stability,
    tree_labels,
    ward_tree,
)


def test_ward_clusters_do_not_depend_on_seed_or_row_order():
    X, y = blobs(n_per=12, centers=4, dim=24, seed=3)
    rng = np.random.default_rng(0)
    X = X + rng.normal(0, 2.0, size=X.shape).astype(np.float32)  # overlapping, not trivial
    a, _, ca = cluster_embeddings(X, random_state=0)
    b, _, cb = cluster_embeddings(X, random_state=99)
    assert np.array_equal(a.labels_, b.labels_)
    perm = rng.permutation(len(X))
    c, _, _ = cluster_embeddings(X[perm], random_state=5)
    assert adjusted_rand_score(a.labels_[perm], c.labels_) == pytest.approx(1.0)
    assert ca["min_cluster_size"] == cb["min_cluster_size"]


def test_min_cluster_size_chosen_by_stability_and_recorded():
    X, y = blobs(n_per=15, centers=3, dim=16)
    cl, _, chosen = cluster_embeddings(X)
    assert adjusted_rand_score(y, cl.labels_) > 0.95
    assert chosen["method"] == "ward"
    assert "resampling" in chosen["selection"]
    stabs = {c["min_cluster_size"]: c["stability"] for c in chosen["candidates"]}
    assert len(stabs) >= 2
    assert chosen["min_cluster_size"] == max(stabs, key=lambda s: (stabs[s], -s))
    assert chosen["stability"] == stabs[chosen["min_cluster_size"]]


def test_given_size_skips_resampling():
    X, _ = blobs(n_per=15, centers=3, dim=16)
    cl = Clusterer(min_cluster_size=6).fit(X)
    assert cl.selection_ == "given" and cl.stability_ is None
    assert (np.bincount(cl.labels_[cl.labels_ >= 0]) >= 6).all()


def test_tree_labels_small_branches_fall_out_as_unclustered():
    # two tight groups of 6 and one far-away pair: with min size 3 the pair is not a cluster
    rng = np.random.default_rng(1)
    X = np.vstack(
        [rng.normal(0, 0.05, (6, 3)), rng.normal(5, 0.05, (6, 3)), [[20, 20, 20], [-20, 9, 9]]]
    )
    labels, strength = tree_labels(ward_tree(X), 3)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:12])) == 1
    assert labels[0] != labels[6]
    assert strength.shape == labels.shape


def test_clustering_space_is_centred_and_unit_length():
    X, _ = blobs(n_per=5, centers=2, dim=8)
    Z = clustering_space(X + 10)
    assert np.allclose(np.linalg.norm(Z, axis=1), 1.0)
    assert np.allclose(Z, clustering_space(X + 3))


def test_fold_ids_balanced_enough():
    X, _ = blobs(n_per=50, centers=2, dim=8)
    counts = np.bincount(fold_ids(X, 10), minlength=10)
    assert counts.min() >= 3


def test_connectivity_ward_for_large_corpora_gives_a_valid_tree():
    X, y = blobs(n_per=30, centers=3, dim=8)
    tree = ward_tree(X, exact_max=10)
    assert tree.shape == (len(X) - 1, 4)
    assert (np.diff(tree[:, 2]) >= 0).all()
    labels, _ = tree_labels(tree, 10)
    assert adjusted_rand_score(y, labels) > 0.9


def test_unknown_method_is_a_clear_error():
    with pytest.raises(ValueError, match="method must be one of"):
        Clusterer(method="kmeans").fit(np.zeros((5, 2)))


def _noisy_blobs() -> np.ndarray:
    X, _ = blobs(n_per=25, centers=4, dim=16, seed=7)
    rng = np.random.default_rng(3)
    return (X + rng.normal(0, 1.5, size=X.shape)).astype(np.float64)


def test_text_folds_ignore_floating_point_noise_in_the_embeddings():
    # Another CPU can give embeddings that differ in the 7th decimal: the folds, the stability of
    # every candidate size and the chosen clusters must not move with that.
    X = _noisy_blobs()
    texts = [f"svar nummer {i}" for i in range(len(X))]
    noisy = X + np.random.default_rng(11).normal(0, 1e-7, size=X.shape)
    a = Clusterer().fit(X, fold_keys=texts)
    b = Clusterer().fit(noisy, fold_keys=texts)
    assert [c["stability"] for c in a.candidates_] == [c["stability"] for c in b.candidates_]
    assert np.array_equal(a.labels_, b.labels_)
    assert "texts" in a.selection_


def test_text_folds_follow_the_texts_not_the_row_order_and_keep_duplicates_together():
    texts = [f"t{i % 40}" for i in range(100)]  # every text three or two times
    f = fold_ids(None, 10, keys=texts)
    perm = np.random.default_rng(0).permutation(100)
    assert np.array_equal(fold_ids(None, 10, keys=[texts[i] for i in perm]), f[perm])
    for t in set(texts):
        assert len({int(f[i]) for i, s in enumerate(texts) if s == t}) == 1
    # each partition (repeat) is a different split
    assert not np.array_equal(f, fold_ids(None, 10, keys=texts, repeat=1))


def test_vector_folds_survive_tiny_perturbations_and_are_balanced():
    X = _noisy_blobs()
    noisy = X + np.random.default_rng(5).normal(0, 1e-9, size=X.shape)
    assert np.array_equal(fold_ids(X, 10), fold_ids(noisy, 10))
    assert np.bincount(fold_ids(X, 10)).tolist() == [10] * 10


def test_stability_averages_several_partitions(monkeypatch):
    import wildproblems.cluster as cluster_mod

    X = _noisy_blobs()
    labels = {3: Clusterer(min_cluster_size=3).fit(X).labels_}
    texts = [f"u{i}" for i in range(len(X))]
    four = resampling_stability(X, labels, keys=texts, repeats=4)[3]
    original = cluster_mod.fold_ids
    each = []
    for r in range(4):  # partition r alone
        monkeypatch.setattr(
            cluster_mod, "fold_ids", lambda X, n, keys=None, repeat=0, r=r: original(X, n, keys, r)
        )
        each.append(resampling_stability(X, labels, keys=texts, repeats=1)[3])
    monkeypatch.setattr(cluster_mod, "fold_ids", original)
    assert len(set(each)) > 1  # the partitions really differ
    assert four == pytest.approx(np.mean(each), abs=1e-4)
    with pytest.raises(ValueError, match="keys has 3 entries"):
        resampling_stability(X, labels, keys=["a", "b", "c"])


def test_adjusted_rand_matches_scikit_learn():
    from wildproblems.cluster import adjusted_rand

    rng = np.random.default_rng(0)
    for n, ka, kb in [(50, 3, 4), (200, 12, 2), (7, 7, 1), (30, 1, 1), (10, 10, 10)]:
        a = rng.integers(-1, ka, size=n) if ka > 1 else np.zeros(n, dtype=int)
        b = rng.integers(0, kb, size=n) if kb > 1 else np.zeros(n, dtype=int)
        if (n, ka, kb) == (10, 10, 10):
            a, b = np.arange(10), np.arange(10)[::-1]
        assert adjusted_rand(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
        assert adjusted_rand(a, a) == pytest.approx(1.0)


def test_a_given_size_too_large_for_the_data_is_said_not_clamped_silently(caplog):
    from wildproblems.cluster import Clusterer

    X, _ = blobs(n_per=6, centers=3)
    with caplog.at_level("WARNING"):
        cl = Clusterer(min_cluster_size=15).fit(X)
    assert cl.min_cluster_size_ == 9
    assert "min_cluster_size=15 is more than half of the 18 units: 9 used" in cl.selection_
    assert "more than half" in caplog.text
    with pytest.raises(ValueError, match="at least 2"):
        Clusterer(min_cluster_size=1).fit(X)


def test_map_quality_and_waves_take_their_stages_from_one_place(monkeypatch, tiny_da):
    """map() and quality() build their clusterer, layout and labeller with
    wildproblems.stages.build_stages from the map's config (so do the waves' emerging clusters),
    and the map's provenance records what those stages are."""
    import wildproblems as wp
    import wildproblems.pipeline
    import wildproblems.quality
    from tests.conftest import TINY_ROLES, CountingEmbedder
    from wildproblems.stages import build_stages

    seen = []

    def spy(cfg, progress=None, embedder=None):
        seen.append(cfg.min_cluster_size)
        return build_stages(cfg, progress, embedder)

    for mod in (wildproblems.pipeline, wildproblems.quality):
        monkeypatch.setattr(mod, "build_stages", spy)
    emb = CountingEmbedder()
    m = wp.map(tiny_da, **TINY_ROLES, embedder=emb, min_cluster_size=4, progress=False, cache=False)
    assert seen == [4]
    m.quality(seeds=(1,))
    assert len(seen) > 1 and set(seen) == {4}
    assert m.provenance["stages"]["cluster"] == build_stages(m.config).describe()["cluster"]
