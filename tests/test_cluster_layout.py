import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import blobs
from wildproblems.cluster import (
    DIFFUSE_BELOW,
    Clusterer,
    _relabel_by_size,
    assign_to_nearest,
    candidate_sizes,
    cluster_cohesion,
    cosine_silhouette,
)
from wildproblems.layout import (
    TARGET_WEIGHT,
    Layout,
    Reducer,
    attainable_neighbour_share,
    neighbour_share,
    within_cluster_trustworthiness,
)


def test_auto_clusterer_finds_blobs_and_explains_choice():
    X, y = blobs(n_per=20, centers=4, dim=5)
    cl = Clusterer().fit(X)
    assert adjusted_rand_score(y, cl.labels_) > 0.95
    assert cl.min_cluster_size_ in candidate_sizes(len(X))
    assert len(cl.candidates_) == len(candidate_sizes(len(X)))
    assert {"stability", "n_clusters", "unclustered_share"} <= set(cl.candidates_[0])
    assert "resampling" in cl.selection_


def test_hdbscan_method_explains_choice_by_validity():
    X, y = blobs(n_per=20, centers=4, dim=5)
    cl = Clusterer(method="hdbscan").fit(X)
    assert adjusted_rand_score(y, cl.labels_) > 0.95
    assert {"validity", "n_clusters", "unclustered_share"} <= set(cl.candidates_[0])
    assert "relative validity" in cl.selection_


def test_given_min_cluster_size_is_used():
    X, _ = blobs(n_per=20, centers=3, dim=5)
    assert Clusterer(min_cluster_size=7).fit(X).min_cluster_size_ == 7


def test_relabel_by_size_largest_first():
    assert _relabel_by_size(np.array([5, 5, 2, 2, 2, -1])).tolist() == [1, 1, 0, 0, 0, -1]


def test_assign_to_nearest_marks_assigned():
    X = np.array([[0.0], [0.1], [5.0], [5.1], [4.8], [0.3]])
    lab, mask = assign_to_nearest(X, np.array([0, 0, 1, 1, -1, -1]), k=2)
    assert lab.tolist() == [0, 0, 1, 1, 1, 0]
    assert mask.tolist() == [False, False, False, False, True, True]


def test_reducer_deterministic_and_validates():
    X, _ = blobs(n_per=15, centers=3, dim=16)
    a = Reducer(n_components=2, random_state=3).fit_transform(X)
    b = Reducer(n_components=2, random_state=3).fit_transform(X)
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="at least 10 units"):
        Reducer().fit_transform(X[:5])
    bad = X.copy()
    bad[4, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf in rows \[4\]"):
        Reducer().fit_transform(bad)


def test_layout_with_labels_draws_clusters_as_regions():
    # structureless data and arbitrary labels: a plain map mixes them, the supervised one
    # separates them, and unclustered units (-1) are still placed
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 16)).astype("float32")
    lab = np.repeat([0, 1, 2], 30)
    lab[::15] = -1
    plain = Layout(random_state=0).fit_transform(X)
    lay = Layout(random_state=0)
    xy = lay.fit_transform(X, lab)
    assert neighbour_share(plain, lab) < 0.5  # about chance (1/3)
    assert neighbour_share(xy, lab) > 0.75
    assert lay.supervised_ and lay.describe()["target_weight"] == TARGET_WEIGHT
    assert np.isfinite(xy).all() and xy.shape == (90, 2)
    none = Layout(random_state=0)
    none.fit_transform(X, np.full(90, -1))
    assert not none.supervised_  # nothing clustered: a plain map
    with pytest.raises(ValueError, match="labels has shape"):
        Layout().fit_transform(X, lab[:5])


def test_layout_metrics():
    xy = np.array([[0, 0], [0, 1], [0, 2], [9, 9], [9, 8], [9, 7]], dtype=float)
    lab = np.array([0, 0, 0, 1, 1, 1])
    assert neighbour_share(xy, lab, k=2) == 1.0
    assert neighbour_share(xy, np.array([0, 1, 0, 1, 0, 1]), k=2) < 0.5
    assert attainable_neighbour_share(lab, k=5) == pytest.approx(0.4)
    X, y = blobs(n_per=20, centers=2, dim=8)
    good = X[:, :2] * 10
    rng = np.random.default_rng(0)
    assert within_cluster_trustworthiness(X, good, y) > within_cluster_trustworthiness(
        X, rng.normal(size=(40, 2)), y
    )


def test_cluster_cohesion_marks_diffuse_clusters():
    X, y = blobs(n_per=15, centers=3, dim=16)
    lab = y.copy()
    lab[::3] = 3  # a fourth "cluster" made of units taken from the three others
    coh = cluster_cohesion(X, lab)
    assert min(coh[0], coh[1], coh[2]) > 0.3
    assert coh[3] < DIFFUSE_BELOW
    assert np.isnan(cluster_cohesion(X, np.zeros(len(X), dtype=int))[0])


@pytest.mark.parametrize("seed", range(4))
def test_cosine_silhouette_is_scikit_learns_without_the_pairs(seed):
    from sklearn.metrics import silhouette_samples

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 7))
    X[:2] = 0.0  # zero rows: distance 1 from everything
    lab = rng.integers(0, 4, len(X))
    lab[5] = 9  # a unit alone in its cluster scores 0
    got = cosine_silhouette(X, lab, block=int(rng.integers(1, 50)))
    np.testing.assert_allclose(got, silhouette_samples(X, lab, metric="cosine"), atol=1e-9)
