"""The per-paper lexicon (core/reader/lexicon.py) is saved beside the paper's index and read
back when the paper is reopened, recorded in the index's meta.json so another embedder or
lexicon version rebuilds it (R3). Real USE embedder, real QASPER dev paper."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.embeddings import get_embedder
from core.reader import lexicon as lexicon_mod
from core.reader.documents import open_document
from core.reader.lexicon import LEXICON_VERSION, load_lexicon, paper_lexicon, translate_question

PAPER = "1901.04085.pdf"  # Nogueira & Cho, Passage re-ranking with BERT (5 pages)
RU_QUESTION = "Какая модель используется для переранжирования отрывков?"


@pytest.fixture(scope="module")
def paper(shared_data):
    path = shared_data / "qasper_dev" / "papers" / PAPER
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path.read_bytes()


def _no_build(*_args, **_kwargs):
    raise AssertionError("the lexicon was built again instead of read from the saved index")


def test_lexicon_is_saved_recorded_and_read_back_on_reopen(paper, tmp_path, monkeypatch):
    embedder = get_embedder()
    doc = open_document(paper, embedder, tmp_path)
    assert doc.folder is not None and doc.folder.parent == tmp_path
    built = paper_lexicon(doc, embedder)
    meta = json.loads((doc.folder / "meta.json").read_text(encoding="utf-8"))
    record = meta["extra"]["lexicon"]
    assert record == {"embedder": embedder.name, "version": LEXICON_VERSION, "n_words": len(built.words)}
    assert meta["extra"]["params"]  # the index's own metadata is kept
    words_before = translate_question(doc, RU_QUESTION, "ru", embedder, floor=0.6, per_word=2)

    monkeypatch.setattr(lexicon_mod, "_build", _no_build)
    again = open_document(paper, embedder, tmp_path)
    assert again.loaded_from_disk and again.folder == doc.folder
    loaded = paper_lexicon(again, embedder)
    assert loaded.words == built.words and loaded.stems == built.stems
    assert loaded.vectors.dtype == np.float32 and np.array_equal(loaded.vectors, built.vectors)
    assert translate_question(again, RU_QUESTION, "ru", embedder, floor=0.6, per_word=2) == words_before
    assert words_before  # the question does translate


def test_another_embedder_version_or_damaged_files_rebuild(paper, tmp_path, monkeypatch):
    embedder = get_embedder()
    doc = open_document(paper, embedder, tmp_path)
    built = paper_lexicon(doc, embedder)
    folder = doc.folder
    assert load_lexicon(folder, embedder.name, embedder.dim) is not None
    assert load_lexicon(folder, "another-embedder", embedder.dim) is None
    assert load_lexicon(folder, embedder.name, embedder.dim + 1) is None
    monkeypatch.setattr(lexicon_mod, "LEXICON_VERSION", LEXICON_VERSION + 1)
    assert load_lexicon(folder, embedder.name, embedder.dim) is None
    monkeypatch.setattr(lexicon_mod, "LEXICON_VERSION", LEXICON_VERSION)
    # files that disagree with the record (one word dropped) are not trusted: rebuilt and saved again
    data = json.loads((folder / "lexicon.json").read_text(encoding="utf-8"))
    data["words"] = data["words"][:-1]
    (folder / "lexicon.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_lexicon(folder, embedder.name, embedder.dim) is None
    reopened = open_document(paper, embedder, tmp_path)
    rebuilt = paper_lexicon(reopened, embedder)
    assert rebuilt.words == built.words
    assert load_lexicon(folder, embedder.name, embedder.dim) is not None


def test_unsaved_document_builds_and_writes_nothing(paper, tmp_path):
    embedder = get_embedder()
    doc = open_document(paper, embedder, tmp_path)
    doc.folder = None  # as when saving the index failed
    doc._qa_lexicon = None  # built when the paper was opened (L): build it again, unsaved
    for f in ("lexicon.json", "lexicon.npy"):
        (tmp_path / doc.doc_id / f).unlink(missing_ok=True)
    lex = paper_lexicon(doc, embedder)
    assert len(lex.words) > 100
    assert not (tmp_path / doc.doc_id / "lexicon.json").exists()
