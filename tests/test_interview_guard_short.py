"""G (#9): guards that do not punish short correct answers, and still flag real off-topic ones.

Real offline USE model, the shipped bank, model file and calibration (``guard_*`` values chosen by
``scripts/tune_guard_transfer.py``); our own answers from ``data/interview_eval``."""

from __future__ import annotations

import pytest

from core.interview.bank import default_bank
from core.interview.scoring import Calibration, guard_answer, guard_exemption
from scripts.interview_data import EVAL_DIR, read_jsonl
from tests.interview_helpers import scorer

SHORT = read_jsonl(EVAL_DIR / "short_answers_dev.jsonl")


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-guard-short")))


@pytest.mark.parametrize(("answer", "lang"), [
    ("skip connections: y = F(x) + x", "en"), ("skip-соединения: y = F(x) + x", "ru"), ("one forward pass", "en"),
    ("TP / (TP + FP) и TP / (TP + FN)", "ru"), ("P(score(pos) > score(neg))", "ru"),
])
def test_notation_and_skip_words_inside_an_answer_are_answers(answer, lang):
    assert guard_answer(answer, lang, frozenset({"connect", "pass"})) == ""


@pytest.mark.parametrize(("answer", "lang"), [("skip", "en"), ("I pass", "en"), ("skip this question please", "en"),
                                              ("пропускаю этот вопрос", "ru")])
def test_a_bare_skip_is_still_a_refusal(answer, lang):
    assert guard_answer(answer, lang) == "idk"


def test_an_english_sentence_in_a_russian_interview_is_still_wrong_language():
    assert guard_answer("Precision is the share of predicted positives that are really positive.", "ru") == "wrong_language"


def test_shipped_calibration_has_the_exemptions():
    cal = Calibration.load()
    assert cal.guard_min_stems >= 2 and cal.guard_lex_own <= 1.0


@pytest.mark.parametrize("answer", ["LIFO", "infinite", "the root", "42"])
def test_too_short_to_judge_is_not_off_topic(sc, answer):
    # the bench's short technical answers, asked without the bank: the subject test used to cap them at 10
    a = sc.analyse("What is the time complexity of binary search?", "O(log n)", answer, "en")
    assert guard_exemption(a, sc.calibration) == "short"
    r = sc.score("What is the time complexity of binary search?", "O(log n)", answer, "en")
    assert r.flag == "" and not r.off_topic


@pytest.mark.parametrize("split", ["dev", "check"])
def test_short_correct_answers_are_never_flagged(sc, split):
    bank = default_bank()
    rows = [r for r in SHORT if r["split"] == split]
    assert len(rows) >= 16 and {r["lang"] for r in rows} == {"ru", "en"}
    flagged = [(r["id"], res.flag) for r in rows
               if (res := sc.score_question(bank.get(r["question_id"]), r["answer"], r["lang"])).flag]
    assert flagged == []


def test_correct_answers_to_another_question_are_still_off_topic(sc):
    # labelled.jsonl's off-topic rows: a correct answer to a different bank question (measured 21 of 22 flagged)
    bank = default_bank()
    rows = [r for r in read_jsonl(EVAL_DIR / "labelled.jsonl") if r["kind"] == "offtopic"]
    res = [sc.score_question(bank.get(r["question_id"]), r["answer"], r["lang"]) for r in rows]
    assert sum(r.flag == "off_topic" for r in res) / len(res) >= 0.9
    assert all(r.score <= sc.calibration.off_topic_cap for r in res if r.flag == "off_topic")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_real_answer_to_another_question_is_flagged(sc, lang):
    bank = default_bank()
    l1l2 = bank.get("cml-003").ref(lang)  # the L1/L2 reference, answered to the p-value question
    r = sc.score_question(bank.get("stat-001"), l1l2, lang)
    assert r.flag == "off_topic" and r.features["guard_exempt"] == "" and r.score <= sc.calibration.off_topic_cap
