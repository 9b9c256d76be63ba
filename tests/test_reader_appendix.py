"""The reference list ends where the paper's appendix starts (R3): a small PDF built here
(body, "References", entries, then "APPENDIX" in body type and appendix paragraphs) and the
real qasper_dev paper 1804.00079, whose appendix (pages 12-14: training hardware on p. 12)
was chunked as references."""

from __future__ import annotations

import pymupdf
import pytest

from core.reader.chunking import chunk_document
from core.reader.pdf import parse_pdf

W, H = 612, 792
ENTRIES = [
    "Cormack, G. V., Clarke, C. L. A., and Buettcher, S. 2009. Reciprocal rank fusion outperforms "
    "Condorcet. In Proceedings of SIGIR, pp. 758-759.",
    "Robertson, S. and Zaragoza, H. 2009. The probabilistic relevance framework: BM25 and beyond. "
    "Foundations and Trends in Information Retrieval, 3(4), pp. 333-389.",
    "Fox, E. A. and Shaw, J. A. 1994. Combination of multiple searches. In Proceedings of TREC-2, pp. 243-252.",
    "Lewis, P., Perez, E., Piktus, A., et al. 2020. Retrieval-augmented generation for knowledge-intensive "
    "NLP tasks. In Advances in NeurIPS, vol. 33.",
]
APPENDIX_TEXT = [
    "We trained every model for seven days on a single graphics card that the university lent to us, and we "
    "did not tune any of the hyperparameters because the runs were too long for a search.",
    "The vocabulary of the encoder is expanded with a linear map that is learned from the word vectors of the "
    "training set, as it is described in the work of Kiros et al. (2015) for the same task.",
]


def _paper(appendix_heading: str, heading_size: float) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    page.insert_textbox(pymupdf.Rect(50, 80, 562, 200),
                        "Our reader answers questions about long papers with citations to the pages it quotes. "
                        "It combines dense vectors with the lexical matching of stemmed words.", fontsize=10)
    page = doc.new_page(width=W, height=H)
    page.insert_text((50, 90), "References", fontsize=12)
    top = 110
    for entry in ENTRIES:
        page.insert_textbox(pymupdf.Rect(50, top, 562, top + 40), entry, fontsize=10)
        top += 50
    page = doc.new_page(width=W, height=H)
    page.insert_text((50, 90), appendix_heading, fontsize=heading_size)
    top = 110
    for para in APPENDIX_TEXT:
        page.insert_textbox(pymupdf.Rect(50, top, 562, top + 60), para, fontsize=10)
        top += 80
    data = doc.tobytes()
    doc.close()
    return data


@pytest.mark.parametrize(("heading", "size"), [("APPENDIX", 10), ("Appendix A: Training details", 12),
                                               ("Supplementary Material", 12)])
def test_appendix_after_the_references_is_text(heading, size):
    pdf = parse_pdf(_paper(heading, size))
    refs = [b for b in pdf.blocks if b.kind == "references"]
    assert refs and all(b.page == 2 for b in refs)
    _, sentences = chunk_document(pdf)
    texts = " ".join(s.text for s in sentences)
    assert "single graphics card" in texts and "linear map" in texts
    assert {s.page for s in sentences if "graphics card" in s.text} == {3}
    # the entries themselves stay out of the answers
    assert "Zaragoza" not in texts and "Buettcher" not in texts


def test_prose_after_the_references_ends_the_list_without_an_appendix_heading():
    """No appendix word at all: two running-text paragraphs in a row end the list by shape."""
    pdf = parse_pdf(_paper("7 Model training", 10))
    _, sentences = chunk_document(pdf)
    texts = " ".join(s.text for s in sentences)
    assert "single graphics card" in texts and "linear map" in texts
    assert "Zaragoza" not in texts


def test_real_dev_paper_keeps_its_appendix(shared_data):
    path = shared_data / "qasper_dev" / "papers" / "1804.00079.pdf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    pdf = parse_pdf(path.read_bytes())
    _, sentences = chunk_document(pdf)
    pages = {s.page for s in sentences}
    assert {12, 13, 14} <= pages
    assert any(s.page == 12 and "Tesla P100" in s.text for s in sentences)
    # pages 10-11 hold only bibliography entries
    assert not pages & {10, 11}
    assert not any("Bahdanau" in s.text and "2014" in s.text and "arXiv" in s.text for s in sentences)
