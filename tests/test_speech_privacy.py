"""#11b: speech audio of one user's text stays in that user's workspace and static folder."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from core.speech.stream import KEEP_S, SpeechStreamer, delete_user_speech, user_token
from core.speech.tts import EspeakEngine, Speaker, speech_cache_dir
from core.workspace import Workspace

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


class CountingEspeak(EspeakEngine):
    """The real espeak-ng engine, counting how often it is asked to synthesize."""

    calls = 0

    def synthesize(self, text, lang):
        type(self).calls += 1
        return super().synthesize(text, lang)


def _cache_files(folder):
    return sorted(p.name for p in folder.rglob("*.wav")) if folder.is_dir() else []


def test_two_workspaces_do_not_share_cache_entries(settings):
    a = Workspace.for_user(settings, "alice").scoped(settings)
    b = Workspace.for_user(settings, "bob").scoped(settings)
    engine = CountingEspeak()
    speaker = Speaker(settings, engines=[engine])
    CountingEspeak.calls = 0
    first, _ = speaker.speak_sentence("The encoder reads the whole sentence.", "en", cache_dir=speech_cache_dir(a))
    again, _ = speaker.speak_sentence("The encoder reads the whole sentence.", "en", cache_dir=speech_cache_dir(a))
    assert first is not None and again is not None and CountingEspeak.calls == 1  # A's own cache hit
    assert not _cache_files(speech_cache_dir(b))
    other, _ = speaker.speak_sentence("The encoder reads the whole sentence.", "en", cache_dir=speech_cache_dir(b))
    assert other is not None and CountingEspeak.calls == 2  # B synthesized its own copy
    assert _cache_files(speech_cache_dir(a)) == _cache_files(speech_cache_dir(b)) != []
    assert speech_cache_dir(a).is_relative_to(a.data_dir) and speech_cache_dir(b).is_relative_to(b.data_dir)
    assert not _cache_files(speaker.cache_dir)  # nothing in the shared default cache


def test_static_files_are_per_user_and_delete_my_data_removes_them(settings, tmp_path):
    static = tmp_path / "static" / "speech"
    wa, wb = Workspace.for_user(settings, "alice"), Workspace.for_user(settings, "bob")
    ta, tb = user_token(wa), user_token(wb)
    assert ta != tb and len(ta) == 32 and user_token(wa) == ta  # stable per workspace
    streamer = SpeechStreamer(Speaker(settings, engines=[EspeakEngine()]), static, background=True)
    text = "Margo reads the paper. Then she answers."
    pa = streamer.prepare(text, "en", user=ta, cache_dir=speech_cache_dir(wa.scoped(settings)))
    pb = streamer.prepare(text, "en", user=tb, cache_dir=speech_cache_dir(wb.scoped(settings)))
    assert pa.digest == pb.digest and pa.folder != pb.folder
    assert pa.url_path == f"{ta}/{pa.digest}" and pa.folder == static / ta / pa.digest
    for plan in (pa, pb):
        assert streamer.wait(plan, 1, timeout_s=60) is not None
        assert (plan.folder / "0.wav").read_bytes()[:4] == b"RIFF"
    assert delete_user_speech(static, wa)
    wa.delete()
    assert not (static / ta).exists() and not wa.root.exists()
    assert (pb.folder / "1.json").is_file()  # the other user's files stay
    assert not delete_user_speech(static, Workspace.for_user(settings, "carol"))  # nothing to remove
    with pytest.raises(ValueError):
        streamer.plan(text, "en", user="../alice")


def test_old_static_folders_are_pruned_by_age(settings, tmp_path):
    static = tmp_path / "speech"
    ws = Workspace.for_user(settings, "alice")
    token = user_token(ws)
    streamer = SpeechStreamer(Speaker(settings, engines=[EspeakEngine()]), static, background=False)
    old = static / token / "0123456789abcdef"
    legacy = static / "fedcba9876543210"  # a folder of the layout before #11b
    for folder in (old, legacy):
        folder.mkdir(parents=True)
        (folder / "0.json").write_text("{}")
        stale = time.time() - KEEP_S - 60
        os.utime(folder, (stale, stale))
    fresh = static / token / "aaaaaaaaaaaaaaaa"
    fresh.mkdir()
    streamer.prepare("Hello there.", "en", user=token)
    assert not old.exists() and not legacy.exists() and fresh.is_dir()


SCRIPT = """
import streamlit as st
from pages._avatar import avatar_panel
for i in range(int(st.session_state.get("n", 2))):
    avatar_panel(f"Sentence number {i} about attention.", "en", key=f"a{i}")
"""


def test_speech_limit_shows_localized_message(settings, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("MARGO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MARGO_GTTS_URL", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    monkeypatch.setenv("MARGO_SPEECH_BACKGROUND", "false")
    monkeypatch.setenv("MARGO_RATE_SPEECH_PER_MIN", "1")
    st.cache_resource.clear()
    try:
        at = AppTest.from_string(SCRIPT, default_timeout=60)
        at.run()
        assert not at.exception
        if at.session_state["_a0_plan"].engine is None:
            pytest.skip("no offline voice: nothing is synthesized, nothing is limited")
        assert "_a1_plan" not in at.session_state  # the second new text was refused
        assert any("Слишком много запросов к голосу" in w.value for w in at.warning)
        at.run()  # a rerun does not count the first text again: only the second is refused
        assert sum("Слишком много запросов к голосу" in w.value for w in at.warning) == 1
    finally:
        st.cache_resource.clear()
