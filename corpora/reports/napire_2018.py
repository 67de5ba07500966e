"""Build ``napire_2018.csv``: the NaPiRE 2018 survey's coded free-text causes and effects.

Source: the public repository NaPiRE/napire2018 (commit bdc54d8f41318f276191bf6202ebd5d605cc63d1),
folder ``data/``, copied read-only to ``../shared/data/napire2018/`` (CC BY 4.0, "NaPiRE 2018
survey data, NaPiRE consortium (napire.org)"). Called by ``corpora/build.py``; see
``corpora/README.md`` for the columns and the rules below.

* One row per answer: a respondent (``lfdn``) answering one question variable (``v_277`` ..
  ``v_281``: causes of the 1st .. 5th problem the respondent picked; ``v_282`` .. ``v_286``: its
  effects). The source repeats an answer on one row per code; those rows are merged.
* ``codes``: the codes of the answer, ``;``-joined in the order of the source rows (duplicates
  dropped); ``code`` (primary) is the first of them, the code the coders listed first.
  ``categories``: the distinct categories of ``codes`` in the same order; ``category`` is the
  category of ``code``. ``NotCodable`` answers have empty codes and categories.
* Code spellings are normalised to the codebook (``Problem_coding-Categories.xlsx``) by the small
  table :data:`SPELLING`; codes the coders used that are absent from the codebook are kept as
  written with an empty category (:data:`NOT_IN_CODEBOOK` lists them and the build checks it).
* Text: the CSVs are not UTF-8 but mixed legacy encodings with already-broken characters
  (``It´_s``, ``Customer‰Û÷s``); they are read as Latin-1 and every run of non-ASCII characters
  (with a ``_`` that the breakage leaves after it) becomes ``'`` (nearly all are apostrophes or
  quotation marks); white space is collapsed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from corpora.reports._common import COMMON_COLUMNS

SOURCE = "NaPiRE consortium (2018): Naming the Pain in Requirements Engineering survey, CC BY 4.0"
#: SHA-256 of each source file used
SHA256 = {
    "freetext_coded/v_277_with_246_total_365_coded.csv": (
        "22e14ac97be0024ef5c27d5499ec3e03e61ab2c856887f1424fffa35b2ac2ba6"
    ),
    "freetext_coded/v_278_with_248_total_344_coded.csv": (
        "d85957553d5ae2c6b2024103a1de582c820342d20a8ef262dcd1b9ef51cbb4ec"
    ),
    "freetext_coded/v_279_with_250_total_322_coded.csv": (
        "3026b720508bc74545d3d01b46356e7bfd9a27652fed173b35c02e5a79128bae"
    ),
    "freetext_coded/v_280_with_252_total_296_coded.csv": (
        "616131fe04c137577bbaaf3d705bbb02af8c5d97d8a2cd07007236013c80dbdd"
    ),
    "freetext_coded/v_281_with_254_total_274_coded.csv": (
        "e177b2131aa47d5ac4905d9696115554e7ad0c032f693e8f882006419c02fd98"
    ),
    "freetext_coded/v_282_with_246_total_334_coded.csv": (
        "382e37a2970c21577dc60c55ce8b5f1cf82e83cbfc5493bc01345a1ed83c93b8"
    ),
    "freetext_coded/v_283_with_248_total_316_coded.csv": (
        "af7374429eb1a1b0eedf4c88dc3ab2bff2ed5d6c27d8e566442e10bfba23850e"
    ),
    "freetext_coded/v_284_with_250_total_300_coded.csv": (
        "845d650b7edd02c16a0b4c90a1dfd1ab06aab36b501ed7b3567011ccc84aed1a"
    ),
    "freetext_coded/v_285_with_252_total_274_coded.csv": (
        "8c99a43d25b9cda8c99ecda30f0ffce4c5b0d41d82d25cecbd0a35a2861ce02a"
    ),
    "freetext_coded/v_286_with_254_total_262_coded.csv": (
        "dc095dd5c04bfe0c9f21e0183fe6295df94bfcddee859a331e93de7b0e5a3890"
    ),
    "freetext_code-validation/Problem_coding-Categories.xlsx": (
        "e2f78e87b4e93a8becc28e9910186481a237b29ede87e9baa3a69282db8817eb"
    ),
}
#: answer variable -> (kind, rank of the problem asked about, 1..5)
QUESTIONS = {f"v_{277 + i}": ("cause", i + 1) for i in range(5)} | {
    f"v_{282 + i}": ("effect", i + 1) for i in range(5)
}
#: codebook sheet of each kind
SHEETS = {"cause": "Causes", "effect": "Effects"}
#: code as written in the coded CSVs -> codebook spelling
SPELLING = {
    "cause": {
        "Conflict of personalities": "Conflicts of personalities",
        "Insufficient analysis at the beginning of the project": (
            "Insufficient analysis at the beginnging of the project"
        ),
        "Method Poor project management": "Poor project management",
        "Non-functional requirements unclear": "Non functional requirements unclear",
        "Solution orientration": "Solution orientation",
        "Too many meetings": "too many meetings",
        "Unclear roles and responsonsibilities at customer side": (
            "Unclear roles and responsibilities at customer side"
        ),
    },
    "effect": {
        "Incomplete requirements": "Incomplete Requirements",
        "Inneficient development": "Inefficient development",
    },
}
#: codes the coders used that the codebook does not hold (kept, with no category)
NOT_IN_CODEBOOK = {
    "cause": {
        "Communication flaws between the project and the customer",
        "Insufficient requirements",
        "Missing analysis",
        "Missing project management",
        "Poor documentation",
    },
    "effect": {"Conflicts within the customer", "Missing engagement by customer"},
}
NOT_CODABLE = "NotCodable"
COLUMNS = [
    *COMMON_COLUMNS,
    "code",
    "category",
    "codes",
    "categories",
    "n_codes",
    "problem",
    "problem_rank",
    "variable",
    "file",
]
_BROKEN = re.compile(r"[^\x00-\x7f]+_?")


def clean_text(raw: str) -> str:
    """Repair the source's broken characters and collapse white space.

    >>> clean_text("It\\xb4_s  always ")
    "It's always"
    """
    return re.sub(r"\s+", " ", _BROKEN.sub("'", raw)).strip()


def read_codebook(folder: Path) -> dict[str, dict[str, str]]:
    """``{kind: {code: category}}`` from the codebook workbook (needs openpyxl)."""
    import pandas as pd

    book = folder / "freetext_code-validation" / "Problem_coding-Categories.xlsx"
    out: dict[str, dict[str, str]] = {}
    for kind, sheet in SHEETS.items():
        table = pd.read_excel(book, sheet_name=sheet, header=0, dtype=str)
        pairs = table.iloc[:, [0, 1]].dropna()
        out[kind] = {str(c).strip(): str(k).strip() for k, c in pairs.itertuples(index=False)}
    return out


def check_sources(folder: Path) -> None:
    """Refuse source files whose SHA-256 differs from :data:`SHA256` (an empty entry is unchecked)."""
    for rel, want in SHA256.items():
        path = folder / rel
        if not path.is_file():
            raise FileNotFoundError(
                f"NaPiRE source file missing: {path} (build.py: --napire '' leaves napire_2018 out)"
            )
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if want and got != want:
            raise ValueError(f"{path}: sha256 {got} differs from the expected {want}")


def build_napire(folder: Path) -> list[dict]:
    """Rows of ``napire_2018.csv`` (one per answer, see the module docstring)."""
    check_sources(folder)
    codebook = read_codebook(folder)
    rows: list[dict] = []
    for rel in sorted(r for r in SHA256 if r.endswith(".csv")):
        path = folder / rel
        text = path.read_bytes().decode("latin-1")
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        header, body = records[0], records[1:]
        if header[0] != "lfdn" or header[3] != "tag" or header[2] not in QUESTIONS:
            raise ValueError(f"{path.name}: unexpected header {header}")
        variable = header[2]
        kind, rank = QUESTIONS[variable]
        known = codebook[kind]
        answers: dict[str, dict] = {}
        for offset, record in enumerate(body):
            if len(record) != 4:
                raise ValueError(f"{path.name} record {offset + 2}: {len(record)} fields")
            lfdn = re.sub(r"\.0$", "", record[0].strip())
            tag = record[3].strip()
            tag = SPELLING[kind].get(tag, tag)
            if tag != NOT_CODABLE and tag not in known and tag not in NOT_IN_CODEBOOK[kind]:
                raise ValueError(f"{path.name}: code {tag!r} is neither in the codebook nor listed")
            answer = answers.setdefault(
                lfdn,
                {"text": clean_text(record[2]), "problem": record[1].strip(), "tags": [],
                 "records": []},
            )  # fmt: skip
            if clean_text(record[2]) != answer["text"]:
                raise ValueError(f"{path.name}: respondent {lfdn} has two different answers")
            if tag not in answer["tags"]:
                answer["tags"].append(tag)
            answer["records"].append(offset + 2)
        for lfdn, answer in answers.items():
            codes = [t for t in answer["tags"] if t != NOT_CODABLE]
            categories = list(dict.fromkeys(known.get(c, "") for c in codes if known.get(c)))
            rows.append(
                {
                    "text": answer["text"],
                    "speaker": f"r{lfdn}",
                    "source": SOURCE,
                    "kind": kind,
                    "line": min(answer["records"]),
                    "end_line": max(answer["records"]),
                    "code": codes[0] if codes else "",
                    "category": known.get(codes[0], "") if codes else "",
                    "codes": ";".join(codes),
                    "categories": ";".join(categories),
                    "n_codes": str(len(codes)),
                    "problem": answer["problem"],
                    "problem_rank": str(rank),
                    "variable": variable,
                    "file": Path(rel).name,
                    "_lfdn": int(lfdn),
                }
            )
    rows.sort(key=lambda r: (r["kind"], int(r["problem_rank"]), r["_lfdn"]))
    for n, row in enumerate(rows, 1):
        row["id"] = f"np18-{n:04d}"
        row["theme"] = row["category"]
        del row["_lfdn"]
    return rows
