"""The four-corners table in the reader's language.

:func:`~wildproblems.model.corners.compute_corners` writes its table (``m.corners``) with English
corner, measure and method strings, which stay the data's stable keys. The report shows it in the
map's language: corner and measure names and the method of each measure come from
``lang.<language>.CORNERS``, axis, sector and level *names* from the model spec (never their ids),
and numbers in the language's format. A corner that could not be measured says why and that it was
left out of the wildness index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..lang import format_int, format_number, format_pct, kind_name
from ..lang import get as words_of
from ..model.corners import CORNERS, NOT_MEASURED

if TYPE_CHECKING:
    from ..result import WildMap


def format_value(v: float, language: str) -> str:
    """A measured value: whole numbers without decimals, others with three significant digits.

    >>> format_value(0.0412, "da"), format_value(3.0, "en"), format_value(float("nan"), "da")
    ('0,0412', '3', '–')
    """
    if not np.isfinite(v):
        return "–"
    if float(v).is_integer():
        return format_int(int(v), language)
    decimals = max(0, 2 - int(np.floor(np.log10(abs(v))))) if v else 0
    return format_number(v, min(decimals, 6), language)


def _names(m: WildMap, attr: str) -> dict[str, str]:
    return {str(f.id): str(f.name) for f in getattr(m.model_spec, attr, ()) or ()}


def _shares(m: WildMap, col: str, language: str) -> str:
    """``"Forsyning 40 %; Natur og parker 35 %"``: the units' shares per sector/level, by name."""
    if col not in m.units:
        return "–"
    names = _names(m, "sectors" if col == "sector" else "levels")
    counts = m.units[col].dropna().astype(str).value_counts()
    total = counts.sum() or 1
    return "; ".join(
        f"{names.get(k, k)} {format_pct(v / total, language)}" for k, v in counts.items()
    )


def corner_table(m: WildMap, language: str) -> dict[str, Any] | None:
    """``{"columns": [...], "rows": [[...], ...]}`` of ``m.corners`` in ``language``; None
    without corners."""
    c = m.corners
    if c is None or len(c) == 0:
        return None
    words = words_of(language)
    w, cw = words.REPORT, words.CORNERS
    names, measures, methods = cw["names"], cw["measures"], cw["methods"]
    spec = m.model_spec
    axes = {str(a.id): str(a.name) for a in getattr(spec, "axes", ()) or ()}
    th = getattr(spec, "thresholds", None)
    min_share = format_pct(float(getattr(th, "sector_min_share", 0.05)), language)
    group = str(m.config.group or "")
    kind_of = {"causes": "cause", "solutions": "solution"}

    def reason(method: str) -> str:
        raw = method.split(":", 1)[1].strip() if ":" in method else method
        return cw["reasons"].get(raw, raw)

    rows = []
    scores = {}
    for rec in c.to_dict("records"):
        corner, measure = str(rec["corner"]), str(rec["measure"])
        base, _, arg = measure.partition(":")
        method = str(rec["method"])
        value, score = float(rec["value"]), float(rec["score"])
        fmt_value = format_value(value, language)
        if base == "score":
            scores[corner] = score
        if method.startswith(NOT_MEASURED):
            label, how = measures["score"], methods["not_measured"].format(reason=reason(method))
        elif base == "units":
            label = measures["units"]
            how = methods["units"].format(
                kind=kind_name(kind_of.get(corner, corner), language, "many")
            )
        elif base in (
            "clusters",
            "unclustered_share",
            "effective_clusters",
            "evenness",
            "clusters_per_respondent",
        ):
            label, how = measures[base], methods[base]
        elif base == "score":
            label = measures["score"]
            how = methods.get(f"score_{'diversity' if corner in kind_of else corner}", method)
        elif base in ("sectors_touched", "levels_touched"):
            n = len(getattr(spec, "sectors" if base.startswith("sector") else "levels", ()) or ())
            label = measures[base]
            how = methods["touched"].format(share=min_share, n=format_int(n, language))
        elif base in ("effective_sectors", "effective_levels"):
            n = len(getattr(spec, "sectors" if "sector" in base else "levels", ()) or ())
            label, how = measures[base], methods["effective"].format(n=format_int(n, language))
        elif base in ("sector_shares", "level_shares"):
            label, how = measures[base], _shares(m, base.split("_")[0], language)
        elif base in ("spread", "bimodality", "group_axis_eta2"):
            label = measures[base].format(axis=axes.get(arg, arg))
            how = methods[base].format(group=group)
        elif base == "group_divergence":
            if arg:
                label = measures["group_divergence_kind"].format(
                    kind=kind_name(arg, language, "many")
                )
                how = methods["group_divergence_kind"].format(group=group)
            else:
                label, how = measures[base], methods[base]
        elif base == "index":
            parts = ", ".join(
                f"{names[k].lower()} {format_number(v, 2, language)}"
                for k, v in scores.items()
                if np.isfinite(v)
            )
            left = [names[k].lower() for k in CORNERS if not np.isfinite(scores.get(k, np.nan))]
            key = "index_left_out" if left else "index"
            label = measures["index"]
            how = methods[key].format(parts=parts, left_out=", ".join(left))
        else:  # a measure this version does not know: shown as computed
            label, how = measure, method
        rows.append(
            [
                names.get(corner, corner),
                label,
                fmt_value,
                format_value(score, language),
                how,
            ]
        )
    return {
        "columns": [w["corner"], cw["measure"], w["value"], cw["score"], w["how"]],
        "rows": rows,
    }


def guessed_kinds(m: WildMap) -> pd.Series:
    """Per unit: True when its kind was guessed by the classifier (``kind_source ==
    "classified"``); all False when the data gave the kinds."""
    if "kind_source" not in m.units:
        return pd.Series(False, index=m.units.index)
    return m.units["kind_source"].astype(str).eq("classified")


__all__ = ["corner_table", "format_value", "guessed_kinds"]
