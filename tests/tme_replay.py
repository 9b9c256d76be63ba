"""A loopback stand-in for ``t.me/s/<username>`` that replays channel posts as preview pages.

Pages follow the real preview markup (``div.tgme_widget_message[data-post]``,
``div.tgme_widget_message_text``, ``time[datetime]``, the ``a.tme_messages_more``
"before" link): the newest :data:`PAGE_POSTS` posts at ``/s/<username>``, older ones at
``/s/<username>?before=<id>``. An unknown username is redirected to ``/<username>``, as
t.me does for names without a public preview. Used by tests/test_channels_web.py and
scripts/bench_api.py.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from core.types import Post

PAGE_POSTS = 20
"""Posts per preview page (t.me shows about 20)."""

_URL = re.compile(r"https?://[^\s)]+")


def _body(text: str) -> str:
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        url = html.escape(m.group(0), quote=True)
        out.append(f'<a href="{url}" target="_blank" rel="noopener">{url}</a>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br/>")


def render_page(username: str, title: str, posts: Sequence[Post], before: int | None) -> str:
    """One preview page of ``posts`` (oldest first); ``before`` is the older-page pointer."""
    more = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{username}?before={before}" '
            f'class="tme_messages_more js-messages_more" data-before="{before}"></a></div>') if before else ""
    items = []
    for p in posts:
        items.append(
            f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message '
            f'text_not_supported_wrap js-widget_message" data-post="{username}/{p.post_id}" data-view="x">'
            f'<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color">'
            f'<a class="tgme_widget_message_owner_name" href="https://t.me/{username}"><span dir="auto">'
            f'{html.escape(title)}</span></a></div>'
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{_body(p.text)}</div>'
            f'<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info '
            f'short js-message_info"><span class="tgme_widget_message_views">1.2K</span><span '
            f'class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
            f'href="https://t.me/{username}/{p.post_id}"><time datetime="{html.escape(p.date)}" class="time">'
            f'00:00</time></a></span></div></div></div></div></div>'
        )
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta property="og:title" '
            f'content="{html.escape(title, quote=True)}"></head><body><main class="tgme_main">'
            f'<section class="tgme_channel_history js-message_history">{more}{"".join(items)}</section>'
            f'</main></body></html>')


class PreviewReplayServer:
    """Serves preview pages of one or more channels on 127.0.0.1 (a free port).

    Args:
        channels: ``{username: (title, posts)}``; posts in any order (sorted by id here).
        status: answer every request with this HTTP status instead (429, 500 tests).
        delay_s: sleep before each answer (timeout tests).

    Attributes:
        url: the server root, for ``Settings(telegram_web_url=...)``.
        requests: ``(monotonic time, path)`` of every request.
    """

    def __init__(self, channels: dict[str, tuple[str, Sequence[Post]]], status: int = 200,
                 delay_s: float = 0.0) -> None:
        self.channels = {u.casefold(): (u, title, sorted(posts, key=lambda p: p.post_id))
                         for u, (title, posts) in channels.items()}
        self.status = status
        self.delay_s = delay_s
        self.requests: list[tuple[float, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append((time.monotonic(), self.path))
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                if outer.status != 200:
                    self._send(outer.status, b"error")
                    return
                parts = urlsplit(self.path)
                m = re.fullmatch(r"/s/([A-Za-z0-9_]+)/?", parts.path)
                entry = outer.channels.get(m.group(1).casefold()) if m else None
                if entry is None:
                    self.send_response(302)
                    self.send_header("Location", "/" + (m.group(1) if m else ""))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                username, title, posts = entry
                before = parse_qs(parts.query).get("before", [None])[0]
                older = [p for p in posts if before is None or p.post_id < int(before)]
                page = older[-PAGE_POSTS:]
                nxt = page[0].post_id if page and len(older) > len(page) else None
                self._send(200, render_page(username, title, page, nxt).encode("utf-8"))

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PreviewReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
