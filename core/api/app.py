"""The FastAPI application: versioned ``/v1`` endpoints over the same core as the pages.

::

    GET  /v1/health                               status, offline or LLM, embedder
    POST /v1/reader/documents            (file)   upload a PDF -> job (result: doc_id, title, n_pages)
    GET  /v1/reader/documents                     saved papers
    POST /v1/reader/documents/{doc_id}/summary    summary with 1-based pages
    POST /v1/reader/documents/{doc_id}/ask        answer with page citations, or abstention
    GET  /v1/channels                             imported channels
    POST /v1/channels/import             (file)   import an export -> job
    POST /v1/channels/import-public               add a public channel by @username -> job
    POST /v1/channels/search                      posts for a query
    POST /v1/channels/answer                      answer with post links, or abstention
    POST /v1/channels/feedback                    thumbs up/down on an answer
    POST /v1/interview/next                       the next interview question
    POST /v1/interview/score                      score an answer, with feedback (saved to progress)
    GET  /v1/interview/progress                   attempts, topic means, what to practise next
    GET  /v1/jobs/{job_id}                        a job's status, progress and result

OpenAPI at ``/openapi.json``; ``/docs`` (Swagger UI) and ``/redoc`` load their scripts and
styles from this server (``/static-offline-docs``, the assets of the pinned ``fastapi-offline``
package), so they work offline.

Protection: an API key (``X-API-Key`` or ``Authorization: Bearer``) when ``api_key``
is set, and always when bound to a non-loopback address (:func:`check_bind`); a
per-client sliding-window rate limit (``api_requests_per_min``; the client is its key,
or its address without one); a request body limit (``api_max_body_mb``, counted while
reading, so a missing or false ``Content-Length`` does not get past it). Errors are
``{"error": {"type", "message", "message_ru"}}`` (``message`` in English, ``message_ru`` the
same error in Russian, :meth:`~core.errors.MargoError.localized`): :class:`~core.errors.InputError` 400 (too large: 413),
:class:`~core.errors.AccessError` 403, :class:`~core.errors.RateLimitError` 429 with
``Retry-After``, LLM/network 502, model/storage 503, other 500.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from ..errors import (
    AccessError,
    InputError,
    LLMError,
    MargoError,
    ModelError,
    NetworkError,
    RateLimitError,
    SettingsError,
    StorageError,
    TooLargeError,
)
from ..jobs import heavy_pool
from ..limits import RateLimiter
from ..reader.documents import list_documents
from ..settings import Settings
from ..workspace import LOCAL_USER
from .jobs import JobRunner
from .models import (
    AnswerRequest,
    ChannelAnswerOut,
    ChannelInfoOut,
    DocumentOut,
    ErrorOut,
    FeedbackRequest,
    ImportPublicRequest,
    JobOut,
    NextQuestionOut,
    NextQuestionRequest,
    ProgressOut,
    ReaderAnswerOut,
    ReaderAskRequest,
    ScoreOut,
    ScoreRequest,
    SearchOut,
    SearchRequest,
    SummaryOut,
    SummaryRequest,
)
from .services import Services

__all__ = ["API_VERSION", "check_bind", "create_app", "is_loopback"]

API_VERSION = "1.0"
_ERRORS = {400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 413: {"model": ErrorOut}, 429: {"model": ErrorOut},
           502: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _keys(settings: Settings) -> list[str]:
    raw = settings.api_key.get_secret_value() if settings.api_key else ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def check_bind(settings: Settings) -> None:
    """Refuse to serve a non-loopback address without an API key.

    Raises:
        SettingsError: ``api_host`` is not loopback and ``api_key`` is empty.
    """
    if not is_loopback(settings.api_host) and not _keys(settings):
        raise SettingsError(f"MARGO_API_HOST={settings.api_host} is reachable from other machines: set "
                            "MARGO_API_KEY (clients send it as X-API-Key) or bind to 127.0.0.1.")


def status_of(exc: MargoError) -> int:
    """The HTTP status of a core error."""
    for cls, code in ((_Unauthorized, 401), (TooLargeError, 413), (InputError, 400), (AccessError, 403), (RateLimitError, 429),
                      (LLMError, 502), (NetworkError, 502), (ModelError, 503), (StorageError, 503),
                      (SettingsError, 500)):
        if isinstance(exc, cls):
            return code
    return 500


def _error(status: int, type_: str, message: str, retry_after_s: float | None = None,
           message_ru: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "message": message}
    if message_ru is not None:  # the same error for a Russian-speaking user (MargoError.localized)
        body["message_ru"] = message_ru
    headers = {}
    if retry_after_s is not None:
        body["retry_after_s"] = round(retry_after_s, 1)
        headers["Retry-After"] = str(max(1, round(retry_after_s)))
    return JSONResponse({"error": body}, status_code=status, headers=headers)


class _BodyLimit:
    """ASGI middleware: a 413 once a request body passes ``max_bytes`` (declared or counted)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_large = _error(413, "TooLargeError", f"The request is over {self.max_bytes // (1024 * 1024)} MB.")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await too_large(scope, receive, send)
        seen = 0
        rejected = started = False

        async def counted_receive():
            nonlocal seen, rejected, started
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not started:  # answer 413 now; the app sees a client gone
                    rejected = True
                    await too_large(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if not rejected:  # after a 413 the app's own answer is dropped
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not rejected:
                raise


class _Unauthorized(AccessError):
    """No API key, or a wrong one (HTTP 401)."""


def client_id(request: Request) -> str:
    """The calling client's id, after the API key check and the rate limit.

    ``key-<hash>`` for a keyed client, ``local`` for loopback without keys, else
    ``ip-<address>``.

    Raises:
        AccessError: (401) a key is configured and the request has no valid one.
        RateLimitError: over ``api_requests_per_min``.
    """
    keys: list[str] = request.app.state.keys
    given = request.headers.get("x-api-key") or ""
    auth = request.headers.get("authorization") or ""
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if keys:
        if not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
            raise _Unauthorized("A valid API key is required: send it as X-API-Key.")
        who = "key-" + hashlib.sha256(given.encode()).hexdigest()[:16]
    else:
        host = request.client.host if request.client else ""
        who = LOCAL_USER if is_loopback(host) else f"ip-{host}"
    request.app.state.limiter.check(who, "request")
    return who


Client = Annotated[str, Depends(client_id)]


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """Build the API over ``services`` (default: built from ``settings``; the embedder loads here).

    Raises:
        SettingsError: bound to a non-loopback address without an API key.
        ModelError: the embedder cannot be loaded.
    """
    check_bind(settings)
    svc = services or Services(settings)
    jobs = JobRunner(Path(settings.data_dir) / "api" / "jobs.sqlite3", heavy_pool(settings))  # #11h: kept, bounded
    limiter = RateLimiter({"request": (settings.api_requests_per_min, 60.0)})
    keys = _keys(settings)
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.shutdown()

    app = FastAPIOffline(title="Margo API", version=API_VERSION, lifespan=lifespan,
                  description="Papers, Telegram channels and interview practice, in Russian and English, offline "
                              "on CPU. Same core as the Streamlit app; pages are 1-based.")
    app.state.services = svc
    app.state.jobs = jobs
    app.state.keys = keys
    app.state.limiter = limiter
    app.add_middleware(_BodyLimit, max_bytes=settings.api_max_body_mb * 1024 * 1024)

    @app.exception_handler(MargoError)
    async def _margo_error(request: Request, exc: MargoError):
        name = "AccessError" if isinstance(exc, _Unauthorized) else type(exc).__name__
        return _error(status_of(exc), name, str(exc),
                      exc.retry_after_s if isinstance(exc, RateLimitError) else None,
                      message_ru=exc.localized("ru"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return _error(422, "ValidationError", f"{where or 'request'}: {first.get('msg', 'invalid')}.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        return _error(500, "InternalError", f"Unexpected server error ({type(exc).__name__}).")


    @app.get("/v1/health", tags=["meta"])
    def health() -> dict:
        """Liveness and mode: offline or LLM, the embedder's name."""
        return {"status": "ok", "version": API_VERSION, "llm": svc.llm.label if svc.llm else None,
                "embedder": svc.embedder.name}

    # ------------------------------------------------------------------ jobs
    @app.get("/v1/jobs/{job_id}", response_model=JobOut, responses=_ERRORS, tags=["jobs"])
    def job(job_id: str, who: Client) -> dict:
        """A job's status, progress and, when done, its result (or error)."""
        return jobs.get(job_id, who).as_json()

    # ---------------------------------------------------------------- reader
    @app.post("/v1/reader/documents", response_model=JobOut, status_code=202, responses=_ERRORS, tags=["reader"])
    def upload(who: Client, file: Annotated[UploadFile, File(description="A PDF with a text layer.")]) -> dict:
        """Upload a PDF; it is parsed and embedded in a job (poll ``/v1/jobs/{id}``; result: the document)."""
        limit = settings.max_upload_mb * 1024 * 1024
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(f"The file is over {settings.max_upload_mb} MB.")
        def work(progress) -> dict:
            progress("ingest", 0, 1)  # the Reader reports no finer progress: parse, embed, save
            result = svc.open_pdf(who, data)
            progress("ingest", 1, 1)
            return result

        return jobs.submit("reader.ingest", who, work).as_json()

    @app.get("/v1/reader/documents", response_model=list[DocumentOut], responses=_ERRORS, tags=["reader"])
    def documents(who: Client) -> list[dict]:
        """Papers uploaded earlier, newest first."""
        return list_documents(Path(svc.user_settings(who).index_dir))

    @app.post("/v1/reader/documents/{doc_id}/summary", response_model=SummaryOut, responses=_ERRORS, tags=["reader"])
    def summary(doc_id: str, body: SummaryRequest, who: Client) -> dict:
        """Summary of the paper with the 1-based page of each sentence."""
        return svc.summarize(who, doc_id, body.sentences, body.lang)

    @app.post("/v1/reader/documents/{doc_id}/ask", response_model=ReaderAnswerOut, responses=_ERRORS,
              tags=["reader"])
    def ask(doc_id: str, body: ReaderAskRequest, who: Client) -> dict:
        """Answer a question about the paper, citing pages, or abstain ("not in this document")."""
        return svc.ask(who, doc_id, body.question, [tuple(h) for h in body.history])

    # -------------------------------------------------------------- channels
    @app.get("/v1/channels", response_model=list[ChannelInfoOut], responses=_ERRORS, tags=["channels"])
    def channels(who: Client) -> list[dict]:
        """Imported channels with post counts and date ranges."""
        return svc.channels(who)

    @app.post("/v1/channels/import", response_model=JobOut, status_code=202, responses=_ERRORS, tags=["channels"])
    def import_export(who: Client,
                      file: Annotated[UploadFile, File(description="result.json, messages.html, JSON/CSV dump")],
                      name: Annotated[str | None, Form()] = None, username: Annotated[str | None, Form()] = None) -> dict:
        """Import a Telegram export in a job (new and edited posts only)."""
        limit = settings.max_upload_mb * 1024 * 1024
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(f"The file is over {settings.max_upload_mb} MB.")
        suffix = Path(file.filename or "export.json").suffix[:10] or ".json"
        stem = Path(file.filename or "export").stem[:100]

        def work(progress) -> dict:
            with tempfile.TemporaryDirectory(prefix="margo-api-") as tmp:
                path = Path(tmp) / f"{stem}{suffix}"
                path.write_bytes(data)
                return svc.import_export(who, path, name or None, username or None, progress)

        return jobs.submit("channels.import", who, work).as_json()

    @app.post("/v1/channels/import-public", response_model=JobOut, status_code=202, responses=_ERRORS,
              tags=["channels"])
    def import_public(body: ImportPublicRequest, who: Client) -> dict:
        """Add or refresh a public channel by @username from its t.me/s web preview, in a job."""
        from ..channels.web import clean_username

        clean_username(body.username)  # a bad name fails now, not in the job
        return jobs.submit("channels.import_public", who, lambda progress: svc.import_public(
            who, body.username, body.name, body.max_pages, progress)).as_json()

    @app.post("/v1/channels/search", response_model=SearchOut, responses=_ERRORS, tags=["channels"])
    def search(body: SearchRequest, who: Client) -> dict:
        """Posts that answer the query, by meaning and words (RU/EN, cross-lingual)."""
        return svc.search(who, body.query, body.channels, body.k, date_from=body.date_from, date_to=body.date_to,
                          sort=body.sort, mode=body.mode)

    @app.post("/v1/channels/answer", response_model=ChannelAnswerOut, responses=_ERRORS, tags=["channels"])
    def answer(body: AnswerRequest, who: Client) -> dict:
        """An answer from the posts with [n] marks linking to them, or an abstention."""
        return svc.answer(who, body.query, body.channels, body.k, [tuple(h) for h in body.history],
                          date_from=body.date_from, date_to=body.date_to, sort=body.sort, mode=body.mode)

    @app.post("/v1/channels/feedback", responses=_ERRORS, tags=["channels"])
    def feedback(body: FeedbackRequest, who: Client) -> dict:
        """Thumbs up or down (or withdrawn) on an answer, by its ``query_id``."""
        svc.feedback(who, body.query_id, {"up": True, "down": False, "none": None}[body.vote])
        return {"ok": True}

    # ------------------------------------------------------------- interview
    @app.post("/v1/interview/next", response_model=NextQuestionOut, responses=_ERRORS, tags=["interview"])
    def next_question(body: NextQuestionRequest, who: Client) -> dict:
        """The next question from the bank (never one in ``asked``)."""
        pick = svc.next_question(body.lang, body.topics, list(body.levels or []) or None, body.asked, body.seed)
        return pick or {"question_id": None, "question": None, "lang": body.lang}

    @app.post("/v1/interview/score", response_model=ScoreOut, responses=_ERRORS, tags=["interview"])
    def score(body: ScoreRequest, who: Client) -> dict:
        """Score an answer (0-100) to a bank question or against a given reference, with feedback."""
        return svc.score(body.answer, body.question_id, body.question, body.reference, body.lang, user=who,
                         session_id=body.session_id)

    @app.get("/v1/interview/progress", response_model=ProgressOut, responses=_ERRORS, tags=["interview"])
    def progress(who: Client, lang: Literal["ru", "en"] = "ru", k: int = 5) -> dict:
        """Answers so far, mean score per topic, and what to practise next (with the reason)."""
        return svc.progress(who, lang, max(1, min(k, 20)))

    return app
