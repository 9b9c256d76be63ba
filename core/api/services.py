"""The core objects behind the HTTP API and the Telegram bot, built once per process.

A thin layer: every method calls the same public functions the command lines use
(``python -m core.reader|channels|interview``) and returns their JSON shapes, so the API,
the bot and the pages answer alike.

Users: every user's data (papers, channels, votes) lives in their
:class:`core.workspace.Workspace`, as on the pages. The local user (loopback without an
API key) is the pages' local user, so the API sees what was imported on the pages; an
API key is its own user (``key-<hash>``). Shared resources (the embedder, the interview
bank's embeddings) use the unscoped settings. The bot's channels belong to the bot's
operator (one workspace, see :mod:`core.bot`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..channels import ChannelLibrary, Turn, answer_question, log_answer, record_vote
from ..channels.published import ChannelCatalog, published_library
from ..channels.web import import_public_channel
from ..embeddings import Embedder, get_embedder
from ..errors import InputError
from ..interview import (
    Attempt,
    ProgressStore,
    QuestionSelector,
    Scorer,
    build_feedback,
    feedback_text,
)
from ..interview.bank import default_bank
from ..limits import LRUCache
from ..llm import LLMClient, llm_from_settings
from ..reader import Reader, ReaderDocument, answer_json
from ..settings import Settings
from ..storage import database_exists
from ..text import detect_lang
from ..workspace import LOCAL_USER, Workspace, local_workspace, shared_dir

__all__ = ["Services"]

_DOC_ID = re.compile(r"^[0-9a-f]{64}$")
_OPEN_DOCS = 32
"""Open papers kept in memory per process (a paper's index is a few MB; reopening one
from disk takes about a second)."""


class Services:
    """Reader, channel library, interview scorer and selector over one embedder and LLM.

    Args:
        settings: app settings.
        embedder: the embedder (default: the configured one).
        llm: the LLM client (default: from settings; None = offline).

    Raises:
        ModelError: the configured embedder cannot be loaded.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, llm: LLMClient | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder(settings.embed_model, settings.threads, settings.allow_model_download)
        self.llm = llm if llm is not None else llm_from_settings(settings)
        self._libraries: LRUCache[str, ChannelLibrary] = LRUCache(256)
        self._docs: LRUCache[tuple[str, str], ReaderDocument] = LRUCache(_OPEN_DOCS)
        self._interview_lock = threading.Lock()
        self._scorer: Scorer | None = None
        self._selector: QuestionSelector | None = None

    # -------------------------------------------------------------- per user
    def user_settings(self, user: str) -> Settings:
        """Settings whose ``data_dir`` is the user's workspace (``local``: the pages' local user)."""
        ws = local_workspace(self.settings) if user == LOCAL_USER else Workspace.for_user(self.settings, user)
        return ws.scoped(self.settings)

    def delete_user(self, user: str) -> None:
        """Delete the user's workspace and forget their open objects ("delete my data", bot ``/forget``)."""
        self._libraries.pop(user)
        self._docs.pop_where(lambda key: key[0] == user)  # their open papers too
        ws = local_workspace(self.settings) if user == LOCAL_USER else Workspace.for_user(self.settings, user)
        ws.delete()

    def forget_asker(self, user: str, asker: str) -> int:
        """Delete the questions ``asker`` asked of ``user``'s channels (their answers and votes
        too) from that user's log; returns how many rows went."""
        return self.library(user).store.forget_asker(asker)

    def library(self, user: str) -> ChannelLibrary:
        """The user's channel library."""
        return self._libraries.get_or_create(user, lambda: ChannelLibrary(self.user_settings(user), self.embedder))

    def catalog(self, user: str) -> ChannelCatalog:
        """What the user searches: their channels plus those an administrator published (#11h)."""
        shared = None
        if database_exists(shared_dir(self.settings) / "channels" / "channels.sqlite"):  # #11p: file or PostgreSQL
            shared = self._libraries.get_or_create("\x00published", lambda: published_library(self.settings,
                                                                                               self.embedder))
        return ChannelCatalog(self.library(user), shared)

    def reader(self, user: str) -> Reader:
        """A Reader over the user's saved papers."""
        return Reader(settings=self.user_settings(user), embedder=self.embedder, llm=self.llm)

    # ---------------------------------------------------------------- reader
    def open_pdf(self, user: str, data: bytes) -> dict[str, Any]:
        """Open (parse, embed, save) a PDF; returns ``{doc_id, title, lang, n_pages, reopened}``.

        Raises:
            InputError: not a usable PDF (see :meth:`core.reader.Reader.open`).
        """
        doc = self.reader(user).open(data)
        self._docs.put((user, doc.doc_id), doc)
        return {"doc_id": doc.doc_id, "title": doc.title, "lang": doc.lang, "n_pages": doc.n_pages,
                "reopened": doc.loaded_from_disk}

    def document(self, user: str, doc_id: str) -> ReaderDocument:
        """An uploaded paper by id (reopened from its saved index when not in memory).

        Raises:
            InputError: no such paper for this user.
        """
        if not _DOC_ID.match(doc_id or ""):
            raise InputError("A document id is the 64-hex SHA-256 the upload returned.")
        hit = self._docs.get((user, doc_id))
        if hit is not None:
            return hit
        source = Path(self.user_settings(user).index_dir) / doc_id / "source.pdf"
        if not source.is_file():
            raise InputError(f"No uploaded document {doc_id[:12]}…: upload it first (POST /v1/reader/documents).")
        doc = self.reader(user).open(source.read_bytes())
        self._docs.put((user, doc_id), doc)
        return doc

    def summarize(self, user: str, doc_id: str, sentences: int | None = None, lang: str | None = None) -> dict:
        """The CLI's summary shape plus ``mode`` and ``notice``."""
        summary = self.reader(user).summarize(self.document(user, doc_id), sentences, lang)  # type: ignore[arg-type]
        return {"summary": summary.text, "sentences": [{"text": s.text, "page": s.page} for s in summary.sentences],
                "mode": summary.mode, "notice": summary.notice}

    def ask(self, user: str, doc_id: str, question: str, history: list[tuple[str, str]] | None = None) -> dict:
        """The CLI's answer shape (``answer, abstained, citations[page, quote], lang``) plus ``mode``, ``notice``."""
        if not (question or "").strip():
            raise InputError("Type a question about the paper.")
        answer = self.reader(user).ask(self.document(user, doc_id), question, history)
        return {**answer_json(answer), "mode": answer.mode, "notice": answer.notice}

    # -------------------------------------------------------------- channels
    def channels(self, user: str) -> list[dict]:
        """Imported channels (the CLI's ``list`` shape)."""
        return [asdict(c) for c in self.catalog(user).channels()]

    def import_export(self, user: str, path: Path, name: str | None, username: str | None, progress=None) -> dict:
        """Import an export file; the CLI's ``import`` report."""
        report = self.library(user).import_export(path, name=name, username=username,
                                                   progress=(lambda d, n: progress("embed", d, n)) if progress else None)
        return asdict(report)

    def import_public(self, user: str, username: str, name: str | None = None, max_pages: int | None = None,
                      progress=None) -> dict:
        """Add or refresh a public channel by @username; the import report plus ``pages``, ``stopped``."""
        report, fetched = import_public_channel(self.library(user), username, name=name, max_pages=max_pages,
                                                progress=progress)
        return {**asdict(report), "pages": fetched.pages, "stopped": fetched.stopped}

    def search(self, user: str, query: str, channels: list[str] | None = None, k: int = 5, **kw) -> dict:
        """``{"results": [...]}`` in the CLI's result shape (no answer written)."""
        hits = self.catalog(user).search(query, channels=channels, k=k, **kw)
        return {"results": [h.as_json() for h in hits]}

    def answer(self, user: str, question: str, channels: list[str] | None = None, k: int = 5,
               history: list[tuple[str, str]] | None = None, asker: str | None = None, **kw) -> dict:
        """The CLI's ``search`` shape (``answer, abstained, results``) plus ``cited``, ``mode``,
        ``notice``, ``lang`` and ``query_id`` (for feedback).

        ``asker``: who asked when it is not ``user`` (a bot user asking the bot's channels);
        their logged questions can then be deleted with :meth:`forget_asker`.
        """
        lib = self.catalog(user)
        turns = [Turn(q, a) for q, a in (history or [])]
        ans, hits = answer_question(lib, question, channels=channels, k=k, history=turns, llm=self.llm, **kw)
        query_id = log_answer(lib.store, question, list(channels or []), ans, asker=asker)
        return {**ans.as_json(hits), "cited": ans.cited, "mode": ans.mode, "notice": ans.notice, "lang": ans.lang,
                "query_id": query_id}

    def feedback(self, user: str, query_id: int, up: bool | None) -> None:
        """Thumbs up (True), down (False) or withdrawn (None) on a logged answer."""
        record_vote(self.library(user).store, query_id, up)

    # ------------------------------------------------------------- interview
    def _interview(self) -> tuple[Scorer, QuestionSelector]:
        with self._interview_lock:
            if self._scorer is None:
                bank = default_bank()
                cache = Path(self.settings.data_dir) / "interview" / "cache"
                self._scorer = Scorer(self.embedder, bank, cache)
                self._selector = QuestionSelector(bank, self.embedder, cache)
            return self._scorer, self._selector  # type: ignore[return-value]

    def next_question(self, lang: str = "ru", topics: list[str] | None = None, levels: list[str] | None = None,
                      asked: list[str] | None = None, seed: int | None = None) -> dict | None:
        """``{question_id, question, topic, level, lang, reason}`` of the next bank question,
        or None when every matching question was asked."""
        _, selector = self._interview()
        if lang not in ("ru", "en"):
            raise InputError("lang must be 'ru' or 'en'.")
        pick = selector.next_question(lang, topics, levels, list(asked or []), seed=seed)
        if pick is None:
            return None
        q = pick.question
        return {"question_id": q.id, "question": q.text(lang), "topic": q.topic, "level": q.level, "lang": lang,
                "reason": pick.reason}

    def progress_store(self, user: str, profile: str = "default") -> ProgressStore:
        """The user's interview progress (the same store and default profile as the Interview page)."""
        return ProgressStore(self.user_settings(user).data_dir, profile)

    def progress(self, user: str, lang: str = "ru", k: int = 5) -> dict:
        """``{"attempts", "topics": [...], "next": [...]}``: answers so far, per-topic means, and
        the questions to practise next (:func:`core.recommend.next.interview_next`: spaced
        repetition, missed key points, weak topics), each with its reason."""
        from ..recommend.next import interview_next

        scorer, _ = self._interview()
        store = self.progress_store(user)
        return {"attempts": len(store.attempts()), "topics": store.topic_summary(),
                "next": interview_next(store, scorer.bank, lang, k)}

    def score(self, answer: str, question_id: str | None = None, question: str | None = None,
              reference: str | None = None, lang: str | None = None, user: str | None = None,
              session_id: str = "api") -> dict:
        """The interview CLI's score object (``score, correctness, completeness, structure,
        off_topic, covered, missed, feedback``) for a bank question or a given reference.

        With ``user`` and a bank ``question_id`` the attempt is saved to the user's progress
        (:meth:`progress_store`), as the Interview page saves it.

        Raises:
            InputError: unknown question id, or neither an id nor a question and reference.
            StorageError: the attempt could not be saved (the score is lost with it: retry).
        """
        scorer, _ = self._interview()
        bank = scorer.bank
        if question_id:
            q = bank.get(question_id) if bank is not None else None
            if q is None:
                raise InputError(f"No interview question '{question_id}'.")
            lang = lang or detect_lang(answer or q.text("ru"))
            lang = lang if lang in q.langs else q.langs[0]
            result = scorer.score_question(q, answer, lang)  # type: ignore[arg-type]
            fb = build_feedback(result, q.ref(lang), lang, q, bank, self.embedder)
            text_q = q.text(lang)
            if user is not None:
                self.progress_store(user).record(Attempt(
                    session_id, q.id, q.topic, q.level, lang, text_q, answer, result.score, result.correctness,
                    result.completeness, result.structure, bool(result.off_topic), result.flag, 1,
                    result.covered, result.missed))
        else:
            if not (question or "").strip() or not (reference or "").strip():
                raise InputError("Give a question_id, or both a question and a reference answer.")
            lang = lang or detect_lang(f"{question} {reference}")
            result = scorer.score(question, reference, answer, lang)  # type: ignore[arg-type]
            fb = build_feedback(result, reference, lang)  # type: ignore[arg-type]
            text_q = question
        return {"question_id": question_id, "question": text_q, "lang": lang, "score": result.score,
                "correctness": result.correctness, "completeness": result.completeness,
                "structure": result.structure, "off_topic": bool(result.off_topic), "flag": result.flag,
                "covered": result.covered, "missed": result.missed, "feedback": feedback_text(fb, lang)}
