"""Pages into sentences and chunks that carry their page and section from the start.

A chunk never crosses a page boundary, so every chunk cites exactly one page
(paper-qa's lesson: citations come by construction). Chunks are packed from whole
sentences up to ``chunk_chars`` characters, with ``overlap_sentences`` sentences
repeated between neighbours on the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import detect_lang, split_sentences
from ..types import Chunk, Lang
from .pdf import OutlineEntry, ParsedPDF

__all__ = ["REFERENCES_HEADING", "Sentence", "chunk_document", "document_lang", "in_references", "is_prose"]

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
    """

    text: str
    page: int
    chunk: int
    order: int
    section: str = ""


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
