"""OCR of image-only PDFs and images with the real Tesseract (skipped, with the reason, without it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from core.errors import EmptyDocumentError, NeedsOCRError
from core.reader import ocr
from core.settings import PROJECT_ROOT, Settings
from tests.pdfs import make_pdf

needs_tesseract = pytest.mark.skipif(not ocr.ocr_status().available,
                                     reason="Tesseract is not installed (Debian tesseract-ocr, -rus, -eng)")

PAGES = [
    "Chapter one. The encoder maps an input sequence of symbols to a sequence of continuous "
    "representations. We train the model on eight GPUs for twelve hours.",
    "Chapter two. We used the Adam optimizer with a warmup of four thousand steps and label smoothing "
    "of value zero point one during training.",
]


def rasterise(pdf: bytes, dpi: int = 200) -> bytes:
    """The same pages as pictures only (no text layer)."""
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for page in src:
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, pixmap=page.get_pixmap(dpi=dpi))
    data = out.tobytes()
    assert all(not p.get_text().strip() for p in out)
    return data


def page_png(pdf: bytes, page: int = 0, dpi: int = 200) -> bytes:
    return pymupdf.open(stream=pdf, filetype="pdf")[page].get_pixmap(dpi=dpi).tobytes("png")


@needs_tesseract
def test_ocr_pdf_adds_text_layer_keeps_pages_and_reports_progress():
    scan = rasterise(make_pdf(PAGES))
    calls = []
    out, report = ocr.ocr_pdf_report(scan, progress=lambda done, total: calls.append((done, total)))
    doc = pymupdf.open(stream=out, filetype="pdf")
    assert doc.page_count == 2 and calls == [(1, 2), (2, 2)]
    assert "optimizer" in doc[1].get_text() and "optimizer" not in doc[0].get_text()
    # page box kept (A4 of make_pdf) up to the rounding of the page to whole pixels
    assert abs(doc[0].rect.width - 595) < 0.5 and abs(doc[0].rect.height - 842) < 0.5
    assert [r.page for r in report] == [1, 2] and all(r.confidence > ocr.LOW_CONFIDENCE for r in report)


@needs_tesseract
def test_reader_answers_a_scan_with_the_right_page_and_reopens_without_ocr(settings: Settings, monkeypatch):
    from core.reader import Reader

    reader = Reader.from_settings(settings)
    scan = rasterise(make_pdf(PAGES))
    doc = reader.open(scan)
    assert doc.n_pages == 2
    answer = reader.ask(doc, "What optimizer was used during training?")
    assert reader.ask(doc, "How many GPUs were used to train the model?").citations[0].page == 1
    assert not answer.abstained and [c.page for c in answer.citations][0] == 2
    assert ocr.load_ocr_report(scan, settings.data_dir / "ocr")[0].words > 10

    def boom(*a, **k):
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "ocr_pdf_report", boom)
    again = reader.open(scan)
    assert again.loaded_from_disk and again.doc_id == doc.doc_id


@needs_tesseract
def test_png_upload_is_recognised(settings: Settings):
    from core.reader import Reader

    doc = Reader.from_settings(settings).open(page_png(make_pdf(PAGES[1:])))
    assert doc.n_pages == 1 and any("Adam" in s.text for s in doc.sentences)


@needs_tesseract
def test_image_without_words_is_empty_document(settings: Settings):
    from core.reader import Reader
    from tests.pdfs import make_image_only_pdf

    with pytest.raises(EmptyDocumentError, match="OCR found no"):
        Reader.from_settings(settings).open(make_image_only_pdf())


def test_without_tesseract_the_message_names_the_packages(settings: Settings, monkeypatch):
    from core.reader import Reader

    monkeypatch.setattr(ocr, "ocr_status", lambda wanted="rus+eng": ocr.OCRStatus(
        False, missing=["tesseract-ocr", "tesseract-ocr-rus", "tesseract-ocr-eng"]))
    with pytest.raises(NeedsOCRError, match="tesseract-ocr-rus"):
        Reader.from_settings(settings).open(rasterise(make_pdf(PAGES[:1]), dpi=72))


def test_image_to_pdf_is_deterministic():
    png = page_png(make_pdf(PAGES[:1]), dpi=72)
    assert ocr.image_to_pdf(png) == ocr.image_to_pdf(png)
    assert pymupdf.open(stream=ocr.image_to_pdf(png), filetype="pdf").page_count == 1


@needs_tesseract
def test_cli_ask_accepts_png_with_1_based_pages(tmp_path: Path):
    img = tmp_path / "slide.png"
    img.write_bytes(page_png(make_pdf(PAGES[1:])))
    env = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "data"), "MARGO_SECRETS_FILE": str(tmp_path / "x.toml")}
    env.pop("MARGO_LLM_BASE_URL", None)
    out = subprocess.run([sys.executable, "-m", "core.reader", "ask", str(img), "What optimizer was used during training?", "--json"],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert not obj["abstained"] and obj["citations"][0]["page"] == 1


@needs_tesseract
def test_mixed_pdf_only_the_scanned_page_is_recognised(settings: Settings):
    from core.reader import Reader

    text_pdf = make_pdf(PAGES[:1])
    scan = rasterise(make_pdf(PAGES[1:]))
    mixed = pymupdf.open(stream=text_pdf, filetype="pdf")
    mixed.insert_pdf(pymupdf.open(stream=scan, filetype="pdf"))
    data = mixed.tobytes()
    reader = Reader.from_settings(settings)
    doc = reader.open(data)
    assert doc.n_pages == 2
    assert [r.page for r in ocr.load_ocr_report(data, settings.data_dir / "ocr")] == [2]
    assert any(s.page == 2 and "Adam" in s.text for s in doc.sentences)
    assert any(s.page == 1 and "encoder" in s.text for s in doc.sentences)


def test_scan_over_the_page_limit_is_refused_before_ocr(settings: Settings, monkeypatch):
    from core.errors import TooLargeError
    from core.reader import Reader

    def boom(*a, **k):
        raise AssertionError("OCR ran")

    monkeypatch.setattr(ocr, "ocr_pdf_report", boom)
    cfg = settings.model_copy(update={"max_pages": 1})
    with pytest.raises(TooLargeError, match="limit is 1"):
        Reader.from_settings(cfg).open(rasterise(make_pdf(PAGES), dpi=72))


@needs_tesseract
def test_large_photo_is_not_blown_up(settings: Settings):
    from core.reader import Reader

    big = pymupdf.open(stream=make_pdf(PAGES[1:]), filetype="pdf")[0].get_pixmap(dpi=400).tobytes("png")  # 3307 px
    doc = Reader.from_settings(settings).open(big)
    assert any("Adam" in s.text for s in doc.sentences)
