"""One typed settings object for the whole app.

Values come, highest priority first, from: keyword arguments (tests build settings
directly), environment variables ``MARGO_<FIELD>``, and ``.streamlit/secrets.toml``
(top-level keys ``MARGO_<FIELD>``, or plain field names inside a ``[margo]`` table).
Nothing here imports Streamlit, so the command line and tests read the same file.

Example ``.streamlit/secrets.toml``::

    MARGO_LLM_BASE_URL = "http://localhost:11434/v1"   # Ollama
    MARGO_LLM_MODEL = "qwen2.5:7b-instruct"
    MARGO_LLM_API_KEY = "ollama"
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings", "load_settings", "settings_error_line"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository's root folder (the parent of ``core/``)."""

_SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class _SecretsTomlSource(PydanticBaseSettingsSource):
    """Reads ``MARGO_*`` keys (or a ``[margo]`` table) from ``.streamlit/secrets.toml``."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None = None):
        super().__init__(settings_cls)
        path = path or Path(os.environ.get("MARGO_SECRETS_FILE", _SECRETS_FILE))
        self._values: dict[str, Any] = {}
        if path.is_file():
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                raw = {}  # a broken secrets file must not stop the app; env still works
            for key, value in raw.items():
                if key.upper().startswith("MARGO_"):
                    self._values[key[6:].lower()] = value
            table = raw.get("margo")
            if isinstance(table, dict):
                self._values.update({k.lower(): v for k, v in table.items()})

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._values.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """Margo's settings; every unit is in the field name.

    Raises:
        pydantic.ValidationError: a value has the wrong type or range.
    """

    model_config = SettingsConfigDict(
        env_prefix="MARGO_", extra="ignore", allow_inf_nan=False,
        env_ignore_empty=True,  # MARGO_UI_LANG= (set but empty, as Docker and systemd pass it) means unset
    )

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="All on-disk state: indexes, caches, user stores (git-ignored by default).",
    )

    # Optional LLM: any OpenAI-compatible chat-completions endpoint.
    llm_base_url: str | None = Field(default=None, description="e.g. https://api.openai.com/v1")
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)

    # Embeddings.
    embed_model: str = Field(
        default="use-multilingual-v3",
        description="'use-multilingual-v3' (offline, RU+EN), 'minilm-packaged' (offline, EN only) "
        "or any sentence-transformers model name (needs the hub, or a local path).",
    )
    allow_model_download: bool = Field(
        default=False,
        description="Let sentence-transformers reach the Hugging Face hub (hosted use).",
    )
    threads: int = Field(default=1, ge=1, description="CPU threads for torch / numpy models.")

    # Reader.
    chunk_chars: int = Field(default=1000, ge=200)
    chunk_overlap_sentences: int = Field(default=1, ge=0)
    top_k: int = Field(default=6, ge=1, description="Chunks retrieved per question.")
    answer_sentences: int = Field(default=3, ge=1, description="Sentences in an extractive answer.")
    # Abstention (#8a): None = the thresholds calibrated with the model in core/reader/abstain_model.json
    # (scripts/calibrate_abstention.py, dev data only); a number overrides them.
    abstain_threshold: float | None = Field(
        default=None,
        ge=0,
        lt=2,
        description="Below this P(answerable) of the abstention model (core/reader/abstain.py) the Reader "
        "abstains, question in the document's language; unset = the calibrated threshold. Without the "
        "model file it applies to the old evidence score (default 1.216).",
    )
    abstain_threshold_crosslingual: float | None = Field(
        default=None,
        ge=0,
        lt=2,
        description="The same for a question in the other language (unset = calibrated; old score: 1.269).",
    )
    max_upload_mb: int = Field(default=50, ge=1)
    max_pages: int = Field(default=400, ge=1)
    summary_sentences: int = Field(default=7, ge=1)

    # Speech.
    tts_timeout_s: float = Field(default=5.0, gt=0)
    gtts_url: str | None = Field(
        default=None,
        description="gTTS endpoint (Google's batchexecute URL when unset); tests point it at a loopback fake.",
    )
    speech_background: bool = Field(
        default=True,
        description="Synthesize the texts that avatar panels show, sentence by sentence, in the background "
        "(#10; off only in page tests, where the panels then stay silent).",
    )

    # Papers beyond one PDF (#12): arXiv search/fetch, OCR.
    arxiv_api_url: str = Field(
        default="https://export.arxiv.org/api/query",
        description="arXiv Atom API endpoint (tests point it at a loopback replay server).",
    )
    arxiv_timeout_s: float = Field(default=15.0, gt=0, description="Timeout of one arXiv request.")
    papers_cache_ttl_s: int = Field(
        default=86400,
        ge=0,
        description="How long cached arXiv results are reused; arXiv's listings change once a day "
        "(arXiv API User's Manual), so one day.",
    )
    ocr_langs: str = Field(default="rus+eng", description="Tesseract language packs used for scans.")
    llm_vision: bool = Field(
        default=False,
        description="The configured LLM accepts images (OpenAI image_url parts): figures are sent with "
        "their explanation request.",
    )
    ocr_dpi: int = Field(
        default=300,
        ge=72,
        le=600,
        description="Rendering resolution for OCR; Tesseract's documentation asks for >= 300 dpi "
        "(see scripts/bench_papers.py for 150 vs 300 on our papers).",
    )

    # Interface (#10): language and local LLM discovery.
    ui_lang: Literal["ru", "en"] | None = Field(
        default=None,
        description="Interface language; unset: the browser's language (Russian for a Russian "
        "browser, Russian when the browser does not say).",
    )
    llm_probe_local: bool = Field(
        default=True,
        description="With no LLM configured, look for a local OpenAI-compatible server "
        "(Ollama, LM Studio, llama.cpp) on 127.0.0.1.",
    )
    llm_probe_timeout_s: float = Field(default=0.3, gt=0, description="Per-port probe timeout.")

    # Hosting for many users (#11): identity, limits, bounded parsing.
    multi_user: bool = Field(
        default=False,
        description="Hosted for many users: each browser gets its own workspace (signed in with "
        "st.login when [auth] is configured, else anonymous for the session). Off: one local user.",
    )
    admin_users: str = Field(
        default="",
        description="Comma-separated user ids or e-mails (from st.login) allowed to publish "
        "channels to all users; nobody else can change shared data.",
    )
    rate_questions_per_min: int = Field(
        default=20, ge=1, description="Questions (Reader, channels, interview) one user may ask per minute."
    )
    rate_imports_per_hour: int = Field(
        default=20, ge=1, description="Paper uploads and channel imports one user may start per hour."
    )
    rate_speech_per_min: int = Field(default=30, ge=1, description="Speak/transcribe requests per user per minute.")
    workspace_quota_mb: int = Field(default=1024, ge=1, description="Disk space one user's workspace may use.")
    max_post_chars: int = Field(
        default=100_000, ge=1000,
        description="Longest channel post kept whole; longer text is cut (Telegram itself caps a post at "
        "4,096 characters, a caption at 1,024: 100k leaves room for dumps that join posts).",
    )
    max_json_depth: int = Field(
        default=64, ge=4,
        description="Deepest nesting accepted in a JSON export (Telegram's result.json nests 5 levels).",
    )
    # ---- bounded long work (#11h, core/jobs.py) ----
    heavy_workers: int = Field(
        default=1, ge=1, le=16,
        description="Long jobs (paper ingest, OCR, channel import, transcription) run at once per server "
        "process; the rest wait in one queue. 1 on a 2-core machine leaves a core for answers "
        "(scripts/bench_load.py, docs/BENCHMARKS.md 'Load and faults').",
    )
    heavy_nice: int = Field(
        default=10, ge=0, le=19,
        description="OS priority (nice) added to the long-job worker threads and their subprocesses "
        "(10 is the default increment of the coreutils `nice` command).",
    )
    # ---- end bounded long work ----

    # PostgreSQL and a scale-out vector path (#11p); SQLite files and FAISS stay the default.
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:port/db: users' stores (channels, posts, votes, "
        "interview progress) on PostgreSQL instead of SQLite files (see core/storage.py).",
    )
    vector_backend: Literal["faiss", "pgvector"] = Field(
        default="faiss",
        description="Where channel vectors live: 'faiss' (files beside the data) or 'pgvector' "
        "(HNSW tables on the MARGO_DATABASE_URL server, shared by every app server).",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgres(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql://")
        return value

    @field_validator("vector_backend")
    @classmethod
    def _pgvector_needs_database(cls, value: str, info) -> str:
        if value == "pgvector" and info.data.get("database_url") is None:
            raise ValueError("'pgvector' needs MARGO_DATABASE_URL (a PostgreSQL server with the vector extension)")
        return value

    # HTTP API, Telegram bot, public channels by @username (#15).
    api_host: str = Field(default="127.0.0.1", description="Address `python -m core.api` binds to.")
    api_port: int = Field(default=8765, ge=1, le=65535, description="Port of `python -m core.api`.")
    api_key: SecretStr | None = Field(
        default=None,
        description="Key clients send as `X-API-Key` (or `Authorization: Bearer`); required when "
        "`api_host` is not a loopback address. Comma-separated keys give several clients.",
    )
    api_requests_per_min: int = Field(
        default=120, ge=1, description="Requests one API client (key or address) may send per minute."
    )
    api_max_body_mb: int = Field(
        default=55, ge=1, description="Largest request body the API reads (a PDF up to max_upload_mb plus form)."
    )
    telegram_token: SecretStr | None = Field(default=None, description="Bot token from @BotFather.")
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server root (tests point it at a fake server on loopback).",
    )
    telegram_web_url: str = Field(
        default="https://t.me",
        description="Root of Telegram's public channel preview (`<root>/s/<username>`); tests replay "
        "recorded pages from loopback.",
    )
    telegram_web_timeout_s: float = Field(default=15.0, gt=0, description="Timeout of one preview page.")
    telegram_web_delay_s: float = Field(
        default=1.0, ge=0, description="Pause between preview pages (politeness: one page a second)."
    )
    telegram_web_max_pages: int = Field(
        default=50, ge=1, description="Most preview pages fetched per import (about 20 posts a page)."
    )
    bot_messages_per_min: int = Field(
        default=12, ge=1, description="Messages one Telegram user may send the bot per minute."
    )
    telegram_admin_ids: str = Field(
        default="",
        description="Comma-separated Telegram user ids allowed to change the bot's shared channel list "
        "(`/add @channel`); empty: nobody (ids `tg-<id>` in admin_users count too).",
    )

    # Lectures (#14): recordings, subtitles, YouTube captions.
    lecture_max_upload_mb: int = Field(
        default=500, ge=1, description="Largest lecture file (audio, video or subtitles) accepted."
    )
    lecture_max_duration_s: float = Field(
        default=3 * 3600.0, gt=0, description="Longest recording or subtitle track accepted (3 h)."
    )
    lecture_whisper_model_dir: Path | None = Field(
        default=None,
        description="A larger local faster-whisper (CTranslate2) model folder; None uses the packaged base.",
    )
    lecture_vad: bool = Field(default=True, description="Skip silence with faster-whisper's Silero VAD.")
    youtube_timeout_s: float = Field(default=10.0, gt=0, description="Timeout of one YouTube captions request.")

    @field_validator("data_dir")
    @classmethod
    def _data_dir_is_folder(cls, value: Path) -> Path:
        if Path(value).exists() and not Path(value).is_dir():
            raise ValueError("is a file, not a folder")
        return value

    @property
    def admins(self) -> frozenset[str]:
        """``admin_users`` as a set of case-folded ids."""
        return frozenset(u.strip().casefold() for u in self.admin_users.split(",") if u.strip())

    @property
    def telegram_admins(self) -> frozenset[int]:
        """``telegram_admin_ids`` and the ``tg-<id>`` entries of ``admin_users``, as Telegram user ids."""
        ids = {u.strip() for u in self.telegram_admin_ids.split(",") if u.strip()}
        ids |= {u.removeprefix("tg-") for u in self.admins if u.startswith("tg-")}
        return frozenset(int(u) for u in ids if u.lstrip("-").isdigit())

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint and a model name are both configured."""
        return bool(self.llm_base_url and self.llm_model)

    @property
    def index_dir(self) -> Path:
        """Folder of persisted per-document indexes: ``<data_dir>/indexes``."""
        return self.data_dir / "indexes"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _SecretsTomlSource(settings_cls))


_SECRET_FIELDS = frozenset({"llm_api_key", "database_url"})  # #11p: the URL holds a password


def settings_error_line(exc: ValidationError) -> str:
    """One line naming each bad setting: ``MARGO_TOP_K=-1: Input should be greater than ...``.

    Values of secret fields (the API key) are never repeated.
    """
    parts = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "?"
        value = "***" if field in _SECRET_FIELDS else repr(err.get("input"))[:60]
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"MARGO_{field.upper()}={value}: {msg}")
    return "Invalid setting: " + "; ".join(parts) + "."


def load_settings(**overrides: Any) -> Settings:
    """Build :class:`Settings`, turning pydantic's multi-line report into one line.

    Raises:
        SettingsError: a value has the wrong type or range (the message names the setting).
    """
    from .errors import SettingsError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        line = settings_error_line(exc)
        raise SettingsError(line, key="errors.settings.invalid",
                            detail=line.removeprefix("Invalid setting: ").rstrip(".")) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (tests build :class:`Settings` directly).

    Raises:
        SettingsError: a setting is invalid (one line naming it).
    """
    return load_settings()
