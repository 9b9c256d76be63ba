"""Sub- and superscripts survive text extraction: "d_model", not "dmodel" (PDFs built here with
PyMuPDF's HTML box, which sets <sub>/<sup> as smaller, lowered/raised spans as LaTeX does)."""

from __future__ import annotations

import pymupdf

from core.reader.chunking import chunk_document
from core.reader.pdf import parse_pdf

TEXT = ("<p style='font-size:11pt'>All sub-layers produce outputs of dimension d<sub>model</sub> = 512 in the "
        "base model. The cost of self-attention grows as n<sup>2</sup> with the sequence length. "
        "A footnote marker after a space stays apart: see note <sup>3</sup> below.</p>")


def _sentences(html: str) -> list[str]:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_htmlbox(pymupdf.Rect(50, 80, 562, 300), html)
    _, sentences = chunk_document(parse_pdf(doc.tobytes()))
    return [s.text for s in sentences]


def test_subscript_after_a_word_is_joined_with_underscore():
    text = " ".join(_sentences(TEXT))
    assert "d_model = 512" in text
    assert "dmodel" not in text


def test_superscript_after_a_word_is_joined_with_caret_and_not_after_a_space():
    text = " ".join(_sentences(TEXT))
    assert "n^2 with the sequence length" in text
    assert "note 3 below" in text and "^3" not in text


def test_text_of_the_same_size_is_unchanged():
    text = " ".join(_sentences("<p style='font-size:11pt'>Plain words in one size stay exactly as they are "
                               "written in the paper.</p>"))
    assert "Plain words in one size stay exactly as they are written in the paper." in text
    assert "_" not in text and "^" not in text


def test_attention_paper_keeps_d_model(shared_data):
    pdf = parse_pdf((shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes())
    _, sentences = chunk_document(pdf)
    text = " ".join(s.text for s in sentences)
    assert "d_model" in text and "dmodel" not in text
