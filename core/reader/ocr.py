"""OCR of scanned pages and images with Tesseract (Debian ``tesseract-ocr``, ``-rus``, ``-eng``).

A page without a text layer is rendered to an image at ``dpi`` and given to Tesseract
(through ``pytesseract``), which writes a one-page PDF holding the image with an invisible
text layer (Tesseract's own "searchable PDF" renderer, the method ``ocrmypdf`` uses too).
Those pages replace the image-only ones, so the result parses, chunks, cites pages and
highlights quotes exactly like a born-digital PDF. Pages keep their 1-based numbers.

Tesseract's documentation asks for about 300 dpi; ``scripts/bench_papers.py`` measures
the character error rate at 150 and 300 dpi on our papers (docs/BENCHMARKS.md).

Cache location (#11h): the Reader passes ``<its settings' data_dir>/ocr``, i.e. the
uploader's workspace (``workspaces/<user>/ocr``), never a folder all users share. A shared
content-addressed cache was considered and refused: the recognised text is the user's
document; another user uploading the same file would get it back at once (which tells them
someone had uploaded it), and it would outlive the owner's "delete my data". The cost is
OCR run once per user per scan (tests/test_hosting_workspace.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pymupdf

from ..errors import CorruptPDFError, EmptyDocumentError, InputError, NeedsOCRError, TooLargeError

__all__ = [
    "IMAGE_SUFFIXES",
    "OCRStatus",
    "image_to_pdf",
    "is_image",
    "ocr_image_text",
    "LOW_CONFIDENCE",
    "PageOCR",
    "ocr_pdf",
    "ocr_pdf_report",
    "load_ocr_report",
    "ocr_status",
    "open_with_ocr",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
"""File types accepted as images (a slide, a photo of notes)."""

_MIN_TEXT_CHARS = 20  # the same test as core.reader.pdf: fewer characters = no text layer
_DEBIAN_PACKAGES = {"": "tesseract-ocr", "rus": "tesseract-ocr-rus", "eng": "tesseract-ocr-eng"}

T = TypeVar("T")

Progress = Callable[[int, int], None]
"""``progress(pages_done, pages_total)``, called after each recognised page."""


@dataclass(frozen=True)
class OCRStatus:
    """What OCR can do on this machine.

    Attributes:
        available: Tesseract runs and has at least one of the wanted languages.
        version: Tesseract's version ("" when absent).
        langs: the wanted languages that are installed, joined by ``+`` (``"rus+eng"``).
        missing: Debian packages to install for the wanted languages.
    """

    available: bool
    version: str = ""
    langs: str = ""
    missing: list[str] = field(default_factory=list)

    def message(self) -> str:
        """A user-facing sentence: what is missing and how to install it ("" when complete)."""
        if not self.missing:
            return ""
        return ("OCR of scanned pages needs Tesseract: install the Debian packages "
                f"{' '.join(self.missing)} (`make run` installs them from packages.txt).")


@lru_cache(maxsize=4)
def ocr_status(wanted: str = "rus+eng") -> OCRStatus:
    """Probe Tesseract once per process.

    Args:
        wanted: Tesseract language codes joined by ``+``.
    """
    try:
        import pytesseract
    except ImportError:
        return OCRStatus(False, missing=["python package pytesseract"])
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return OCRStatus(False, missing=[_DEBIAN_PACKAGES[""]] + [_DEBIAN_PACKAGES.get(x, f"tesseract-ocr-{x}")
                                                                for x in wanted.split("+")])
    try:
        version = str(pytesseract.get_tesseract_version())
        installed = set(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - a broken install is reported, never raised
        return OCRStatus(False, missing=[_DEBIAN_PACKAGES[""]])
    have = [x for x in wanted.split("+") if x in installed]
    missing = [_DEBIAN_PACKAGES.get(x, f"tesseract-ocr-{x}") for x in wanted.split("+") if x not in installed]
    return OCRStatus(bool(have), version=version, langs="+".join(have), missing=missing)


@contextmanager
def _one_thread() -> Iterator[None]:
    """Tesseract's OpenMP threads oversubscribe a loaded 2-core CPU: one page took 8.6-11 s
    with the default threads and 1.0-2.9 s with ``OMP_THREAD_LIMIT=1`` (Attention paper page 3,
    150/300 dpi, measured on this machine). The variable reaches only the tesseract child."""
    old = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = old


def _require(langs: str) -> str:
    status = ocr_status(langs)
    if not status.available:
        raise NeedsOCRError(
            "This file has no text layer: its pages are images (a scan, a photo or handwriting). "
            + status.message()
        )
    return status.langs


def is_image(data: bytes) -> bool:
    """True for PNG or JPEG bytes (by signature)."""
    return data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")


def image_to_pdf(data: bytes) -> bytes:
    """A PNG/JPEG as a one-page, image-only PDF (page size from the image's pixels at 72 dpi).

    Raises:
        InputError: the bytes are not a readable PNG/JPEG.
    """
    if not is_image(data):
        raise InputError("This file is not a PNG or JPEG image.", key="errors.ocr.not_image")
    try:
        img = pymupdf.open(stream=data, filetype="png" if data.startswith(b"\x89PNG") else "jpg")
        pdf_bytes = img.convert_to_pdf()
        img.close()
    except Exception as exc:  # noqa: BLE001 - MuPDF raises several types for broken images
        raise InputError("The image is damaged and cannot be read.", key="errors.ocr.bad_image") from exc
    doc = pymupdf.open(stream=pdf_bytes, filetype="pdf")
    doc.set_metadata({})  # no creation date: the same image gives the same bytes (same index key)
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def _page_has_text(page: pymupdf.Page) -> bool:
    return len(" ".join(page.get_text("text").split())) >= _MIN_TEXT_CHARS


def _page_count(data: bytes) -> int:
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return doc.page_count
    except Exception:  # noqa: BLE001 - the Reader's parser names a broken file
        return 0


def _scanned_pages(data: bytes) -> int:
    """How many pages of a PDF are pictures without a text layer (0 for a broken file: the
    Reader's own parser reports that)."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # noqa: BLE001
        return 0
    try:
        if doc.needs_pass:
            return 0
        return sum(1 for p in doc if not _page_has_text(p) and p.get_images())
    except Exception:  # noqa: BLE001
        return 0
    finally:
        doc.close()


def ocr_image_text(png: bytes, langs: str = "rus+eng") -> str:
    """Plain text Tesseract reads in an image ("" when Tesseract is missing).

    Args:
        png: PNG or JPEG bytes.
        langs: Tesseract languages joined by ``+``.
    """
    status = ocr_status(langs)
    if not status.available:
        return ""
    import pytesseract
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img, _one_thread():
        return " ".join(pytesseract.image_to_string(img, lang=status.langs).split())


@dataclass(frozen=True)
class PageOCR:
    """What Tesseract found on one page.

    Attributes:
        page: 1-based page number.
        words: number of words recognised.
        confidence: mean word confidence, 0-100 (Tesseract's ``conf`` column); 0 with no words.
    """

    page: int
    words: int
    confidence: float


LOW_CONFIDENCE = 70.0
"""Below this mean word confidence a page's OCR is called unreliable in the UI. Measured on
this machine: printed pages of the shared papers rasterised at 200-300 dpi score about 90,
the pages of the handwritten notes 42-50 (scripts/bench_papers.py, docs/BENCHMARKS.md);
70 lies between the two groups."""

_PAGE_TIMEOUT_S = 120
_OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Tesseract processes at once for one document (#11h): one per core, at most 2 (the
hosting machine's cores; a 6-page scan took 51 s one page at a time under load). The
whole document is one job of :mod:`core.jobs`, so other users' jobs still wait their turn."""
_MAX_SIDE_PX = 5000  # one page never takes this long at 300 dpi (about 1-4 s measured here)


def _recognise(png_path: str, lang: str) -> tuple[bytes, list[float]]:
    """One page image → (one-page searchable PDF, word confidences)."""
    import pytesseract

    with _one_thread():
        pdf, tsv = pytesseract.run_and_get_multiple_output(
            png_path, extensions=["pdf", "tsv"], lang=lang, timeout=_PAGE_TIMEOUT_S
        )
    confs = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            try:
                conf = float(cols[10])
            except ValueError:
                continue
            if conf >= 0:
                confs.append(conf)
    return pdf, confs


def ocr_pdf_report(
    data: bytes,
    langs: str = "rus+eng",
    dpi: int = 300,
    progress: Progress | None = None,
    only_missing: bool = True,
) -> tuple[bytes, list[PageOCR]]:
    """Add a text layer to the image-only pages of a PDF (or of a PNG/JPEG).

    Args:
        data: the PDF's bytes (or a PNG/JPEG, converted first).
        langs: Tesseract languages joined by ``+`` (those installed are used).
        dpi: rendering resolution for recognition.
        progress: called as ``progress(done, total)`` after each page that needed OCR.
        only_missing: keep pages that already have a text layer as they are.

    Returns:
        ``(pdf, report)``: a PDF with the same pages in the same order (1-based numbers
        unchanged), every recognised page holding its image and an invisible text layer;
        and one :class:`PageOCR` per recognised page.

    Raises:
        NeedsOCRError: Tesseract or every wanted language pack is missing (the message
            names the Debian packages).
        CorruptPDFError: the PDF cannot be opened.
    """
    use = _require(langs)
    if is_image(data):
        data = image_to_pdf(data)
    try:
        src = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001
        raise CorruptPDFError("The PDF is damaged and cannot be read.", key="errors.pdf.corrupt") from exc
    out = pymupdf.open()
    report: list[PageOCR] = []
    try:
        todo = [i for i, p in enumerate(src) if not (only_missing and _page_has_text(p))]
        # #11h: pages are recognised by _OCR_WORKERS Tesseract processes at once (each one
        # thread), results put in page order; at most 2 x workers pages wait in memory.
        pending: deque[tuple[int, Future | None]] = deque()

        def flush(block: bool) -> None:
            while pending and (pending[0][1] is None or pending[0][1].done() or block
                               or sum(f is not None for _, f in pending) > 2 * _OCR_WORKERS):
                i, fut = pending.popleft()
                if fut is None:
                    out.insert_pdf(src, from_page=i, to_page=i)
                    continue
                try:
                    page_pdf, confs = fut.result()
                except RuntimeError as exc:  # pytesseract's timeout
                    raise NeedsOCRError(f"OCR of page {i + 1} took over {_PAGE_TIMEOUT_S} s and was stopped.",
                                        key="errors.ocr.timeout", page=i + 1, limit_s=_PAGE_TIMEOUT_S) from exc
                one = pymupdf.open(stream=page_pdf, filetype="pdf")
                out.insert_pdf(one)
                one.close()
                report.append(PageOCR(page=i + 1, words=len(confs),
                                      confidence=round(sum(confs) / len(confs), 1) if confs else 0.0))
                if progress is not None:
                    progress(len(report), len(todo))

        with tempfile.TemporaryDirectory(prefix="margo-ocr-") as tmp, _one_thread(), \
                ThreadPoolExecutor(max_workers=_OCR_WORKERS, thread_name_prefix="margo-ocr") as pool:
            try:
                for i, page in enumerate(src):
                    if i not in todo:
                        pending.append((i, None))
                        flush(block=False)
                        continue
                    # At most _MAX_SIDE_PX on the long side: an A4 page at 300 dpi is 3508 px; a photo
                    # converted at 1 px = 1 pt would otherwise be blown up 4x into hundreds of MB.
                    page_dpi = max(36, min(dpi, int(72 * _MAX_SIDE_PX / max(page.rect.width, page.rect.height, 1))))
                    pix = page.get_pixmap(dpi=page_dpi, colorspace=pymupdf.csGRAY)
                    pix.set_dpi(page_dpi, page_dpi)  # written into the PNG, so Tesseract sizes the page right
                    png = os.path.join(tmp, f"p{i + 1}.png")
                    pix.save(png)
                    pending.append((i, pool.submit(_recognise, png, use)))
                    flush(block=False)
                flush(block=True)
            finally:
                for _, fut in pending:
                    if fut is not None:
                        fut.cancel()
        out.set_metadata({k: v for k, v in (src.metadata or {}).items() if k in ("title", "author") and v})
        return out.tobytes(garbage=3, deflate=True), report
    finally:
        out.close()
        src.close()


def ocr_pdf(
    data: bytes,
    langs: str = "rus+eng",
    dpi: int = 300,
    progress: Progress | None = None,
    only_missing: bool = True,
) -> bytes:
    """:func:`ocr_pdf_report` without the report: the searchable PDF's bytes."""
    return ocr_pdf_report(data, langs, dpi, progress, only_missing)[0]


def cached_pdf_path(data: bytes, cache_dir: Path) -> Path:
    """Where :func:`open_with_ocr` keeps the recognised PDF of the upload ``data``
    (``cache_dir/<sha256 of data>.pdf``; it may not exist yet)."""
    return Path(cache_dir) / (hashlib.sha256(data).hexdigest() + ".pdf")


def open_with_ocr(
    data: bytes,
    open_pdf: Callable[[bytes], T],
    cache_dir: Path,
    langs: str = "rus+eng",
    dpi: int = 300,
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> T:
    """Open a PDF, or a scan/image through OCR, with the recognised PDF cached by the upload's hash.

    A PDF with a text layer on every page goes straight to ``open_pdf``. A PDF with pages
    that are pictures without text (a scan, or a paper with a few scanned pages) or a PNG/JPEG
    is recognised once (only the pages without text); the searchable PDF is kept as
    ``cache_dir/<sha256 of the uploaded bytes>.pdf``, so opening the same scan again reloads
    its saved index without running Tesseract.

    Args:
        data: the uploaded bytes (PDF, PNG or JPEG).
        open_pdf: opens PDF bytes (the Reader's ``open_document`` with its settings).
        cache_dir: where recognised PDFs are kept.
        langs: Tesseract languages joined by ``+``.
        dpi: rendering resolution for OCR.
        progress: ``progress(done, total)`` per recognised page.
        max_pages: refuse a scan with more pages before spending minutes on OCR.

    Raises:
        NeedsOCRError: the file needs OCR and Tesseract (or its languages) is missing.
        TooLargeError: the scan has more than ``max_pages`` pages.
        InputError: what ``open_pdf`` raises for a bad file.
    """
    if not is_image(data):
        if not _scanned_pages(data) or not ocr_status(langs).available:
            try:
                return open_pdf(data)
            except NeedsOCRError:
                pass  # every page is an image: recognise it (or say what is missing)
    cached = cached_pdf_path(data, cache_dir)
    if cached.is_file():
        return open_pdf(cached.read_bytes())
    if max_pages is not None and not is_image(data):
        n_pages = _page_count(data)
        if n_pages > max_pages:
            raise TooLargeError(f"The PDF has {n_pages} pages; the limit is {max_pages} (MARGO_MAX_PAGES).",
                               key="errors.pdf.too_many_pages", pages=n_pages, limit=max_pages)
    searchable, report = ocr_pdf_report(data, langs=langs, dpi=dpi, progress=progress)
    if not any(r.words for r in report):
        raise EmptyDocumentError("OCR found no text in this file (a picture without words?).", key="errors.ocr.no_text")
    try:
        doc = open_pdf(searchable)
    except (NeedsOCRError, EmptyDocumentError) as exc:
        raise EmptyDocumentError("OCR found no readable text in this file.", key="errors.ocr.no_text") from exc
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for target, payload in ((cached.with_suffix(".json"), json.dumps([asdict(r) for r in report]).encode()),
                                (cached, searchable)):
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, target)
    except OSError:
        pass  # the document is open; next time it is recognised again
    return doc


def load_ocr_report(data: bytes, cache_dir: Path) -> list[PageOCR] | None:
    """The OCR report of an uploaded file opened through :func:`open_with_ocr`, or None
    (it had a text layer, or was never recognised)."""
    path = Path(cache_dir) / (hashlib.sha256(data).hexdigest() + ".json")
    try:
        return [PageOCR(**r) for r in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None
