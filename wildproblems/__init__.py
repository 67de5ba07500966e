"""wildproblems: turn free-text answers into a map of a wild (wicked) problem.

>>> import wildproblems as wp
>>> m = wp.map(["..."] * 0 or wp.corpora.load("faellesskab_2025"), text="text",
...            respondent="speaker", progress=False)  # doctest: +SKIP
"""

from __future__ import annotations

import logging

from . import corpora  # noqa: F401  (bundled corpora loader)
from ._version import __version__
from .config import DEFAULT_EMBEDDER, MapConfig
from .embed import Embedder, get_embedder, register_embedder
from .errors import InputError, MapFormatError, ModelSpecError, WildProblemsError
from .pipeline import map
from .result import WildMap
from .waves.compare import Comparison, compare
from .waves.store import load

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "Comparison",
    "DEFAULT_EMBEDDER",
    "Embedder",
    "InputError",
    "MapConfig",
    "MapFormatError",
    "ModelSpecError",
    "WildMap",
    "WildProblemsError",
    "compare",
    "corpora",
    "get_embedder",
    "load",
    "map",
    "register_embedder",
]
