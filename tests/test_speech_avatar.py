"""The avatar panel's HTML, and the Streamlit component in an AppTest."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

SCRIPT = """
import os
from pages._avatar import avatar_panel
avatar_panel("Margo reads the summary. Then she answers the question [p. 2].", "en",
             expression="pleased", key="t_avatar")
"""


def test_avatar_panel_in_apptest(settings, monkeypatch):
    monkeypatch.setenv("MARGO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MARGO_GTTS_URL", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    monkeypatch.setenv("MARGO_SPEECH_BACKGROUND", "true")
    st.cache_resource.clear()  # a streamer cached by an earlier page test may have background off
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception
    plan = at.session_state["_t_avatar_plan"]
    assert plan.lang == "en" and len(plan.sentences) == 2  # the voice follows the text, not the UI
    assert not at.button  # one Play control, inside the panel: no separate Speak button
    if plan.engine is None:
        return
    from pages._common import streamer
    meta = streamer().wait(plan, 0, timeout_s=60)  # the first sentence is ready on its own
    assert meta is not None and (meta["silent"] or (plan.folder / "0.wav").read_bytes()[:4] == b"RIFF")
    assert all(o != "gtts" for o in (at.selectbox[0].options if at.selectbox else []))  # offline: no online voice


def test_stream_html_has_one_play_and_scales_on_phones():
    from core.speech.avatar import avatar_stream_html

    doc = avatar_stream_html(["Первое.", "Второе."], "/app/static/speech/abc/", "ru", note="Голос: Festival")
    assert doc.count('id="play"') == 1 and "▶ Слушать" in doc and "@media (max-width: 480px)" in doc
    assert "<audio" not in doc and "data:audio" not in doc  # fetched sentence by sentence, not embedded
