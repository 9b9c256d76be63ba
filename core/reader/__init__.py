"""The Reader: open a paper, summarise it, answer questions with page citations.

Package layout:
    pdf         PDF validation, page text, outline, highlighted page rendering
    chunking    pages into chunks that carry page and section
    documents   a parsed, chunked and indexed paper (saved by content hash)
    summarize   extractive (LexRank) and LLM summaries with page references
    qa          extractive and LLM answers with page citations and abstention
    glossary    RU/EN term glossary for cross-lingual questions
    notes       Markdown export of summary and Q&A
    __main__    the command line (``python -m core.reader summarize|ask``)

:class:`Reader` ties settings, the embedder and the optional LLM together for the
page and the command line. Pages are 1-based.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..embeddings import Embedder, get_embedder
from ..grounding import neutralize_marks
from ..llm import LLMClient, llm_from_settings
from ..settings import Settings
from ..types import Answer, Lang, Summary, SummarySentence
from .documents import ReaderDocument, open_document
from .qa import answer_question
from .summarize import summarize

__all__ = ["Reader", "ReaderDocument", "answer_json"]


@dataclass
class Reader:
    """The Reader service.

    Attributes:
        settings: app settings (limits, thresholds, data directory).
        embedder: the embedder (default: from settings).
        llm: optional LLM client (default: from settings; None = offline).
    """

    settings: Settings
    embedder: Embedder
    llm: LLMClient | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Reader:
        """Build a Reader with the configured embedder and LLM.

        Raises:
            ModelError: the configured embedding model cannot be loaded.
        """
        return cls(
            settings=settings,
            embedder=get_embedder(settings.embed_model, settings.threads, settings.allow_model_download),
            llm=llm_from_settings(settings),
        )

    def open(self, data: bytes, ocr_progress: Callable[[int, int], None] | None = None) -> ReaderDocument:
        """Open a PDF from its bytes (reloads a saved index by content hash).

        Scanned PDFs and PNG/JPEG images are recognised with Tesseract first (#12,
        :func:`core.reader.ocr.open_with_ocr`); ``ocr_progress(done, total)`` is called per page.

        Raises:
            InputError: not a usable PDF (not a PDF, corrupt, encrypted, empty,
                too large); NeedsOCRError when a scan needs OCR and Tesseract is
                missing; nothing saved is touched.
        """
        from .ocr import open_with_ocr

        cfg = self.settings

        def open_pdf(pdf: bytes) -> ReaderDocument:
            return open_document(
                pdf,
                self.embedder,
                cfg.index_dir,
                chunk_chars=cfg.chunk_chars,
                overlap_sentences=cfg.chunk_overlap_sentences,
                max_bytes=cfg.max_upload_mb * 1024 * 1024,
                max_pages=cfg.max_pages,
            )

        return open_with_ocr(data, open_pdf, cfg.data_dir / "ocr", cfg.ocr_langs, cfg.ocr_dpi, ocr_progress,
                             max_pages=cfg.max_pages)

    def is_saved(self, data: bytes) -> bool:
        """True when :meth:`open` of ``data`` is a quick reload: the PDF's index (or, for a
        scan, its recognised PDF's index) is saved with the current embedder and chunking,
        so nothing is parsed, recognised or embedded again (an index saved before the per-paper
        lexicon was saved with it gets its lexicon embedded once on that reopen, 0.1-0.6 s per
        dev paper, :func:`core.reader.documents.open_document`)."""
        from .documents import index_params, saved_index_matches
        from .ocr import cached_pdf_path
        from .pdf import content_hash

        cfg = self.settings
        params = index_params(cfg.chunk_chars, cfg.chunk_overlap_sentences)
        if saved_index_matches(cfg.index_dir / content_hash(data), self.embedder.name, params):
            return True
        ocr_pdf = cached_pdf_path(data, cfg.data_dir / "ocr")
        return ocr_pdf.is_file() and saved_index_matches(cfg.index_dir / content_hash(ocr_pdf.read_bytes()),
                                                         self.embedder.name, params)

    def summarize(self, doc: ReaderDocument, n_sentences: int | None = None, lang: Lang | None = None) -> Summary:
        """Summarise ``doc`` (LLM when configured, else extractive).

        The paper's own citation marks inside quoted sentences ("[p. 99]") are shown as
        "(p. 99)" (:func:`_neutral_summary`), so only Margo's checked marks look live.
        """
        return _neutral_summary(
            summarize(doc, self.embedder, n_sentences or self.settings.summary_sentences, self.llm, lang)
        )

    def ask(self, doc: ReaderDocument, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` about ``doc`` with page citations, or abstain.

        The paper's own citation marks inside quotes ("[p. 99]") are shown as "(p. 99)"
        (:func:`_neutral_answer`); the citations' pages are unchanged.
        """
        cfg = self.settings
        return _neutral_answer(answer_question(
            doc,
            question,
            self.embedder,
            threshold=(cfg.abstain_threshold, cfg.abstain_threshold_crosslingual),
            llm=self.llm,
            top_k=cfg.top_k,
            n_sentences=cfg.answer_sentences,
            history=history,
        ))


def _neutral_text(text: str, quotes: list[str]) -> str:
    """``text`` with each quoted source sentence's own marks neutralised (#11b).

    Only the quotes' spans are rewritten: Margo's ``[p. N]`` after each quote stays live.
    """
    for quote in sorted(set(quotes), key=len, reverse=True):
        neutral = neutralize_marks(quote)
        if neutral != quote:
            text = text.replace(quote, neutral)
    return text


def _neutral_answer(answer: Answer) -> Answer:
    """``answer`` with the source's own "[p. 99]"/"[3]" marks in quotes, passages and the
    quoted spans of the text written as "(p. 99)"/"(3)" (:func:`core.grounding.neutralize_marks`).

    Render-side highlighting still finds the quote: it falls back to 6-word windows.
    """
    quotes = [c.quote for c in answer.citations]
    answer.text = _neutral_text(answer.text, quotes)
    answer.citations = [
        replace(c, quote=neutralize_marks(c.quote), passage=neutralize_marks(c.passage)) for c in answer.citations
    ]
    return answer


def _neutral_summary(summary: Summary) -> Summary:
    """``summary`` with the source's own marks in its quoted sentences neutralised."""

    def fix(sentences: list[SummarySentence]) -> list[SummarySentence]:
        return [SummarySentence(neutralize_marks(s.text), s.page) for s in sentences]

    summary.text = _neutral_text(summary.text, [s.text for s in summary.sentences])
    summary.sentences = fix(summary.sentences)
    summary.key_parts = {k: fix(v) for k, v in summary.key_parts.items()}
    return summary


def answer_json(answer: Answer) -> dict:
    """The command line's JSON shape of an answer."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [{"page": c.page, "quote": c.quote} for c in answer.citations],
        "lang": answer.lang,
        "notice": answer.notice or "",  # #11: non-empty whenever the LLM path failed (offline answer)
    }
