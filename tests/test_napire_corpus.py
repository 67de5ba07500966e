"""The bundled NaPiRE 2018 corpus: counts, columns, code sets, and the build that makes it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corpora.reports import napire_2018 as build_napire
from wildproblems import corpora

REPO = Path(__file__).resolve().parents[1]
NAPIRE = Path(__file__).resolve().parents[2] / "shared" / "data" / "napire2018"
needs_napire = pytest.mark.skipif(
    not NAPIRE.is_dir(), reason=f"NaPiRE 2018 data not found at {NAPIRE}"
)
#: answers per (kind, problem rank): the distinct respondents of each source file
ANSWERS = {
    ("cause", "1"): 365, ("cause", "2"): 344, ("cause", "3"): 322, ("cause", "4"): 296,
    ("cause", "5"): 274, ("effect", "1"): 334, ("effect", "2"): 316, ("effect", "3"): 300,
    ("effect", "4"): 274, ("effect", "5"): 262,
}  # fmt: skip


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return corpora.load("napire_2018")


def test_rows_and_columns(frame):
    assert list(frame.columns) == build_napire.COLUMNS
    assert len(frame) == sum(ANSWERS.values()) == 3087
    counts = frame.groupby(["kind", "problem_rank"]).size().to_dict()
    assert counts == ANSWERS
    assert frame["id"].is_unique and not frame.isna().any().any()
    assert (frame["text"].str.len() > 0).all()
    assert not frame["text"].str.contains(r"[^\x00-\x7f]").any()  # broken characters repaired
    # one answer per respondent and question
    assert not frame.duplicated(["speaker", "variable"]).any()


def test_codes_and_categories(frame):
    book = build_napire.read_codebook(NAPIRE) if NAPIRE.is_dir() else None
    for kind, n_codes, n_cats in (("cause", 115, 6), ("effect", 53, 5)):
        part = frame[frame["kind"] == kind]
        coded = part[part["code"] != ""]
        assert coded["code"].nunique() <= n_codes
        assert (
            set(coded["category"]) - {""}
            and coded["category"].replace("", pd.NA).nunique() == n_cats
        )
        for _, row in coded.iterrows():
            codes = row["codes"].split(";")
            assert codes[0] == row["code"] and int(row["n_codes"]) == len(codes)
            assert row["category"] == "" or row["category"] in row["categories"].split(";")
            if book is not None:
                assert row["category"] == book[kind].get(row["code"], "")
    multi = frame[frame["n_codes"].astype(int) > 1]
    assert len(multi) == 31  # answers the coders gave several codes
    uncodable = frame[frame["n_codes"] == "0"]
    assert (uncodable["code"] == "").all() and (uncodable["codes"] == "").all()
    assert len(uncodable) == 148
    assert (frame["theme"] == frame["category"]).all()


def test_clean_text():
    assert build_napire.clean_text("It\xb4_s  always ") == "It's always"
    assert build_napire.clean_text("Customer\x8a\x97\xc8s view") == "Customer's view"


@needs_napire
def test_build_reproduces_the_committed_csv(tmp_path):
    from corpora.build import write_csv

    write_csv(tmp_path / "napire_2018.csv", build_napire.COLUMNS, build_napire.build_napire(NAPIRE))
    assert (tmp_path / "napire_2018.csv").read_bytes() == (
        REPO / "corpora" / "napire_2018.csv"
    ).read_bytes()


@needs_napire
def test_build_refuses_a_changed_source(tmp_path, monkeypatch):
    monkeypatch.setitem(build_napire.SHA256, next(iter(build_napire.SHA256)), "0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        build_napire.build_napire(NAPIRE)


def test_effect_is_not_a_map_kind_so_kinds_are_mapped_separately(frame):
    """'effect' is no map kind: naming the kind column fails with a message naming the value."""
    from wildproblems.errors import InputError
    from wildproblems.ingest import normalise_kind

    assert set(normalise_kind(frame["kind"].head(5), "kind")) == {"cause"}
    with pytest.raises(InputError, match="effect"):
        normalise_kind(frame["kind"], "kind")
