"""Margo's avatar panel and spoken input: the one Streamlit component every page uses.

``avatar_panel(text, lang, expression, key)`` shows Margo with the text as subtitles and one
Play control. The text is queued at once for sentence-by-sentence synthesis in the
background (:class:`core.speech.stream.SpeechStreamer`); the panel's player plays each
sentence as soon as its file exists, so sound starts after one sentence, not the whole
text. The voice follows the text's language (never the previous answer's); the labels
follow the interface language. ``speech_input(key, lang_hint)`` records with
``st.audio_input``, transcribes offline and returns the (editable) transcript once the user
presses Send.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.speech.avatar import avatar_stream_html
from core.speech.delivery import DeliveryReport, analyze_delivery
from core.speech.stream import user_token
from core.speech.stt import Transcript, get_transcriber, stt_unavailable_reason
from core.speech.tts import speech_cache_dir
from core.text import detect_lang
from pages._common import (
    rate_ok,
    settings,
    show_error,
    speaker,
    streamer,
    ui_lang,
    user_settings,
    workspace,
)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _static_url(url_path: str) -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/app/static/speech/{url_path}/"


SPEECH_COUNTED_KEY = "_margo_speech_counted"
"""Session-state set of the texts (plan folders) already counted against the speech limit."""


def voice_name(engine: str, ui: str) -> str:
    """What the user sees for an engine ("Google, online", "eSpeak, female, synthetic")."""
    return t(f"voice.name.{engine}", ui) if engine else t("avatar.silent", ui)


def warm_speech() -> None:
    """Start loading the offline voices at app start (once per process, in the background;
    ``pages._common.speaker``), so Margo's first sentence is not delayed by a model load (#10v)."""
    if settings().speech_background:
        speaker()


def avatar_panel(text: str, lang: str, expression: str = "neutral", key: str = "avatar",
                 autoplay: bool = False, height: int = 190) -> None:
    """Show Margo with ``text`` as subtitles and a Play control; she speaks it in ``lang``.

    Args:
        text: what Margo says (markdown and citation marks are cleaned before speaking).
        lang: "ru" or "en": the text's language (anything else: detected from the text).
        expression: "neutral", "thinking", "pleased" or "concerned".
        key: page-unique prefix for this panel's widget keys.
        autoplay: speak at once without a click (the browser may still ask for one).
        height: iframe height in pixels (the panel's layout shrinks on phones to fit).
    """
    ui = ui_lang()
    lang = lang if lang in ("ru", "en") else detect_lang(text or "")
    engines = speaker().engines_for(lang)  # only engines that work now (online ones when reachable)
    prefer = None
    if len(engines) > 1:
        names = [e.name for e in engines]
        col, _ = st.columns([1, 2])
        prefer = col.selectbox(t("avatar.voice", ui), names, key=f"{key}_engine_{lang}",
                               format_func=lambda n: voice_name(n, ui))
    # #11b: this user's static folder (unguessable token) and audio cache (in the workspace);
    # a new text to synthesize counts once against the per-user speech limit.
    token = user_token(workspace())
    plan = streamer().plan(text or "", lang, prefer, token)
    counted = st.session_state.setdefault(SPEECH_COUNTED_KEY, set())
    if plan.engine and not plan.ready and plan.url_path not in counted:
        if not rate_ok("speech"):  # the localized warning is shown; nothing is synthesized
            return
        counted.add(plan.url_path)
    plan = streamer().prepare(text or "", lang, prefer, token, speech_cache_dir(user_settings()))
    note = t("avatar.voice_note", ui, voice=voice_name(plan.engine, ui)) if plan.engine else t("avatar.silent", ui)
    st.session_state[f"_{key}_plan"] = plan  # tests and benchmarks read it
    st.iframe(avatar_stream_html(plan.sentences, _static_url(plan.url_path), ui, expression, note=note,
                                 autoplay=autoplay), height=height)


def speech_input(key: str, lang_hint: str | None = None) -> str | None:
    """Record speech, transcribe it offline and let the user edit it before sending.

    Args:
        key: page-unique prefix for this recorder's widget keys.
        lang_hint: "ru"/"en" used when detection finds neither language.

    Returns:
        The edited transcript once the user presses Send, else None. Without an installed
        STT model it shows how to install one and returns None.
    """
    ui = ui_lang()
    if stt_unavailable_reason():
        st.caption(f":material/mic_off: {t('voice.unavailable', ui)}")
        return None
    audio = st.audio_input(t("voice.record", ui), key=f"{key}_rec")
    if audio is None:
        return None
    data = audio.getvalue()
    digest = _digest(hashlib.sha1(data).hexdigest())
    if st.session_state.get(f"_{key}_audio") != digest:
        try:
            with st.spinner(t("voice.transcribing", ui)):
                cfg = settings()
                transcript = get_transcriber(str(cfg.data_dir), cfg.threads).transcribe(data, lang_hint)
        except MargoError as exc:
            show_error(exc, ui)
            return None
        st.session_state[f"_{key}_audio"] = digest
        st.session_state[f"_{key}_transcript"] = transcript
        st.session_state[f"{key}_text"] = transcript.text
    transcript: Transcript = st.session_state[f"_{key}_transcript"]
    text = st.text_area(t("voice.transcript", ui), key=f"{key}_text", height=90)
    st.caption(t("voice.heard", ui, lang=transcript.lang.upper(), seconds=f"{transcript.duration_s:.1f}"))
    if st.button(t("voice.send", ui), key=f"{key}_send", icon=":material/send:"):
        return (text or "").strip() or None
    return None


def spoken_delivery(key: str) -> DeliveryReport | None:
    """Delivery feedback (pace, pauses, fillers) for the last recording of ``speech_input(key)``."""
    transcript = st.session_state.get(f"_{key}_transcript")
    return analyze_delivery(transcript) if transcript is not None else None


def show_delivery(report: DeliveryReport, lang: str = "en") -> None:
    """Render a delivery report as three metrics and tips (beside the content score)."""
    c1, c2, c3 = st.columns(3)
    c1.metric(t("voice.pace", lang), f"{report.wpm:.0f}")
    c2.metric(t("voice.pauses", lang), len(report.long_pauses))
    c3.metric(t("voice.fillers", lang), sum(report.fillers.values()))
    if report.fillers:
        st.caption(", ".join(f"{k} ×{v}" for k, v in report.fillers.items()))
    for tip in report.tips:
        st.caption(tip)
