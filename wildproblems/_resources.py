"""Locate data shipped with the package (``corpora/`` and ``models/``).

In a source checkout (editable install, or tests run from the repository) the folders live at the
repository root; in an installed wheel they are copied to ``wildproblems/_data/``. Library code asks
this module and never hard-codes either place.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder holding the bundled ``name`` data (``"corpora"`` or ``"models"``).

    >>> data_dir("corpora").name
    'corpora'
    """
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"bundled folder {name!r} not found next to the wildproblems package "
        f"(looked in {_PKG / '_data' / name} and {_PKG.parent / name}); reinstall wildproblems"
    )
