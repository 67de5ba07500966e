import numpy as np

from wildproblems.label import Labeler, ctfidf, stop_words, tokenize


def _label(texts, labels, language="da"):
    emb = np.eye(len(texts), dtype=np.float32)
    return Labeler(language=language).fit_transform(
        texts, np.array(labels), emb, [f"r{i}" for i in range(len(texts))]
    )


def test_danish_letters_survive_and_lemmas_used():
    toks = tokenize(["Førtidspension og sygeplejersker i ældreplejen"])[0]
    lemmas = [t.lemma for t in toks if t.content]
    assert "ældrepleje" in lemmas and any("ø" in w for w in lemmas)


def test_headline_is_a_phrase_from_the_cluster():
    texts = [
        "mangel på arbejdskraft",
        "stor mangel på arbejdskraft",
        "mangel på arbejdskraft i plejen",
        "for meget bureaukrati",
        "bureaukrati og kontrol",
        "bureaukrati i staten",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    assert lab["label"].tolist() == ["Mangel på arbejdskraft", "Bureaukrati"]
    assert "in 3/3 units" in lab["label_audit"].iloc[0]


def test_no_stop_words_in_keywords_or_labels():
    texts = [
        "at vi er og af det",
        "det er at vi har for lidt personale",
        "personale mangler og det er",
        "af og til er der for meget regler",
        "regler og regler og at",
        "for mange regler er der",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    stops = stop_words("da")
    for kw in lab["keywords"]:
        assert not set(kw.split(", ")) & stops
    for head in lab["label"]:
        words = head.lower().split()
        assert words[0] not in stops and words[-1] not in stops


def test_ctfidf_prefers_distinctive_words():
    docs = tokenize(["økonomi økonomi velfærd", "velfærd robot robot"])
    w = ctfidf({0: [docs[0]], 1: [docs[1]]})
    assert w[0][0][0] == "økonomi" and w[1][0][0] == "robot"


def test_english_labels():
    texts = [
        "lack of nurses",
        "lack of nurses in care",
        "the lack of nurses",
        "too much red tape",
        "red tape everywhere",
        "cut red tape",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1], language="en")
    assert lab["label"].tolist() == ["Lack of nurses", "Red tape"]


def test_quotes_prefer_distinct_respondents():
    texts = ["a b", "a b c", "a b d"]
    emb = np.array([[1, 0], [1, 0.01], [0.9, 0.2]], dtype=np.float32)
    lab = Labeler(n_quotes=2).fit_transform(texts, np.array([0, 0, 0]), emb, ["r1", "r1", "r2"])
    assert lab["quotes"].iloc[0] == ["a b c", "a b d"]  # "a b" is closer but r1 already quoted


def test_a_cluster_without_shared_phrases_is_headed_by_a_phrase_of_one_unit():
    texts = [
        "ældreplejen mangler",
        "sygeplejersker søges",
        "robotter hjælper",
        "digitale løsninger",
    ]
    lab = _label(texts, [0, 0, 1, 1])
    for head, audit in zip(lab["label"], lab["label_audit"]):
        assert "a phrase of one unit" in audit
        assert head.lower() in " ".join(texts)


def test_headlines_are_unique_within_a_kind():
    texts = [
        "lange ventetider i psykiatrien",
        "ventetider i psykiatrien",
        "lange ventetider",
        "ventetider på behandling",
        "ventetider hos lægen",
        "lange ventetider på svar",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    assert lab["label"].str.lower().nunique() == 2


def test_a_phrase_taken_by_a_larger_cluster_is_not_reused():
    texts = ["ventetider"] * 5 + [
        "bureaukrati i kommunen",
        "regler og bureaukrati",
        "bureaukrati overalt",
        "skemaer og regler",
        "kontrol og skemaer",
        "regler og kontrol",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1] + [2] * 6)
    assert lab["label"].iloc[0] == "Ventetider"
    assert lab["label"].iloc[1] != "Ventetider"  # numbered instead of repeating the lemma
    assert "no phrase passes the rules" in lab["label_audit"].iloc[1]
    assert "shares the lemma 'ventetid'" in lab["label_audit"].iloc[1]


def test_topic_word_of_the_whole_corpus_is_no_headline():
    texts = [
        "førtidspension og ventetider",
        "ventetider før førtidspension",
        "førtidspension efter lange ventetider",
        "førtidspension og bureaukrati",
        "bureaukrati om førtidspension",
        "bureaukrati ved førtidspension",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    assert "førtidspension" not in [h.lower() for h in lab["label"]]
    assert lab["label"].iloc[1] == "Bureaukrati"
    assert "'førtidspension': only the corpus-wide topic word" in lab["label_audit"].iloc[0]


def test_one_word_headline_only_for_a_noun():
    texts = [
        "ensom og trist",
        "meget ensom og alene",
        "ensom hver dag",
        "bureaukrati i kommunen",
        "bureaukrati og regler",
        "bureaukrati i staten",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    assert lab["label"].iloc[0].lower() != "ensom"  # an adjective: not alone
    assert "not a noun" in lab["label_audit"].iloc[0]
    assert lab["label"].iloc[1] == "Bureaukrati"


def test_audit_names_the_runner_up():
    texts = [
        "mangel på arbejdskraft",
        "stor mangel på arbejdskraft",
        "mangel på arbejdskraft i plejen",
        "for meget bureaukrati",
        "bureaukrati og kontrol",
        "bureaukrati i staten",
    ]
    lab = _label(texts, [0, 0, 0, 1, 1, 1])
    assert "won: 'mangel på arbejdskraft'" in lab["label_audit"].iloc[0]
    assert "runner-up: '" in lab["label_audit"].iloc[0]


def test_the_same_quote_is_not_repeated():
    texts = ["Ventetider, igen!", "ventetider igen", "lange ventetider", "ventetider hos lægen"]
    emb = np.array([[1, 0], [1, 0], [0.9, 0.1], [0.8, 0.2]], dtype=np.float32)
    lab = Labeler(n_quotes=3).fit_transform(texts, np.zeros(4, dtype=int), emb, list("abcd"))
    quotes = lab["quotes"].iloc[0]
    assert len(quotes) == 3
    assert not {"Ventetider, igen!", "ventetider igen"} <= set(quotes)


def test_english_lemmas_are_those_of_spacys_lookup_lemmatiser():
    # wildproblems reads spacy-lookups-data's table itself (faster start); for English the lemmas
    # must be the ones spaCy's own lookup lemmatiser gives (Danish: see tests/test_lemma.py)
    import spacy

    texts = ["The citizens were waiting for better services and clearer rules"]
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    theirs = [[(t.lemma_ or t.text).lower() for t in nlp(x.lower())] for x in texts]
    ours = [[t.lemma for t in doc] for doc in tokenize(texts, "en")]
    assert ours == theirs
    assert any(
        a != b.text for doc, toks in zip(ours, tokenize(texts, "en")) for a, b in zip(doc, toks)
    )  # some word really was lemmatised


def test_phrases_are_ranked_by_meaning_with_an_embedder(counting_embedder, caplog):
    texts = [
        "mangel på arbejdskraft",
        "stor mangel på arbejdskraft",
        "mangel på arbejdskraft i plejen",
        "for meget bureaukrati",
        "bureaukrati og kontrol",
        "bureaukrati i staten",
    ]
    emb = counting_embedder.encode(texts)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    lab = Labeler(embedder=counting_embedder).fit_transform(
        texts, np.array([0, 0, 0, 1, 1, 1]), emb, list("abcdef")
    )
    assert "meaning" in lab["label_audit"].iloc[0] and "contrast" in lab["label_audit"].iloc[0]
    assert "mangel på arbejdskraft" in counting_embedder.calls  # candidates were embedded
    # vectors of another size than the map's: ranked without meaning, with a warning
    with caplog.at_level("WARNING"):
        other = Labeler(embedder=counting_embedder).fit_transform(
            texts, np.array([0, 0, 0, 1, 1, 1]), np.eye(6, dtype=np.float32), list("abcdef")
        )
    assert "without meaning" in caplog.text
    assert "meaning" not in other["label_audit"].iloc[0]
