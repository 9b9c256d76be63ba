"""A fake OpenAI-compatible server on loopback, for the LLM path in tests.

It records every request body and answers with a function of the request, so a test
can check the request's shape and steer the reply (good, with bad citations, slow,
HTTP 500).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], str]


class FakeLLMServer:
    """Serves ``POST /v1/chat/completions`` on 127.0.0.1 (a free port).

    Args:
        reply: maps the request JSON to the assistant's content.
        delay_s: seconds to sleep before answering (to trigger client timeouts).
        status: HTTP status to answer with (500 to simulate a failure).
    """

    def __init__(self, reply: Reply, delay_s: float = 0.0, status: int = 200) -> None:
        self.reply = reply
        self.delay_s = delay_s
        self.status = status
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                if outer.status != 200:
                    payload = {"error": {"message": "boom"}}
                else:
                    payload = {
                        "id": "fake",
                        "object": "chat.completion",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": outer.reply(body)}}],
                    }
                data = json.dumps(payload).encode()
                try:
                    self.send_response(outer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
