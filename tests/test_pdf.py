"""PDF parsing: real papers, and every kind of bad input with a clear error."""

from __future__ import annotations

import pytest

from core.errors import (
    CorruptPDFError,
    EmptyDocumentError,
    EncryptedPDFError,
    InputError,
    NeedsOCRError,
    NotAPDFError,
    TooLargeError,
)
from core.reader.pdf import parse_pdf, render_page_highlight
from tests.pdfs import make_encrypted_pdf, make_image_only_pdf, make_pdf


def test_real_english_paper_pages_outline_and_dehyphenation(shared_data):
    pdf = parse_pdf((shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes())
    assert pdf.n_pages == 15
    assert pdf.title == "Attention Is All You Need"
    assert any(o.title.endswith("Attention") and o.page == 3 for o in pdf.outline)
    assert "h = 8" in pdf.pages[4]  # page 5, 1-based
    assert "transduction" in pdf.pages[1] and "transduc- tion" not in pdf.pages[1]


def test_real_russian_lecture_text(shared_data):
    pdf = parse_pdf((shared_data / "papers" / "sokolov_hse_lecture07_deeplearning_ru.pdf").read_bytes())
    assert pdf.n_pages == 12
    assert "мозгом" in pdf.pages[1]  # the hyphenated "моз-\nгом" is re-joined
    assert "Цыбенко" in pdf.pages[3]


def test_real_scanned_pdf_needs_ocr(shared_data):
    with pytest.raises(NeedsOCRError, match="OCR"):
        parse_pdf((shared_data / "papers" / "sokolov_hse_lecture04_handwritten_notes_no_text_layer.pdf").read_bytes())


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyDocumentError, "empty"),
        (b"PK\x03\x04 a zip file, not a pdf", NotAPDFError, "not a PDF"),
        (b"%PDF-1.7\n garbage garbage garbage", CorruptPDFError, "damaged"),
    ],
)
def test_bad_bytes(data, error, words):
    with pytest.raises(error, match=words):
        parse_pdf(data)


def test_truncated_pdf_is_an_input_error(shared_data):
    data = (shared_data / "papers" / "bert_1810.04805.pdf").read_bytes()[:4000]
    with pytest.raises(InputError):
        parse_pdf(data)


def test_encrypted_pdf():
    with pytest.raises(EncryptedPDFError, match="password"):
        parse_pdf(make_encrypted_pdf())


def test_image_only_pdf():
    with pytest.raises(NeedsOCRError):
        parse_pdf(make_image_only_pdf())


def test_blank_pdf_is_empty():
    with pytest.raises(EmptyDocumentError):
        parse_pdf(make_pdf([""]))


def test_size_and_page_limits():
    data = make_pdf(["Page one has enough text to count as text.", "Page two also has enough text here."])
    with pytest.raises(TooLargeError, match="MB"):
        parse_pdf(data, max_bytes=100)
    with pytest.raises(TooLargeError, match="pages"):
        parse_pdf(data, max_pages=1)
    assert parse_pdf(data, max_pages=2).n_pages == 2


def test_render_highlight_finds_the_quote(shared_data):
    data = (shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes()
    png, found = render_page_highlight(data, 7, "We used the Adam optimizer")
    assert png.startswith(b"\x89PNG") and found >= 1
    with pytest.raises(CorruptPDFError):
        render_page_highlight(data, 99, "x")
