"""Read a paper's pages as a reader does: blocks with boxes and fonts, in column order.

From PyMuPDF's ``page.get_text("dict")`` blocks (text with bbox and font size) and
``page.find_tables()``, :func:`read_layout` gives the paper's blocks in reading order,
each with its 1-based page, bbox and a ``kind``:

* ``body``: running text; ``heading``: section titles; ``caption``: "Figure 2: ...",
  "Table 1. ..."; ``table``: a table found by ``find_tables`` (rows as ``a | b | c``
  lines, the caption prepended when one touches it); ``formula``: formula-only lines;
  ``footnote``: small print at the bottom of a page; ``figure``: the small labels inside
  a drawing; ``front``: the title and author block of page 1 (metadata, not answers);
  ``references``: the reference list, found after a "References" heading or, without
  one, by its shape (a run of blocks that look like bibliography entries).
* Dropped entirely: running headers and footers (the same text, digits ignored, in the
  top or bottom margin of at least ``_REPEAT_SHARE`` of the pages), page numbers,
  rotated text (the arXiv stamp in the margin) and text inside a table's box (the table
  node holds it).

Reading order is column-aware: a page is cut into horizontal bands at full-width
blocks, and inside a band the left column is read before the right one.
:func:`paragraphs` then rejoins body text split across columns and pages (a block that
does not end a sentence followed by one that starts in lower case) and keeps, for
every piece, the page and box it came from.

Constants are layout conventions of LaTeX/Word papers (ACL, NeurIPS, Springer
templates) checked on the qasper_dev papers (../shared/data/qasper_dev), not tuned on
any answer score.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from ..text import normalize_space

__all__ = ["PARSER_VERSION", "Block", "Paragraph", "paragraphs", "read_layout"]

PARSER_VERSION = 5
"""Bumped whenever the blocks a PDF gives change; a saved index of another version is rebuilt."""

_FLAGS = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_MEDIABOX_CLIP
_MARGIN_SHARE = 0.09
"""Top and bottom 9% of the page height hold running headers, footers, page numbers
(ACL/NeurIPS/Springer templates put them within the outer ~7% of an A4/Letter page)."""
_REPEAT_SHARE = 0.3
"""A margin text repeated on at least 30% of the pages (and 2 pages) is a running header
(Springer alternates author/title on even/odd pages, so each is on about half)."""
_COLUMN_SPLIT = (0.55, 0.45)
"""A block ending left of 55% of the width is in the left column, one starting right
of 45% in the right column; anything else spans the page (two-column templates
leave a gutter around 50%)."""

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[a-zа-яё])")
_PAGE_NUMBER = re.compile(r"^\W*(?:page|стр\.?|с\.)?\s*\d{1,4}(?:\s*(?:/|of|из)\s*\d{1,4})?\W*$", re.IGNORECASE)
_CAPTION = re.compile(r"^(?:figure|fig\.|table|tab\.|рис\.|рисунок|таблица|табл\.)\s*[\dIVX]+[a-z]?\s*[:.|—–-]",
                      re.IGNORECASE)
_TABLE_CAPTION = re.compile(r"^(?:table|tab\.|таблица|табл\.)\s*[\dIVX]+", re.IGNORECASE)
_REF_HEADING = re.compile(r"^(\d+\.?\s*)?(references|bibliography|список литературы|литература)$", re.IGNORECASE)
_ABSTRACT = re.compile(r"^(abstract|аннотация)\b", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:(?i:appendix|appendices|supplementary|supplemental|приложение)\b|[A-H](?:\.\d+)*\.?\s+[A-Z][a-z])")
"""An appendix heading: "Appendix", "APPENDIX", "Appendix A: ...", "Supplementary Material", "A Proofs",
"B.1 Data". The words match in any case (ICLR prints "APPENDIX"; 1804.00079 and 1704.06194 of qasper_dev
lost their appendices to the reference list while this was case-sensitive)."""
_APPENDIX_WORD = re.compile(r"^(?i:appendix|appendices|supplementary|supplemental|приложение)\b")
"""The word form of :data:`_APPENDIX` alone: a body line "A Visual Turing Test ... 2014." (an entry of
1603.01417) looks like a lettered heading."""
_APPENDIX_LINE_WORDS = 12
"""A body block that starts with an appendix word ends the reference list too when it is at most 12 words
and no bibliography entry (:func:`_ref_like`): ICLR's "APPENDIX" is set at the body size, so it is no
``heading`` block (the same 12-word bound as a heading in :func:`_classify`)."""
_FUNCTION_WORDS = re.compile(r"\b(?:the|we|is|are|was|were|this|that|our|which|it|be|these|can|has|have|to|an?|"
                             r"than|when|where|not|и|в|мы|это|что|на|не|как|для)\b", re.IGNORECASE)
_PROSE_WORDS, _PROSE_SHARE = 25, 0.2
"""A block of at least 25 words of which at least 20% are function words, not starting like an entry, is
running text, not a bibliography entry. Checked on the 11 qasper_dev and the 4 in-house text papers: inside
their reference lists no block is both (the longest entry-like prose is a 22-word figure caption), while the
appendix paragraphs after them are (1804.00079: 27-129 words at 0.21-0.32)."""
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-H](?:\.\d+)+\.?)\s+\S")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)[a-z]?\b")
_REF_START = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}\.\s+[A-ZА-Я]|[A-ZА-Я][\w'’-]+,\s+(?:[A-ZА-Я]\.|[A-ZА-Я][a-zа-я]+))")
_REF_CUES = re.compile(r"\b(?:In Proceedings|Proceedings|Proc\.|arXiv|Journal|Conference|Transactions|pp\.|"
                       r"vol\.|Association for|Workshop|Press|preprint|URL|doi)\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_MATH = re.compile(r"[=+−∑∏∫√∈∀∃≤≥≈→←×·∂∇αβγδθλμσφψωΣΠΩ^_{}|]")
_SENT_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")


@dataclass(frozen=True)
class Block:
    """One block of a page, in reading order.

    Attributes:
        text: the block's text on one line (white space collapsed, line-end hyphens joined).
        page: 1-based page number.
        bbox: ``(x0, y0, x1, y1)`` in PDF points, origin at the page's top left.
        kind: body, heading, caption, table, formula, footnote, figure, front or references.
        size: the block's main font size in points (0 for tables).
    """

    text: str
    page: int
    bbox: tuple[float, float, float, float]
    kind: str = "body"
    size: float = 0.0


@dataclass
class Paragraph:
    """Body text rejoined across column and page breaks.

    Attributes:
        text: the paragraph's text.
        pieces: ``(start_offset, page, bbox)`` of every block it was built from, in
            order; the page of any character offset is that of the last piece starting
            at or before it.
        kind: the kind of its blocks (body, caption, table, footnote, formula, heading).
        section: the heading in force where it starts ("" before the first).
    """

    text: str
    pieces: list[tuple[int, int, tuple[float, float, float, float]]] = field(default_factory=list)
    kind: str = "body"
    section: str = ""

    def locate(self, offset: int) -> tuple[int, tuple[float, float, float, float]]:
        """``(page, bbox)`` of the block holding character ``offset`` (0-based)."""
        page, bbox = self.pieces[0][1], self.pieces[0][2]
        for start, p, b in self.pieces:
            if start > offset:
                break
            page, bbox = p, b
        return page, bbox


_SUB_SIZE = 0.85
"""A span smaller than this share of the preceding span's font size may be a sub/superscript
(LaTeX sets scripts at 70% of the text size: 7 pt on 10 pt, 5 pt on 7 pt in the Attention paper)."""
_SUB_DROP = 0.08
"""Least baseline drop, as a share of the preceding font size, for a subscript (LaTeX lowers
subscripts by about 0.15 em: 1.5 pt on 10 pt text in the Attention paper's "d_model")."""
_SUP_RISE = 0.2
"""Least baseline rise, as a share of the preceding font size, for a superscript (LaTeX raises
them by about 0.36 em)."""


def _line_text(line: dict) -> str:
    """The line's text; a smaller span right after a word whose baseline is lowered is joined
    as a subscript ("d" + "model" -> "d_model"), one raised as a superscript ("x^2")."""
    spans = line["spans"]
    out = []
    prev = None  # the last span of normal size
    for s in spans:
        text = s["text"]
        if (prev is not None and out and text and not text[0].isspace() and out[-1][-1:].isalnum()
                and "origin" in s and s["size"] < prev["size"] * _SUB_SIZE):
            drop = s["origin"][1] - prev["origin"][1]  # y grows downwards
            if drop >= prev["size"] * _SUB_DROP:
                out.append("_" + text)
                continue
            if -drop >= prev["size"] * _SUP_RISE:
                out.append("^" + text)
                continue
        out.append(text)
        if "origin" in s and (prev is None or s["size"] >= prev["size"] * _SUB_SIZE):
            prev = s
    return "".join(out)


def _fast_make_chars(page, clip=None):
    """A drop-in for ``pymupdf.table.make_chars`` (PyMuPDF 1.28.x) with the same output.

    ``find_tables`` spends most of its time there: PyMuPDF builds a ``Rect``, a ``Point`` and
    a ``Matrix`` object per character to transform its box. Here the page's transformation
    matrix is applied with plain float arithmetic (same formulas; MuPDF's float32 differs by
    < 1e-4 pt, far below ``find_tables``' 3 pt tolerances). Measured on 24 qasper_dev pages
    (105,502 characters): 15.4 s -> 6.3 s under load, and the same tables found on every
    qasper_dev and ../shared/data/papers page (scripts/bench_reader.py reports ingest).
    """
    from pymupdf import table as _t

    chars = _t.CHARS._list()
    page_number = page.number + 1
    page_height = page.rect.height
    a, b, c, d, e, f = tuple(page.transformation_matrix)
    textpage = page.get_textpage(clip=clip, flags=_t.FLAGS)
    blocks = page.get_text("rawdict", textpage=textpage)["blocks"]
    doctop_base = page_height * page.number
    srgb = pymupdf.sRGB_to_pdf
    for block in blocks:
        for line in block["lines"]:
            c0, s0 = line["dir"]
            c0, s0 = round(c0, 4), round(s0, 4)
            upright = s0 == 0
            for span in sorted(line["spans"], key=lambda s: s["bbox"][0]):
                fontname = span["font"]
                fontsize = span["size"]
                bold = bool(span["flags"] & pymupdf.TEXT_FONT_BOLD or span["char_flags"] & 8)
                color = srgb(span["color"])
                for ch in sorted(span["chars"], key=lambda q: q["bbox"][0]):
                    x0, y0, x1, y1 = ch["bbox"]
                    ys = (x0 * b + y0 * d + f, x1 * b + y0 * d + f, x0 * b + y1 * d + f, x1 * b + y1 * d + f)
                    ox, oy = ch["origin"]
                    chars.append({
                        "adv": x1 - x0 if upright else y1 - y0,
                        "bottom": y1,
                        "doctop": y0 + doctop_base,
                        "fontname": fontname,
                        "height": y1 - y0,
                        "matrix": (c0, -s0, s0, c0, ox * a + oy * c + e, ox * b + oy * d + f),
                        "ncs": "DeviceRGB",
                        "non_stroking_color": color,
                        "non_stroking_pattern": None,
                        "object_type": "char",
                        "page_number": page_number,
                        "size": fontsize if upright else y1 - y0,
                        "stroking_color": color,
                        "stroking_pattern": None,
                        "bold": bold,
                        "text": ch["c"],
                        "top": y0,
                        "upright": upright,
                        "width": x1 - x0,
                        "x0": x0,
                        "x1": x1,
                        "y0": min(ys),
                        "y1": max(ys),
                    })
    return textpage


def _install_fast_make_chars() -> None:
    """Use :func:`_fast_make_chars` inside ``find_tables`` where PyMuPDF is the 1.28 series it
    was written against (another version keeps its own)."""
    try:
        from pymupdf import table as _t
    except ImportError:  # pragma: no cover - PyMuPDF without table support
        return
    global _PYMUPDF_MAKE_CHARS
    if pymupdf.VersionBind.startswith("1.28.") and hasattr(_t, "make_chars") and hasattr(_t, "CHARS"):
        if _t.make_chars is not _fast_make_chars:
            _PYMUPDF_MAKE_CHARS = _t.make_chars
        _t.make_chars = _fast_make_chars


_PYMUPDF_MAKE_CHARS = None
"""PyMuPDF's own ``make_chars`` once replaced (kept for the equivalence test)."""


_install_fast_make_chars()


def _raw_blocks(page: pymupdf.Page, page_no: int) -> tuple[list[Block], list[Block]]:
    """Text blocks (horizontal lines only) and table blocks of one page."""
    tables: list[Block] = []
    table_boxes: list[pymupdf.Rect] = []
    raw_dict = page.get_text("dict", flags=_FLAGS)
    try:
        # find_tables costs about 0.1-0.2 s a page (measured on qasper_dev): run it only
        # where a table caption says there is a table.
        has_caption = any(
            _TABLE_CAPTION.match(_line_text(ln).strip())
            for b in raw_dict["blocks"] if b.get("type") == 0 for ln in b["lines"]
        )
        found = page.find_tables() if has_caption else None
        for tab in found.tables if found else []:
            rows = [[normalize_space(str(c or "")) for c in row] for row in tab.extract()]
            rows = [r for r in rows if any(r)]
            if len(rows) < 2 or tab.col_count < 2:
                continue
            text = " \n".join(" | ".join(c for c in r) for r in rows)
            tables.append(Block(text=text, page=page_no, bbox=tuple(tab.bbox), kind="table"))
            table_boxes.append(pymupdf.Rect(tab.bbox))
    except Exception:  # noqa: BLE001 - table detection is a bonus; never lose the page
        tables, table_boxes = [], []
    blocks: list[Block] = []
    for b in raw_dict["blocks"]:
        if b.get("type") != 0:
            continue
        lines = [ln for ln in b["lines"] if abs(ln["dir"][1]) < 0.1 and _line_text(ln).strip()]
        if not lines:
            continue  # rotated text: arXiv stamps, vertical axis labels
        raw = "\n".join(_line_text(ln) for ln in lines)
        text = normalize_space(_HYPHEN_BREAK.sub("", raw))
        if not text:
            continue
        x0 = min(ln["bbox"][0] for ln in lines)
        y0 = min(ln["bbox"][1] for ln in lines)
        x1 = max(ln["bbox"][2] for ln in lines)
        y1 = max(ln["bbox"][3] for ln in lines)
        rect = pymupdf.Rect(x0, y0, x1, y1)
        centre = pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)
        if any(tb.contains(centre) for tb in table_boxes):
            continue  # the table node holds this text
        sizes: Counter[float] = Counter()
        for ln in lines:
            for s in ln["spans"]:
                sizes[round(s["size"], 1)] += len(s["text"].strip())
        size = sizes.most_common(1)[0][0] if sizes else 0.0
        blocks.append(Block(text=text, page=page_no, bbox=tuple(rect), size=size))
    return blocks, tables


def _reading_order(blocks: list[Block], width: float) -> list[Block]:
    """Column-aware order: bands cut at full-width blocks, left column before right."""
    left_edge, right_edge = width * _COLUMN_SPLIT[0], width * _COLUMN_SPLIT[1]
    out: list[Block] = []
    left: list[Block] = []
    right: list[Block] = []

    def flush() -> None:
        out.extend(sorted(left, key=lambda b: b.bbox[1]))
        out.extend(sorted(right, key=lambda b: b.bbox[1]))
        left.clear()
        right.clear()

    for b in sorted(blocks, key=lambda b: (b.bbox[1], b.bbox[0])):
        if b.bbox[2] <= left_edge:
            left.append(b)
        elif b.bbox[0] >= right_edge:
            right.append(b)
        else:
            flush()
            out.append(b)
    flush()
    return out


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _is_formula(text: str) -> bool:
    chars = text.replace(" ", "")
    if not chars:
        return False
    letters = len(_LETTER.findall(text))
    words = [w for w in text.split() if len(_LETTER.findall(w)) >= 3]
    return len(words) <= 3 and (len(_MATH.findall(text)) >= 1 or letters / len(chars) < 0.5) and len(text) < 200


def _ref_like(text: str) -> bool:
    """Looks like a bibliography entry: a year plus an entry start or venue words."""
    if not _YEAR.search(text):
        return False
    return bool(_REF_START.match(text)) or bool(_REF_CUES.search(text)) or text.count(",") >= 3


def read_layout(doc: pymupdf.Document) -> tuple[list[Block], str]:
    """The blocks of an open PDF in reading order, classified, and the paper's title.

    Args:
        doc: an open PyMuPDF document.

    Returns:
        ``(blocks, title)``: blocks over all pages in reading order (pages 1-based);
        ``title`` is the largest text at the top of page 1 ("" when none stands out).
        Pages that fail to read contribute no blocks.
    """
    per_page: list[list[Block]] = []
    heights: list[float] = []
    for i, page in enumerate(doc):
        try:
            text_blocks, tables = _raw_blocks(page, i + 1)
        except Exception:  # noqa: BLE001 - one broken page must not lose the rest
            text_blocks, tables = [], []
        per_page.append(_reading_order(text_blocks + tables, page.rect.width))
        heights.append(page.rect.height)
    n_pages = len(per_page)

    # Running headers/footers and page numbers: margin text repeated across pages.
    seen: Counter[str] = Counter()
    for i, blocks in enumerate(per_page):
        keys = {_key(b.text) for b in blocks if b.kind != "table" and _in_margin(b, heights[i])}
        seen.update(keys)
    repeated = {k for k, n in seen.items() if n >= max(2, _REPEAT_SHARE * n_pages)}
    sizes: Counter[float] = Counter()
    for i, blocks in enumerate(per_page):
        kept = []
        for b in blocks:
            if b.kind != "table" and _in_margin(b, heights[i]):
                if _key(b.text) in repeated or _PAGE_NUMBER.match(b.text):
                    continue
            kept.append(b)
            if b.kind != "table":
                sizes[b.size] += len(b.text)
        per_page[i] = kept
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0

    title = ""
    if per_page and per_page[0]:
        top = [b for b in per_page[0] if b.kind != "table" and b.bbox[1] < heights[0] * 0.4]
        if top:
            big = max(b.size for b in top)
            if big >= body_size * 1.15:
                title = normalize_space(" ".join(b.text for b in top if b.size == big))

    out: list[Block] = []
    for i, blocks in enumerate(per_page):
        for b in blocks:
            out.append(_classify(b, body_size, heights[i]))
    _mark_front(out, title)
    _mark_references(out)
    return out, title


def _in_margin(b: Block, height: float) -> bool:
    return b.bbox[3] <= height * _MARGIN_SHARE or b.bbox[1] >= height * (1 - _MARGIN_SHARE)


def _classify(b: Block, body_size: float, height: float) -> Block:
    if b.kind == "table":
        return b
    text = b.text
    n_words = len(text.split())
    kind = "body"
    if _CAPTION.match(text):
        kind = "caption"
    elif _REF_HEADING.match(text) or _ABSTRACT.match(text) and n_words <= 2:
        kind = "heading"
    elif n_words <= 12 and not _SENT_END.search(text) and (
        b.size >= body_size * 1.1 or _NUMBERED_HEADING.match(text) and b.size >= body_size * 0.95
    ):
        kind = "heading"
    elif _is_formula(text):
        kind = "formula"
    elif b.size < body_size * 0.9 and b.bbox[1] >= height * 0.7 and n_words >= 3:
        kind = "footnote"
    elif b.size < body_size * 0.8 and n_words <= 8:
        kind = "figure"
    return Block(text=text, page=b.page, bbox=b.bbox, kind=kind, size=b.size)


def _mark_front(blocks: list[Block], title: str) -> None:
    """Page 1 before "Abstract" (title, authors, affiliations) becomes ``front``."""
    first = [i for i, b in enumerate(blocks) if b.page == 1]
    stop = next((i for i in first if _ABSTRACT.match(blocks[i].text)), None)
    if stop is None:
        # No abstract heading: only the title lines themselves are metadata.
        for i in first:
            if title and blocks[i].text in title and blocks[i].kind in ("heading", "body"):
                blocks[i] = _with_kind(blocks[i], "front")
        return
    abstract_top = blocks[stop].bbox[1]
    for i in first:
        if i < stop and blocks[i].bbox[1] < abstract_top and blocks[i].kind != "table":
            blocks[i] = _with_kind(blocks[i], "front")


def _with_kind(b: Block, kind: str) -> Block:
    return Block(text=b.text, page=b.page, bbox=b.bbox, kind=kind, size=b.size)


def _mark_references(blocks: list[Block]) -> None:
    """Mark the reference list: after a "References" heading, else by shape.

    By shape: the first block, past the first third of the paper, from which at least
    6 of the next 8 text blocks look like bibliography entries (:func:`_ref_like`).
    The list ends at an appendix heading or where the entries' shape ends (:func:`_references_end`).
    """
    start = next((i for i, b in enumerate(blocks) if b.kind == "heading" and _REF_HEADING.match(b.text)), None)
    if start is None:
        text_idx = [i for i, b in enumerate(blocks) if b.kind in ("body", "footnote")]
        likes = [_ref_like(blocks[i].text) for i in text_idx]
        floor = len(text_idx) // 3
        for j in range(floor, len(text_idx)):
            window = likes[j : j + 8]
            if likes[j] and len(window) >= 4 and sum(window) >= 0.75 * len(window):
                start = text_idx[j]
                break
    if start is None:
        return
    first = start + (1 if blocks[start].kind == "heading" else 0)
    end = _references_end(blocks, first)
    for i in range(first, end):
        b = blocks[i]
        if b.kind in ("body", "footnote", "formula", "figure", "heading"):
            blocks[i] = _with_kind(b, "references")


def _prose(text: str) -> bool:
    """Running text by shape (see :data:`_PROSE_WORDS`), not a bibliography entry."""
    words = text.split()
    return (len(words) >= _PROSE_WORDS and not _REF_START.match(text)
            and len(_FUNCTION_WORDS.findall(text)) >= _PROSE_SHARE * len(words))


def _references_end(blocks: list[Block], first: int) -> int:
    """Index of the first block after the reference list that starts at ``first`` (``len(blocks)`` when
    it runs to the end).

    The list ends at an appendix heading (:data:`_APPENDIX` as a heading block, :data:`_APPENDIX_WORD` as a
    short body line too), or
    where the entries' shape ends: two running-text blocks in a row (:func:`_prose`, captions, tables and
    figure labels between them skipped); the list then ends before them and before the headings just
    above them (a numbered appendix section such as "7 MODEL TRAINING")."""
    text_kinds = ("body", "footnote")
    for i in range(first, len(blocks)):
        b = blocks[i]
        if b.kind == "heading" and _APPENDIX.match(b.text):
            return i
        if (b.kind in text_kinds and _APPENDIX_WORD.match(b.text) and b.text[:1].isupper()
                and len(b.text.split()) <= _APPENDIX_LINE_WORDS and not _ref_like(b.text)):
            return i
        if b.kind in text_kinds and _prose(b.text):
            nxt = next((j for j in range(i + 1, len(blocks)) if blocks[j].kind in (*text_kinds, "heading")), None)
            if nxt is not None and blocks[nxt].kind in text_kinds and _prose(blocks[nxt].text):
                while i > first and blocks[i - 1].kind == "heading" and not _ref_like(blocks[i - 1].text):
                    i -= 1
                return i
    return len(blocks)


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """Body text rejoined across columns and pages, other blocks as their own paragraphs.

    Args:
        blocks: from :func:`read_layout`, in reading order.

    Returns:
        Paragraphs in reading order; ``front``, ``figure`` and ``references`` blocks are
        left out. A body block that does not end a sentence is continued by the next
        body block starting in lower case (captions, figures, footnotes in between are
        skipped over and kept as their own paragraphs).
    """
    out: list[Paragraph] = []
    section = ""
    open_para: Paragraph | None = None
    for b in blocks:
        if b.kind in ("front", "figure", "references"):
            continue
        if b.kind == "heading":
            section = b.text
            open_para = None
            out.append(Paragraph(text=b.text, pieces=[(0, b.page, b.bbox)], kind="heading", section=section))
            continue
        if b.kind != "body":
            out.append(Paragraph(text=b.text, pieces=[(0, b.page, b.bbox)], kind=b.kind, section=section))
            continue
        if open_para is not None and not _SENT_END.search(open_para.text) and b.text[:1].islower():
            sep = "" if open_para.text.endswith("-") and _broken_word(open_para.text) else " "
            if sep == "":
                open_para.text = open_para.text[:-1]
            open_para.pieces.append((len(open_para.text) + len(sep), b.page, b.bbox))
            open_para.text = open_para.text + sep + b.text
            continue
        open_para = Paragraph(text=b.text, pieces=[(0, b.page, b.bbox)], kind="body", section=section)
        out.append(open_para)
    return out


def _broken_word(text: str) -> bool:
    """A trailing hyphen after a letter is a broken word ("transfor-" + "mer")."""
    return len(text) >= 2 and text[-2].isalpha()
