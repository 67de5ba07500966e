"""The optional LLM labeller against a stub chat-completions server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from wildproblems.label import Labeler
from wildproblems.llm import LLMConfig

TEXTS = [
    "mangel på arbejdskraft",
    "stor mangel på arbejdskraft",
    "mangel på arbejdskraft i plejen",
    "for meget bureaukrati",
    "bureaukrati og kontrol",
    "bureaukrati i staten",
]


@pytest.fixture()
def stub():
    """A chat-completions stub; ``state`` holds the requests, ``fail`` makes it answer 500."""
    state = {"requests": [], "fail": False}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            if state["fail"]:
                self.send_response(500)
                self.end_headers()
                return
            user = body["messages"][-1]["content"]
            reply = "Personalemangel." if "arbejdskraft" in user else '"Regler og kontrol"'
            out = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(out.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def _label(cfg):
    emb = np.eye(len(TEXTS), dtype=np.float32)
    lab = Labeler(language="da", labeler="llm", llm=cfg)
    return lab.fit_transform(TEXTS, np.array([0, 0, 0, 1, 1, 1]), emb, list("abcdef"))


def test_llm_headlines_audit_and_cache(stub, tmp_path, monkeypatch):
    monkeypatch.setenv("WP_TEST_KEY", "secret")
    cfg = LLMConfig(stub["url"], "stub-model", api_key_env="WP_TEST_KEY", cache_dir=str(tmp_path))
    lab = _label(cfg)
    assert lab["label"].tolist() == ["Personalemangel", "Regler og kontrol"]
    req = stub["requests"][0]
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["temperature"] == 0 and req["body"]["model"] == "stub-model"
    assert req["auth"] == "Bearer secret"
    assert "Nøgleord" in req["body"]["messages"][-1]["content"]  # the map's language
    assert "mangel på arbejdskraft" in req["body"]["messages"][-1]["content"]  # a quote
    audit = lab["label_audit"].iloc[0]
    assert "stub-model" in audit and "Personalemangel." in audit and "Nøgleord" in audit
    assert "time 20" in audit
    assert len(list((tmp_path / "llm").glob("*.json"))) == 2
    # the same prompts again: answered from the cache, nothing sent
    n = len(stub["requests"])
    again = _label(cfg)
    assert len(stub["requests"]) == n
    assert again["label"].tolist() == lab["label"].tolist()
    assert "(cached)" in again["label_audit"].iloc[0]


def test_llm_error_falls_back_to_extractive(stub, tmp_path, caplog):
    stub["fail"] = True
    cfg = LLMConfig(stub["url"], "stub-model", cache_dir=str(tmp_path))
    with caplog.at_level("WARNING"):
        lab = _label(cfg)
    assert lab["label"].tolist() == ["Mangel på arbejdskraft", "Bureaukrati"]
    assert "llm: failed" in lab["label_audit"].iloc[0]
    assert "extractive headline stays" in caplog.text
    assert not (tmp_path / "llm").exists() or not list((tmp_path / "llm").glob("*.json"))


def test_llm_timeout_falls_back(tmp_path):
    # a server that accepts and never answers
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        cfg = LLMConfig(
            f"http://127.0.0.1:{sock.getsockname()[1]}/v1",
            "m",
            timeout=0.3,
            cache_dir=str(tmp_path),
        )
        lab = _label(cfg)
    finally:
        sock.close()
    assert lab["label"].tolist() == ["Mangel på arbejdskraft", "Bureaukrati"]
    assert "llm: failed" in lab["label_audit"].iloc[1]


def test_map_config_requires_endpoint_for_llm():
    from wildproblems.config import MapConfig

    with pytest.raises(ValueError, match="llm_base_url"):
        MapConfig(labeler="llm")
    assert MapConfig().labeler == "extractive"  # nothing leaves the machine by default


def test_map_with_llm_labeler(stub, tmp_path, tiny_da, counting_embedder):
    import wildproblems as wp
    from tests.conftest import TINY_ROLES

    m = wp.map(
        tiny_da,
        **TINY_ROLES,
        embedder=counting_embedder,
        labeler="llm",
        llm_base_url=stub["url"],
        llm_model="stub-model",
        cache_dir=str(tmp_path),
        progress=False,
    )
    assert set(m.clusters["label"]) <= {"Personalemangel", "Regler og kontrol"}
    assert m.clusters["label_audit"].str.startswith("llm headline").all()
    # the map's clusters and its themes and codes are named; each distinct prompt is asked once
    assert m.levels["label_audit"].str.startswith("llm headline").all()
    prompts = [r["body"]["messages"][-1]["content"] for r in stub["requests"]]
    assert len(prompts) == len(set(prompts))
    assert len(m.clusters) <= len(prompts) <= len(m.clusters) + len(m.levels)
    assert m.config.labeler == "llm"  # recorded with the map
