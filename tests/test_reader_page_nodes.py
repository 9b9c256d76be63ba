"""Page-sized dense nodes as the LlamaIndex starter builds them (X round 4-6, issue #8): the nodes,
their use across languages in find_evidence (candidates, prior, interleaved page, third fusion voter)
and the default that keeps them off, on a real QASPER dev paper."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from llama_index.core.schema import TextNode

from core.reader.qa import DEFAULT_PARAMS, _page_slot, find_evidence, page_nodes
from core.retrieval import HybridIndex

PAPER = "1603.01417.pdf"  # Xiong et al., Dynamic Memory Networks for Visual and Textual QA (10 pages)
RU_QUESTION = "Какой механизм внимания применяется в эпизодической памяти?"
EN_QUESTION = "Which attention mechanism is used in the episodic memory?"


@pytest.fixture(scope="module")
def setup(open_dev_paper):
    return open_dev_paper(PAPER)


def _top_pages(doc, embedder, question: str, n: int = 3) -> list[int]:
    pages, vectors = page_nodes(doc, embedder)
    out: list[int] = []
    for j in np.argsort(-(vectors @ embedder.embed([question])[0]))[:n]:
        if int(pages[j]) not in out:
            out.append(int(pages[j]))
    return out


def test_page_nodes_cover_the_pages_embedded_once(setup):
    doc, embedder = setup
    pages, vectors = page_nodes(doc, embedder)
    assert vectors.shape == (len(pages), embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert set(pages.tolist()) == set(range(1, doc.n_pages + 1))  # every page of this paper has text
    assert len(pages) < 3 * doc.n_pages  # page-sized (1024-token) nodes, not ~250-word chunks
    assert page_nodes(doc, embedder)[1] is vectors  # cached on the document


def test_page_knobs_off_by_default_and_for_same_language_questions(setup):
    doc, embedder = setup
    base = find_evidence(doc, RU_QUESTION, embedder)
    neutral = find_evidence(doc, RU_QUESTION, embedder, params=replace(DEFAULT_PARAMS, page_nodes=3))
    assert base.indices == neutral.indices and base.scores == neutral.scores
    on = replace(DEFAULT_PARAMS, page_nodes=3, page_candidates="union", page_graded=0.5, page_slot=2)
    a = find_evidence(doc, EN_QUESTION, embedder, params=on)
    b = find_evidence(doc, EN_QUESTION, embedder)
    assert a.indices == b.indices and a.scores == b.scores


def test_union_adds_the_best_pages_sentences_as_candidates(setup):
    doc, embedder = setup
    params = replace(DEFAULT_PARAMS, page_nodes=3, page_candidates="union")
    base = find_evidence(doc, RU_QUESTION, embedder)
    union = find_evidence(doc, RU_QUESTION, embedder, params=params)
    assert set(base.indices) <= set(union.indices)
    top = set(_top_pages(doc, embedder, RU_QUESTION))  # r_vec differs from the question's vector; check pages only
    assert {doc.sentences[i].page for i in set(union.indices) - set(base.indices)} <= top | {
        doc.sentences[i].page for i in base.indices}
    only = find_evidence(doc, RU_QUESTION, embedder, params=replace(params, page_candidates="pages"))
    assert len({doc.sentences[i].page for i in only.indices}) <= 3
    assert 4 in {doc.sentences[i].page for i in union.indices[:3]}  # the attention-gate page still leads


def test_page_slot_moves_the_pages_best_sentence_up_and_keeps_scores_sorted(setup):
    doc, _ = setup
    by_page: dict[int, list[int]] = {}
    for i, s in enumerate(doc.sentences):
        by_page.setdefault(s.page, []).append(i)
    a, b, c, d = by_page[2][0], by_page[3][0], by_page[5][0], by_page[7][0]
    scored = [(0.9, a), (0.8, b), (0.7, c), (0.6, d)]
    moved = _page_slot(doc, scored, page=7, slot=2)
    assert [i for _, i in moved] == [a, d, b, c]
    assert [s for s, _ in moved] == sorted((s for s, _ in moved), reverse=True)
    assert _page_slot(doc, scored, page=3, slot=2) == scored  # already among the first 2 pages
    assert _page_slot(doc, scored, page=9, slot=2) == scored  # no candidate on that page


def test_extra_voter_is_fused_with_dense_and_bm25():
    from core.embeddings import get_embedder

    embedder = get_embedder()
    texts = ["The encoder stacks six identical layers with multi-head attention.",
             "Label smoothing of 0.1 was used during training of the model.",
             "Рекомендательные системы подбирают товары по истории пользователя."]
    index = HybridIndex.build([TextNode(id_=f"n{i}", text=t, metadata={"page": i + 1, "order": i})
                               for i, t in enumerate(texts)], embedder)
    q = "How many layers does the encoder stack?"
    assert index.retrieve(q, top_k=1, method="weighted")[0].node.node_id == "n0"
    voted = index.retrieve(q, top_k=3, method="weighted", extra=[(5.0, [("n2", 1.0), ("n1", 0.0), ("zz", 9.0)])])
    assert voted[0].node.node_id == "n2" and voted[0].dense_rank is not None
