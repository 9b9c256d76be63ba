"""Errors in the user's language: ``MargoError.localized`` and the ``errors.*`` catalogue."""

from __future__ import annotations

import re

import pytest

from core.errors import (
    InputError,
    MalformedExportError,
    MargoError,
    NotAPDFError,
    RateLimitError,
    TooLargeError,
)
from core.i18n import catalogue, placeholders
from core.settings import PROJECT_ROOT

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def test_str_stays_english_and_keyed_message_is_translated():
    exc = TooLargeError("The PDF has 812 pages; the limit is 500.", key="errors.pdf.too_many_pages",
                        pages=812, limit=500)
    assert str(exc) == "The PDF has 812 pages; the limit is 500."
    assert exc.localized("ru") == "В PDF 812 стр., а можно не больше 500."
    assert exc.localized("en-GB") == "The PDF has 812 pages; the limit is 500."
    assert exc.key == "errors.pdf.too_many_pages" and exc.fields == {"pages": 812, "limit": 500}


def test_unkeyed_error_gets_the_class_fallback_in_russian_only():
    exc = NotAPDFError("Not a PDF, sorry.")
    assert exc.localized("ru") == catalogue()["errors.NotAPDFError"]["ru"]
    assert exc.localized("en") == "Not a PDF, sorry."  # English keeps the raise site's own text
    # a subclass without its own entry takes the nearest base class's
    class OddInput(InputError):
        pass
    assert OddInput("odd").localized("ru") == catalogue()["errors.InputError"]["ru"]


def test_key_missing_from_catalogue_or_field_missing_falls_back():
    assert MargoError("plain", key="errors.no.such.key").localized("en") == "plain"
    exc = TooLargeError("The PDF has many pages.", key="errors.pdf.too_many_pages", pages=3)  # no `limit`
    assert exc.localized("ru") == catalogue()["errors.TooLargeError"]["ru"]


def test_rate_limit_error_keeps_retry_after_and_is_translated():
    from core.limits import RateLimiter

    now = [0.0]
    limiter = RateLimiter({"question": (1, 60.0)}, clock=lambda: now[0])
    limiter.check("u", "question")
    with pytest.raises(RateLimitError) as info:
        limiter.check("u", "question")
    assert info.value.retry_after_s == pytest.approx(60.0)
    assert "Too many questions" in str(info.value)
    assert info.value.localized("ru") == "Слишком много вопросов: не больше 1 за 1 мин. Попробуйте снова через 60 с."


def test_every_key_raised_in_core_is_in_the_catalogue_with_its_fields():
    """Each ``key="errors.…"`` at a raise site exists, and the site passes every placeholder."""
    strings = catalogue()
    seen = 0
    for path in (PROJECT_ROOT / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'key="(errors\.[a-z_.]+)"((?:[^()]|\([^()]*\))*)\)', text):
            key, rest = match.group(1), match.group(2)
            seen += 1
            assert key in strings, f"{path.name}: {key} is not in core/i18n/errors.py"
            given = set(re.findall(r"\b([a-z_]+)=", rest))
            missing = placeholders(strings[key]["en"]) - given
            assert not missing, f"{path.name}: {key} is raised without {missing}"
    assert seen >= 20


def test_errors_catalogue_is_russian_in_russian():
    for key, entry in catalogue().items():
        if key.startswith("errors."):
            assert _CYRILLIC.search(entry["ru"]), key
            assert entry["ru"] != entry["en"], key


def test_malformed_export_reads_russian(tmp_path):
    from core.channels.parsers import parse_export

    path = tmp_path / "result.json"
    path.write_bytes("{\"name\": \"Канал\"}".encode("utf-16"))
    with pytest.raises(MalformedExportError) as info:
        parse_export(path)
    assert "UTF-16" in str(info.value)
    assert info.value.localized("ru") == ("Файл «result.json» в кодировке UTF-16, а выгрузки Telegram — в UTF-8. "
                                          "Пересохраните его в UTF-8.")


def test_reader_page_shows_a_non_pdf_upload_error_in_russian(offline_app, monkeypatch):
    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    at = offline_app()
    at.file_uploader(key="reader_upload").upload("paper.pdf", b"this is not a pdf at all", "application/pdf").run()
    assert not at.exception
    assert at.error, "no error shown"
    assert at.error[0].value == "Это не PDF (файл не начинается с %PDF-). Загрузите документ PDF."


def test_channels_page_shows_a_malformed_export_error_in_russian(offline_app, monkeypatch):
    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    at = offline_app("pages/channels.py")
    at.file_uploader(key="channels_upload").upload(
        "result.json", "{\"name\": \"Канал\"}".encode("utf-16"), "application/json").run()
    at.button(key="channels_import").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Файл «result.json» в кодировке UTF-16" in shown, shown
    assert "encoded" not in shown  # no English left in the message
