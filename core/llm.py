"""A small client for any OpenAI-compatible chat-completions endpoint.

OpenAI, Ollama, vLLM, LM Studio and OpenRouter all serve ``POST {base_url}/chat/completions``
with ``{"model", "messages", "temperature"}`` and answer ``{"choices": [{"message":
{"content": ...}}]}``. Every call has a timeout; any failure becomes :class:`LLMError`
so callers fall back to their offline method and tell the user.

The ``transport=`` argument is the seam tests use (``httpx.MockTransport``), besides a
real fake server on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .errors import LLMError
from .settings import Settings

__all__ = ["ChatMessage", "LLMClient", "llm_from_settings"]

ChatMessage = dict[str, str]
"""``{"role": "system"|"user"|"assistant", "content": str}``."""


@dataclass
class LLMClient:
    """Chat completions over HTTP.

    Attributes:
        base_url: endpoint root, e.g. ``https://api.openai.com/v1`` or ``http://localhost:11434/v1``.
        model: model name the endpoint knows.
        api_key: bearer token ("" for local servers that need none).
        timeout_s: whole-request timeout in seconds.
        temperature: sampling temperature.
        transport: optional httpx transport (tests).
    """

    base_url: str
    model: str
    api_key: str = ""
    timeout_s: float = 30.0
    temperature: float = 0.1
    transport: httpx.BaseTransport | None = None

    @property
    def label(self) -> str:
        """Human-readable "model @ host" for the UI."""
        host = httpx.URL(self.base_url).host or self.base_url
        return f"{self.model} @ {host}"

    def chat(self, messages: list[ChatMessage], max_tokens: int = 800) -> str:
        """Send ``messages`` and return the assistant's text.

        Raises:
            LLMError: timeout, connection failure, non-2xx status, or a reply without text.
        """
        url = self.base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": max_tokens,
        }
        try:
            with httpx.Client(timeout=self.timeout_s, transport=self.transport) as client:
                response = client.post(url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise LLMError(f"The LLM at {self.label} did not answer within {self.timeout_s:g} s.") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"Could not reach the LLM at {self.label}: {type(exc).__name__}.") from exc
        if response.status_code >= 400:
            raise LLMError(f"The LLM at {self.label} answered HTTP {response.status_code}.")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"The LLM at {self.label} sent a reply in an unexpected shape.") from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMError(f"The LLM at {self.label} sent an empty reply.")
        return content.strip()


def llm_from_settings(settings: Settings) -> LLMClient | None:
    """The configured LLM client, or None when no endpoint/model is set (offline mode)."""
    if not settings.llm_enabled:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    return LLMClient(
        base_url=str(settings.llm_base_url),
        model=str(settings.llm_model),
        api_key=key,
        timeout_s=settings.llm_timeout_s,
        temperature=settings.llm_temperature,
    )
