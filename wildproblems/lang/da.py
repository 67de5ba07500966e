"""Every word wildproblems prints or reads in Danish."""

from __future__ import annotations

#: Words that carry no topic in answers, on top of spaCy's stop words.
STOP_WORDS = frozenset(
    {
        # abbreviations and fillers of written answers
        "fx",
        "bl.a",
        "bla",
        "osv",
        "mv",
        "mm",
        "ift",
        "pga",
        "dvs",
        "evt",
        "ca",
        "mv.",
        "etc",
        # quantity and degree words
        "mere",
        "flere",
        "meget",
        "mange",
        "stor",
        "større",
        "hel",
        "hele",
        "både",
        "lidt",
        "nok",
        "rigtig",
        "rigtigt",
        "virkelig",
        "faktisk",
        "stadig",
        "bare",
        "lige",
        "ligesom",
        "sådan",
        "godt",
        "god",
        "gode",
        "nogen",
        "noget",
        "nogle",
        "ikke",
        "altså",
        "jo",
        "samt",
        "ting",
        # spoken language (interview quotes)
        "ja",
        "jamen",
        "nej",
        "nå",
        "øh",
        "åh",
        "okay",
        "ok",
        "vel",
        "hva",
        "dét",
        "sgu",
        "da",
        # number words
        "en",
        "et",
        "to",
        "tre",
        "fire",
        "fem",
        "seks",
        "syv",
        "otte",
        "ni",
        "ti",
        "første",
        "anden",
        "andet",
        "tredje",
        # very general verbs (lemmas)
        "gøre",
        "få",
        "får",
        "blive",
        "være",
        "have",
        "kunne",
        "skulle",
        "ville",
        "burde",
        "måtte",
        "tage",
        "give",
        "komme",
        "sige",
        "se",
        "gå",
        "stå",
        "ligge",
        "sætte",
        "holde",
        "finde",
        "begynde",
        "ske",
        "hedde",
        "tænke",
        "tro",
        "synes",
        "mene",
        "mener",
        "vide",
        "prøve",
        "bruge",
        "sidde",
        "kalde",
        "lave",
        "spørge",
        "svare",
        "snakke",
        "tale",
        "tror",
        # general time words
        "gang",
        "dag",
        "år",
        "tid",
        "nu",
        "så",
        "dengang",
        "altid",
        "aldrig",
        "igen",
        # prepositions, conjunctions and sentence adverbs missing from spaCy's list
        "mod",
        "trods",
        "ifølge",
        "hos",
        "inden",
        "pr",
        "frem",
        "forud",
        "undervejs",
        "herunder",
        "derudover",
        "desuden",
        "hvorvidt",
        "henholdsvis",
        "ligeledes",
        "eksempelvis",
        "netop",
        "ofte",
        "samtidig",
        "heraf",
        "hertil",
        "hvilket",
        "idet",
        "når",
        "især",
        "særligt",
        "primært",
        "typisk",
        "generelt",
        "blot",
        "dels",
        "endvidere",
        "imidlertid",
        "nærmere",
        "videre",
        "tværs",
    }
)

#: Spellings of the unit kinds in this language (lower-cased before lookup).
KIND_ALIASES = {
    "årsag": "cause",
    "årsager": "cause",
    "aarsag": "cause",
    "udfordring": "cause",
    "udfordringer": "cause",
    "problem": "cause",
    "løsning": "solution",
    "løsninger": "solution",
    "loesning": "solution",
    "forslag": "solution",
    "andet": "other",
    "anden": "other",
}

#: Headline of units in no cluster.
UNCLUSTERED = "(ikke klynget)"

#: Headline of units whose cluster an analyst dropped as not relevant (curate).
NOT_RELEVANT = "(ikke relevant)"

#: Headline of units of a new wave that fit no part of the map.
NEW = "(nyt: passer ikke på kortet)"

#: Figures.
PLOT = {
    "unclustered": "grå: ikke i en klynge",
    "pathways": "{n} veje",
    "units": "{n} enheder",
    "more": "+ {n} flere",
    "no_clusters": "ingen klynger",
    "clusters": "{n} klynger",
    "diffuse": "stiplet ramme: diffus klynge (samhørighed under {threshold})",
    "layout": "Kort: UMAP af vektorerne (cosinus, {n_neighbors} naboer), hvor hver klynge trækker "
    "sine prikker sammen (vægt {weight}); inden for en klynge følger afstandene ligheden.",
    "layout_plain": "Kort: UMAP af vektorerne (cosinus, {n_neighbors} naboer); klyngerne er fundet "
    "i det fulde vektorrum, ikke på kortet.",
}

#: The comparison of two waves.
COMPARE = {"new": "ny", "axis": "ændring i andel (procentpoint)"}

#: The interactive map.
EXPLORE = {
    "search": "Søg i teksterne…",
    "all": "alle",
    "shown": "{n} af {total} vist",
    "hint": "Klik på en prik for at se klyngens citater. Søg og filtrér ovenfor.",
    "cluster": "Klynge",
    "respondent": "Respondent",
    "units": "enheder",
    "respondents": "respondenter",
    "keywords": "Nøgleord",
    "matches": "{n} tekster matcher",
    "kind": "Type",
    "unclustered": "ikke i en klynge",
    "title": "Interaktivt kort",
    "reset": "Nulstil visning",
    "unit": "enhed",
    "respondent_one": "respondent",
    "diffuse": "diffus klynge",
    "page_title": "{title}: {units} fra {respondents}",
    "zoom_hint": "Træk for at flytte, rul for at zoome.",
}

#: REFI-QDA codebooks and projects.
QDA = {
    "theme": "tema",
    "unclustered": "(ikke klynget)",
    "unclustered_desc": "Tekststykker af typen {kind}, som ingen klynge fik ({n}).",
    "kind_desc": "Klynger af {kind} fundet af wildproblems.",
    "pathways": "Veje",
    "pathways_desc": "Idealtypiske veje fra modellen; hver vej samler de klynger, der fører til "
    "den.",
    "keywords": "Nøgleord",
    "size": "Størrelse: {n} tekststykker ({share}), {r} respondenter",
    "key": "Klyngenøgle",
    "quotes": "Citater",
    "feeds": "Klynger (vægt)",
    "axis": "Placering på aksen",
    "not_found": "Tekststykket {uid} blev ikke fundet ordret i besvarelsen: hele besvarelsen er "
    "markeret.",
    "respondents": "Respondenter",
    "respondents_desc": "Én kode pr. respondent, som NVivo og QualCoder læser tilfælde: hver af respondentens besvarelser er kodet med den.",
    "project_desc": "Kort over et vildt problem, lavet med wildproblems {version}.",
}

#: The HTML report.
REPORT = {
    "title": "Kort over et vildt problem",
    "generated": "Lavet {date} med wildproblems {version}",
    "contents": "Indhold",
    "basis": "Datagrundlag",
    "respondents": "respondenter",
    "answers": "besvarelser",
    "units": "tekststykker",
    "words": "ord",
    "dropped": "frasorteret",
    "dropped_none": "Ingen besvarelser er frasorteret.",
    "dropped_some": "Frasorterede besvarelser efter årsag:",
    "kinds_guessed": "Årsag/løsning er gættet ud fra teksten (ingen type-kolonne). "
    "Klassifikatorens målte balancerede træfsikkerhed: {acc} ({n} håndkodede danske "
    "rapportsætninger).",
    "per_kind": "Pr. type",
    "kind": "Type",
    "clusters": "klynger",
    "unclustered": "ikke i en klynge",
    "assigned": "tildelt nærmeste klynge",
    "map_of": "Kortet",
    "map_note": "Hver prik er ét tekststykke; jo tættere to prikker ligger, jo mere ens er deres "
    "ordlyd og betydning. Prikker i samme farve hører til samme klynge; grå prikker "
    "hører ikke til nogen klynge.",
    "cluster_cards": "Klyngerne",
    "keywords": "Nøgleord",
    "share": "andel",
    "quotes": "Citater",
    "pathways": "Veje",
    "pathways_none": "Ingen model givet: kortet er lavet uden idealtyper, så der er ingen veje.",
    "pathways_too_few": "Modellen »{model}« har ingen idealtyper, så veje foreslås ud fra "
    "data, og det kræver mindst 3 klynger af {kinds}; dette kort har {n}. Der er derfor ingen "
    "veje.",
    "pathways_empty": "Modellen »{model}« gav ingen veje for dette kort.",
    "pathway": "Vej",
    "position": "Placering på aksen",
    "feeding": "Klynger der fører hertil",
    "corners": "De fire hjørner",
    "corners_none": "Ingen model givet: hjørnerne (årsager, løsninger, skala, konflikt) er ikke "
    "målt.",
    "corner": "Hjørne",
    "value": "Værdi",
    "how": "Sådan er det målt",
    "method": "Metode og proveniens",
    "method_segment": {
        True: "Besvarelserne er delt i tekststykker (én årsag eller løsning pr. stykke)",
        False: "Hver besvarelse er ét tekststykke",
    },
    "method_embed": "og omsat til vektorer med sprogmodellen {embedder}.",
    "method_cluster": {
        "ward": "Hver type er grupperet for sig i et Ward-hierarki over vektorerne, skåret med "
        "HDBSCAN's excess-of-mass-regel ({sizes}).",
        "hdbscan": "Hver type er reduceret til {n_components} dimensioner med UMAP og grupperet "
        "med HDBSCAN ({sizes}).",
    },
    "method_size_chosen": "mindste klyngestørrelse {size}, valgt som den, hvis klynger er mest "
    "stabile, når en del af tekststykkerne udelades",
    "method_size_given": "mindste klyngestørrelse {size}, givet af brugeren",
    "method_assigned": "Tekststykker uden klynge er derefter tildelt den nærmeste klynge og "
    "markeret som tildelt.",
    "method_layout": "Kortet er tegnet med UMAP i to dimensioner ({n_neighbors} naboer, frø "
    "{seed}); klyngerne er fundet i det fulde vektorrum, ikke på kortet.",
    "method_label_meaning": "Klyngernes overskrifter er 1–4-ords fraser fra klyngens egen tekst, "
    "valgt efter hvor tæt de i betydning ligger på klyngens midte, og hvor forskellige de er fra "
    "de andre klynger; nøgleordene er rangeret med klassebaseret TF-IDF, og citaterne er de "
    "tekststykker, der ligger tættest på klyngens midte. Kortet er en hjælp til at læse "
    "besvarelserne, ikke en erstatning for det: læs citaterne.",
    "method_llm": "Overskrifterne er derefter skrevet af sprogmodellen {model} ud fra klyngens "
    "nøgleord og citater (prompt og svar står i revisionssporet).",
    "method_layout_supervised": "Kortet er tegnet med UMAP i to dimensioner ({n_neighbors} "
    "naboer, frø {seed}) efter klyngedannelsen, med klyngerne som mål (vægt {weight}): hver "
    "klynge står som et område på kortet, mens afstandene inden for en klynge følger ligheden "
    "i det fulde vektorrum, hvor klyngerne er fundet.",
    "method_cohesion": "En klynges samhørighed er dens tekststykkers gennemsnitlige silhouet "
    "(cosinus); under {threshold} kaldes klyngen diffus: dens tekststykker ligger næppe "
    "tættere på hinanden end på en anden klynge.",
    "cohesion": "samhørighed",
    "diffuse": "diffus",
    "diffuse_note": "Diffus klynge: tekststykkerne ligger næppe tættere på hinanden end på en "
    "anden klynge. Læs citaterne, før overskriften bruges.",
    "method_label": "Klyngernes overskrifter og nøgleord er taget fra klyngernes egen tekst "
    "(klassebaseret TF-IDF), og citaterne er de tekststykker, der ligger tættest på klyngens "
    "midte. Kortet er en hjælp til at læse besvarelserne, ikke en erstatning for det: læs "
    "citaterne.",
    "embedder": "Sprogmodel",
    "seed": "Tilfældighedsfrø",
    "input_hash": "Fingeraftryk af input",
    "created": "Kort lavet",
    "chosen": "Valgte parametre",
    "versions": "Versioner",
    "settings": "Indstillinger",
    "timings": "Tidsforbrug (s)",
    "no_clusters": "Ingen klynger fundet for denne type.",
}
#: Kind names: (one, many, heading).
KINDS = {
    "cause": ("årsag", "årsager", "Årsager"),
    "solution": ("løsning", "løsninger", "Løsninger"),
    "other": ("andet udsagn", "andre udsagn", "Andre udsagn"),
    "all": ("udsagn", "udsagn", "Udsagn"),
}

#: Nouns with their plural: (one, many).
NOUNS = {
    "cluster": ("klynge", "klynger"),
    "respondent": ("respondent", "respondenter"),
    "answer": ("besvarelse", "besvarelser"),
    "unit": ("tekststykke", "tekststykker"),
    "pathway": ("vej", "veje"),
}

#: A count of units in clusters, e.g. "1.374 årsager i 26 klynger".
COUNT_TITLE = "{n} {noun} i {k} {clusters}"

#: Number format: thousands separator, decimal mark, percentage pattern.
THOUSANDS = "."
DECIMAL = ","
PERCENT = "{} %"

#: Words that join two list items inside one point ("3. og 4. kvartal"): never a split.
CONNECTORS = frozenset({"og", "eller", "samt", "til"})

#: Words that mark a sentence as a proposal (modal verbs, 'the solution is', wishes), an
#: imperative or comparative opening, or a cause (causal connectives, lack, excess, barriers):
#: regular expressions, matched case-insensitively; features of the kind model.
KIND_MARKERS = {
    "proposal": [
        "\\bbør\\b",
        "\\bburde\\b",
        "\\bvi skal\\b",
        "\\bman skal\\b",
        "\\bder skal\\b",
        "\\bskal (?:have|sikre|styrke|bruge|give|investere|prioritere|være|bygges|skabes|satse)\\b",
        "\\bvi må\\b",
        "\\bman må\\b",
        "\\bmå (?:have|sikre|prioritere)\\b",
        "\\bløsning(?:en|er|erne)?\\b",
        "\\banbefal",
        "\\bforslag",
        "\\bforesl",
        "\\befterlys",
        "\\bønske[rs]?\\b",
        "\\bbehov for\\b",
        "\\bbrug for\\b",
        "\\bkunne (?:hjælpe|bidrage|forebygge|være en|gøre|med fordel)\\b",
        "\\bville (?:kunne|være en|hjælpe)\\b",
        "\\bmed fordel\\b",
        "\\bvej frem\\b",
        "\\bgod idé\\b",
        "\\bforebygg",
        "\\btidlig(?:ere)? indsats",
        "\\bstyrk(?:e|es)?\\b",
        "\\binvest[eé]r",
        "\\bindfør",
        "\\bafskaf",
        "\\bsats(?:e|ning)\\b",
    ],
    "imperative": [
        "^(?:brug|udnyt|inddrag|fjern|sæt|ryd|giv|skab|lad|tænk|sats|styrk|investér|invester|indfør|afskaf|gør|lav|byg|etabler|forenkl|nedbryd|opret|tilbyd|hæv|sænk|øg|ændr|genforhandl|forebyg|samarbejd|uddan|prioriter|afbureaukratiser|flyt|saml|del|stop|opprioriter|tilskynd)\\b",
        "^(?:mere|mindre|bedre|øget|større|tættere|tidligere|højere|lavere)\\b",
    ],
    "cause": [
        "\\bfordi\\b",
        "\\bskyldes\\b",
        "\\bpå grund af\\b",
        "\\bpga\\b",
        "\\bgrundet\\b",
        "\\bbunder i\\b",
        "\\bårsag",
        "\\bmangel\\b",
        "\\bmangel på\\b",
        "\\bmangle[rt]?\\b",
        "\\bmanglende\\b",
        "\\bfor (?:lidt|få|mange|meget|høj|høje|lav|lave|lang|lange|store|stor|sent)\\b",
        "\\balt for\\b",
        "\\bikke nok\\b",
        "\\bikke (?:kan|har|får|tid)\\b",
        "\\bproblem",
        "\\budfordring",
        "\\bbarriere",
        "\\bhindring",
        "\\bfører til\\b",
        "\\bmedfører\\b",
        "\\bmedvirkende\\b",
        "\\bderfor\\b",
        "\\bpresse[rt]?\\b",
        "\\bpres\\b",
        "\\bsvært\\b",
        "\\bsvære\\b",
        "\\bstigende\\b",
        "\\bventetid",
        "\\bnedskæring",
        "\\bbureaukrati\\b",
    ],
}


#: The four corners in the report: corner names, measure names and how each is measured
#: (``{axis}``, ``{kind}``, ``{group}``, ``{n}``, ``{share}``, ``{parts}``, ``{left_out}`` and
#: ``{reason}`` are filled in from the map).
CORNERS = {
    "names": {
        "causes": "Årsager",
        "solutions": "Løsninger",
        "scale": "Skala",
        "conflict": "Konflikt",
        "wildness": "Vildhed",
    },
    "measures": {
        "units": "tekststykker",
        "clusters": "klynger",
        "unclustered_share": "andel uden klynge",
        "effective_clusters": "effektivt antal klynger",
        "evenness": "jævnhed",
        "clusters_per_respondent": "klynger pr. respondent",
        "score": "score",
        "sectors_touched": "sektorer berørt",
        "effective_sectors": "effektivt antal sektorer",
        "sector_shares": "sektorernes andele",
        "levels_touched": "niveauer berørt",
        "effective_levels": "effektivt antal niveauer",
        "level_shares": "niveauernes andele",
        "spread": "spredning på {axis}",
        "bimodality": "bimodalitet på {axis}",
        "group_axis_eta2": "gruppernes andel af variansen på {axis}",
        "group_divergence": "forskel mellem grupper",
        "group_divergence_kind": "forskel mellem grupper, {kind}",
        "index": "vildhedsindeks",
    },
    "methods": {
        "units": "tekststykker af typen {kind}",
        "clusters": "fundne klynger",
        "unclustered_share": "andel af tekststykkerne uden klynge (holdt uden for målene nedenfor)",
        "effective_clusters": "exp(Shannon-entropien af klyngernes andele)",
        "evenness": "entropi / ln(antal klynger)",
        "clusters_per_respondent": "gennemsnitligt antal forskellige klynger pr. respondent",
        "score_diversity": "1 − 1/effektivt antal klynger",
        "touched": "antal med mindst {share} af tekststykkerne (af {n} definerede)",
        "effective": "exp(entropien af andelene); score (eff − 1)/({n} − 1)",
        "score_scale": "gennemsnit af sektor- og niveauscoren",
        "spread": "standardafvigelse af respondenternes gennemsnitlige placering (−1 til +1); "
        "score min(1, 2 · SD)",
        "bimodality": "Sarles bimodalitetskoefficient for respondenternes placering "
        "(normalfordeling 0,33, ligefordeling 0,56)",
        "group_axis_eta2": "andel af variansen i respondenternes placering, som {group} forklarer",
        "group_divergence_kind": "størrelsesvægtet gennemsnitlig Jensen-Shannon-divergens (base 2) "
        "mellem {group}-gruppernes fordeling på klynger",
        "group_divergence": "gennemsnit over typerne",
        "score_conflict": "gennemsnit af konfliktmålene med score",
        "index": "gennemsnit af de målte hjørners score ({parts}); 0 tamt – 1 vildt",
        "index_left_out": "gennemsnit af de målte hjørners score ({parts}); ikke målt og "
        "udeladt: {left_out}; 0 tamt – 1 vildt",
        "not_measured": "ikke målt: {reason}; holdt uden for vildhedsindekset",
    },
    "reasons": {
        "no clustered units": "ingen tekststykker i klynger",
        "no units of kind cause": "ingen årsager",
        "no units of kind solution": "ingen løsninger",
        "the model defines no sectors or levels": "modellen definerer ingen sektorer eller niveauer",
        "the model has no axis and no group was given": "modellen har ingen akse, og der er ikke "
        "givet nogen gruppe",
        "fewer than 2 respondents": "færre end 2 respondenter",
    },
    "measure": "Mål",
    "score": "Score",
}

#: Kinds guessed by the classifier (no kind column given).
GUESSED = {
    "note": "{n} af {total} tekststykkers type (årsag, løsning eller andet) er gættet ud fra "
    "teksten, fordi data ikke havde en typekolonne: læs de gættede typer som et forslag.",
    "card": "{n} gættet",
    "column": "type gættet",
}
