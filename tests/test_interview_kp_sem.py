"""S3 (#9): the semantic key-point route as features of the learned model (``semantic_kp_features``): computed
without the route's score gate, they agree with the coverage the app shows, respect the negation cues, and reach
the model through ``learned_features``. Real offline USE model, the shipped bank and our key-point set."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.interview.bank import default_bank
from core.interview.scoring import (
    KP_SEM_NAMES,
    Analysis,
    Calibration,
    finalize,
    learned_features,
    semantic_kp_features,
)
from scripts.eval_keypoints import KP_FILE
from scripts.interview_data import read_jsonl
from tests.interview_helpers import scorer

OPS_009_RU = ("Можно обновлять модель регулярно, скажем раз в неделю, если данные меняются медленно. Другой вариант — "
              "запускать обучение заново, когда мониторинг показывает, что метрики просели или распределение входных "
              "данных заметно сдвинулось. Чтобы понять, как часто это нужно, я бы прогнал модель на старых данных и "
              "посмотрел, через сколько времени она начинает ошибаться. Сам процесс делаю автоматическим, и перед "
              "выкаткой сравниваю новую версию со старой.")
"""The browser run's (U1) complete RU answer to ops-009 in the user's own words (all 5 key points covered by
meaning; score 37 with S1's model)."""


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-kp-sem-cache")))


def _analyse(sc, qid: str, lang: str, answer: str) -> Analysis:
    q = default_bank().get(qid)
    return sc.analyse(q.text(lang), q.ref(lang), answer, lang, list(q.kps(lang)), qid)


def test_ops_009_own_words_answer_covers_every_key_point(sc):
    a = _analyse(sc, "ops-009", "ru", OPS_009_RU)
    f = semantic_kp_features(a, Calibration.load())
    assert set(f) == set(KP_SEM_NAMES)
    assert f["kp_sem_share"] == 1.0 and f["kp_sem_min"] >= 0.0 and f["kp_sem_max"] >= f["kp_sem_min"]
    assert {k: f[k] for k in KP_SEM_NAMES} == {k: learned_features(a, 0.0, 0.5, kp_sem=True)[k] for k in KP_SEM_NAMES}


def test_features_ignore_the_gate_and_agree_with_the_shown_coverage(sc):
    """On the check split of keypoints_dev.jsonl: with the gate closed (score 100 needed) nothing is covered by
    meaning, yet the features are unchanged; with the shipped gate every point covered by meaning counts."""
    cal = Calibration.load()
    closed = replace(cal, kp_gate_score=101.0)
    bank = default_bank()
    rows = [r for r in read_jsonl(KP_FILE) if r["split"] == "check"][:24]
    seen_by_meaning = 0
    for r in rows:
        a = _analyse(sc, r["question_id"], r["lang"], r["answer"])
        if a.flag:
            continue
        f = semantic_kp_features(a, cal)
        assert semantic_kp_features(a, closed) == f
        assert not any(k.by_meaning for k in finalize(a, closed).key_points)
        res = finalize(a, cal)
        by_meaning = sum(k.by_meaning for k in res.key_points)
        seen_by_meaning += by_meaning
        n_kp = len(bank.get(r["question_id"]).kps(r["lang"]))
        assert f["kp_sem_share"] * n_kp >= by_meaning - 1e-9
        assert 0.0 <= f["kp_sem_share"] <= 1.0 and f["kp_sem_min"] <= f["kp_sem_max"]
    assert seen_by_meaning > 0  # the comparison was not vacuous


def test_negated_answer_covers_fewer_points_than_the_correct_one(sc):
    """keypoints_dev check rows of cml-001: the negated EN answer ("does not fit the noise", "errors are almost the
    same") states fewer key points by meaning than the correct one (0.75 vs 1.0 measured; the RU pair ties at
    0.75, reported by S3)."""
    cal = Calibration.load()
    rows = {r["id"]: r for r in read_jsonl(KP_FILE)}
    neg, good = (semantic_kp_features(_analyse(sc, "cml-001", "en", rows[i]["answer"]), cal)
                 for i in ("kp-en-neg-07", "kp-en-071"))
    assert good["kp_sem_share"] == 1.0
    assert neg["kp_sem_share"] < good["kp_sem_share"] and neg["kp_sem_min"] < 0.0 <= good["kp_sem_min"]


def test_no_key_points_gives_zeros():
    a = Analysis(flag="", lang="en", answer="x")
    assert semantic_kp_features(a, Calibration()) == dict.fromkeys(KP_SEM_NAMES, 0.0)
