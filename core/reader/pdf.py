"""PDF in, pages of text out, with every kind of bad input named (PyMuPDF).

Pages are 1-based. Text is extracted with de-hyphenation (``TEXT_DEHYPHENATE``) so
"ал-\\nгоритмами" comes out as "алгоритмами".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import pymupdf

from ..errors import (
    CorruptPDFError,
    EmptyDocumentError,
    EncryptedPDFError,
    NeedsOCRError,
    NotAPDFError,
    TooLargeError,
)
from ..text import normalize_space
from .layout import Block, read_layout

# PyMuPDF prints an advert for its optional pymupdf_layout package on stdout the first time a
# page's layout is read; the command lines' stdout is JSON, so switch it off once here.
pymupdf.no_recommend_layout()

__all__ = ["OutlineEntry", "ParsedPDF", "check_size", "content_hash", "find_abstract", "parse_pdf", "render_page_highlight"]

_FLAGS = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_MIN_TEXT_CHARS_PER_PAGE = 20  # below this on every page, the PDF is scanned images


@dataclass(frozen=True)
class OutlineEntry:
    """One entry of the PDF's outline (table of contents): level (1 = top), title, 1-based page."""

    level: int
    title: str
    page: int


@dataclass
class ParsedPDF:
    """A validated PDF.

    Attributes:
        doc_id: SHA-256 hex digest of the file's bytes (the index key).
        title: metadata title, else the first line of page 1.
        pages: text of each page; ``pages[i]`` is page ``i + 1``. Each text block
            (paragraph, heading, caption) is one line; blocks are separated by a blank line.
        outline: the PDF's outline entries (empty when it has none).
        n_bytes: size of the file in bytes.
        blocks: the classified blocks in reading order (:func:`core.reader.layout.read_layout`;
            running headers, footers and page numbers already dropped). ``pages`` is
            built from them.
    """

    doc_id: str
    title: str
    pages: list[str]
    outline: list[OutlineEntry] = field(default_factory=list)
    n_bytes: int = 0
    blocks: list[Block] = field(default_factory=list)

    @property
    def n_pages(self) -> int:
        return len(self.pages)


_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[a-zа-яё])")


def _block_text(text: str) -> str:
    """One text block as one line: words broken at line ends re-joined ("моз-\\nгом")."""
    return normalize_space(_HYPHEN_BREAK.sub("", text))


def content_hash(data: bytes) -> str:
    """SHA-256 hex digest of ``data`` (64 lower-case hex characters)."""
    return hashlib.sha256(data).hexdigest()


def _open(data: bytes) -> pymupdf.Document:
    if not data:
        raise EmptyDocumentError("The file is empty (0 bytes).", key="errors.upload.empty")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise NotAPDFError("This file is not a PDF (it does not start with %PDF-). Upload a PDF document.",
                           key="errors.pdf.not_pdf")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - PyMuPDF raises several types for broken files
        raise CorruptPDFError("The PDF is damaged and cannot be read. Try re-downloading or re-exporting it.",
                              key="errors.pdf.corrupt") from exc
    if doc.needs_pass:
        raise EncryptedPDFError("The PDF is password-protected. Remove the password (or print it to a new PDF) and upload again.",
                                key="errors.pdf.encrypted")
    return doc


def check_size(data: bytes, max_bytes: int | None) -> None:
    """Raise :class:`TooLargeError` when ``data`` is longer than ``max_bytes`` (None: no limit)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLargeError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB (MARGO_MAX_UPLOAD_MB).",
            key="errors.upload.too_big", mb=f"{len(data) / 1e6:.1f}", limit_mb=f"{max_bytes / 1e6:.0f}",
        )


def parse_pdf(data: bytes, max_bytes: int | None = None, max_pages: int | None = None) -> ParsedPDF:
    """Validate a PDF and extract the text of each page.

    Args:
        data: the file's bytes.
        max_bytes: refuse files larger than this (None: no limit).
        max_pages: refuse documents with more pages than this (None: no limit).

    Returns:
        The parsed document, pages 1-based via ``pages[page - 1]``.

    Raises:
        EmptyDocumentError: zero bytes, zero pages, or no text at all.
        NotAPDFError: no ``%PDF-`` signature.
        CorruptPDFError: PyMuPDF cannot parse it, or every page fails.
        EncryptedPDFError: a password is needed.
        TooLargeError: over ``max_bytes`` or ``max_pages``.
        NeedsOCRError: the pages are images with no text layer.
    """
    check_size(data, max_bytes)
    doc = _open(data)
    try:
        if doc.page_count == 0:
            raise EmptyDocumentError("The PDF has no pages.", key="errors.pdf.no_pages")
        if max_pages is not None and doc.page_count > max_pages:
            raise TooLargeError(f"The PDF has {doc.page_count} pages; the limit is {max_pages} (MARGO_MAX_PAGES).",
                                key="errors.pdf.too_many_pages", pages=doc.page_count, limit=max_pages)
        failed = 0
        for page in doc:
            try:
                page.get_text("text", flags=_FLAGS)
            except Exception:  # noqa: BLE001 - one broken page must not lose the rest
                failed += 1
        if failed == doc.page_count:
            raise CorruptPDFError("No page of this PDF could be read; the file is damaged.", key="errors.pdf.unreadable")
        blocks, layout_title = read_layout(doc)
        # One paragraph per block (reading order), blocks apart by a blank line.
        by_page: list[list[str]] = [[] for _ in range(doc.page_count)]
        for b in blocks:
            by_page[b.page - 1].append(b.text)
        pages = ["\n\n".join(texts) for texts in by_page]
        chars = [len(normalize_space(p)) for p in pages]
        if sum(chars) == 0 or max(chars) < _MIN_TEXT_CHARS_PER_PAGE:
            images = sum(len(p.get_images()) for p in doc)
            if images:
                raise NeedsOCRError(
                    "This PDF has no text layer: its pages are images (a scan or handwriting). "
                    "It needs OCR first, e.g. `ocrmypdf -l rus+eng in.pdf out.pdf`, then upload the result.",
                    key="errors.pdf.needs_ocr",
                )
            raise EmptyDocumentError("The PDF contains no text.", key="errors.pdf.no_text")
        outline = []
        for level, title, page_no, *_ in doc.get_toc(simple=True):
            if title and 1 <= page_no <= doc.page_count:
                outline.append(OutlineEntry(level=level, title=normalize_space(title), page=page_no))
        title = normalize_space(doc.metadata.get("title") or "") if doc.metadata else ""
        if (not title or len(title) < 4) and layout_title:
            title = layout_title[:200]
        if not title or len(title) < 4:
            first = next((ln.strip() for ln in pages[0].splitlines() if len(ln.strip()) > 3), "")
            title = first[:120] or "Untitled document"
        return ParsedPDF(doc_id=content_hash(data), title=title, pages=pages, outline=outline, n_bytes=len(data),
                         blocks=blocks)
    finally:
        doc.close()


_ABSTRACT_SPAN = re.compile(
    r"(?:^|\n)(?:abstract|аннотация)\.?\s*\n?(.+?)\n\n(?:\d\.?\s+)?(?:introduction|введение)\b",
    re.IGNORECASE | re.DOTALL,
)


def find_abstract(pages: list[str]) -> str:
    """The paper's abstract from its first two pages ("Abstract" up to "Introduction"), or "".

    Args:
        pages: page texts as :class:`core.reader.pdf.ParsedPDF` gives them (blocks apart by blank lines).
    """
    match = _ABSTRACT_SPAN.search("\n\n".join(pages[:2]))
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def render_page_highlight(data: bytes, page: int, quote: str, zoom: float = 1.6) -> tuple[bytes, int]:
    """Render one page as PNG with ``quote`` highlighted.

    Searches the page for the quote; when the whole quote is not found (line breaks,
    ligatures), it highlights each of the quote's sentences' first words-runs that are.

    Args:
        data: the PDF's bytes.
        page: 1-based page number.
        quote: text to highlight.
        zoom: render scale (1.0 = 72 dpi).

    Returns:
        ``(png_bytes, n_highlights)``.

    Raises:
        CorruptPDFError: the PDF cannot be opened or the page does not exist.
    """
    doc = _open(data)
    try:
        if not 1 <= page <= doc.page_count:
            raise CorruptPDFError(f"Page {page} does not exist (the PDF has {doc.page_count} pages).",
                                 key="errors.pdf.no_such_page", page=page, pages=doc.page_count)
        pg = doc[page - 1]
        rects = pg.search_for(quote) if quote else []
        if not rects and quote:
            words = quote.split()
            # Fall back to overlapping 6-word windows: PDF line breaks split long quotes.
            for i in range(0, max(1, len(words) - 5), 3):
                rects.extend(pg.search_for(" ".join(words[i : i + 6])))
        for rect in rects:
            annot = pg.add_highlight_annot(rect)
            annot.set_colors(stroke=(1.0, 0.85, 0.2))
            annot.update()
        pix = pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom))
        return pix.tobytes("png"), len(rects)
    finally:
        doc.close()
