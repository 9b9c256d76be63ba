"""The learned scorer: features, guards that spare short technical answers, wrong-language
detection, general negation/antonym contradictions in RU and EN, and feedback that agrees
with the score. Real offline USE model; the saved model file."""

from __future__ import annotations

import numpy as np
import pytest

from core.interview.bank import default_bank
from core.interview.features import FEATURE_NAMES, antonym_conflicts, demote, has_negation
from core.interview.feedback import build_feedback, verdict
from core.interview.model import CLASSES, load_model
from core.interview.scoring import finalize, guard_answer
from tests.interview_helpers import scorer


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-cache-learned")))


def test_model_file_loads_and_gives_probabilities():
    model = load_model()
    assert model is not None, "core/interview/scorer_model.json is missing or broken"
    assert set(model.names) <= set(FEATURE_NAMES)
    assert 0 < model.threshold_2way < 100
    p = model.proba(np.zeros((2, len(model.names))) + model.mean)
    assert p.shape == (2, len(CLASSES)) and np.allclose(p.sum(axis=1), 1.0)
    assert "SemEval" in model.meta["data"]


@pytest.mark.parametrize("answer", ["O(n)", "O(n log n)", "infinite", "a[i] = *(a+i)", "LIFO",
                                    "push, pop, push, pop", "x->next", "42", "2^n - 1"])
def test_short_technical_answers_are_not_gibberish(answer):
    vocab = frozenset({"array", "pointer", "complex"})
    assert guard_answer(answer, "en", vocab) == ""


@pytest.mark.parametrize("answer,lang", [
    ("Die Wurzel ist der einzige Knoten ohne Elternknoten im Baum.", "en"),
    ("Überanpassung bedeutet, dass das Modell die Trainingsdaten auswendig lernt.", "en"),
    ("过拟合是指模型在训练数据上表现很好，但在新数据上表现很差。", "en"),
    ("过拟合是指模型在训练数据上表现很好，但在新数据上表现很差。", "ru"),
    ("Overfitting means the model memorises the noise of the training data.", "ru"),
    ("Переобучение — это когда модель запоминает шум обучающей выборки.", "en"),
])
def test_wrong_language_is_flagged_not_called_gibberish(answer, lang):
    assert guard_answer(answer, lang, frozenset({"root", "node"})) == "wrong_language"


@pytest.mark.parametrize("answer", ["asdfgh qwrtzx zxcvbnm", "bla bla bla bla", "!!!! ???? %%%%", "ыыыыыы ааааа ооооо"])
def test_real_gibberish_still_scores_zero(sc, answer):
    q = default_bank().get("cml-001")
    r = sc.score_question(q, answer, "en")
    assert r.score == 0 and r.flag in ("gibberish", "wrong_language")


def test_general_antonyms_and_negation_ru_en():
    assert antonym_conflicts("the bulbs are in parallel", "the bulbs are in series")[0] == 1
    assert antonym_conflicts("лампочки соединены параллельно", "лампочки соединены последовательно")[0] == 1
    assert antonym_conflicts("the more blocks, the less distance", "the more blocks, the less distance")[0] == 0
    assert antonym_conflicts("с грузом путь уменьшается", "с грузом путь увеличивается")[0] == 1
    assert has_negation("the battery is not in a closed path") and has_negation("батарея не в замкнутом пути")
    assert not has_negation("the battery is in a closed path")
    demoted = demote("a leaf is a node with no children", "What is a leaf?").split()
    assert "leaf" not in demoted and "children" in demoted and "node" in demoted


@pytest.mark.parametrize("lang,question,reference,good,wrong", [
    ("en", "What is a leaf in a tree?", "A leaf is a node that has no children.",
     "A leaf is a node without any child nodes, at the bottom of the tree.",
     "A leaf is a node with children."),
    ("ru", "Что такое лист дерева?", "Лист — это узел, у которого нет потомков.",
     "Лист — это узел без дочерних узлов, самый нижний в дереве.",
     "Лист — это узел, у которого есть потомки."),
])
def test_wrong_answer_reusing_reference_words_scores_below_paraphrase(sc, lang, question, reference, good, wrong):
    rg = sc.score(question, reference, good, lang)
    rw = sc.score(question, reference, wrong, lang)
    assert not rg.flag and rg.score > rw.score + 10
    assert rw.score < 60


def test_russian_paraphrase_scores_like_english(sc):
    q = default_bank().get("cml-001")
    en = ("Overfitting is when the model learns the noise of the training set: training error is low but error on "
          "new data is high. You notice it by the gap between training and validation error, and you fight it with "
          "more data, regularization, a simpler model or early stopping.")
    ru = ("Переобучение — это когда модель выучивает шум обучающей выборки: ошибка на обучении маленькая, а на "
          "новых данных большая. Заметить его можно по разрыву между ошибкой на обучении и на валидации, а бороться "
          "— больше данных, регуляризация, модель попроще или ранняя остановка.")
    r_en, r_ru = sc.score_question(q, en, "en"), sc.score_question(q, ru, "ru")
    assert not r_en.flag and not r_ru.flag
    assert r_ru.score >= 60 and abs(r_ru.score - r_en.score) <= 20


def test_feedback_agrees_with_score(sc):
    bank = default_bank()
    q = bank.get("cml-003")
    other = bank.get("mv-001") or next(x for x in bank.questions if x.topic != q.topic)
    off = sc.score_question(q, other.ref("en"), "en")
    assert off.flag == "off_topic"
    fb = build_feedback(off, q.ref("en"), "en", q, bank, sc.embedder)
    assert fb.strengths == [] and fb.summary == off.message
    assert fb.missed and any(m.excerpt in h for m in fb.missed for h in fb.hints)
    good = sc.score_question(q, "L1 adds the sum of absolute weights and zeroes many of them (sparse model); "
                                "L2 adds squared weights and shrinks them smoothly without zeroing.", "en")
    fb2 = build_feedback(good, q.ref("en"), "en", q, bank, sc.embedder)
    assert fb2.summary == verdict(good.score, "en")
    if fb2.missed:
        assert fb2.missed[0].key_point in fb2.follow_up


def test_alternative_references_pick_the_closest_and_spare_the_paraphrase(sc):
    """A correct answer that matches a question's second reference (SemEval Beetle gives several) is
    scored against that one: higher than against the first alone, and not flagged off-topic."""
    question = "What does a voltage reading of 1.5 tell you about the terminals?"
    refs = ["the bulb is damaged", "the terminals are not connected", "there is a gap between the terminals"]
    answer = "They are not connected to each other anymore."
    one = sc.analyse(question, refs[0], answer, "en")
    many = sc.analyse(question, refs[0], answer, "en", alt_references=refs)
    assert many.reference == refs[1] and one.reference == refs[0]
    assert many.sim_ref > one.sim_ref + 0.1
    # another question whose reference equals one of ours must not make the answer off-topic
    dis = sc.embedder.embed(["the terminals are not connected", "the battery is in a closed path"])
    r = sc.score(question, refs[0], answer, "en", distractors=dis, distractor_ids=["q2", "q3"])
    r_many = finalize(sc.analyse(question, refs[0], answer, "en", distractors=dis, distractor_ids=["q2", "q3"],
                                 alt_references=refs), sc.calibration, sc.model)
    assert not r_many.off_topic and r_many.score > r.score


def test_blend_rule_keeps_the_simpler_model_on_a_tie_and_takes_a_real_gain():
    """The #9c rule of scripts/train_interview_scorer.choose_variant: a blend that grouped CV cannot tell from
    LR alone loses to it (unless the paraphrase check favours it by PARA_TIE_POINTS), a clearly better one wins."""
    from scripts.train_interview_scorer import BOOST_W_GRID, PARA_TIE_POINTS, choose_variant

    rng = np.random.default_rng(0)
    n = 2000
    gold = rng.random(n) < 0.5
    groups = np.array([f"q{i % 100}" for i in range(n)])
    sem = np.ones(n, dtype=bool)
    sem[:100] = False
    Y = np.c_[gold, ~gold, np.zeros(n)].astype(float)
    noisy = np.clip(gold * 0.3 + rng.random(n) * 0.7, 0, 1)  # LR: a weak signal
    P_lr = np.c_[noisy, 1 - noisy, np.zeros(n)]
    flat = {w: 50.0 for w in BOOST_W_GRID}
    w, rec = choose_variant(P_lr, noisy.copy(), Y, sem, gold.astype(int), groups, flat)
    assert w == 0.0 and rec["0.0"]["tied_with_best"]  # identical trees: a tie, the simpler model
    favour = {**flat, 0.25: 50.0 + PARA_TIE_POINTS}
    assert choose_variant(P_lr, noisy.copy(), Y, sem, gold.astype(int), groups, favour)[0] == 0.25
    sharp = np.clip(gold * 0.8 + rng.random(n) * 0.2, 0, 1)  # trees: a much better signal
    w, rec = choose_variant(P_lr, sharp, Y, sem, gold.astype(int), groups, flat)
    assert w > 0 and not rec["0.0"]["tied_with_best"]


def test_shipped_model_is_the_logistic_regression_and_old_blends_are_refused():
    import json

    from core.interview.model import MODEL_FILE, ScorerModel

    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert raw["trained_on"]["boost_weight"] == 0.0 and "boost" not in raw
    assert raw["trained_on"]["paraphrase_check"]["n"] >= 20
    worst = max(v["flagged"] for k, v in raw["trained_on"]["guard_heldout_false_flags"].items() if k != "labelled")
    assert worst <= 0.01  # the fitting rule, on held-out judgements
    with pytest.raises(ValueError):
        ScorerModel.from_json(dict(raw, boost={"baseline": 0.0, "trees": []}, boost_weight=0.5))


def test_short_correct_answers_in_own_words_are_not_failed(sc):
    """#9d: the 20 short correct paraphrases of data/interview_eval/paraphrase_check.jsonl (not trained on)
    are scored, not flagged, and more of them reach the 2-way pass mark than before #9d
    (10 of 20, mean 41)."""
    import json
    from pathlib import Path

    bank, model = default_bank(), load_model()
    path = Path(__file__).resolve().parent.parent / "data" / "interview_eval" / "paraphrase_check.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    res = [(it["lang"], sc.score_question(bank.get(it["question_id"]), it["answer"], it["lang"])) for it in rows]
    assert not [r.flag for _, r in res if r.flag]
    passed = [r.score >= model.threshold_2way for _, r in res]
    assert sum(passed) > 10, [r.score for _, r in res]  # more than the pre-#9d model's 10 of 20
    assert np.mean([r.score for _, r in res]) >= 45  # pre-#9d: 41.3
    en, ru = (np.mean([r.score for lg, r in res if lg == x]) for x in ("en", "ru"))
    assert abs(en - ru) <= 10, (en, ru)
