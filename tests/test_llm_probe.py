"""Local LLM discovery (#10): a fake OpenAI-compatible server on loopback is found and used."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.llm import LOCAL_LLM_PORTS, probe_local_llm


class _LocalServer:
    """``GET /v1/models`` lists ``models``; ``POST /v1/chat/completions`` answers "Привет"."""

    def __init__(self, models: list[str], port: int = 0):
        outer = self
        self.models = models

        class Handler(BaseHTTPRequestHandler):
            def _send(self, payload: dict, status: int = 200) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/v1/models":
                    self._send({"object": "list", "data": [{"id": m, "object": "model"} for m in outer.models]})
                else:
                    self._send({"error": "not found"}, 404)

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._send({"choices": [{"message": {"role": "assistant", "content": "Привет"}}]})

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_finds_the_first_server_with_a_chat_model(settings):
    with _LocalServer(["nomic-embed-text", "qwen2.5:7b-instruct"]) as srv:
        found = probe_local_llm(ports=(_closed_port(), srv.port), timeout_s=0.5)
        assert found is not None and found.base_url == f"http://127.0.0.1:{srv.port}/v1"
        assert found.model == "qwen2.5:7b-instruct"  # embedding models are not offered for answers
        assert found.client(settings).chat([{"role": "user", "content": "Привет?"}]) == "Привет"


def test_probe_without_servers_or_with_only_embedders_is_none():
    assert probe_local_llm(ports=(_closed_port(),), timeout_s=0.3) is None
    with _LocalServer(["bge-m3-embed"]) as srv:
        assert probe_local_llm(ports=(srv.port,), timeout_s=0.5) is None


def test_sidebar_offers_the_local_model(offline_app, monkeypatch):
    monkeypatch.setenv("MARGO_LLM_PROBE_LOCAL", "true")
    try:
        server = _LocalServer(["llama3.2:3b"], port=LOCAL_LLM_PORTS[0])
    except OSError:
        pytest.skip(f"port {LOCAL_LLM_PORTS[0]} is in use on this machine")
    with server:
        at = offline_app()
        captions = " ".join(c.value for c in at.sidebar.caption)
        assert "llama3.2:3b" in captions
        assert at.sidebar.toggle(key="llm_use_local").value is True
        at.sidebar.toggle(key="llm_use_local").set_value(False).run()
        assert not at.exception
