"""arXiv search and PDF download through arXiv's public Atom API, with a TTL cache.

The API (arXiv API User's Manual, https://info.arxiv.org/help/api/user-manual.html)
answers ``GET <base>?search_query=...&start=0&max_results=N`` or ``?id_list=ID`` with an
Atom 1.0 feed; each ``<entry>`` has ``<id>`` (``http://arxiv.org/abs/<id>v<n>``),
``<title>``, ``<summary>`` (the abstract), ``<published>``, ``<author><name>`` and a
``<link title="pdf" href=...>``. An error comes back as a one-entry feed whose id starts
with ``http://arxiv.org/api/errors``. The base URL is a setting
(``MARGO_ARXIV_API_URL``), so tests replay recorded feeds from a loopback server.

Every request has a timeout; any network failure becomes :class:`NetworkError` with a
message that says search needs the internet.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from ..errors import InputError, NetworkError, TooLargeError
from ..settings import Settings
from .cache import TTLCache

__all__ = ["ArxivClient", "PaperHit", "normalize_arxiv_id", "parse_atom"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_NEW_ID = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_OLD_ID = re.compile(r"^[a-z][a-z.-]+/\d{7}(v\d+)?$", re.IGNORECASE)
_WORD = re.compile(r"[\w][\w.+-]*", re.UNICODE)
_USER_AGENT = "Margo/1.0 (offline-first study assistant; arXiv API client)"


@dataclass(frozen=True)
class PaperHit:
    """One search result.

    Attributes:
        id: arXiv id with version, e.g. ``"1706.03762v7"``.
        title: title, whitespace collapsed.
        authors: author names in the paper's order.
        year: year of the first version (from ``<published>``); 0 when absent.
        abstract: the abstract, whitespace collapsed.
        pdf_url: where the PDF is (from the entry's ``title="pdf"`` link).
    """

    id: str
    title: str
    authors: list[str]
    year: int
    abstract: str
    pdf_url: str

    def to_json(self) -> dict:
        """``{"id", "title", "authors", "year", "abstract", "pdf_url"}``."""
        return asdict(self)


def normalize_arxiv_id(raw: str) -> str:
    """``"arXiv:1706.03762v5"`` / ``"https://arxiv.org/abs/1706.03762"`` → ``"1706.03762v5"``.

    Raises:
        InputError: the text is not an arXiv identifier (new ``YYMM.NNNNN`` or old
            ``archive/NNNNNNN`` style).
    """
    text = raw.strip()
    text = re.sub(r"^(https?://)?(export\.)?arxiv\.org/(abs|pdf)/", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^arxiv:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\.pdf$", "", text, flags=re.IGNORECASE)
    if _NEW_ID.match(text) or _OLD_ID.match(text):
        return text
    raise InputError(f"Not an arXiv identifier: {raw!r} (expected e.g. 1706.03762 or cs/0112017).")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_atom(xml_text: str | bytes) -> list[PaperHit]:
    """Parse an arXiv Atom feed into hits (in the feed's order).

    Raises:
        NetworkError: the feed is not XML, or it is arXiv's error feed (its message is kept).
    """
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise NetworkError("arXiv answered something that is not an Atom feed.") from exc
    hits: list[PaperHit] = []
    for entry in root.findall(f"{_ATOM}entry"):
        entry_id = _clean(entry.findtext(f"{_ATOM}id"))
        if "arxiv.org/api/errors" in entry_id:
            raise NetworkError(f"arXiv rejected the query: {_clean(entry.findtext(f'{_ATOM}summary'))}")
        arxiv_id = entry_id.rsplit("/abs/", 1)[-1]
        pdf_url = ""
        for link in entry.findall(f"{_ATOM}link"):
            if link.get("title") == "pdf" or link.get("type") == "application/pdf":
                pdf_url = link.get("href", "")
                break
        if not pdf_url and arxiv_id:
            pdf_url = f"https://arxiv.org/pdf/{arxiv_id}"
        published = _clean(entry.findtext(f"{_ATOM}published"))
        year = int(published[:4]) if published[:4].isdigit() else 0
        authors = [_clean(a.findtext(f"{_ATOM}name")) for a in entry.findall(f"{_ATOM}author")]
        hits.append(
            PaperHit(
                id=arxiv_id,
                title=_clean(entry.findtext(f"{_ATOM}title")),
                authors=[a for a in authors if a],
                year=year,
                abstract=_clean(entry.findtext(f"{_ATOM}summary")),
                pdf_url=pdf_url,
            )
        )
    return hits


def build_search_query(text: str) -> str:
    """Free text → arXiv's ``search_query`` syntax: every word must appear (``all:w1 AND all:w2``).

    Raises:
        InputError: the text has no words.
    """
    words = [w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]
    if not words:
        raise InputError("Type a few words to search arXiv for.", key="errors.papers.empty_query")
    return " AND ".join(f"all:{w}" for w in words[:12])


class ArxivClient:
    """Searches arXiv and downloads PDFs, caching both on disk.

    Args:
        base_url: the Atom API endpoint (``settings.arxiv_api_url``).
        cache_dir: cache folder (``<data_dir>/shared/papers``).
        timeout_s: timeout of each request in seconds.
        ttl_s: how long cached results and PDFs are reused, in seconds.
        max_pdf_bytes: downloads larger than this are refused.
        transport: optional httpx transport (tests).

    Attributes:
        network_calls: number of HTTP requests made by this client (cache hits make none).
    """

    def __init__(
        self,
        base_url: str,
        cache_dir: Path,
        timeout_s: float = 15.0,
        ttl_s: float = 86400,
        max_pdf_bytes: int = 50 * 1024 * 1024,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.cache_dir = Path(cache_dir)
        self.timeout_s = timeout_s
        self.max_pdf_bytes = max_pdf_bytes
        self.transport = transport
        self.results = TTLCache(self.cache_dir / "results", ttl_s)
        self.pdfs = TTLCache(self.cache_dir / "pdf", ttl_s)
        self.network_calls = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> ArxivClient:
        """A client configured from ``settings`` (cache under ``<data_dir>/shared/papers``)."""
        return cls(
            base_url=settings.arxiv_api_url,
            cache_dir=Path(settings.data_dir) / "shared" / "papers",
            timeout_s=settings.arxiv_timeout_s,
            ttl_s=settings.papers_cache_ttl_s,
            max_pdf_bytes=settings.max_upload_mb * 1024 * 1024,
        )

    def _get(self, url: str, params: dict | None = None) -> httpx.Response:
        self.network_calls += 1
        try:
            with httpx.Client(
                timeout=self.timeout_s,
                transport=self.transport,
                follow_redirects=True,
                headers={"User-Agent": _USER_AGENT},
            ) as client:
                response = client.get(url, params=params)
        except httpx.TimeoutException as exc:
            raise NetworkError(
                f"arXiv did not answer within {self.timeout_s:g} s; paper search needs the internet.",
                key="errors.papers.timeout", timeout_s=f"{self.timeout_s:g}",
            ) from exc
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"Could not reach arXiv ({type(exc).__name__}); paper search needs the internet. "
                "Everything else works offline.",
                key="errors.papers.unreachable",
            ) from exc
        if response.status_code >= 400:
            raise NetworkError(f"arXiv answered HTTP {response.status_code}; try again later.",
                               key="errors.papers.http", status=response.status_code)
        return response

    def _feed(self, params: dict) -> list[PaperHit]:
        key = "feed:" + self.base_url + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
        cached = self.results.get_json(key)
        if cached is not None:
            return [PaperHit(**item) for item in cached]
        hits = parse_atom(self._get(self.base_url, params).content)
        self.results.put_json(key, [h.to_json() for h in hits])
        return hits

    def search(self, query: str, max_results: int = 10) -> list[PaperHit]:
        """Search arXiv by free text, most relevant first.

        Args:
            query: words to look for (all must appear somewhere in the record).
            max_results: at most this many hits (1..100).

        Raises:
            InputError: the query has no words.
            NetworkError: arXiv is unreachable, too slow, or answered an error.
        """
        n = max(1, min(int(max_results), 100))
        params = {"search_query": build_search_query(query), "start": 0, "max_results": n,
                  "sortBy": "relevance", "sortOrder": "descending"}
        return self._feed(params)

    def lookup(self, arxiv_id: str) -> PaperHit:
        """The record of one paper by id.

        Raises:
            InputError: not an arXiv id, or arXiv has no such paper.
            NetworkError: arXiv is unreachable.
        """
        clean = normalize_arxiv_id(arxiv_id)
        hits = [h for h in self._feed({"id_list": clean, "max_results": 1}) if h.id and h.title]
        if not hits:
            raise InputError(f"arXiv has no paper {clean}.", key="errors.papers.no_paper", paper_id=clean)
        return hits[0]

    def download_pdf(self, hit: PaperHit) -> tuple[bytes, Path]:
        """The PDF of ``hit`` (from its ``pdf_url``), cached under ``cache_dir/pdf``.

        Returns:
            ``(bytes, path of the cached file)``.

        Raises:
            NetworkError: the download failed.
            NotAPDFError-like InputError: what came back is not a PDF.
            TooLargeError: over ``max_pdf_bytes``.
        """
        key = "pdf:" + hit.id
        data = self.pdfs.get_bytes(key, ".pdf")
        if data is None:
            response = self._get(hit.pdf_url)
            data = response.content
            if len(data) > self.max_pdf_bytes:
                raise TooLargeError(f"The PDF of {hit.id} is over {self.max_pdf_bytes // (1024 * 1024)} MB.")
            if not data.startswith(b"%PDF"):
                raise NetworkError(f"arXiv did not send a PDF for {hit.id} (got {response.headers.get('content-type')}).")
            self.pdfs.put_bytes(key, data, ".pdf")
        return data, self.pdfs.bytes_path(key, ".pdf")
