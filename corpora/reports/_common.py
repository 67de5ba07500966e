"""Helpers every report parser and the build share."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpora.clean import (
    clean_line,
    is_page_number,
    join_lines,
    strip_debris,
)


@dataclass(frozen=True)
class Seed:
    prefix: str
    sha256: str
    source: str


SEEDS = {
    "faellesskab": Seed(
        "000_",
        "109ecfc0481d675c9781b497c4fa76d5bf3a9bb1dedb23204e9153fa01a6b659",
        "VIVE for TrygFonden & Mary Fonden (2025): Når livet skifter retning",
    ),
    "foertidspension": Seed(
        "001_",
        "00984d2820e0f7eb7f96a41d6cd9909c44f3e403cade08ea48f407e83738974a",
        "AKF (2012): Veje til førtidspension",
    ),
    "digital": Seed(
        "003_",
        "5ff19e0fe186f7c6b8023f7ddae00e636adca957f3d06fd68e781821bb1f6b7f",
        "ADD (2026): Danskernes opbakning til det digitale velfærdssamfund",
    ),
}


#: The columns every corpus starts with (report-specific ones follow).
COMMON_COLUMNS = [
    "id",
    "text",
    "speaker",
    "source",
    "theme",
    "kind",
    "line",
    "end_line",
]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def find_seed(seeds: Path, key: str) -> Path:
    matches = sorted(seeds.glob(SEEDS[key].prefix + "*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(
            f"expected one {SEEDS[key].prefix}*.txt in {seeds}, found {matches}"
        )
    return matches[0]


def read_lines(path: Path) -> list[str]:
    """Lines of ``path`` without line ends; ``lines[i]`` is source line ``i + 1``."""
    return path.read_text(encoding="utf-8").split("\n")


def clean_block(lines: list[str], first: int, last: int) -> str:
    """Clean and join source lines ``first..last`` (1-based, inclusive), skipping page numbers."""
    parts = [
        clean_line(lines[i - 1])
        for i in range(first, last + 1)
        if lines[i - 1].strip() and not is_page_number(lines[i - 1])
    ]
    return join_lines(parts)


def expect(lines: list[str], number: int, text: str) -> None:
    """Assert that source line ``number`` (1-based) holds ``text`` (after stripping)."""
    got = strip_debris(lines[number - 1])
    if got != text:
        raise ValueError(f"seed line {number}: expected {text!r}, found {got!r}")


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
            n += 1
    return n
