"""Channel conversations (#10): follow-up rule, snippet highlighting, file-by-file import."""

from __future__ import annotations

import json

import pytest

from core.channels import ChannelLibrary, Turn
from core.channels.answer import contextual_query
from core.channels.followup import is_follow_up
from core.channels.highlight import highlight
from core.channels.uploads import import_uploads, upload_units
from core.embeddings import get_embedder
from core.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_follow_up_rule_on_labelled_set_beats_always_join():
    rows = [json.loads(line) for line in (PROJECT_ROOT / "data" / "channel_eval" / "followups.jsonl").open()]
    assert len(rows) >= 80 and {r["lang"] for r in rows} == {"ru", "en"}
    test = [r for r in rows if r["split"] == "test"]
    acc = sum(is_follow_up(r["question"], r["previous"]) == r["follow_up"] for r in test) / len(test)
    always = sum(r["follow_up"] for r in test) / len(test)
    assert acc > always + 0.15, (acc, always)


def test_contextual_query_joins_only_follow_ups():
    history = [Turn("Что показали в Sora?", "…")]
    assert contextual_query("А когда он выйдет?", history) == "Что показали в Sora? А когда он выйдет?"
    assert contextual_query("Что писали про генерацию видео?", history) == "Что писали про генерацию видео?"
    assert contextual_query("Is it free?", None) == "Is it free?"
    # a chain of follow-ups keeps the first subject
    chain = [Turn("А когда он выйдет?", "…", "Что показали в Sora? А когда он выйдет?")]
    assert contextual_query("Сколько он стоит?", chain).startswith("Что показали в Sora?")


def test_highlight_skips_stop_words_and_urls():
    text = "Что нового про нейросети: читайте https://example.com/про_нейросети_news и подписывайтесь."
    out = highlight(text, "что писали про нейросети")
    assert "**нейросети**" in out
    assert "**Что**" not in out and "**про**" not in out
    assert "https://example.com/про_нейросети_news" in out  # link intact: no marks, no escapes


def test_upload_units_group_html_pages():
    assert upload_units(["1.json", "messages.html", "b.csv", "messages2.html"]) == [[0], [1, 3], [2]]


def test_uploads_imported_file_by_file(settings, embedder, shared_data):
    library = ChannelLibrary(settings, embedder)
    dump = (shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").read_bytes()
    results = import_uploads(library, [("broken.json", b"{not json"), ("1.json", dump)])
    assert [r.label for r in results] == ["broken.json", "1.json"]
    assert results[0].report is None and results[0].error and results[0].kind == "MalformedExportError"
    assert results[1].report is not None and results[1].report.added == 64
    again = import_uploads(library, [("1.json", dump)])
    assert again[0].report.added == 0 and again[0].report.unchanged == 64
