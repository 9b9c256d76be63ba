"""Request and response models of the HTTP API (the JSON shapes of the command lines).

Pages are 1-based; scores of the interview are integers 0-100; ``notice`` is "" unless
something the user should know happened (above all: the LLM failed and the offline
answer is shown).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ..channels.search import PostHit
from ..channels.store import ChannelInfo

__all__ = [
    "AnswerRequest", "ChannelAnswerOut", "ChannelInfoOut", "CitationOut", "ErrorOut", "FeedbackRequest",
    "ImportPublicRequest", "JobOut", "NextQuestionOut", "NextQuestionRequest", "NextUp", "PostOut", "ProgressOut", "ReaderAnswerOut",
    "ReaderAskRequest", "ScoreOut", "ScoreRequest", "SearchOut", "SearchRequest", "SummaryOut", "SummaryRequest",
]

_Q = Field(min_length=1, max_length=2000, description="The question (Russian or English).")


def _attribute_docs(cls: type) -> dict[str, str]:
    """``{name: description}`` from the Google-style ``Attributes:`` section of ``cls``'s docstring
    (``a / b: text`` documents both)."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    section = doc.split("Attributes:", 1)[1] if "Attributes:" in doc else ""
    out: dict[str, str] = {}
    names: list[str] = []
    for line in section.splitlines():
        m = re.match(r"^ {4}([a-z_]+(?:\s*/\s*[a-z_]+)*):\s*(.*)$", line)
        if m:
            names = [n.strip() for n in m.group(1).split("/")]
            for n in names:
                out[n] = m.group(2).strip()
        elif line.strip() and names:
            for n in names:
                out[n] = f"{out[n]} {line.strip()}"
    return out


def model_of(cls: type, name: str, only: tuple[str, ...] | None = None) -> type[BaseModel]:
    """A response model whose fields are the dataclass ``cls``'s own (types, defaults, and the
    descriptions of its docstring): the core's row type is the one source of the JSON shape
    (#11h; this module used to repeat :class:`~core.channels.store.ChannelInfo`'s fields).

    Args:
        cls: a dataclass.
        name: the model's name in the OpenAPI schema.
        only: the fields to keep, in this order (default: all).
    """
    hints = typing.get_type_hints(cls)
    docs = _attribute_docs(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}
    fields: dict[str, Any] = {}
    for fname in only or tuple(by_name):
        f = by_name[fname]
        default = f.default if f.default is not dataclasses.MISSING else ...
        fields[fname] = (hints[fname], Field(default, description=docs.get(fname) or None))
    return create_model(name, __doc__=(cls.__doc__ or "").strip().splitlines()[0], **fields)


class ErrorBody(BaseModel):
    type: str = Field(description="The error's class in core.errors (e.g. NotAPDFError, RateLimitError).")
    message: str = Field(description="What happened and what to do, for the user.")
    retry_after_s: float | None = None


class ErrorOut(BaseModel):
    """Every 4xx/5xx answer."""

    error: ErrorBody


class JobProgress(BaseModel):
    stage: str = Field(description='"fetch" (preview pages), "embed" (chunks), "ingest" (a paper: 0/1, then 1/1) '
                                   'or "" before the first report.')
    done: int
    total: int


class JobOut(BaseModel):
    """A long-running job (poll ``GET /v1/jobs/{id}`` until ``status`` is done or failed)."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: JobProgress
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    created_ts: float
    finished_ts: float | None = None


# ----------------------------------------------------------------------- reader
class DocumentOut(BaseModel):
    doc_id: str = Field(description="SHA-256 of the PDF; the id of later calls.")
    title: str
    lang: str
    n_pages: int


class SummaryRequest(BaseModel):
    sentences: int | None = Field(default=None, ge=3, le=15, description="Length (default: the setting).")
    lang: Literal["ru", "en"] | None = Field(default=None, description="Language of an LLM summary.")


class SentenceOut(BaseModel):
    text: str
    page: int = Field(description="1-based page.")


class SummaryOut(BaseModel):
    summary: str
    sentences: list[SentenceOut]
    mode: Literal["extractive", "llm"]
    notice: str = ""


class ReaderAskRequest(BaseModel):
    question: str = _Q
    history: list[tuple[str, str]] = Field(default_factory=list, max_length=10,
                                           description="Earlier (question, answer) pairs, oldest first.")


class CitationOut(BaseModel):
    page: int = Field(description="1-based page.")
    quote: str


class ReaderAnswerOut(BaseModel):
    """``python -m core.reader ask --json`` plus ``mode`` and ``notice``."""

    answer: str
    abstained: bool
    citations: list[CitationOut]
    lang: str
    mode: Literal["extractive", "llm"]
    notice: str = ""


# --------------------------------------------------------------------- channels
ChannelInfoOut = model_of(ChannelInfo, "ChannelInfoOut")
"""One channel (``GET /v1/channels``): the fields of :class:`core.channels.store.ChannelInfo`."""


class ImportPublicRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100, description="@name, name or a t.me/name link.")
    name: str | None = Field(default=None, max_length=200, description="Display name for a new channel.")
    max_pages: int | None = Field(default=None, ge=1, le=200, description="Page cap (default: the setting).")


class SearchRequest(BaseModel):
    query: str = _Q
    channels: list[str] | None = Field(default=None, description="Channel names (default: all).")
    k: int = Field(default=5, ge=1, le=50)
    date_from: str | None = Field(default=None, description="YYYY-MM-DD")
    date_to: str | None = Field(default=None, description="YYYY-MM-DD")
    sort: Literal["relevance", "date"] = "relevance"
    mode: Literal["hybrid", "rrf", "dense", "bm25"] = "hybrid"


class AnswerRequest(SearchRequest):
    history: list[tuple[str, str]] = Field(default_factory=list, max_length=10,
                                           description="Earlier (question, answer) pairs, oldest first.")


PostOut = model_of(PostHit, "PostOut", only=("channel", "post_id", "date", "url", "text", "score"))
"""One post found (:meth:`core.channels.search.PostHit.as_json`'s fields, typed and described by PostHit)."""


class SearchOut(BaseModel):
    results: list[PostOut]


class ChannelAnswerOut(BaseModel):
    """``python -m core.channels search --json`` plus ``cited``, ``mode``, ``notice``, ``query_id``."""

    answer: str = Field(description="Text with [n] marks; [n] is results[n-1].")
    abstained: bool
    results: list[PostOut]
    cited: list[int] = Field(description="1-based numbers the answer cites.")
    mode: Literal["extractive", "llm"]
    notice: str = ""
    lang: str
    query_id: int = Field(description="Id for POST /v1/channels/feedback.")


class FeedbackRequest(BaseModel):
    query_id: int = Field(ge=1)
    vote: Literal["up", "down", "none"]


# -------------------------------------------------------------------- interview
class NextQuestionRequest(BaseModel):
    lang: Literal["ru", "en"] = "ru"
    topics: list[str] | None = None
    levels: list[Literal["junior", "middle", "senior"]] | None = None
    asked: list[str] = Field(default_factory=list, max_length=500, description="Ids already asked.")
    seed: int | None = None


class NextQuestionOut(BaseModel):
    question_id: str | None = Field(description="None when every matching question was asked.")
    question: str | None
    topic: str | None = None
    level: str | None = None
    lang: str
    reason: str = ""


class ScoreRequest(BaseModel):
    answer: str = Field(max_length=20000, description="The candidate's answer.")
    session_id: str = Field(default="api", max_length=64, description="Groups attempts into one mock interview.")
    question_id: str | None = Field(default=None, description="A bank question (from /v1/interview/next).")
    question: str | None = Field(default=None, max_length=2000)
    reference: str | None = Field(default=None, max_length=20000)
    lang: Literal["ru", "en"] | None = None


class ScoreOut(BaseModel):
    """``python -m core.interview score --json`` plus ``question_id``, ``question``, ``lang``, ``flag``."""

    question_id: str | None
    question: str | None
    lang: str
    score: int = Field(ge=0, le=100)
    correctness: int
    completeness: int
    structure: int
    off_topic: bool
    flag: str
    covered: list[str]
    missed: list[str]
    feedback: str


class NextUp(BaseModel):
    id: str
    question: str
    topic: str
    reason: str = Field(description="Why it is suggested (due for review, a missed key point, a weak topic).")


class ProgressOut(BaseModel):
    """The user's interview progress and the recommended next questions."""

    attempts: int
    topics: list[dict[str, Any]] = Field(description="Per topic: attempts and mean score (as on the Interview page).")
    next: list[NextUp]
