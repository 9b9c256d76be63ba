"""Thumbs up/down on channel answers, stored with the query and the cited posts.

Every answer shown is logged (:func:`log_answer`); a vote updates that row
(:func:`record_vote`); :func:`stats` summarises them for the statistics view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .answer import ChannelAnswer
from .store import ChannelStore

__all__ = ["FeedbackStats", "log_answer", "record_vote", "stats"]


@dataclass(frozen=True)
class FeedbackStats:
    """Usage numbers.

    Attributes:
        queries: answers shown.
        voted: answers that got a thumb.
        liked: thumbs up.
        liked_share: liked / voted (0.0 when nothing was voted on).
        no_answer: answers that abstained ("nothing in this channel answers that").
        recent_disliked: up to 10 latest queries voted down (for the author to review).
    """

    queries: int
    voted: int
    liked: int
    liked_share: float
    no_answer: int
    recent_disliked: list[str]


def log_answer(store: ChannelStore, question: str, channels: list[str], answer: ChannelAnswer,
               asker: str | None = None) -> int:
    """Store a shown answer with the cited posts; returns the id a vote refers to.

    ``asker``: who asked, when not the store's owner (see :meth:`ChannelStore.log_query`).
    """
    cited = [{"n": n, "channel": answer.citations[n - 1].channel, "post_id": answer.citations[n - 1].post_id,
              "url": answer.citations[n - 1].url} for n in answer.cited]
    return store.log_query(question, channels, answer.text, answer.abstained, cited, answer.mode, asker=asker)


def record_vote(store: ChannelStore, query_id: int, up: bool | None) -> None:
    """Thumbs up (True), down (False) or withdrawn (None) on a logged answer."""
    store.set_vote(query_id, 0 if up is None else (1 if up else -1))


def stats(store: ChannelStore) -> FeedbackStats:
    """Totals over every logged answer."""
    rows = store.query_rows()
    voted = [r for r in rows if r[4] in (1, -1)]
    liked = sum(1 for r in voted if r[4] == 1)
    disliked = [r[2] for r in reversed(rows) if r[4] == -1][:10]
    return FeedbackStats(
        queries=len(rows),
        voted=len(voted),
        liked=liked,
        liked_share=liked / len(voted) if voted else 0.0,
        no_answer=sum(1 for r in rows if r[3]),
        recent_disliked=disliked,
    )


def cited_posts(row_cited_json: str | None) -> list[dict]:
    """The cited posts stored with a logged answer."""
    return json.loads(row_cited_json or "[]")
