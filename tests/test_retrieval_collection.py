"""The retrieval core's row-addressed collection (core/retrieval/collection.py), which Channel
search stores its index in, and the fusion and hit type it shares with the Reader's HybridIndex."""

from __future__ import annotations

import numpy as np
import pytest
from llama_index.core.schema import TextNode

from core.embeddings import get_embedder
from core.errors import StorageError
from core.retrieval import Hit, HybridIndex, RowCollection, RowRef, fuse, query_tokens

TEXTS = [
    "The encoder stacks six identical layers with multi-head attention.",
    "Rare names such as Zyxwv appear only here in the whole collection.",
    "Рекомендательные системы подбирают товары по истории пользователя.",
    "Label smoothing of 0.1 was used during training of the model.",
]


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def vectors(embedder):
    return embedder.embed(TEXTS)


def _collection(tmp_path, embedder, vectors) -> RowCollection:
    col = RowCollection(tmp_path / "col", embedder.dim, embedder.name)
    rows = col.add(vectors)
    assert rows.tolist() == [0, 1, 2, 3]
    col.rebuild_bm25(rows.tolist(), TEXTS)
    return col


def test_linear_fusion_adds_weighted_raw_scores():
    fused = fuse([[("a", 0.5), ("b", 0.4)], [("b", 1.0)]], method="linear", weights=(1.0, 0.2))
    assert dict(fused) == {"a": pytest.approx(0.5), "b": pytest.approx(0.6)}
    assert [x for x, _ in fused] == ["b", "a"]


def test_collection_dense_sparse_masks_and_reload(tmp_path, embedder, vectors):
    col = _collection(tmp_path, embedder, vectors)
    q = embedder.embed(["how many layers does the encoder have"])[0]
    assert col.dense(q, 1).rows.tolist() == [0]
    masked = col.dense(q, 4, mask=np.array([False, True, True, True]))
    assert 0 not in masked.rows.tolist() and len(masked.rows) == 3
    sp = col.sparse(query_tokens("Zyxwv"), 4)
    assert sp.rows.tolist() == [1]  # zero-score rows dropped
    assert col.sparse(query_tokens("Zyxwv"), 4, mask=np.array([True, False, True, True])).rows.tolist() == []
    ceiling, coverage = col.bm25_ceiling(query_tokens("Zyxwv unknownword"))
    assert ceiling == pytest.approx(float(sp.scores[0])) and coverage == 0.5
    col.save()
    again = RowCollection(tmp_path / "col", embedder.dim, embedder.name)
    assert again.ntotal == 4 and again.bm25_pos.tolist() == [0, 1, 2, 3]
    ru = again.sparse(query_tokens("какие товары рекомендовать пользователю"), 1)
    assert ru.rows.tolist() == [2]  # the Russian stemmer applies after reload
    assert np.allclose(again.vector(3), vectors[3], atol=1e-6)


def test_compaction_keeps_vectors_without_reembedding(tmp_path, embedder, vectors):
    col = _collection(tmp_path, embedder, vectors)
    col.compact(np.array([1, 3]))
    assert col.ntotal == 2
    assert np.allclose(col.vector(0), vectors[1], atol=1e-6) and np.allclose(col.vector(1), vectors[3], atol=1e-6)


def test_other_embedder_or_damaged_folder_is_refused(tmp_path, embedder, vectors):
    _collection(tmp_path, embedder, vectors).save()
    with pytest.raises(StorageError, match="re-import"):
        RowCollection(tmp_path / "col", embedder.dim, "another-embedder", rebuild_hint="re-import")
    (tmp_path / "col" / "bm25_pos.npy").write_bytes(b"not numpy")
    with pytest.raises(StorageError, match="damaged"):
        RowCollection(tmp_path / "col", embedder.dim, embedder.name)


def test_collection_and_hybrid_index_share_the_bm25_pipeline(tmp_path, embedder, vectors):
    """Same tokenizer, stop words and stemmer: the two stores rank BM25 the same way."""
    col = _collection(tmp_path, embedder, vectors)
    # no metadata: LlamaIndex's BM25Retriever indexes the node text with its embed metadata
    nodes = [TextNode(id_=f"n{i}", text=t) for i, t in enumerate(TEXTS)]
    hyb = HybridIndex.build(nodes, embedder, embeddings=vectors)
    for q in ["identical layers attention", "товары пользователя", "training label smoothing model"]:
        ours = col.sparse(query_tokens(q), 4)
        theirs = hyb.retrieve(q, top_k=4, mode="bm25")
        assert ours.rows.tolist() == [int(h.node.node_id[1:]) for h in theirs]
        assert np.allclose(ours.scores, [h.score for h in theirs], rtol=1e-4)


def test_row_hits_are_typed_like_reader_hits():
    hit = Hit(node=RowRef("0:7", {"channel": "c", "row": 7, "post_id": 42}), score=0.5, dense=0.5)
    assert hit.post_id == 42 and hit.page is None
