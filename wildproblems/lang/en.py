"""Every word wildproblems prints or reads in English."""

from __future__ import annotations

#: Words that carry no topic in answers, on top of spaCy's stop words.
STOP_WORDS = frozenset(
    {
        "eg",
        "etc",
        "ie",
        "also",
        "make",
        "get",
        "lot",
        "lots",
        "thing",
        "things",
        "really",
        "need",
        "needs",
        "more",
        "less",
        "much",
        "many",
        "good",
        "better",
        "way",
        "ways",
        "yeah",
        "yes",
        "well",
        "okay",
        "one",
        "two",
        "three",
        "go",
        "say",
        "see",
        "know",
    }
)

#: Spellings of the unit kinds in this language (lower-cased before lookup).
KIND_ALIASES = {
    "cause": "cause",
    "causes": "cause",
    "solution": "solution",
    "solutions": "solution",
    "other": "other",
    "": "other",
}

#: Headline of units in no cluster.
UNCLUSTERED = "(unclustered)"

#: Headline of units whose cluster an analyst dropped as not relevant (curate).
NOT_RELEVANT = "(not relevant)"

#: Headline of units of a new wave that fit no part of the map.
NEW = "(new: fits no part of the map)"

#: Figures.
PLOT = {
    "unclustered": "grey: not in a cluster",
    "pathways": "{n} pathways",
    "units": "{n} units",
    "more": "+ {n} more",
    "no_clusters": "no clusters",
    "clusters": "{n} clusters",
    "diffuse": "dashed frame: diffuse cluster (cohesion below {threshold})",
    "layout": "Map: UMAP of the vectors (cosine, {n_neighbors} neighbours) with each cluster "
    "pulling its dots together (weight {weight}); within a cluster distances follow similarity.",
    "layout_plain": "Map: UMAP of the vectors (cosine, {n_neighbors} neighbours); the clusters "
    "were found in the full vector space, not on the map.",
}

#: The comparison of two waves.
COMPARE = {"new": "new", "axis": "change in share (percentage points)"}

#: The interactive map.
EXPLORE = {
    "search": "Search the texts…",
    "all": "all",
    "shown": "{n} of {total} shown",
    "hint": "Click a dot to list its cluster's quotes. Search and filter above.",
    "cluster": "Cluster",
    "respondent": "Respondent",
    "units": "units",
    "respondents": "respondents",
    "keywords": "Keywords",
    "matches": "{n} texts match",
    "kind": "Kind",
    "unclustered": "not in a cluster",
    "title": "Interactive map",
    "reset": "Reset view",
    "unit": "unit",
    "respondent_one": "respondent",
    "diffuse": "diffuse cluster",
    "page_title": "{title}: {units} from {respondents}",
    "zoom_hint": "Drag to pan, scroll to zoom.",
}

#: REFI-QDA codebooks and projects.
QDA = {
    "theme": "theme",
    "unclustered": "(unclustered)",
    "unclustered_desc": "Units of kind {kind} that no cluster took ({n}).",
    "kind_desc": "Clusters of {kind} found by wildproblems.",
    "pathways": "Pathways",
    "pathways_desc": "The model's idealtype pathways; each gathers the clusters that feed it.",
    "keywords": "Keywords",
    "size": "Size: {n} units ({share}), {r} respondents",
    "key": "Cluster key",
    "quotes": "Quotes",
    "feeds": "Clusters (weight)",
    "axis": "Position on the axis",
    "not_found": "Unit {uid} was not found verbatim in its answer: the whole answer is selected.",
    "respondents": "Respondents",
    "respondents_desc": "One code per respondent, as NVivo and QualCoder read cases: each of the respondent's answers is coded with it.",
    "project_desc": "Map of a wild problem, made with wildproblems {version}.",
}

#: The HTML report.
REPORT = {
    "title": "Map of a wild problem",
    "generated": "Made {date} with wildproblems {version}",
    "contents": "Contents",
    "basis": "Data basis",
    "respondents": "respondents",
    "answers": "answers",
    "units": "units of text",
    "words": "words",
    "dropped": "dropped",
    "dropped_none": "No answers were dropped.",
    "dropped_some": "Dropped answers by reason:",
    "kinds_guessed": "Cause/solution was guessed from the text (no kind column). The "
    "classifier's measured balanced accuracy: {acc} ({n} hand-labelled Danish report sentences).",
    "per_kind": "By kind",
    "kind": "Kind",
    "clusters": "clusters",
    "unclustered": "not in a cluster",
    "assigned": "assigned to nearest cluster",
    "map_of": "The map",
    "map_note": "Each dot is one unit of text; the closer two dots, the more alike their wording "
    "and meaning. Dots of one colour belong to one cluster; grey dots belong to none.",
    "cluster_cards": "The clusters",
    "keywords": "Keywords",
    "share": "share",
    "quotes": "Quotes",
    "pathways": "Pathways",
    "pathways_none": "No model given: the map was made without idealtypes, so it has no pathways.",
    "pathways_too_few": "The model '{model}' has no idealtypes, so pathways are proposed from "
    "the data, which needs at least 3 clusters of {kinds}; this map has {n}. So there are no "
    "pathways.",
    "pathways_empty": "The model '{model}' gave no pathways for this map.",
    "pathway": "Pathway",
    "position": "Position on the axis",
    "feeding": "Clusters feeding it",
    "corners": "The four corners",
    "corners_none": "No model given: the corners (causes, solutions, scale, conflict) were not "
    "measured.",
    "corner": "Corner",
    "value": "Value",
    "how": "How it was measured",
    "method": "Method and provenance",
    "method_segment": {
        True: "The answers were split into units (one cause or solution each)",
        False: "Each answer is one unit",
    },
    "method_embed": "and turned into vectors by the language model {embedder}.",
    "method_cluster": {
        "ward": "Each kind was clustered on its own in a Ward hierarchy over the vectors, cut "
        "with HDBSCAN's excess-of-mass rule ({sizes}).",
        "hdbscan": "Each kind was reduced to {n_components} dimensions with UMAP and clustered "
        "with HDBSCAN ({sizes}).",
    },
    "method_size_chosen": "minimum cluster size {size}, chosen as the size whose clusters are "
    "most stable when part of the units is left out",
    "method_size_given": "minimum cluster size {size}, given by the user",
    "method_assigned": "Units in no cluster were then assigned to their nearest cluster and "
    "marked as assigned.",
    "method_layout": "The map was drawn with a 2-d UMAP ({n_neighbors} neighbours, seed "
    "{seed}); the clusters were found in the full vector space, not on the map.",
    "method_label_meaning": "Headlines are 1–4 word phrases from each cluster's own text, chosen "
    "for how close their meaning is to the cluster's centre and how distinct they are from the "
    "other clusters; keywords are ranked by class-based TF-IDF, and the quotes are the units "
    "closest to the cluster's centre. The map helps to read the answers; it does not replace "
    "reading them: read the quotes.",
    "method_llm": "The headlines were then written by the language model {model} from each "
    "cluster's keywords and quotes (prompt and answer are in the audit trail).",
    "method_layout_supervised": "The map was drawn with a 2-d UMAP ({n_neighbors} neighbours, "
    "seed {seed}) after clustering, with the clusters as its target (weight {weight}): each "
    "cluster reads as a region of the map, while distances within a cluster follow similarity "
    "in the full vector space where the clusters were found.",
    "method_cohesion": "A cluster's cohesion is the mean silhouette (cosine) of its units; below "
    "{threshold} the cluster is called diffuse: its units are hardly closer to each other than "
    "to another cluster.",
    "cohesion": "cohesion",
    "diffuse": "diffuse",
    "diffuse_note": "Diffuse cluster: its units are hardly closer to each other than to another "
    "cluster. Read the quotes before using the headline.",
    "method_label": "Headlines and keywords come from each cluster's own text (class-based "
    "TF-IDF), and the quotes are the units closest to the cluster's centre. The map helps to "
    "read the answers; it does not replace reading them: read the quotes.",
    "embedder": "Language model",
    "seed": "Random seed",
    "input_hash": "Input fingerprint",
    "created": "Map made",
    "chosen": "Chosen parameters",
    "versions": "Versions",
    "settings": "Settings",
    "timings": "Time taken (s)",
    "no_clusters": "No clusters found for this kind.",
}
#: Kind names: (one, many, heading).
KINDS = {
    "cause": ("cause", "causes", "Causes"),
    "solution": ("solution", "solutions", "Solutions"),
    "other": ("other statement", "other statements", "Other statements"),
    "all": ("statement", "statements", "Statements"),
}

#: Nouns with their plural: (one, many).
NOUNS = {
    "cluster": ("cluster", "clusters"),
    "respondent": ("respondent", "respondents"),
    "answer": ("answer", "answers"),
    "unit": ("unit of text", "units of text"),
    "pathway": ("pathway", "pathways"),
}

#: A count of units in clusters, e.g. "1,374 causes in 26 clusters".
COUNT_TITLE = "{n} {noun} in {k} {clusters}"

#: Number format: thousands separator, decimal mark, percentage pattern.
THOUSANDS = ","
DECIMAL = "."
PERCENT = "{}%"

#: Words that join two list items inside one point ("Q3 and 4"): never a split.
CONNECTORS = frozenset({"and", "or", "to"})

#: Words that mark a sentence as a proposal (modal verbs, 'the solution is', wishes), an
#: imperative or comparative opening, or a cause (causal connectives, lack, excess, barriers):
#: regular expressions, matched case-insensitively; features of the kind model.
KIND_MARKERS = {
    "proposal": [
        "\\bshould\\b",
        "\\bought to\\b",
        "\\bmust\\b",
        "\\bneed(?:s)? to\\b",
        "\\bhave to\\b",
        "\\bwe (?:must|need|have to|should)\\b",
        "\\bsolution",
        "\\brecommend",
        "\\bpropos",
        "\\bsuggest",
        "\\bis needed\\b",
        "\\bneed for\\b",
        "\\bwould help\\b",
        "\\bcould help\\b",
        "\\bgood idea\\b",
        "\\bway forward\\b",
        "\\bprevent",
        "\\bearly intervention\\b",
        "\\binvest\\b",
        "\\bstrengthen",
        "\\bintroduce\\b",
    ],
    "imperative": [
        "^(?:use|invest|strengthen|involve|remove|abolish|reduce|increase|create|give|build|make|let|introduce|raise|cut|simplify|scrap|train|recruit|allow|offer|provide|set "
        "up|assign|agree|hold|document|encourage|support|focus|help|follow "
        "up|break|prevent|prioriti[sz]e|ensure|establish|improve|hire|define|clarify|talk)\\b",
        "^(?:more|less|better|increased|greater|closer|earlier|higher|lower)\\b",
    ],
    "cause": [
        "\\bbecause\\b",
        "\\bdue to\\b",
        "\\bcaused by\\b",
        "\\bowing to\\b",
        "\\bas a result of\\b",
        "\\broot cause\\b",
        "\\bcause",
        "\\black(?:s|ing)?\\b",
        "\\bmissing\\b",
        "\\bshortage",
        "\\binsufficient\\b",
        "\\bunclear\\b",
        "\\bpoor\\b",
        "\\btoo (?:little|few|many|much|high|low|long|late|complex|complicated)\\b",
        "\\bnot enough\\b",
        "\\bno (?:time|one|clear)\\b",
        "\\bproblem",
        "\\bchallenge",
        "\\bbarrier",
        "\\bobstacle",
        "\\bleads? to\\b",
        "\\bresults? in\\b",
        "\\bpressure\\b",
        "\\bdifficult\\b",
        "\\bhard to\\b",
        "\\brising\\b",
        "\\bdid not\\b",
        "\\bdidn't\\b",
        "\\bwas not\\b",
        "\\bwere not\\b",
    ],
}


#: The four corners in the report: corner names, measure names and how each is measured
#: (``{axis}``, ``{kind}``, ``{group}``, ``{n}``, ``{share}``, ``{parts}``, ``{left_out}`` and
#: ``{reason}`` are filled in from the map).
CORNERS = {
    "names": {
        "causes": "Causes",
        "solutions": "Solutions",
        "scale": "Scale",
        "conflict": "Conflict",
        "wildness": "Wildness",
    },
    "measures": {
        "units": "units",
        "clusters": "clusters",
        "unclustered_share": "share unclustered",
        "effective_clusters": "effective number of clusters",
        "evenness": "evenness",
        "clusters_per_respondent": "clusters per respondent",
        "score": "score",
        "sectors_touched": "sectors touched",
        "effective_sectors": "effective number of sectors",
        "sector_shares": "shares of the sectors",
        "levels_touched": "levels touched",
        "effective_levels": "effective number of levels",
        "level_shares": "shares of the levels",
        "spread": "spread on {axis}",
        "bimodality": "bimodality on {axis}",
        "group_axis_eta2": "groups' share of the variance on {axis}",
        "group_divergence": "difference between groups",
        "group_divergence_kind": "difference between groups, {kind}",
        "index": "wildness index",
    },
    "methods": {
        "units": "units of kind {kind}",
        "clusters": "clusters found",
        "unclustered_share": "share of units in no cluster (left out of the measures below)",
        "effective_clusters": "exp(Shannon entropy of the cluster shares)",
        "evenness": "entropy / ln(number of clusters)",
        "clusters_per_respondent": "mean number of distinct clusters per respondent",
        "score_diversity": "1 − 1/effective number of clusters",
        "touched": "number holding at least {share} of the units (of {n} defined)",
        "effective": "exp(entropy of the shares); score (eff − 1)/({n} − 1)",
        "score_scale": "mean of the sector and level scores",
        "spread": "standard deviation of the respondents' mean positions (−1 to +1); "
        "score min(1, 2 · SD)",
        "bimodality": "Sarle's bimodality coefficient of the respondents' positions "
        "(normal 0.33, uniform 0.56)",
        "group_axis_eta2": "share of the variance of respondents' positions explained by {group}",
        "group_divergence_kind": "size-weighted mean Jensen-Shannon divergence (base 2) between "
        "the {group} groups' distributions over clusters",
        "group_divergence": "mean over kinds",
        "score_conflict": "mean of the scored conflict measures",
        "index": "mean of the measured corner scores ({parts}); 0 tame – 1 wild",
        "index_left_out": "mean of the measured corner scores ({parts}); not measured and left "
        "out: {left_out}; 0 tame – 1 wild",
        "not_measured": "not measured: {reason}; left out of the wildness index",
    },
    "reasons": {},
    "measure": "Measure",
    "score": "Score",
}

#: Kinds guessed by the classifier (no kind column given).
GUESSED = {
    "note": "The kind (cause, solution or other) of {n} of {total} units was guessed from the "
    "text, as the data had no kind column: read guessed kinds as a suggestion.",
    "card": "{n} guessed",
    "column": "kind guessed",
}
