"""A fake Telegram Bot API server on loopback, to drive the real bot end to end.

It serves ``/bot<token>/<method>`` (getMe, deleteWebhook, getUpdates with long polling,
sendMessage, answerCallbackQuery, getFile, and ``true`` for anything else) and file
downloads at ``/file/bot<token>/<path>``, the way api.telegram.org does (Bot API 7:
``{"ok": true, "result": ...}``; parameters as form fields, JSON-encoded when not
strings). Tests queue updates (:meth:`FakeBotAPI.message`, :meth:`press`, :meth:`voice`)
and wait for what the bot sent (:meth:`wait_sent`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

TOKEN = "123456:TEST-token"
BOT_ID = 4242


class FakeBotAPI:
    """The fake server.

    Attributes:
        url: the root to put in ``Settings(telegram_api_url=...)``.
        sent: every sendMessage call's parameters (``chat_id``, ``text``, ``reply_markup``),
            with ``ts`` (monotonic time received).
        callback_answers: every answerCallbackQuery call's parameters.
        calls: method names in the order called.
    """

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.files: dict[str, bytes] = {}
        self.enqueued_ts: dict[int, float] = {}
        self._ids = itertools.count(1)
        self._msg_ids = itertools.count(1000)
        self._cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _params(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    return json.loads(raw or b"{}")
                params: dict[str, Any] = {}
                for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
                    value = values[0]
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
                return params

            def do_GET(self) -> None:  # noqa: N802
                path = unquote(self.path)
                if path.startswith(f"/file/bot{TOKEN}/"):
                    data = outer.files.get(path.split("/", 3)[3])
                    if data is None:
                        self._reply(404, b"not found", "text/plain")
                    else:
                        self._reply(200, data, "application/octet-stream")
                    return
                self.do_POST()

            def do_POST(self) -> None:  # noqa: N802
                prefix = f"/bot{TOKEN}/"
                self.path = unquote(self.path)
                if not self.path.startswith(prefix):
                    self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                method = self.path[len(prefix):].split("?")[0]
                params = self._params()
                outer.calls.append(method)
                self._json(200, {"ok": True, "result": outer._handle(method, params)})

            def _json(self, status: int, obj: Any) -> None:
                self._reply(status, json.dumps(obj).encode(), "application/json")

            def _reply(self, status: int, body: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while a long poll was open

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ----------------------------------------------------------------- methods
    def _handle(self, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Margo", "username": "margo_test_bot",
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method == "getUpdates":
            offset = int(p.get("offset") or 0)
            deadline = time.monotonic() + min(float(p.get("timeout") or 0), 1.0)
            with self._cond:
                while True:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                    if self.updates or time.monotonic() >= deadline:
                        return list(self.updates[: int(p.get("limit") or 100)])
                    self._cond.wait(max(0.0, deadline - time.monotonic()))
        if method == "sendMessage":
            msg = {"message_id": next(self._msg_ids), "date": int(time.time()),
                   "chat": {"id": int(p["chat_id"]), "type": "private"},
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Margo"}, "text": str(p.get("text", ""))}
            with self._cond:
                self.sent.append({**p, "ts": time.monotonic()})
                self._cond.notify_all()
            return msg
        if method == "answerCallbackQuery":
            with self._cond:
                self.callback_answers.append(p)
                self._cond.notify_all()
            return True
        if method == "getFile":
            fid = str(p["file_id"])
            return {"file_id": fid, "file_unique_id": fid + "-u", "file_size": len(self.files.get(fid, b"")),
                    "file_path": fid}
        return True

    # ------------------------------------------------------------------- queue
    def _push(self, update: dict[str, Any]) -> int:
        with self._cond:
            uid = next(self._ids)
            update["update_id"] = uid
            self.updates.append(update)
            self.enqueued_ts[uid] = time.monotonic()
            self._cond.notify_all()
        return uid

    @staticmethod
    def _user(user_id: int, lang: str | None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if lang:
            user["language_code"] = lang
        return user

    def message(self, user_id: int, text: str, lang: str | None = "ru") -> int:
        """Queue a private text message (commands too); returns the update id."""
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
               "from": self._user(user_id, lang), "text": text}
        if entities:
            msg["entities"] = entities
        return self._push({"message": msg})

    def voice(self, user_id: int, audio: bytes, lang: str | None = "en", duration_s: int = 11) -> int:
        """Queue a voice message whose file (``audio``) the bot can download."""
        fid = f"voice{len(self.files) + 1}"
        self.files[fid] = audio
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
               "from": self._user(user_id, lang),
               "voice": {"file_id": fid, "file_unique_id": fid + "-u", "duration": duration_s,
                         "mime_type": "audio/ogg", "file_size": len(audio)}}
        return self._push({"message": msg})

    def press(self, user_id: int, data: str, lang: str | None = "ru") -> int:
        """Queue a press on an inline button with ``callback_data`` ``data``."""
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
               "from": {"id": BOT_ID, "is_bot": True, "first_name": "Margo"}, "text": "…"}
        return self._push({"callback_query": {"id": f"cb{next(self._ids)}", "from": self._user(user_id, lang),
                                              "chat_instance": "ci", "data": data, "message": msg}})

    def wait_sent(self, n: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
        """Block until at least ``n`` messages were sent in all; returns them all.

        Raises:
            TimeoutError: fewer than ``n`` after ``timeout_s``.
        """
        end = time.monotonic() + timeout_s
        with self._cond:
            while len(self.sent) < n:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the bot sent {len(self.sent)} messages, expected {n}: "
                                       f"{[s.get('text', '')[:60] for s in self.sent]}")
                self._cond.wait(left)
            return list(self.sent)

    def pending(self) -> int:
        """Updates not yet confirmed by the bot (a getUpdates offset past them)."""
        with self._cond:
            return len(self.updates)

    def __enter__(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
