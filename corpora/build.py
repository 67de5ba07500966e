"""Build the bundled corpora (CSV files in ``corpora/``) from the seed reports.

Usage::

    python corpora/build.py --seeds ../shared/seeds --out corpora

The seeds are inputs to this script only; the CSVs it writes are committed, and the library reads
nothing but those CSVs. The build is deterministic: re-running it on the same seeds rewrites every
CSV byte for byte (checked by ``tests/test_corpora.py``). The seed files are identified by their
SHA-256 (``SEEDS`` below); a seed with another hash is refused unless ``--allow-changed-seeds``.

Parsers are specific to each report, because each report lays out its quotes differently: one
module per report in ``corpora/reports/``; the shared cleaning rules live in ``corpora/clean.py``. Where a report's layout cannot be parsed
reliably (theme headings without numbers, quote starts that a heuristic misses) the build uses
small tables of source line numbers below, and asserts that each listed line holds the expected
text, so every curated choice is visible and checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpora.reports._common import SEEDS, find_seed, read_lines, sha256_of, write_csv  # noqa: E402
from corpora.reports.digital_velfaerd_2026 import DV26_COLUMNS, build_digital  # noqa: E402
from corpora.reports.faellesskab_2025 import FS25_COLUMNS, build_faellesskab  # noqa: E402
from corpora.reports.foertidspension_2012 import (  # noqa: E402
    FP12_QUOTE_COLUMNS,
    FP12_STATEMENT_COLUMNS,
    FP12_TYPOLOGY_COLUMNS,
    build_foertidspension,
    build_typology,
)
from corpora.reports.napire_2018 import COLUMNS as NAPIRE_COLUMNS  # noqa: E402
from corpora.reports.napire_2018 import build_napire  # noqa: E402

# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def build_all(
    seeds: Path, out: Path, *, allow_changed_seeds: bool = False, napire: Path | None = None
) -> dict[str, int]:
    """Write every corpus CSV into ``out``; return row counts by file stem.

    ``napire``: the NaPiRE 2018 data folder (``reports/napire_2018.py``); ``None`` leaves that
    corpus out.
    """
    paths = {key: find_seed(seeds, key) for key in SEEDS}
    for key, path in paths.items():
        want = SEEDS[key].sha256
        got = sha256_of(path)
        if want and got != want and not allow_changed_seeds:
            raise ValueError(f"{path.name}: sha256 {got} differs from the expected {want}")
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    counts["faellesskab_2025"] = write_csv(
        out / "faellesskab_2025.csv",
        FS25_COLUMNS,
        build_faellesskab(read_lines(paths["faellesskab"])),
    )
    counts["digital_velfaerd_2026"] = write_csv(
        out / "digital_velfaerd_2026.csv", DV26_COLUMNS, build_digital(read_lines(paths["digital"]))
    )
    fp_lines = read_lines(paths["foertidspension"])
    quotes, statements, sentences = build_foertidspension(fp_lines)
    counts["foertidspension_2012"] = write_csv(
        out / "foertidspension_2012.csv", FP12_QUOTE_COLUMNS, quotes
    )
    counts["foertidspension_2012_statements"] = write_csv(
        out / "foertidspension_2012_statements.csv", FP12_STATEMENT_COLUMNS, statements
    )
    counts["foertidspension_2012_sentences"] = write_csv(
        out / "foertidspension_2012_sentences.csv", FP12_STATEMENT_COLUMNS, sentences
    )
    counts["foertidspension_2012_typology"] = write_csv(
        out / "foertidspension_2012_typology.csv",
        FP12_TYPOLOGY_COLUMNS,
        build_typology(fp_lines),
    )
    if napire is not None:
        counts["napire_2018"] = write_csv(
            out / "napire_2018.csv", NAPIRE_COLUMNS, build_napire(napire)
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=here.parent.parent / "shared" / "seeds")
    parser.add_argument("--out", type=Path, default=here)
    parser.add_argument("--allow-changed-seeds", action="store_true")
    parser.add_argument(
        "--napire",
        type=Path,
        default=here.parent.parent / "shared" / "data" / "napire2018",
        help="NaPiRE 2018 data folder ('' to leave napire_2018 out)",
    )
    args = parser.parse_args(argv)
    napire = args.napire if str(args.napire) not in ("", ".") else None
    counts = build_all(
        args.seeds, args.out, allow_changed_seeds=args.allow_changed_seeds, napire=napire
    )
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
