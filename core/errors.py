"""The exception tree of Margo's core.

Pages catch :class:`MargoError` and show ``exc.localized(lang)`` (``pages/_common.py``
``show_error``); the bot replies with it in the user's language; the API keeps the English
``str(exc)`` as ``detail`` and adds ``detail_ru``. The command line prints ``str(exc)`` on
one line and exits non-zero. An error raised with ``key="errors.…"`` and fields is
translated through ``core/i18n/errors.py``; one raised with a message only still gets a
Russian per-class text (``errors.<ClassName>``, or that of its nearest base class). Third-party errors are wrapped with
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

from .i18n import catalogue, normalise_lang, t

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
    """Base of every error the core raises on purpose; its message is for the user.

    ``str(exc)`` is the English message given at the raise site. A raise site may also give
    a catalogue key and its fields, so the user reads the message in their own language::

        raise TooLargeError(f"The PDF has {n} pages; the limit is {limit}.",
                            key="errors.pdf.too_many_pages", pages=n, limit=limit)
        exc.localized("ru")  # "В PDF 812 страниц, а можно не больше 500."

    Args:
        *args: the English message (as for :class:`Exception`).
        key: an ``errors.*`` key of the catalogue ``core/i18n/errors.py`` or None.
        **fields: the ``{placeholders}`` of that key (numbers, names, file names).

    Attributes:
        key: the catalogue key or None.
        fields: the key's fields (``dict``; empty when none were given).
    """

    def __init__(self, *args: object, key: str | None = None, **fields: object) -> None:
        super().__init__(*args)
        self.key = key
        self.fields = fields

    def localized(self, lang: str | None) -> str:
        """The message in ``lang`` (``"ru"``/``"en"``; other codes are normalised).

        Order: the raise site's key formatted with its fields; else, for a language other
        than English, the per-class fallback ``errors.<ClassName>`` (nearest base class that
        has one, e.g. ``errors.InputError``) when the catalogue has it; else ``str(exc)``.
        The English text with a key comes from the catalogue too, so both languages read
        alike; a key that is missing from the catalogue falls back to ``str(exc)``.
        """
        code = normalise_lang(lang, default="en")
        strings = catalogue()
        key = getattr(self, "key", None)
        fields = getattr(self, "fields", {}) or {}
        if key and key in strings:
            try:
                text = t(key, code, strict=True, **fields)
                return text if fields else text.format()  # templates are always formatted ({{ → {)
            except (KeyError, IndexError, ValueError):
                pass  # a field missing at the raise site: the per-class text still helps
        if code != "en":
            for cls in type(self).__mro__:
                fallback = f"errors.{cls.__name__}"
                if fallback in strings:
                    detail = str(self)
                    return t(fallback, code, detail=detail)
                if cls is MargoError:
                    break
        return str(self)


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

    def __init__(self, message: str, retry_after_s: float = 0.0, *, key: str | None = None,
                 **fields: object) -> None:
        super().__init__(message, key=key, **fields)
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
