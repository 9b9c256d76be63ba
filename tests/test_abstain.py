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


# The LLM answerability check (#8 round 3), against the fake OpenAI-compatible server.

def _steered(verdict: str, answer: str):
    """Reply ``verdict`` to the answerability check and ``answer`` to the answer prompt."""
    from core.prompts import READER_ANSWERABLE_SYSTEM

    return lambda body: verdict if body["messages"][0]["content"] == READER_ANSWERABLE_SYSTEM else answer


def _client(server, timeout_s: float = 5.0):
    from core.llm import LLMClient

    return LLMClient(base_url=server.base_url, model="fake-model", timeout_s=timeout_s)


ANSWER_P2 = "The re-ranker was fine-tuned on a TPU v3-8 for 100k iterations, about 30 hours [p. 2]."
OFFLINE_ABSTAINS = "How long does fine-tuning take?"  # the paper says "approximately 30 hours" (p. 2)


def test_llm_no_overrides_an_offline_answer(doc, embedder):
    from tests.fake_llm import FakeLLMServer

    assert not answer_question(doc, ANSWERED["en"], embedder, threshold=(None, None)).abstained
    with FakeLLMServer(_steered("NO", "never asked")) as server:
        answer = answer_question(doc, ANSWERED["en"], embedder, threshold=(None, None), llm=_client(server))
    assert answer.abstained and answer.mode == "llm" and not answer.citations
    assert len(server.requests) == 1  # no answer call after a NO
    body = server.requests[0]["body"]
    assert body["max_tokens"] <= 10 and '<passage page="' in body["messages"][1]["content"]
    assert ANSWERED["en"] in body["messages"][1]["content"]


def test_llm_yes_answers_what_the_offline_gate_abstained_on(doc, embedder):
    from tests.fake_llm import FakeLLMServer

    assert answer_question(doc, OFFLINE_ABSTAINS, embedder, threshold=(None, None)).abstained
    with FakeLLMServer(_steered("Yes.", ANSWER_P2)) as server:
        answer = answer_question(doc, OFFLINE_ABSTAINS, embedder, threshold=(None, None), llm=_client(server))
    assert len(server.requests) == 2
    assert not answer.abstained and answer.mode == "llm" and [c.page for c in answer.citations] == [2]


@pytest.mark.parametrize("server_kwargs", [{"status": 500}, {"delay_s": 1.5}])
def test_failed_check_keeps_the_offline_decision_and_says_so(doc, embedder, server_kwargs):
    from tests.fake_llm import FakeLLMServer

    with FakeLLMServer(_steered("YES", ANSWER_P2), **server_kwargs) as server:
        answer = answer_question(doc, OFFLINE_ABSTAINS, embedder, threshold=(None, None),
                                 llm=_client(server, timeout_s=0.5))
    assert answer.abstained and answer.mode == "extractive"  # offline: abstain
    assert "answerability check failed" in answer.notice and "offline decision" in answer.notice


def test_unclear_check_reply_keeps_the_offline_decision(doc, embedder):
    from tests.fake_llm import FakeLLMServer

    with FakeLLMServer(_steered("Maybe, partly.", ANSWER_P2)) as server:
        answer = answer_question(doc, ANSWERED["en"], embedder, threshold=(None, None), llm=_client(server))
    assert not answer.abstained and answer.mode == "llm"  # offline said answerable; the LLM then answered
    assert "no YES or NO" in answer.notice


def test_check_timeout_is_capped(monkeypatch):
    from core.llm import LLMClient

    seen = {}

    def chat(self, messages, max_tokens=800):
        seen["timeout"] = self.timeout_s
        return "ДА"

    monkeypatch.setattr(LLMClient, "chat", chat)
    client = LLMClient(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=60.0)
    assert abstain.llm_answerable("q", "<passage page=\"1\">x</passage>", client) == (True, "")
    assert seen["timeout"] == abstain.LLM_CHECK_TIMEOUT_S and client.timeout_s == 60.0
