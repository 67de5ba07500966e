import pandas as pd
import pytest

from wildproblems.errors import InputError
from wildproblems.ingest import ingest, normalise_kind


def test_list_of_strings_gets_ids_and_reports_empty():
    res = ingest(["Mangel på hænder", "", "   ", "Bureaukrati", None])
    assert res.answers["answer_id"].tolist() == ["a1", "a4"]
    assert res.answers["respondent"].tolist() == ["a1", "a4"]
    assert sorted(res.dropped["row"].tolist()) == [1, 2, 4]
    assert set(res.dropped["reason"]) == {"empty text"}


def test_metadata_kept_and_kind_normalised(tiny_da):
    res = ingest(tiny_da, text="svar", respondent="politiker", kind="type", id="id")
    a = res.answers
    assert len(a) == 48
    assert set(a["kind"]) == {"cause", "solution"}
    assert {"tema", "parti"} <= set(a.columns)
    assert a["text"].str.contains("æ|ø|å").any()


def test_missing_column_names_it_and_lists_columns(tiny_da):
    with pytest.raises(InputError, match=r"text column 'answer' not found.*'svar'"):
        ingest(tiny_da, text="answer")
    with pytest.raises(InputError, match="respondent column 'who'"):
        ingest(tiny_da, text="svar", respondent="who")


def test_non_string_values_name_row():
    df = pd.DataFrame({"text": ["ok tekst", 3.5, "mere tekst"]})
    with pytest.raises(InputError, match=r"rows 1 .*float 3.5"):
        ingest(df)


def test_duplicate_ids_named():
    df = pd.DataFrame({"id": ["x", "y", "x"], "text": ["a b", "c d", "e f"]})
    with pytest.raises(InputError, match=r"'x' appears in rows 0, 2"):
        ingest(df, id="id")


def test_bad_kind_value_named():
    with pytest.raises(InputError, match=r"row 1 holds 'måske'"):
        normalise_kind(pd.Series(["årsag", "måske"]), "type")


def test_all_empty_is_an_error():
    with pytest.raises(InputError, match="no usable text"):
        ingest(["", "  "])


def test_no_letters_dropped_with_reason():
    res = ingest(["123", "tekst her"])
    assert res.dropped["reason"].tolist() == ["no letters in text"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_reads_files(tmp_path, tiny_da, suffix):
    p = tmp_path / f"svar{suffix}"
    if suffix == ".csv":
        tiny_da.to_csv(p, index=False)
    elif suffix == ".xlsx":
        tiny_da.to_excel(p, index=False)
    else:
        tiny_da.to_parquet(p)
    res = ingest(str(p), text="svar", kind="type")
    assert len(res.answers) == 48
    assert res.answers["text"].iloc[0] == tiny_da["svar"].iloc[0]


def test_unknown_file_type(tmp_path):
    with pytest.raises(InputError, match=r"\.csv, \.xlsx or \.parquet"):
        ingest(str(tmp_path / "x.docx"))


def test_input_hash_changes_with_content(tiny_da):
    a = ingest(tiny_da, text="svar").input_hash
    b = ingest(tiny_da.assign(svar=tiny_da["svar"].str.upper()), text="svar").input_hash
    assert a != b and a == ingest(tiny_da.copy(), text="svar").input_hash
