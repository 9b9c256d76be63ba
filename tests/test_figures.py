"""Figures and tables: captions, referring sentences, inner text, offline and LLM explanations."""

from __future__ import annotations

import pymupdf
import pytest

from core.llm import LLMClient
from core.reader.figures import (
    explain_figure,
    explain_figure_llm,
    extract_figures,
    figures_for_pdf,
    find_figure,
    parse_figure_request,
    render_figure,
)
from tests.fake_llm import FakeLLMServer


@pytest.fixture(scope="module")
def attention(shared_data):
    data = (shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes()
    return data, extract_figures(data, ocr_langs=None)


def make_ru_figure_pdf() -> bytes:
    """Our own two-page Russian PDF: a picture with caption "Рис. 1" and a sentence citing it."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 80, 60), False)
    pix.clear_with(120)
    page.insert_image(pymupdf.Rect(100, 80, 400, 300), pixmap=pix)
    page.insert_textbox(pymupdf.Rect(100, 310, 500, 340), "Рис. 1: Схема полносвязной сети.", fontname="china-s",
                        fontsize=11)
    page2 = doc.new_page()
    page2.insert_textbox(pymupdf.Rect(50, 50, 550, 200), "На рис. 1 показана сеть из трёх слоёв, каждый слой "
                         "применяет линейное преобразование и нелинейность.", fontname="china-s", fontsize=11)
    return doc.tobytes()


def test_attention_figure_1_caption_picture_and_reference(attention):
    _data, figures = attention
    fig = find_figure(figures, "figure", 1)
    assert fig is not None and fig.page == 3
    assert fig.caption.startswith("Figure 1: The Transformer - model architecture")
    x0, y0, x1, y1 = fig.bbox
    assert 150 < x0 < 250 and y0 < 100 and 350 < y1 < 405  # the diagram above the caption
    assert any(p == 2 and "Figure 1" in s for p, s in fig.references)


def test_attention_figure_2_has_three_references_and_tables_found(attention):
    _data, figures = attention
    fig2 = find_figure(figures, "figure", 2)
    assert [p for p, _ in fig2.references] == [4, 4, 5]
    assert {f.number for f in figures if f.kind == "table"} == {1, 2, 3, 4}
    assert not any(fig2.caption in s for _, s in fig2.references)  # the caption is not its own reference


def test_explain_figure_offline_cites_caption_and_text_pages(attention):
    _data, figures = attention
    answer = explain_figure(figures, "figure", 1, question="explain Figure 1")
    assert not answer.abstained and answer.lang == "en"
    assert [c.page for c in answer.citations] == [3, 2]
    assert "model architecture" in answer.text
    ru = explain_figure(figures, "figure", 1, question="Объясни рисунок 1")
    assert ru.lang == "ru" and "Рисунок 1 (с. 3)" in ru.text
    missing = explain_figure(figures, "figure", 9, question="explain figure 9")
    assert missing.abstained and "Figure 9" in missing.text


def test_render_figure_is_the_picture_not_the_page(attention):
    data, figures = attention
    png = render_figure(data, find_figure(figures, "figure", 1), dpi=100)
    pix = pymupdf.Pixmap(png)
    assert png.startswith(b"\x89PNG") and 250 < pix.width < 350 and 400 < pix.height < 500


@pytest.mark.parametrize(
    ("text", "want"),
    [("explain Figure 1", ("figure", 1)), ("What does fig. 3 show?", ("figure", 3)),
     ("объясни рис. 2", ("figure", 2)), ("что на рисунке 4?", ("figure", 4)),
     ("разбери таблицу 3", ("table", 3)), ("Table 2 please", ("table", 2)), ("what optimizer?", None)],
)
def test_parse_figure_request(text, want):
    assert parse_figure_request(text) == want


def test_russian_caption_and_reference_on_another_page(tmp_path):
    data = make_ru_figure_pdf()
    figures = figures_for_pdf(data, "ru-doc", tmp_path, ocr_langs=None)
    fig = find_figure(figures, "figure", 1)
    assert fig.caption.startswith("Рис. 1") and fig.page == 1 and fig.bbox is not None
    assert fig.references and fig.references[0][0] == 2 and "На рис. 1" in fig.references[0][1]
    assert (tmp_path / "ru-doc.json").is_file()
    assert figures_for_pdf(data, "ru-doc", tmp_path, ocr_langs=None)[0].references == fig.references  # cached


def test_llm_explanation_sends_image_and_keeps_only_valid_citations(attention):
    data, figures = attention
    fig = find_figure(figures, "figure", 1)
    reply = ("The Transformer has an encoder and a decoder stack [p. 3]. "
             "Each layer uses self-attention [p. 2]. It was trained on the moon [p. 11].")
    with FakeLLMServer(lambda body: reply) as server:
        llm = LLMClient(base_url=server.base_url, model="vision-fake", timeout_s=5)
        answer = explain_figure_llm(fig, llm, "explain Figure 1", "en", image_png=render_figure(data, fig, dpi=50))
        content = server.requests[0]["body"]["messages"][1]["content"]
    assert answer.mode == "llm" and "moon" not in answer.text
    assert [c.page for c in answer.citations] == [2, 3]
    assert content[1]["type"] == "image_url" and content[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert "Figure 1: The Transformer" in content[0]["text"]


def test_llm_without_valid_citation_falls_back(attention):
    _data, figures = attention
    fig = find_figure(figures, "figure", 1)
    with FakeLLMServer(lambda body: "It is a nice picture.") as server:
        answer = explain_figure_llm(fig, LLMClient(base_url=server.base_url, model="m", timeout_s=5), "explain", "en")
    assert answer.mode == "extractive" and "cited no page" in answer.notice and answer.citations[0].page == 3


def test_clean_labels_drops_ocr_debris():
    from core.reader.figures import clean_labels

    assert clean_labels("Add & Norm | Gasca Nom] © © Encoding Encoding _) Inputs (shifted right)") == \
        "Add & Norm Gasca Encoding Inputs (shifted right)"
