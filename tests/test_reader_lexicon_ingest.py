"""The per-paper lexicon is built when the paper is opened, not by its first cross-lingual
question (L, issue #8): saved with the index at ingest, read back on reopening, built once
when an index saved without one is reopened, and kept on the document when saving fails.
Real USE embedder, real QASPER dev paper (conftest ``open_dev_paper``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.reader import lexicon as lexicon_mod
from core.reader.documents import open_document
from core.reader.lexicon import LEXICON_VERSION, load_lexicon, paper_lexicon, translate_question
from core.reader.qa import find_evidence

PAPER = "1901.04085.pdf"  # Nogueira & Cho, Passage re-ranking with BERT (5 pages)
RU_QUESTION = "Какая модель используется для переранжирования отрывков?"


def _no_build(*_args, **_kwargs):
    raise AssertionError("the lexicon was built after the paper was opened")


@pytest.fixture()
def opened(open_dev_paper):
    return open_dev_paper(PAPER)


def test_lexicon_is_saved_with_the_index_at_ingest(opened):
    doc, embedder = opened
    assert not doc.loaded_from_disk and doc.folder is not None
    for name in ("lexicon.json", "lexicon.npy"):
        assert (doc.folder / name).is_file()
    meta = json.loads((doc.folder / "meta.json").read_text(encoding="utf-8"))
    saved = load_lexicon(doc.folder, embedder.name, embedder.dim)
    assert saved is not None and len(saved.words) > 100
    assert meta["extra"]["lexicon"] == {"embedder": embedder.name, "version": LEXICON_VERSION,
                                        "n_words": len(saved.words)}
    assert meta["extra"]["params"]  # the index's own metadata is there too
    cached = paper_lexicon(doc, embedder)
    assert cached.words == saved.words and np.array_equal(cached.vectors, saved.vectors)


def test_no_question_builds_the_lexicon(opened, monkeypatch):
    doc, embedder = opened
    monkeypatch.setattr(lexicon_mod, "_build", _no_build)
    assert translate_question(doc, RU_QUESTION, "ru", embedder, floor=0.6, per_word=2)
    ev = find_evidence(doc, RU_QUESTION, embedder)
    assert ev.cross_lingual and ev.indices


def test_reopened_document_reads_the_lexicon_and_does_not_rebuild_it(opened, monkeypatch):
    doc, embedder = opened
    built = paper_lexicon(doc, embedder)
    monkeypatch.setattr(lexicon_mod, "_build", _no_build)
    again = open_document(doc.pdf_bytes, embedder, doc.folder.parent)
    assert again.loaded_from_disk and again.folder == doc.folder
    loaded = paper_lexicon(again, embedder)
    assert loaded.words == built.words and loaded.stems == built.stems
    assert np.array_equal(loaded.vectors, built.vectors)


def test_an_index_saved_without_a_lexicon_gets_one_on_reopen_once(opened, monkeypatch):
    doc, embedder = opened
    words = paper_lexicon(doc, embedder).words
    meta_path = doc.folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["extra"]["lexicon"]  # as an index saved before lexicons were
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    for name in ("lexicon.json", "lexicon.npy"):
        (doc.folder / name).unlink()
    reopened = open_document(doc.pdf_bytes, embedder, doc.folder.parent)
    assert reopened.loaded_from_disk
    assert load_lexicon(doc.folder, embedder.name, embedder.dim).words == words
    monkeypatch.setattr(lexicon_mod, "_build", _no_build)
    third = open_document(doc.pdf_bytes, embedder, doc.folder.parent)
    assert paper_lexicon(third, embedder).words == words


def test_a_document_that_cannot_be_saved_still_has_its_lexicon(opened, tmp_path, monkeypatch):
    doc, embedder = opened
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the index folder should go", encoding="utf-8")
    unsaved = open_document(doc.pdf_bytes, embedder, blocked)  # saving fails: logged, document returned
    assert unsaved.folder is None and not unsaved.loaded_from_disk
    monkeypatch.setattr(lexicon_mod, "_build", _no_build)
    assert paper_lexicon(unsaved, embedder).words == paper_lexicon(doc, embedder).words


def test_nearest_on_one_blas_thread_gives_numpys_neighbours(opened):
    doc, embedder = opened
    lex = paper_lexicon(doc, embedder)
    q = embedder.embed(["модель", "отрывков", "переранжирования"])
    sims = q @ lex.vectors.T  # numpy's default threads
    got = lex.nearest(q, floor=0.0, per_word=3)
    for row, pairs in zip(sims, got, strict=True):
        assert [w for w, _ in pairs] == [lex.words[j] for j in np.argsort(-row)[:3]]
        assert [c for _, c in pairs] == pytest.approx(sorted(row, reverse=True)[:3], abs=1e-5)
