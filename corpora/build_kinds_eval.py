"""Build ``corpora/kinds_eval_da.csv``: Danish sentences labelled cause / solution by hand.

The labels are a person's reading of sentences whose kind the report makes explicit (a section on
challenges / barriers, or on alternatives / recommendations; see corpora/README.md). The texts are
taken from the bundled corpora built from the seeds (``foertidspension_2012_sentences``,
``digital_velfaerd_2026``), which keep each sentence's seed line, and, for the INVI report (004),
from the seed itself when it is present. The set is never used to train the kind classifier.

    python corpora/build_kinds_eval.py [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
FP12 = "001_b3f316149b1e5b94.txt"
DV26 = "003_25c96d489d789217.txt"
INVI = "004_ffa8018b4a4cddd6.txt"
INVI_SOURCE = "INVI & KL (2025): Fire veje til en bæredygtig velfærd"

# (seed line, kind, text prefix where a line starts more than one sentence)
FP12_LABELS: list[tuple[int, str, str]] = [
    # Sammenfatning: "Centrale udfordringer og sten i skoen", "Alternativer til førtidspension"
    (584, "cause", ""),
    (604, "cause", ""),
    (608, "cause", ""),
    (633, "cause", ""),
    (641, "cause", ""),
    (679, "cause", ""),
    (687, "cause", ""),
    (209, "solution", ""),
    (598, "solution", ""),
    (623, "solution", ""),
    (667, "solution", ""),
    # 3 Viden og forskning: what the literature calls for
    (1346, "solution", ""),
    (1409, "solution", ""),
    (1424, "solution", ""),
    (1501, "solution", ""),
    (1659, "solution", ""),
    (893, "solution", ""),
    # 8.2.2 Udfordringer undervejs i sagsbehandlingen
    (5831, "cause", ""),
    (5837, "cause", ""),
    (5839, "cause", ""),
    (5845, "cause", ""),
    (5885, "cause", ""),
    (5904, "cause", ""),
    (5956, "cause", ""),
    (5984, "cause", ""),
    (5989, "cause", ""),
    (6040, "cause", ""),
    (6049, "cause", ""),
    (6063, "cause", ""),
    (6067, "cause", ""),
    (6096, "cause", ""),
    (6102, "cause", ""),
    (6130, "cause", ""),
    (6134, "cause", ""),
    (6142, "cause", ""),
    (6158, "cause", ""),
    (6162, "cause", ""),
    (6168, "cause", ""),
    (6178, "cause", ""),
    (6244, "cause", ""),
    (6250, "cause", ""),
    (6264, "cause", ""),
    (6268, "cause", ""),
    (6286, "cause", ""),
    (6310, "cause", ""),
    (6335, "cause", ""),
    (6345, "cause", ""),
    (6362, "cause", ""),
    (6366, "cause", ""),
    (6376, "cause", ""),
    (6380, "cause", ""),
    (6386, "cause", ""),
    (6404, "cause", ""),
    (6410, "cause", ""),
    (6420, "cause", ""),
    (6441, "cause", ""),
    (6451, "cause", ""),
    (5922, "solution", ""),
    (5946, "solution", ""),
    (6210, "solution", ""),
    (6228, "solution", ""),
    (6256, "solution", ""),
    (6300, "solution", ""),
    (6327, "solution", ""),
    (6402, "solution", ""),
    # 8.2.3 Ukoordinerede indsatser skaber problemer
    (6994, "cause", ""),
    (6996, "cause", ""),
    (7023, "cause", ""),
    (7049, "cause", ""),
    (7057, "cause", ""),
    (7065, "cause", ""),
    (7067, "cause", ""),
    (7099, "cause", ""),
    (7103, "cause", ""),
    (7130, "cause", ""),
    (7146, "cause", ""),
    (7150, "cause", ""),
    (7201, "cause", ""),
    (7211, "cause", ""),
    (7029, "solution", ""),
    # 8.2.4 Sammenfatning
    (7233, "cause", ""),
    (7264, "cause", ""),
    (7270, "cause", ""),
    (7274, "cause", ""),
    (7304, "cause", ""),
    (7256, "solution", ""),
    (7294, "solution", ""),
    (7310, "solution", ""),
    # 9 Alternativer til førtidspension (Silkeborg og Herning)
    (7784, "solution", ""),
    (7645, "solution", ""),
    # 10 Bud på alternativer til førtidspension
    (7915, "cause", "Problemet"),
    (7925, "cause", ""),
    (7945, "cause", ""),
    (7964, "cause", ""),
    (7970, "cause", ""),
    (7974, "cause", ""),
    (8002, "cause", ""),
    (8012, "cause", ""),
    (8020, "cause", ""),
    (8038, "cause", ""),
    (8045, "cause", ""),
    (8047, "cause", ""),
    (7949, "solution", ""),
    (7957, "solution", ""),
    (8000, "solution", ""),
    (8041, "solution", ""),
    (8053, "solution", ""),
    (8057, "solution", ""),
    (8061, "solution", ""),
    (8069, "solution", ""),
    (8075, "solution", "I den helt"),
    (8083, "solution", ""),
    (8093, "solution", ""),
    (8095, "solution", ""),
    # 11 Konklusion
    (8217, "cause", ""),
    (8373, "cause", ""),
]

# digital_velfaerd_2026: the overview's reasons (cause) and remedy (solution), the chapter 1-2
# findings and bullets (cause), the chapter 3 solution finding and the two quotes under it that
# ask for guidance and teaching (solution).
DV26_LABELS: list[tuple[int, str]] = [
    (86, "cause"),
    (87, "cause"),
    (111, "cause"),
    (121, "cause"),
    (123, "cause"),
    (124, "cause"),
    (132, "cause"),
    (134, "cause"),
    (135, "cause"),
    (136, "cause"),
    (152, "cause"),
    (166, "cause"),
    (183, "cause"),
    (88, "solution"),
    (216, "solution"),
    (220, "solution"),
    (225, "solution"),
]

# INVI 004: the four pathways are summaries of the politicians' solutions (lines of the seed,
# joined); the texts are the pathway descriptions, printed as proposals.
INVI_LABELS: list[tuple[int, int, str]] = [
    (108, 110, "solution"),
    (124, 126, "solution"),
    (133, 135, "solution"),
    (142, 144, "solution"),
]


def _invi_text(seeds: Path, start: int, end: int) -> str:
    lines = (seeds / INVI).read_text(encoding="utf-8").splitlines()[start - 1 : end]
    return " ".join(" ".join(ln.split()) for ln in lines)


def build(seeds: Path | None) -> pd.DataFrame:
    """The evaluation rows: ``id, text, speaker, source, theme, kind, line, source_file, corpus``."""
    fp = pd.read_csv(HERE / "foertidspension_2012_sentences.csv", dtype=str, keep_default_na=False)
    dv = pd.read_csv(HERE / "digital_velfaerd_2026.csv", dtype=str, keep_default_na=False)
    rows = []
    for line, kind, prefix in FP12_LABELS:
        hit = fp[(fp["line"] == str(line)) & fp["text"].str.startswith(prefix)]
        if len(hit) != 1:
            raise ValueError(f"{FP12} line {line} prefix {prefix!r}: {len(hit)} sentences")
        r = hit.iloc[0]
        rows.append(
            (
                r["text"],
                r["speaker"],
                r["source"],
                r["theme"],
                kind,
                line,
                FP12,
                "foertidspension_2012_sentences",
            )
        )
    for line, kind in DV26_LABELS:
        hit = dv[dv["line"] == str(line)]
        if len(hit) != 1:
            raise ValueError(f"{DV26} line {line}: {len(hit)} rows")
        r = hit.iloc[0]
        rows.append(
            (
                r["text"],
                r["speaker"] or "rapport",
                r["source"],
                r["theme"],
                kind,
                line,
                DV26,
                "digital_velfaerd_2026",
            )
        )
    if seeds is not None and (seeds / INVI).exists():
        for start, end, kind in INVI_LABELS:
            text = _invi_text(seeds, start, end)
            rows.append(
                (
                    text,
                    "rapport",
                    INVI_SOURCE,
                    "Fire veje til en bæredygtig velfærd",
                    kind,
                    start,
                    INVI,
                    "seed",
                )
            )
    cols = ["text", "speaker", "source", "theme", "kind", "line", "source_file", "corpus"]
    df = pd.DataFrame(rows, columns=cols)
    if df["text"].duplicated().any():
        raise ValueError(f"duplicate texts: {df.loc[df['text'].duplicated(), 'text'].tolist()}")
    df.insert(0, "id", [f"kev-{i:03d}" for i in range(1, len(df) + 1)])
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=HERE.parent.parent / "shared" / "seeds")
    ap.add_argument("--out", type=Path, default=HERE / "kinds_eval_da.csv")
    args = ap.parse_args()
    df = build(args.seeds if args.seeds.is_dir() else None)
    df.to_csv(args.out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    print(f"{args.out}: {len(df)} rows, {df['kind'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
