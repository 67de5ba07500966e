import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import blobs
from wildproblems.cluster import Clusterer, _relabel_by_size, assign_to_nearest, candidate_sizes
from wildproblems.layout import Reducer


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
