"""Abstention (#8a): the calibrated model on a real QASPER dev paper, EN and RU questions, the
fallback to the old rule, a broken model file, threshold overrides."""

from __future__ import annotations

import json

import pytest

from core.embeddings import get_embedder
from core.reader import abstain
from core.reader.documents import open_document
from core.reader.qa import answer_question, find_evidence

PAPER = "1901.04085.pdf"  # Nogueira & Cho, Passage re-ranking with BERT (5 pages)
# Questions written for this test, not in the calibration data.
ANSWERED = {
    "en": "Which pretrained model is used as the re-ranker?",
    "ru": "Какая предобученная модель используется для переранжирования?",
}
UNANSWERED = {
    "en": "Which GPU cluster did they rent for the experiments?",
    "ru": "Какой кластер видеокарт они арендовали для экспериментов?",
}


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def doc(shared_data, embedder, tmp_path_factory):
    path = shared_data / "qasper_dev" / "papers" / PAPER
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return open_document(path.read_bytes(), embedder, tmp_path_factory.mktemp("idx"))


def test_shipped_model_loads_with_dev_provenance():
    model = abstain.get_model()
    assert model is not None, "core/reader/abstain_model.json is missing or unreadable"
    assert model.features == abstain.FEATURES
    assert 0 < model.threshold(False) < 1 and 0 < model.threshold(True) < 1
    assert "dev only" in model.provenance["data"] and model.provenance["n_items"] >= 300


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_answers_what_the_paper_says(doc, embedder, lang):
    answer = answer_question(doc, ANSWERED[lang], embedder, threshold=(None, None))
    assert not answer.abstained
    assert answer.citations and answer.citations[0].page >= 1
    assert 0 < answer.evidence <= 1  # P(answerable), not the old evidence score


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_abstains_on_what_the_paper_does_not_say(doc, embedder, lang):
    answer = answer_question(doc, UNANSWERED[lang], embedder, threshold=(None, None))
    assert answer.abstained and not answer.citations
    assert answer.lang == lang


def test_features_tell_the_two_apart(doc, embedder):
    feats = {k: abstain.answer_features(doc, q, find_evidence(doc, q, embedder))
             for k, q in (("yes", ANSWERED["en"]), ("no", UNANSWERED["en"]))}
    assert set(feats["yes"]) == set(abstain.CANDIDATES)
    assert feats["no"]["missing_terms"] > feats["yes"]["missing_terms"]  # "GPU", "cluster", "rent"
    assert feats["yes"]["top3_terms"] > feats["no"]["top3_terms"]


def test_fallback_to_the_old_rule_without_the_model_file(doc, embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(abstain, "MODEL_PATH", tmp_path / "missing.json")
    assert abstain.get_model() is None
    for lang, q in (*ANSWERED.items(), *UNANSWERED.items()):
        ev = find_evidence(doc, q, embedder)
        expected = abstain.rule_score(ev) < abstain.FALLBACK_THRESHOLDS[1 if ev.cross_lingual else 0]
        assert abstain.should_abstain(doc, ev, (None, None)) is expected, (lang, q)
        assert ev.answerable_p is None and ev.confidence == pytest.approx(abstain.rule_score(ev))
    assert not answer_question(doc, ANSWERED["en"], embedder, threshold=(None, None)).abstained


@pytest.mark.parametrize("content", ["{not json", json.dumps({"features": ["no_such_feature"], "mean": [0],
                                                            "scale": [1], "coef": [1], "intercept": 0,
                                                            "thresholds": {"same": 0.5, "cross": 0.5}})])
def test_a_broken_model_file_is_ignored(tmp_path, content):
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    assert abstain.get_model(path) is None


def test_threshold_overrides(doc, embedder):
    ev = find_evidence(doc, ANSWERED["en"], embedder)
    assert not abstain.should_abstain(doc, ev, -10.0)  # benchmarks: abstention off ...
    assert ev.answerable_p is not None and 0 < ev.confidence < 1  # ... but P(answerable) is recorded
    assert abstain.should_abstain(doc, ev, 0.999)
    assert not abstain.should_abstain(doc, ev, (0.0, 0.999))  # EN question on an EN paper: the first


# Round 3 (#8) candidate features: computed for every question (the calibration script reports
# them), not inputs of the shipped model. Questions written for this test, not in the dev sets.

def test_focus_word_of_the_question():
    assert abstain._focus("How many parameters does the DMN+ model have?", "en", False) == {"paramet"}
    assert abstain._focus("What GPU was used to train the model?", "en", False) == {"gpu"}
    assert abstain._focus("Сколько параметров у модели?", "en", True) == {"paramet"}  # via the glossary
    assert abstain._focus("Is the code available?", "en", False) == set()  # yes/no: no focus


def test_answer_type_features_on_the_paper(doc, embedder):
    def feats(q):
        return abstain.answer_features(doc, q, find_evidence(doc, q, embedder))

    # The paper names its TPU and "approximately 30 hours" of fine-tuning (p. 2), no GPU cluster.
    assert feats("Which GPU cluster did they rent for the experiments?")["typed_missing"] == 1.0
    assert feats("How long does fine-tuning take?")["typed_missing"] == 0.0
    assert feats("How long does fine-tuning take?")["typed_absent"] == 0.0
    # "6,800 queries" (p. 2) holds a digit and the focus word; nothing counts the re-ranker's layers.
    assert feats("How many queries does the MS MARCO evaluation set have?")["count_focus_missing"] == 0.0
    assert feats("How many layers does the re-ranker have?")["count_focus_missing"] == 1.0
    f = feats(ANSWERED["en"])
    assert 0.0 <= f["near_idf_terms"] <= 1.0 and f["gap5"] >= 0.0
    assert f["typed_missing"] == f["count_focus_missing"] == 0.0  # no answer type asked


def test_typed_dev_questions_are_answerable_with_pages():
    from scripts.calibrate_abstention import TYPED

    rows = [json.loads(line) for line in TYPED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 15
    assert all(r["answerable"] and r["pages"] and r["question_ru"] and len(r["evidence_quote"]) > 10 for r in rows)
