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
