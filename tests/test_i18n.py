"""The translation layer: complete catalogues, the language choice, and pages in one language."""

from __future__ import annotations

import pytest

from core.i18n import LANGS, catalogue, placeholders, resolve_ui_lang, t
from tests.ui_lang_check import is_foreign, language_share

MY_PAGES = ("pages/reader.py", "pages/channels.py", "pages/interview.py", "pages/help.py")
DATA = ("speculative decoding",)
"""Content, not interface: an example arXiv query (arXiv is searched in English)."""


def test_every_key_has_both_languages_with_the_same_placeholders():
    cat = catalogue()
    assert len(cat) > 150
    for key, entry in cat.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key
        assert placeholders(entry["ru"]) == placeholders(entry["en"]), key


def test_russian_values_are_russian_and_english_values_english():
    bad_ru = [k for k, e in catalogue().items() if k.split(".")[0] in ("app", "common", "avatar", "voice",
              "upload", "help", "channels", "interview", "reader") and is_foreign(e["ru"], "ru")]
    bad_en = [k for k, e in catalogue().items() if is_foreign(e["en"], "en")]
    assert not bad_ru, bad_ru
    assert not bad_en, bad_en


def test_t_formats_and_falls_back_visibly():
    assert t("reader.page_ref", "ru", page=3) == "с. 3"
    assert t("reader.page_ref", "en-GB", page=3) == "p. 3"
    assert t("no.such.key", "ru") == "no.such.key"
    with pytest.raises(KeyError):
        t("no.such.key", "ru", strict=True)


@pytest.mark.parametrize(("configured", "locale", "accept", "expected"), [
    ("en", "ru-RU", None, "en"),        # MARGO_UI_LANG wins
    (None, "ru-RU", None, "ru"),        # a Russian browser gets Russian
    (None, "en-US", "ru", "en"),
    (None, "de-DE", None, "en"),        # another language: the international one
    (None, None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
    (None, None, None, "ru"),           # nothing known: the product's first language
])
def test_resolve_ui_lang(configured, locale, accept, expected):
    assert resolve_ui_lang(configured, locale, accept) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_only_the_selected_language(offline_app, monkeypatch, lang):
    monkeypatch.setenv("MARGO_UI_LANG", lang)
    at = offline_app()
    for page in MY_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        share, foreign, n = language_share(at, lang, skip=DATA)
        assert n >= 8 and not foreign, (page, foreign)


def test_sidebar_switch_changes_the_language_and_keeps_it_across_pages(offline_app, monkeypatch):
    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    at = offline_app()
    assert any("Чтение статей" in t_.value for t_ in at.title)
    at.sidebar.radio(key="ui_lang_switch").set_value("en").run()
    assert any("Reader" in t_.value for t_ in at.title)
    at.switch_page("pages/channels.py").run()
    assert any("Channel search" in t_.value for t_ in at.title)
    assert not any("MARGO_" in c.value for c in at.sidebar.caption)  # no environment variables on screen
