"""Text from documents, posts and models shown as text in Markdown, never as markup (#11).

``st.markdown`` renders links, images and HTML. A post's own ``[label](https://...)``
would become a live link whose target is hidden, a ``message_url`` such as
``https://t.me/a)![i](http://evil/x.png)`` would pull an external image into the
citation line, and ``<b>`` would be markup. :func:`md_text` escapes every Markdown and
HTML metacharacter (CommonMark §2.4 backslash escapes) except a line's leading bullet, so
the text reads the same and does nothing; :func:`md_link` links only a plain
``http(s)`` URL and shows anything else as text.
"""

from __future__ import annotations

import re

__all__ = ["md_link", "md_text", "safe_url"]

_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!<>|~$])")
_BULLET = re.compile(r"^(\s*)\\([-+*])(\s)", re.MULTILINE)
_PLAIN_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/?#=&+,;:@-]*)?$")


_BARE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/?#=&+,;:@-]*)?")
_TRAILING = ".,;:!?"


def md_text(text: str) -> str:
    """``text`` with Markdown/HTML metacharacters escaped (a leading ``- `` bullet is kept).

    A plain http(s) URL in the text (the characters of :func:`safe_url`; trailing sentence
    punctuation left outside) becomes a CommonMark autolink ``<url>`` with nothing escaped inside:
    GFM links a bare URL anyway, but it does not unescape it, so ``(https://t.me/ai\\_newz/3502\\)``
    showed its backslashes and swallowed the one before ``)`` (#10u, seen in Chromium).
    """
    out, last = [], 0
    for m in _BARE_URL.finditer(text):
        url = m.group().rstrip(_TRAILING)
        out.append(_SPECIAL.sub(r"\\\1", text[last:m.start()]) + f"<{url}>")
        last = m.start() + len(url)
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return _BULLET.sub(r"\1\2\3", "".join(out))


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL (no spaces, brackets, quotes), else None."""
    if not url or len(url) > 2000:
        return None
    return url if _PLAIN_URL.match(url.strip()) else None


def md_link(label: str, url: str | None) -> str:
    """``[label](url)`` with the label escaped, or the escaped label alone for an unsafe URL."""
    target = safe_url(url)
    return f"[{md_text(label)}]({target})" if target else md_text(label)
