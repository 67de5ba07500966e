"""The curation wing: an analyst's edits of a map as replayable operations, and the round trip
through QDA tools.

* :mod:`~wildproblems.curate.edits`: rename, merge, split, move, drop, pin and unpin; the edit
  file (``m.save_edits``) and its replay (``wp.map(..., edits=...)``);
* :mod:`~wildproblems.curate.qda`: the changes made to an exported ``.qdpx`` turned into edits
  (``m.apply_qdpx``).
"""

from __future__ import annotations

from .edits import (
    EditError,
    apply_edit,
    drop_cluster,
    load_edits,
    merge,
    move,
    pin,
    rename,
    replay,
    save_edits,
    split,
    unpin,
)

__all__ = [
    "EditError",
    "apply_edit",
    "drop_cluster",
    "load_edits",
    "merge",
    "move",
    "pin",
    "rename",
    "replay",
    "save_edits",
    "split",
    "unpin",
]
