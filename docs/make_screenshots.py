"""Screenshots of what a reader sees, taken in headless Chromium: the report in Danish and
English, the interactive map, and the static figures (dot maps per kind, pathways).

The map is ``foertidspension_2012_statements`` (752 statements of AKF's 2012 report) with the
``foertidspension`` model: causes and solutions classified from the text (so the guessed kinds
are flagged), pathways and the four corners. Output goes to ``docs/screenshots/``.

Usage::

    WILDPROBLEMS_CACHE=/work/cache python docs/make_screenshots.py [--out docs/screenshots]

Needs Chromium (``apt-get install -y chromium``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import wildproblems as wp  # noqa: E402

#: (file name, page, section id to show alone or "", window width, window height)
SHOTS = (
    ("report-da.png", "report-da.html", "", 1280, 2200),
    ("report-da-solutions.png", "report-da.html", "kind-solution", 1280, 2000),
    ("report-da-pathways.png", "report-da.html", "pathways", 1280, 1500),
    ("report-da-corners.png", "report-da.html", "corners", 1280, 1500),
    ("report-da-method.png", "report-da.html", "method", 1280, 700),
    ("report-en.png", "report-en.html", "", 1280, 2200),
    ("report-en-corners.png", "report-en.html", "corners", 1280, 1500),
    ("explore.png", "explore.html", "", 1400, 900),
)


def only_section(page: Path, section: str) -> Path:
    """A copy of the report ``page`` that shows only ``section`` (a screenshot of one part)."""
    text = page.read_text(encoding="utf-8")
    style = f"<style>section:not(#{section}), nav, header {{ display: none; }}</style></head>"
    out = page.with_name(f"{page.stem}-{section}.html")
    out.write_text(text.replace("</head>", style, 1), encoding="utf-8")
    return out


def chromium() -> str:
    """Path of Chromium; a clear error when it is missing."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("chromium is not installed: apt-get install -y chromium")


def screenshot(url: str, png: Path, width: int, height: int, profile: Path) -> None:
    """Headless Chromium's screenshot of ``url`` at ``width`` x ``height``."""
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=4000",
            f"--screenshot={png}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def main() -> None:
    """Make the map, its pages and figures, and screenshot them."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="docs/screenshots")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df = wp.corpora.load("foertidspension_2012_statements")
    m = wp.map(
        df, text="text", respondent="speaker", id="id", model="foertidspension", random_state=0
    )
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp)
        m.report(str(pages / "report-da.html"), language="da")
        m.report(str(pages / "report-en.html"), language="en")
        m.explore(path=str(pages / "explore.html"))
        for name, page, section, width, height in SHOTS:
            path = only_section(pages / page, section) if section else pages / page
            screenshot(path.as_uri(), out / name, width, height, pages / "profile")
    fig = m.plot()
    fig.savefig(out / "map-kinds.png", dpi=80, bbox_inches="tight")
    m.plot("solution").savefig(out / "map-solution.png", dpi=110, bbox_inches="tight")
    m.plot("solution", language="en").savefig(
        out / "map-solution-en.png", dpi=110, bbox_inches="tight"
    )
    m.plot_pathways().savefig(out / "pathways.png", dpi=100, bbox_inches="tight")
    for p in sorted(out.glob("*.png")):
        print(f"{p}  {p.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
