"""S2b (#9, a real browser run): an answer about something else altogether is flagged with its own message
and no hints about examples; negated statements are not credited as covered; the covered list, the
completeness number and the verdict read one decision. Real scorer (USE embedder, shipped bank and model)."""

from __future__ import annotations

import pytest

from core.i18n import t
from core.interview.bank import default_bank
from core.interview.feedback import build_feedback, shown_covered
from core.interview.scoring import MESSAGES
from scripts.interview_data import EVAL_DIR, read_jsonl
from tests.interview_helpers import scorer

UNRELATED = read_jsonl(EVAL_DIR / "unrelated_dev.jsonl")

# The browser run's answers (U1, issue #9), kept verbatim.
BORSCHT = ("Я люблю готовить борщ: сначала варю бульон на говядине, потом добавляю свёклу, капусту и картошку, а в "
           "конце кладу зелень и сметану. Летом мы ездим на дачу и собираем там смородину.")
HIKING = ("Last weekend I went hiking in the mountains with my friends. We started early, climbed for about five hours, "
          "had a picnic by the lake and came back down before sunset. The weather was great and the views were amazing.")
NEGATED_RU = ("Переобучение — это когда модель недостаточно подстраивается под обучающие данные и на обучении работает "
              "хуже, чем на новых данных. Его видно по тому, что ошибка на обучении и на валидации почти одинаковая. "
              "Бороться помогают меньше данных, отказ от регуляризации, более сложная модель и обучение подольше без "
              "ранней остановки.")
OPS022_EN = ("Data validation checks the model's predictions after deployment, not the incoming data. It checks the "
             "schema and types of the model weights, missing values in the logs and the ranges of the learning rate. "
             "Failing checks never stop the pipeline; they are only written to a report that nobody reads, and tools "
             "such as Great Expectations or TFDV are used to train the model faster.")


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-unrelated-cache")))


def test_unrelated_dev_set_shape():
    bank = default_bank()
    for lang in ("ru", "en"):
        rows = [r for r in UNRELATED if r["lang"] == lang]
        assert len(rows) >= 30
        assert {r["kind"] for r in rows} == {"short", "long"}
        check = [r for r in rows if r["split"] == "check"]
        assert abs(len(check) - len(rows) / 3) <= 1
        assert all(bank.get(r["question_id"]) is not None for r in rows)


@pytest.mark.parametrize(("qid", "lang", "answer"), [("sd-019", "ru", BORSCHT), ("cml-009", "en", HIKING)])
def test_everyday_answer_is_flagged_as_about_something_else(sc, qid, lang, answer):
    bank = default_bank()
    q = bank.get(qid)
    r = sc.score_question(q, answer, lang)
    assert r.flag == "off_topic" and r.features["unrelated"]
    assert r.message == MESSAGES["unrelated"][lang] and r.closest_other is None
    assert r.score <= sc.calibration.off_topic_cap and r.completeness == 0 and r.covered == []
    fb = build_feedback(r, q.ref(lang), lang, q, bank, sc.embedder)
    assert fb.summary == r.message and fb.strengths == []
    assert t("interview_feedback.hint.example", lang) not in fb.hints
    assert t("interview_feedback.hint.definition", lang) not in fb.hints


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_unrelated_check_split_is_detected_and_own_correct_answers_are_not(sc, lang):
    bank = default_bank()
    rows = [r for r in UNRELATED if r["lang"] == lang and r["split"] == "check"]
    hits = [sc.score_question(bank.get(r["question_id"]), r["answer"], lang).features.get("unrelated", False)
            for r in rows]
    assert sum(hits) / len(hits) >= 0.8
    own = [r for r in read_jsonl(EVAL_DIR / "keypoints_dev.jsonl") if r["lang"] == lang and r["kind"] == "correct"]
    flagged = [r["id"] for r in own
               if sc.score_question(bank.get(r["question_id"]), r["answer"], lang).features.get("unrelated")]
    assert flagged == []


def test_negated_statements_are_not_credited(sc):
    q = default_bank().get("cml-001")
    r = sc.score_question(q, NEGATED_RU, "ru")
    by_text = {k.text: k for k in r.key_points}
    for kp in ("модель подстраивается под шум", "разрыв между ошибкой на обучении и валидации"):
        assert not by_text[kp].covered, kp
        assert by_text[kp].contradicted, kp
    assert r.covered == []


def test_covered_list_completeness_and_feedback_agree(sc):
    bank = default_bank()
    q = bank.get("ops-022")
    r = sc.score_question(q, OPS022_EN, "en")
    fb = build_feedback(r, q.ref("en"), "en", q, bank, sc.embedder)
    assert shown_covered(r) == r.covered
    assert {m.key_point for m in fb.missed} == set(r.missed)
    assert set(fb.strengths) == set(r.covered)
    expected = round(100 * sum(k.coverage for k in r.key_points if k.covered) / len(r.key_points))
    assert r.completeness == expected
    assert r.completeness <= 100 * len(r.covered) / len(r.key_points)
    assert len(fb.hints) == len(set(fb.hints))
