"""Public channels by @username: import from Telegram's web preview ``t.me/s/<username>``.

A public channel's preview lists its most recent posts (about 20 a page) as HTML, no
account needed. Older pages are reached through the "load more" link at the top of the
history, ``<a class="tme_messages_more" data-before="N" href="/s/<username>?before=N">``.
Markup read here (as served by t.me in 2024-2026)::

    <meta property="og:title" content="Channel title">
    <div class="tgme_widget_message ..." data-post="username/123">
      <div class="tgme_widget_message_text js-message_text">text<br/><a href="...">link</a></div>
      <a class="tgme_widget_message_date" href="https://t.me/username/123">
        <time datetime="2024-12-16T14:32:01+00:00">14:32</time></a>
    </div>

Fetching is polite and bounded: one request at a time, ``telegram_web_delay_s`` between
pages, ``telegram_web_timeout_s`` per page, at most ``telegram_web_max_pages`` pages, and
it stops at the first page that reaches posts already stored (incremental re-import).
Posts go through :meth:`core.channels.search.ChannelLibrary.import_posts`, the same path
as an export, so new and edited posts are embedded and unchanged ones skipped.
Limitation: a re-import only sees edits of posts on the pages it fetches (the newest).

Errors: :class:`~core.errors.InputError` for a name that is not a public channel,
:class:`~core.errors.NetworkError` when t.me cannot be reached, times out or refuses
(HTTP 429/5xx): nothing is imported then.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from lxml import html as lxml_html

from ..errors import InputError, NetworkError
from ..settings import Settings
from ..types import Post
from .parsers import post_url
from .search import ChannelLibrary, ImportReport

__all__ = ["MAX_PAGE_BYTES", "PreviewFetch", "PreviewPage", "clean_username", "fetch_preview", "import_public_channel", "parse_preview"]

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_LINK_FORMS = re.compile(r"^(?:https?://)?(?:www\.)?t(?:elegram)?\.me/(?:s/)?", re.I)
_HAS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_WORDY = re.compile(r"[^\W_]{2}")  # searchable text needs two letters/digits in a row (as in .parsers)
_USER_AGENT = "Margo/1.0 (public channel preview import; +https://t.me/s/)"
MAX_PAGE_BYTES = 5_000_000
"""Largest preview page read (a real page of 20 posts is about 0.1-0.3 MB): a bound on
memory if something else answers at that address."""
ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage "fetch" (pages of at most the page cap) or
"embed" (chunks embedded of those to embed)."""


def clean_username(value: str) -> str:
    """``"ai_newz"`` from ``"@ai_newz"``, ``"t.me/ai_newz"``, ``"https://t.me/s/ai_newz/12"``.

    Raises:
        InputError: not a Telegram username (5-32 letters, digits or _, starting with a
            letter), or a private invite link.
    """
    raw = (value or "").strip()
    u = _LINK_FORMS.sub("", raw).removeprefix("@").split("?")[0].strip("/").split("/")[0]
    if raw.lower().startswith(("https://t.me/+", "t.me/+", "https://t.me/joinchat")) or not _USERNAME.match(u):
        raise InputError(
            f"'{raw}' is not a public channel's username: give @name or t.me/name "
            "(5-32 letters, digits or _, starting with a letter).",
            key="errors.web.bad_username", username=raw,
        )
    return u


@dataclass
class PreviewPage:
    """One parsed preview page.

    Attributes:
        title: the channel's title ("" when the page has none).
        posts: posts with text, oldest first as on the page.
        before: the id to ask for the next older page (``?before=``), None on the oldest page.
        skipped: posts without text (media only, service messages).
    """

    title: str
    posts: list[Post] = field(default_factory=list)
    before: int | None = None
    skipped: int = 0


@dataclass
class PreviewFetch:
    """What :func:`fetch_preview` read.

    Attributes:
        username: the channel's username.
        title: its title.
        posts: posts with text from every page, each id once, oldest first.
        pages: pages fetched.
        skipped: posts without text.
        stopped: why fetching ended: "oldest" (no older page), "known" (reached stored
            posts), "page_cap" (``max_pages``), "empty" (a page without posts).
        seconds: wall time including the polite delays.
    """

    username: str
    title: str
    posts: list[Post]
    pages: int
    skipped: int
    stopped: str
    seconds: float


def _text_of(el) -> str:
    """Plain text of a message body: ``<br>`` as newlines, links as ``label (url)``."""
    parts: list[str] = []

    def walk(node) -> None:
        if not isinstance(node.tag, str):  # a comment or processing instruction: no text
            return
        tag = node.tag
        if tag == "br":
            parts.append("\n")
        elif tag == "a":
            label = node.text_content()
            href = (node.get("href") or "").strip()
            parts.append(label)
            if href.startswith("http") and href.rstrip("/") != label.strip().rstrip("/"):
                parts.append(f" ({href})")
        elif tag not in ("script", "style"):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
        if child.tail:
            parts.append(child.tail)
    text = "".join(parts).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()


def parse_preview(page_html: str | bytes, username: str) -> PreviewPage:
    """Parse one ``t.me/s/<username>`` page.

    Args:
        page_html: the page's HTML.
        username: the channel's username (post links are ``https://t.me/<username>/<id>``).

    Returns:
        The page's posts (1 post per ``div.tgme_widget_message`` with a text body) and the
        older-page pointer.
    """
    if not page_html or not page_html.strip():
        return PreviewPage(title="")
    doc = lxml_html.fromstring(page_html)
    title = (doc.xpath("string(//meta[@property='og:title']/@content)") or "").strip()
    if not title:
        title = " ".join(doc.xpath(f"string(//div[{_HAS.format('tgme_channel_info_header_title')}])").split())
    page = PreviewPage(title=title)
    for msg in doc.xpath(f"//div[{_HAS.format('tgme_widget_message')}][@data-post]"):
        owner, _, pid = (msg.get("data-post") or "").rpartition("/")
        if not pid.isdigit():
            continue
        if "service_message" in (msg.get("class") or ""):
            page.skipped += 1
            continue
        bodies = msg.xpath(f".//div[{_HAS.format('tgme_widget_message_text')}]"
                           f"[not(ancestor::*[{_HAS.format('tgme_widget_message_reply')}])]")
        text = _text_of(bodies[0]) if bodies else ""
        if not _WORDY.search(text):
            page.skipped += 1
            continue
        date = (msg.xpath("string(.//a[contains(@class,'tgme_widget_message_date')]//time/@datetime)")
                or msg.xpath("string(.//time/@datetime)") or "").strip()
        page.posts.append(Post(channel=title or username, post_id=int(pid), date=date, text=text,
                               url=post_url(owner or username, int(pid))))
    more = doc.xpath(f"//a[{_HAS.format('tme_messages_more')}]/@data-before")
    if more and more[0].isdigit():
        page.before = int(more[0])
    elif page.posts and page.posts[0].post_id > 1 and doc.xpath("//link[@rel='prev']/@href"):
        m = re.search(r"before=(\d+)", doc.xpath("//link[@rel='prev']/@href")[0])
        page.before = int(m.group(1)) if m else None
    return page


def _get(client: httpx.Client, url: str, params: dict | None, timeout_s: float) -> tuple[int, bytes]:
    """``(status, body)`` of one page; the body is read up to :data:`MAX_PAGE_BYTES`.

    Raises:
        NetworkError: unreachable, timeout, HTTP 429 or 5xx, or an oversized page.
    """
    try:
        with client.stream("GET", url, params=params) as response:
            status = response.status_code
            body = bytearray()
            if status == 200:
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > MAX_PAGE_BYTES:
                        raise NetworkError(f"A t.me page was over {MAX_PAGE_BYTES // 1_000_000} MB; nothing was "
                                           "imported (a preview page is about 0.1-0.3 MB).")
    except httpx.TimeoutException as exc:
        raise NetworkError(f"t.me did not answer within {timeout_s:g} s; nothing was imported. "
                           "Try again later.", key="errors.web.timeout", timeout_s=f"{timeout_s:g}") from exc
    except httpx.HTTPError as exc:
        raise NetworkError(f"Could not reach t.me ({type(exc).__name__}); nothing was imported.",
                           key="errors.web.unreachable") from exc
    if status == 429:
        raise NetworkError("t.me asks to slow down (HTTP 429); nothing was imported. Try again in a few minutes.",
                           key="errors.web.slow_down")
    if status >= 500:
        raise NetworkError(f"t.me answered HTTP {status}; nothing was imported. Try again later.",
                           key="errors.web.http", status=status)
    return status, bytes(body)


def fetch_preview(username: str, settings: Settings, since_id: int | None = None, max_pages: int | None = None,
                  progress: ProgressFn | None = None, transport: httpx.BaseTransport | None = None) -> PreviewFetch:
    """Fetch a public channel's posts from its web preview, newest pages first.

    Args:
        username: ``@name``, ``name`` or a ``t.me/name`` link.
        settings: ``telegram_web_url``, ``telegram_web_timeout_s``, ``telegram_web_delay_s``,
            ``telegram_web_max_pages``.
        since_id: the newest post id already stored: fetching stops at the page that
            reaches it (that page's posts are still returned, so recent edits are seen).
        max_pages: page cap (default ``settings.telegram_web_max_pages``).
        progress: ``progress("fetch", pages_done, max_pages)`` after each page.
        transport: httpx transport (tests may pass one; they normally use a loopback server).

    Returns:
        The posts read, oldest first.

    Raises:
        InputError: the name is not a username, or no public channel has it (t.me
            redirects to the profile page or shows no posts).
        NetworkError: t.me unreachable, slow (timeout), rate-limiting or failing.
    """
    user = clean_username(username)
    cap = max_pages or settings.telegram_web_max_pages
    root = settings.telegram_web_url.rstrip("/")
    t0 = time.perf_counter()
    by_id: dict[int, Post] = {}
    title, skipped, pages, stopped = "", 0, 0, "page_cap"
    before: int | None = None
    headers = {"User-Agent": _USER_AGENT, "Accept-Language": "en,ru;q=0.8"}
    with httpx.Client(timeout=settings.telegram_web_timeout_s, follow_redirects=False, headers=headers,
                      transport=transport) as client:
        while pages < cap:
            if pages:
                time.sleep(settings.telegram_web_delay_s)
            status, body = _get(client, f"{root}/s/{user}", {"before": before} if before else None,
                                settings.telegram_web_timeout_s)
            pages += 1
            if status != 200:  # a redirect to the profile page (not a public channel), 404, ...
                if pages == 1:
                    raise InputError(f"@{user} has no public web preview: it is not a public channel "
                                     "(or it does not exist). Import an export from Telegram Desktop instead.",
                                     key="errors.web.not_public", user=user)
                stopped = "oldest"
                break
            page = parse_preview(body, user)
            title = title or page.title
            skipped += page.skipped
            if progress:
                progress("fetch", pages, cap)
            if not page.posts and pages == 1 and not page.title:
                raise InputError(f"t.me/s/{user} shows no channel: check the username.",
                                 key="errors.web.no_channel", user=user)
            for p in page.posts:
                by_id.setdefault(p.post_id, p)
            if not page.posts and page.before is None:
                stopped = "empty" if pages > 1 or not by_id else "oldest"
                break
            ids = [p.post_id for p in page.posts]
            if since_id is not None and ids and min(ids) <= since_id:
                stopped = "known"
                break
            nxt = page.before  # no "load more" link: this is the oldest page
            if nxt is None or nxt <= 1 or (before is not None and nxt >= before):
                stopped = "oldest"
                break
            before = nxt
    posts = [by_id[k] for k in sorted(by_id)]
    name = title or user
    posts = [Post(name, p.post_id, p.date, p.text, p.url) for p in posts]
    return PreviewFetch(username=user, title=name, posts=posts, pages=pages, skipped=skipped, stopped=stopped,
                        seconds=time.perf_counter() - t0)


def import_public_channel(library: ChannelLibrary, username: str, name: str | None = None,
                          max_pages: int | None = None, progress: ProgressFn | None = None,
                          transport: httpx.BaseTransport | None = None) -> tuple[ImportReport, PreviewFetch]:
    """Add (or refresh) a public channel by its username: fetch its preview and import it.

    The channel keeps its name across re-imports: an already imported channel with the
    same username is updated, and only pages newer than its newest stored post are read.

    Args:
        library: where to import.
        username: ``@name``, ``name`` or a ``t.me`` link.
        name: display name for a new channel (default: the channel's title).
        max_pages: page cap (default ``settings.telegram_web_max_pages``).
        progress: see :data:`ProgressFn`.
        transport: httpx transport seam.

    Returns:
        The import report (``kind`` "web-preview") and what was fetched.

    Raises:
        InputError: not a public channel, or it has no text posts.
        NetworkError: t.me failed (nothing imported).
        StorageError: the index or database cannot be written (the old state stays).
    """
    user = clean_username(username)
    existing = next((c for c in library.channels() if (c.username or "").casefold() == user.casefold()), None)
    since_id = None
    if existing is not None:
        stored = library.store.post_hashes(existing.id)
        since_id = max(stored) if stored else None
    fetched = fetch_preview(user, library.settings, since_id=since_id, max_pages=max_pages, progress=progress,
                            transport=transport)
    if not fetched.posts:
        raise InputError(f"@{user} has no text posts in its public preview.", key="errors.web.no_text", user=user)
    channel = existing.name if existing else (name or fetched.title)
    posts = [Post(channel, p.post_id, p.date, p.text, p.url) for p in fetched.posts]
    report = library.import_posts(posts, channel, user, f"web-preview: t.me/s/{user}",
                                  progress=(lambda d, n: progress("embed", d, n)) if progress else None)
    report.kind = "web-preview"
    report.skipped = fetched.skipped
    report.seconds = fetched.seconds + report.seconds
    return report, fetched
