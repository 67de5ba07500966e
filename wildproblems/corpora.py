"""Load the bundled Danish corpora (``corpora/*.csv``) as pandas DataFrames.

The corpora are built from real Danish reports by ``corpora/build.py`` and committed as CSV
files; this module only reads those files (it never needs the source reports). Every corpus has
at least the columns ``id, text, speaker, source, theme, kind, line`` (the typology table has
``id, typology, name, definition, size, line``); ``line`` is the 1-based line number of the row's
first line in the source text file, so each row can be traced back. See ``corpora/README.md``.

>>> from wildproblems import corpora
>>> "faellesskab_2025" in corpora.list()
True
>>> df = corpora.load("faellesskab_2025")
>>> len(df), df["theme"].nunique()
(32, 8)
"""

from __future__ import annotations

import builtins
from pathlib import Path

import pandas as pd

from wildproblems._resources import data_dir

__all__ = ["list", "load", "info", "path"]

#: columns read as integers; every other column is read as text
_INT_COLUMNS = ("line", "end_line")


def _folder() -> Path:
    return data_dir("corpora")


def list() -> builtins.list[str]:  # noqa: A001 - public API name asked for by the issue
    """Names of the bundled corpora (the CSV file stems), sorted.

    >>> list()[:2]
    ['digital_velfaerd_2026', 'faellesskab_2025']
    """
    return sorted(p.stem for p in _folder().glob("*.csv"))


def path(name: str) -> Path:
    """Path of the CSV file behind corpus ``name``; ``ValueError`` for an unknown name.

    >>> path("digital_velfaerd_2026").name
    'digital_velfaerd_2026.csv'
    """
    names = list()
    if name not in names:
        raise ValueError(f"unknown corpus {name!r}; available corpora: {', '.join(names)}")
    return _folder() / f"{name}.csv"


def load(name: str) -> pd.DataFrame:
    """Load corpus ``name`` as a DataFrame.

    Text columns are strings (empty cells stay ``""``, never NaN); ``line`` (and ``end_line``
    where present) are integers.

    >>> df = load("digital_velfaerd_2026")
    >>> int((df["type"] == "quote").sum())
    13
    >>> first = df.iloc[0]
    >>> first["id"], first["kind"], int(first["line"])
    ('dv26-001', 'cause', 86)
    >>> load("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown corpus 'nope'; available corpora: ...
    """
    frame = pd.read_csv(path(name), dtype=str, keep_default_na=False, encoding="utf-8")
    for column in _INT_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype(int)
    return frame


def info(name: str) -> dict:
    """Summary of corpus ``name``: rows, columns, source(s) and rows per theme and per kind.

    >>> info("faellesskab_2025")["themes"]["Tillid"]
    4
    """
    frame = load(name)
    summary: dict = {
        "name": name,
        "path": str(path(name)),
        "rows": len(frame),
        "columns": builtins.list(frame.columns),
    }
    if "source" in frame.columns:
        summary["source"] = sorted(set(frame["source"]))
    for column, key in (("theme", "themes"), ("kind", "kinds"), ("typology", "typologies")):
        if column in frame.columns:
            counts = frame[column].value_counts(sort=False)
            summary[key] = {str(k): int(v) for k, v in counts.items()}
    return summary
