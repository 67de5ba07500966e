"""Model specs: the idealtype models of INVI's *Model for Vilde Problemer* as validated YAML.

A model spec names

* its **kinds** (``cause``, ``solution`` and optionally ``other``) with anchor phrases and cue
  patterns, used to classify units when the data has no kind column;
* its **pathways** (idealtypes: id, name, description, anchor phrases, language, optional
  position on each axis as the source report places them) and which kinds feed them;
* its **axes** (two poles, each with a name and anchor phrases, e.g. Afvikling <-> Udvikling);
* the **sectors** and administrative **levels** used to measure a problem's scale;
* explicit **thresholds** (pathway membership, sector share...), reported with every map.

Bundled specs live in ``models/`` (``velfaerd-2035``, ``foertidspension``, ``generic``); a user
passes a name or a path to their own YAML. ``extends: NAME`` takes every top-level key the spec does
not set from another spec (the bundled ones take ``kinds``, ``sectors`` and ``levels`` from
``generic``). Errors name the file, the key path and the bad value.

>>> spec = load_model("velfaerd-2035")
>>> [p.name for p in spec.pathways]
['Less is more', 'Smarter not harder', 'Join forces', 'New deal']
>>> spec.axes[0].negative.name, spec.axes[0].positive.name
('Afvikling', 'Udvikling')
>>> "generic" in list_models()
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._resources import data_dir
from ..errors import ModelSpecError
from .patterns import pattern_problem

__all__ = [
    "Axis",
    "Facet",
    "KindSpec",
    "ModelSpec",
    "Pathway",
    "Pole",
    "Thresholds",
    "list_models",
    "load_model",
    "parse_model",
    "spec_from_text",
]

KIND_NAMES = ("cause", "solution", "other")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LANGS = ("da", "en")


def _flatten(anchors: dict[str, tuple[str, ...]]) -> list[str]:
    """Anchor phrases of every language, languages in alphabetical order."""
    return [a for lang in sorted(anchors) for a in anchors[lang]]


@dataclass(frozen=True)
class Thresholds:
    """Explicit cut-offs of a model; every map reports the values it used.

    ``membership_z``: a cluster feeds a pathway when its mean affinity to the pathway is at least
    this many standard deviations above the kind's mean unit affinity; ``membership_share``: ...and
    the pathway gets at least this share of the cluster's positive affinity (so a cluster may feed
    several pathways or none). ``kind_min_probability``: a classified unit whose most likely kind is
    less probable than this becomes ``other``. ``sector_min_share``: a sector or level counts as
    touched when at least this share of units is placed in it.
    """

    membership_z: float = 0.5
    membership_share: float = 0.25
    kind_min_probability: float = 0.4
    sector_min_share: float = 0.05

    def to_dict(self) -> dict[str, float]:
        return {
            "membership_z": self.membership_z,
            "membership_share": self.membership_share,
            "kind_min_probability": self.kind_min_probability,
            "sector_min_share": self.sector_min_share,
        }


@dataclass(frozen=True)
class KindSpec:
    """Anchor phrases (per language) and cue regexes (per language) of one kind."""

    name: str
    anchors: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def all_anchors(self) -> list[str]:
        return _flatten(self.anchors)


@dataclass(frozen=True)
class Pole:
    """One end of an axis."""

    name: str
    anchors: dict[str, tuple[str, ...]]

    @property
    def all_anchors(self) -> list[str]:
        return _flatten(self.anchors)


@dataclass(frozen=True)
class Axis:
    """A line from ``negative`` (position -1) to ``positive`` (+1), e.g. Afvikling -> Udvikling."""

    id: str
    name: str
    negative: Pole
    positive: Pole
    description: str = ""


@dataclass(frozen=True)
class Pathway:
    """An idealtype: where solution clusters lead.

    ``position`` optionally places the pathway on axes as the source does (axis id -> value in
    [-1, 1]); maps compare it with the position measured from the data.
    """

    id: str
    name: str
    description: str
    anchors: dict[str, tuple[str, ...]]
    language: str = "da"
    position: dict[str, float] = field(default_factory=dict)

    @property
    def all_anchors(self) -> list[str]:
        """Description first, then every anchor phrase (all languages)."""
        return ([self.description] if self.description else []) + _flatten(self.anchors)


@dataclass(frozen=True)
class Facet:
    """A sector or administrative level, recognised by its anchor phrases."""

    id: str
    name: str
    anchors: dict[str, tuple[str, ...]]

    @property
    def all_anchors(self) -> list[str]:
        return [self.name] + _flatten(self.anchors)


@dataclass(frozen=True)
class ModelSpec:
    """A validated model spec (see the module docstring and ``docs/models.md``)."""

    id: str
    name: str
    description: str
    language: str
    source: str
    kinds: dict[str, KindSpec]
    pathway_kinds: tuple[str, ...]
    pathways: tuple[Pathway, ...]
    axes: tuple[Axis, ...]
    sectors: tuple[Facet, ...]
    levels: tuple[Facet, ...]
    thresholds: Thresholds
    path: str = ""
    #: The spec's keys after ``extends`` was resolved (what :meth:`to_yaml` writes).
    resolved: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def pathway(self, pathway_id: str) -> Pathway:
        """The pathway with id ``pathway_id``."""
        for p in self.pathways:
            if p.id == pathway_id:
                return p
        raise KeyError(f"model {self.id!r} has no pathway {pathway_id!r}")

    def to_yaml(self) -> str:
        """The whole spec as YAML with ``extends`` resolved: a saved map carries this text, and
        :func:`spec_from_text` reads it back without any other file.

        >>> spec = load_model("velfaerd-2035")
        >>> spec_from_text(spec.to_yaml()) == spec.__class__(**{**spec.__dict__, "path": "<saved map>"})
        True
        """
        return yaml.safe_dump(dict(self.resolved), allow_unicode=True, sort_keys=False)

    def to_dict(self) -> dict[str, Any]:
        """Short summary for provenance: ids, names and thresholds."""
        return {
            "id": self.id,
            "path": self.path,
            "pathways": [p.id for p in self.pathways],
            "pathway_kinds": list(self.pathway_kinds),
            "axes": [a.id for a in self.axes],
            "sectors": [s.id for s in self.sectors],
            "levels": [s.id for s in self.levels],
            "thresholds": self.thresholds.to_dict(),
        }


# ---------------------------------------------------------------------------- validation
class _V:
    """Validation helpers that know the file being read."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, problem: str, value: Any = ...) -> ModelSpecError:
        got = "" if value is ... else f", got {value!r}"
        return ModelSpecError(f"{self.where}: {key}: {problem}{got}")

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, "expected a mapping (key: value)", value)
        return value

    def text(self, value: Any, key: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(key, "expected a non-empty string", value)
        return value.strip()

    def ident(self, value: Any, key: str) -> str:
        s = self.text(value, key)
        if not _ID.match(s):
            raise self.fail(key, "ids use lower-case letters, digits, '-' and '_'", value)
        return s

    def number(self, value: Any, key: str, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number in [{lo}, {hi}]", value)
        if not lo <= float(value) <= hi:
            raise self.fail(key, f"must be in [{lo}, {hi}]", value)
        return float(value)

    def language(self, value: Any, key: str) -> str:
        if value not in _LANGS:
            raise self.fail(key, f"language must be one of {list(_LANGS)}", value)
        return value

    def phrases(self, value: Any, key: str, language: str) -> dict[str, tuple[str, ...]]:
        """A list of strings (in ``language``) or a mapping language -> list of strings."""
        if isinstance(value, list):
            value = {language: value}
        m = self.mapping(value, key)
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in m.items():
            self.language(lang, f"{key}.{lang}")
            if not isinstance(items, list) or not items:
                raise self.fail(f"{key}.{lang}", "expected a non-empty list of strings", items)
            out[lang] = tuple(self.text(a, f"{key}.{lang}[{i}]") for i, a in enumerate(items))
        if not out:
            raise self.fail(key, "expected at least one anchor phrase", value)
        return out

    def items(self, value: Any, key: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list", value)
        return value

    def unique(self, ids: list[str], key: str) -> None:
        seen: set[str] = set()
        for i, x in enumerate(ids):
            if x in seen:
                raise self.fail(f"{key}[{i}].id", "duplicate id", x)
            seen.add(x)

    def known(self, m: Mapping[str, Any], key: str, allowed: set[str]) -> None:
        unknown = sorted(set(m) - allowed)
        if unknown:
            where = f"{key}." if key else ""
            raise self.fail(
                f"{where}{unknown[0]}", f"unknown key (known keys: {sorted(allowed)})", unknown[0]
            )


_TOP_KEYS = {
    "id",
    "name",
    "description",
    "language",
    "source",
    "extends",
    "kinds",
    "pathway_kinds",
    "pathways",
    "axes",
    "sectors",
    "levels",
    "thresholds",
}


def parse_model(data: Any, where: str = "<spec>") -> ModelSpec:
    """Validate a spec already read from YAML (``extends`` must be resolved) into a ModelSpec.

    >>> parse_model({"id": "x", "name": "X"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    wildproblems.errors.ModelSpecError: <spec>: kinds: a model needs kinds 'cause' and 'solution'...
    """
    v = _V(where)
    top = v.mapping(data, "(top level)")
    v.known(top, "", _TOP_KEYS)
    mid = v.ident(top.get("id"), "id")
    language = v.language(top.get("language", "da"), "language")

    kinds_raw = top.get("kinds")
    if not isinstance(kinds_raw, Mapping) or not {"cause", "solution"} <= set(kinds_raw):
        raise v.fail("kinds", "a model needs kinds 'cause' and 'solution'", kinds_raw)
    kinds: dict[str, KindSpec] = {}
    for name, body in kinds_raw.items():
        key = f"kinds.{name}"
        if name not in KIND_NAMES:
            raise v.fail(key, f"kind must be one of {list(KIND_NAMES)}", name)
        b = v.mapping(body, key)
        v.known(b, key, {"anchors", "cues"})
        cues_raw = v.mapping(b.get("cues", {}), f"{key}.cues")
        cues: dict[str, tuple[str, ...]] = {}
        for lang, pats in cues_raw.items():
            v.language(lang, f"{key}.cues.{lang}")
            for i, pat in enumerate(v.items(pats, f"{key}.cues.{lang}")):
                try:
                    re.compile(v.text(pat, f"{key}.cues.{lang}[{i}]"))
                except re.error as exc:
                    raise v.fail(
                        f"{key}.cues.{lang}[{i}]", f"bad regular expression ({exc})", pat
                    ) from exc
                problem = pattern_problem(pat)  # a spec may come from an untrusted file
                if problem:
                    raise v.fail(f"{key}.cues.{lang}[{i}]", f"refused pattern: {problem}", pat)
            cues[lang] = tuple(cues_raw[lang])
        kinds[name] = KindSpec(name, v.phrases(b.get("anchors"), f"{key}.anchors", language), cues)

    pk = top.get("pathway_kinds", ["solution"])
    pathway_kinds = tuple(v.items(pk, "pathway_kinds"))
    for i, k in enumerate(pathway_kinds):
        if k not in kinds:
            raise v.fail(f"pathway_kinds[{i}]", f"not one of the model's kinds {list(kinds)}", k)

    axes: list[Axis] = []
    for i, a in enumerate(v.items(top.get("axes"), "axes")):
        key = f"axes[{i}]"
        a = v.mapping(a, key)
        v.known(a, key, {"id", "name", "description", "negative", "positive"})
        poles = []
        for side in ("negative", "positive"):
            p = v.mapping(a.get(side), f"{key}.{side}")
            v.known(p, f"{key}.{side}", {"name", "anchors"})
            poles.append(
                Pole(
                    v.text(p.get("name"), f"{key}.{side}.name"),
                    v.phrases(p.get("anchors"), f"{key}.{side}.anchors", language),
                )
            )
        axes.append(
            Axis(
                id=v.ident(a.get("id"), f"{key}.id"),
                name=v.text(a.get("name"), f"{key}.name"),
                negative=poles[0],
                positive=poles[1],
                description=v.text(a.get("description"), f"{key}.description", required=False),
            )
        )
    v.unique([a.id for a in axes], "axes")
    axis_ids = {a.id for a in axes}

    pathways: list[Pathway] = []
    for i, p in enumerate(v.items(top.get("pathways"), "pathways")):
        key = f"pathways[{i}]"
        p = v.mapping(p, key)
        v.known(p, key, {"id", "name", "description", "anchors", "language", "position"})
        lang = v.language(p.get("language", language), f"{key}.language")
        pos_raw = v.mapping(p.get("position", {}), f"{key}.position")
        position = {}
        for ax, val in pos_raw.items():
            if ax not in axis_ids:
                raise v.fail(f"{key}.position.{ax}", f"not an axis id {sorted(axis_ids)}", ax)
            position[ax] = v.number(val, f"{key}.position.{ax}", -1.0, 1.0)
        pathways.append(
            Pathway(
                id=v.ident(p.get("id"), f"{key}.id"),
                name=v.text(p.get("name"), f"{key}.name"),
                description=v.text(p.get("description"), f"{key}.description"),
                anchors=v.phrases(p.get("anchors"), f"{key}.anchors", lang),
                language=lang,
                position=position,
            )
        )
    v.unique([p.id for p in pathways], "pathways")

    facets: dict[str, tuple[Facet, ...]] = {}
    for group in ("sectors", "levels"):
        out = []
        for i, s in enumerate(v.items(top.get(group), group)):
            key = f"{group}[{i}]"
            s = v.mapping(s, key)
            v.known(s, key, {"id", "name", "anchors"})
            out.append(
                Facet(
                    id=v.ident(s.get("id"), f"{key}.id"),
                    name=v.text(s.get("name"), f"{key}.name"),
                    anchors=v.phrases(s.get("anchors"), f"{key}.anchors", language),
                )
            )
        v.unique([s.id for s in out], group)
        if len(out) == 1:
            raise v.fail(group, "give at least two (or none) to measure scale", [s.id for s in out])
        facets[group] = tuple(out)

    th_raw = v.mapping(top.get("thresholds", {}), "thresholds")
    defaults = Thresholds().to_dict()
    v.known(th_raw, "thresholds", set(defaults))
    bounds = {"membership_z": (-5.0, 5.0)}
    th = Thresholds(
        **{
            k: v.number(th_raw.get(k, d), f"thresholds.{k}", *bounds.get(k, (0.0, 1.0)))
            for k, d in defaults.items()
        }
    )
    return ModelSpec(
        id=mid,
        name=v.text(top.get("name"), "name"),
        description=v.text(top.get("description"), "description", required=False),
        language=language,
        source=v.text(top.get("source"), "source", required=False),
        kinds=kinds,
        pathway_kinds=pathway_kinds,
        pathways=tuple(pathways),
        axes=tuple(axes),
        sectors=facets["sectors"],
        levels=facets["levels"],
        thresholds=th,
        path=where,
        resolved={k: v for k, v in data.items() if k != "extends"},
    )


def _bundled() -> dict[str, Path]:
    try:
        folder = data_dir("models")
    except FileNotFoundError:
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def list_models() -> list[str]:
    """Names of the bundled model specs.

    >>> list_models()
    ['foertidspension', 'generic', 'velfaerd-2035']
    """
    return sorted(_bundled())


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelSpecError(f"{path}: cannot read model spec ({exc})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelSpecError(f"{path}: not valid YAML ({exc})") from exc


def _resolve(name_or_path: str | Path, chain: tuple[str, ...] = ()) -> tuple[dict, str]:
    bundled = _bundled()
    p = Path(name_or_path)
    if isinstance(name_or_path, str) and name_or_path in bundled:
        p = bundled[name_or_path]
    elif not (p.suffix.lower() in (".yaml", ".yml") and p.exists()):
        raise ModelSpecError(
            f"unknown model {str(name_or_path)!r}: use a bundled model "
            f"({', '.join(sorted(bundled)) or 'none found'}) or the path of a .yaml file"
        )
    where = str(p)
    if where in chain:
        raise ModelSpecError(f"{where}: extends: circular ({' -> '.join(chain + (where,))})")
    data = _read(p)
    if not isinstance(data, dict):
        raise ModelSpecError(f"{where}: (top level): expected a mapping (key: value), got {data!r}")
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ModelSpecError(f"{where}: extends: expected a model name or path, got {parent!r}")
        base_path = parent
        if parent not in bundled and not Path(parent).is_absolute():
            base_path = str(p.parent / parent)
        base, _ = _resolve(parent if parent in bundled else base_path, chain + (where,))
        data = _merge(base, data)
    return data, where


def _merge(base: dict, data: dict) -> dict:
    """``data`` on top of the spec it ``extends`` (whose id, name and description are not taken)."""
    merged = {k: v for k, v in base.items() if k not in ("id", "name", "description")}
    merged.update({k: v for k, v in data.items() if k != "extends"})
    return merged


def spec_from_text(text: str, where: str = "<saved map>") -> ModelSpec:
    """Parse a spec from YAML text, e.g. the copy a saved map carries (:meth:`ModelSpec.to_yaml`).

    No file is read or written. ``extends`` may name a bundled model; a file path cannot be
    followed from text (maps saved by wildproblems store the resolved spec, so this only concerns
    hand-made text).

    >>> spec_from_text("id: x\\nname: X\\nextends: generic\\n").id
    'x'
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelSpecError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelSpecError(f"{where}: (top level): expected a mapping (key: value), got {data!r}")
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str) or parent not in _bundled():
            raise ModelSpecError(
                f"{where}: extends: {parent!r} is not a bundled model, and a spec read from text "
                "cannot follow a file path (save the map again to store the resolved spec)"
            )
        data = _merge(_resolve(parent)[0], data)
    return parse_model(data, where)


def load_model(name_or_path: str | Path | ModelSpec) -> ModelSpec:
    """Load and validate a bundled model by name, or a YAML spec by path.

    >>> load_model("generic").pathways
    ()
    >>> load_model("no-such-model")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    wildproblems.errors.ModelSpecError: unknown model 'no-such-model': use a bundled model ...
    """
    if isinstance(name_or_path, ModelSpec):
        return name_or_path
    data, where = _resolve(name_or_path)
    return parse_model(data, where)
