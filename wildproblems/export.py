"""Safe table exports: CSV (and helpers shared by other exporters).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe, as OWASP recommends against CSV injection.
List cells (quotes) are joined with `` | ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .result import WildMap

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
    safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n")
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
