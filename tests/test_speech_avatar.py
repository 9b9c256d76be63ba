"""The avatar panel's HTML, and the Streamlit component in an AppTest."""

from __future__ import annotations

import base64
import json
import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from core.speech.avatar import avatar_html
from core.speech.tts import Speech, Utterance, pcm_to_wav


def _speech() -> Speech:
    import numpy as np

    t = np.arange(8000) / 16000
    wav = pcm_to_wav(0.3 * np.sin(2 * np.pi * 220 * t), 16000)
    u = Utterance("Hello there.", "Hello there.", wav, "espeak", "en-us+f3", 500,
                  [(0, 100, "closed"), (100, 400, "open"), (400, 500, "closed")], "envelope")
    return Speech([u], "espeak · en-us+f3 (offline)", "")


def _data(doc: str) -> dict:
    return json.loads(re.search(r'id="margo-data">(.*?)</script>', doc, re.S).group(1))


def test_html_embeds_audio_timeline_and_svg():
    doc = avatar_html(_speech(), [], "en", expression="pleased", note="Voice: espeak")
    src = re.search(r'src="data:audio/wav;base64,([^"]+)"', doc).group(1)
    assert base64.b64decode(src)[:4] == b"RIFF"
    data = _data(doc)
    assert data["expression"] == "pleased" and data["segments"][0]["timeline"][1] == [100, 400, "open"]
    for part in ('id="margo"', 'class="mouth m-open"', 'class="eyes-closed"', "Hello there.", "Voice: espeak"):
        assert part in doc


def test_html_silent_mode_animates_subtitles():
    doc = avatar_html(None, ["Первое.", "Второе предложение."], "ru", expression="bogus",
                      note="Без звука: нет голоса")
    data = _data(doc)
    assert "<audio" not in doc and data["expression"] == "neutral"
    assert [s["has_audio"] for s in data["segments"]] == [False, False]
    assert data["segments"][1]["timeline"] and "Без звука" in doc


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
