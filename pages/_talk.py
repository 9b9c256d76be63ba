"""Live conversation with Margo over WebRTC (streamlit-webrtc), beside ``st.audio_input``.

``live_talk(key, lang_hint)`` shows a "Talk with Margo live" switch; when on, the browser's
microphone streams to the server (``WebRtcMode.SENDONLY``: the queued-frames callback runs on the
track the library's receiver pulls; with SENDRECV and ``sendback_audio=False`` nothing pulls
it and the callback never ran, seen in Chromium), with ``rtc_configuration={"iceServers": []}``
so it works offline on one machine or LAN. The
frames go through :class:`core.speech.conversation.LiveConversation` (VAD segmentation and
turn-taking); a fragment polls it twice a second, transcribes each finished utterance
offline and returns its text once (after a rerun) so the page treats it like typed text.
``margo_autoplay(key)`` tells the page to play Margo's answer at once; when the user starts
speaking over her (barge-in) the fragment stops every avatar player on the page at once (a tiny
same-origin script) and ``margo_autoplay`` turns False, so the next run renders her silent.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.speech.conversation import LiveConversation, TurnState, transcribe_utterance
from core.speech.stt import get_transcriber, stt_unavailable_reason
from pages._common import settings, ui_lang

_TRANSLATION_KEYS = ("start", "stop", "select_device", "media_api_not_available", "device_ask_permission",
                     "device_not_available", "device_access_denied")


_STOP_MARGO = """<!doctype html><script>
for (const f of window.parent.document.querySelectorAll('iframe')) {
  try { if (f.contentWindow && f.contentWindow.margoStop) f.contentWindow.margoStop(); } catch (e) {}
}
</script>"""
"""Stops every avatar player on the page (same-origin iframes; ``window.margoStop`` of core/speech/avatar.py)."""


def _live(key: str) -> LiveConversation:
    name = f"_{key}_live"
    if name not in st.session_state:
        st.session_state[name] = LiveConversation()
    return st.session_state[name]


@st.fragment(run_every=0.5)
def _watch(key: str, lang_hint: str | None, playing: bool) -> None:
    ui = ui_lang()
    live, state = _live(key), st.session_state
    if live.error:
        st.caption(f":material/mic_off: {t('talk.error', ui)}")
        return
    if live.turns.playback_epoch != state.get(f"_{key}_epoch", 0):  # barge-in: stop Margo
        state[f"_{key}_epoch"] = live.turns.playback_epoch
        if state.get(f"_{key}_speak"):
            state[f"_{key}_speak"] = False  # the next full run renders her answer silent
            # #10v: stop her at once in the browser from this fragment (a whole-app rerun took 3-4 s
            # on the Reader under load, measured in docs/BENCHMARKS.md "Speech", live talk)
            st.iframe(_STOP_MARGO, height=1)
    utterance = live.turns.next_utterance()
    if utterance is not None:
        try:
            cfg = settings()
            text = transcribe_utterance(get_transcriber(str(cfg.data_dir), cfg.threads), utterance, lang_hint).text
        except MargoError:
            text = ""
        if text.strip():
            state[f"_{key}_heard"] = text.strip()
            st.rerun(scope="app")
        live.turns.margo_finished()
        st.caption(t("talk.nothing", ui))
        return
    label = live.turns.state.value if playing else "off"
    if label == TurnState.THINKING.value and not playing:
        label = "off"
    st.caption(f":material/graphic_eq: {t(f'talk.state.{label}', ui)}")


@st.cache_resource(show_spinner=False)
def _warm_transcriber() -> bool:
    """Load the offline Whisper model in the background once the switch is on (#10v: about 0.8 s
    that the first utterance would otherwise wait for)."""
    cfg = settings()
    threading.Thread(target=get_transcriber, args=(str(cfg.data_dir), cfg.threads), daemon=False,
                     name="margo-stt-warm").start()
    return True


def live_talk(key: str, lang_hint: str | None = None) -> str | None:
    """The live-talk switch and microphone stream; the text of a newly heard utterance, once.

    Args:
        key: page-unique prefix for this conversation's widget keys.
        lang_hint: "ru"/"en" used when Whisper detects neither.

    Returns:
        The transcript of the utterance just finished, on the one rerun after it was
        recognised; else None (also when offline STT is not installed: ``speech_input``
        already says how to install it).
    """
    ui = ui_lang()
    if stt_unavailable_reason() or not st.toggle(t("talk.toggle", ui), key=f"{key}_on", help=t("talk.help", ui)):
        return None
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    _warm_transcriber()
    live = _live(key)

    async def on_frames(frames):  # every queued frame (a plain frame callback would drop all but the newest)
        return live.on_frames(frames)

    try:
        ctx = webrtc_streamer(
            key=f"{key}_rtc", mode=WebRtcMode.SENDONLY, rtc_configuration={"iceServers": []},
            media_stream_constraints={"video": False, "audio": {"echoCancellation": True, "noiseSuppression": True,
                                                                "autoGainControl": True}},
            queued_audio_frames_callback=on_frames, async_processing=True,
            translations={k: t(f"talk.{k}", ui) for k in _TRANSLATION_KEYS},
        )
    except Exception:  # no WebRTC runtime (e.g. a script run without a server): the recorder above still works
        st.caption(f":material/mic_off: {t('talk.error', ui)}")
        return None
    playing = bool(ctx.state.playing)
    if not playing and st.session_state.get(f"_{key}_was_playing"):
        live.restart()  # a new WebRTC session starts with fresh resampler and VAD state
    st.session_state[f"_{key}_was_playing"] = playing
    _watch(key, lang_hint, playing)
    heard = st.session_state.pop(f"_{key}_heard", None)
    if heard:
        st.session_state[f"_{key}_speak"] = True  # Margo answers this one aloud
        st.caption(t("talk.heard", ui, text=heard))
    return heard


def margo_autoplay(key: str) -> bool:
    """True while Margo's answer to the last live utterance should play (until barge-in)."""
    if not st.session_state.get(f"{key}_on") or not st.session_state.get(f"_{key}_speak"):
        return False
    _live(key).turns.margo_started()
    return True
