"""Compare two survey waves placed on one map: shares per cluster and pathway, their change, and a
bootstrap interval over respondents (see :func:`compare`).

>>> import wildproblems as wp
>>> m = wp.load("bolge-2025.wpmap")  # doctest: +SKIP
>>> cmp = wp.compare(m, m.assign(svar_2026, wave="2026"))  # doctest: +SKIP
>>> cmp.clusters[["label", "share_a", "share_b", "change", "ci_low", "ci_high"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..label import UNCLUSTERED_LABEL
from ..lang import get as words_of
from ..result import WildMap
from ..schema import KIND_ORDER, cluster_keys
from .place import placed_labels


@dataclass
class Comparison:
    """Two waves side by side (see :func:`compare`).

    Attributes
    ----------
    names:
        The two waves' names.
    clusters:
        One row per cluster (and per kind one ``-1`` row for units in no cluster): ``kind``,
        ``cluster``, ``cluster_key``, ``label``, ``status`` (in both / emerging / vanished / new in
        b / unclustered), ``size_a``, ``size_b``, ``share_a``, ``share_b``, ``change``
        (``share_b - share_a``), ``ci_low``, ``ci_high`` (bootstrap interval of the change over
        respondents) and ``significant`` (the interval excludes 0).
    pathways:
        The same for pathways when the map assigns clusters to pathways, else ``None``.
    summary:
        One row per kind and wave: units, respondents, clusters with units, unclustered and new
        shares, emerging clusters.
    corners:
        Both waves' corners stacked with a ``wave`` column, when both maps have corners.
    settings:
        Bootstrap settings (replicates, confidence, seed, paired).
    """

    names: tuple[str, str]
    clusters: pd.DataFrame
    pathways: pd.DataFrame | None
    summary: pd.DataFrame
    corners: pd.DataFrame | None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def new(self) -> pd.DataFrame:
        """Clusters that emerged in the second wave."""
        return self.clusters[self.clusters["status"] == "emerging"]

    @property
    def vanished(self) -> pd.DataFrame:
        """Clusters with units in the first wave and none in the second."""
        return self.clusters[self.clusters["status"] == "vanished"]

    def __repr__(self) -> str:
        a, b = self.names
        lines = [f"Comparison {a} -> {b}"]
        for row in self.clusters[self.clusters["cluster"] >= 0].itertuples():
            lines.append(
                f"  {row.cluster_key:<14} {row.label[:40]:<40} {row.share_a:6.1%} -> "
                f"{row.share_b:6.1%} ({row.change:+.1%}, {row.ci_low:+.1%}..{row.ci_high:+.1%})"
                + ("" if row.status == "in both" else f" [{row.status}]")
            )
        return "\n".join(lines)

    def plot(self, kind: str | None = None, top: int | None = None, ax: Any = None):
        """Horizontal bars of the change in share per cluster, with bootstrap whiskers.

        One panel per kind (or only ``kind``); ``top`` keeps the clusters that moved most.
        Emerging clusters are drawn in green, vanished ones in grey. Returns the figure.
        """
        import matplotlib.pyplot as plt

        c = self.clusters[self.clusters["cluster"] >= 0]
        kinds = [kind] if kind else [k for k in KIND_ORDER if k in set(c["kind"])]
        if not kinds or (kind and kind not in set(c["kind"])):
            raise InputError(
                f"no clusters of kind {kind!r} to plot; kinds: {sorted(set(c['kind']))}"
            )
        panels = [c[c["kind"] == k].copy() for k in kinds]
        if top:
            panels = [
                p.loc[p["change"].abs().sort_values(ascending=False).index[:top]] for p in panels
            ]
        heights = [max(1.5, 0.35 * len(p) + 0.8) for p in panels]
        if ax is None:
            fig, axes = plt.subplots(
                len(panels),
                1,
                figsize=(9, sum(heights)),
                squeeze=False,
                gridspec_kw={"height_ratios": heights},
            )
            axes = axes[:, 0]
        else:
            if len(panels) != 1:
                raise InputError("pass kind=... when drawing into a given ax")
            fig, axes = ax.figure, [ax]
        colours = {"emerging": "#2ca02c", "vanished": "#8c8c8c"}
        words = words_of(self.settings.get("language", "da")).COMPARE
        for axis, k, p in zip(axes, kinds, panels):
            p = p.sort_values("change")
            y = np.arange(len(p))
            col = [
                colours.get(s, "#d62728" if ch < 0 else "#1f77b4")
                for s, ch in zip(p["status"], p["change"])
            ]
            err = np.vstack([p["change"] - p["ci_low"], p["ci_high"] - p["change"]]) * 100
            axis.barh(y, p["change"] * 100, color=col, xerr=np.clip(err, 0, None), capsize=3)
            axis.axvline(0, color="black", lw=0.8)
            axis.set_yticks(y)
            axis.set_yticklabels(
                [
                    # "\$": a $ in a label prints as it is (matplotlib reads $...$ as math)
                    f"[{cl}] {str(lab)[:45]}".replace("$", r"\$")
                    + (f" ({words['new']})" if s == "emerging" else "")
                    for cl, lab, s in zip(p["cluster"], p["label"], p["status"])
                ],
                fontsize=8,
            )
            title = f"{k}: {self.names[0]} → {self.names[1]}".replace("$", r"\$")
            axis.set_title(title, fontsize=10)
            axis.set_xlabel(words["axis"])
        fig.tight_layout()
        return fig


def _pathway_members(m: WildMap) -> dict[str, list[str]] | None:
    """Cluster keys feeding each pathway, from ``clusters["pathways"]`` (a list, or a string
    separated by ``,``/``|``/``;``) or from a ``pathways`` table with ``pathway`` and one of
    ``cluster_key``/``cluster_keys``/``clusters`` (keys, or cluster ids of kind ``solution``)."""

    def as_list(v: Any) -> list[str]:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return []
        if isinstance(v, str):
            return [
                s.strip() for s in v.replace("|", ",").replace(";", ",").split(",") if s.strip()
            ]
        return [str(x) for x in v]

    out: dict[str, list[str]] = {}
    if "pathways" in m.clusters.columns:
        for key, v in zip(m.clusters["cluster_key"], m.clusters["pathways"]):
            for p in as_list(v):
                out.setdefault(p, []).append(key)
        return out or None
    t = m.pathways
    if not isinstance(t, pd.DataFrame) or "pathway" not in t.columns:
        return None
    col = next((c for c in ("cluster_key", "cluster_keys", "clusters") if c in t.columns), None)
    if col is None:
        return None
    for _, row in t.iterrows():
        kind = row["kind"] if "kind" in t.columns else "solution"
        for v in as_list(row[col]):
            key = v if ":" in v else f"{kind}:{v}"
            out.setdefault(str(row["pathway"]), []).append(key)
    return out or None


def _respondent_counts(units: pd.DataFrame, keys: list[str], respondents: list[str]) -> np.ndarray:
    """(respondents x keys) unit counts."""
    r_pos = {r: i for i, r in enumerate(respondents)}
    k_pos = {k: i for i, k in enumerate(keys)}
    counts = np.zeros((len(respondents), len(keys)), dtype=np.float64)
    r = units["respondent"].astype(str).map(r_pos).to_numpy()
    k = units["cluster_key"].map(k_pos).to_numpy()
    np.add.at(counts, (r, k), 1.0)
    return counts


def _boot_weights(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n`` respondents is drawn, per replicate (n_boot x n)."""
    if n == 0:
        return np.zeros((n_boot, 0))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)


def _shares(counts: np.ndarray, num: np.ndarray, den: np.ndarray, weights: np.ndarray | None):
    """Group shares (numerator keys ``num`` / denominator keys ``den``), once or per replicate."""
    totals = counts.sum(axis=0) if weights is None else weights @ counts
    n, d = totals @ num, totals @ den
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d > 0, n / np.where(d > 0, d, 1.0), 0.0)


def compare(
    a: WildMap,
    b: WildMap,
    names: tuple[str, str] | None = None,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    paired: bool = False,
    random_state: int = 0,
    place_base: bool = True,
    level: str = "map",
) -> Comparison:
    """Compare two waves on the same map: shares per cluster and pathway, change, uncertainty.

    ``b`` is normally ``a.assign(...)`` (or both are waves placed on one saved map). The share of
    a cluster is its units over all units of its kind in the wave.

    Both waves must be counted by the same rule. A placed wave's units get their cluster by the
    vote of their nearest map units, and a few are ``new``; the map's own units got theirs from
    the clustering. So when ``a`` is the map itself and ``b`` a wave placed on it
    (``place_base=True``, the default), ``a``'s units are placed on the map too, each without
    itself (:func:`wildproblems.waves.placed_labels`), before the shares are counted, and a unit
    of ``b`` whose text is also in the map is counted like that map unit (so the same answers
    give the same shares). Without this, two random halves of one survey showed 5 of 13 clusters
    "shifting significantly". The interval of the change is a
    percentile bootstrap over respondents: each wave's respondents are resampled with replacement
    (``n_boot`` times, seed ``random_state``); with ``paired=True`` (a panel: the same respondent
    ids in both waves) they are resampled together. ``level="theme"`` or ``"code"`` compares the
    waves' themes or codes instead of the map's clusters (pathways are left out there).

    >>> import wildproblems as wp
    >>> cmp = wp.compare(m, m.assign(svar_2026), names=("2025", "2026"))  # doctest: +SKIP
    >>> cmp.clusters[["label", "share_a", "share_b", "change", "ci_low", "ci_high"]]  # doctest: +SKIP
    >>> cmp.plot()  # doctest: +SKIP
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    if n_boot < 10:
        raise InputError(f"n_boot must be at least 10, got {n_boot}")
    if level != "map":
        a, b = a.at_level(level), b.at_level(level)
    la = dict(zip(a.clusters["cluster_key"], a.clusters["label"]))
    lb = dict(zip(b.clusters["cluster_key"], b.clusters["label"]))
    clash = [k for k in la if k in lb and la[k] != lb[k]]
    if clash:
        k = clash[0]
        raise InputError(
            f"the two maps do not share their clusters: {k} is {la[k]!r} in the first and "
            f"{lb[k]!r} in the second. Compare waves placed on the same map "
            "(b = a.assign(...) or wp.load(path).assign(...))"
        )
    names = names or (
        (a.provenance.get("wave") or {}).get("name") or "a",
        (b.provenance.get("wave") or {}).get("name") or "b",
    )
    names = (str(names[0]), str(names[1]))
    language = a.config.language
    units_a, units_b = a.units, b.units
    a_placed = place_base and "status" not in a.units.columns and "status" in b.units.columns
    if a_placed:
        units_a = a.units.assign(cluster=placed_labels(a, leave_one_out=True))
        units_a["cluster_key"] = cluster_keys(units_a)
        # a text of b that is also in the map found itself there; count it as its twin in a is
        # counted, so the same answers give the same shares
        twin = dict(zip(zip(units_a["kind"], units_a["text"]), units_a["cluster"]))
        units_b = b.units.assign(
            cluster=[
                twin.get((k, t), c)
                for k, t, c in zip(b.units["kind"], b.units["text"], b.units["cluster"])
            ]
        )
        units_b["cluster_key"] = cluster_keys(units_b)

    # rows: every cluster of either map plus one "not clustered" row per kind
    meta = pd.concat([a.clusters, b.clusters], ignore_index=True).drop_duplicates("cluster_key")
    emerging_b = (
        set(b.clusters.loc[b.clusters["emerging"].astype(bool), "cluster_key"])
        if "emerging" in b.clusters.columns
        else set()
    )
    kinds = [k for k in KIND_ORDER if k in set(units_a["kind"]) | set(units_b["kind"])]
    rows = []
    for k in kinds:
        sub = meta[meta["kind"] == k].sort_values("cluster")
        rows += [
            (k, int(c), key, lab)
            for c, key, lab in zip(sub["cluster"], sub["cluster_key"], sub["label"])
        ]
        rows.append((k, -1, f"{k}:-1", UNCLUSTERED_LABEL[language]))
    table = pd.DataFrame(rows, columns=["kind", "cluster", "cluster_key", "label"])
    keys = table["cluster_key"].tolist()
    for u_ in (units_a, units_b):  # units whose key has no row (e.g. a cluster dropped by hand)
        missing = set(u_["cluster_key"]) - set(keys)
        if missing:
            raise InputError(
                f"units refer to clusters not in the cluster tables: {sorted(missing)[:5]}"
            )

    # groups: each cluster row, then each pathway; numerator and denominator over keys
    kind_of = table["kind"].to_numpy()
    groups_num = [np.array(keys) == key for key in keys]
    groups_den = [kind_of == k for k in kind_of]
    pathways = _pathway_members(a) or _pathway_members(b)
    p_names = sorted(pathways) if pathways else []
    for p in p_names:
        members = set(pathways[p])
        groups_num.append(np.isin(keys, list(members)))
        p_kinds = {key.split(":", 1)[0] for key in members}
        groups_den.append(np.isin(kind_of, list(p_kinds)))
    num = np.stack(groups_num, axis=1).astype(np.float64)
    den = np.stack(groups_den, axis=1).astype(np.float64)

    rng = np.random.default_rng(random_state)
    resp_a = sorted(set(units_a["respondent"].astype(str)))
    resp_b = sorted(set(units_b["respondent"].astype(str)))
    if paired:
        resp_a = resp_b = sorted(set(resp_a) | set(resp_b))
    ca, cb = _respondent_counts(units_a, keys, resp_a), _respondent_counts(units_b, keys, resp_b)
    share_a, share_b = _shares(ca, num, den, None), _shares(cb, num, den, None)
    diffs = []
    for start in range(0, n_boot, 250):
        reps = min(250, n_boot - start)
        wa = _boot_weights(len(resp_a), reps, rng)
        wb = wa if paired else _boot_weights(len(resp_b), reps, rng)
        diffs.append(_shares(cb, num, den, wb) - _shares(ca, num, den, wa))
    diff = np.vstack(diffs)
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(diff, [alpha, 1 - alpha], axis=0)
    size_a, size_b = ca.sum(axis=0) @ num, cb.sum(axis=0) @ num

    def frame(sl: slice) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "size_a": size_a[sl].astype(np.int64),
                "size_b": size_b[sl].astype(np.int64),
                "share_a": np.round(share_a[sl], 4),
                "share_b": np.round(share_b[sl], 4),
                "change": np.round(share_b[sl] - share_a[sl], 4),
                "ci_low": np.round(lo[sl], 4),
                "ci_high": np.round(hi[sl], 4),
            }
        )

    n_rows = len(keys)
    clusters = pd.concat([table, frame(slice(0, n_rows))], axis=1)
    clusters.insert(
        4,
        "status",
        [
            "unclustered"
            if c < 0
            else "emerging"
            if key in emerging_b
            else "vanished"
            if sa > 0 and sb == 0
            else "new in b"
            if sa == 0 and sb > 0
            else "in both"
            if sa > 0
            else "in neither"
            for c, key, sa, sb in zip(
                clusters["cluster"], keys, clusters["size_a"], clusters["size_b"]
            )
        ],
    )
    clusters["significant"] = (clusters["ci_low"] > 0) | (clusters["ci_high"] < 0)
    path_table = None
    if p_names:
        path_table = pd.concat(
            [
                pd.DataFrame(
                    {
                        "pathway": p_names,
                        "clusters": [", ".join(sorted(set(pathways[p]))) for p in p_names],
                    }
                ),
                frame(slice(n_rows, None)).reset_index(drop=True),
            ],
            axis=1,
        )
        path_table["significant"] = (path_table["ci_low"] > 0) | (path_table["ci_high"] < 0)

    summary_rows = []
    for name, m_, units in zip(names, (a, b), (units_a, units_b)):
        for k in kinds:
            u = units[units["kind"] == k]
            st = u["status"] if "status" in u.columns else pd.Series(dtype=object)
            cl = m_.clusters[m_.clusters["kind"] == k]
            summary_rows.append(
                {
                    "wave": name,
                    "kind": k,
                    "units": len(u),
                    "respondents": u["respondent"].nunique(),
                    "clusters_with_units": int(u.loc[u["cluster"] >= 0, "cluster"].nunique()),
                    "unclustered_share": round(float((u["cluster"] < 0).mean()), 4)
                    if len(u)
                    else 0.0,
                    "new_share": round(float(st.isin(["new", "emerging"]).mean()), 4)
                    if len(st)
                    else 0.0,
                    "emerging_clusters": int(cl["emerging"].sum()) if "emerging" in cl else 0,
                }
            )
    corners = None
    if isinstance(a.corners, pd.DataFrame) and isinstance(b.corners, pd.DataFrame):
        corners = pd.concat(
            [a.corners.assign(wave=names[0]), b.corners.assign(wave=names[1])], ignore_index=True
        )
    return Comparison(
        names=names,
        clusters=clusters,
        pathways=path_table,
        summary=pd.DataFrame(summary_rows),
        corners=corners,
        settings={
            "n_boot": n_boot,
            "confidence": confidence,
            "paired": paired,
            "random_state": random_state,
            "respondents": (len(resp_a), len(resp_b)),
            "method": "percentile bootstrap over respondents",
            "a_counted_by": "leave-one-out placement" if a_placed else "its clusters",
            "language": language,
        },
    )
