"""Interview coach: a mock ML interview scored offline against reference answers.

Modules:
    bank        the question bank (``data/questions/``), user-added questions, cached embeddings
    selection   the next question by retrieval over a FAISS index of the bank
    scoring     the answer's score: similarity, key-point coverage, off-topic, structure, guards
    feedback    missed key points with reference excerpts, hints, follow-up, optional LLM critique
    progress    attempts per local profile in SQLite, dashboard queries, CSV export

Command line: ``python -m core.interview score ...`` (see ``core/interview/__main__.py``).
"""

from .bank import LEVELS, TOPIC_TITLES, TOPICS, Bank, Question, load_bank, load_user_questions
from .feedback import Feedback, build_feedback, feedback_text, llm_critique
from .progress import Attempt, ProgressStore
from .scoring import Calibration, KeyPointResult, Scorer, ScoreResult
from .selection import Pick, QuestionSelector

__all__ = [
    "LEVELS",
    "TOPICS",
    "TOPIC_TITLES",
    "Attempt",
    "Bank",
    "Calibration",
    "Feedback",
    "KeyPointResult",
    "Pick",
    "ProgressStore",
    "Question",
    "QuestionSelector",
    "ScoreResult",
    "Scorer",
    "build_feedback",
    "feedback_text",
    "llm_critique",
    "load_bank",
    "load_user_questions",
]
