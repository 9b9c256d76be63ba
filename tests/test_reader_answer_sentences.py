"""Answer-sentence choice (#8 round 3): on a real QASPER dev paper, the extractive answer quotes
at most three sentences, one per page, each within ANSWER_MARGIN of the best evidence score,
best-scoring candidates first (no sentence left out that scores above one quoted)."""

from __future__ import annotations

import pytest

from core.reader.qa import ANSWER_MARGIN, answer_extractive, find_evidence

PAPER = "1901.04085.pdf"  # Nogueira & Cho, Passage re-ranking with BERT (5 pages)
QUESTIONS = ["How was BERT fine-tuned for passage re-ranking?", "Как дообучали BERT для переранжирования?"]


@pytest.fixture(scope="module")
def setup(open_dev_paper):
    return open_dev_paper(PAPER)


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_sentences_within_the_margin_one_per_page(setup, question):
    doc, embedder = setup
    ev = find_evidence(doc, question, embedder)
    ans = answer_extractive(doc, ev, threshold=-10.0)
    assert not ans.abstained and 1 <= len(ans.citations) <= 3
    pages = [c.page for c in ans.citations]
    assert len(set(pages)) == len(pages)
    assert all(c.score >= ev.best - ANSWER_MARGIN - 1e-4 for c in ans.citations)
    # every candidate within the margin on a page not quoted would have been taken (up to three)
    quoted = {c.quote for c in ans.citations}
    if len(ans.citations) < 3:
        for i, sc in zip(ev.indices, ev.scores, strict=True):
            if sc >= ev.best - ANSWER_MARGIN and doc.sentences[i].text not in quoted:
                assert doc.sentences[i].page in pages
