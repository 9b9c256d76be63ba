"""AppTest of the Reader page: upload a real paper, summarise, ask, see citations, notes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture()
def app(offline_app, shared_data):
    return offline_app()


def _upload(at: AppTest, path) -> None:
    at.file_uploader(key="reader_upload").upload(path.name, path.read_bytes(), "application/pdf").run()


def test_reader_page_end_to_end(app, shared_data):
    at = app
    assert not at.exception
    assert any("Upload a PDF" in i.value for i in at.info)
    _upload(at, shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf")
    assert not at.exception, at.exception
    assert any("Attention Is All You Need" in h.value for h in at.subheader)

    at.button(key="reader_summarise").click().run()
    assert not at.exception
    summary_items = [m.value for m in at.markdown if "(p. " in m.value]
    assert len(summary_items) >= 3

    at.chat_input(key="reader_question").set_value("Какой оптимизатор использовали для обучения?").run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "[p. 7]" in texts or "p. 7" in " ".join(e.label for e in at.expander)
    # #8: the best passages the answer does not quote are shown too, with their pages
    assert any(e.label == "More passages about this (2)" for e in at.expander), [e.label for e in at.expander]

    notes = at.get("download_button")[0]
    assert "Notes" in notes.proto.label


def test_reader_page_scanned_handwriting_is_ocred_with_a_warning(app, shared_data):
    # #12: image-only pages go through Tesseract; handwriting is recognised poorly and the page says so.
    from core.reader.ocr import ocr_status

    if not ocr_status().available:
        pytest.skip("Tesseract is not installed")
    at = app
    _upload(at, shared_data / "papers" / "sokolov_hse_lecture04_handwritten_notes_no_text_layer.pdf")
    assert not at.exception
    assert not at.error
    assert any("handwriting" in w.value or "рукопись" in w.value for w in at.warning)


def test_reader_page_rejects_non_pdf(app, tmp_path):
    at = app
    at.file_uploader(key="reader_upload").upload("paper.pdf", b"this is not a pdf at all", "application/pdf").run()
    assert not at.exception
    assert at.error and "not a PDF" in at.error[0].value


def test_reader_page_llm_timeout_falls_back_and_says_so(offline_app, shared_data, monkeypatch):
    from tests.fake_llm import FakeLLMServer

    with FakeLLMServer(lambda body: "never sent", delay_s=3.0) as server:
        monkeypatch.setenv("MARGO_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("MARGO_LLM_MODEL", "fake-model")
        monkeypatch.setenv("MARGO_LLM_TIMEOUT_S", "0.5")
        at = offline_app()
        assert any("fake-model" in c.value for c in at.sidebar.caption)
        _upload(at, shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf")
        at.chat_input(key="reader_question").set_value("Which optimizer was used for training?").run()
        assert not at.exception
        captions = " ".join(c.value for c in at.caption)
        assert "did not answer within 0.5 s" in captions and "offline answer" in captions
        assert any("p. 7" in e.label for e in at.expander)
        assert server.requests and server.requests[0]["body"]["model"] == "fake-model"
