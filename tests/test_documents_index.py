"""Per-document index: built once, reopened by content hash, never damaged by failures."""

from __future__ import annotations

import os

import pytest

from core.embeddings import get_embedder
from core.errors import NotAPDFError, StorageError
from core.reader.documents import list_documents, open_document
from core.retrieval import HybridIndex


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def paper(shared_data):
    return (shared_data / "papers" / "sokolov_hse_lecture19_recommender_ru.pdf").read_bytes()


def test_reopen_loads_instead_of_reembedding(tmp_path, embedder, paper):
    first = open_document(paper, embedder, tmp_path)
    assert not first.loaded_from_disk and first.lang == "ru"
    again = open_document(paper, embedder, tmp_path)
    assert again.loaded_from_disk
    assert again.doc_id == first.doc_id and len(again.sentences) == len(first.sentences)
    assert again.abstract == first.abstract == ""  # lecture notes have no abstract
    assert (again.sentence_vectors == first.sentence_vectors).all()
    # retrieval works the same after reload, with the Russian stemmer restored
    q = "Как измерить покрытие каталога?"
    assert [n.node.node_id for n in again.index.retrieve(q, 3, "bm25")] == [
        n.node.node_id for n in first.index.retrieve(q, 3, "bm25")]
    assert again.index.retrieve(q, 3, "bm25")[0].node.metadata["page"] == 9
    assert list_documents(tmp_path)[0]["doc_id"] == first.doc_id


def test_failed_import_leaves_saved_index_intact(tmp_path, embedder, paper):
    doc = open_document(paper, embedder, tmp_path)
    before = sorted(p.name for p in (tmp_path / doc.doc_id).iterdir())
    with pytest.raises(NotAPDFError):
        open_document(b"not a pdf", embedder, tmp_path)
    assert sorted(p.name for p in (tmp_path / doc.doc_id).iterdir()) == before
    assert open_document(paper, embedder, tmp_path).loaded_from_disk


def test_failed_persist_keeps_old_index(tmp_path, embedder, paper, monkeypatch):
    doc = open_document(paper, embedder, tmp_path)
    target = tmp_path / doc.doc_id

    def boom(_tmp):
        raise OSError(28, "No space left on device")

    with pytest.raises(StorageError, match="No space"):
        doc.index.persist(target, extra={}, write_extra=boom)
    assert HybridIndex.read_meta(target) is not None
    assert open_document(paper, embedder, tmp_path).loaded_from_disk
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_damaged_index_is_rebuilt(tmp_path, embedder, paper):
    doc = open_document(paper, embedder, tmp_path)
    os.remove(tmp_path / doc.doc_id / "sentences.npy")
    again = open_document(paper, embedder, tmp_path)
    assert not again.loaded_from_disk and len(again.sentences) == len(doc.sentences)
