"""Excel and CSV exports: the sheets, and cells that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``) neutralised; the command line writes every output."""

from __future__ import annotations

import csv

import pytest

from wildproblems.outputs.tables import EXCEL_CELL_LIMIT, excel_frame, respondent_table

pytestmark = pytest.mark.integration

DANGEROUS = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def workbook(unsafe_map, tmp_path_factory):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path_factory.mktemp("xlsx") / "kort.xlsx"
    unsafe_map.to_excel(str(path))
    return openpyxl.load_workbook(path)


def test_sheets(workbook, unsafe_map):
    assert workbook.sheetnames[:4] == ["clusters", "units", "pathways", "respondents"]
    units = workbook["units"]
    assert units.max_row == len(unsafe_map.units) + 1
    header = [c.value for c in units[1]]
    assert header[:5] == ["unit_id", "answer_id", "respondent", "kind", "text"]
    assert workbook["pathways"]["A2"].value.startswith("ingen model givet")
    resp = [c.value for c in workbook["respondents"][1]]
    assert resp[:3] == ["respondent", "answers", "units"] and "parti" in resp


def test_no_cell_is_a_formula(workbook):
    seen = set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS), (ws.title, cell.coordinate)
                    if cell.value[1:].startswith(DANGEROUS) and cell.value[0] == "'":
                        seen.add(cell.value[1])
    assert seen == set(DANGEROUS)  # the unsafe rows really reached the workbook, guarded


def test_csv_is_neutralised(unsafe_map, tmp_path):
    paths = unsafe_map.to_csv(str(tmp_path))
    cells = []
    for p in paths:
        with open(p, encoding="utf-8-sig", newline="") as f:
            cells += [c for row in csv.reader(f) for c in row]

    def number(c: str) -> bool:
        try:
            float(c)
        except ValueError:
            return False
        return True

    # numbers stay numbers (a spreadsheet reads -2.5 as a number, not a formula); text is guarded
    assert not [c for c in cells if c.startswith(DANGEROUS) and not number(c)]
    assert {"'=1+1", "'+x", "'-x", "'@x"} <= set(cells)


def test_excel_frame_cuts_long_cells_and_strips_control_characters():
    import pandas as pd

    df = pd.DataFrame({"t": ["a" * (EXCEL_CELL_LIMIT + 10), "bell\x07", "=cmd"]})
    out = excel_frame(df)["t"].tolist()
    assert len(out[0]) == EXCEL_CELL_LIMIT and out[0].endswith("…")
    assert out[1] == "bell" and out[2] == "'=cmd"


def test_respondent_table(unsafe_map):
    t = respondent_table(unsafe_map)
    assert t["respondent"].is_unique
    assert t["units"].sum() == len(unsafe_map.units)
    assert (t["units_cause"] + t["units_solution"] == t["units"]).all()


def test_cli_writes_figures_report_and_exports(tmp_path, capsys):
    from wildproblems.cli import main

    out = tmp_path / "ud"
    code = main(
        [
            "map",
            "corpus:faellesskab_2025",
            "--text",
            "text",
            "--respondent",
            "speaker",
            "--out",
            str(out),
            "--quiet",
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    assert code == 0
    for name in (
        "map.png",
        "report.html",
        "explore.html",
        "wildmap.xlsx",
        "codebook.qdc",
        "project.qdpx",
        "units.csv",
    ):
        assert (out / name).stat().st_size > 0, name
    assert "<h1>Kort over et vildt problem</h1>" in (out / "report.html").read_text()
    assert "wrote" in capsys.readouterr().out
