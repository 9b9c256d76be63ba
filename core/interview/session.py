"""One mock interview as an object: start, next question, submit, finish, summary.

The page draws it and the command line (``python -m core.interview run``) drives it
headless; both go through the same methods, so what the page shows is what the tests
check. The session holds plain data (ids, answers, results); the scorer, the selector, the
progress store and the LLM client are passed in.

Example::

    s = InterviewSession(scorer, selector, lang="en", topics=["classic_ml"], n_questions=3)
    q = s.start()
    turn = s.submit("Overfitting is ...")
    q = s.next_question()          # None when the interview is over
    print(s.finish().mean_best)
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..llm import LLMClient
from .bank import Question
from .feedback import Feedback, build_feedback, llm_critique
from .progress import Attempt, ProgressStore
from .scoring import Scorer, ScoreResult
from .selection import QuestionSelector

__all__ = ["InterviewSession", "SessionSummary", "Turn"]


@dataclass
class Turn:
    """One submitted answer.

    Attributes:
        question_id: bank id.
        answer: the answer as typed or transcribed.
        result: its score.
        feedback: the feedback shown for it.
        revision: 1 for the first answer to this question, 2+ for resubmissions.
    """

    question_id: str
    answer: str
    result: ScoreResult
    feedback: Feedback
    revision: int = 1


@dataclass
class SessionSummary:
    """What the interview came to.

    Attributes:
        rows: per asked question ``{"question_id", "question", "topic", "first", "best", "attempts", "flag"}``
            (scores 0-100, in the order asked; unanswered questions have ``best`` None).
        mean_best: mean of the best scores of answered questions (None when none).
        strong_topics: topics whose best scores are all ≥ 70.
        weak_topics: up to 3 topics with the lowest mean best score below 70.
        missed_points: key points missed in the best attempt of each question.
    """

    rows: list[dict[str, Any]]
    mean_best: float | None
    strong_topics: list[str]
    weak_topics: list[str]
    missed_points: list[str]


STRONG_SCORE = 70
"""Best score from which a topic counts as strong: the 2-way "correct" region of the learned
scorer on its training split sits below it (threshold in ``scorer_model.json``), so 70 asks
for a clearly correct answer; the same bar the page has used for Margo's expression."""


@dataclass
class InterviewSession:
    """A mock interview.

    Args:
        scorer: scores answers.
        selector: picks questions from the bank.
        lang: "ru" or "en".
        topics: allowed topics (empty: all).
        levels: allowed levels (empty: all).
        n_questions: questions to ask (≥ 1).
        profile_text: optional job description / CV shifting the topic mix.
        store: where attempts are recorded (None: not recorded).
        llm: optional LLM client for a written critique (None: offline feedback only).
        seed: random seed for question choice.
        questions: fixed question ids to ask in order (overrides the selector; for tests and
            the headless runner).
    """

    scorer: Scorer
    selector: QuestionSelector | None
    lang: str = "en"
    topics: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    n_questions: int = 5
    profile_text: str = ""
    store: ProgressStore | None = None
    llm: LLMClient | None = None
    seed: int = field(default_factory=lambda: int(time.time()))
    questions: list[str] | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    asked: list[str] = field(default_factory=list)
    current: str | None = None
    reason: str = ""
    turns: dict[str, list[Turn]] = field(default_factory=dict)
    finished: bool = False

    @property
    def bank(self):
        """The scorer's bank."""
        return self.scorer.bank

    def question(self, qid: str | None = None) -> Question | None:
        """The bank question ``qid`` (default: the current one)."""
        qid = qid or self.current
        return self.bank.get(qid) if qid and self.bank is not None else None

    def start(self) -> Question | None:
        """Ask the first question (None when no question matches)."""
        return self.next_question()

    def next_question(self, weak_key_points: list[str] | None = None) -> Question | None:
        """Move to the next question; None (and the session finished) when all are asked.

        Args:
            weak_key_points: key points missed in earlier sessions (the selector practises them).
        """
        if self.finished:
            return None
        if len(self.asked) >= self.n_questions:
            self.finish()
            return None
        if self.questions is not None:
            left = [q for q in self.questions if q not in self.asked]
            qid, self.reason = (left[0] if left else None), ""
        else:
            if self.selector is None:
                raise ValueError("a session without fixed questions needs a selector")
            if weak_key_points is None and self.store is not None:
                weak_key_points = [w["key_point"] for w in self.store.weakest_key_points(8)]
            pick = self.selector.next_question(self.lang, self.topics or None, self.levels or None, self.asked,
                                               weak_key_points, self.profile_text, seed=self.seed + len(self.asked))
            qid, self.reason = (pick.question.id, pick.reason) if pick else (None, "")
        if qid is None:
            self.finish()
            return None
        self.current = qid
        self.asked.append(qid)
        return self.question(qid)

    def submit(self, answer: str) -> Turn:
        """Score ``answer`` to the current question, build its feedback and record it.

        Raises:
            ValueError: when no question is being asked.
            core.errors.StorageError: when the progress store cannot save (the turn is kept).
        """
        q = self.question()
        if q is None:
            raise ValueError("no current question: call start() or next_question() first")
        result = self.scorer.score_question(q, answer, self.lang)  # type: ignore[arg-type]
        fb = build_feedback(result, q.ref(self.lang), self.lang, q, self.bank, self.scorer.embedder, set(self.asked))
        fb = llm_critique(self.llm, fb, q.text(self.lang), q.ref(self.lang), list(q.kps(self.lang)), answer,
                          result, self.lang)
        turns = self.turns.setdefault(q.id, [])
        turn = Turn(q.id, answer, result, fb, len(turns) + 1)
        turns.append(turn)
        if self.store is not None:
            self.store.record(Attempt(self.id, q.id, q.topic, q.level, self.lang, q.text(self.lang), answer,
                                      result.score, result.correctness, result.completeness, result.structure,
                                      result.off_topic, result.flag, turn.revision, result.covered, result.missed))
        return turn

    def last_turn(self, qid: str | None = None) -> Turn | None:
        """The latest answer to ``qid`` (default: the current question)."""
        turns = self.turns.get(qid or self.current or "", [])
        return turns[-1] if turns else None

    def finish(self) -> SessionSummary:
        """End the interview and return its :meth:`summary`."""
        self.finished = True
        self.current = None
        return self.summary()

    def summary(self) -> SessionSummary:
        """The per-question table, the mean best score, strong and weak topics."""
        rows, by_topic, missed = [], {}, []
        for qid in self.asked:
            q = self.question(qid)
            turns = self.turns.get(qid, [])
            best = max(turns, key=lambda t: t.result.score) if turns else None
            rows.append({"question_id": qid, "question": q.text(self.lang) if q else qid,
                         "topic": q.topic if q else "", "first": turns[0].result.score if turns else None,
                         "best": best.result.score if best else None, "attempts": len(turns),
                         "flag": best.result.flag if best else ""})
            if best is not None and q is not None:
                by_topic.setdefault(q.topic, []).append(best.result.score)
                missed += best.result.missed
        answered = [r["best"] for r in rows if r["best"] is not None]
        mean_best = sum(answered) / len(answered) if answered else None
        strong = sorted(t for t, s in by_topic.items() if min(s) >= STRONG_SCORE)
        weak = sorted((sum(s) / len(s), t) for t, s in by_topic.items() if sum(s) / len(s) < STRONG_SCORE)
        return SessionSummary(rows, mean_best, strong, [t for _, t in weak[:3]], list(dict.fromkeys(missed)))
