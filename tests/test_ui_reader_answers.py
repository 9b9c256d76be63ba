"""U1: how a Reader answer reads in the interface language. Margo's citation marks follow it
("[с. 7]" in Russian, "[p. 7]" in English; the answer object and the command line keep "[p. N]"),
and "the document does not answer this" says, in the interface language, why and what to try."""

from __future__ import annotations

import re

import pytest

from core.i18n.reader_answers import page_marks


def test_page_marks_in_russian_and_english():
    text = "We used Adam [p. 7]. Dropout 0.1 [p. 2, 5]. Warmup [p. 3–4]. As reported (p. 99) in [12]."
    assert page_marks(text, "ru") == ("We used Adam [с. 7]. Dropout 0.1 [с. 2, 5]. Warmup [с. 3–4]. "
                                      "As reported (p. 99) in [12].")  # the paper's own marks stay as they are
    assert page_marks(text, "en") == text
    assert page_marks("", "ru") == ""


@pytest.mark.parametrize(("lang", "mark"), [("ru", "с."), ("en", "p.")])
def test_reader_page_answer_marks_follow_the_interface(offline_app, shared_data, monkeypatch, lang, mark):
    monkeypatch.setenv("MARGO_UI_LANG", lang)
    at = offline_app()
    pdf = shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf"
    at.file_uploader(key="reader_upload").upload(pdf.name, pdf.read_bytes(), "application/pdf").run()
    assert not at.exception, at.exception
    at.chat_input(key="reader_question").set_value("Какой оптимизатор использовали для обучения?").run()
    assert not at.exception, at.exception
    answers = [m.value for m in at.markdown if "Adam" in m.value]
    assert answers, [m.value for m in at.markdown]
    marks = re.findall(r"\[(с\.|p\.) (\d+)\]", answers[0])
    assert marks and all(m == mark for m, _ in marks), answers[0]
    assert ("7" in [page for _, page in marks])  # the Adam sentence is on page 7 of the paper
    # the passages' expanders use the same page word
    assert any(f"{mark} 7" in e.label for e in at.expander), [e.label for e in at.expander]
    # the stored answer (notes, CLI JSON, grounding) keeps Margo's "[p. N]"
    _, answer = at.session_state["reader_qa"][-1]
    assert "[p. 7]" in answer.text


@pytest.mark.parametrize(("lang", "question"), [("ru", "Какая столица Австралии?"),
                                                ("ru", "How does the model perform on ImageNet?"),
                                                ("en", "How does the model perform on ImageNet?")])
def test_reader_page_abstention_says_why_in_the_interface_language(offline_app, shared_data, monkeypatch,
                                                                   lang, question):
    from core.i18n import t
    from core.reader.qa import NOT_IN_DOCUMENT

    monkeypatch.setenv("MARGO_UI_LANG", lang)
    at = offline_app()
    pdf = shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf"
    at.file_uploader(key="reader_upload").upload(pdf.name, pdf.read_bytes(), "application/pdf").run()
    at.chat_input(key="reader_question").set_value(question).run()
    assert not at.exception, at.exception
    _, answer = at.session_state["reader_qa"][-1]
    assert answer.abstained and answer.text in NOT_IN_DOCUMENT.values(), answer.text  # the paper does not say
    hint = t("reader.abstain.hint", lang)
    assert any(hint in c.value for c in at.caption), [c.value for c in at.caption]
