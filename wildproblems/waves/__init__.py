"""The survey-wave wing: save a map, place a new wave on it, compare two waves.

* :mod:`~wildproblems.waves.store`: the ``.wpmap`` file (``wp.load``, ``WildMap.save``);
* :mod:`~wildproblems.waves.place`: the neighbour vote that puts a unit on a frozen map;
* :mod:`~wildproblems.waves.assign`: a new wave placed on a map (``WildMap.assign``);
* :mod:`~wildproblems.waves.compare`: what changed between two waves (``wp.compare``).
"""

from __future__ import annotations

from .assign import assign
from .compare import Comparison, compare
from .place import calibrate, consistency, placed_labels
from .store import load, read_manifest, save

__all__ = [
    "Comparison",
    "assign",
    "calibrate",
    "compare",
    "consistency",
    "load",
    "placed_labels",
    "read_manifest",
    "save",
]
