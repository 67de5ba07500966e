"""Words that mark a sentence as a cause or as a solution (proposal), per language.

Used as features by :mod:`wildproblems.kind_model` beside the embedding. Each language has two
groups of regular expressions (matched case-insensitively on the text):

* ``proposal``: modal verbs of obligation and recommendation, "the solution is", wishes and
  proposals; ``imperative``: a sentence that opens with a verb in the imperative or with a
  comparative that announces a change ("Mere tid til ...", "Better transport ...");
* ``cause``: causal connectives and words of lack, excess, barriers and pressure.

The lists are meant to be folded into ``wildproblems/lang/da.py`` and ``en.py`` later; keep them
plain data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

MARKERS: dict[str, dict[str, list[str]]] = {
    "da": {
        "proposal": [
            r"\bbør\b",
            r"\bburde\b",
            r"\bvi skal\b",
            r"\bman skal\b",
            r"\bder skal\b",
            r"\bskal (?:have|sikre|styrke|bruge|give|investere|prioritere|være|bygges|skabes|satse)\b",
            r"\bvi må\b",
            r"\bman må\b",
            r"\bmå (?:have|sikre|prioritere)\b",
            r"\bløsning(?:en|er|erne)?\b",
            r"\banbefal",
            r"\bforslag",
            r"\bforesl",
            r"\befterlys",
            r"\bønske[rs]?\b",
            r"\bbehov for\b",
            r"\bbrug for\b",
            r"\bkunne (?:hjælpe|bidrage|forebygge|være en|gøre|med fordel)\b",
            r"\bville (?:kunne|være en|hjælpe)\b",
            r"\bmed fordel\b",
            r"\bvej frem\b",
            r"\bgod idé\b",
            r"\bforebygg",
            r"\btidlig(?:ere)? indsats",
            r"\bstyrk(?:e|es)?\b",
            r"\binvest[eé]r",
            r"\bindfør",
            r"\bafskaf",
            r"\bsats(?:e|ning)\b",
        ],
        "imperative": [
            r"^(?:brug|udnyt|inddrag|fjern|sæt|ryd|giv|skab|lad|tænk|sats|styrk|investér|invester"
            r"|indfør|afskaf|gør|lav|byg|etabler|forenkl|nedbryd|opret|tilbyd|hæv|sænk|øg|ændr"
            r"|genforhandl|forebyg|samarbejd|uddan|prioriter|afbureaukratiser|flyt|saml|del|stop"
            r"|opprioriter|tilskynd)\b",
            r"^(?:mere|mindre|bedre|øget|større|tættere|tidligere|højere|lavere)\b",
        ],
        "cause": [
            r"\bfordi\b",
            r"\bskyldes\b",
            r"\bpå grund af\b",
            r"\bpga\b",
            r"\bgrundet\b",
            r"\bbunder i\b",
            r"\bårsag",
            r"\bmangel\b",
            r"\bmangel på\b",
            r"\bmangle[rt]?\b",
            r"\bmanglende\b",
            r"\bfor (?:lidt|få|mange|meget|høj|høje|lav|lave|lang|lange|store|stor|sent)\b",
            r"\balt for\b",
            r"\bikke nok\b",
            r"\bikke (?:kan|har|får|tid)\b",
            r"\bproblem",
            r"\budfordring",
            r"\bbarriere",
            r"\bhindring",
            r"\bfører til\b",
            r"\bmedfører\b",
            r"\bmedvirkende\b",
            r"\bderfor\b",
            r"\bpresse[rt]?\b",
            r"\bpres\b",
            r"\bsvært\b",
            r"\bsvære\b",
            r"\bstigende\b",
            r"\bventetid",
            r"\bnedskæring",
            r"\bbureaukrati\b",
        ],
    },
    "en": {
        "proposal": [
            r"\bshould\b",
            r"\bought to\b",
            r"\bmust\b",
            r"\bneed(?:s)? to\b",
            r"\bhave to\b",
            r"\bwe (?:must|need|have to|should)\b",
            r"\bsolution",
            r"\brecommend",
            r"\bpropos",
            r"\bsuggest",
            r"\bis needed\b",
            r"\bneed for\b",
            r"\bwould help\b",
            r"\bcould help\b",
            r"\bgood idea\b",
            r"\bway forward\b",
            r"\bprevent",
            r"\bearly intervention\b",
            r"\binvest\b",
            r"\bstrengthen",
            r"\bintroduce\b",
        ],
        "imperative": [
            r"^(?:use|invest|strengthen|involve|remove|abolish|reduce|increase|create|give|build"
            r"|make|let|introduce|raise|cut|simplify|scrap|train|recruit|allow|offer|provide"
            r"|set up|assign|agree|hold|document|encourage|support|focus|help|follow up|break"
            r"|prevent|prioriti[sz]e|ensure|establish|improve|hire|define|clarify|talk)\b",
            r"^(?:more|less|better|increased|greater|closer|earlier|higher|lower)\b",
        ],
        "cause": [
            r"\bbecause\b",
            r"\bdue to\b",
            r"\bcaused by\b",
            r"\bowing to\b",
            r"\bas a result of\b",
            r"\broot cause\b",
            r"\bcause",
            r"\black(?:s|ing)?\b",
            r"\bmissing\b",
            r"\bshortage",
            r"\binsufficient\b",
            r"\bunclear\b",
            r"\bpoor\b",
            r"\btoo (?:little|few|many|much|high|low|long|late|complex|complicated)\b",
            r"\bnot enough\b",
            r"\bno (?:time|one|clear)\b",
            r"\bproblem",
            r"\bchallenge",
            r"\bbarrier",
            r"\bobstacle",
            r"\bleads? to\b",
            r"\bresults? in\b",
            r"\bpressure\b",
            r"\bdifficult\b",
            r"\bhard to\b",
            r"\brising\b",
            r"\bdid not\b",
            r"\bdidn't\b",
            r"\bwas not\b",
            r"\bwere not\b",
        ],
    },
}

#: Marker feature names, in the column order of :func:`marker_features`.
FEATURES = ("proposal", "imperative", "cause")


@cache
def _compiled(group: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(p, re.IGNORECASE) for lang in sorted(MARKERS) for p in MARKERS[lang][group]
    )


def marker_counts(text: str) -> list[int]:
    """Number of matching patterns of each group in :data:`FEATURES` (both languages).

    >>> marker_counts("Vi bør investere i forebyggelse")
    [3, 0, 0]
    >>> marker_counts("It failed because of a lack of staff")
    [0, 0, 2]
    """
    t = " ".join(text.split())
    return [sum(1 for p in _compiled(g) if p.search(t)) for g in FEATURES]


def marker_features(texts: Sequence[str], cap: int = 3) -> np.ndarray:
    """Matrix (texts x :data:`FEATURES`) of marker counts, capped at ``cap`` and scaled to [0, 1]."""
    counts = np.array([marker_counts(t) for t in texts], dtype=float).reshape(-1, len(FEATURES))
    return np.minimum(counts, cap) / cap
