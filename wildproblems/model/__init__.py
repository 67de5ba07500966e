"""The INVI wing: INVI's *Model for Vilde Problemer* on top of a map.

* :mod:`~wildproblems.model.spec`: model specs (YAML) validated into :class:`ModelSpec`;
* :mod:`~wildproblems.model.anchors`: anchor phrases embedded with the map's embedder; affinity,
  membership weights and axis positions;
* :mod:`~wildproblems.model.kinds`: cause / solution / other for units without a kind column;
* :mod:`~wildproblems.model.pathways`: solution clusters -> pathway idealtypes on an axis;
* :mod:`~wildproblems.model.respondents`: one row per respondent;
* :mod:`~wildproblems.model.corners`: the four corners and the wildness index.
"""

from __future__ import annotations

from .spec import ModelSpec, list_models, load_model, spec_from_text

__all__ = ["ModelSpec", "list_models", "load_model", "spec_from_text"]
