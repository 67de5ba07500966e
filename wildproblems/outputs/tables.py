"""Safe table exports: CSV and Excel (and helpers shared by other exporters).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe, as OWASP recommends against CSV injection.
List cells (quotes) are joined with `` | ``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..model.respondents import respondent_table as base_respondent_table

if TYPE_CHECKING:
    from ..result import WildMap

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make one cell safe for spreadsheets.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("-3")  # numbers stay numbers when they are numbers, text gets the guard
    "'-3"
    >>> neutralise(-3)
    -3
    """
    if isinstance(value, (list, tuple)):
        value = " | ".join(map(str, value))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every text and list cell neutralised (column names too)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a spreadsheet-safe UTF-8 CSV (with BOM, so Excel reads æøå)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    # \r\n line ends: the csv writer then quotes every cell holding \r or \n, so a spreadsheet
    # reads one record per row (a bare \r in an unquoted cell starts a new row)
    safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return p


def write_tables(m: WildMap, folder: str | Path) -> list[str]:
    """Write ``units.csv``, ``clusters.csv`` and ``dropped.csv`` for a map; returns the paths."""
    folder = Path(folder)
    paths = [
        write_csv(m.units, folder / "units.csv"),
        write_csv(m.clusters, folder / "clusters.csv"),
        write_csv(m.dropped, folder / "dropped.csv"),
    ]
    for name in ("pathways", "respondents", "corners"):
        table = getattr(m, name, None)
        if isinstance(table, pd.DataFrame):
            paths.append(write_csv(table, folder / f"{name}.csv"))
    return [str(p) for p in paths]


#: Excel's limit on characters in one cell.
EXCEL_CELL_LIMIT = 32_767
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def respondent_table(m: WildMap) -> pd.DataFrame:
    """One row per respondent (columns: :data:`~wildproblems.schema.RESPONDENT_COLUMNS`):
    ``m.respondents`` when a model filled it, else the same table without the pathway columns."""
    if isinstance(m.respondents, pd.DataFrame):
        return m.respondents
    return base_respondent_table(m.units, m.answers)


def excel_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`safe_frame` plus what Excel needs: no control characters, cells cut at Excel's
    32,767-character limit (ending in ``…``), no time zones in dates."""
    out = safe_frame(df)
    out.columns = [_excel_cell(c) for c in out.columns]  # openpyxl refuses control characters
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.astype(object).map(_excel_cell)
    return out


def _excel_cell(v: Any) -> Any:
    if hasattr(v, "tolist") and not isinstance(v, str):  # numpy arrays and scalars
        v = neutralise(v.tolist())
    if isinstance(v, dict):
        v = neutralise(json.dumps(v, ensure_ascii=False, default=str))
    if not isinstance(v, str):
        return v
    v = _ILLEGAL_XLSX.sub("", v)
    return v if len(v) <= EXCEL_CELL_LIMIT else v[: EXCEL_CELL_LIMIT - 1] + "…"


def write_excel(m: WildMap, path: str | Path, language: str | None = None) -> Path:
    """Write the map to one spreadsheet-safe Excel workbook; returns the path.

    Sheets: ``clusters``, ``units``, ``pathways``, ``respondents``, then ``corners`` and
    ``dropped`` (when the map has them) and ``about`` (provenance). Every text cell that a
    spreadsheet would run as a formula is neutralised (see :func:`neutralise`); the header row
    is frozen, filterable and bold, and columns are sized to their content.

    >>> m.to_excel("kodebog.xlsx")  # doctest: +SKIP
    """
    from openpyxl.styles import Alignment, Font

    language = language or m.config.language
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    none = {
        "da": "ingen model givet: kortet har ingen veje",
        "en": "no model given: the map has no pathways",
    }[language]
    sheets: dict[str, pd.DataFrame] = {
        "clusters": m.clusters,
        "units": m.units,
        "pathways": m.pathways
        if isinstance(m.pathways, pd.DataFrame)
        else pd.DataFrame({"note": [none]}),
        "respondents": respondent_table(m),
    }
    if isinstance(m.corners, pd.DataFrame):
        sheets["corners"] = m.corners
    if isinstance(m.levels, pd.DataFrame):
        sheets["levels"] = m.levels
    if len(m.dropped):
        sheets["dropped"] = m.dropped
    about = {"embedder": m.provenance.get("embedder"), **m.config.to_dict()}
    about.update({k: v for k, v in m.provenance.items() if k not in about})
    sheets["about"] = pd.DataFrame(
        {
            "key": list(about),
            "value": [
                v
                if isinstance(v, (int, float, str)) or v is None
                else json.dumps(v, ensure_ascii=False, default=str)
                for v in about.values()
            ],
        }
    )
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for name, df in sheets.items():
            excel_frame(df).to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes = "A2"
            if ws.max_row > 1:
                ws.auto_filter.ref = ws.dimensions
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for col_cells in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)):
                longest = max(len(str(c.value)) if c.value is not None else 0 for c in col_cells)
                width = min(max(8, longest + 2), 70)
                ws.column_dimensions[col_cells[0].column_letter].width = width
                if longest > 70:
                    for c in col_cells[1:]:
                        c.alignment = Alignment(wrap_text=True, vertical="top")
    return p
