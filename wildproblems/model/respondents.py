"""Respondents: one row per respondent, the same columns with or without a model.

The columns are :data:`~wildproblems.schema.RESPONDENT_COLUMNS` (answers, units per kind, the
clusters and headlines a respondent wrote into), one column per cluster key counting the
respondent's units in it, then, with a model, the respondent's mean weight on
every pathway (``pathway:<id>``), the pathway they lean to (``lean``) and their mean position on
each axis (``axis:<id>``), then the metadata columns that hold one value per respondent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..schema import key_order, kinds_in, metadata_columns


def respondent_table(
    units: pd.DataFrame,
    answers: pd.DataFrame,
    unit_weights: np.ndarray | None = None,
    pathway_ids: Sequence[str] = (),
    in_pathway_kinds: np.ndarray | None = None,
    axis_ids: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per respondent (see the module docstring for the columns).

    ``unit_weights`` (units x pathways) are the units' pathway weights, ``in_pathway_kinds`` marks
    the units of the model's pathway kinds and ``axis_ids`` the axes whose ``axis:<id>`` unit
    columns are averaged; without them (no model) the table stops before the pathway columns.

    >>> units = pd.DataFrame({"respondent": ["a", "a", "b"], "kind": ["cause"] * 3,
    ...                       "cluster": [0, 1, -1], "cluster_key": ["cause:0", "cause:1", "cause:-1"],
    ...                       "label": ["X", "Y", "(ikke klynget)"]})
    >>> answers = pd.DataFrame({"answer_id": ["1", "2"], "respondent": ["a", "b"],
    ...                         "text": ["..", ".."], "row": [0, 1], "parti": ["V", "S"]})
    >>> respondent_table(units, answers).to_dict("records")[0]
    {'respondent': 'a', 'answers': 1, 'units': 2, 'units_cause': 2, 'clusters': ['cause:0', \
'cause:1'], 'labels': ['X', 'Y'], 'cause:0': 1, 'cause:1': 1, 'parti': 'V'}
    """
    u = units.assign(respondent=units["respondent"].astype(str))
    a = answers.assign(respondent=answers["respondent"].astype(str))
    index = pd.Index(sorted(set(u["respondent"]) | set(a["respondent"])), name="respondent")
    table = pd.DataFrame(index=index)
    table["answers"] = a.groupby("respondent").size().reindex(index).fillna(0).astype(int)
    table["units"] = u.groupby("respondent").size().reindex(index).fillna(0).astype(int)
    for kind in kinds_in(u):
        per = u[u["kind"] == kind].groupby("respondent").size()
        table[f"units_{kind}"] = per.reindex(index).fillna(0).astype(int)
    clustered = u[u["cluster"] >= 0]
    keys = clustered.groupby("respondent")["cluster_key"].agg(lambda s: key_order(set(s)))
    labels = clustered.groupby("respondent")["label"].agg(lambda s: sorted(set(s)))
    table["clusters"] = [keys.get(r, []) for r in index]
    table["labels"] = [labels.get(r, []) for r in index]
    counts = pd.crosstab(clustered["respondent"], clustered["cluster_key"])
    table = table.join(counts[key_order(counts.columns)].reindex(index).fillna(0).astype(int))
    if pathway_ids and unit_weights is not None and in_pathway_kinds is not None:
        resp = u["respondent"]
        W = pd.DataFrame(
            unit_weights[in_pathway_kinds], columns=[f"pathway:{p}" for p in pathway_ids]
        )
        W["respondent"] = resp[in_pathway_kinds].to_numpy()
        prof = W.groupby("respondent").mean().reindex(index)
        table = table.join(prof.round(4))
        vals = np.nan_to_num(prof.to_numpy())
        has = vals.max(axis=1) > 0
        lean = np.array(pathway_ids, dtype=object)[vals.argmax(axis=1)]
        table["lean"] = np.where(has, lean, "")
    for axis in axis_ids:
        col = f"axis:{axis}"
        mask = in_pathway_kinds if in_pathway_kinds is not None else np.ones(len(u), bool)
        table[col] = (
            u.loc[mask, col].groupby(u.loc[mask, "respondent"]).mean().reindex(index).round(4)
        )
    meta = metadata_columns(a)
    if meta:
        constant = [
            c for c in meta if (a.groupby("respondent")[c].nunique(dropna=False) <= 1).all()
        ]
        if constant:
            table = table.join(a.groupby("respondent")[constant].first())
    return table.reset_index()
