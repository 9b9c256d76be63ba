"""Figures and tables of a PDF: where they are, their captions, the sentences that refer to
them, the text inside them, and an offline explanation cited to pages.

Method (ours, rule-based, measured per shared paper in scripts/bench_papers.py):

1. A caption is a text block that starts with ``Figure N`` / ``Fig. N`` / ``Table N`` /
   ``Рис. N`` / ``Рисунок N`` / ``Таблица N`` followed by ``:``, ``.`` or ``|``.
2. A figure's picture is the union of the page's graphics (embedded images and vector
   drawing clusters, PyMuPDF ``get_image_info`` / ``cluster_drawings``) that end above
   its caption and start below the previous caption or wide text block; a table's is the
   graphics just below its caption (tables carry their caption on top).
3. Referring sentences are the sentences anywhere in the text (except captions) that
   name the figure: "Figure 1", "Fig. 1", "Figures 1 and 2", "рис. 2", "рисунке 2",
   "табл. 3".
4. Text inside the figure: the PDF's words inside the region when it has them (vector
   figures), else Tesseract on the rendered region (raster figures).

Pages are 1-based everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import pymupdf

from ..text import detect_lang, normalize_space, split_sentences
from ..types import Answer, Citation, Lang

__all__ = [
    "Figure",
    "clean_labels",
    "explain_figure",
    "explain_figure_llm",
    "extract_figures",
    "figures_for_pdf",
    "find_figure",
    "parse_figure_request",
    "render_figure",
]

Kind = Literal["figure", "table"]

_CAPTION = re.compile(
    r"^\s*(?P<label>figure|fig\.|table|рис\.|рисунок|таблица|табл\.)\s*(?P<num>\d+)\s*[.:|]",
    re.IGNORECASE,
)
_TABLE_WORDS = ("table", "таблица", "табл.")
_MIN_REGION_PT = 24  # a graphic smaller than this (a logo, a bullet) is not a figure
_MAX_CAPTION_GAP_PT = 60  # a table's graphics start within this distance below its caption


@dataclass
class Figure:
    """One captioned figure or table.

    Attributes:
        kind: "figure" or "table".
        number: its number as printed (1-based, "Figure 1" → 1).
        page: 1-based page of its caption.
        caption: the caption's text.
        bbox: ``(x0, y0, x1, y1)`` of the picture in PDF points (None when no graphic was found).
        references: ``[(page, sentence)]`` sentences that refer to it, in reading order.
        inner_text: words inside the picture (PDF text or OCR), "" when none.
    """

    kind: Kind
    number: int
    page: int
    caption: str
    bbox: tuple[float, float, float, float] | None = None
    references: list[tuple[int, str]] = field(default_factory=list)
    inner_text: str = ""

    @property
    def label(self) -> str:
        """``"Figure 1"`` / ``"Table 2"``."""
        return f"{self.kind.capitalize()} {self.number}"


def _graphics(page: pymupdf.Page) -> list[pymupdf.Rect]:
    rects = [pymupdf.Rect(i["bbox"]) for i in page.get_image_info()]
    try:
        rects += [pymupdf.Rect(r) for r in page.cluster_drawings()]
    except Exception:  # noqa: BLE001 - older or odd pages: images only
        pass
    page_area = abs(page.rect)
    return [r & page.rect for r in rects
            if r.width >= _MIN_REGION_PT and r.height >= _MIN_REGION_PT and abs(r) < 0.9 * page_area]


def _union(rects: list[pymupdf.Rect]) -> pymupdf.Rect | None:
    if not rects:
        return None
    out = pymupdf.Rect(rects[0])
    for r in rects[1:]:
        out |= r
    return out


def _figure_region(page: pymupdf.Page, cap: pymupdf.Rect, kind: Kind, upper: float, lower: float,
                   graphics: list[pymupdf.Rect]) -> pymupdf.Rect | None:
    """The picture of one caption: graphics above it (figures) or below it (tables)."""
    def overlaps_column(r: pymupdf.Rect) -> bool:
        return min(r.x1, cap.x1 + 40) - max(r.x0, cap.x0 - 40) > 0

    if kind == "table":
        below = [r for r in graphics if r.y0 >= cap.y0 and r.y0 - cap.y1 <= _MAX_CAPTION_GAP_PT
                 and r.y1 <= lower and overlaps_column(r)]
        return _union(below)
    above = [r for r in graphics if r.y1 <= cap.y0 + 6 and r.y0 >= upper - 2 and overlaps_column(r)]
    return _union(above)


_PROSE_CHARS = 200  # a text block this long is running text, not a label or a table cell


def _text_region(cap: pymupdf.Rect, kind: Kind, upper: float, lower: float,
                 blocks: list[tuple[pymupdf.Rect, str]]) -> pymupdf.Rect | None:
    """Fallback picture box made of the short text blocks (labels, cells) next to the caption:
    below it for a table, above it for a figure, up to the first block of running text."""
    if kind == "table":
        near = sorted((b for b in blocks if b[0].y0 >= cap.y1 - 1 and b[0].y1 <= lower), key=lambda b: b[0].y0)
    else:
        near = sorted((b for b in blocks if b[0].y1 <= cap.y0 + 1 and b[0].y0 >= upper), key=lambda b: -b[0].y1)
    picked: list[pymupdf.Rect] = []
    for rect, text in near:
        if rect == cap:
            continue
        if len(text) > _PROSE_CHARS or _CAPTION.match(text):
            break
        picked.append(rect)
    region = _union(picked)
    return region if region is not None and region.height >= _MIN_REGION_PT else None


def _ref_pattern(kind: Kind, number: int) -> re.Pattern[str]:
    n = rf"(?<![\d.]){number}(?![\d])"
    if kind == "table":
        words = r"(?:tables?|tab\.|табл\.|таблиц\w*)"
    else:
        words = r"(?:figures?|figs?\.|рис\.|рисун\w*)"
    # "Figure 1", "Figures 1 and 2", "Figure 2 (left)", "рис. 2", "на рисунке 2"
    return re.compile(rf"\b{words}\s*(?:\d+\s*(?:,|and|и|&|-|–)\s*)*{n}", re.IGNORECASE)


def extract_figures(data: bytes, ocr_langs: str | None = None) -> list[Figure]:
    """Every captioned figure and table of a PDF, in page order.

    Args:
        data: the PDF's bytes.
        ocr_langs: Tesseract languages for text inside raster figures (None: no OCR).

    Returns:
        Figures with caption, picture box, referring sentences and inner text. A number
        that appears twice (a caption and a "continued" caption) keeps its first caption.

    Raises:
        CorruptPDFError: the PDF cannot be opened.
    """
    from .pdf import _open

    doc = _open(data)
    try:
        figures: list[Figure] = []
        seen: set[tuple[str, int]] = set()
        caption_texts: set[str] = set()
        page_blocks: list[list[tuple[pymupdf.Rect, str]]] = []
        for page in doc:
            blocks = [(pymupdf.Rect(b[:4]), normalize_space(b[4])) for b in page.get_text("blocks", sort=True)
                      if b[6] == 0 and b[4].strip()]
            page_blocks.append(blocks)
            graphics = _graphics(page)
            caps = [(r, t, m) for r, t in blocks if (m := _CAPTION.match(t))]
            for k, (rect, text, match) in enumerate(caps):
                kind: Kind = "table" if match["label"].lower() in _TABLE_WORDS else "figure"
                number = int(match["num"])
                caption_texts.add(text)
                if (kind, number) in seen:
                    continue
                seen.add((kind, number))
                upper = max([c[0].y1 for c in caps[:k]] + [0.0])
                lower = min([c[0].y0 for c in caps[k + 1:]] + [page.rect.y1])
                region = (_figure_region(page, rect, kind, upper, lower, graphics)
                          or _text_region(rect, kind, upper, lower, blocks))
                fig = Figure(kind=kind, number=number, page=page.number + 1, caption=text,
                             bbox=tuple(round(v, 1) for v in region) if region else None)
                if region is not None:
                    words = [w[4] for w in page.get_text("words", clip=region, sort=True)]
                    fig.inner_text = " ".join(words)
                    if len(fig.inner_text) < 10 and ocr_langs:
                        from .ocr import ocr_image_text

                        png = page.get_pixmap(dpi=300, clip=region).tobytes("png")
                        fig.inner_text = ocr_image_text(png, ocr_langs)
                figures.append(fig)
        # Referring sentences, from every page's prose (captions themselves excluded).
        for fig in figures:
            pattern = _ref_pattern(fig.kind, fig.number)
            for pno, blocks in enumerate(page_blocks, start=1):
                for _rect, text in blocks:
                    if text in caption_texts or not pattern.search(text):
                        continue
                    for sentence in split_sentences(text):
                        if pattern.search(sentence):
                            fig.references.append((pno, sentence))
        return figures
    finally:
        doc.close()


_REQUEST = re.compile(
    r"(?P<label>figure|fig\.?|table|tab\.?|рис(?:\.|унок|унка|унке|унку)?|таблиц[аеуыи]?|табл\.?)\s*(?:№\s*)?(?P<num>\d+)",
    re.IGNORECASE,
)


def parse_figure_request(text: str) -> tuple[Kind, int] | None:
    """``"explain Figure 1"`` → ``("figure", 1)``; ``"что на рис. 2?"`` → ``("figure", 2)``;
    ``"объясни таблицу 3"`` → ``("table", 3)``; None when no figure or table is named."""
    m = _REQUEST.search(text)
    if not m:
        return None
    label = m["label"].lower()
    return ("table" if label.startswith(("tab", "табл", "таблиц")) else "figure"), int(m["num"])


def find_figure(figures: list[Figure], kind: Kind, number: int) -> Figure | None:
    """The figure ``kind`` ``number`` of ``figures``, or None."""
    return next((f for f in figures if f.kind == kind and f.number == number), None)


def render_figure(data: bytes, fig: Figure, dpi: int = 150) -> bytes:
    """PNG of the figure's picture (its whole caption page when no picture box was found).

    Raises:
        CorruptPDFError: the PDF cannot be opened.
    """
    from .pdf import _open

    doc = _open(data)
    try:
        page = doc[fig.page - 1]
        clip = pymupdf.Rect(fig.bbox) + (-6, -6, 6, 6) if fig.bbox else None
        return page.get_pixmap(dpi=dpi, clip=clip & page.rect if clip else None).tobytes("png")
    finally:
        doc.close()


_EXPLAIN = {
    "en": {
        "caption": "{label} (p. {page}): {caption}",
        "refs": "The text says about it:",
        "inner": "Labels inside the {kind}: {text}",
        "missing": "This document has no {label}.",
        "norefs": "The text does not discuss it beyond the caption.",
    },
    "ru": {
        "caption": "{label} (с. {page}): {caption}",
        "refs": "Что сказано в тексте:",
        "inner": "Надписи внутри: {text}",
        "missing": "В этом документе нет {label}.",
        "norefs": "Кроме подписи, в тексте об этом ничего не сказано.",
    },
}
_RU_LABEL = {"figure": "Рисунок", "table": "Таблица"}
_RU_LABEL_GEN = {"figure": "рисунка", "table": "таблицы"}


def explain_figure(figures: list[Figure], kind: Kind, number: int, lang: Lang | None = None,
                   max_refs: int = 4, question: str = "") -> Answer:
    """An offline explanation of a figure from its caption, referring sentences and inner text.

    Args:
        figures: the document's figures (:func:`extract_figures`).
        kind: "figure" or "table".
        number: the figure's number.
        lang: answer language (default: the language of ``question``, else English).
        max_refs: at most this many referring sentences (first ones in reading order).
        question: the user's request (only for the language).

    Returns:
        An :class:`Answer` citing the caption's page and each referring sentence's page;
        ``abstained`` when the document has no such figure.
    """
    lang = lang or (detect_lang(question) if question.strip() else "en")
    words = _EXPLAIN[lang]
    fig = find_figure(figures, kind, number)
    label = f"{kind.capitalize()} {number}" if lang == "en" else f"{_RU_LABEL[kind]} {number}"
    if fig is None:
        missing_label = label if lang == "en" else f"{_RU_LABEL_GEN[kind]} {number}"
        return Answer(text=words["missing"].format(label=missing_label), abstained=True, lang=lang)
    caption = _CAPTION.sub("", fig.caption, count=1).strip() or fig.caption  # "Figure 1:" is said already
    parts = [words["caption"].format(label=label, page=fig.page, caption=caption)]
    citations = [Citation(page=fig.page, quote=fig.caption, score=1.0)]
    refs = fig.references[:max_refs]
    if refs:
        bullets = [words["refs"]]
        for page, sentence in refs:
            bullets.append(f"- {sentence} [p. {page}]")
            citations.append(Citation(page=page, quote=sentence, score=1.0))
        parts.append("\n".join(bullets))
    else:
        parts.append(words["norefs"])
    inner = clean_labels(fig.inner_text)
    if inner:
        inner = inner if len(inner) <= 300 else inner[:300].rsplit(" ", 1)[0] + " …"
        parts.append(words["inner"].format(kind=kind, text=inner))
    return Answer(text="\n\n".join(parts), abstained=False, citations=citations, lang=lang)


_LABEL_TOKEN = re.compile(r"^[\w(][\w&().,:+/'’-]*$")


def clean_labels(text: str) -> str:
    """Words printed inside a figure, without OCR debris: tokens with no letter or digit, or
    with stray symbols (``"©"``, ``"|"``, ``"_)"``), are dropped; repeats in a row are merged."""
    out: list[str] = []
    for token in text.split():
        if token == "&":
            out.append(token)
            continue
        if not _LABEL_TOKEN.match(token) or not re.search(r"[^\W_]", token):
            continue
        if out and out[-1] == token:
            continue
        out.append(token)
    return " ".join(out)


_CITE = re.compile(r"\[(?:p|с|стр)\.\s*(\d+)\]", re.IGNORECASE)


def explain_figure_llm(fig: Figure, llm, request: str, lang: Lang, image_png: bytes | None = None) -> Answer:
    """An LLM explanation of ``fig`` (the image attached when ``image_png`` is given: a vision model).

    The reply must cite pages; a citation survives only if it names the caption's page or
    the page of a referring sentence, and a sentence left without any surviving citation is
    dropped. With nothing left, or when the LLM fails, the offline explanation is returned
    with a notice.

    Args:
        fig: the figure.
        llm: a :class:`core.llm.LLMClient`.
        request: the user's words.
        lang: answer language.
        image_png: the figure's picture as PNG (sent as an OpenAI ``image_url`` data URL).

    Returns:
        An :class:`Answer` with ``mode="llm"`` (or the offline one with ``notice`` set).
    """
    import base64

    from ..errors import LLMError
    from ..prompts import PAPERS_FIGURE_SYSTEM, PAPERS_FIGURE_USER

    offline = explain_figure([fig], fig.kind, fig.number, lang)
    refs = "\n".join(f"[p. {p}] {s}" for p, s in fig.references[:8]) or "(none)"
    user = PAPERS_FIGURE_USER.format(label=fig.label, page=fig.page, caption=fig.caption, references=refs,
                                     inner=fig.inner_text[:1500] or "(none)", request=request)
    content: object = user
    if image_png:
        url = "data:image/png;base64," + base64.b64encode(image_png).decode("ascii")
        content = [{"type": "text", "text": user}, {"type": "image_url", "image_url": {"url": url}}]
    language = "Russian" if lang == "ru" else "English"
    messages = [{"role": "system", "content": PAPERS_FIGURE_SYSTEM.format(language=language)},
                {"role": "user", "content": content}]
    try:
        reply = llm.chat(messages, max_tokens=500)
    except LLMError as exc:
        offline.notice = f"{exc} Showing the offline explanation."
        return offline
    allowed = {fig.page} | {p for p, _ in fig.references}
    quotes = {fig.page: fig.caption, **{p: s for p, s in reversed(fig.references)}}
    kept, pages = [], []
    for sentence in split_sentences(reply, lang):
        cited = [int(n) for n in _CITE.findall(sentence)]
        good = [n for n in cited if n in allowed]
        if not good:
            continue
        kept.append(_CITE.sub(lambda m: m.group(0) if int(m.group(1)) in allowed else "", sentence).strip())
        pages += [n for n in good if n not in pages]
    if not kept:
        offline.notice = "The LLM's explanation cited no page of this figure; showing the offline explanation."
        return offline
    return Answer(text=" ".join(kept), abstained=False, lang=lang, mode="llm",
                  citations=[Citation(page=p, quote=quotes[p], score=1.0) for p in sorted(pages)])


def figures_for_pdf(data: bytes, doc_id: str, cache_dir, ocr_langs: str | None = "rus+eng") -> list[Figure]:
    """:func:`extract_figures`, cached as ``cache_dir/<doc_id>.json`` (extraction with OCR of
    raster figures takes a few seconds per paper)."""
    import json
    from dataclasses import asdict
    from pathlib import Path

    path = Path(cache_dir) / f"{doc_id}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Figure(**{**r, "bbox": tuple(r["bbox"]) if r["bbox"] else None,
                          "references": [tuple(x) for x in r["references"]]}) for r in raw]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    figures = extract_figures(data, ocr_langs=ocr_langs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
    return figures
