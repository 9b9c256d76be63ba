"""U1: how a Reader answer reads in the interface language. Margo's citation marks follow it
("[с. 7]" in Russian, "[p. 7]" in English; the answer object and the command line keep "[p. N]"),
and "the document does not answer this" says, in the interface language, why and what to try."""

from __future__ import annotations

import re

import pytest

from core.i18n.reader_answers import page_marks


def test_page_marks_in_russian_and_english():
    text = "We used Adam [p. 7]. Dropout 0.1 [p. 2, 5]. Warmup [p. 3–4]. As reported (p. 99) in [12]."
    assert page_marks(text, "ru", nbsp=False) == ("We used Adam [с. 7]. Dropout 0.1 [с. 2, 5]. Warmup [с. 3–4]. "
                                                  "As reported (p. 99) in [12].")  # the paper's own marks stay
    assert page_marks(text, "en", nbsp=False) == text
    assert page_marks(text, "ru") == page_marks(text, "ru", nbsp=False).replace("с. ", "с.\u00a0")
    assert page_marks(text, "en") == text.replace("[p. ", "[p.\u00a0")  # "(p. 99)" is the paper's: unchanged
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
    marks = re.findall(r"\[(с\.|p\.)\u00a0(\d+)\]", answers[0])  # page word and number never split
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


def test_notes_follow_the_interface_language():
    from datetime import datetime

    from core.reader.notes import notes_markdown
    from core.types import Answer, Citation, Summary, SummarySentence

    sent = SummarySentence(text="We used the Adam optimizer.", page=7)
    summary = Summary(text="We used the Adam optimizer. [p. 7]", sentences=[sent], key_parts={"method": [sent]})
    answer = Answer(text="We used the Adam optimizer. [p. 7]", abstained=False,
                    citations=[Citation(page=7, quote="We used the Adam optimizer.", score=0.9)])
    when = datetime(2026, 12, 2, 5, 0)
    en = notes_markdown("Attention", summary, [("Which optimizer?", answer)], when)
    assert en == notes_markdown("Attention", summary, [("Which optimizer?", answer)], when, lang="en")
    assert en.startswith("# Notes: Attention\n") and "## Summary" in en and "## Questions and answers" in en
    assert "**Method**: We used the Adam optimizer. (p. 7)" in en and "> p. 7: We used" in en and "[p. 7]" in en
    ru = notes_markdown("Attention", summary, [("Какой оптимизатор?", answer)], when, lang="ru")
    assert ru.startswith("# Заметки: Attention\n") and "## Конспект" in ru and "## Вопросы и ответы" in ru
    assert "**Метод**: We used the Adam optimizer. (с. 7)" in ru and "> с. 7: We used" in ru
    assert "[с. 7]" in ru and "[p. 7]" not in ru and "p. 7" not in ru


def test_answer_markdown_keeps_a_quoted_sentences_own_numbering_as_text():
    from pages._papers import answer_markdown

    bullets = ("- По сути, это линейное преобразование. [p. 2]\n"
               "- 1. Если у слоя n входов и m выходов, то параметров n × m. [p. 4]\n"
               "- 2) Второй пункт. [p. 5]")
    assert answer_markdown(bullets, "ru").replace("\u00a0", " ") == (
        "- По сути, это линейное преобразование. [с. 2]\n"
        "- 1\\. Если у слоя n входов и m выходов, то параметров n × m. [с. 4]\n"
        "- 2\\) Второй пункт. [с. 5]")
    assert answer_markdown("1. We used Adam [p. 7]. In 2017. it was new.", "en") == (
        "1\\. We used Adam [p.\u00a07]. In 2017. it was new.")  # only a line's start can open a list
    assert answer_markdown("Dropout 0.1 [p. 7]", "en") == "Dropout 0.1 [p.\u00a07]"
