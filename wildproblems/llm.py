"""Optional LLM headlines through any OpenAI-compatible chat-completions endpoint.

Used only with ``labeler="llm"`` (``wp.map(..., labeler="llm", llm_base_url=...,
llm_model=...)``); nothing leaves the machine otherwise. Works with Ollama, vLLM, a llama.cpp
server, OpenAI or Azure OpenAI: the request is a plain ``POST {base_url}/chat/completions`` made
with the standard library. For each cluster the prompt holds its keywords, its extractive
headline and its representative quotes, in the map's language; temperature 0. Responses are
cached on disk under the embedding cache (``llm/<sha256 of endpoint, model and prompt>.json``),
so a map made again asks nothing. The prompt, response, model and time go into ``label_audit``.
On an error or a timeout the extractive headline stays and a warning says why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to ask for headlines.

    ``base_url`` is the endpoint up to ``/chat/completions`` (``http://localhost:11434/v1`` for
    Ollama, ``https://api.openai.com/v1`` for OpenAI); ``api_key_env`` names the environment
    variable holding the key (the key itself is never stored); ``cache_dir`` defaults to the
    embedding cache.
    """

    base_url: str
    model: str
    api_key_env: str | None = None
    timeout: float = 60.0
    cache_dir: str | None = None
    max_tokens: int = 40
    n_quotes: int = 5


PROMPTS = {
    "da": (
        "Du navngiver temaer i svar fra en spørgeundersøgelse. Svar kun med en kort, præcis "
        "overskrift på dansk (2-6 ord) uden anførselstegn og uden punktum.",
        "Nøgleord: {keywords}\nForeløbig overskrift: {headline}\nTypiske svar:\n{quotes}\n\n"
        "Overskrift for temaet:",
    ),
    "en": (
        "You name themes in survey answers. Reply with a short, precise headline in English "
        "(2-6 words) only, without quotation marks or a full stop.",
        "Keywords: {keywords}\nDraft headline: {headline}\nTypical answers:\n{quotes}\n\n"
        "Headline of the theme:",
    ),
}


def build_messages(
    keywords: str, headline: str, quotes: list[str], language: str, n_quotes: int = 5
) -> list[dict[str, str]]:
    """The chat messages for one cluster, in the map's language.

    >>> m = build_messages("ventetid, læge", "Ventetider", ["Jeg venter længe"], "da")
    >>> m[0]["role"], "Nøgleord: ventetid, læge" in m[1]["content"]
    ('system', True)
    """
    system, user = PROMPTS.get(language, PROMPTS["en"])
    shown = "\n".join(f"- {' '.join(q.split())[:400]}" for q in quotes[:n_quotes])
    return [
        {"role": "system", "content": system},
        {
            "role": "user",
            "content": user.format(keywords=keywords, headline=headline, quotes=shown),
        },
    ]


def clean_headline(text: str) -> str:
    """First line of a reply, without quotes, markdown or a final full stop.

    >>> clean_headline('**"Lange ventetider."**\\nmore')
    'Lange ventetider'
    """
    line = next((x for x in text.strip().splitlines() if x.strip()), "")
    line = line.strip().strip("*#").strip().strip("\"'“”«»").strip().rstrip(".").strip()
    return line[:1].upper() + line[1:]


def _cache_path(cfg: LLMConfig, key: str) -> Path:
    from .embed import default_cache_dir

    root = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir()
    return root / "llm" / f"{key}.json"


def chat(cfg: LLMConfig, messages: list[dict[str, str]]) -> str:
    """One chat-completions call (temperature 0); returns the reply's text or raises."""
    body = json.dumps(
        {
            "model": cfg.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": cfg.max_tokens,
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if cfg.api_key_env:
        key = os.environ.get(cfg.api_key_env)
        if not key:
            raise RuntimeError(f"environment variable {cfg.api_key_env!r} (the API key) is not set")
        headers["Authorization"] = f"Bearer {key}"
        headers["api-key"] = key  # Azure OpenAI reads this header
    url = cfg.base_url.rstrip("/") + "/chat/completions"
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:  # noqa: S310 - user's URL
        data = json.loads(resp.read().decode("utf-8"))
    try:
        return str(data["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError) as exc:
        raise RuntimeError(f"unexpected response from {url}: {str(data)[:200]}") from exc


def llm_labels(table: pd.DataFrame, cfg: LLMConfig | None, language: str) -> pd.DataFrame:
    """``table`` (a :class:`~wildproblems.label.Labeler` result) with headlines from the LLM;
    each row's ``label_audit`` gains the prompt, response, model and time (or the error)."""
    if cfg is None:
        raise ValueError("labeler='llm' needs an LLMConfig (base URL and model)")
    table = table.copy()
    labels, audits = [], []
    for row in table.itertuples():
        messages = build_messages(row.keywords, row.label, list(row.quotes), language, cfg.n_quotes)
        prompt = json.dumps(messages, ensure_ascii=False, sort_keys=True)
        key = hashlib.sha256(f"{cfg.base_url}\n{cfg.model}\n{prompt}".encode()).hexdigest()
        path = _cache_path(cfg, key)
        record: dict[str, Any] | None = None
        if path.is_file():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                record["cached"] = True
            except (OSError, ValueError):
                record = None
        if record is None:
            t0 = time.perf_counter()
            try:
                response = chat(cfg, messages)
            except (urllib.error.URLError, OSError, RuntimeError, ValueError) as exc:
                log.warning(
                    "LLM labeller failed for cluster %s (%s): the extractive headline stays",
                    row.cluster,
                    exc,
                )
                labels.append(row.label)
                audits.append(
                    f"{row.label_audit}; llm: failed ({type(exc).__name__}: {exc}), "
                    f"model {cfg.model!r}; extractive headline kept"
                )
                continue
            record = {
                "model": cfg.model,
                "prompt": messages,
                "response": response,
                "time_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - t0, 3),
            }
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
            record["cached"] = False
        head = clean_headline(str(record["response"]))
        if not head:
            log.warning("LLM gave an empty headline for cluster %s: extractive kept", row.cluster)
            head = row.label
        labels.append(head)
        audits.append(
            f"llm headline {head!r} (extractive: {row.label!r}); model {record['model']!r}; "
            f"time {record['time_utc']}{' (cached)' if record['cached'] else ''}; "
            f"prompt {json.dumps(record['prompt'], ensure_ascii=False)}; "
            f"response {json.dumps(record['response'], ensure_ascii=False)}; "
            f"extractive audit: {row.label_audit}"
        )
    table["label"] = labels
    table["label_audit"] = audits
    return table
