"""Next-question choice: filters, no repeats, weak key points, a job description shifts the topic mix."""

from __future__ import annotations

from collections import Counter

import pytest

from core.embeddings import get_embedder
from core.interview.bank import default_bank
from core.interview.selection import QuestionSelector


@pytest.fixture(scope="module")
def selector():
    return QuestionSelector(default_bank(), get_embedder())


def test_filters_and_never_repeats_until_exhausted(selector):
    asked: list[str] = []
    pool = [q for q in default_bank().questions if q.topic == "nlp" and q.level == "senior"]
    for i in range(len(pool)):
        pick = selector.next_question("ru", ["nlp"], ["senior"], asked, seed=i)
        assert pick.question.topic == "nlp" and pick.question.level == "senior"
        assert pick.question.id not in asked
        asked.append(pick.question.id)
    assert selector.next_question("ru", ["nlp"], ["senior"], asked, seed=99) is None
    assert sorted(asked) == sorted(q.id for q in pool)


def test_weak_key_points_pull_matching_questions(selector):
    hits = 0
    for seed in range(6):
        pick = selector.next_question("en", ["classic_ml"], None, [], weak_key_points=[
            "L1 gives sparse weights and feature selection", "L2 shrinks weights without zeroing them"], seed=seed)
        hits += pick.question.id in {"cml-003", "cml-022"}
    assert hits >= 5
    assert "weak point" in pick.reason


def test_job_description_shifts_the_topic_mix(selector):
    topics = ["classic_ml", "nlp", "computer_vision", "recsys", "stats_ab"]
    jd = ("We are hiring an NLP engineer to build retrieval-augmented generation over documents. "
          "You will fine-tune BERT-like transformers, train sentence embeddings for semantic search, "
          "and evaluate LLM answers for hallucinations. Experience with tokenization and BM25 is a plus.")
    mix = selector.topic_mix(jd, "ru", topics)
    assert abs(sum(mix.values()) - 1) < 1e-6
    assert max(mix, key=mix.get) == "nlp" and mix["nlp"] > 0.4
    assert selector.topic_mix("", "ru", topics) == {t: 0.2 for t in topics}
    counts = Counter(selector.next_question("ru", topics, None, [], profile_text=jd, seed=s).question.topic
                     for s in range(20))
    assert counts["nlp"] >= 8
