"""Search-result snippets with the query's words in bold: not stop words, never inside links."""

from __future__ import annotations

import re

from ..text import stem_tokens, stopwords

__all__ = ["highlight"]

_URL = re.compile(r"https?://\S+|www\.\S+|t\.me/\S+")
_WORD = re.compile(r"\w\w+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#<>$~|])")


def _md_escape(s: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", s)


def highlight(text: str, query: str, max_chars: int = 320) -> str:
    """A Markdown snippet of ``text`` around the query's words, matches in **bold**.

    Words match by stem (RU/EN Snowball, so "нейросети" marks "нейросеть"); stop words of
    the query ("что", "про", "the") are never marked, and nothing inside a URL is marked
    or escaped, so links stay intact.

    Args:
        text: the post's text.
        query: the searched query.
        max_chars: snippet length in characters (the window starts a third of it before the
            first match).

    Returns:
        Markdown: the snippet, with "…" where it was cut.
    """
    stems = set(stem_tokens(query))  # drop_stopwords=True: stop words never match
    stop = stopwords()
    urls = [m.span() for m in _URL.finditer(text)]

    def in_url(a: int, b: int) -> bool:
        return any(u0 <= a and b <= u1 for u0, u1 in urls)

    hits = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.lower() in stop or in_url(*m.span()):
            continue
        s = stem_tokens(word)
        if s and s[0] in stems:
            hits.append(m)
    start = max(0, hits[0].start() - max_chars // 3) if hits else 0
    end = min(len(text), start + max_chars)
    # Never cut a link in two: widen the window to whole URLs.
    for u0, u1 in urls:
        if u0 < start < u1:
            start = u0
        if u0 < end < u1:
            end = u1
    out, pos = [], start
    marks = [(m.start(), m.end(), "b") for m in hits if start <= m.start() and m.end() <= end]
    marks += [(max(u0, start), min(u1, end), "u") for u0, u1 in urls if u1 > start and u0 < end]
    for a, b, kind in sorted(marks):
        if a < pos:
            continue
        out.append(_md_escape(text[pos:a]))
        out.append(f"**{_md_escape(text[a:b])}**" if kind == "b" else text[a:b])
        pos = b
    out.append(_md_escape(text[pos:end]))
    snippet = "".join(out).replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")
