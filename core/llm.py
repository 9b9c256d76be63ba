"""A small client for any OpenAI-compatible chat-completions endpoint.

OpenAI, Ollama, vLLM, LM Studio and OpenRouter all serve ``POST {base_url}/chat/completions``
with ``{"model", "messages", "temperature"}`` and answer ``{"choices": [{"message":
{"content": ...}}]}``. Every call has a timeout; any failure becomes :class:`LLMError`
so callers fall back to their offline method and tell the user.

The ``transport=`` argument is the seam tests use (``httpx.MockTransport``), besides a
real fake server on loopback.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import httpx

from .errors import LLMError
from .settings import Settings

__all__ = ["LOCAL_LLM_PORTS", "ChatMessage", "LLMClient", "LocalLLM", "llm_from_settings", "probe_local_llm"]

_MAX_REPLY_BYTES = 4 << 20
"""Largest reply read (4 MB): ``max_tokens`` of 800 is a few KB; more is a broken server (#11)."""


ChatMessage = dict[str, str]
"""``{"role": "system"|"user"|"assistant", "content": str}``."""


@dataclass
class LLMClient:
    """Chat completions over HTTP.

    Attributes:
        base_url: endpoint root, e.g. ``https://api.openai.com/v1`` or ``http://localhost:11434/v1``.
        model: model name the endpoint knows.
        api_key: bearer token ("" for local servers that need none).
        timeout_s: total deadline of one request in seconds (connect, headers and body,
            however slowly the server sends them).
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

    def _post_with_deadline(self, url: str, body: dict, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST and read the whole reply within ``timeout_s`` in total (#11).

        httpx's timeouts apply to each read, so a server that drips one byte a second
        never trips them. Here a watchdog timer closes the client at the deadline (which
        aborts a blocked read, headers included), and the body is read in pieces with the
        deadline checked after each; replies over ``_MAX_REPLY_BYTES`` are refused.

        Returns:
            ``(HTTP status, body bytes)``.

        Raises:
            LLMError: the deadline passed, the connection failed, or the reply is too large.
        """
        deadline = time.monotonic() + self.timeout_s
        late = LLMError(f"The LLM at {self.label} did not answer within {self.timeout_s:g} s.")
        client = httpx.Client(timeout=self.timeout_s, transport=self.transport)
        watchdog = threading.Timer(self.timeout_s, client.close)
        watchdog.daemon = True
        watchdog.start()
        try:
            with client.stream("POST", url, json=body, headers=headers) as response:
                pieces, size = [], 0
                for piece in response.iter_bytes():
                    pieces.append(piece)
                    size += len(piece)
                    if time.monotonic() > deadline:
                        raise late
                    if size > _MAX_REPLY_BYTES:
                        raise LLMError(f"The LLM at {self.label} sent a reply over {_MAX_REPLY_BYTES >> 20} MB.")
                return response.status_code, b"".join(pieces)
        except LLMError:
            raise
        except httpx.TimeoutException as exc:
            raise late from exc
        except (httpx.HTTPError, RuntimeError, OSError) as exc:
            if time.monotonic() >= deadline - 0.05:
                raise late from exc
            raise LLMError(f"Could not reach the LLM at {self.label}: {type(exc).__name__}.") from exc
        finally:
            watchdog.cancel()
            client.close()

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
        status, raw = self._post_with_deadline(url, body, headers)
        if status >= 400:
            raise LLMError(f"The LLM at {self.label} answered HTTP {status}.")
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
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


# --- Local LLM discovery (#10) -------------------------------------------------------------

LOCAL_LLM_PORTS: tuple[int, ...] = (11434, 1234, 8080)
"""Default ports of local OpenAI-compatible servers: Ollama 11434, LM Studio 1234,
llama.cpp ``llama-server`` 8080 (each project's documented default)."""


@dataclass(frozen=True)
class LocalLLM:
    """A local OpenAI-compatible server found on loopback.

    Attributes:
        base_url: e.g. ``http://127.0.0.1:11434/v1``.
        models: model ids its ``GET /v1/models`` lists, chat models first.
    """

    base_url: str
    models: tuple[str, ...]

    @property
    def model(self) -> str:
        """The model Margo would use: the first chat model listed."""
        return self.models[0]

    def client(self, settings: Settings) -> LLMClient:
        """An :class:`LLMClient` for this server's first model (no API key)."""
        return LLMClient(base_url=self.base_url, model=self.model, api_key="",
                         timeout_s=settings.llm_timeout_s, temperature=settings.llm_temperature)


def _is_embedding_model(model_id: str) -> bool:
    low = model_id.lower()
    return any(tag in low for tag in ("embed", "bge-", "e5-", "minilm", "rerank"))


def probe_local_llm(ports: tuple[int, ...] = LOCAL_LLM_PORTS, host: str = "127.0.0.1",
                    timeout_s: float = 0.3, transport: httpx.BaseTransport | None = None) -> LocalLLM | None:
    """Look for a local OpenAI-compatible server; the first port that lists a model wins.

    Each port gets one ``GET http://{host}:{port}/v1/models`` with ``timeout_s`` (a closed
    port on loopback refuses at once, so the whole probe costs milliseconds when nothing runs).
    Embedding-only models are put last; a server listing none is skipped.

    Args:
        ports: ports to try, in order.
        host: the loopback address.
        timeout_s: per-request timeout in seconds.
        transport: optional httpx transport (tests).

    Returns:
        The server found, or None. Never raises on network errors.
    """
    for port in ports:
        base = f"http://{host}:{port}/v1"
        try:
            with httpx.Client(timeout=timeout_s, transport=transport) as client:
                response = client.get(base + "/models")
            data = response.json().get("data") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            continue
        if not isinstance(data, list):
            continue
        ids = [str(m["id"]) for m in data if isinstance(m, dict) and m.get("id")]
        if not ids:
            continue
        ids.sort(key=_is_embedding_model)  # stable: chat models first, in the server's order
        if _is_embedding_model(ids[0]):
            continue
        return LocalLLM(base_url=base, models=tuple(ids))
    return None
