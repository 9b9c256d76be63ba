"""The exception tree of Margo's core.

Pages catch :class:`MargoError` and show its message with ``st.error``; the command
line prints it on one line and exits non-zero. Third-party errors are wrapped with
``raise ... from exc`` so the cause stays visible in logs.

::

    MargoError
    ├── InputError                  the user's file or text cannot be used
    │   ├── NotAPDFError
    │   ├── CorruptPDFError
    │   ├── EncryptedPDFError
    │   ├── EmptyDocumentError
    │   ├── NeedsOCRError           pages are images with no text layer
    │   ├── TooLargeError           over the size or page limit
    │   ├── MalformedExportError    a channel export that cannot be parsed
    │   ├── UnsupportedMediaError   a lecture file that is neither media nor subtitles (#14)
    │   ├── MalformedSubtitlesError an .srt/.vtt file that cannot be parsed (#14)
    │   └── NoSpeechError           a recording with no speech or subtitles with no text (#14)
    ├── ModelError                  an embedding/speech model could not be loaded
    │   └── SpeechError             a TTS/STT engine failed or is not installed
    ├── LLMError                    the optional LLM endpoint failed or timed out
    ├── NetworkError                a web service (arXiv) could not be reached in time
    ├── StorageError                an index or store could not be read or written
    │   └── QuotaError              the user's workspace is over its storage quota (#11)
    ├── SettingsError               a MARGO_* setting is invalid (one line naming it) (#11)
    ├── RateLimitError              a user asked too often; retry after a few seconds (#11)
    └── AccessError                 the user may not change this (shared data, another's workspace) (#11)
"""

from __future__ import annotations

__all__ = [
    "CorruptPDFError",
    "EmptyDocumentError",
    "EncryptedPDFError",
    "InputError",
    "LLMError",
    "MalformedExportError",
    "MalformedSubtitlesError",
    "NoSpeechError",
    "UnsupportedMediaError",
    "MargoError",
    "ModelError",
    "NetworkError",
    "NeedsOCRError",
    "QuotaError",
    "RateLimitError",
    "SettingsError",
    "AccessError",
    "NotAPDFError",
    "SpeechError",
    "StorageError",
    "TooLargeError",
]


class MargoError(Exception):
    """Base of every error the core raises on purpose; its message is for the user."""


class InputError(MargoError):
    """The user's input (file, export, text) cannot be used as it is."""


class NotAPDFError(InputError):
    """The file is not a PDF (wrong signature or type)."""


class CorruptPDFError(InputError):
    """The file looks like a PDF but cannot be parsed."""


class EncryptedPDFError(InputError):
    """The PDF is password-protected."""


class EmptyDocumentError(InputError):
    """The file has no content (zero bytes, zero pages or no text at all)."""


class NeedsOCRError(InputError):
    """The PDF's pages are images with no text layer; OCR is needed first."""


class TooLargeError(InputError):
    """The input is over the configured size or page limit."""


class MalformedExportError(InputError):
    """A channel export (JSON, HTML, CSV) cannot be parsed."""


class ModelError(MargoError):
    """A model (embedding, speech) could not be loaded or run."""


class SpeechError(ModelError):
    """A speech engine (TTS or STT) failed, produced no audio, or is not installed."""


class LLMError(MargoError):
    """The optional LLM endpoint failed, timed out or answered nonsense."""


class NetworkError(MargoError):
    """A web service (arXiv search or download) failed, timed out or is unreachable (#12)."""


class StorageError(MargoError):
    """Saved state (index, store) could not be read or written."""


# ---- hosting for many users (#11) ----
class QuotaError(StorageError):
    """Saving this would put the user's workspace over ``workspace_quota_mb``."""


class SettingsError(MargoError):
    """A ``MARGO_*`` setting has the wrong type or range; the message names it on one line."""


class RateLimitError(MargoError):
    """The user sent more requests than the per-user limit allows.

    Attributes:
        retry_after_s: seconds until the next request is allowed.
    """

    def __init__(self, message: str, retry_after_s: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class AccessError(MargoError):
    """The user may not change this (shared data published by an admin, another user's data)."""


# ---- lectures (#14) ----
class UnsupportedMediaError(InputError):
    """A lecture file that is neither audio/video ffmpeg can decode nor .srt/.vtt subtitles."""


class MalformedSubtitlesError(InputError):
    """An .srt or .vtt file that cannot be parsed (bad timing lines, wrong encoding)."""


class NoSpeechError(InputError):
    """A recording in which no speech was recognised, or subtitles without any text."""
