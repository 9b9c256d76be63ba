"""Pages into sentences and chunks that carry their page and section from the start.

A chunk never crosses a page boundary, so every chunk cites exactly one page
(paper-qa's lesson: citations come by construction). Chunks are packed from whole
sentences up to ``chunk_chars`` characters, with ``overlap_sentences`` sentences
repeated between neighbours on the same page.

With the layout blocks of :mod:`core.reader.layout` (every PDF parsed by
:func:`core.reader.pdf.parse_pdf`), sentences come from paragraphs rejoined across
columns and pages (a sentence's page is where it starts), a sentence repeated in the
text layer is kept once, captions and tables are chunks of their own, formula-only
lines, figure labels, the title/author block and the reference list are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import detect_lang, split_sentences
from ..types import Chunk, Lang
from .layout import paragraphs
from .pdf import OutlineEntry, ParsedPDF

__all__ = ["REFERENCES_HEADING", "Sentence", "chunk_document", "document_lang", "in_references", "is_complete",
           "is_prose"]

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document.

    Attributes:
        text: the sentence, white space collapsed.
        page: 1-based page.
        chunk: 0-based index of the first chunk that contains it.
        order: 0-based position in reading order over the whole document.
        section: enclosing outline title ("" when none).
        kind: "text", "footnote", "caption" or "table" (a table row).
        bbox: ``[x0, y0, x1, y1]`` in PDF points of the block it starts in (None when unknown).
    """

    text: str
    page: int
    chunk: int
    order: int
    section: str = ""
    kind: str = "text"
    bbox: tuple[float, float, float, float] | None = None


REFERENCES_HEADING = re.compile(r"^(\d+\.?\s*)?(references|bibliography|список литературы|литература)$", re.IGNORECASE)
"""A block that starts the reference list (its sentences get section "References")."""


def in_references(section: str) -> bool:
    """True when a sentence's section is the reference list ("References", "8 References",
    "Список литературы"), whether it came from the outline or from a heading block."""
    return bool(section) and bool(REFERENCES_HEADING.match(section.strip()))


def is_prose(sentence: str, min_words: int = 4) -> bool:
    """True for a sentence worth quoting: enough real words, mostly letters, not a formula.

    Args:
        sentence: one sentence.
        min_words: fewest words a quotable sentence has.
    """
    words = sentence.split()
    if len(words) < min_words or len(sentence) > 700:
        return False
    if sum(1 for w in words if len(_LETTER.findall(w)) >= 2) < min_words:
        return False  # formulas: "z = Wx + b,"
    letters = len(_LETTER.findall(sentence))
    return letters / max(1, len(sentence.replace(" ", ""))) >= 0.55


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def is_complete(sentence: str, long_words: int = 25) -> bool:
    """True for a whole sentence: it ends with . ! ? or is long enough (``long_words``) to be
    one whose full stop was lost. Figure labels ("Scaled Dot-Product Attention Multi-Head
    Attention"), headings and fragments cut at a page break end without one."""
    return bool(_SENTENCE_END.search(sentence.strip())) or len(sentence.split()) >= long_words


def document_lang(pdf: ParsedPDF) -> Lang:
    """The main language of a document, from the text of its first pages."""
    return detect_lang(" ".join(pdf.pages[:5])[:20000])


def _section_marks(page_text: str, entries: list[OutlineEntry]) -> list[tuple[int, str]]:
    marks = []
    for entry in entries:
        # Outline titles are often "3.2 Attention" while the page says "3.2\nAttention".
        words = [re.escape(w) for w in entry.title.split()]
        pos = 0
        if words:
            found = re.search(r"\s*".join(words), page_text)
            pos = found.start() if found else 0
        marks.append((pos, entry.title))
    return sorted(marks)


def _pack(
    items: list[tuple[str, str]], chunk_chars: int, overlap: int
) -> list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """Greedy packing of sentences into chunks of at most ``chunk_chars`` characters.

    Returns:
        One ``(new_sentences, all_sentences)`` pair per chunk: the sentences first seen
        in this chunk, and all of its sentences including the overlap carried over.
    """
    groups: list[tuple[list[tuple[str, str]], list[tuple[str, str]]]] = []
    new: list[tuple[str, str]] = []
    carry: list[tuple[str, str]] = []
    size = 0
    for item in items:
        if new and size + len(item[0]) + 1 > chunk_chars:
            groups.append((new, carry + new))
            carry = new[-overlap:] if overlap else []
            new, size = [], sum(len(s) + 1 for s, _ in carry)
        new.append(item)
        size += len(item[0]) + 1
    if new:
        groups.append((new, carry + new))
    return groups


def chunk_document(
    pdf: ParsedPDF, chunk_chars: int = 1000, overlap_sentences: int = 1
) -> tuple[list[Chunk], list[Sentence]]:
    """Cut a parsed PDF into chunks and sentences.

    Args:
        pdf: the parsed document.
        chunk_chars: most characters in a chunk (a single longer sentence is kept whole).
        overlap_sentences: sentences repeated at the start of the next chunk on a page.

    Returns:
        ``(chunks, sentences)``, both in reading order; ``chunk.page`` and
        ``sentence.page`` are 1-based.
    """
    if pdf.blocks:
        return _chunk_blocks(pdf, chunk_chars, overlap_sentences)
    lang = document_lang(pdf)
    by_page: dict[int, list[OutlineEntry]] = {}
    for entry in pdf.outline:
        by_page.setdefault(entry.page, []).append(entry)

    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    section = ""
    prefix = pdf.doc_id[:12]
    for page_no, page_text in enumerate(pdf.pages, start=1):
        marks = _section_marks(page_text, by_page.get(page_no, []))
        # Split per paragraph-ish block so section marks can be placed by offset.
        page_sents: list[tuple[str, str]] = []
        offset = 0
        block_sents = []
        for block in page_text.split("\n\n"):
            if REFERENCES_HEADING.match(block.strip()):
                marks.append((page_text.find(block), "References"))
                marks.sort()
            block_sents.extend(split_sentences(block, lang))
        for sent in block_sents:
            head = sent.split()[0] if sent.split() else sent
            found = page_text.find(head, offset)
            if found >= 0:
                offset = found
            while marks and marks[0][0] <= offset:
                section = marks.pop(0)[1]
            page_sents.append((sent, section))
        while marks:
            section = marks.pop(0)[1]

        for group in _pack(page_sents, chunk_chars, overlap_sentences):
            n = len(chunks)
            for sent, sec in group[0]:
                sentences.append(Sentence(text=sent, page=page_no, chunk=n, order=len(sentences), section=sec))
            chunks.append(
                Chunk(
                    doc_id=pdf.doc_id,
                    chunk_id=f"{prefix}-{n}",
                    text=" ".join(s for s, _ in group[1]),
                    page=page_no,
                    page_end=page_no,
                    section=group[1][0][1],
                    order=n,
                )
            )
    return chunks, sentences


def _dedup_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


def _chunk_blocks(pdf: ParsedPDF, chunk_chars: int, overlap: int) -> tuple[list[Chunk], list[Sentence]]:
    """:func:`chunk_document` over the layout blocks (see the module docstring)."""
    lang = document_lang(pdf)
    prefix = pdf.doc_id[:12]
    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    seen: set[str] = set()
    # (text, page, section, kind, bbox) of the running-text chunk being packed
    pending: list[tuple[str, int, str, str, tuple | None]] = []
    carry: list[tuple[str, int, str, str, tuple | None]] = []

    def emit(items, new_items, kind: str) -> None:
        n = len(chunks)
        for text, page, sec, k, bbox in new_items:
            sentences.append(Sentence(text=text, page=page, chunk=n, order=len(sentences), section=sec, kind=k,
                                      bbox=bbox))
        chunks.append(Chunk(doc_id=pdf.doc_id, chunk_id=f"{prefix}-{n}", text=" ".join(t for t, *_ in items),
                            page=items[0][1], page_end=items[-1][1], section=items[0][2], order=n, kind=kind))

    def flush(keep_carry: bool) -> None:
        nonlocal pending, carry
        if pending:
            emit(carry + pending, pending, "text")
            carry = pending[-overlap:] if overlap and keep_carry else []
        elif not keep_carry:
            carry = []
        pending = []

    paras = paragraphs(pdf.blocks)
    captions = {(p.pieces[0][1], p.text[:5].lower()): p.text for p in paras if p.kind == "caption"}
    # With an outline its titles name the sections (placed where their words start a
    # paragraph on their page); without one the heading blocks do.
    outline: dict[int, list[tuple[re.Pattern[str], str]]] = {}
    for entry in pdf.outline:
        words = [re.escape(w) for w in entry.title.split()]
        if words:
            outline.setdefault(entry.page, []).append((re.compile(r"\s*".join(words)), entry.title))
    section = ""
    for para in paras:
        page0 = para.pieces[0][1]
        if outline:
            for pattern, title in list(outline.get(page0, [])):
                if pattern.search(para.text[: len(title) + 40]):
                    if title != section:
                        flush(keep_carry=False)
                    section = title
                    outline[page0].remove((pattern, title))
                    break
        elif para.kind == "heading":
            section = para.text
        para.section = section
        if para.kind in ("heading", "formula"):
            if para.kind == "heading":
                flush(keep_carry=False)
            continue
        if para.kind == "table":
            page, bbox = para.locate(0)
            caption = captions.get((page, "table"), "")
            rows = [r for r in para.text.split(" \n") if r.strip()]
            items = [(r, page, para.section, "table", bbox) for r in rows]
            if caption:
                items = [(caption, page, para.section, "caption", bbox), *items]
            flush(keep_carry=True)
            new = [it for it in items if it[3] == "table"]
            emit(items, new, "table")
            continue
        kind = {"caption": "caption", "footnote": "footnote"}.get(para.kind, "text")
        pos = 0
        items = []
        for sent in split_sentences(para.text, lang):
            found = para.text.find(sent[:30], pos)
            if found >= 0:
                pos = found
            page, bbox = para.locate(pos)
            key = _dedup_key(sent)
            if not key or key in seen:
                continue  # a sentence the text layer repeats is kept once
            seen.add(key)
            items.append((sent, page, para.section, kind, bbox))
        if not items:
            continue
        if kind != "text":
            flush(keep_carry=True)
            emit(items, items, kind)
            continue
        for item in items:
            size = sum(len(t) + 1 for t, *_ in carry + pending)
            if pending and (item[1] != pending[-1][1] or size + len(item[0]) + 1 > chunk_chars):
                page_change = item[1] != pending[-1][1]
                flush(keep_carry=not page_change)
            pending.append(item)
    flush(keep_carry=False)
    return chunks, sentences
