"""The one translation layer for every string a user sees (Russian and English).

Catalogues are plain typed dictionaries, one module per feature in this package
(``core/i18n/reader.py``, ``core/i18n/interview.py``, ...), each exporting::

    STRINGS: dict[str, dict[str, str]] = {
        "reader.upload.label": {"ru": "Загрузите статью (PDF)", "en": "Upload a paper (PDF)"},
        "reader.pages": {"ru": "{n} стр.", "en": "{n} pages"},
    }

Keys are ``<feature>.<place>.<name>``; values are ``str.format`` templates. A test
(``tests/test_i18n.py``) checks that every key has both languages and the same
``{placeholders}`` in each. :func:`t` looks a key up; a missing key raises ``KeyError``
in tests (``strict=True``) and shows the key itself in the app, so a gap is visible, never
a crash.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from functools import lru_cache
from typing import Literal

__all__ = ["LANGS", "Lang", "catalogue", "normalise_lang", "placeholders", "resolve_ui_lang", "t"]

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, ...] = ("ru", "en")
"""Interface languages; Russian first (the product's first language)."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All keys of all feature modules of this package, merged.

    Raises:
        ValueError: two modules define the same key.
    """
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, value in getattr(module, "STRINGS", {}).items():
            if key in merged:
                raise ValueError(f"UI string key {key!r} is defined twice (second in {info.name})")
            merged[key] = value
    return merged


def normalise_lang(lang: str | None, default: Lang = "ru") -> Lang:
    """``"ru-RU"``, ``"RU"``, ``"en_GB"`` → ``"ru"`` / ``"en"``; anything else → ``default``."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else default  # type: ignore[return-value]


def resolve_ui_lang(configured: str | None, browser_locale: str | None = None,
                    accept_language: str | None = None) -> Lang:
    """The interface language for a new session.

    Order: the configured language (``MARGO_UI_LANG``), else the browser's
    ``navigator.language`` (``st.context.locale``), else the first language of the
    ``Accept-Language`` header that is Russian or English, else Russian (the product's first
    language). So a Russian browser gets Russian and an English one English.

    Args:
        configured: ``"ru"``/``"en"`` or None.
        browser_locale: e.g. ``"ru-RU"``, ``"en-US"`` or None.
        accept_language: an HTTP ``Accept-Language`` value, e.g. ``"ru-RU,ru;q=0.9,en;q=0.8"``.
    """
    for candidate in (configured, browser_locale):
        code = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
        if code in LANGS:
            return code  # type: ignore[return-value]
        if code:  # a browser in another language (de-DE): the international choice
            return "en"
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LANGS:
            return code  # type: ignore[return-value]
    return "ru"


def t(key: str, lang: str | None = "ru", /, *, strict: bool = False, **values: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``values``.

    Args:
        key: a catalogue key such as ``"reader.upload.label"``.
        lang: ``"ru"`` or ``"en"`` (other codes are normalised, unknown ones fall back to
            Russian).
        strict: raise on a missing key instead of returning the key.
        **values: ``str.format`` fields of the template.

    Raises:
        KeyError: ``strict`` and the key (or a format field) is missing.
    """
    entry = catalogue().get(key)
    if entry is None:
        if strict:
            raise KeyError(key)
        return key
    template = entry.get(normalise_lang(lang)) or entry.get("en") or key
    if not values:
        return template
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        if strict:
            raise
        return template


def placeholders(template: str) -> set[str]:
    """The ``{field}`` names of a ``str.format`` template (used by the catalogue test)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
