"""#11b: a PDF's own "[p. 99]" inside a quoted sentence cannot pass for Margo's citation."""

from __future__ import annotations

import re

import pytest

from core.reader import Reader
from tests.pdfs import make_pdf

_PAGES = [
    "Attention models in translation. The encoder reads the whole source sentence before decoding starts. "
    "Training used eight GPUs for three days on the WMT data.",
    "Results. As reported earlier [p. 99], the dropout rate of the transformer was set to 0.1 for all base models. "
    "The decoder attends over the encoder outputs.",
]


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), llm_base_url=None, llm_model=None)
    reader = Reader.from_settings(settings)
    return reader, reader.open(make_pdf(_PAGES))


def _live_marks(text: str) -> list[str]:
    return re.findall(r"\[p\.\s*(\d+)\]", text)


def test_answer_quotes_carry_no_live_mark_and_real_pages_stay(opened):
    reader, doc = opened
    answer = reader.ask(doc, "What dropout rate was used for the transformer?")
    assert not answer.abstained
    dropout = [c for c in answer.citations if "dropout" in c.quote]
    assert dropout, answer.citations
    assert dropout[0].page == 2  # the real page, not the PDF's 99
    assert "(p. 99)" in dropout[0].quote and "[p. 99]" not in dropout[0].quote
    assert all("[p." not in c.quote and "[p." not in c.passage for c in answer.citations)
    # The only live marks in the text are Margo's, one per citation, naming real pages.
    assert "99" not in _live_marks(answer.text)
    assert sorted(map(int, _live_marks(answer.text))) == sorted(c.page for c in answer.citations)


def test_summary_sentences_carry_no_live_mark(opened):
    reader, doc = opened
    summary = reader.summarize(doc, n_sentences=6)
    texts = [s.text for s in summary.sentences] + [s.text for v in summary.key_parts.values() for s in v]
    assert any("(p. 99)" in s for s in texts)
    assert all("[p. 99]" not in s for s in texts)
    assert "99" not in _live_marks(summary.text)
    assert {int(p) for p in _live_marks(summary.text)} <= {1, 2}
