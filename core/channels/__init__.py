"""Channel search: import Telegram channel exports, search their posts, answer with citations.

Modules: :mod:`.parsers` (streaming export parsers), :mod:`.store` (SQLite), :mod:`.index`
(per-channel FAISS + BM25), :mod:`.search` (the :class:`ChannelLibrary` facade),
:mod:`.answer` (extractive / LLM answers, abstention), :mod:`.feedback` (thumbs, stats).
Command line: ``python -m core.channels --help``.
"""

from __future__ import annotations

from .answer import ABSTAIN_COSINE, ChannelAnswer, Turn, answer_question, build_answer
from .feedback import FeedbackStats, log_answer, record_vote, stats
from .parsers import ParsedExport, parse_export
from .search import ChannelLibrary, ImportReport, PostHit
from .store import ChannelInfo, ChannelStore

__all__ = [
    "ABSTAIN_COSINE",
    "ChannelAnswer",
    "ChannelInfo",
    "ChannelLibrary",
    "ChannelStore",
    "FeedbackStats",
    "ImportReport",
    "ParsedExport",
    "PostHit",
    "Turn",
    "answer_question",
    "build_answer",
    "log_answer",
    "parse_export",
    "record_vote",
    "stats",
]
