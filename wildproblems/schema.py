"""Every table's columns in one place: kinds, reserved input columns, cluster keys and the
documented columns of the units, clusters, pathways, memberships, respondents and corners tables.

The stages fill these tables; the outputs (plots, report, exports, waves) read them. Anything that
needs to know a column's name or the order of kinds imports it from here.

>>> KIND_ORDER
('cause', 'solution', 'other', 'all')
>>> cluster_key("cause", 3)
'cause:3'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: The three kinds a unit can have (``all`` is used when no kind was given).
KINDS = ("cause", "solution", "other")
#: The order in which kinds are listed everywhere (tables, figures, reports).
KIND_ORDER = (*KINDS, "all")

#: Columns of ``WildMap.answers`` that the pipeline writes (input columns of these names are
#: renamed with :data:`CLASH_PREFIX` and reported).
ANSWER_RESERVED = ("answer_id", "respondent", "kind", "text", "row")

#: Documented columns of ``WildMap.units`` (metadata columns from the input follow them).
UNIT_COLUMNS = {
    "unit_id": "id of the unit: <answer_id>.<n>",
    "answer_id": "id of the answer the unit came from",
    "respondent": "who wrote the answer",
    "kind": "cause, solution, other (or 'all' when no kind was given)",
    "text": "the unit's text",
    "segment": "1-based position of the unit within its answer",
    "start": "offset of the unit's first character in the answer text",
    "end": "offset just after the unit's last character in the answer text",
    "answer_text": "the whole answer",
    "row": "0-based row of the answer in the input",
    "cluster": "cluster id within the kind; -1 = not clustered",
    "cluster_key": "unique cluster key '<kind>:<cluster>' ('<kind>:-1' when not clustered)",
    "label": "headline of the unit's cluster",
    "membership": (
        "how firmly the unit belongs to its cluster, in [0, 1]: with the Ward method the share of "
        "the unit's cluster lifetime in the hierarchy it stays in the cluster; with HDBSCAN its "
        "membership strength (0 when not clustered or assigned)"
    ),
    "assigned": "True when an unclustered unit was assigned to its nearest cluster",
    "x": "map x coordinate (2-d UMAP per kind, supervised by the kind's clusters)",
    "y": "map y coordinate (2-d UMAP per kind, supervised by the kind's clusters)",
}

#: The columns ``WildMap.units`` starts with (input columns and extra stage columns follow).
UNIT_FRONT = [
    "unit_id",
    "answer_id",
    "respondent",
    "kind",
    "text",
    "cluster",
    "label",
    "cluster_key",
    "membership",
    "assigned",
    "x",
    "y",
]

#: Columns the segmenter writes after the answer columns.
SEGMENT_COLUMNS = ("unit_id", "answer_id", "respondent", "kind", "text", "segment", "start", "end")

#: Columns the pipeline and its wings may add to ``WildMap.units``; an input metadata column with
#: one of these names would be overwritten, so it is renamed (see :func:`reserved_unit_columns`).
UNIT_RESERVED = (
    *UNIT_COLUMNS,
    "kind_score",
    "kind_source",
    "pathway",
    "sector",
    "level",
    "status",
    "confidence",
    "similarity",
    "nearest_unit",
    "cluster_theme",
    "cluster_code",
)

#: Prefix given to an input column whose name the pipeline needs (``label`` -> ``input_label``).
CLASH_PREFIX = "input_"

#: Columns a placed wave adds to :data:`UNIT_COLUMNS`.
WAVE_UNIT_COLUMNS = {
    "status": "clustered (placed in a cluster of the map), unclustered (placed among the map's "
    "unclustered units), new (fits no part of the map) or emerging (new and in an emerging cluster)",
    "confidence": "share of the neighbours' inverse-distance vote won by the unit's cluster",
    "similarity": "mean cosine similarity to the most similar map units (novelty score)",
    "nearest_unit": "unit_id of the most similar unit of the map",
}

#: Documented columns of ``WildMap.clusters``.
CLUSTER_COLUMNS = {
    "kind": "cause / solution / other / all",
    "cluster": "cluster id within the kind (0 = largest)",
    "cluster_key": "unique key '<kind>:<cluster>'",
    "label": "short headline taken from the cluster's own text",
    "keywords": "comma-separated lemmas ranked by class-based TF-IDF",
    "size": "number of units",
    "share": "size / all units of the kind (unclustered included)",
    "respondents": "number of distinct respondents with a unit in the cluster",
    "cohesion": (
        "how distinct the cluster is: mean silhouette of its units (cosine, centred embeddings), "
        "in [-1, 1]; nan when the kind has one cluster"
    ),
    "diffuse": "True when cohesion is below 0.03 (wildproblems.cluster.DIFFUSE_BELOW): the "
    "cluster's units are hardly closer to each other than to another cluster",
    "quotes": "list of the most representative unit texts (closest to the centroid)",
    "quote_ids": "unit ids of those quotes",
    "label_audit": "why the headline was chosen",
}

#: Columns ``dropped`` tables have (one row per answer or fragment that was skipped).
DROPPED_COLUMNS = ("answer_id", "respondent", "row", "text", "reason", "stage")

#: Documented columns of ``WildMap.pathways`` (a model); ``axis:<id>``, ``axis:<id>:anchors`` and
#: ``axis:<id>:spec`` follow for every axis of the model.
PATHWAY_COLUMNS = {
    "pathway": "pathway id (the model's, or data-<n> when proposed from the data)",
    "name": "the pathway's name",
    "description": "the model's description (or the pooled keywords of a proposed pathway)",
    "source": "model (the spec names the pathways) or data (proposed from the clusters)",
    "clusters": "cluster keys feeding the pathway, heaviest first",
    "cluster_labels": "their headlines",
    "weights": "each feeding cluster's weight on the pathway (a cluster's weights sum to 1)",
    "units": "weighted number of units feeding the pathway",
    "share": "units / all clustered units of the pathway kinds",
    "respondents": "distinct respondents with a unit in a feeding cluster",
    "quotes": "the units of the feeding clusters closest to the pathway",
    "quote_ids": "their unit ids",
}

#: The levels of a map's clusters: ``map`` (the map's own clusters, chosen by resampling
#: stability), ``theme`` (an overview, about 5-15 per kind) and ``code`` (the grain a researcher
#: codes at); themes and codes are nested cuts of one Ward tree (see
#: :func:`wildproblems.cluster.cluster_levels`).
LEVELS = ("map", "theme", "code")

#: The units column holding each unit's cluster at a level (a map's own clusters are in
#: ``cluster``); named so that an input column ``theme`` or ``code`` is never touched.
LEVEL_UNIT_COLUMN = {"map": "cluster", "theme": "cluster_theme", "code": "cluster_code"}

#: Documented columns of ``WildMap.levels``: one row per theme and per code of every kind.
LEVEL_COLUMNS = {
    "level": "theme or code",
    "kind": "cause / solution / other / all",
    "cluster": "id within the kind and level (0 = largest theme; codes numbered by theme)",
    "cluster_key": "'<kind>:<cluster>' within the level",
    "parent": "for a code, the cluster id of its theme; -1 for a theme",
    "label": "short headline taken from the cluster's own text",
    "keywords": "comma-separated lemmas ranked by class-based TF-IDF",
    "size": "number of units",
    "share": "size / all units of the kind",
    "respondents": "number of distinct respondents with a unit in it",
    "quotes": "the most representative unit texts",
    "quote_ids": "unit ids of those quotes",
    "label_audit": "why the headline was chosen",
}

#: Columns of ``WildMap.extras["memberships"]``: one row per (cluster, pathway).
MEMBERSHIP_COLUMNS = ("cluster_key", "pathway", "affinity", "weight", "fed")

#: Documented columns of every respondents table, with or without a model; with a
#: model ``pathway:<id>`` (the respondent's mean weight on each pathway), ``lean`` and
#: ``axis:<id>`` follow; then the metadata columns that have one value per respondent.
RESPONDENT_COLUMNS = {
    "respondent": "who wrote the answers",
    "answers": "number of answers",
    "units": "number of units",
    "units_<kind>": "units of each kind present in the map",
    "clusters": "cluster keys the respondent's units fall in",
    "labels": "their headlines",
    "<kind>:<cluster>": "units of the respondent in each cluster (one column per cluster key)",
}

#: Columns of ``WildMap.corners`` (one row per measure; see :mod:`wildproblems.model.corners`).
CORNER_COLUMNS = ("corner", "measure", "value", "score", "method")


def kinds_in(units: pd.DataFrame) -> list[str]:
    """The kinds present in a units frame, in :data:`KIND_ORDER`.

    >>> kinds_in(pd.DataFrame({"kind": ["solution", "cause", "solution"]}))
    ['cause', 'solution']
    """
    present = set(units["kind"])
    return [k for k in KIND_ORDER if k in present]


def cluster_key(kind: str, cluster: int) -> str:
    """The key ``'<kind>:<cluster>'`` that names one cluster across kinds, waves and files."""
    return f"{kind}:{int(cluster)}"


def cluster_keys(units: pd.DataFrame) -> pd.Series:
    """``kind:cluster`` of every unit: a cluster's name across kinds, waves and files.

    >>> cluster_keys(pd.DataFrame({"kind": ["cause", "solution"], "cluster": [2, -1]})).tolist()
    ['cause:2', 'solution:-1']
    """
    return units["kind"] + ":" + units["cluster"].astype(str)


def sort_by_kind(frame: pd.DataFrame, *before: str) -> pd.DataFrame:
    """Rows in :data:`KIND_ORDER`, then by cluster id (stable; the index is kept); columns named in
    ``before`` sort first.

    >>> sort_by_kind(pd.DataFrame({"kind": ["solution", "cause"], "cluster": [0, 1]}))["kind"].tolist()
    ['cause', 'solution']
    """
    rank = frame["kind"].map({k: i for i, k in enumerate(KIND_ORDER)})
    ordered = frame.assign(_kind=rank).sort_values([*before, "_kind", "cluster"], kind="stable")
    return ordered.drop(columns="_kind")


def split_key(key: str) -> tuple[str, int]:
    """Inverse of :func:`cluster_key`.

    >>> split_key("solution:-1")
    ('solution', -1)
    """
    kind, _, cluster = str(key).rpartition(":")
    return kind, int(cluster)


def key_order(keys: Iterable[str]) -> list[str]:
    """Cluster keys sorted by kind (:data:`KIND_ORDER`) and then cluster id.

    >>> key_order(["solution:0", "cause:10", "cause:2"])
    ['cause:2', 'cause:10', 'solution:0']
    """

    def rank(key: str) -> tuple[int, int]:
        kind, cluster = split_key(key)
        return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), cluster)

    return sorted(keys, key=rank)


def metadata_columns(answers: pd.DataFrame) -> list[str]:
    """The answers' metadata columns (everything that is not a pipeline column).

    >>> metadata_columns(pd.DataFrame(columns=["answer_id", "text", "parti"]))
    ['parti']
    """
    return [c for c in answers.columns if c not in ANSWER_RESERVED]
