"""The multi-label measure and the target check of benchmarks/levels.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.levels import bcubed_f, check


def test_bcubed_perfect_and_worse():
    gold = [{"a"}, {"a"}, {"b"}, {"b"}, {"c"}, {"c"}]
    assert bcubed_f(np.array([0, 0, 1, 1, 2, 2]), gold) == 1.0
    assert bcubed_f(np.array([0, 0, 0, 0, 0, 0]), gold) < 0.6
    assert bcubed_f(np.array([0, 1, 2, 3, 4, 5]), gold) < 0.7


def test_bcubed_credits_either_code_of_a_multi_coded_unit():
    # unit 2 carries codes a and b: sitting with the a-group or the b-group is equally right
    gold = [{"a"}, {"a"}, {"a", "b"}, {"b"}, {"b"}]
    with_a = bcubed_f(np.array([0, 0, 0, 1, 1]), gold)
    with_b = bcubed_f(np.array([0, 0, 1, 1, 1]), gold)
    assert with_a == pytest.approx(with_b)
    # single-label scoring would call one of these placements wrong; extended BCubed does not
    # punish it more than missing the unit's second code (recall < 1 for both)
    assert 0.85 < with_a < 1.0
    assert bcubed_f(np.array([0, 0, 2, 1, 1]), gold) < with_a  # with neither group: worse


def test_check_applies_the_count_and_lead_targets():
    rows = []
    for corpus, level, hl, human, ours, w_ami, b_ami in (
        ("x", "code", "code", 40, 50, 0.30, 0.10),
        ("x", "theme", "category", 5, 12, 0.10, 0.05),
        ("y", "code", "theme", 10, 4, 0.20, 0.15),
        ("y", "theme", "theme", 10, 3, 0.10, 0.10),
    ):
        base = {"corpus": corpus, "level": level, "human level": hl, "human": human}
        rows.append({**base, "method": "wildproblems", "clusters": ours, "AMI": w_ami})
        rows.append({**base, "method": "BERTopic", "clusters": 9, "AMI": b_ami})
    lines = check(pd.DataFrame(rows))
    assert lines[0].startswith("PASS x code")
    assert lines[1].startswith("MISS x theme")  # 12 themes for 5 categories: 2.4x
    assert lines[2].startswith("MISS y code")  # 4 codes for 10: 0.4x
    assert len(lines) == 4  # y's theme level has no category count to meet
    assert lines[3].startswith("PASS code level: mean AMI lead +0.125")
