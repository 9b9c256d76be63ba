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
from typing import Any

from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

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

    model_config = SettingsConfigDict(env_prefix="MARGO_", extra="ignore")

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
    abstain_threshold: float = Field(
        default=0.49,
        description="Below this evidence score the Reader abstains (question in the document's "
        "language); calibrated by scripts/bench_reader.py (see docs/BENCHMARKS.md).",
    )
    abstain_threshold_crosslingual: float = Field(
        default=0.30,
        description="The same for a question in the other language (no shared words, lower scores).",
    )
    max_upload_mb: int = Field(default=50, ge=1)
    max_pages: int = Field(default=400, ge=1)
    summary_sentences: int = Field(default=7, ge=1)

    # Speech.
    tts_timeout_s: float = Field(default=5.0, gt=0)

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (tests build :class:`Settings` directly)."""
    return Settings()
