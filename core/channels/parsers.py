"""Streaming parsers for the channel exports people actually have.

Formats (detected from the content, not the file name):

* Telegram Desktop JSON (``result.json``): ``{name, type, id, messages: [...]}``, read
  with ``ijson`` (yajl2 C backend) one message at a time, so a file of hundreds of MB
  never sits in memory as a tree. Tolerated variants: ``text`` as a string or a list
  of strings and entity objects, service messages (skipped), media-only posts (kept
  only when they have a caption, a poll or a file title), older exports without
  ``date_unixtime``/``text_entities``, and files whose top-level ``type``/``id`` were
  stripped.
* Telegram Desktop HTML (``messages.html``, ``messages2.html``, ...): the standard
  library's incremental ``html.parser`` fed in 64 KB pieces; the "next messages"
  pagination links are followed, and a folder is accepted.
* Flat dumps made by Telethon scripts: a JSON list (or ``{"messages": [...]}``) or a CSV
  with ``message_id``/``id``, ``date``, ``message_text``/``text``, ``message_url``.

Every parser yields :class:`core.types.Post`; anything unusable raises
:class:`core.errors.MalformedExportError` with a message a user can act on.

Bounded work on any input (#11): JSON is read event by event (``ijson.basic_parse``)
and messages are built here, so nesting deeper than ``max_depth`` stops the parse at once
with a clear message instead of building a tree of millions of levels; a post longer
than ``max_post_chars`` is cut there (and counted in ``ParsedExport.truncated``); numbers
of any length are read exactly (``use_float=False``: yajl's floats overflow at 20 digits).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from ..errors import MalformedExportError
from ..types import Post

__all__ = ["ExportKind", "ParsedExport", "detect_kind", "parse_export", "post_url", "username_from_url"]

ExportKind = Literal["desktop-json", "flat-json", "desktop-html", "csv"]
_CHUNK = 1 << 16
_URL_RE = re.compile(r"^https?://(?:www\.)?t(?:elegram)?\.me/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/(\d+)")
_USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((https?://[^)\s]{1,2000})\)")  # bounded: no quadratic scans
_MD_MARK = re.compile(r"(\*\*|__|~~|`)")
_WORDY = re.compile(r"[^\W_]{2}")  # a post needs two letters/digits in a row to be searchable
_JSON_BUF = 1 << 24
"""Read buffer of the JSON parser (16 MB): yajl joins a string that spans buffers by
copying, so a 50 MB post took 24 s with 1 MB buffers and 1.8 s with 16 MB (measured here)."""
_HTML_PENDING_MAX = 1 << 20
"""Unparsed HTML kept waiting for a tag's end (1 MB): Telegram's tags are under 1 KB; an
unclosed ``<`` made html.parser rescan the growing rest on each 64 KB feed (quadratic)."""
_MAX_ID = 2**63 - 1
"""Largest post id stored (SQLite INTEGER); Telegram's message ids are 32-bit."""
MAX_DEPTH = 64
"""Default nesting limit of a JSON export (``Settings.max_json_depth``; result.json nests 5)."""
MAX_POST_CHARS = 100_000
"""Default length at which a post is cut (``Settings.max_post_chars``; Telegram caps a post at 4,096)."""


@dataclass
class ParsedExport:
    """A fully parsed export (posts in file order).

    Attributes:
        kind: detected format.
        name: channel name found in the export ("" when it has none).
        username: public username found or given (None when unknown).
        posts: posts with text, in the export's order.
        skipped: messages skipped (service messages, media without any text, captions
            of emoji or punctuation only: their embeddings are noise that matched anything).
        files: the files read (HTML exports have several).
    """

    kind: ExportKind
    name: str
    username: str | None
    posts: list[Post] = field(default_factory=list)
    skipped: int = 0
    files: list[str] = field(default_factory=list)
    truncated: int = 0


def username_from_url(url: str | None) -> str | None:
    """``"ai_newz"`` from ``"https://t.me/ai_newz/3547"``; None for private or other links."""
    if not url:
        return None
    m = _URL_RE.match(url.strip())
    return m.group(1) if m and m.group(1).lower() != "c" else None


def post_url(username: str | None, post_id: int) -> str | None:
    """``https://t.me/<username>/<post_id>``, or None without a username."""
    return f"https://t.me/{username}/{post_id}" if username else None


def _clean_username(username: str | None) -> str | None:
    if not username:
        return None
    u = username.strip()
    u = username_from_url(u + "/1") or u.removeprefix("@").strip("/")
    u = u.rsplit("/", 1)[-1]
    if not _USERNAME_RE.match(u):
        raise MalformedExportError(
            f"'{username}' is not a Telegram username (5-32 letters, digits or _, starting with a letter).",
            key="errors.export.bad_username", username=username,
        )
    return u


def _iso_date(value: Any, *, day_first: bool = False) -> str:
    """Normalise an export's date to ISO 8601 (``YYYY-MM-DDTHH:MM:SS[+HH:MM]``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | float | Decimal):
        try:
            return datetime.fromtimestamp(float(value)).isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    text = str(value).strip()
    if day_first:  # HTML title: "05.09.2018 16:42:32" or "... UTC+03:00"
        m = re.match(r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-]\d{2}):?(\d{2}))?", text)
        if m:
            d, mo, y, h, mi, s, zh, zm = m.groups()
            iso = f"{y}-{mo}-{d}T{h}:{mi}:{s}"
            return iso + (f"{zh}:{zm}" if zh else "")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return text


def flatten_text(text: Any) -> str:
    """Telegram's ``text`` (a string or a list of strings and entity objects) as plain text.

    Links are kept: a ``text_link`` entity becomes ``label (url)`` when the label is not
    the URL itself; other entities (bold, hashtag, mention, code, ...) keep their text.
    """
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, dict):
        text = [text]
    parts: list[str] = []
    for piece in text:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict):
            label = str(piece.get("text", ""))
            href = piece.get("href")
            if href and href.strip() != label.strip():
                parts.append(f"{label} ({href})" if label.strip() else str(href))
            else:
                parts.append(label)
    return "".join(parts)


def _flatten_markdown(text: str) -> str:
    """Telethon's markdown (``**bold**``, ``[label](url)``) as plain text with links kept."""
    text = _MD_LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    return _MD_MARK.sub("", text)


def _extra_text(msg: dict) -> str:
    """Text carried outside ``text``: a poll, or a shared file's title."""
    bits = []
    poll = msg.get("poll")
    if isinstance(poll, dict):
        bits.append(str(poll.get("question", "")))
        bits += [str(a.get("text", "")) for a in poll.get("answers", []) if isinstance(a, dict)]
    for key in ("title", "performer"):
        if msg.get("media_type") and isinstance(msg.get(key), str):
            bits.append(msg[key])
    return "\n".join(b for b in bits if b.strip())


def _record_to_post(rec: Any, channel: str, username: str | None, flat: bool,
                    max_chars: int = MAX_POST_CHARS) -> tuple[Post | None, str | None]:
    """One message record (Desktop or flat) as a Post, plus the username its URL shows.

    Text over ``max_chars`` is cut before any regular expression runs on it.
    """
    if not isinstance(rec, dict):
        return None, None
    if rec.get("type", "message") != "message":
        return None, None
    raw_id = rec.get("id", rec.get("message_id"))
    try:
        post_id = int(raw_id)
    except (TypeError, ValueError):
        return None, None
    if post_id <= 0 or post_id > _MAX_ID:
        return None, None
    if "text" in rec:
        text = flatten_text(rec.get("text"))[:max_chars]
        if not text and rec.get("text_entities"):
            text = flatten_text(rec.get("text_entities"))[:max_chars]
    else:
        text = str(rec.get("message_text") or rec.get("message") or "")[:max_chars]
        if flat:
            text = _flatten_markdown(text)
    extra = _extra_text(rec)
    if extra and extra not in text:
        text = f"{text}\n{extra}" if text.strip() else extra
    text = text[:max_chars].strip()
    url = rec.get("message_url") or rec.get("url") or rec.get("link")
    url = str(url) if isinstance(url, str) and url.startswith("http") else None
    seen_username = username_from_url(url)
    if username and not url:
        url = post_url(username, post_id)
    if not _WORDY.search(text):  # empty, or only emoji / punctuation: nothing to search
        return None, seen_username
    date = _iso_date(rec.get("date") or rec.get("date_unixtime"))
    return Post(channel=channel, post_id=post_id, date=date, text=text, url=url), seen_username


# ------------------------------------------------------------------ detection
def _first_bytes(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def detect_kind(path: Path) -> ExportKind:
    """Guess the format of ``path`` (a file or an HTML export folder) from its content.

    Raises:
        MalformedExportError: empty, not text in UTF-8, or no known format.
    """
    if path.is_dir():
        return "desktop-html"
    head = _first_bytes(path)
    if not head.strip():
        raise MalformedExportError(f"'{path.name}' is empty.", key="errors.export.empty", file=path.name)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise MalformedExportError(
            f"'{path.name}' is UTF-16 encoded; Telegram exports are UTF-8. Re-save it as UTF-8.",
            key="errors.export.utf16", file=path.name,
        )
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the 4 KB window is fine; anything else is not UTF-8
        if exc.start < len(head) - 4:
            raise MalformedExportError(
                f"'{path.name}' is not UTF-8 text (Telegram exports are UTF-8); re-save it as UTF-8.",
                key="errors.export.not_utf8", file=path.name,
            ) from exc
        sample = head[: exc.start].decode("utf-8")
    if sample.startswith("{"):
        return "desktop-json"
    if sample.startswith("["):
        return "flat-json"
    if sample.startswith("<"):
        return "desktop-html"
    first_line = sample.splitlines()[0].lower() if sample else ""
    if path.suffix.lower() == ".csv" or ("," in first_line and ("id" in first_line)):
        return "csv"
    raise MalformedExportError(
        f"'{path.name}' is not a Telegram export: expected Telegram Desktop JSON or HTML, "
        "or a JSON/CSV dump with message_id, date and message_text.",
        key="errors.export.unknown_kind", file=path.name,
    )


# ---------------------------------------------------------------------- JSON
def _json_top_level(path: Path, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Top-level scalars (``name``, ``type``, ``id``) that come before ``messages``
    (stops at ``messages``, at the end of the file, or deeper than ``max_depth``)."""
    import ijson

    top: dict[str, Any] = {}
    depth, key = 0, None
    with open(path, "rb") as f:
        _skip_bom(f)
        try:
            for event, value in ijson.basic_parse(f, buf_size=_JSON_BUF, use_float=False):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > max_depth or (depth == 2 and key == "messages"):
                        break
                elif event in ("end_map", "end_array"):
                    depth -= 1
                elif depth == 1 and event == "map_key":
                    key = value
                elif depth == 1 and key in ("name", "type", "id", "username") and event in ("string", "number"):
                    top[key] = value
        except ijson.common.IncompleteJSONError:
            pass  # reported by the second pass, with its position
    return top


def _skip_bom(f: Any) -> None:
    """Move past a UTF-8 byte-order mark (Windows editors write one; yajl refuses it)."""
    if f.read(3) != b"\xef\xbb\xbf":
        f.seek(0)


def _iter_json(path: Path, prefix: str, max_depth: int = MAX_DEPTH) -> Iterator[Any]:
    """The items of the array at ``prefix`` (``"messages.item"`` or ``"item"``), built here
    from ``ijson.basic_parse`` events so that nesting deeper than ``max_depth`` is refused
    on the spot (no tree is built first).

    Raises:
        MalformedExportError: truncated or damaged JSON, not UTF-8, or nested too deeply.
    """
    import ijson
    from ijson.common import ObjectBuilder

    key_path = prefix.split(".")[:-1]  # ["messages"] or []
    items_depth = len(key_path) + 1  # depth of the array whose elements are the items
    depth = 0
    keys: list[str | None] = []  # the current key at each map depth
    in_items = False
    builder: ObjectBuilder | None = None
    with open(path, "rb") as f:
        _skip_bom(f)
        try:
            for event, value in ijson.basic_parse(f, buf_size=_JSON_BUF, use_float=False):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > max_depth:
                        raise MalformedExportError(
                            f"'{path.name}' is nested more than {max_depth} levels deep (MARGO_MAX_JSON_DEPTH); "
                            "a Telegram export nests about 5. The file is not an export, or it is damaged.",
                            key="errors.export.too_deep", file=path.name, max_depth=max_depth,
                        )
                    keys.append(None)
                    if (event == "start_array" and depth == items_depth and not in_items
                            and [k for k in keys[:-1]] == key_path):
                        in_items = True
                        continue
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    keys.pop()
                    if in_items and depth == items_depth - 1:
                        in_items = False
                        continue
                elif event == "map_key" and depth <= len(key_path):
                    keys[-1] = value
                if not in_items:
                    continue
                if builder is None:
                    if event in ("start_map", "start_array"):
                        builder = ObjectBuilder()
                    else:  # a scalar item
                        yield value
                        continue
                builder.event(event, value)
                if depth == items_depth and event in ("end_map", "end_array"):
                    yield builder.value
                    builder = None
        except ijson.common.IncompleteJSONError as exc:
            raise MalformedExportError(
                f"'{path.name}' is not complete JSON (cut off or damaged: {' '.join(str(exc).split())[:80]}). "
                "Export the chat again or re-download the file.",
                key="errors.export.incomplete_json", file=path.name,
            ) from exc
        except UnicodeDecodeError as exc:
            raise MalformedExportError(f"'{path.name}' is not UTF-8 text; Telegram exports are UTF-8.",
                                       key="errors.export.not_utf8", file=path.name) from exc


def _parse_json(path: Path, kind: ExportKind, name: str | None, username: str | None,
                max_depth: int = MAX_DEPTH, max_chars: int = MAX_POST_CHARS) -> ParsedExport:
    top = _json_top_level(path, max_depth) if kind == "desktop-json" else {}
    channel = name or str(top.get("name") or "") or path.parent.name or path.stem
    username = username or _clean_username_safe(top.get("username"))
    out = ParsedExport(kind=kind, name=str(top.get("name") or ""), username=username, files=[path.name])
    prefix = "messages.item" if kind == "desktop-json" else "item"
    seen = 0
    derived: str | None = None
    for rec in _iter_json(path, prefix, max_depth):
        seen += 1
        flat = isinstance(rec, dict) and "text" not in rec
        post, from_url = _record_to_post(rec, channel, username, flat=flat, max_chars=max_chars)
        derived = derived or from_url
        if post is None:
            out.skipped += 1
        else:
            out.posts.append(post)
    if seen == 0 and kind == "flat-json":
        # a flat dump may be {"messages": [...]} of flat records: handled by desktop-json;
        # here the list itself was empty.
        raise MalformedExportError(f"'{path.name}' holds no messages.", key="errors.export.no_messages",
                                   file=path.name)
    if seen == 0:
        raise MalformedExportError(
            f"'{path.name}' has no messages (expected a 'messages' list, as in Telegram Desktop's result.json).",
            key="errors.export.no_messages", file=path.name,
        )
    out.username = out.username or derived
    return out


def _clean_username_safe(value: Any) -> str | None:
    try:
        return _clean_username(str(value)) if value else None
    except MalformedExportError:
        return None


# ----------------------------------------------------------------------- CSV
_CSV_FIELD_LIMIT = 1 << 27
"""Longest CSV field read (128 M characters): above any upload limit, so one long post is
read (and then cut to ``max_post_chars``) instead of refusing the file (the csv module's
default limit is 131,072)."""


def _parse_csv(path: Path, name: str | None, username: str | None, max_chars: int = MAX_POST_CHARS) -> ParsedExport:
    channel = name or path.stem
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    out = ParsedExport(kind="csv", name="", username=username, files=[path.name])
    derived = None
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = {(h or "").strip().lower() for h in (reader.fieldnames or [])}
            if not fields & {"id", "message_id"} or not fields & {"text", "message_text", "message"}:
                raise MalformedExportError(
                    f"'{path.name}' has no id and text columns (expected message_id or id, and "
                    f"message_text or text; found: {', '.join(sorted(fields))[:120]}).",
                    key="errors.export.csv_columns", file=path.name, found=", ".join(sorted(fields))[:120],
                )
            for row in reader:
                rec = {(k or "").strip().lower(): v for k, v in row.items()}
                if "text" in rec:  # CSV text is plain or markdown, never an entity list
                    rec["message_text"] = rec.pop("text")
                post, from_url = _record_to_post(rec, channel, username, flat=True, max_chars=max_chars)
                derived = derived or from_url
                if post is None:
                    out.skipped += 1
                else:
                    out.posts.append(post)
    except UnicodeDecodeError as exc:
        raise MalformedExportError(f"'{path.name}' is not UTF-8 text; save the CSV as UTF-8.",
                                   key="errors.export.not_utf8", file=path.name) from exc
    except csv.Error as exc:
        raise MalformedExportError(f"'{path.name}' is not a readable CSV: {exc}.", key="errors.export.bad_csv",
                                   file=path.name) from exc
    out.username = out.username or derived
    return out


# ---------------------------------------------------------------------- HTML
class _TelegramHTML(HTMLParser):
    """Incremental parser of one Telegram Desktop HTML page (``div.message`` blocks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.messages: list[dict[str, Any]] = []
        self.pages: list[str] = []
        self.title_parts: list[str] = []
        self.any_message_div = False
        self._depth = 0  # div depth
        self._msg: dict[str, Any] | None = None
        self._msg_depth = 0
        self._text_depth = 0  # depth of the div.text being captured (0: none)
        self._title_depth = 0
        self._header_depth = 0
        self._links: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div":
            self._depth += 1
            if "page_header" in classes:
                self._header_depth = self._depth
            elif self._header_depth and "text" in classes and not self._title_depth:
                self._title_depth = self._depth
            if "message" in classes and (a.get("id") or "").startswith("message"):
                self.any_message_div = True
                if "default" in classes and self._msg is None:
                    mid = (a.get("id") or "")[len("message"):]
                    self._msg = {"id": mid, "date": "", "parts": []}
                    self._msg_depth = self._depth
            elif self._msg is not None:
                if "date" in classes and a.get("title") and not self._msg["date"]:
                    self._msg["date"] = a["title"]
                elif "text" in classes and not self._text_depth:
                    self._text_depth = self._depth
                    if self._msg["parts"]:
                        self._msg["parts"].append("\n")
        elif tag == "br" and self._text_depth:
            self._msg["parts"].append("\n")  # type: ignore[index]
        elif tag == "a":
            if "pagination" in classes and a.get("href"):
                self.pages.append(str(a["href"]))
            if self._text_depth:
                self._links.append((a.get("href") or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._text_depth and self._links:
            href, label_parts = self._links.pop()
            label = "".join(label_parts)
            target = self._links[-1][1] if self._links else self._msg["parts"]  # type: ignore[index]
            if href and href.startswith(("http", "mailto:", "tg:")) and href.strip() != label.strip():
                clean = label.strip()
                target.append(f"{clean} ({href})" if clean else href)
                if label.endswith("\n"):
                    target.append("\n")
            else:
                target.append(label)
            return
        if tag != "div":
            return
        if self._text_depth == self._depth:
            self._text_depth = 0
        if self._title_depth == self._depth:
            self._title_depth = 0
        if self._header_depth == self._depth:
            self._header_depth = 0
        if self._msg is not None and self._msg_depth == self._depth:
            self.messages.append(self._msg)
            self._msg = None
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._title_depth:
            self.title_parts.append(data)
        elif self._text_depth:
            (self._links[-1][1] if self._links else self._msg["parts"]).append(data)  # type: ignore[index]


def _html_pages(path: Path) -> list[Path]:
    """Start pages of an HTML export: the file, or a folder's messages*.html (index.html too)."""
    if path.is_file():
        return [path]
    pages = sorted(path.glob("messages*.html"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 1))
    index = path / "index.html"
    if index.is_file() and not (path / "messages.html").is_file():
        pages.insert(0, index)
    if not pages:
        pages = sorted(path.glob("*.html"))
    if not pages:
        raise MalformedExportError(f"The folder '{path.name}' holds no messages*.html files of a Telegram export.",
                                   key="errors.export.no_html_pages", file=path.name)
    return pages


def _parse_html(path: Path, name: str | None, username: str | None, max_chars: int = MAX_POST_CHARS) -> ParsedExport:
    out = ParsedExport(kind="desktop-html", name="", username=username)
    queue = _html_pages(path)
    visited: set[Path] = set()
    raw: list[dict[str, Any]] = []
    found_export = False
    while queue:
        page = queue.pop(0).resolve()
        if page in visited or not page.is_file():
            continue
        visited.add(page)
        parser = _TelegramHTML()
        try:
            with open(page, encoding="utf-8") as f:
                while chunk := f.read(_CHUNK):
                    parser.feed(chunk)
                    if len(parser.rawdata) > _HTML_PENDING_MAX:  # html.parser rescans it on every feed
                        raise MalformedExportError(
                            f"'{page.name}' has a tag that does not end within {_HTML_PENDING_MAX >> 20} MB: "
                            "not a Telegram export page (Telegram writes '<' in text as &lt;).",
                            key="errors.export.html_tag", file=page.name, limit_mb=_HTML_PENDING_MAX >> 20,
                        )
            parser.close()
            if parser._msg is not None:  # the file ends inside a message (cut off): keep what it has
                parser.messages.append(parser._msg)
        except UnicodeDecodeError as exc:
            raise MalformedExportError(f"'{page.name}' is not UTF-8 text; Telegram exports are UTF-8.",
                                       key="errors.export.not_utf8", file=page.name) from exc
        out.files.append(page.name)
        found_export = found_export or parser.any_message_div
        if not out.name:
            out.name = " ".join("".join(parser.title_parts).split())
        raw += parser.messages
        for href in parser.pages:  # next (and previous) pages; missing files are skipped
            if re.fullmatch(r"messages\d*\.html", href):
                queue.append(page.parent / href)
    if not found_export:
        raise MalformedExportError(
            f"'{path.name}' is not a Telegram Desktop HTML export (no message blocks found).",
            key="errors.export.not_html_export", file=path.name,
        )
    channel = name or out.name or path.stem
    seen_ids: set[int] = set()
    for m in raw:
        text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(m["parts"])[:max_chars]).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        try:
            post_id = int(m["id"])
        except ValueError:
            out.skipped += 1
            continue
        if not _WORDY.search(text) or post_id <= 0 or post_id in seen_ids:
            out.skipped += 1
            continue
        seen_ids.add(post_id)
        out.posts.append(Post(channel=channel, post_id=post_id, date=_iso_date(m["date"], day_first=True),
                              text=text, url=post_url(username, post_id)))
    return out


# ---------------------------------------------------------------- entry point
def parse_export(path: str | Path, name: str | None = None, username: str | None = None, *,
                 max_depth: int = MAX_DEPTH, max_post_chars: int = MAX_POST_CHARS) -> ParsedExport:
    """Parse any supported export into posts (streaming; nothing is written anywhere).

    Args:
        path: a ``result.json``, ``messages.html`` (its next pages are followed), an HTML
            export folder, or a flat JSON/CSV dump.
        name: channel name to use (default: the export's own name, else the file name).
        username: the channel's public username (``ai_newz``, ``@ai_newz`` or a t.me link)
            for post links; derived from ``message_url`` in flat dumps when not given.
        max_depth: deepest JSON nesting accepted (``Settings.max_json_depth``).
        max_post_chars: a post's text is cut at this length (``Settings.max_post_chars``);
            ``ParsedExport.truncated`` counts the posts cut.

    Returns:
        The posts with text, in file order, and what was skipped.

    Raises:
        MalformedExportError: missing or empty file, not UTF-8, truncated JSON, nesting
            deeper than ``max_depth``, a page that is not a Telegram export, no messages,
            or no message with text.
    """
    path = Path(path)
    if not path.exists():
        raise MalformedExportError(f"'{path.name}' does not exist.", key="errors.export.missing", file=path.name)
    username = _clean_username(username)
    name = (name or "").strip() or None
    kind = detect_kind(path)
    try:
        if kind in ("desktop-json", "flat-json"):
            out = _parse_json(path, kind, name, username, max_depth, max_post_chars)
        elif kind == "csv":
            out = _parse_csv(path, name, username, max_post_chars)
        else:
            out = _parse_html(path, name, username, max_post_chars)
    except OSError as exc:
        raise MalformedExportError(f"'{path.name}' cannot be read: {exc.strerror or exc}.",
                                   key="errors.export.unreadable", file=path.name) from exc
    if not out.posts:
        raise MalformedExportError(
            f"'{path.name}' has no posts with text ({out.skipped} messages were service messages or media only).",
            key="errors.export.no_text_posts", file=path.name, skipped=out.skipped,
        )
    out.truncated = sum(len(p.text) >= max_post_chars for p in out.posts)
    if out.username and any(p.url is None for p in out.posts):
        out.posts = [p if p.url else Post(p.channel, p.post_id, p.date, p.text, post_url(out.username, p.post_id))
                     for p in out.posts]
    return out

