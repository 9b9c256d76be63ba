"""K2 (#9): the learned scorer's domain copy (Daumé III 2007; ``core.interview.features.domain_features``).

The bank's questions have written key points (``Analysis.kp_given``), SemEval's and Mohler's do not; a model file
with the copy weighs the 28 features once for all rows and once more for the bank's. The shipped model file has no
copy (the candidate was not adopted: see ``core/interview/model.py``), so the own-words targets are strict xfails
that record the gap. Real offline USE model, the shipped bank and the shipped model file; the own-words answers come
from ``data/interview_eval/ownwords_dev.jsonl``'s check split (never trained on) and U1's browser-run ops-009 answer.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.interview.bank import default_bank
from core.interview.features import (
    DOMAIN_FLAG,
    DOMAIN_NAMES,
    FEATURE_NAMES,
    domain_columns,
    domain_features,
)
from core.interview.model import MODEL_FILE, ScorerModel, load_model
from core.interview.scoring import finalize, learned_features
from tests.interview_helpers import scorer
from tests.test_interview_kp_sem import OPS_009_RU

WRONG_BORROWING_EN = ("Precision is the share of the actual positives that the model finds, TP / (TP + FN), and recall "
                      "is the share of the predicted positives that are correct, TP / (TP + FP); so precision matters "
                      "when missing a positive is expensive.")
"""A wrong answer to met-001 that borrows the reference's words: precision and recall swapped (written for this
test, not in any training file)."""


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-cache-domain")))


def _score(sc, qid: str, lang: str, answer: str):
    return sc.score_question(default_bank().get(qid), answer, lang)


def test_domain_columns_copy_the_features_only_for_the_bank_domain():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, len(FEATURE_NAMES)))
    D = domain_columns(X, np.array([1.0, 0.0, 1.0]))
    assert D.shape == (3, len(DOMAIN_NAMES)) == (3, len(FEATURE_NAMES) + 1)
    assert np.allclose(D[0, :-1], X[0]) and np.allclose(D[1], 0.0) and list(D[:, -1]) == [1.0, 0.0, 1.0]
    feats = dict(zip(FEATURE_NAMES, X[2], strict=True))
    on, off = domain_features(feats, True), domain_features(feats, False)
    assert list(on) == list(DOMAIN_NAMES) and on[DOMAIN_FLAG] == 1.0 and on["dom_sim_ref"] == feats["sim_ref"]
    assert all(v == 0.0 for v in off.values())


def test_bank_questions_are_the_bank_domain_and_derived_key_points_are_not(sc):
    q = default_bank().get("met-001")
    bank = sc.analyse(q.text("en"), q.ref("en"), WRONG_BORROWING_EN, "en", list(q.kps("en")), q.id)
    pasted = sc.analyse(q.text("en"), q.ref("en"), WRONG_BORROWING_EN, "en")  # no key points: derived, flag 0
    assert bank.kp_given and not pasted.kp_given
    r = finalize(bank, sc.calibration, None)
    f = learned_features(bank, float(r.features["contradicted"]), r.structure / 100.0)
    assert f[DOMAIN_FLAG] == 1.0 and all(f[f"dom_{n}"] == f[n] for n in FEATURE_NAMES)


def test_a_model_file_with_the_domain_copy_loads_and_reads_kp_given(tmp_path, sc):
    """A file naming the 28 features and their copy loads; its score of the same answer differs between the bank
    path (kp_given 1) and a pasted question without key points (0), and is the bank half's."""
    d = len(FEATURE_NAMES) + len(DOMAIN_NAMES)
    coef = np.zeros((3, d))
    coef[0, len(FEATURE_NAMES):] = 1.0  # only the bank-domain half speaks
    m = ScorerModel(names=FEATURE_NAMES + DOMAIN_NAMES, mean=np.zeros(d), scale=np.ones(d), coef=coef,
                    intercept=np.zeros(3))
    path = tmp_path / "scorer_model.json"
    path.write_text(json.dumps(m.to_json()), encoding="utf-8")
    loaded = load_model(path)
    assert loaded is not None and loaded.names == FEATURE_NAMES + DOMAIN_NAMES
    q = default_bank().get("met-001")
    bank = sc.analyse(q.text("en"), q.ref("en"), WRONG_BORROWING_EN, "en", list(q.kps("en")), q.id)
    pasted = sc.analyse(q.text("en"), q.ref("en"), WRONG_BORROWING_EN, "en")
    p = {}
    for tag, a in (("bank", bank), ("pasted", pasted)):
        r = finalize(a, sc.calibration, loaded)
        p[tag] = loaded.score(learned_features(a, float(r.features["contradicted"]), r.structure / 100.0))[0]
    assert abs(p["pasted"] - 100 / 3) < 1e-9 and p["bank"] > p["pasted"]  # logits all 0 without the flag: P = 1/3


_GAP = ("K2: the shipped model (no domain copy) scores own-words answers low (ops-009 37 < 49; check split correct "
        "60.7 vs wrong-borrowing 50.7, n=14 each, 2026-12-02); the domain candidate fixed this but passed answers to "
        "other questions, and with hard negatives at 0.1-0.5x (K3) its labelled OOF Spearman fell below the "
        "rule's (0.656-0.678 vs 0.763 - 0.03), so it was not adopted")


@pytest.mark.xfail(strict=True, reason=_GAP)
def test_ops_009_own_words_answer_passes(sc):
    """U1's complete RU answer in his own words (every key point covered by meaning) scored 37 before K2."""
    r = _score(sc, "ops-009", "ru", OPS_009_RU)
    assert not r.flag and r.score >= load_model().threshold_2way


def test_a_wrong_answer_in_the_reference_words_fails(sc):
    r = _score(sc, "met-001", "en", WRONG_BORROWING_EN)
    assert r.score < load_model().threshold_2way


@pytest.mark.xfail(strict=True, reason=_GAP)
def test_check_split_own_words_beat_borrowed_wrong_answers(sc):
    """ownwords_dev.jsonl check split (7 questions never trained on, RU+EN): each question's correct answers in
    one's own words score above its wrong answers that borrow the reference's words, on average."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "interview_eval" / "ownwords_dev.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if r["split"] == "check" and r["kind"] in ("correct", "wrong")]
    s = {k: [_score(sc, r["question_id"], r["lang"], r["answer"]).score for r in rows if r["kind"] == k]
         for k in ("correct", "wrong")}
    assert len(s["correct"]) == len(s["wrong"]) == 14
    assert np.mean(s["correct"]) >= load_model().threshold_2way > np.mean(s["wrong"])


def test_a_28_feature_model_file_still_loads_and_scores_as_before(tmp_path, sc):
    """A model file from before K2 (names = the 28 features) loads; the domain keys the app now adds are ignored."""
    rng = np.random.default_rng(1)
    d = len(FEATURE_NAMES)
    old = ScorerModel(names=FEATURE_NAMES, mean=np.zeros(d), scale=np.ones(d), coef=rng.normal(size=(3, d)),
                      intercept=np.zeros(3), threshold_2way=49.0)
    path = tmp_path / "scorer_model.json"
    path.write_text(json.dumps(old.to_json()), encoding="utf-8")
    loaded = load_model(path)
    assert loaded is not None and loaded.names == FEATURE_NAMES
    q = default_bank().get("met-001")
    a = sc.analyse(q.text("en"), q.ref("en"), WRONG_BORROWING_EN, "en", list(q.kps("en")), q.id)
    r = finalize(a, sc.calibration, None)
    f = learned_features(a, float(r.features["contradicted"]), r.structure / 100.0)
    plain = {n: f[n] for n in FEATURE_NAMES}
    assert set(DOMAIN_NAMES) <= set(f)
    assert loaded.score(f) == loaded.score(plain)


def test_a_model_file_with_unknown_features_is_refused(tmp_path):
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    raw["names"] = [*raw["names"][:-1], "no_such_feature"]
    path = tmp_path / "scorer_model.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_model(path) is None  # the scorer then falls back to its formula rather than misread columns
