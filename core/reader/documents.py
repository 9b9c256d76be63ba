"""A Reader document: parsed pages, chunks, sentence vectors and a hybrid index, saved
under ``<data_dir>/indexes/<doc_id>`` and reopened by the file's content hash.

Layout of a saved document (all written to a temporary folder, then swapped in)::

    <doc_id>/
        meta.json          HybridIndex metadata + {"params" (parser version, chunking), "title", ...}
        vector/, bm25/     the LlamaIndex FAISS and BM25 stores of the chunks
        sentences.json     [{"text", "page", "chunk", "order", "section"}, ...]
        sentences.npy      float32 (n_sentences, dim), L2-normalised (prose sentences
                           only; rows match sentences.json)
        source.pdf         the original bytes (to render cited pages)
        lexicon.json/.npy  the per-paper bilingual lexicon (:mod:`core.reader.lexicon`), recorded
                           in meta.json ``extra.lexicon``

Opening a paper also prepares everything its questions would otherwise compute on the first one
(:func:`_prepare`: the lexicon, the sentences' stems, the vocabulary, the section-title vectors), so
the first question on a paper costs what the others cost (L, #8).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..errors import StorageError
from ..retrieval import HybridIndex
from ..text import stem_tokens
from ..types import Chunk, Lang
from .chunking import Sentence, chunk_document, document_lang, is_complete, is_prose
from .layout import PARSER_VERSION
from .lexicon import lexicon_record, paper_lexicon, write_lexicon_files
from .pdf import OutlineEntry, ParsedPDF, check_size, content_hash, find_abstract, parse_pdf

__all__ = ["ReaderDocument", "index_params", "list_documents", "open_document"]

log = logging.getLogger(__name__)


@dataclass
class ReaderDocument:
    """Everything the Reader needs about one open document.

    Attributes:
        doc_id: SHA-256 of the file's bytes.
        title: document title.
        lang: main language of the document.
        n_pages: number of pages.
        sentences: quotable (prose) sentences in reading order.
        sentence_vectors: float32 ``(len(sentences), dim)``, L2-normalised.
        index: hybrid chunk index (chunk nodes carry ``page``, ``section``, ``order``).
        outline: the PDF's outline.
        pdf_bytes: the original file (for rendering cited pages).
        loaded_from_disk: True when reopened from a saved index (no re-embedding).
        abstract: the paper's abstract ("" when it has none; None for an index saved
            before abstracts were recorded).
        folder: the saved document's folder (``<index_dir>/<doc_id>``), None when it is not
            saved; the per-paper lexicon (:mod:`core.reader.lexicon`) is kept there too.
    """

    doc_id: str
    title: str
    lang: Lang
    n_pages: int
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    index: HybridIndex
    outline: list[OutlineEntry]
    pdf_bytes: bytes
    loaded_from_disk: bool = False
    abstract: str | None = None
    folder: Path | None = None

    def section_vectors(self, embedder: Embedder) -> tuple[list[str], np.ndarray]:
        """Section titles and their vectors ``(n_titles, dim)``, embedded once and cached."""
        if getattr(self, "_sections", None) is None:
            titles = sorted({s.section for s in self.sentences if s.section})
            vectors = embedder.embed(titles) if titles else np.zeros((0, embedder.dim), np.float32)
            self._sections = (titles, vectors)
        return self._sections

    def sentence_stems(self) -> list[set[str]]:
        """Stemmed content words of each sentence (RU/EN Snowball), computed once."""
        if getattr(self, "_stems", None) is None:
            self._stems = [set(stem_tokens(s.text)) for s in self.sentences]
        return self._stems

    def vocabulary(self) -> set[str]:
        """Every stem of the document's sentences and passages (RU/EN Snowball), computed once."""
        if getattr(self, "_vocab", None) is None:
            vocab: set[str] = set().union(*self.sentence_stems()) if self.sentences else set()
            for node in self.index.nodes:
                vocab |= set(stem_tokens(node.get_content()))
            self._vocab = vocab
        return self._vocab

    def page_sentences(self, page: int) -> list[int]:
        """Indices into :attr:`sentences` of the sentences on 1-based ``page``."""
        return [i for i, s in enumerate(self.sentences) if s.page == page]


def _nodes(chunks: list[Chunk]):
    from llama_index.core.schema import TextNode

    return [
        TextNode(
            id_=c.chunk_id,
            text=c.text,
            metadata={"doc_id": c.doc_id, "page": c.page, "section": c.section, "order": c.order, "kind": c.kind},
            excluded_embed_metadata_keys=["doc_id", "page", "section", "order", "kind"],
            excluded_llm_metadata_keys=["doc_id", "order", "kind"],
        )
        for c in chunks
    ]


def _chunk_vectors(chunks: list[Chunk], sentences: list[Sentence], vectors: np.ndarray,
                   embedder: Embedder) -> np.ndarray:
    """A passage's vector: the L2-normalised mean of its prose sentences' vectors (each
    sentence is embedded once, not again inside its passage: about half the ingest time);
    passages without prose sentences (tables) are embedded whole."""
    out = np.zeros((len(chunks), embedder.dim), np.float32)
    sums: dict[int, list[int]] = {}
    for row, s in enumerate(sentences):
        sums.setdefault(s.chunk, []).append(row)
    missing = []
    for n, c in enumerate(chunks):
        rows = sums.get(c.order)
        if rows:
            v = vectors[rows].mean(axis=0)
            out[n] = v / (np.linalg.norm(v) or 1.0)
        else:
            missing.append(n)
    if missing:
        out[missing] = embedder.embed([chunks[n].text for n in missing])
    return out


def _build(pdf: ParsedPDF, data: bytes, embedder: Embedder, chunk_chars: int, overlap: int) -> ReaderDocument:
    chunks, all_sentences = chunk_document(pdf, chunk_chars=chunk_chars, overlap_sentences=overlap)
    # Quotable: prose, and a whole sentence (not a figure label or a fragment)
    sentences = [s for s in all_sentences if is_prose(s.text) and is_complete(s.text)]
    vectors = embedder.embed([s.text for s in sentences]) if sentences else np.zeros((0, embedder.dim), np.float32)
    index = HybridIndex.build(_nodes(chunks), embedder, embeddings=_chunk_vectors(chunks, sentences, vectors, embedder))
    return ReaderDocument(
        doc_id=pdf.doc_id,
        title=pdf.title,
        lang=document_lang(pdf),
        n_pages=pdf.n_pages,
        sentences=sentences,
        sentence_vectors=vectors,
        index=index,
        outline=pdf.outline,
        pdf_bytes=data,
        abstract=find_abstract(pdf.pages),
    )


def index_params(chunk_chars: int, overlap: int) -> dict:
    """Everything a saved document's index depends on besides the embedder (recorded in
    its metadata; a saved index whose parameters differ is rebuilt, never reused)."""
    return {"parser_version": PARSER_VERSION, "chunk_chars": chunk_chars, "overlap_sentences": overlap,
            "passage_vectors": "mean-of-sentences", "quotable": "prose+complete"}


def _save(doc: ReaderDocument, target: Path, params: dict | None = None, embedder: Embedder | None = None) -> None:
    """Write ``doc`` to ``target`` atomically; with ``embedder``, its lexicon (built now unless
    cached) goes into the same folder write, recorded in ``meta.json`` ``extra.lexicon``."""
    extra = {
        "params": params or {},
        "title": doc.title,
        "lang": doc.lang,
        "n_pages": doc.n_pages,
        "outline": [asdict(o) for o in doc.outline],
        "abstract": doc.abstract,
    }
    lexicon = paper_lexicon(doc, embedder) if embedder is not None else None
    if lexicon is not None:
        extra["lexicon"] = lexicon_record(lexicon, embedder.name)

    def write_extra(tmp: Path) -> None:
        (tmp / "sentences.json").write_text(
            json.dumps([asdict(s) for s in doc.sentences], ensure_ascii=False), encoding="utf-8"
        )
        np.save(tmp / "sentences.npy", doc.sentence_vectors)
        (tmp / "source.pdf").write_bytes(doc.pdf_bytes)
        if lexicon is not None:
            write_lexicon_files(lexicon, tmp, embedder.name)

    doc.index.persist(target, extra=extra, write_extra=write_extra)


def _prepare(doc: ReaderDocument, embedder: Embedder) -> None:
    """Compute and cache what every question on ``doc`` needs and the first one used to compute:
    the lexicon (read from ``doc.folder`` when saved there, else built and saved,
    :func:`core.reader.lexicon.paper_lexicon`), the sentences' stems, the vocabulary, the section
    titles' vectors and, when :attr:`core.reader.qa.EvidenceParams.page_nodes` is on, the page-sized
    dense nodes of cross-lingual questions (:func:`core.reader.qa.page_nodes`, kept in ``doc.folder``). Nothing here changes a result: the same cached values, computed earlier.

    Measured (scripts/reader_latency_dev.py, 2026-12-02): under load (qasper_dev, 11 papers, n=222
    questions per language, cProfile) the lexicon was 0.52 s of the first Russian question on each
    paper (the RU p95), the rest 60-90 ms of the first English one; on a quiet machine (15 dev
    papers) the first cross-lingual question per paper took 107-352 ms before, 10-16 ms after, and a
    reopen 4-14 ms before, 12-39 ms after (reading the lexicon, stemming, embedding section titles)."""
    paper_lexicon(doc, embedder)
    doc.sentence_stems()
    doc.vocabulary()
    doc.section_vectors(embedder)
    from .qa import DEFAULT_PARAMS, page_nodes  # qa imports this module

    if DEFAULT_PARAMS.page_nodes:  # the cross-lingual page nodes (0.08 s/page, qa.page_nodes): read or built now
        page_nodes(doc, embedder)


def _load(target: Path, embedder: Embedder) -> ReaderDocument:
    index = HybridIndex.load(target, embedder)
    meta = HybridIndex.read_meta(target) or {}
    extra = meta.get("extra", {})
    try:
        sentences = [
            Sentence(**{**s, "bbox": tuple(s["bbox"]) if s.get("bbox") else None})
            for s in json.loads((target / "sentences.json").read_text(encoding="utf-8"))
        ]
        vectors = np.load(target / "sentences.npy")
        data = (target / "source.pdf").read_bytes()
    except (OSError, ValueError, TypeError) as exc:
        raise StorageError(f"The saved document {target.name[:12]} is incomplete.") from exc
    if len(sentences) != len(vectors):
        raise StorageError(f"The saved document {target.name[:12]} is inconsistent.")
    return ReaderDocument(
        doc_id=target.name,
        title=extra.get("title", "Untitled document"),
        lang=extra.get("lang", "en"),
        n_pages=int(extra.get("n_pages", 0)),
        sentences=sentences,
        sentence_vectors=vectors,
        index=index,
        outline=[OutlineEntry(**o) for o in extra.get("outline", [])],
        pdf_bytes=data,
        loaded_from_disk=True,
        abstract=extra.get("abstract"),
    )


def saved_index_matches(target: Path, embedder_name: str, params: dict) -> bool:
    """True when the document folder ``target`` holds an index built by ``embedder_name``
    with these chunking ``params`` (so opening the PDF again reloads it, no re-embedding)."""
    meta = HybridIndex.read_meta(target)
    return (meta is not None and meta.get("embedder") == embedder_name
            and meta.get("extra", {}).get("params") == params)


def open_document(
    data: bytes,
    embedder: Embedder,
    index_dir: Path,
    chunk_chars: int = 1000,
    overlap_sentences: int = 1,
    max_bytes: int | None = None,
    max_pages: int | None = None,
) -> ReaderDocument:
    """Open a PDF: reload its saved index by content hash, or parse, embed and save it.

    Either way the document comes back prepared for questions (:func:`_prepare`): its per-paper
    lexicon is saved with the index at ingest (and built once on reopening an index saved without
    one), so no question builds it.

    Args:
        data: the PDF's bytes.
        embedder: the embedder (a saved index built with another one is rebuilt).
        index_dir: folder of saved documents (``settings.index_dir``).
        chunk_chars: most characters per chunk.
        overlap_sentences: sentences shared by neighbouring chunks.
        max_bytes: size limit in bytes.
        max_pages: page limit.

    Raises:
        InputError: (subclasses) the file is not a usable PDF; nothing on disk changes.
        StorageError: never for a failed save of a new document (it is logged and the
            document is returned unsaved); saved documents are never damaged.
    """
    check_size(data, max_bytes)  # before a saved index of an oversized file is reopened
    target = index_dir / content_hash(data)
    params = index_params(chunk_chars, overlap_sentences)
    if saved_index_matches(target, embedder.name, params):
        try:
            doc = _load(target, embedder)
            doc.folder = target
            _prepare(doc, embedder)  # an index saved before lexicons were: built and saved once, now
            return doc
        except StorageError as exc:
            log.warning("rebuilding %s: %s", target.name[:12], exc)
    pdf = parse_pdf(data, max_bytes=max_bytes, max_pages=max_pages)
    doc = _build(pdf, data, embedder, chunk_chars, overlap_sentences)
    try:
        _save(doc, target, params, embedder)
        doc.folder = target
    except StorageError as exc:
        log.warning("could not save %s: %s", target.name[:12], exc)
    _prepare(doc, embedder)
    return doc


def list_documents(index_dir: Path) -> list[dict]:
    """Saved documents, newest first: ``[{"doc_id", "title", "lang", "n_pages"}]``."""
    out = []
    if not index_dir.is_dir():
        return out
    for d in sorted(index_dir.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
        meta = HybridIndex.read_meta(d) if d.is_dir() and not d.name.startswith(".") else None
        if meta:
            extra = meta.get("extra", {})
            out.append({"doc_id": d.name, "title": extra.get("title", d.name[:12]),
                        "lang": extra.get("lang", "en"), "n_pages": extra.get("n_pages", 0)})
    return out
