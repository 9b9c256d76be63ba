"""The #9b latency work must not change a single score: the memoised scorer (question-side
vectors kept between answers, answer-side texts deduplicated in one embedder call, cached
stems, antonym sides and bank digest) gives the same features and P(correct) as the pre-#9b
path that embeds every text on every call. Real offline USE model, the shipped bank."""

from __future__ import annotations

import numpy as np
import pytest

from core.embeddings import get_embedder
from core.interview.bank import default_bank
from core.interview.scoring import Scorer, learned_features

# Fixed answers across the score bands, RU and EN, one and several sentences.
BANK_ANSWERS = [
    ("en", "Overfitting is when a model memorises the training data, noise included, so it does well on the "
           "training set but badly on new data. Regularisation, more data or early stopping help."),
    ("en", "It is when the model is too simple."),
    ("ru", "Переобучение — это когда модель запоминает обучающие данные вместе с шумом и плохо обобщает на новые. "
           "Помогают регуляризация, больше данных и ранняя остановка."),
    ("ru", "Не знаю точно, но это что-то про скорость обучения."),
]
FREE_ITEMS = [  # a question outside the bank: reference, question and key points embedded by the scorer
    ("What is a leaf of a tree?", "A leaf is a node with no children.", "A node that has no children."),
    ("What is a leaf of a tree?", "A leaf is a node with no children.", "A leaf is a node with children."),
    ("What does a stack do?", "A stack stores items last in, first out: push adds on top, pop removes the top.",
     "Last in first out; push puts an element on top and pop takes the top one off."),
]


def _values(sc: Scorer, a) -> tuple[np.ndarray, float]:
    feats = learned_features(a, 0.0, 0.0)
    vec = np.array([feats[k] for k in sorted(feats)])
    p = float(sc.model.proba(sc.model.vector(feats))[0]) if sc.model is not None else 0.0
    return vec, p


@pytest.fixture(scope="module")
def scorers(tmp_path_factory):
    emb, bank = get_embedder(), default_bank()
    cache = tmp_path_factory.mktemp("iv-cache-latency")
    return Scorer(emb, bank, cache, memo_texts=0), Scorer(emb, bank, cache)


def _q_for(bank, lang):
    return next(q for q in bank.questions if lang in q.langs and "overfit" in q.ref("en").lower())


def test_memoised_scorer_gives_identical_scores(scorers):
    plain, fast = scorers
    bank = fast.bank
    checked = 0
    for _rep in range(2):  # the second pass reads every question-side vector from the memo
        for lang, answer in BANK_ANSWERS:
            q = _q_for(bank, lang)
            args = (q.text(lang), q.ref(lang), answer, lang, list(q.kps(lang)), q.id)
            a0, a1 = plain.analyse(*args), fast.analyse(*args)
            assert a0.flag == a1.flag
            if a0.flag:
                continue
            v0, p0 = _values(plain, a0)
            v1, p1 = _values(fast, a1)
            assert np.max(np.abs(v0 - v1)) < 1e-6 and abs(p0 - p1) < 1e-6
            assert plain.score_question(q, answer, lang).score == fast.score_question(q, answer, lang).score
            checked += 1
        for question, reference, answer in FREE_ITEMS:
            a0 = plain.analyse(question, reference, answer, "en")
            a1 = fast.analyse(question, reference, answer, "en")
            assert not a0.flag and not a1.flag
            v0, p0 = _values(plain, a0)
            v1, p1 = _values(fast, a1)
            assert np.max(np.abs(v0 - v1)) < 1e-6 and abs(p0 - p1) < 1e-6
            assert abs(a0.sim_other - a1.sim_other) < 1e-6
            assert plain.score(question, reference, answer, "en").to_dict()["key_points"] == \
                fast.score(question, reference, answer, "en").to_dict()["key_points"]
            checked += 1
    assert checked >= 12
    # The question-side texts of the free items are now memoised (and bounded).
    assert FREE_ITEMS[0][1] in fast._memo and len(fast._memo) <= fast.memo_texts


def test_memo_is_bounded():
    emb = get_embedder()
    sc = Scorer(emb, None, None, memo_texts=3)
    for i in range(4):
        sc.score(f"What is item number {i}?", f"Item {i} is a thing with {i} parts.", "A thing with parts.", "en")
    assert len(sc._memo) == 3
