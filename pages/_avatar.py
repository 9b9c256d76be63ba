"""Margo's avatar panel and spoken input: the one Streamlit component every page uses.

``avatar_panel(text, lang, expression, key)`` shows Margo with the text as subtitles and a
Speak button; audio is synthesized only on demand (cached on disk), so page renders stay
fast. ``speech_input(key, lang_hint)`` records with ``st.audio_input``, transcribes offline
and returns the (editable) transcript once the user presses Send.
"""

from __future__ import annotations

import hashlib

import streamlit as st
import streamlit.components.v1 as components

from core.errors import MargoError
from core.speech.avatar import avatar_html
from core.speech.delivery import DeliveryReport, analyze_delivery
from core.speech.stt import Transcript, get_transcriber, stt_unavailable_reason
from core.text import detect_lang, split_sentences
from pages._common import settings, speaker

_T = {
    "en": {"speak": "Speak", "voice": "Voice", "auto": "Auto", "lang": "Language",
           "press": "Press Speak to hear it.", "silent": "Silent: ", "record": "Ask by voice",
           "transcript": "Transcript (edit it before sending)", "send": "Send", "heard": "Heard"},
    "ru": {"speak": "Озвучить", "voice": "Голос", "auto": "Авто", "lang": "Язык",
           "press": "Нажмите «Озвучить», чтобы услышать.", "silent": "Без звука: ",
           "record": "Спросить голосом", "transcript": "Распознанный текст (можно исправить)",
           "send": "Отправить", "heard": "Распознано"},
}


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def avatar_panel(text: str, lang: str, expression: str = "neutral", key: str = "avatar",
                 autoplay: bool = False, height: int = 190) -> None:
    """Show Margo with ``text`` as subtitles; she speaks it when the user presses Speak.

    Args:
        text: what Margo says (markdown and citation marks are cleaned before speaking).
        lang: "ru" or "en" (the default of the language choice).
        expression: "neutral", "thinking", "pleased" or "concerned".
        key: page-unique prefix for this panel's widget keys.
        autoplay: speak at once without a click (the browser may still ask for one).
        height: iframe height in pixels.
    """
    lang = lang if lang in ("ru", "en") else detect_lang(text or "")
    t = _T[lang]
    spk = speaker()
    c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
    with c1:
        speak_lang = st.selectbox(t["lang"], ["ru", "en"], index=0 if lang == "ru" else 1, key=f"{key}_lang")
    engines = spk.engines_for(speak_lang)
    auto = spk.choose(speak_lang)
    options = ["auto"] + [e.name for e in engines]
    with c2:
        choice = st.selectbox(
            t["voice"], options, key=f"{key}_engine",
            format_func=lambda n: f"{t['auto']}: {auto.label(speak_lang)}" if n == "auto" and auto
            else (t["auto"] if n == "auto" else next(e.label(speak_lang) for e in engines if e.name == n)),
        )
    with c3:
        clicked = st.button(t["speak"], key=f"{key}_speak", icon=":material/record_voice_over:",
                            disabled=not text or not engines, use_container_width=True)
    prefer = None if choice == "auto" else choice
    digest = _digest(text or "", speak_lang, choice)
    state_key = f"_{key}_speech"
    want = clicked or (autoplay and st.session_state.get(f"_{key}_autoplayed") != digest)
    if want and text and engines:
        with st.spinner("…"):
            speech = spk.speak(text, speak_lang, prefer)
        st.session_state[state_key] = (digest, speech)
        st.session_state[f"_{key}_autoplayed"] = digest
    stored = st.session_state.get(state_key)
    speech = stored[1] if stored and stored[0] == digest else None
    if speech is not None and speech.utterances:
        note = f"{t['voice']}: {speech.engine_label}" + (f" · {speech.notice}" if speech.notice else "")
    elif speech is not None:
        note = t["silent"] + speech.notice
    elif not engines:
        note = t["silent"] + spk.silent_reason(speak_lang)
    else:
        note = f"{t['voice']}: {(spk.choose(speak_lang, prefer) or auto).label(speak_lang)}. {t['press']}"
    sentences = split_sentences(text, speak_lang) if text else []
    html_doc = avatar_html(speech, sentences[:40], speak_lang, expression,
                           autoplay=bool(want and speech is not None and speech.utterances), note=note)
    components.html(html_doc, height=height)


def speech_input(key: str, lang_hint: str | None = None) -> str | None:
    """Record speech, transcribe it offline and let the user edit it before sending.

    Args:
        key: page-unique prefix for this recorder's widget keys.
        lang_hint: "ru"/"en" used when detection finds neither language.

    Returns:
        The edited transcript once the user presses Send, else None. Without an installed
        STT model it shows how to install one and returns None.
    """
    t = _T["ru" if lang_hint == "ru" else "en"]
    reason = stt_unavailable_reason()
    if reason:
        st.info(reason, icon=":material/mic_off:")
        return None
    audio = st.audio_input(t["record"], key=f"{key}_rec")
    if audio is None:
        return None
    data = audio.getvalue()
    digest = _digest(hashlib.sha1(data).hexdigest())
    if st.session_state.get(f"_{key}_audio") != digest:
        try:
            with st.spinner("…"):
                cfg = settings()
                transcript = get_transcriber(str(cfg.data_dir), cfg.threads).transcribe(data, lang_hint)
        except MargoError as exc:
            st.error(str(exc))
            return None
        st.session_state[f"_{key}_audio"] = digest
        st.session_state[f"_{key}_transcript"] = transcript
        st.session_state[f"{key}_text"] = transcript.text
    transcript: Transcript = st.session_state[f"_{key}_transcript"]
    text = st.text_area(t["transcript"], key=f"{key}_text", height=90)
    st.caption(f"{t['heard']}: {transcript.lang} · {transcript.duration_s:.1f} s")
    if st.button(t["send"], key=f"{key}_send", icon=":material/send:"):
        return (text or "").strip() or None
    return None


def spoken_delivery(key: str) -> DeliveryReport | None:
    """Delivery feedback (pace, pauses, fillers) for the last recording of ``speech_input(key)``."""
    transcript = st.session_state.get(f"_{key}_transcript")
    return analyze_delivery(transcript) if transcript is not None else None


def show_delivery(report: DeliveryReport, lang: str = "en") -> None:
    """Render a delivery report as three metrics and tips (beside the content score)."""
    ru = lang == "ru"
    c1, c2, c3 = st.columns(3)
    c1.metric("Темп, слов/мин" if ru else "Pace, wpm", f"{report.wpm:.0f}")
    c2.metric("Длинные паузы" if ru else "Long pauses", len(report.long_pauses))
    c3.metric("Слова-паразиты" if ru else "Filler words", sum(report.fillers.values()))
    if report.fillers:
        st.caption(", ".join(f"{k} ×{v}" for k, v in report.fillers.items()))
    for tip in report.tips:
        st.caption(tip)
