"""The four corners of a wild problem (causes, solutions, scale, conflict) and a wildness index.

Every measure is a documented number with a ``score`` in [0, 1] (0 = tame, 1 = wild) where one makes
sense; :func:`compute_corners` returns them as one long table with the method of each.

**Causes / solutions** (per kind, over clustered units; unclustered units are left out and their
share reported):

* ``effective_clusters`` = ``exp(H)``, the Hill number of order 1 of the cluster shares (``H`` the
  Shannon entropy in nats): as many equally large clusters would be as diverse;
* ``evenness`` = ``H / ln(k)`` for ``k`` clusters;
* ``clusters_per_respondent``: mean number of distinct clusters a respondent's units fall in;
* score = ``1 - 1 / effective_clusters`` (0 with one cluster, 0.96 with 26 even ones).

**Scale**: each unit is placed in its nearest sector and nearest administrative level (cosine to the
anchor centroids of the model's sectors/levels). ``sectors_touched`` counts sectors holding at least
``sector_min_share`` of the units, ``effective_sectors`` = ``exp(H)`` of the sector shares;
likewise for levels. Score = mean over sectors and levels of
``(effective - 1) / (defined - 1)``.

**Conflict** (respondent level, over units of the model's pathway kinds):

* per axis: ``spread`` = standard deviation of respondents' mean positions (positions are on the
  model's fixed -1..+1 pole scale), scored ``min(1, 2 * spread)``; ``bimodality`` = Sarle's
  bimodality coefficient ``(g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3)))`` of the same positions (g
  skewness, k excess kurtosis; 1/3 for a normal, 5/9 for a uniform, higher when two camps form),
  scored as is, clipped to [0, 1];
* with a ``group`` column (e.g. party): ``group_divergence`` = the size-weighted mean over pairs of
  groups of the Jensen-Shannon divergence (base 2, in [0, 1]) between the groups' distributions over
  clusters, per kind and averaged over kinds; ``group_axis_eta2`` = share of the variance of
  respondent positions explained by group (per axis).

Conflict score = mean of the available scored parts.

**Wildness index** = mean of the corner scores that could be measured; its parts are the rows
with ``measure == "score"``. A corner that could not be measured (no units of a kind, no clustered
units, no sectors or levels, no axis and no group) keeps a ``score`` row with NaN and a method that
says why, and is left out of the index (its method names the corners left out), never counted
as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schema import CORNER_COLUMNS
from .spec import ModelSpec

COLUMNS = list(CORNER_COLUMNS)
#: The four corners, in the order they are reported.
CORNERS = ("causes", "solutions", "scale", "conflict")
#: How a corner that could not be measured starts its method (its score is NaN, and it is left
#: out of the wildness index, which says so).
NOT_MEASURED = "not measured"


def hill_entropy(counts: Sequence[float]) -> tuple[float, float]:
    """``(H, exp(H))`` of the distribution given by ``counts`` (zeros ignored).

    >>> hill_entropy([5, 5])[1]
    2.0
    """
    c = np.asarray([x for x in counts if x > 0], dtype=float)
    if c.sum() == 0:
        return 0.0, 0.0
    p = c / c.sum()
    h = float(-(p * np.log(p)).sum())
    return h, float(np.exp(h))


def bimodality_coefficient(x: Sequence[float]) -> float:
    """Sarle's bimodality coefficient with the small-sample correction (NaN for n < 4).

    >>> round(bimodality_coefficient([0, 0, 0, 0, 1, 1, 1, 1]), 3)
    0.476
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 4 or x.std() == 0:
        return float("nan")
    from scipy.stats import kurtosis, skew

    g = skew(x, bias=False)
    k = kurtosis(x, bias=False)
    return float((g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def js_divergence(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence (base 2) of two count vectors, in [0, 1].

    >>> js_divergence([1, 0], [0, 1]), js_divergence([1, 1], [2, 2])
    (1.0, 0.0)
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float((a[nz] * np.log2(a[nz] / m[nz])).sum())

    return max(0.0, 0.5 * kl(p) + 0.5 * kl(q))


def _row(corner: str, measure: str, value: float, score: float, method: str) -> dict:
    return {
        "corner": corner,
        "measure": measure,
        "value": round(float(value), 4) if np.isfinite(value) else np.nan,
        "score": round(float(score), 4) if np.isfinite(score) else np.nan,
        "method": method,
    }


def _diversity(units: pd.DataFrame, kind: str, corner: str) -> list[dict]:
    u = units[units["kind"] == kind]
    cl = u[u["cluster"] >= 0]
    sizes = cl["cluster"].value_counts().to_numpy()
    h, eff = hill_entropy(sizes)
    k = len(sizes)
    per_resp = cl.groupby("respondent")["cluster"].nunique().mean() if len(cl) else 0.0
    score = 1 - 1 / eff if eff > 0 else np.nan
    return [
        _row(corner, "units", len(u), np.nan, f"units of kind {kind}"),
        _row(corner, "clusters", k, np.nan, "clusters found"),
        _row(
            corner,
            "unclustered_share",
            1 - len(cl) / len(u) if len(u) else np.nan,
            np.nan,
            "share of units in no cluster (left out of the measures below)",
        ),
        _row(corner, "effective_clusters", eff, np.nan, "exp(Shannon entropy of cluster shares)"),
        _row(corner, "evenness", h / np.log(k) if k > 1 else 0.0, np.nan, "entropy / ln(clusters)"),
        _row(
            corner,
            "clusters_per_respondent",
            per_resp,
            np.nan,
            "mean distinct clusters per respondent",
        ),
        _row(
            corner,
            "score",
            score,
            score,
            "1 - 1/effective_clusters" if eff > 0 else f"{NOT_MEASURED}: no clustered units",
        ),
    ]


def _scale(units: pd.DataFrame, spec: ModelSpec) -> list[dict]:
    rows, parts = [], []
    for col, facets in (("sector", spec.sectors), ("level", spec.levels)):
        if not facets or col not in units:
            continue
        counts = units[col].value_counts()
        shares = counts / counts.sum()
        touched = int((shares >= spec.thresholds.sector_min_share).sum())
        _, eff = hill_entropy(counts.to_numpy())
        part = (eff - 1) / (len(facets) - 1)
        parts.append(part)
        rows += [
            _row(
                "scale",
                f"{col}s_touched",
                touched,
                np.nan,
                f"{col}s holding >= {spec.thresholds.sector_min_share:.0%} of units "
                f"(of {len(facets)} defined)",
            ),
            _row(
                "scale",
                f"effective_{col}s",
                eff,
                part,
                f"exp(entropy of {col} shares); score (eff-1)/({len(facets)}-1)",
            ),
        ]
        rows.append(
            _row(
                "scale",
                f"{col}_shares",
                np.nan,
                np.nan,
                "; ".join(f"{k} {v:.2f}" for k, v in shares.items()),
            )
        )
    if parts:
        s = float(np.mean(parts))
        rows.append(_row("scale", "score", s, s, "mean of the sector and level scores"))
    return rows


def _conflict(units: pd.DataFrame, spec: ModelSpec, group: str | None) -> list[dict]:
    rows, parts = [], []
    pk = units[units["kind"].isin(spec.pathway_kinds)]
    for a in spec.axes:
        col = f"axis:{a.id}"
        if col not in pk or len(pk) == 0:
            continue
        pos = pk.groupby("respondent")[col].mean().dropna()
        if len(pos) < 2:  # one respondent has no spread to measure: not a spread of 0
            continue
        sd = float(pos.std(ddof=0))
        bc = bimodality_coefficient(pos.to_numpy())
        rows.append(
            _row(
                "conflict",
                f"spread:{a.id}",
                sd,
                min(1.0, 2 * sd),
                f"SD of {len(pos)} respondents' mean positions on {a.name} "
                "(-1..+1 pole scale); score min(1, 2 SD)",
            )
        )
        parts.append(min(1.0, 2 * sd))
        if np.isfinite(bc):
            rows.append(
                _row(
                    "conflict",
                    f"bimodality:{a.id}",
                    bc,
                    min(1.0, max(0.0, bc)),
                    "Sarle's bimodality coefficient of respondent positions "
                    "(normal 0.33, uniform 0.56)",
                )
            )
            parts.append(min(1.0, max(0.0, bc)))
        if group:
            g = pk.groupby("respondent")[group].first().reindex(pos.index)
            eta = _eta2(pos.to_numpy(), g.astype(str).to_numpy())
            rows.append(
                _row(
                    "conflict",
                    f"group_axis_eta2:{a.id}",
                    eta,
                    np.nan,
                    f"share of variance of respondent positions explained by {group!r}",
                )
            )
    if group:
        div = []
        for kind in [k for k in ("cause", "solution", "other") if k in set(units["kind"])]:
            cl = units[(units["kind"] == kind) & (units["cluster"] >= 0)]
            tab = pd.crosstab(cl[group].astype(str), cl["cluster"])
            if len(tab) < 2:
                continue
            sizes = tab.sum(axis=1).to_numpy(dtype=float)
            pairs = list(combinations(range(len(tab)), 2))
            w = np.array([sizes[i] * sizes[j] for i, j in pairs])
            js = np.array([js_divergence(tab.iloc[i], tab.iloc[j]) for i, j in pairs])
            d = float((w * js).sum() / w.sum())
            div.append(d)
            rows.append(
                _row(
                    "conflict",
                    f"group_divergence:{kind}",
                    d,
                    np.nan,
                    f"size-weighted mean Jensen-Shannon divergence (base 2) between "
                    f"{len(tab)} {group!r} groups' cluster distributions",
                )
            )
        if div:
            d = float(np.mean(div))
            rows.append(_row("conflict", "group_divergence", d, d, "mean over kinds"))
            parts.append(d)
    if parts:
        s = float(np.mean(parts))
        rows.append(_row("conflict", "score", s, s, "mean of the scored conflict measures"))
    elif spec.axes and pk["respondent"].nunique() < 2:
        rows.append(
            _row("conflict", "score", np.nan, np.nan, f"{NOT_MEASURED}: fewer than 2 respondents")
        )
    return rows


def _eta2(y: np.ndarray, g: np.ndarray) -> float:
    ok = np.isfinite(y)
    y, g = y[ok], g[ok]
    if len(y) < 2 or y.var() == 0:
        return float("nan")
    between = sum((g == v).sum() * (y[g == v].mean() - y.mean()) ** 2 for v in np.unique(g))
    return float(between / (len(y) * y.var()))


def compute_corners(units: pd.DataFrame, spec: ModelSpec, group: str | None = None) -> pd.DataFrame:
    """The four corners and the wildness index as a table (columns: :data:`COLUMNS`).

    ``units`` is a map's unit frame with the model columns (``sector``, ``level``, ``axis:<id>``);
    ``group`` names a column of it (e.g. a party) for the group parts of the conflict corner.
    """
    if group is not None and group not in units.columns:
        raise InputError(
            f"group column {group!r} not found; the units have columns {list(units.columns)}"
        )
    rows: list[dict] = []
    for kind, corner in (("cause", "causes"), ("solution", "solutions")):
        if (units["kind"] == kind).any():
            rows += _diversity(units, kind, corner)
    rows += _scale(units, spec)
    rows += _conflict(units, spec, group)
    have = {r["corner"] for r in rows if r["measure"] == "score"}
    why = {
        "causes": "no units of kind cause",
        "solutions": "no units of kind solution",
        "scale": "the model defines no sectors or levels",
        "conflict": "the model has no axis and no group was given",
    }
    for corner in CORNERS:
        if corner not in have:
            rows.append(_row(corner, "score", np.nan, np.nan, f"{NOT_MEASURED}: {why[corner]}"))
    scores = {r["corner"]: r["score"] for r in rows if r["measure"] == "score"}
    measured = {c: v for c, v in scores.items() if np.isfinite(v)}
    if measured:
        w = float(np.mean(list(measured.values())))
        parts = ", ".join(f"{c} {s:.2f}" for c, s in measured.items())
        missing = [c for c in CORNERS if c not in measured]
        left_out = f"; not measured and left out: {', '.join(missing)}" if missing else ""
        rows.append(
            _row(
                "wildness",
                "index",
                w,
                w,
                f"mean of the measured corner scores ({parts}){left_out}; 0 tame - 1 wild",
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)
