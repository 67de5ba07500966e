"""The label-peeking ceiling diagnostic of ``benchmarks/quality.py``."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.quality import ceiling, ceiling_table


def _blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.eye(8)[:4] * 4
    emb = np.vstack([rng.normal(c, 0.3, size=(12, 8)) for c in centres])
    return emb, np.repeat(np.array(list("abcd")), 12)


def test_ceiling_finds_planted_themes():
    emb, themes = _blobs()
    c = ceiling(emb, themes, np.ones(len(themes), dtype=bool))
    assert c == {"ward_best": 1.0, "ward_best_k": 4, "ward_at_themes": 1.0, "kmeans_at_themes": 1.0}


def test_ceiling_of_unrelated_labels_is_low():
    emb, _ = _blobs()
    rng = np.random.default_rng(1)
    themes = rng.choice(list("abcd"), size=len(emb))
    c = ceiling(emb, themes, np.ones(len(themes), dtype=bool))
    assert c["ward_at_themes"] < 0.2 and c["kmeans_at_themes"] < 0.2
    # the best cut is chosen by looking at the labels, so it is at least the cut at 4
    assert c["ward_best"] >= c["ward_at_themes"]


def test_ceiling_ignores_unthemed_units():
    emb, themes = _blobs()
    themes = themes.copy()
    themes[:12] = ""  # theme "a" unknown: scored on the other 36 units only
    mask = themes != ""
    c = ceiling(emb, themes, mask)
    # three themes remain; the four blobs need four clusters to separate them exactly
    assert c["ward_best"] == 1.0 and c["ward_best_k"] == 4
    assert c["ward_at_themes"] < 1.0


def test_ceiling_table_says_whether_the_bar_is_reachable():
    import pandas as pd

    ceil = {"ward_best": 0.30, "ward_best_k": 40, "ward_at_themes": 0.28, "kmeans_at_themes": 0.27}
    table = pd.DataFrame(
        [
            {"corpus": "x", "themes": 36, "method": "wildproblems", "AMI": 0.286, "_ceiling": ceil},
            {"corpus": "x", "themes": 36, "method": "BERTopic", "AMI": 0.229, "_ceiling": None},
            {"corpus": "y", "themes": 5, "method": "wildproblems", "AMI": 0.5, "_ceiling": ceil},
            {"corpus": "y", "themes": 5, "method": "BERTopic", "AMI": 0.0, "_ceiling": None},
        ]
    )
    out = ceiling_table(table).set_index("corpus")
    assert out.loc["x", "bar reachable"] == "no"
    assert out.loc["x", "bar (BERTopic + 0.10)"] == pytest.approx(0.329)
    assert out.loc["y", "bar reachable"] == "yes"
    assert out.loc["x", "best Ward cut (k)"] == "0.3 (40)"


def test_labels_benchmark_matches_each_theme_to_its_best_cluster():
    from benchmarks.labels import best_cluster, content_words

    themes = np.array(["a", "a", "a", "b", "b", ""])
    clusters = np.array([0, 0, 1, 1, 1, -1])
    assert best_cluster(themes, clusters, "a") == 0  # F1 0.8 against 0.33
    assert best_cluster(themes, clusters, "b") == 1
    assert content_words("2 Mangel på hænder", frozenset({"på"})) == "mangel hænder"
