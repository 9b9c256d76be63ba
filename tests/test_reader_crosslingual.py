"""Cross-lingual retrieval (R1, issue #8): the per-paper bilingual lexicon built with the USE
embedder (core/reader/lexicon.py) and its use in find_evidence, on a real QASPER dev paper."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.reader.lexicon import paper_lexicon, question_words, translate_question
from core.reader.qa import DEFAULT_PARAMS, _bm25_query, find_evidence

PAPER = "1603.01417.pdf"  # Xiong et al., Dynamic Memory Networks for Visual and Textual QA (10 pages)
RU_QUESTION = "Какой механизм внимания применяется в эпизодической памяти?"


@pytest.fixture(scope="module")
def setup(open_dev_paper):
    return open_dev_paper(PAPER)


def test_question_words_keep_content_words_of_the_source_script():
    words = question_words("Какой механизм внимания применяется в DMN+ и в памяти?", "ru")
    assert "механизм" in words and "внимания" in words and "памяти" in words
    assert "dmn" not in words  # Latin terms go to BM25 as they are, not through the lexicon
    assert "какой" not in words and "в" not in words  # stop words / too short
    en = question_words("Which attention mechanism is used in the DMN?", "en")
    assert "attention" in en and "mechanism" in en and "the" not in en and "in" not in en
    assert question_words("Который механизм?", "en") == []  # no word in the source script


def test_lexicon_is_the_papers_own_vocabulary_embedded_once(setup):
    doc, embedder = setup
    lex = paper_lexicon(doc, embedder)
    assert len(lex.words) == len(lex.stems) == lex.vectors.shape[0] > 300
    assert lex.vectors.shape[1] == embedder.dim
    assert len(set(lex.stems)) == len(lex.stems)  # one form per stem
    assert all(w.isascii() for w in lex.words)  # an English paper's words only
    assert paper_lexicon(doc, embedder) is lex  # cached on the document


def test_russian_words_translate_to_the_papers_english_words(setup):
    doc, embedder = setup
    words = translate_question(doc, RU_QUESTION, "ru", embedder, floor=0.6, per_word=2)
    assert {"attention", "mechanism", "memory"} <= set(words)
    assert set(words) <= set(paper_lexicon(doc, embedder).words)
    assert translate_question(doc, RU_QUESTION, "ru", embedder, floor=1.01, per_word=2) == []
    assert len(translate_question(doc, RU_QUESTION, "ru", embedder, floor=0.6, per_word=1)) <= len(
        question_words(RU_QUESTION, "ru"))


def test_bm25_query_gets_the_lexicon_words_across_languages_only():
    q = _bm25_query(RU_QUESTION, "en", True, ["feedbackterm"], ["attention", "memory"])
    assert "attention" in q.split() and "memory" in q.split() and "feedbackterm" in q.split()
    assert _bm25_query("What is attention?", "en", False, [], ["memory"]) == "What is attention?"
    assert "attent" not in _bm25_query(RU_QUESTION, "en", True, [], [], glossary=False).split()


def test_find_evidence_with_the_lexicon_reaches_the_attention_page(setup):
    """The Russian question's answer is on page 4 (the attention gate / attention-based GRU section)."""
    doc, embedder = setup
    params = replace(DEFAULT_PARAMS, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, lexicon_dense=1.0,
                     cross_passage=0.0)
    ev = find_evidence(doc, RU_QUESTION, embedder, params=params)
    assert ev.cross_lingual and ev.indices
    assert 4 in {doc.sentences[i].page for i in ev.indices[:3]}
    # an English question is untouched by the cross-lingual knobs
    en = "Which attention mechanism is used in the episodic memory?"
    a = find_evidence(doc, en, embedder, params=params)
    b = find_evidence(doc, en, embedder, params=replace(params, lexicon_floor=0.0, lexicon_dense=0.0))
    assert a.indices == b.indices and a.scores == b.scores
