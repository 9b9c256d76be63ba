"""The language measure itself (tests/ui_lang_check.py): what counts as foreign, what as data."""

from __future__ import annotations

from tests.ui_lang_check import DataText, browser_share, is_foreign


def test_glosses_and_field_names_are_not_foreign_but_english_words_are():
    assert not is_foreign("Что такое компромисс между смещением и разбросом (bias-variance trade-off)?", "ru")
    assert not is_foreign("Лучшая модель: ALS, NDCG@10 в 1,62× выше", "ru")
    assert is_foreign("Лучшая модель: hybrid", "ru")
    assert not is_foreign("Чем отличаются полный градиентный спуск, SGD и мини-батчевый?", "ru")  # an acronym
    assert is_foreign("Train and evaluate (new)", "ru")  # brackets after English are no gloss
    assert is_foreign("Обучить", "en") and not is_foreign("Train", "en")


def test_material_words_do_not_count_but_interface_words_around_them_do():
    data = DataText(["1,1,4.0,964982703\nToy Story (1995),Adventure|Animation", "превью гугла: OpenAI запускают"])
    assert data.interface_part("Toy Story (1995)").strip(" ()") == ""
    assert "Потому что" in data.interface_part("Потому что вам понравилось «Toy Story (1995)»")
    assert data.interface_part("…ревью гугла, OpenAI запускают").strip(" .,") == ""  # a snippet cut in a word
    share, foreign, n, n_data = browser_share(
        ["Потому что вам понравилось «Toy Story (1995)»", "Toy Story (1995)", "popularity", "Топ-10"], "ru", data)
    assert (n, n_data) == (3, 1) and foreign == ["popularity"] and abs(share - 2 / 3) < 1e-9
