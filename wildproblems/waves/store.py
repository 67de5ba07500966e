"""Save and load maps: a versioned ``.wpmap`` file (a zip of JSON, Parquet and NPY; never pickle).

A saved map holds everything needed to show the map again and to place a new survey wave on it
(:func:`wildproblems.waves.assign.assign`): the tables, the unit embeddings, the config, the provenance,
the embedder id, the model spec (with ``extends`` resolved, so it needs no other file) and the
placement calibration. UMAP and HDBSCAN objects are
*not* stored (they cannot be saved without pickle); placement works from the stored embeddings,
cluster ids and map positions instead. The layout is described in ``docs/save-format.md``.

>>> import wildproblems as wp
>>> m = wp.map(wp.corpora.load("faellesskab_2025"), text="text", progress=False)  # doctest: +SKIP
>>> m.save("fællesskab.wpmap")  # doctest: +SKIP
>>> wp.load("fællesskab.wpmap").units.equals(m.units)  # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import platform
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import MapConfig
from ..errors import MapFormatError, ModelSpecError
from ..model.spec import ModelSpec, load_model, spec_from_text
from ..provenance import package_versions
from ..result import WildMap
from .place import calibrate
from .untrusted import (
    MAX_MANIFEST_BYTES,
    MAX_MEMBER_BYTES,
    check_columns,
    check_embeddings,
    check_manifest,
    check_parquet,
    decode_npy,
    read_bounded,
    trusted_config,
)

log = logging.getLogger(__name__)

#: Name written into every manifest; a zip without it is not a map.
FORMAT_NAME = "wildproblems-map"
#: The format version this release writes. Readers accept every version up to this one.
FORMAT_VERSION = 2
#: Conventional file suffix.
SUFFIX = ".wpmap"
#: The WildMap tables, in the order they are written; the last three are optional.
TABLES = (
    "units",
    "clusters",
    "answers",
    "dropped",
    "pathways",
    "respondents",
    "corners",
    "levels",
)

# extras keys that load() fills from their own members; not written twice.
_OWN_EXTRAS = ("placement", "model_spec_yaml", "loaded_from")
# A fixed timestamp for zip members, so the same map always gives the same member bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)

#: Upgrades of a manifest + members from format version ``v`` to ``v + 1``, keyed by ``v``.
#: Version 2 added the analyst's edits (``manifest["edits"]``, see :mod:`wildproblems.curate`).
_MIGRATIONS: dict[int, Callable[[dict[str, Any], dict[str, bytes]], None]] = {}


def _v1_to_v2(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    """Version 1 had no edits: a version-1 map is an uncurated map."""
    manifest["edits"] = []


_MIGRATIONS[1] = _v1_to_v2


# ---------------------------------------------------------------------------------------- JSON
def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    raise TypeError(f"value of type {type(value).__name__} cannot be stored as JSON: {value!r}")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default, sort_keys=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------- tables
def _encode_table(df: pd.DataFrame, name: str) -> tuple[bytes, dict[str, Any]]:
    """Parquet bytes for ``df`` plus what is needed to rebuild it exactly.

    Object columns (lists such as ``quotes``, mixed values, plain Python strings) are stored as
    JSON text so they come back with the same values and the ``object`` dtype; every other column
    is stored natively by Parquet, dtype included.
    """
    out = df.copy()
    json_cols: list[str] = []
    for pos, col in enumerate(out.columns):
        series = out.iloc[:, pos]
        if series.dtype != object:
            continue
        try:
            out.isetitem(pos, [_dumps(v) for v in series.tolist()])
        except TypeError as exc:
            raise MapFormatError(f"cannot save column {col!r} of the {name} table: {exc}") from exc
        json_cols.append(str(col))
    names = list(out.columns)
    if any(not isinstance(c, str) for c in names):
        out.columns = [str(c) for c in names]
    buf = io.BytesIO()
    out.to_parquet(buf, engine="pyarrow", index=None)
    meta = {"rows": len(df), "json_columns": json_cols}
    if any(not isinstance(c, str) for c in names):
        meta["column_names"] = names
    return buf.getvalue(), meta


def _decode_table(data: bytes, meta: dict[str, Any], member: str) -> pd.DataFrame:
    check_parquet(data, member)
    try:
        df = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise MapFormatError(f"member {member!r} is not a readable Parquet table ({exc})") from exc
    for col in meta.get("json_columns", []):
        if col not in df.columns:
            raise MapFormatError(f"member {member!r} lacks its column {col!r}")
        try:
            values = [json.loads(v) for v in df[col].tolist()]
        except (TypeError, ValueError) as exc:
            raise MapFormatError(f"column {col!r} of {member!r} is not valid JSON ({exc})") from exc
        df[col] = pd.Series(values, index=df.index, dtype=object)
    if "column_names" in meta:
        df.columns = meta["column_names"]
    if len(df) != meta.get("rows", len(df)):
        raise MapFormatError(
            f"member {member!r} has {len(df)} rows, the manifest says {meta['rows']}"
        )
    return df


def _encode_array(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()


def _decode_array(data: bytes, member: str) -> np.ndarray:
    return decode_npy(data, member)  # header checked before anything is allocated


# ---------------------------------------------------------------------------------- model spec
def _spec_of(m: WildMap) -> ModelSpec | None:
    """The spec a map was made with: its own (:attr:`WildMap.model_spec`), else the one its config
    names (a map put together by hand); ``None`` without a model."""
    if m.model_spec is not None:
        return m.model_spec
    if not m.config.model:
        return None
    try:
        return load_model(m.config.model)
    except ModelSpecError as exc:
        log.warning(
            "model spec %r not found (%s); the saved map records only its name", m.config.model, exc
        )
        return None


# ------------------------------------------------------------------------------------------ save
def save(m: WildMap, path: str | PathLike, placement: dict[str, Any] | None = None) -> Path:
    """Write ``m`` to ``path`` (conventionally ``*.wpmap``) and return the path.

    The file is written to a temporary name first and renamed into place, so a crash never leaves a
    half-written map. ``placement`` (the calibration that places new waves) is computed from the map
    when not given (see :func:`wildproblems.waves.calibrate`).

    >>> import wildproblems as wp
    >>> m = wp.map(wp.corpora.load("faellesskab_2025"), text="text", progress=False)  # doctest: +SKIP
    >>> save(m, "bolge-2025.wpmap")  # doctest: +SKIP
    PosixPath('bolge-2025.wpmap')
    """
    from .._version import __version__

    path = Path(path)
    members: dict[str, bytes] = {}
    tables: dict[str, dict[str, Any]] = {}
    for name in TABLES:
        table = getattr(m, name)
        if table is None:
            continue
        if not isinstance(table, pd.DataFrame):
            raise MapFormatError(f"WildMap.{name} must be a DataFrame or None to be saved")
        data, meta = _encode_table(table, name)
        member = f"tables/{name}.parquet"
        members[member] = data
        tables[name] = {"member": member, **meta}
    emb = np.asarray(m.embeddings, dtype=np.float32)
    if emb.ndim != 2 or emb.shape[0] != len(m.units):
        raise MapFormatError(
            f"embeddings have shape {emb.shape} but the map has {len(m.units)} units"
        )
    members["arrays/embeddings.npy"] = _encode_array(emb)

    extras, extra_tables, extra_arrays = {}, {}, {}
    for i, (key, value) in enumerate(m.extras.items()):
        if key in _OWN_EXTRAS:
            continue
        if isinstance(value, pd.DataFrame):
            data, meta = _encode_table(value, f"extras[{key!r}]")
            members[f"extras/{i}.parquet"] = data
            extra_tables[str(key)] = {"member": f"extras/{i}.parquet", **meta}
        elif isinstance(value, np.ndarray) and value.dtype != object:
            members[f"extras/{i}.npy"] = _encode_array(value)
            extra_arrays[str(key)] = {"member": f"extras/{i}.npy"}
        else:
            try:
                _dumps(value)
            except (TypeError, ValueError):
                log.warning("extras[%r] (%s) cannot be saved; left out", key, type(value).__name__)
                continue
            extras[str(key)] = value

    spec = _spec_of(m)
    if spec is not None:
        members["model/spec.yaml"] = spec.to_yaml().encode("utf-8")
    if placement is None:
        placement = calibrate(m)

    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "wildproblems_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "saved_with": package_versions(),
        "saved_on": {"platform": platform.platform(), "machine": platform.machine()},
        "embedder": m.provenance.get("embedder"),
        "embedding_dim": int(emb.shape[1]),
        "config": m.config.to_dict(),
        "provenance": m.provenance,
        "model": {"name": m.config.model, "member": "model/spec.yaml" if spec else None},
        "placement": placement,
        "tables": tables,
        "arrays": {"embeddings": {"member": "arrays/embeddings.npy", "shape": list(emb.shape)}},
        "extras": {"json": extras, "tables": extra_tables, "arrays": extra_arrays},
        "edits": list(m.edits),
        "members": {k: {"sha256": _sha256(v), "bytes": len(v)} for k, v in members.items()},
    }
    try:
        manifest_bytes = json.dumps(
            manifest, ensure_ascii=False, default=_json_default, indent=1, sort_keys=True
        ).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise MapFormatError(
            f"the map's config or provenance cannot be saved as JSON: {exc}"
        ) from exc

    path.parent.mkdir(parents=True, exist_ok=True)
    # a unique temporary name, so two saves to one path never write the same file
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in [("manifest.json", manifest_bytes), *members.items()]:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("saved map to %s (%d members)", path, len(members) + 1)
    return path


# ------------------------------------------------------------------------------------------ load
def _open(path: str | PathLike) -> zipfile.ZipFile:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no map file at {str(path)!r}")
    try:
        return zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MapFormatError(
            f"{str(path)!r} is not a wildproblems map file (not a readable zip archive: {exc})"
        ) from exc


def _read_member(
    zf: zipfile.ZipFile, name: str, path: str | PathLike, limit: int = MAX_MEMBER_BYTES
) -> bytes:
    # streamed with a cap: size and compression ratio are checked while inflating
    return read_bounded(zf, name, path, limit)


def read_manifest(path: str | PathLike) -> dict[str, Any]:
    """The manifest of a saved map (format, versions, embedder, config, members...) without loading
    its tables. Raises :class:`~wildproblems.errors.MapFormatError` for files that are not maps or
    come from a newer format version.

    >>> read_manifest("bolge-2025.wpmap")["format_version"]  # doctest: +SKIP
    1
    """
    with _open(path) as zf:
        return _checked_manifest(zf, path)


def _checked_manifest(zf: zipfile.ZipFile, path: str | PathLike) -> dict[str, Any]:
    raw = _read_member(zf, "manifest.json", path, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MapFormatError(f"{str(path)!r} has an unreadable manifest.json ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise MapFormatError(
            f"{str(path)!r} is not a wildproblems map (manifest format is "
            f"{manifest.get('format') if isinstance(manifest, dict) else None!r}, "
            f"expected {FORMAT_NAME!r})"
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MapFormatError(f"{str(path)!r} has an invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        from .._version import __version__

        raise MapFormatError(
            f"{str(path)!r} uses map format version {version} (written by wildproblems "
            f"{manifest.get('wildproblems_version', '?')}); this wildproblems {__version__} reads "
            f"format versions up to {FORMAT_VERSION}. Upgrade: pip install -U wildproblems"
        )
    check_manifest(manifest, path)
    return manifest


def load(path: str | PathLike) -> WildMap:
    """Read a map written by :func:`save` (any format version up to :data:`FORMAT_VERSION`).

    Every member is checked against the SHA-256 in the manifest. A file that is not a map, is
    damaged, lacks a member or comes from a newer format version raises
    :class:`~wildproblems.errors.MapFormatError` saying which.

    >>> import wildproblems as wp
    >>> m = wp.load("bolge-2025.wpmap")  # doctest: +SKIP
    >>> m.clusters[["cluster_key", "label"]]  # doctest: +SKIP
    """
    with _open(path) as zf:
        manifest = _checked_manifest(zf, path)
        listed = manifest.get("members")
        if not isinstance(listed, dict):
            raise MapFormatError(f"{str(path)!r} has a manifest without a member list")
        members: dict[str, bytes] = {}
        for name, info in listed.items():
            data = _read_member(zf, name, path, limit=info["bytes"])
            if _sha256(data) != info.get("sha256"):
                raise MapFormatError(
                    f"{str(path)!r} is corrupt: member {name!r} does not match its checksum"
                )
            members[name] = data
    version = manifest["format_version"]
    while version < FORMAT_VERSION:
        _MIGRATIONS[version](manifest, members)
        version += 1
        manifest["format_version"] = version
    return _build(manifest, members, path)


def _member(members: dict[str, bytes], name: str | None, path: str | PathLike) -> bytes:
    if name not in members:
        raise MapFormatError(f"{str(path)!r} is incomplete: member {name!r} is not listed")
    return members[name]


def _build(manifest: dict[str, Any], members: dict[str, bytes], path: str | PathLike) -> WildMap:
    """Turn a current-version manifest and its verified members into a WildMap."""
    tables: dict[str, pd.DataFrame | None] = {}
    for name in TABLES:
        meta = manifest.get("tables", {}).get(name)
        if meta is None:
            if name in TABLES[:4]:
                raise MapFormatError(f"{str(path)!r} lacks the required {name} table")
            tables[name] = None
            continue
        tables[name] = _decode_table(_member(members, meta["member"], path), meta, meta["member"])
    emb_member = manifest.get("arrays", {}).get("embeddings", {}).get("member")
    emb = _decode_array(_member(members, emb_member, path), str(emb_member))
    check_embeddings(emb, path)
    for name in TABLES[:4]:
        check_columns(name, tables[name].columns, path)
    if emb.ndim != 2 or emb.shape[0] != len(tables["units"]):
        raise MapFormatError(
            f"{str(path)!r}: embeddings have shape {emb.shape} for {len(tables['units'])} units"
        )

    cfg_dict = trusted_config(manifest.get("config") or {}, path)
    known = set(MapConfig.__dataclass_fields__)
    unknown = sorted(set(cfg_dict) - known)
    if unknown:
        log.warning("saved config has settings this version does not know: %s (ignored)", unknown)
    try:
        config = MapConfig.from_dict({k: v for k, v in cfg_dict.items() if k in known})
    except (TypeError, ValueError) as exc:
        raise MapFormatError(f"{str(path)!r} holds an invalid config: {exc}") from exc

    ex = manifest.get("extras", {})
    extras: dict[str, Any] = dict(ex.get("json", {}))
    for key, meta in ex.get("tables", {}).items():
        extras[key] = _decode_table(_member(members, meta["member"], path), meta, meta["member"])
    for key, meta in ex.get("arrays", {}).items():
        extras[key] = _decode_array(_member(members, meta["member"], path), meta["member"])
    spec_member = (manifest.get("model") or {}).get("member")
    model_spec = None
    if spec_member:
        spec_text = _member(members, spec_member, path).decode("utf-8")
        try:
            model_spec = spec_from_text(spec_text, where=f"{path}: {spec_member}")
        except ModelSpecError as exc:
            # an old map whose spec extends a file beside it: shown, but no wave can use it
            log.warning("the map's model spec cannot be read back: %s", exc)
            extras["model_spec_yaml"] = spec_text
    if manifest.get("placement"):
        extras["placement"] = manifest["placement"]
    # a map from a file: assign() builds no embedder from the file's name for it
    extras["loaded_from"] = str(path)
    return WildMap(
        units=tables["units"],
        clusters=tables["clusters"],
        answers=tables["answers"],
        dropped=tables["dropped"],
        config=config,
        provenance=manifest.get("provenance") or {},
        embeddings=emb,
        pathways=tables["pathways"],
        respondents=tables["respondents"],
        corners=tables["corners"],
        levels=tables["levels"],
        extras=extras,
        model_spec=model_spec,
        edits=list(manifest.get("edits") or []),
    )
