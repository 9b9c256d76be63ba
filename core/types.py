"""Domain types shared by every page.

Pages are 1-based everywhere (page 1 is the first page), as readers count them.
All types are plain dataclasses; :func:`dataclasses.asdict` gives their JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Answer", "Chunk", "Citation", "Lang", "Post", "Summary", "SummarySentence"]

Lang = Literal["ru", "en"]


@dataclass(frozen=True)
class Chunk:
    """A piece of a document cut along sentence boundaries.

    Attributes:
        doc_id: SHA-256 hex digest of the source file's bytes.
        chunk_id: ``"<doc_id[:12]>-<n>"``, n 0-based in reading order.
        text: the chunk's text.
        page: 1-based page the chunk starts on.
        page_end: 1-based page the chunk ends on (== page for most chunks).
        section: title of the enclosing outline entry, or "" when the PDF has none.
        order: 0-based position of the chunk in reading order.
        kind: "text" (running text), "caption" (a figure/table caption) or "table"
            (a table's rows, its caption first).
    """

    doc_id: str
    chunk_id: str
    text: str
    page: int
    page_end: int
    section: str = ""
    order: int = 0
    kind: str = "text"


@dataclass(frozen=True)
class Citation:
    """A quoted passage and where it stands.

    Attributes:
        page: 1-based page number.
        quote: the exact text from the page (used to highlight it).
        score: evidence score of this passage for the question (cosine-like, 0..1).
        passage: the retrieved passage the quote was chosen in ("" when not known), for
            showing the quote in its context.
    """

    page: int
    quote: str
    score: float = 0.0
    passage: str = ""


@dataclass
class Answer:
    """An answer to a question about a document.

    Attributes:
        text: the answer shown to the user.
        abstained: True when the document does not answer the question.
        citations: supporting passages, in reading order.
        lang: language of the question.
        mode: "extractive" (offline) or "llm".
        notice: what happened that the user should know (e.g. LLM timed out, fell back).
        evidence: best evidence score seen (for calibration and display).
        support: further retrieved passages that back the answer without being quoted in
            its text (#8: the Reader's best passages not already cited), best first.
    """

    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    lang: Lang = "en"
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""
    evidence: float = 0.0
    support: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of a summary with its 1-based page."""

    text: str
    page: int


@dataclass
class Summary:
    """A summary of a document.

    Attributes:
        text: the summary as prose.
        sentences: extractive sentences with pages, in reading order (LLM mode: the
            supporting sentences it was given).
        key_parts: "problem", "method", "results" mapped to sentences, where found.
        mode: "extractive" or "llm".
        notice: what happened that the user should know.
    """

    text: str
    sentences: list[SummarySentence] = field(default_factory=list)
    key_parts: dict[str, list[SummarySentence]] = field(default_factory=dict)
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""


@dataclass(frozen=True)
class Post:
    """One post of a Telegram channel, as parsed from an export.

    Attributes:
        channel: the channel's display name.
        post_id: Telegram's message id inside the channel (positive integer).
        date: ISO 8601 date-time as the export gives it (``YYYY-MM-DDTHH:MM:SS``,
            local time of the exporting machine unless a zone is given).
        text: the post's text with entities flattened to readable text; links are kept
            (``label (url)`` when the label differs from the url).
        url: ``https://t.me/<username>/<post_id>`` when the public username is known, else None.
    """

    channel: str
    post_id: int
    date: str
    text: str
    url: str | None = None
