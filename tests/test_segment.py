import pandas as pd

from wildproblems.segment import segment, split_answer


def test_numbered_inline_and_lines():
    assert split_answer("1) Mangel på hænder 2) Bureaukrati 3) Økonomi") == [
        "Mangel på hænder",
        "Bureaukrati",
        "Økonomi",
    ]
    assert split_answer("1. Demografi\n2. Økonomi\n3. Rekruttering") == [
        "Demografi",
        "Økonomi",
        "Rekruttering",
    ]


def test_bullets_and_semicolons():
    assert split_answer("• færre regler\n\uf0a7 mere tillid; bedre ledelse") == [
        "færre regler",
        "mere tillid",
        "bedre ledelse",
    ]


def test_wrapped_prose_stays_one_unit():
    assert split_answer("Vi mangler hænder i\nældreplejen.") == ["Vi mangler hænder i ældreplejen."]


def test_years_are_not_list_numbers():
    assert split_answer("Frem mod 2035 bliver der flere ældre") == [
        "Frem mod 2035 bliver der flere ældre"
    ]


def test_segment_keeps_ids_and_metadata():
    a = pd.DataFrame(
        {
            "answer_id": ["a1", "a2"],
            "respondent": ["p1", "p2"],
            "kind": ["cause", "cause"],
            "text": ["1) x-faktor 2) yy zz", "- -"],
            "row": [0, 1],
            "parti": ["A", "B"],
        }
    )
    units, dropped = segment(a)
    assert units["unit_id"].tolist() == ["a1.1", "a1.2"]
    assert units["parti"].tolist() == ["A", "A"]
    assert units["answer_text"].iloc[0] == "1) x-faktor 2) yy zz"
    assert dropped["answer_id"].tolist() == ["a2"]


def test_disabled_is_one_unit_per_answer():
    a = pd.DataFrame(
        {
            "answer_id": ["a1"],
            "respondent": ["p"],
            "kind": ["all"],
            "text": ["1) a b 2) c d"],
            "row": [0],
        }
    )
    units, _ = segment(a, enabled=False)
    assert units["text"].tolist() == ["1) a b 2) c d"]


def test_ordinals_are_not_list_items():
    # "3. og 4. kvartal" is an ordinal range, "1. kvartal" and "2. behandling" are ordinals
    text = "Tilkendt i 3. og 4. kvartal 2007, hele 2008 samt 1. kvartal 2009."
    assert split_answer(text) == [text]
    assert split_answer("Sagen gik til 2. behandling i udvalget") == [
        "Sagen gik til 2. behandling i udvalget"
    ]
    assert split_answer("Ventetid i 1. og 2. kvartal") == ["Ventetid i 1. og 2. kvartal"]


def test_inline_enumerations_still_split():
    assert split_answer("1. mangel på hænder 2. for meget bureaukrati") == [
        "mangel på hænder",
        "for meget bureaukrati",
    ]
    assert split_answer("(1) færre regler (2) mere tillid") == ["færre regler", "mere tillid"]
    assert split_answer("Mangel på hænder 2) bureaukrati 3) økonomi") == [
        "Mangel på hænder",
        "bureaukrati",
        "økonomi",
    ]
    # numbers that do not count up are no enumeration
    assert split_answer("Mangel 3) bureaukrati 1) økonomi") == ["Mangel 3) bureaukrati 1) økonomi"]


def test_semicolons_and_numbers_inside_parentheses_do_not_split():
    cite = "Unge med psykiske lidelser er en stigende gruppe (Ankestyrelsen 2010; Wynne 2010)."
    assert split_answer(cite) == [cite]
    ref = "Se bilag (punkt 2) for detaljer om ventetider"
    assert split_answer(ref) == [ref]
    assert split_answer("mere tillid; bedre ledelse (fx [a; b])") == [
        "mere tillid",
        "bedre ledelse (fx [a; b])",
    ]


def test_units_record_where_they_lie_in_their_answer():
    texts = [
        "1) Mangel på hænder 2) For meget bureaukrati",
        "Vi mangler hænder i\r\nældreplejen og på skolerne.",
        "- færre regler\n- mere tillid; bedre ledelse",
        "  Tilkendt i 3. og 4. kvartal (Borg 2010; Discus 2009).  ",
        "a) én ting, b) en anden",
    ]
    answers = pd.DataFrame(
        {
            "answer_id": [f"a{i}" for i in range(len(texts))],
            "respondent": "p",
            "kind": "cause",
            "text": texts,
            "row": range(len(texts)),
        }
    )
    units, _ = segment(answers)
    assert len(units) == 8
    for u in units.itertuples():
        span = u.answer_text[u.start : u.end]
        assert " ".join(span.split()) == u.text  # the unit, with its own line breaks
    off, _ = segment(answers, enabled=False)
    assert (off["start"] == 0).all() and (off["end"] == off["answer_text"].str.len()).all()
