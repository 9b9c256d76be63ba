"""Typed questions (issue #8): answer-type detection (EN + RU), the type bonuses' sentence tests, the
unit-mismatch refusal (a built PDF and the real Attention paper) and the definition's next sentence
("What is scaled dot-product attention?" on the real Attention paper, EN and RU)."""

from __future__ import annotations

import pymupdf
import pytest

from core.embeddings import get_embedder
from core.reader.abstain import missing_unit, should_abstain
from core.reader.documents import open_document
from core.reader.qa import (
    TYPED_OFF,
    TYPED_PARAMS,
    answer_extractive,
    answer_question,
    answer_type,
    find_evidence,
    type_bonus,
)
from core.settings import Settings

THRESHOLDS = (Settings().abstain_threshold, Settings().abstain_threshold_crosslingual)
ATTENTION = "attention_is_all_you_need_1706.03762.pdf"


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def attention(shared_data, embedder, tmp_path_factory):
    path = shared_data / "papers" / ATTENTION
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return open_document(path.read_bytes(), embedder, tmp_path_factory.mktemp("idx"))


@pytest.mark.parametrize(("question", "kind"), [
    ("How many attention heads does the base model use?", "number"),
    ("Сколько голов внимания использует базовая модель?", "number"),
    ("What is the initial learning rate?", "number"),
    ("Which dropout rate gave the best results?", "number"),
    ("Какая размерность эмбеддингов используется?", "number"),
    ("Which datasets are used in the experiments?", "dataset"),
    ("На каких наборах данных проводятся эксперименты?", "dataset"),
    ("What is the component that discovers cross-view dynamics called?", "name"),
    ("Как расшифровывается название SEMCAT?", "name"),
    ("What is scaled dot-product attention?", "definition"),
    ("Что такое пулинг?", "definition"),
    ("What is the purpose of the next sentence prediction task?", None),  # "What is the ...": no definition
    ("Как в модели кодируется позиция слова в последовательности?", None),  # «как» is not «какая модель»
    ("Why are the dot products scaled before the softmax?", None),
])
def test_answer_type(question, kind):
    assert answer_type(question) == kind


def test_type_bonus_sentence_tests():
    on = TYPED_OFF.__class__(value=0.1, formula=0.1, unit=0.1, dataset=0.1, name=0.1, definition=0.1)
    q = "How many heads does the model use?"
    assert type_bonus(q, "We employ h = 8 attention heads in parallel.", "number", on) == \
        pytest.approx(0.3)  # a value, a formula and the counted noun within 4 words after the number
    assert type_bonus(q, "In this work we employ h = 8 parallel attention layers, or heads.", "number", on) == \
        pytest.approx(0.2)  # "heads" is the 5th word after the 8
    assert type_bonus(q, "With a single attention head, averaging inhibits this.", "number", on) == 0.0
    # a citation, a year and a table reference are no values
    assert type_bonus(q, "As shown in Table 3 and by Vaswani et al. (2017) [14], heads help.", "number", on) == 0.0
    assert type_bonus(q, "In this work we employ h = 8 heads.", "number", on, same_language=False) == pytest.approx(0.2)
    assert type_bonus("Which datasets are used?", "We use the SimpleQuestions and WebQSP datasets.", "dataset", on) == 0.1
    assert type_bonus("What is pooling?", "Пулинг - это операция агрегации по локальному окну.", "definition", on) == 0.1
    assert type_bonus("What is pooling?", "Pooling helps.", "definition", on) == 0.0
    assert type_bonus("What is pooling?", "h = 8", None, on) == 0.0


def _pdf(text: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(pymupdf.Rect(50, 60, 550, 800), text, fontsize=11, fontname="helv")
    data = doc.tobytes()
    doc.close()
    return data


BODY = ("We train the translation model on eight GPUs for three days with the Adam optimizer. "
        "The model has six layers and eight attention heads in every layer of the encoder. "
        "Training the big model needed about two times more floating point operations than the base model. ")


def test_unit_refusal_on_a_built_pdf(embedder, tmp_path):
    doc = open_document(_pdf(BODY * 4), embedder, tmp_path / "a")
    assert missing_unit(doc, "How much did training cost in dollars?") == "money"
    assert missing_unit(doc, "Сколько стоило обучение в долларах?") == "money"
    assert missing_unit(doc, "How many GPUs were used?") is None  # the paper says "GPUs"
    assert missing_unit(doc, "How many hours did training take?") is None  # "days" is a time unit
    assert missing_unit(doc, "How many layers does the model have?") is None  # no unit asked
    ev = find_evidence(doc, "How much did training cost in dollars?", embedder)
    assert should_abstain(doc, ev, None)
    assert should_abstain(doc, ev, (None, None))
    assert not should_abstain(doc, ev, -10.0)  # benchmarks' "never abstain" stays never
    assert not should_abstain(doc, ev, -10.0, unit_refusal=False)
    priced = open_document(_pdf(BODY * 4 + "Renting the GPUs cost about $2,000 on a cloud provider. "), embedder,
                           tmp_path / "b")
    assert missing_unit(priced, "How much did training cost in dollars?") is None


@pytest.mark.parametrize("question", ["Сколько стоило обучение в долларах?",
                                      "How much did it cost in dollars to train the model?"])
def test_attention_paper_refuses_a_price_in_dollars(attention, embedder, question):
    """The browser case (#8): the paper gives GPU-days and FLOPs, never money; before, it quoted
    "Training took 3.5 days on 8 P100 GPUs." as the answer."""
    answer = answer_question(attention, question, embedder, THRESHOLDS)
    assert answer.abstained
    assert not answer.citations


def test_attention_paper_hardware_and_time_questions_are_not_refused_by_unit(attention, embedder):
    """The paper names GPUs and hours: the refusal leaves such questions to the calibrated model."""
    for question in ("How many GPUs were used for training?", "Сколько часов обучалась базовая модель?",
                     "What hardware was the model trained on and for how long?"):
        assert missing_unit(attention, question) is None
        ev = find_evidence(attention, question, embedder)
        assert should_abstain(attention, ev, None) == should_abstain(attention, ev, None, unit_refusal=False)


@pytest.mark.parametrize("question", ["What is scaled dot-product attention?",
                                      "Что такое масштабированное скалярное внимание?"])
def test_definition_quotes_the_sentence_after_the_name(attention, embedder, question):
    """The browser case (#8): the answer named the attention ("We call our particular attention ...")
    but left out the definition that follows it on p. 4."""
    assert TYPED_PARAMS.definition_next
    ev = find_evidence(attention, question, embedder)
    answer = answer_extractive(attention, ev, -10.0)
    first = answer.citations[0]
    assert first.page == 4
    assert first.quote.startswith("We call our particular attention")
    assert "The input consists of queries and keys of dimension d_k" in first.quote
    assert "The input consists of queries and keys" in answer.text
    before = answer_extractive(attention, ev, -10.0, typed=TYPED_OFF)
    assert "The input consists of queries and keys" not in before.text
