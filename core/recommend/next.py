""""What next" inside Margo: the next interview questions, related passages and papers, posts like liked ones.

Every suggestion carries the reason it was made (an i18n key and its fields), so a page shows
"due for review", "you missed the key point …", "learners like you struggle here", "related to
what you asked", "similar to a post you liked".

Interview (:func:`next_questions`) works over the attempt records of
:meth:`core.interview.progress.ProgressStore.attempts` (dicts with ``question_id, topic, score,
ts, missed``), oldest first, plus the question bank; it never touches storage itself, so it works
wherever progress is kept. Four sources, in this order of priority:

1. **Spaced repetition** with FSRS (Ye et al., 2022-2024, "A Stochastic Shortest Path Algorithm for
   Optimizing Spaced Repetition Scheduling", KDD; the ``fsrs`` package's default FSRS-6 parameters,
   fitted by its authors on open review logs). Each attempt is a review graded from its score by
   :func:`grade`. Questions whose review is due come first, least remembered (lowest
   retrievability) first.
2. **Weak key points**: questions where the learner missed key points, by miss rate.
3. **Similar learners** (user-based collaborative filtering, Resnick et al., 1994): other profiles'
   attempts; learners whose per-question scores correlate with this learner's; questions they
   failed that this learner has not tried yet.
4. **Weak topics**: untried questions of the topics with the lowest mean score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np

from ..i18n import t

__all__ = [
    "PASS_SCORE",
    "RELATED_COSINE",
    "Suggestion",
    "grade",
    "channel_liked_suggestions",
    "interview_next",
    "reader_next",
    "next_questions",
    "related_items",
    "similar_to_liked",
]

PASS_SCORE = 70
"""Score (0-100) from which an answer counts as passed: the threshold below which
``ProgressStore.topics_to_review`` sends a topic back for review."""


RELATED_COSINE = 0.19
"""USE v3 cosine below which a text is not "related": Channel search's abstention threshold
(``ABSTAIN_COSINE`` in core/channels/answer.py, calibrated on 58 RU/EN queries, docs/BENCHMARKS.md)."""


@dataclass
class Suggestion:
    """One "what next" suggestion.

    Attributes:
        id: what is suggested (a question id, a passage or paper id, a post id).
        reason_key: i18n key of the reason (``recommend.next.*``).
        reason_fields: values of the reason's template.
        score: priority within one list (higher first; comparable within one call only).
        source: ``"due"``, ``"weak_point"``, ``"peers"``, ``"weak_topic"``, ``"related"``, ``"liked"``.
    """

    id: str
    reason_key: str
    reason_fields: dict[str, object] = field(default_factory=dict)
    score: float = 0.0
    source: str = ""

    def reason(self, lang: str = "en") -> str:
        """The reason as a sentence in ``lang``."""
        fields = dict(self.reason_fields)
        if "topic" in fields:  # a topic id ("mlops") is shown by its title in ``lang`` ("MLOps")
            from ..interview.bank import TOPIC_TITLES

            fields["topic"] = TOPIC_TITLES.get(str(fields["topic"]), {}).get(lang, fields["topic"])
        if "days" in fields and self.reason_key == "recommend.next.due":
            days = int(fields.pop("days"))
            fields["when"] = t("recommend.next.today", lang) if days <= 0 else t("recommend.next.days_ago", lang,
                                                                                   days=days)
        return t(self.reason_key, lang, **fields)


class _Question(Protocol):
    id: str
    topic: str


def grade(score: float) -> int:
    """FSRS grade (1 Again, 2 Hard, 3 Good, 4 Easy) of an answer scored 0-100.

    Below 40 is Again (most key points missed), below :data:`PASS_SCORE` Hard, below 90 Good,
    else Easy. The 70 is the product's pass line; 40 and 90 split the fail and pass bands
    (a design choice, not fitted: there are no review logs of Margo users to fit them on).
    """
    if score < 40:
        return 1
    if score < PASS_SCORE:
        return 2
    if score < 90:
        return 3
    return 4


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=UTC)


def _fsrs_due(attempts: Sequence[dict[str, Any]], now: datetime) -> dict[str, tuple[datetime, float, int]]:
    """``{question_id: (due, retrievability now, last score)}`` after replaying every attempt."""
    from fsrs import Card, Rating, Scheduler

    # no same-day learning steps: interview questions are practised across days, not minutes apart
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    cards: dict[str, Any] = {}
    last: dict[str, int] = {}
    for a in sorted(attempts, key=lambda a: float(a["ts"])):
        qid = str(a["question_id"])
        card = cards.get(qid) or Card()
        cards[qid], _ = scheduler.review_card(card, Rating(grade(a["score"])), review_datetime=_when(a["ts"]))
        last[qid] = int(a["score"])
    return {q: (c.due, float(scheduler.get_card_retrievability(c, now)), last[q]) for q, c in cards.items()}


def _peer_failures(attempts: Sequence[dict[str, Any]], peers: Iterable[Sequence[dict[str, Any]]],
                   min_overlap: int = 2) -> dict[str, tuple[float, float]]:
    """``{question_id: (weighted failure share, support)}`` over similar learners' untried questions.

    Similarity is the Pearson correlation of mean scores on the questions both answered (at least
    ``min_overlap`` of them), clipped at 0 (only like-minded learners vote), as in user-based CF;
    where one side's scores are constant, one minus the mean absolute score gap / 100.
    """
    mine = _mean_scores(attempts)
    votes: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for other in peers:
        theirs = _mean_scores(other)
        common = sorted(set(mine) & set(theirs))
        if len(common) < min_overlap:
            continue
        a = np.array([mine[q] for q in common])
        b = np.array([theirs[q] for q in common])
        if a.std() == 0 or b.std() == 0:  # correlation undefined: agreement on the 0-100 scale instead
            sim = 1.0 - float(np.abs(a - b).mean()) / 100.0
        else:
            sim = float(np.corrcoef(a, b)[0, 1])
        if sim <= 0:
            continue
        for q, s in theirs.items():
            if q not in mine:
                votes[q].append((sim, 1.0 if s < PASS_SCORE else 0.0))
    out = {}
    for q, vs in votes.items():
        w = sum(v[0] for v in vs)
        out[q] = (sum(v[0] * v[1] for v in vs) / w, w)
    return out


def _mean_scores(attempts: Iterable[dict[str, Any]]) -> dict[str, float]:
    acc: dict[str, list[float]] = defaultdict(list)
    for a in attempts:
        acc[str(a["question_id"])].append(float(a["score"]))
    return {q: float(np.mean(v)) for q, v in acc.items()}


def next_questions(attempts: Sequence[dict[str, Any]], bank: Iterable[_Question], k: int = 5,
                   now: datetime | None = None, peers: Iterable[Sequence[dict[str, Any]]] = (),
                   topics: Sequence[str] | None = None, exclude: Iterable[str] = ()) -> list[Suggestion]:
    """The learner's next ``k`` interview questions, each with its reason.

    Args:
        attempts: this learner's attempts (``ProgressStore.attempts()``): dicts with
            ``question_id``, ``topic``, ``score`` (0-100), ``ts`` (Unix s), ``missed`` (key points).
        bank: questions with ``.id`` and ``.topic`` (``core.interview.bank.Question``).
        k: how many.
        now: the time of the suggestion (UTC; default now).
        peers: other learners' attempts, one sequence per learner (e.g. other profiles).
        topics: restrict to these topics (None: all).
        exclude: question ids not to suggest (already asked in this session).

    Returns:
        Up to ``k`` suggestions, no question twice, best first: due reviews, weak key points,
        what similar learners failed, then new questions of weak topics.
    """
    now = now or datetime.now(UTC)
    questions = {q.id: q for q in bank if topics is None or q.topic in topics}
    skip = set(exclude)
    out: list[Suggestion] = []
    taken: set[str] = set()

    def add(s: Suggestion) -> None:
        if s.id in questions and s.id not in taken and s.id not in skip and len(out) < k:
            out.append(s)
            taken.add(s.id)

    reviewed = _fsrs_due(attempts, now) if attempts else {}
    due = sorted(((r, q, d, last) for q, (d, r, last) in reviewed.items() if d <= now), key=lambda x: x[0])
    for r, q, d, last in due:
        add(Suggestion(q, "recommend.next.due", {"score": last, "days": (now - d).days}, 3.0 + (1 - r), "due"))

    seen: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # (question, point) -> [missed, seen]
    still_missed: dict[tuple[str, str], bool] = {}  # missed in the latest attempt that judged it
    for a in sorted(attempts, key=lambda a: float(a["ts"])):
        for p in a.get("missed", []) or []:
            seen[(str(a["question_id"]), p)][0] += 1
            seen[(str(a["question_id"]), p)][1] += 1
            still_missed[(str(a["question_id"]), p)] = True
        for p in a.get("covered", []) or []:
            seen[(str(a["question_id"]), p)][1] += 1
            still_missed[(str(a["question_id"]), p)] = False
    weak = sorted(((m / n, m, n, q, p) for (q, p), (m, n) in seen.items() if m), key=lambda x: (-x[0], -x[1]))
    for rate, m, n, q, p in weak:
        if still_missed[(q, p)]:  # a point covered since is not weak any more
            add(Suggestion(q, "recommend.next.weak_point", {"point": p, "missed": m, "seen": n}, 2.0 + rate,
                           "weak_point"))

    for q, (share, _support) in sorted(_peer_failures(attempts, peers).items(), key=lambda x: (-x[1][0], -x[1][1])):
        if share > 0:
            add(Suggestion(q, "recommend.next.peers", {"share": round(100 * share)}, 1.0 + share, "peers"))

    by_topic: dict[str, list[float]] = defaultdict(list)
    for a in attempts:
        by_topic[a["topic"]].append(float(a["score"]))
    topic_means = {tp: float(np.mean(v)) for tp, v in by_topic.items()}
    order = sorted({q.topic for q in questions.values()}, key=lambda tp: (topic_means.get(tp, 101.0), tp))
    tried = {str(a["question_id"]) for a in attempts}
    for tp in order:
        for q in sorted(qid for qid, qq in questions.items() if qq.topic == tp and qid not in tried):
            if tp in topic_means and topic_means[tp] < PASS_SCORE:
                add(Suggestion(q, "recommend.next.weak_topic", {"topic": tp, "score": round(topic_means[tp])},
                               1.0 - topic_means[tp] / 100, "weak_topic"))
            else:
                add(Suggestion(q, "recommend.next.new", {"topic": tp}, 0.0, "new"))
    return out


def interview_next(store: Any, bank: Any, lang: str = "en", k: int = 5,
                   now: datetime | None = None) -> list[dict[str, str]]:
    """The next questions for a progress store's profile, ready for a table.

    Other profiles of the same store (learners sharing this workspace, e.g. a study group on one
    machine) are the "similar learners"; nothing crosses workspaces.

    Args:
        store: a :class:`core.interview.progress.ProgressStore` (public ``attempts``, ``profiles``,
            ``profile`` and ``path`` only).
        bank: a :class:`core.interview.bank.Bank` (``.questions``, ``Question.text(lang)``).
        lang: language of the question texts and reasons.
        k: how many.
        now: the time of the suggestion (UTC; default now).

    Returns:
        Dicts ``{"id", "question", "topic", "reason"}``, best first; empty without attempts.

    Raises:
        StorageError: the progress database cannot be read.
    """
    attempts = store.attempts()
    if not attempts:
        return []
    peers = []
    for profile in store.profiles():
        if profile != store.profile:
            peers.append(type(store)(store.path.parent.parent, profile).attempts())
    questions = list(bank.questions)
    by_id = {q.id: q for q in questions}
    out = []
    for s in next_questions(attempts, questions, k=k, now=now, peers=peers):
        q = by_id[s.id]
        out.append({"id": q.id, "question": q.text(lang), "topic": q.topic, "reason": s.reason(lang)})
    return out


def related_items(query: str, items: Sequence[tuple[str, str]], embedder: Any, k: int = 3,
                  exclude: Iterable[str] = (), min_similarity: float | None = None,
                  item_vectors: np.ndarray | None = None) -> list[Suggestion]:
    """Saved papers or passages related to what the user asked (Reader "what next").

    Args:
        query: the user's question.
        items: ``(id, text)`` pairs: saved papers (title + abstract) or passages.
        embedder: a :class:`core.embeddings.Embedder`.
        k: how many.
        exclude: ids not to suggest (the open paper, the passages already cited).
        min_similarity: cosine floor below which nothing is "related" (:data:`RELATED_COSINE`).
        item_vectors: precomputed ``(len(items), dim)`` embeddings, rows L2-normalised.

    Returns:
        Up to ``k`` suggestions, most similar first, each saying which question it relates to.
    """
    if not items or not query.strip():
        return []
    min_similarity = RELATED_COSINE if min_similarity is None else min_similarity
    vecs = item_vectors if item_vectors is not None else embedder.embed([text for _, text in items])
    sims = vecs @ embedder.embed([query])[0]
    skip = set(exclude)
    short = query.strip() if len(query.strip()) <= 80 else query.strip()[:77] + "…"
    out = []
    for j in np.argsort(-sims, kind="stable"):
        if len(out) >= k or sims[j] < min_similarity:
            break
        if items[j][0] in skip:
            continue
        out.append(Suggestion(items[j][0], "recommend.next.related", {"query": short}, float(sims[j]), "related"))
    return out


def similar_to_liked(liked: Sequence[tuple[str, str]], candidates: Sequence[tuple[str, str]], embedder: Any,
                     k: int = 5, min_similarity: float | None = None,
                     candidate_vectors: np.ndarray | None = None) -> list[Suggestion]:
    """Posts similar to the ones the user liked (Channel search "what next").

    Each candidate is scored by its best cosine to any liked post (item-to-item by embeddings of
    the text, the source document's "you may also like"); liked posts themselves are skipped.

    Args:
        liked: ``(id, text)`` of liked posts.
        candidates: ``(id, text)`` of posts to choose from.
        embedder: a :class:`core.embeddings.Embedder`.
        k: how many.
        min_similarity: cosine floor (see :func:`related_items`).
        candidate_vectors: precomputed candidate embeddings.

    Returns:
        Up to ``k`` suggestions, each naming the liked post it resembles (its first 60 characters).
    """
    if not liked or not candidates:
        return []
    min_similarity = RELATED_COSINE if min_similarity is None else min_similarity
    lv = embedder.embed([text for _, text in liked])
    cv = candidate_vectors if candidate_vectors is not None else embedder.embed([text for _, text in candidates])
    sims = cv @ lv.T  # (n_candidates, n_liked)
    best = sims.argmax(axis=1)
    liked_ids = {i for i, _ in liked}
    out = []
    for j in np.argsort(-sims.max(axis=1), kind="stable"):
        if len(out) >= k or sims[j, best[j]] < min_similarity:
            break
        if candidates[j][0] in liked_ids:
            continue
        title = " ".join(liked[best[j]][1].split())
        title = title if len(title) <= 60 else title[:57] + "…"
        out.append(Suggestion(candidates[j][0], "recommend.next.liked_post", {"title": title},
                              float(sims[j, best[j]]), "liked"))
    return out


def channel_liked_suggestions(library: Any, k: int = 5, max_liked: int = 5) -> list[tuple[Suggestion, Any]]:
    """Posts similar to the posts cited in answers the user liked (Channel search "what next").

    The liked posts are those cited in the latest ``max_liked`` answers voted up; each one's text
    is searched in its own channel by meaning (the channel's own dense index: item-to-item by
    embeddings); a post found through several liked posts keeps its best cosine. Liked posts and
    posts below :data:`RELATED_COSINE` are left out.

    Args:
        library: a :class:`core.channels.ChannelLibrary` (public ``store.query_rows``,
            ``store.channel``, ``store.posts`` and ``search`` only).
        k: how many.
        max_liked: liked posts looked at (newest first).

    Returns:
        Up to ``k`` pairs ``(Suggestion, PostHit)``, most similar first; the suggestion's id is
        ``"<channel>/<post id>"`` and its reason names the liked post.

    Raises:
        StorageError: the channel store cannot be read.
    """
    from ..channels.feedback import cited_posts

    liked: list[tuple[str, int]] = []
    for row in reversed(library.store.query_rows()):  # (id, ts, query, abstained, vote, cited_json)
        if row[4] == 1:
            liked += [(c["channel"], int(c["post_id"])) for c in cited_posts(row[5])]
    liked = list(dict.fromkeys(liked))[:max_liked]
    if not liked:
        return []
    liked_set = set(liked)
    best: dict[tuple[str, int], tuple[Suggestion, Any]] = {}
    for channel, post_id in liked:
        info = library.store.channel(channel)
        if info is None:
            continue
        text = library.store.posts(info.id, [post_id]).get(post_id, (None, "", None))[1]
        if not text.strip():
            continue
        title = " ".join(text.split())
        title = title if len(title) <= 60 else title[:57] + "…"
        for hit in library.search(text[:1000], channels=[channel], k=k + max_liked, mode="dense"):
            key = (hit.channel, int(hit.post_id))
            if key in liked_set or hit.cosine < RELATED_COSINE:
                continue
            if key not in best or best[key][0].score < hit.cosine:
                best[key] = (Suggestion(f"{hit.channel}/{hit.post_id}", "recommend.next.liked_post", {"title": title},
                                        float(hit.cosine), "liked"), hit)
    return sorted(best.values(), key=lambda sh: -sh[0].score)[:k]


def reader_next(question: str, doc: Any, cited: Iterable[str], saved: Sequence[dict[str, Any]], embedder: Any,
                k: int = 3) -> list[tuple[Suggestion, dict[str, Any]]]:
    """What to read next after a question in the Reader: passages of the open paper the answer did
    not quote, and other saved papers whose title is close to the question.

    Args:
        question: the user's question.
        doc: the open :class:`core.reader.documents.ReaderDocument` (``doc_id``, ``sentences``,
            ``sentence_vectors``).
        cited: the quotes of the answer's citations (left out).
        saved: ``list_documents(...)`` rows ``{"doc_id", "title", ...}`` of saved papers.
        embedder: the embedder the document was indexed with.
        k: passages and papers, each at most ``k``.

    Returns:
        Pairs ``(Suggestion, info)``: passages first (info ``{"kind": "passage", "page", "text"}``,
        page 1-based), then papers (info ``{"kind": "paper", "doc_id", "title"}``).
    """
    quotes = [q for q in cited if q]
    sentences = list(doc.sentences)
    skip = {str(i) for i, s in enumerate(sentences) if any(s.text in q or q in s.text for q in quotes)}
    passages = related_items(question, [(str(i), s.text) for i, s in enumerate(sentences)], embedder, k=k,
                             exclude=skip, item_vectors=doc.sentence_vectors)
    out: list[tuple[Suggestion, dict[str, Any]]] = [
        (p, {"kind": "passage", "page": sentences[int(p.id)].page, "text": sentences[int(p.id)].text})
        for p in passages]
    others = [(d["doc_id"], d["title"]) for d in saved if d.get("doc_id") != doc.doc_id and d.get("title")]
    by_id = {d["doc_id"]: d for d in saved}
    for p in related_items(question, others, embedder, k=k):
        out.append((p, {"kind": "paper", "doc_id": p.id, "title": by_id[p.id]["title"]}))
    return out
