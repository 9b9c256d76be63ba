"""AppTest of the Channel search page: import a real export, ask, get a cited answer, vote."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import PROJECT_ROOT


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("MARGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("MARGO_LLM_MODEL", raising=False)
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("MARGO_UI_LANG", "en")
    monkeypatch.setenv("MARGO_LLM_PROBE_LOCAL", "false")
    monkeypatch.setenv("MARGO_SPEECH_BACKGROUND", "false")
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/channels.py").run()
    yield at
    st.cache_resource.clear()


def test_channels_page_import_to_cited_answer(app, shared_data):
    at = app
    assert not at.exception, at.exception
    assert any("Import a channel export" in i.value for i in at.info)

    dump = shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json"
    at.file_uploader(key="channels_upload").upload("1.json", dump.read_bytes(), "application/json").run()
    at.button(key="channels_import").click().run()
    assert not at.exception, at.exception
    assert at.success and "64 new" in at.success[0].value and "ai_newz" in at.success[0].value

    at.text_input(key="channels_query").set_value("Сколько стоит подписка ChatGPT Pro?").run()
    at.button(key="channels_ask").click().run()
    assert not at.exception, at.exception
    md = " ".join(m.value for m in at.markdown)
    assert "[1]" in md.replace("\\", "")  # #11: the citation marks are escaped (post text is inert)
    captions = " ".join(c.value for c in at.caption)
    assert "(https://t.me/ai_newz/" in captions  # numbered citations link to the posts
    assert "[open post](https://t.me/ai_newz/" in md  # result cards link too
    assert "**" in md  # highlighted snippet

    up = [b for b in at.button if b.key and b.key.startswith("channels_up_")]
    up[0].click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Questions asked"] == "1" and metrics["Liked answers"] == "100%"

    # a follow-up in the same conversation
    at.text_input(key="channels_query").set_value("А что входит в неё?").run()
    at.button(key="channels_ask").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Conversation:" in captions and "follow-up to the previous question" in captions

    # an unrelated question in the same conversation is searched on its own (#10)
    at.text_input(key="channels_query").set_value("Что писали про генерацию видео?").run()
    at.button(key="channels_ask").click().run()
    assert at.session_state["channels_last"][0].query == "Что писали про генерацию видео?"
    # a new conversation is always possible and clears the context
    at.button(key="channels_reset").click().run()
    assert not at.exception and at.session_state["channels_turns"] == []

    at.selectbox(key="channels_delete_pick").select("ai_newz").run()
    at.button(key="channels_delete").click().run()
    assert not at.exception
    assert any("Import a channel export" in i.value for i in at.info)  # no channels left


def test_channels_page_rejects_malformed_upload(app):
    at = app
    at.file_uploader(key="channels_upload").upload(
        "page.html", b"<html><body><h1>My blog</h1></body></html>", "text/html").run()
    at.button(key="channels_import").click().run()
    assert not at.exception
    assert at.error and "not a Telegram Desktop HTML export" in at.error[0].value
