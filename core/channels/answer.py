"""Answers from channel posts, with numbered citations [1], [2] that link to the posts.

* Offline (extractive): from each of the top posts, the sentence closest to the question
  (USE cosine) is quoted with the post's number; the first post gives two.
* LLM: a grounded answer in the question's language that must cite the numbered posts
  it was given; invalid citation numbers are removed, and an answer citing nothing, a
  timeout or any :class:`~core.errors.LLMError` falls back to the extractive answer with
  a notice saying why.
* Abstention: when the best post's cosine to the question is below
  :data:`ABSTAIN_COSINE` and no post shares the query's terms strongly (normalised BM25
  below :data:`ABSTAIN_LEXICAL`), the answer is "nothing in this channel answers that"
  (thresholds calibrated by ``scripts/bench_channels.py``, see docs/BENCHMARKS.md).
* Follow-ups: a question that is a follow-up (:func:`core.channels.followup.is_follow_up`,
  measured on ``data/channel_eval/followups.jsonl``) is searched together with the previous
  turn's query (:func:`contextual_query`), and the LLM also sees the earlier turns; a new
  question is searched alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..embeddings import Embedder
from ..errors import LLMError
from ..grounding import ground_numbered
from ..llm import LLMClient
from ..prompts import CHANNELS_ANSWER_SYSTEM
from ..text import detect_lang, split_sentences, tokenize
from ..types import Lang
from .followup import is_follow_up
from .search import ChannelLibrary, PostHit

__all__ = [
    "ABSTAIN_COSINE",
    "ABSTAIN_LEXICAL",
    "ChannelAnswer",
    "Turn",
    "answer_question",
    "build_answer",
    "contextual_query",
    "extractive_answer",
]

ABSTAIN_COSINE = 0.19
"""Best post cosine (USE v3) below which the answer abstains; set from the in-domain vs
off-topic query distributions measured by scripts/bench_channels.py."""

ABSTAIN_LEXICAL = 0.6
"""A post whose normalised BM25 for the query reaches this (it shares the query's rare
terms, e.g. a bare name) counts as evidence even when its cosine is low; calibrated with
:data:`ABSTAIN_COSINE` by scripts/bench_channels.py."""

_NO_ANSWER = {
    "ru": "В этом канале нет ответа на этот вопрос: ни один пост не подходит достаточно близко.",
    "en": "Nothing in this channel answers that: no post is close enough to the question.",
}


@dataclass
class Turn:
    """One earlier exchange of the conversation.

    Attributes:
        question: what the user asked.
        answer: the answer shown.
        query: what was searched for it (the question joined with earlier context when it was
            a follow-up); "" means the question itself.
    """

    question: str
    answer: str
    query: str = ""


@dataclass
class ChannelAnswer:
    """An answer from channel posts.

    Attributes:
        text: the answer with citation marks ``[n]`` (1-based into ``citations``).
        abstained: True when no post answers the question.
        citations: the numbered posts, ``citations[n-1]`` is ``[n]``: the results as
            shown (the CLI's ``results``); :attr:`cited` lists the ones the text cites.
        lang: language of the question.
        mode: "extractive" (offline) or "llm".
        notice: what the user should know (LLM failure and fallback, ...); "" if nothing.
        evidence: best post cosine for the question.
        query: the query actually searched (with the conversation's context).
    """

    text: str
    abstained: bool
    citations: list[PostHit] = field(default_factory=list)
    lang: Lang = "en"
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""
    evidence: float = 0.0
    query: str = ""

    @property
    def cited(self) -> list[int]:
        """1-based numbers the text cites, in order of first mention."""
        seen: list[int] = []
        for m in re.findall(r"\[(\d+)\]", self.text):
            n = int(m)
            if 1 <= n <= len(self.citations) and n not in seen:
                seen.append(n)
        return seen

    def as_json(self, results: Sequence[PostHit]) -> dict:
        """The CLI's object: ``{"answer", "abstained", "results": [...]}``."""
        return {"answer": self.text, "abstained": self.abstained, "results": [h.as_json() for h in results]}


def contextual_query(question: str, history: Sequence[Turn] | None) -> str:
    """The query to search: a follow-up is joined with the previous turn's query.

    "А когда он вышел?" after "Что показали в Sora?" becomes
    "Что показали в Sora? А когда он вышел?", so the search keeps the subject; a new
    question ("Что писали про генерацию видео?") is searched alone. A chain of follow-ups
    keeps the subject of the first question (the previous query is joined, cut to its last
    40 words).
    """
    question = question.strip()
    if not history:
        return question
    prev = history[-1]
    if not is_follow_up(question, prev.question):
        return question
    context = " ".join((prev.query or prev.question).split()[-40:])
    return f"{context} {question}"


_URL = re.compile(r"\(?https?://\S+\)?")


def _best_sentences(question: str, hit: PostHit, embedder: Embedder, n: int) -> list[str]:
    """The ``n`` sentences of the hit's chunk closest to the question, in reading order.

    Sentences with fewer than four words once links are removed ("📖 Read (url)") are
    not quoted unless nothing else is left.
    """
    sents = [s for s in split_sentences(hit.chunk) if len(s) > 3][:40] or [hit.chunk.strip()]
    wordy = [s for s in sents if len(tokenize(_URL.sub(" ", s))) >= 4]
    sents = wordy or sents
    if len(sents) <= n:
        return sents
    vecs = embedder.embed([question, *sents])
    sims = vecs[1:] @ vecs[0]
    keep = sorted(np.argsort(-sims)[:n])
    return [sents[i] for i in keep]


def _clip(s: str, limit: int = 400) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "…"


def extractive_answer(question: str, hits: Sequence[PostHit], use: Sequence[int], embedder: Embedder,
                      lang: Lang, max_quotes: int = 3) -> ChannelAnswer:
    """Quote the best sentence of each chosen post, marked with the post's number.

    Args:
        question: the user's question.
        hits: the results as shown; ``[n]`` refers to ``hits[n-1]``.
        use: 0-based indexes into ``hits`` of candidate posts, best first (the first
            quoted gives two sentences; a post whose quote repeats an earlier one is skipped).
        embedder: to rank sentences by cosine to the question.
        lang: language of the question (only the heading depends on it).
        max_quotes: posts quoted at most.
    """
    lines: list[str] = []
    seen: set[str] = set()
    for i in use:
        quote = _clip(" ".join(_best_sentences(question, hits[i], embedder, 1 if lines else 2)))
        if quote.casefold() in seen:  # near-duplicate posts (reposts, RSS twins): quote once
            continue
        seen.add(quote.casefold())
        lines.append(f"- {quote} [{i + 1}]")
        if len(lines) == max_quotes:
            break
    head = "Вот что писали в канале:" if lang == "ru" else "Here is what the channel said:"
    return ChannelAnswer(text=head + "\n" + "\n".join(lines), abstained=False, citations=list(hits), lang=lang,
                         mode="extractive")


def _system_prompt(lang: Lang) -> str:
    return CHANNELS_ANSWER_SYSTEM.format(language="Russian" if lang == "ru" else "English")


def _posts_block(hits: Sequence[PostHit], use: Sequence[int], max_chars: int = 1200) -> str:
    parts = [f"[{i + 1}] ({hits[i].channel}, {hits[i].date[:10]})\n{_clip(hits[i].chunk, max_chars)}" for i in use]
    return "<<<POSTS\n" + "\n\n".join(parts) + "\nPOSTS>>>"


def _llm_answer(question: str, hits: Sequence[PostHit], use: Sequence[int], llm: LLMClient, lang: Lang,
                history: Sequence[Turn] | None) -> ChannelAnswer | None:
    """The LLM's answer from the posts ``hits[i] for i in use``, or None when it cited none of them.

    Raises:
        LLMError: the endpoint failed or timed out.
    """
    messages = [{"role": "system", "content": _system_prompt(lang)}]
    for turn in list(history or [])[-3:]:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer})
    messages.append({"role": "user", "content": f"{_posts_block(hits, use)}\n\nQuestion: <<<{question}>>>"})
    reply = llm.chat(messages)
    if reply.strip().strip(".").upper() == "NO_ANSWER":
        return ChannelAnswer(text=_NO_ANSWER[lang], abstained=True, lang=lang, mode="llm")
    given = {i + 1 for i in use}

    def keep(m: re.Match) -> str:
        return m.group(0) if int(m.group(1)) in given else ""

    text = re.sub(r"\[(\d+)\]", keep, reply).strip()
    if not re.search(r"\[\d+\]", text):
        return None
    return ChannelAnswer(text=text, abstained=False, citations=list(hits), lang=lang, mode="llm")


def build_answer(question: str, hits: Sequence[PostHit], embedder: Embedder, llm: LLMClient | None = None,
                 history: Sequence[Turn] | None = None, threshold: float = ABSTAIN_COSINE,
                 llm_posts: int = 5, quote_posts: int = 3) -> ChannelAnswer:
    """Answer ``question`` from ``hits``: abstain, LLM, or extractive.

    Citation ``[n]`` always refers to ``hits[n-1]`` (the results as shown, in any sort
    order); the posts used are the most relevant ones (by fused score) whose cosine is
    at least ``0.8 * threshold``.

    Args:
        question: the user's question (its language sets the answer's).
        hits: retrieved posts in display order.
        embedder: for the extractive answer.
        llm: optional client; on :class:`LLMError` the extractive answer is returned
            with ``notice`` saying why.
        history: earlier turns (LLM context).
        threshold: abstain when the best cosine is below it.
        llm_posts: posts given to the LLM.
        quote_posts: posts quoted by the extractive answer.
    """
    lang = detect_lang(question)
    evidence = max((h.cosine for h in hits), default=0.0)
    lexical = max((h.lexical for h in hits), default=0.0)
    order = sorted(range(len(hits)), key=lambda i: -hits[i].score)
    use = [i for i in order if hits[i].cosine >= threshold * 0.8 or hits[i].lexical >= ABSTAIN_LEXICAL]
    if not hits or (evidence < threshold and lexical < ABSTAIN_LEXICAL) or not use:
        return ChannelAnswer(text=_NO_ANSWER[lang], abstained=True, lang=lang, evidence=evidence)
    notice = ""
    if llm is not None:
        try:
            ans = _llm_answer(question, hits, use[:llm_posts], llm, lang, history)
            if ans is not None and ans.abstained:
                return ans
            if ans is not None:  # #11: each [n] must be supported by post n (core.grounding, the Reader's rule)
                report = ground_numbered(ans.text, [h.chunk for h in hits], embedder, lang)
                ans.text = report.text
                if report.kept:
                    if report.dropped:
                        ans.notice = f"{report.dropped} citation(s) not supported by their post were removed."
                    ans.evidence = evidence
                    return ans
                notice = "The LLM's answer was not supported by the posts it cited, so the offline answer is shown."
            else:
                notice = "The LLM's answer cited none of the posts, so the offline answer is shown instead."
        except LLMError as exc:
            notice = f"{exc} Showing the offline answer instead."
    ans = extractive_answer(question, hits, use[: quote_posts + 2], embedder, lang, max_quotes=quote_posts)
    ans.notice = notice
    ans.evidence = evidence
    return ans


def answer_question(library: ChannelLibrary, question: str, channels: Sequence[str] | None = None, k: int = 8,
                    history: Sequence[Turn] | None = None, llm: LLMClient | None = None,
                    threshold: float = ABSTAIN_COSINE, **search_kw) -> tuple[ChannelAnswer, list[PostHit]]:
    """Search (with the conversation's context) and answer.

    Args:
        library: the imported channels.
        question: the user's question.
        channels: channel names (None: all).
        k: posts retrieved (and shown as results).
        history: earlier turns of this conversation, oldest first.
        llm: optional LLM client.
        threshold: abstention threshold on the best cosine.
        **search_kw: ``date_from``, ``date_to``, ``sort``, ``mode`` for
            :meth:`ChannelLibrary.search`.

    Returns:
        The answer and the retrieved posts (the answer cites a subset of them).

    Raises:
        InputError: empty question, unknown channel, bad date.
    """
    query = contextual_query(question, history)
    hits = library.search(query, channels=channels, k=k, **search_kw)
    ans = build_answer(question, hits, library.embedder, llm=llm, history=history, threshold=threshold)
    ans.query = query
    return ans, hits
