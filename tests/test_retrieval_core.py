"""The retrieval core (core/retrieval): fusion, typed hits, persistence, and the index
metadata that makes a changed setting rebuild instead of reusing a stale index."""

from __future__ import annotations

import pytest
from llama_index.core.schema import TextNode

from core.embeddings import get_embedder
from core.reader.documents import open_document
from core.retrieval import Hit, HybridIndex, fuse
from tests.pdfs import make_pdf


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_rrf_follows_cormack_formula():
    fused = fuse([[("a", 9.0), ("b", 5.0)], [("b", 3.0), ("c", 1.0)]], method="rrf", k=60)
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert [x for x, _ in fused] == ["b", "a", "c"]


def test_weighted_fusion_normalises_scores_and_uses_weights():
    dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    bm25 = [("c", 12.0), ("b", 6.0)]
    even = dict(fuse([dense, bm25], method="weighted", weights=(1.0, 1.0)))
    assert even["a"] == pytest.approx(1.0) and even["c"] == pytest.approx(1.0)
    assert even["b"] == pytest.approx(0.5)
    lexical = [x for x, _ in fuse([dense, bm25], method="weighted", weights=(0.5, 1.0))]
    assert lexical[0] == "c"


def test_fuse_rejects_bad_arguments():
    with pytest.raises(ValueError):
        fuse([[("a", 1.0)]], method="borda")
    with pytest.raises(ValueError):
        fuse([[("a", 1.0)], []], weights=(1.0,))


def _nodes():
    texts = [
        "The encoder stacks six identical layers with multi-head attention.",
        "Rare names such as Zyxwv appear only here in the whole collection.",
        "Рекомендательные системы подбирают товары по истории пользователя.",
        "Label smoothing of 0.1 was used during training of the model.",
    ]
    return [TextNode(id_=f"n{i}", text=t, metadata={"page": i + 1, "order": i}) for i, t in enumerate(texts)]


def test_hybrid_index_typed_hits_persist_and_reload(embedder, tmp_path):
    index = HybridIndex.build(_nodes(), embedder)
    hits = index.retrieve("Zyxwv", top_k=2, mode="hybrid")
    assert isinstance(hits[0], Hit) and hits[0].node.node_id == "n1"
    assert hits[0].page == 2 and hits[0].bm25_rank == 1 and hits[0].bm25 > 0
    bm25_only = index.retrieve("Zyxwv", top_k=4, mode="bm25")
    assert [h.node.node_id for h in bm25_only] == ["n1"]  # zero-score BM25 padding is dropped
    index.persist(tmp_path / "idx", extra={"params": {"x": 1}})
    again = HybridIndex.load(tmp_path / "idx", embedder)
    assert HybridIndex.read_meta(tmp_path / "idx")["extra"]["params"] == {"x": 1}
    ru = again.retrieve("какие товары рекомендовать пользователю", top_k=1, mode="hybrid")
    assert ru[0].node.node_id == "n2"  # Russian stemmer restored after loading
    dense = again.retrieve("how many layers does the encoder have", top_k=1, mode="dense")
    assert dense[0].node.node_id == "n0" and dense[0].dense is not None


def test_changed_chunking_rebuilds_saved_document(embedder, tmp_path):
    data = make_pdf([" ".join(f"Sentence number {w} talks about attention heads." for w in
                              ("one", "two", "three", "four", "five", "six", "seven", "eight"))])
    first = open_document(data, embedder, tmp_path, chunk_chars=1000)
    assert not first.loaded_from_disk
    same = open_document(data, embedder, tmp_path, chunk_chars=1000)
    assert same.loaded_from_disk
    other = open_document(data, embedder, tmp_path, chunk_chars=200)
    assert not other.loaded_from_disk  # a stale index built with other parameters is not reused
    assert len(other.index.nodes) > len(first.index.nodes)
