"""A ``.wpmap`` file is untrusted data: bounded reading and schema checks for :mod:`.store`.

Anyone can hand over a map file, so :func:`wildproblems.load` treats it like any other input:

* **bounded inflation**: every zip member is checked against its declared size, the size the
  manifest lists and :data:`MAX_MEMBER_BYTES`, and its compression ratio against
  :data:`MAX_RATIO`, *while* it is streamed (the declared sizes in a zip can lie), before its
  checksum is computed or anything is decoded;
* **decoding without surprises**: an NPY member's header (dtype and shape) is checked against the
  bytes that follow before any memory is allocated, and a Parquet member's row count against its
  size before it is read (:func:`check_parquet`);
* **schema**: the manifest's keys have the types the reader expects (:func:`check_manifest`), so a
  badly typed manifest is a :class:`~wildproblems.errors.MapFormatError`, never an
  ``AttributeError`` or ``KeyError`` deep in the code;
* **nothing in the file chooses paths, network access or code**: the saved ``cache_dir`` is
  dropped (:func:`trusted_config`), an embedder that is not registered is never built from the
  file's name for it (:func:`wildproblems.waves.assign.assign` asks for ``embedder=``), and the
  model spec's regular expressions pass :func:`wildproblems.model.spec.check_pattern`.

See ``SECURITY.md`` for what a map, a model YAML and the cache are trusted to do.
"""

from __future__ import annotations

import io
import logging
import math
import zipfile
import zlib
from os import PathLike
from typing import Any

import numpy as np

from ..errors import MapFormatError

log = logging.getLogger(__name__)

#: Largest member a map may hold once inflated (4 GiB: ~2.8 million units of 384-d vectors).
MAX_MEMBER_BYTES = 4 << 30
#: Largest inflated manifest.
MAX_MANIFEST_BYTES = 64 << 20
#: Largest ratio of inflated to stored bytes (real maps: about 1-10; a zip bomb: 1000).
MAX_RATIO = 200
#: Members smaller than this are not held to :data:`MAX_RATIO` (tiny JSON compresses well).
RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20


def read_bounded(
    zf: zipfile.ZipFile, name: str, path: str | PathLike, limit: int = MAX_MEMBER_BYTES
) -> bytes:
    """The bytes of member ``name``, read in chunks and stopped as soon as they exceed ``limit``,
    the member's declared size, or :data:`MAX_RATIO` times its stored size."""
    where = f"{str(path)!r}"
    try:
        info = zf.getinfo(name)
    except KeyError as exc:
        raise MapFormatError(f"{where} is incomplete: member {name!r} is missing") from exc
    declared, stored = info.file_size, max(info.compress_size, 1)
    cap = min(limit, max(RATIO_FLOOR, MAX_RATIO * stored))
    if declared > cap:
        raise MapFormatError(
            f"{where}: member {name!r} declares {declared:,} bytes from {stored:,} stored "
            f"(limit {cap:,}: at most {MAX_RATIO}x its stored size and {limit:,} bytes); "
            "refused as a zip bomb"
        )
    buf = io.BytesIO()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                if buf.tell() + len(chunk) > declared:
                    raise MapFormatError(
                        f"{where}: member {name!r} inflates beyond its declared {declared:,} "
                        "bytes; refused"
                    )
                buf.write(chunk)
    except MapFormatError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        raise MapFormatError(f"{where} is corrupt: member {name!r} cannot be read ({exc})") from exc
    return buf.getvalue()


# ------------------------------------------------------------------------------------ schema
def _fail(path: str | PathLike, key: str, expected: str, got: Any) -> MapFormatError:
    return MapFormatError(
        f"{str(path)!r} has an invalid manifest: {key} should be {expected}, "
        f"got {type(got).__name__} {str(got)[:80]!r}"
    )


def _need(value: Any, types: type | tuple[type, ...], path: Any, key: str, what: str) -> Any:
    if not isinstance(value, types) or isinstance(value, bool) and bool not in _as_tuple(types):
        raise _fail(path, key, what, value)
    return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _table_meta(meta: Any, path: Any, key: str) -> None:
    _need(meta, dict, path, key, "a mapping")
    _need(meta.get("member"), str, path, f"{key}.member", "a member name")
    rows = _need(meta.get("rows", 0), int, path, f"{key}.rows", "an integer")
    if rows < 0:
        raise _fail(path, f"{key}.rows", "a count >= 0", rows)
    cols = _need(meta.get("json_columns", []), list, path, f"{key}.json_columns", "a list")
    for c in cols:
        _need(c, str, path, f"{key}.json_columns", "a list of column names")
    if "column_names" in meta:
        _need(meta["column_names"], list, path, f"{key}.column_names", "a list")


def check_manifest(manifest: dict[str, Any], path: str | PathLike) -> None:
    """Raise :class:`MapFormatError` naming the key when the manifest's parts do not have the
    types the reader uses (after the format and version are checked)."""
    members = _need(manifest.get("members"), dict, path, "members", "a mapping")
    for name, info in members.items():
        _need(info, dict, path, f"members[{name!r}]", "a mapping")
        _need(info.get("sha256"), str, path, f"members[{name!r}].sha256", "a hex digest")
        size = _need(info.get("bytes"), int, path, f"members[{name!r}].bytes", "an integer")
        if not 0 <= size <= MAX_MEMBER_BYTES:
            raise _fail(path, f"members[{name!r}].bytes", f"at most {MAX_MEMBER_BYTES:,}", size)
    for key in ("config", "provenance", "tables", "arrays"):
        _need(manifest.get(key), dict, path, key, "a mapping")
    for key in ("placement", "model", "extras"):
        if manifest.get(key) is not None:
            _need(manifest[key], dict, path, key, "a mapping or null")
    for key in ("embedder",):
        if manifest.get(key) is not None:
            _need(manifest[key], str, path, key, "a string or null")
    for name, meta in manifest["tables"].items():
        _table_meta(meta, path, f"tables.{name}")
    emb = _need(manifest["arrays"].get("embeddings"), dict, path, "arrays.embeddings", "a mapping")
    _need(emb.get("member"), str, path, "arrays.embeddings.member", "a member name")
    model = manifest.get("model") or {}
    if model.get("member") is not None:
        _need(model["member"], str, path, "model.member", "a member name or null")
    extras = manifest.get("extras") or {}
    for part in ("json", "tables", "arrays"):
        _need(extras.get(part, {}), dict, path, f"extras.{part}", "a mapping")
    for name, meta in (extras.get("tables") or {}).items():
        _table_meta(meta, path, f"extras.tables.{name}")
    for name, meta in (extras.get("arrays") or {}).items():
        _need(meta, dict, path, f"extras.arrays.{name}", "a mapping")
        _need(meta.get("member"), str, path, f"extras.arrays.{name}.member", "a member name")
    placement = manifest.get("placement") or {}
    for kind, entry in _need(
        placement.get("kinds", {}), dict, path, "placement.kinds", "a mapping"
    ).items():
        _need(entry, dict, path, f"placement.kinds.{kind}", "a mapping")
        if entry.get("threshold") is not None:
            _need(
                entry["threshold"],
                (int, float),
                path,
                f"placement.kinds.{kind}.threshold",
                "a number",
            )
    prov = manifest["provenance"]
    for key in ("chosen", "columns", "stages", "counts", "timings_s", "wave", "versions"):
        if prov.get(key) is not None:
            _need(prov[key], dict, path, f"provenance.{key}", "a mapping or null")
    for kind, chosen in (prov.get("chosen") or {}).items():
        _need(chosen, dict, path, f"provenance.chosen.{kind}", "a mapping")
    for role, col in (prov.get("columns") or {}).items():
        if col is not None:
            _need(col, str, path, f"provenance.columns.{role}", "a column name or null")
    if prov.get("embedder") is not None:
        _need(prov["embedder"], str, path, "provenance.embedder", "a string or null")


#: Columns the readers of a map rely on, per table.
REQUIRED_COLUMNS = {
    "units": ("unit_id", "answer_id", "respondent", "kind", "text", "cluster", "cluster_key"),
    "clusters": ("kind", "cluster", "cluster_key", "label"),
    "answers": ("answer_id", "respondent", "kind", "text"),
    "dropped": ("answer_id", "reason"),
}


def check_columns(name: str, columns: Any, path: str | PathLike) -> None:
    """A table that lacks a column every reader needs is a :class:`MapFormatError`."""
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in set(columns)]
    if missing:
        raise MapFormatError(f"{str(path)!r}: the {name} table lacks the columns {missing}")


# ---------------------------------------------------------------------------------- decoding
def decode_npy(data: bytes, member: str) -> np.ndarray:
    """An NPY member as an array, its header checked against its size before anything is
    allocated: no object dtype, and shape x itemsize must equal the bytes that follow."""
    fh = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise MapFormatError(f"member {member!r} is not a readable NPY array ({exc})") from exc
    if dtype.hasobject:
        raise MapFormatError(f"member {member!r} holds Python objects; they are never read")
    n = math.prod(int(d) for d in shape)
    body = len(data) - fh.tell()
    if n * dtype.itemsize != body:
        raise MapFormatError(
            f"member {member!r} declares shape {tuple(shape)} ({n * dtype.itemsize:,} bytes) but "
            f"holds {body:,} bytes"
        )
    arr = np.frombuffer(data, dtype=dtype, count=n, offset=fh.tell())
    return arr.reshape(shape, order="F" if fortran else "C").copy()


def check_parquet(data: bytes, member: str) -> None:
    """Refuse a Parquet member whose row count is out of proportion to its size (run-length
    encoding lets a few bytes stand for millions of rows): at most one row per stored byte,
    plus 1,000."""
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(io.BytesIO(data)).metadata.num_rows
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise MapFormatError(f"member {member!r} is not a readable Parquet table ({exc})") from exc
    if rows > len(data) + 1000:
        raise MapFormatError(
            f"member {member!r} claims {rows:,} rows in {len(data):,} bytes; refused (a table "
            "that inflates far beyond its size)"
        )


def check_embeddings(emb: np.ndarray, path: str | PathLike) -> None:
    """NaN or infinite embeddings would put every answer in one cluster: refused."""
    if not np.issubdtype(emb.dtype, np.floating) or not np.isfinite(emb).all():
        bad = np.where(~np.isfinite(emb.astype(np.float64)).all(axis=1))[0]
        raise MapFormatError(
            f"{str(path)!r}: the embeddings hold NaN or inf in rows {bad[:5].tolist()}"
            f"{' and more' if len(bad) > 5 else ''}"
        )


def trusted_config(cfg: dict[str, Any], path: str | PathLike) -> dict[str, Any]:
    """The saved config without what a file must not decide: ``cache_dir`` (where folders and
    files are written) is dropped with a warning; the default cache is used."""
    cfg = dict(cfg)
    if cfg.get("cache_dir") is not None:
        log.warning(
            "%s names the cache folder %r; ignored (a map file does not choose where files are "
            "written): the default cache is used",
            path,
            cfg["cache_dir"],
        )
        cfg["cache_dir"] = None
    return cfg
