"""Answers quote sentences, not headings, labels or fragments (R4, issue #8): small PDFs built here
(a heading merged into its first sentence, a heading then a list, a figure label) and the real HSE
lecture 7 PDF of U1's browser run when ../shared/data is present."""

from __future__ import annotations

import pymupdf
import pytest

from core.embeddings import get_embedder
from core.reader.chunking import Sentence
from core.reader.documents import open_document
from core.reader.qa import _quotable, answer_extractive, find_evidence, join_answer_parts
from scripts.answer_quality_dev import defects


def _pdf(lines: list[tuple[str, float]], toc: list[list] | None = None) -> bytes:
    """One page; each ``(text, fontsize)`` line as its own block, top to bottom."""
    doc = pymupdf.open()
    page = doc.new_page()
    y = 60.0
    for text, size in lines:
        rect = pymupdf.Rect(50, y, 550, y + 200)
        used = page.insert_textbox(rect, text, fontsize=size, fontname="helv")
        y += 200 - used + size * 1.2 + 8  # insert_textbox returns the unused height
    if toc:
        doc.set_toc(toc)
    data = doc.tobytes()
    doc.close()
    return data


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


BODY = ("Neural networks are trained by gradient descent on a loss function that measures the error. "
        "The gradient of the loss with respect to every weight is computed by backpropagation through the layers. ")


def test_a_heading_merged_into_its_first_sentence_is_quoted_without_it(embedder, tmp_path):
    pdf = _pdf([(BODY * 3, 11),
                ("Training Details\nWe train the model with the Adam optimizer for ten epochs on a single GPU "
                 "with a batch size of thirty two examples.", 11),
                (BODY * 2, 11)],
               toc=[[1, "Introduction", 1], [1, "Training Details", 1]])
    doc = open_document(pdf, embedder, tmp_path)
    merged = [s for s in doc.sentences if s.text.startswith("Training Details We train")]
    assert merged, [s.text for s in doc.sentences]  # the layout really merged the heading (the case fixed)
    ans = answer_extractive(doc, find_evidence(doc, "Which optimizer was used to train the model?", embedder), -10.0)
    quotes = [c.quote for c in ans.citations]
    assert any(q.startswith("We train the model with the Adam optimizer") for q in quotes), quotes
    assert not any(q.startswith("Training Details") for q in quotes)
    assert all(c.quote in (c.passage or c.quote) for c in ans.citations)  # still a piece of the shown passage


def test_a_list_question_gets_the_list_after_its_lead_in(embedder, tmp_path):
    pdf = _pdf([("A Short Note on Neural Networks", 20),  # the title (page 1's largest line is front matter)
                (BODY * 2, 11),
                ("Activation Functions", 16),
                ("We now look at the most popular activation functions.", 11),
                ("- ReLU is cheap to compute and has a simple derivative.", 11),
                ("- Swish is a smooth function with a learnable parameter beta.", 11),
                ("- The sigmoid squashes every input into the unit interval.", 11),
                (BODY, 11)])
    doc = open_document(pdf, embedder, tmp_path)
    assert [s.section for s in doc.sentences if s.text.startswith("- ")] == ["Activation Functions"] * 3
    ans = answer_extractive(doc, find_evidence(doc, "Which activation functions are mentioned?", embedder), -10.0)
    assert not ans.abstained
    for name in ("ReLU", "Swish", "sigmoid"):
        assert name in ans.text, ans.text
    assert "Activation Functions We now" not in ans.text  # the heading is not quoted
    plain = answer_extractive(doc, find_evidence(doc, "How do neural networks learn?", embedder), -10.0)
    # no list appended to a question that asks for none: the text is just the quotes with their pages
    # (the bullet layout of several quotes is checked in tests/test_qa.py)
    assert plain.text == join_answer_parts([f"{c.quote} [p. {c.page}]" for c in plain.citations])


def test_a_figure_label_and_a_fragment_are_not_quoted():
    label = Sentence(text="Figure 2: Attention overview.", page=1, chunk=0, order=0, section="Model")
    title = Sentence(text="5.4 How does SAN perform by question type?", page=8, chunk=3, order=9,
                     section="5.4 How does SAN perform by question type?")
    numbered_title = Sentence(text="5.1 How robust are the results?", page=6, chunk=2, order=5, section="5 Results")
    item = Sentence(text="1. We fine-tune every layer of the encoder.", page=2, chunk=1, order=3, section="Method")
    prose = Sentence(text="Figure 2 shows that attention heads specialise in syntax.", page=1, chunk=0, order=1,
                     section="Model")
    assert _quotable(label) == "" and _quotable(title) == "" and _quotable(numbered_title) == ""
    assert _quotable(item) == item.text and _quotable(prose) == prose.text
    # the dev script's detector agrees, and does not flag in-text citations as bibliography
    assert "label" in defects(label.text) and "heading" in defects(title.text, title.section)
    assert defects("As reported in Kumar et al. (2015), the module works well on bAbI tasks.") == []
    assert "biblio" in defects("Kumar, A. Ask me anything. In Proceedings of ICML, 2016.")


@pytest.mark.parametrize("question", ["Which activation functions are mentioned?", "Какие функции активации перечислены?"])
def test_hse_lecture7_activation_functions_are_listed(shared_data, embedder, tmp_path, question):
    path = shared_data / "papers" / "sokolov_hse_lecture07_deeplearning_ru.pdf"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    doc = open_document(path.read_bytes(), embedder, tmp_path)
    ans = answer_extractive(doc, find_evidence(doc, question, embedder), -10.0)
    assert 3 in [c.page for c in ans.citations]
    assert "ReLU" in ans.text and "Swish" in ans.text, ans.text
