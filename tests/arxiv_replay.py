"""A loopback server that replays recorded arXiv Atom feeds and serves a PDF.

``GET /api/query?search_query=...`` answers the recorded search feed; ``?id_list=ID`` answers
a feed with that id's entry (from the recorded feed) or arXiv's error feed; ``GET /pdf/<id>``
serves the PDF given to the server. ``http://arxiv.org`` in the recordings is rewritten to
this server's address. Every request path is recorded in ``requests``.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

RECORDINGS = Path(__file__).parent / "data" / "arxiv"


class ArxivReplayServer:
    """Replays ``tests/data/arxiv/*.xml`` on 127.0.0.1 (a free port).

    Args:
        pdf_bytes: what ``/pdf/<id>`` serves (any id).
        delay_s: seconds to sleep before each answer (latency / timeout tests).
        status: HTTP status for every answer (503 to simulate an outage).
    """

    def __init__(self, pdf_bytes: bytes = b"", delay_s: float = 0.0, status: int = 200) -> None:
        self.pdf_bytes = pdf_bytes
        self.delay_s = delay_s
        self.status = status
        self.requests: list[str] = []
        self.search_xml = (RECORDINGS / "search_speculative_decoding.xml").read_text(encoding="utf-8")
        self.error_xml = (RECORDINGS / "error_malformed_id.xml").read_text(encoding="utf-8")
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                body, ctype = outer._answer(self.path)
                try:
                    self.send_response(outer.status if body is not None else 404)
                    self.send_header("Content-Type", ctype)
                    data = body or b"not found"
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        """The value for ``MARGO_ARXIV_API_URL``."""
        return self.base + "/api/query"

    def _rewrite(self, xml: str) -> bytes:
        return xml.replace("http://arxiv.org/pdf/", self.base + "/pdf/").encode("utf-8")

    def _answer(self, path: str) -> tuple[bytes | None, str]:
        url = urlparse(path)
        if url.path.startswith("/pdf/"):
            return self.pdf_bytes, "application/pdf"
        if url.path != "/api/query":
            return None, "text/plain"
        q = parse_qs(url.query)
        if "id_list" in q:
            wanted = q["id_list"][0].split("v")[0]
            entries = re.findall(r"<entry>.*?</entry>", self.search_xml, flags=re.S)
            match = [e for e in entries if f"/abs/{wanted}v" in e or f"/abs/{wanted}<" in e]
            if not match:
                return self._rewrite(self.error_xml), "application/atom+xml"
            head = self.search_xml.split("<entry>", 1)[0]
            return self._rewrite(head + match[0] + "\n</feed>\n"), "application/atom+xml"
        return self._rewrite(self.search_xml), "application/atom+xml"

    def __enter__(self) -> ArxivReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
