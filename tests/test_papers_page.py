"""Reader page, #12 parts: arXiv search and one-click import (replay server), offline search
message, the routed chat explaining Figure 1 with its picture shown."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.arxiv_replay import ArxivReplayServer
from tests.pdfs import make_pdf
from tests.test_papers import PAPER_PAGES


def test_search_and_open_from_arxiv(offline_app, monkeypatch):
    with ArxivReplayServer(pdf_bytes=make_pdf(PAPER_PAGES)) as server:
        monkeypatch.setenv("MARGO_ARXIV_API_URL", server.api_url)
        at = offline_app("pages/reader.py")
        at.text_input(key="papers_query").set_value("speculative decoding").run()
        at.button(key="papers_search").click().run()
        assert not at.exception
        titles = " ".join(m.value for m in at.markdown)
        assert "Fast Inference from Transformers via Speculative Decoding" in titles
        at.button(key="papers_hit_0").click().run()
        assert not at.exception, at.exception
        assert any("Fast inference" in h.value or "Speculative" in h.value for h in at.subheader)
        assert any("/pdf/2211.17192v2" in r for r in server.requests)


def test_offline_search_says_it_needs_the_internet(offline_app, monkeypatch):
    monkeypatch.setenv("MARGO_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("MARGO_ARXIV_TIMEOUT_S", "1")
    at = offline_app("pages/reader.py")
    at.text_input(key="papers_query").set_value("attention").run()
    at.button(key="papers_search").click().run()
    assert not at.exception
    assert any("интернет" in w.value or "internet" in w.value for w in at.warning)
    assert at.file_uploader(key="reader_upload")  # the rest of the page still works


def _upload(at: AppTest, path) -> None:
    at.file_uploader(key="reader_upload").upload(path.name, path.read_bytes(), "application/pdf").run()


def test_chat_explains_figure_1_with_the_picture(offline_app, shared_data):
    at = offline_app("pages/reader.py")
    _upload(at, shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf")
    at.chat_input(key="reader_question").set_value("explain Figure 1").run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "model architecture" in text
    captions = " ".join(c.value for c in at.caption)
    assert "объяснение рисунка" in captions or "figure explanation" in captions
    assert len(at.image) >= 1, "the figure is shown"
    labels = " ".join(e.label for e in at.expander)
    assert "Attention Is All You Need" in labels and ("p. 3" in labels or "с. 3" in labels)


def test_two_papers_open_citations_name_the_paper(offline_app, shared_data):
    at = offline_app("pages/reader.py")
    _upload(at, shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf")
    bert = shared_data / "papers" / "bert_1810.04805.pdf"
    at.file_uploader(key="reader_upload").upload(bert.name, bert.read_bytes(), "application/pdf").run()
    assert not at.exception, at.exception
    also = at.multiselect(key="papers_also_open")
    also.select(also.options[0]).run()
    assert not at.exception, at.exception
    at.chat_input(key="reader_question").set_value("compare the two papers").run()
    assert not at.exception, at.exception
    labels = " ".join(e.label for e in at.expander)
    assert "Attention Is All You Need" in labels and "BERT" in labels


def test_png_upload_is_recognised_with_ocr_note(offline_app):
    from core.reader.ocr import ocr_status
    from tests.test_ocr import PAGES, page_png

    if not ocr_status().available:
        import pytest

        pytest.skip("Tesseract is not installed")
    at = offline_app("pages/reader.py")
    at.file_uploader(key="reader_upload").upload("slide.png", page_png(make_pdf(PAGES[1:])), "image/png").run()
    assert not at.exception, at.exception
    assert not at.error
    assert at.subheader
    assert any("OCR" in c.value for c in at.caption)


def test_chat_search_lists_arxiv_and_opens_a_result(offline_app, monkeypatch):
    with ArxivReplayServer(pdf_bytes=make_pdf(PAPER_PAGES)) as server:
        monkeypatch.setenv("MARGO_ARXIV_API_URL", server.api_url)
        at = offline_app("pages/reader.py")
        at.file_uploader(key="reader_upload").upload("notes.pdf", make_pdf(["Our own notes about attention heads "
                                                                            "and encoders in transformers."]),
                                                     "application/pdf").run()
        at.chat_input(key="reader_question").set_value("найди статьи про спекулятивное декодирование").run()
        assert not at.exception, at.exception
        assert "search_query=all%3Aspeculative+AND+all%3Adecoding" in server.requests[0]
        assert any("Fast Inference from Transformers" in m.value for m in at.markdown)
        at.button(key="papers_chat_hit_0_0").click().run()
        assert not at.exception, at.exception
        assert any("/pdf/2211.17192v2" in r for r in server.requests)
        assert at.session_state["reader_doc"].n_pages == 2
