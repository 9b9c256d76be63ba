"""Papers beyond one PDF: find papers on arXiv and import them into the Reader.

Modules:
    arxiv   the Atom API client (search, lookup by id, PDF download) with a TTL cache
    cache   the on-disk TTL cache (JSON results, PDF bytes)
    __main__ the command line (``python -m core.papers search|fetch``)

The imported PDF goes through :meth:`core.reader.Reader.open`, so it is keyed by the
SHA-256 of its bytes exactly like an uploaded file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings
from .arxiv import ArxivClient, PaperHit, normalize_arxiv_id, parse_atom

if TYPE_CHECKING:  # pragma: no cover
    from ..reader import Reader, ReaderDocument

__all__ = ["ArxivClient", "ImportedPaper", "PaperHit", "fetch_paper", "normalize_arxiv_id", "parse_atom"]


@dataclass
class ImportedPaper:
    """A paper fetched from arXiv and opened in the Reader.

    Attributes:
        hit: its arXiv record.
        path: the cached PDF file under the data directory.
        document: the opened (indexed) Reader document; ``document.n_pages`` pages, 1-based.
    """

    hit: PaperHit
    path: Path
    document: ReaderDocument


def fetch_paper(arxiv_id: str, reader: Reader, client: ArxivClient | None = None) -> ImportedPaper:
    """Look ``arxiv_id`` up, download its PDF (from the API's ``pdf_url``) and open it in ``reader``.

    Args:
        arxiv_id: ``"1706.03762"``, ``"arXiv:1706.03762v5"`` or an abs/pdf URL.
        reader: the Reader that indexes the PDF (same content-hash key as an upload).
        client: the arXiv client (default: from ``reader.settings``).

    Raises:
        InputError: not an arXiv id, no such paper, or the PDF cannot be read.
        NetworkError: arXiv is unreachable.
    """
    client = client or ArxivClient.from_settings(reader.settings)
    hit = client.lookup(arxiv_id)
    data, path = client.download_pdf(hit)
    return ImportedPaper(hit=hit, path=path, document=reader.open(data))


def default_client(settings: Settings) -> ArxivClient:
    """The arXiv client configured by ``settings``."""
    return ArxivClient.from_settings(settings)
