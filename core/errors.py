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
    │   └── MalformedExportError    a channel export that cannot be parsed
    ├── ModelError                  an embedding/speech model could not be loaded
    │   └── SpeechError             a TTS/STT engine failed or is not installed
    ├── LLMError                    the optional LLM endpoint failed or timed out
    └── StorageError                an index or store could not be read or written
"""

from __future__ import annotations

__all__ = [
    "CorruptPDFError",
    "EmptyDocumentError",
    "EncryptedPDFError",
    "InputError",
    "LLMError",
    "MalformedExportError",
    "MargoError",
    "ModelError",
    "NeedsOCRError",
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


class StorageError(MargoError):
    """Saved state (index, store) could not be read or written."""
