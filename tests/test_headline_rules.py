"""The headline rules hold on every bundled corpus (issue 13).

Rules: a one-word headline is a noun; no headline is only the corpus-wide topic word; no two
clusters of a kind share a lemma (or stem) in their headlines; no numbered fallback; no quote twice
on a card. All bundled corpora with texts are mapped with a fast deterministic embedder (the
rules are the labeller's, whatever the vectors); with the real default embedder they are checked
on the session's ``real_map`` (faellesskab_2025), which costs no extra embedding.
"""

import pytest

import wildproblems as wp
from wildproblems.outputs.report import cluster_quotes
from wildproblems.phrases import headline_rule_violations

CORPORA = [n for n in wp.corpora.list() if "text" in wp.corpora.load(n).columns]


def _card_duplicates(m) -> list[str]:
    from wildproblems.label import quote_key

    out = []
    for key in m.clusters["cluster_key"]:
        keys = [quote_key(q["text"]) for q in cluster_quotes(m, key, 5)]
        if len(set(keys)) != len(keys):
            out.append(f"{key}: a quote twice on its card")
    return out


@pytest.mark.parametrize("name", CORPORA)
def test_headline_rules_hold_on_every_bundled_corpus(name, counting_embedder):
    m = wp.map(
        wp.corpora.load(name),
        text="text",
        respondent="speaker",
        embedder=counting_embedder,
        random_state=0,
        progress=False,
    )
    assert len(m.clusters) >= 2
    problems = headline_rule_violations(m.units, m.clusters) + _card_duplicates(m)
    assert problems == []
    assert all("won:" in a for a in m.clusters["label_audit"])  # every headline says why


def test_headline_rules_hold_with_the_real_embedder(real_map):
    assert headline_rule_violations(real_map.units, real_map.clusters) == []
    assert _card_duplicates(real_map) == []
    assert real_map.clusters["label_audit"].str.contains("meaning").all()  # ranked by meaning


def test_violations_are_found():
    import pandas as pd

    units = pd.DataFrame(
        {
            "kind": ["all"] * 6,
            "cluster": [0, 0, 0, 1, 1, 1],
            "text": ["ensom og trist", "ensom", "meget ensom", "lange ventetider",
                     "ventetider", "ventetid igen"],
        }
    )  # fmt: skip
    clusters = pd.DataFrame(
        {
            "kind": ["all", "all"],
            "cluster": [0, 1],
            "label": ["Ensom", "Ventetider (2)"],
            "quotes": [["ensom", "Ensom!"], ["ventetider"]],
        }
    )
    problems = " | ".join(headline_rule_violations(units, clusters))
    assert "not a noun" in problems
    assert "numbered fallback" in problems
    assert "a quote twice" in problems
