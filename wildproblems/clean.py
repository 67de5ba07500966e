"""Clean untrusted text before it goes anywhere: NUL and control characters, lone surrogates.

A NUL byte ends a C string, so the embedding engine saw ``"Mangel\\x00 på hænder"`` as
``"Mangel"``; control characters make Excel and XML writers fail; a lone surrogate (``"\\ud800"``,
what a broken decoder leaves) cannot be written as UTF-8 at all. Every text of the input (answers,
respondents, ids, metadata and column names) passes through :func:`clean_text`: line separators
that are not ``\\n``/``\\r`` (vertical tab, form feed, NEL, U+2028/9) become ``\\n``, other control
characters are removed and lone surrogates become U+FFFD. Tabs and line breaks stay. What was
changed is counted per column (see :func:`clean_frame`) and goes into the map's provenance.

>>> clean_text("Mangel\\x00 på hænder")
'Mangel på hænder'
>>> clean_text("a\\x0bb\\ud800")
'a\\nb\\ufffd'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: Control characters removed from every text (tab, line feed and carriage return stay).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
#: Line separators other than \n and \r: made \n so segmentation still sees the break.
_LINE_SEP = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")
#: Lone UTF-16 surrogates: not encodable as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without NUL/control characters or lone surrogates (see the module docstring)."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if _LINE_SEP.search(text):
        text = _LINE_SEP.sub("\n", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text


def clean_value(value: Any) -> Any:
    """:func:`clean_text` for strings; every other value as it is."""
    return clean_text(value) if isinstance(value, str) else value


def clean_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """A copy of ``df`` with every string cell and column name cleaned, and the number of cells
    changed per column (``{}`` when nothing changed; a changed column name counts under
    ``"<column names>"``).

    >>> out, n = clean_frame(pd.DataFrame({"svar\\x07": ["ok", "nul\\x00byte", 3]}))
    >>> list(out.columns), out.iloc[1, 0], n
    (['svar'], 'nulbyte', {'<column names>': 1, 'svar': 1})
    >>> list(clean_frame(pd.DataFrame(columns=["parti", "parti\x07"]))[0].columns)
    ['parti', 'parti_2']
    """
    report: dict[str, int] = {}
    names: list[Any] = []
    for c in df.columns:
        new = clean_value(c)
        if new != c and (new in names or new in set(df.columns)):
            k = 2  # "parti\x07" beside "parti" becomes "parti_2", never a duplicate
            while f"{new}_{k}" in names or f"{new}_{k}" in set(df.columns):
                k += 1
            new = f"{new}_{k}"
        names.append(new)
    renamed = sum(a != b for a, b in zip(df.columns, names))
    if renamed:
        report["<column names>"] = int(renamed)
    out = df.copy()
    out.columns = names
    for pos, col in enumerate(names):
        series = out.iloc[:, pos]
        if series.dtype != object and not pd.api.types.is_string_dtype(series):
            continue
        values = series.tolist()
        cleaned = [clean_value(v) for v in values]
        changed = sum(1 for a, b in zip(values, cleaned) if isinstance(a, str) and a != b)
        if changed:
            out.isetitem(pos, pd.Series(cleaned, index=out.index, dtype=object))
            report[str(col)] = int(changed)
    return out, report


def unique_name(name: str, taken: set[str], prefix: str) -> str:
    """``prefix + name``, with more prefixes until it is not in ``taken``.

    >>> unique_name("label", {"label", "input_label"}, "input_")
    'input_input_label'
    """
    new = prefix + name
    while new in taken:
        new = prefix + new
    return new
