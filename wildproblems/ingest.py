"""Ingest: turn a DataFrame, a list of strings or a file into the *answers* frame.

The answers frame has one row per answer with the columns ``answer_id``, ``respondent``,
``kind``, ``text`` and ``row`` (the 0-based position in the input), followed by every other input
column as metadata. Empty answers are not dropped silently: they are returned in a separate
*dropped* frame with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Union

import numpy as np
import pandas as pd

from .clean import clean_frame, clean_value, unique_name
from .errors import InputError
from .lang import LANGUAGES
from .schema import (  # noqa: F401  (KINDS: re-exported)
    ANSWER_RESERVED,
    CLASH_PREFIX,
    KINDS,
    UNIT_RESERVED,
)

log = logging.getLogger(__name__)

InputData = Union[pd.DataFrame, pd.Series, Sequence[str], str, PathLike]

#: Accepted spellings of the three unit kinds (lower-cased before lookup), from every language.
KIND_ALIASES: dict[str, str] = {
    alias: kind for words in LANGUAGES.values() for alias, kind in words.KIND_ALIASES.items()
}
#: Input column names the pipeline needs for its own columns (renamed with CLASH_PREFIX).
RESERVED = tuple(dict.fromkeys((*ANSWER_RESERVED, *UNIT_RESERVED)))


@dataclass(frozen=True)
class Ingested:
    """What :func:`ingest` returns: the usable answers, the dropped ones, and an input hash."""

    answers: pd.DataFrame
    dropped: pd.DataFrame
    input_hash: str
    #: What ingest changed: ``cleaned`` (cells changed per column by
    #: :func:`~wildproblems.clean.clean_frame`) and ``renamed`` (input column -> new name, for
    #: columns whose names the pipeline needs). Recorded in the map's provenance.
    changes: dict = field(default_factory=dict)


def read_table(path: str | PathLike) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet file into a DataFrame of strings where possible.

    >>> read_table("answers.txt")
    Traceback (most recent call last):
    ...
    wildproblems.errors.InputError: cannot read 'answers.txt': use a .csv, .xlsx or .parquet file
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".tsv", ".xlsx", ".xls", ".parquet", ".pq"):
        raise InputError(f"cannot read {str(path)!r}: use a .csv, .xlsx or .parquet file")
    if not p.exists():
        raise InputError(f"input file {str(path)!r} does not exist")
    if suffix in (".csv", ".tsv"):
        return _read_csv(p, "\t" if suffix == ".tsv" else None)
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(p, dtype=str, keep_default_na=False)
    return pd.read_parquet(p)


#: Delimiters a CSV file may use (the header decides; see :func:`sniff_delimiter`).
DELIMITERS = (",", ";", "\t", "|")
#: Separator used to read a one-column CSV (a character no answer holds after cleaning).
_ONE_COLUMN = "\x1f"


def sniff_delimiter(sample: str) -> str | None:
    """The delimiter of a CSV file from its first lines; ``None`` when the header holds none of
    :data:`DELIMITERS` (a one-column file: its answers may hold any of them).

    >>> sniff_delimiter("svar\\nMangel på tid, penge og hænder\\n"), sniff_delimiter("id;svar\\n1;a, b\\n")
    (None, ';')
    """
    header = sample.splitlines()[0] if sample else ""
    present = [d for d in DELIMITERS if d in header]
    if len(present) <= 1:
        return present[0] if present else None
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(present)).delimiter
    except csv.Error:
        return max(present, key=header.count)


def _read_csv(p: Path, sep: str | None) -> pd.DataFrame:
    """Read a CSV/TSV file; every failure is an :class:`InputError` that names the file."""
    try:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            sample = fh.read(1 << 16)
        if not sample.strip():
            raise InputError(f"{str(p)!r} is empty: it has no header and no answers")
        if sep is None:
            sep = sniff_delimiter(sample) or _ONE_COLUMN
        return pd.read_csv(
            p, sep=sep, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except UnicodeDecodeError as exc:
        raise InputError(f"{str(p)!r} is not UTF-8 text ({exc}); save it as UTF-8") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise InputError(f"cannot read {str(p)!r} as CSV: {exc}") from exc


def _as_frame(data: InputData, text: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.rename(text).to_frame()
    if isinstance(data, (str, PathLike)):
        return read_table(data)
    if isinstance(data, Sequence):
        # object dtype: pandas' str dtype refuses a lone surrogate before ingest can clean it
        return pd.DataFrame({text: pd.Series(list(data), dtype=object)})
    raise InputError(
        f"cannot map input of type {type(data).__name__}: pass a DataFrame, a list of strings "
        "or a path to a .csv/.xlsx/.parquet file"
    )


def _require_column(df: pd.DataFrame, col: str, role: str) -> None:
    if col not in df.columns:
        raise InputError(
            f"{role} column {col!r} not found; the input has columns {list(map(str, df.columns))}"
        )


def _rows(index: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(i) for i in list(index)[:limit])
    more = f" and {len(index) - limit} more" if len(index) > limit else ""
    return f"{shown}{more}"


def normalise_kind(values: pd.Series, column: str) -> pd.Series:
    """Map kind labels (English or Danish) to ``cause`` / ``solution`` / ``other``.

    >>> normalise_kind(pd.Series(["Årsag", "løsning", None]), "type").tolist()
    ['cause', 'solution', 'other']
    """
    out = []
    for row, value in zip(range(len(values)), values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            out.append("other")
            continue
        key = str(value).strip().lower()
        if key not in KIND_ALIASES:
            raise InputError(
                f"kind column {column!r} row {row} holds {value!r}; use one of "
                f"'cause', 'solution', 'other' (or årsag / løsning / andet)"
            )
        out.append(KIND_ALIASES[key])
    return pd.Series(out, index=values.index, dtype=object)


def hash_frame(df: pd.DataFrame) -> str:
    """Stable SHA-256 of a frame's columns and values (used as the input hash in provenance)."""
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, df.columns)).encode())
    for col in df.columns:
        h.update(b"\x1e")
        h.update("\x1f".join("" if pd.isna(v) else str(v) for v in df[col].tolist()).encode())
    return h.hexdigest()


def ingest(
    data: InputData,
    text: str = "text",
    respondent: str | None = None,
    kind: str | None = None,
    id: str | None = None,  # noqa: A002 - mirrors the user's column role
    metadata: Sequence[str] | None = None,
) -> Ingested:
    """Validate the input and build the answers frame.

    Parameters name columns of ``data``: ``text`` holds the answers, ``respondent`` who wrote them
    (default: each answer its own respondent), ``kind`` cause/solution/other, ``id`` a unique answer
    id (default: ``a1``, ``a2``, ...). ``metadata`` limits which other columns are kept; by default
    all are.

    >>> res = ingest(["Mangel på arbejdskraft", "  ", "For meget bureaukrati"])
    >>> res.answers[["answer_id", "text"]].values.tolist()
    [['a1', 'Mangel på arbejdskraft'], ['a3', 'For meget bureaukrati']]
    >>> res.dropped["reason"].tolist()
    ['empty text']
    """
    df, cleaned = clean_frame(_as_frame(data, text))
    # column roles are cleaned like the column names they name
    text, respondent, kind, id = (clean_value(c) for c in (text, respondent, kind, id))  # noqa: A001
    if metadata is not None:
        metadata = [clean_value(c) for c in metadata]
    if cleaned:
        log.warning(
            "removed control characters, NUL bytes or lone surrogates from the input (cells "
            "changed per column: %s); recorded in provenance['input']['cleaned']",
            cleaned,
        )
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()].tolist()
        raise InputError(f"the input has duplicate column names: {dup}")
    df = df.reset_index(drop=True)
    _require_column(df, text, "text")
    for col, role in ((respondent, "respondent"), (kind, "kind"), (id, "id")):
        if col is not None:
            _require_column(df, col, role)
    if len(df) == 0:
        raise InputError("the input has no rows")

    raw = df[text]
    missing = raw.isna().to_numpy()
    bad = [i for i, v in enumerate(raw.tolist()) if not missing[i] and not isinstance(v, str)]
    if bad:
        v = raw.iloc[bad[0]]
        raise InputError(
            f"text column {text!r} holds non-text values in rows {_rows(bad)} "
            f"(row {bad[0]} is {type(v).__name__} {v!r}); convert them to strings or drop them"
        )
    texts = raw.where(~missing, "").astype(str)

    if id is not None:
        if df[id].isna().any():
            rows = df.index[df[id].isna()].tolist()
            raise InputError(
                f"id column {id!r} has no id (a missing value) in rows {_rows(rows)}; "
                "every answer needs its own id"
            )
        ids = df[id].astype(str).str.strip()
        dups = ids[ids.duplicated(keep=False)]
        if len(dups):
            first = dups.iloc[0]
            rows = dups.index[dups == first].tolist()
            raise InputError(
                f"id column {id!r} has duplicate ids: {first!r} appears in rows {_rows(rows)}"
                f" ({dups.nunique()} duplicated ids in all)"
            )
        if (ids == "").any():
            rows = ids.index[ids == ""].tolist()
            raise InputError(f"id column {id!r} is empty in rows {_rows(rows)}")
    else:
        ids = pd.Series([f"a{i + 1}" for i in range(len(df))], dtype=object)

    if respondent is not None:
        resp = df[respondent]
        empty = resp.isna() | (resp.astype(str).str.strip() == "")
        if empty.any():
            raise InputError(
                f"respondent column {respondent!r} is empty in rows "
                f"{_rows(resp.index[empty].tolist())}; every answer needs a respondent"
            )
        resp = resp.astype(str).str.strip()
    else:
        resp = ids.copy()

    kinds = normalise_kind(df[kind], kind) if kind is not None else None

    used = {c for c in (text, respondent, kind, id) if c is not None}
    if metadata is None:
        meta_cols = [c for c in df.columns if c not in used]
    else:
        for c in metadata:
            _require_column(df, c, "metadata")
        meta_cols = [c for c in metadata if c not in used]
    # an input column whose name the pipeline needs is renamed, never overwritten
    taken = {str(c) for c in df.columns} | set(RESERVED)
    renamed: dict[str, str] = {}
    for c in meta_cols:
        if str(c) in RESERVED:
            renamed[str(c)] = unique_name(str(c), taken, CLASH_PREFIX)
            taken.add(renamed[str(c)])
    if renamed:
        log.warning(
            "input columns renamed because the pipeline writes columns of these names: %s",
            ", ".join(f"{a!r} -> {b!r}" for a, b in renamed.items()),
        )
    answers = pd.DataFrame(
        {
            "answer_id": ids.to_numpy(dtype=object),
            "respondent": resp.to_numpy(dtype=object),
            "kind": kinds.to_numpy(dtype=object) if kinds is not None else "all",
            "text": texts.str.strip().to_numpy(dtype=object),
            "row": np.arange(len(df)),
        }
    )
    for c in meta_cols:
        answers[renamed.get(str(c), str(c))] = df[c].to_numpy()

    empty = answers["text"].str.len() == 0
    no_letters = ~empty & ~answers["text"].str.contains(r"[^\W\d_]", regex=True)
    reason = np.where(empty, "empty text", np.where(no_letters, "no letters in text", ""))
    drop_mask = empty | no_letters
    dropped = answers.loc[drop_mask, ["answer_id", "respondent", "row"]].copy()
    dropped["text"] = texts[drop_mask].to_numpy(dtype=object)
    dropped["reason"] = reason[drop_mask.to_numpy()]
    dropped["stage"] = "ingest"
    answers = answers.loc[~drop_mask].reset_index(drop=True)
    if len(dropped):
        log.info("dropped %d of %d answers (empty or without letters)", len(dropped), len(df))
    if len(answers) == 0:
        raise InputError(f"text column {text!r} has no usable text: all {len(df)} rows are empty")
    return Ingested(
        answers=answers,
        dropped=dropped.reset_index(drop=True),
        input_hash=hash_frame(df),
        changes={"cleaned": cleaned, "renamed": renamed},
    )
