"""Live talk on the Reader in a real browser (#10v), shared by tests/test_conversation_browser.py and
scripts/bench_speech.py: Debian's chromium with a fake microphone.

Chromium's fake media devices (``--use-fake-device-for-media-stream --use-fake-ui-for-media-stream
--use-file-for-fake-audio-capture=<wav>``) play a WAV synthesized offline (Piper for English,
festival for Russian): silence, a spoken request, silence; Chromium loops the file, so the request
comes again while Margo answers (a barge-in). Through ``streamlit run app.py`` with an empty ICE
server list (nothing leaves the machine).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

from core.settings import PROJECT_ROOT, Settings
from core.speech.lipsync import read_wav
from core.speech.tts import FestivalEngine, PiperEngine, Speaker, pcm_to_wav
from tests.hosting_browser import open_app, upload_paper
from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS

LEAD_S = 4.0
"""Silence before the request (s): the WebRTC connection is made while the file already plays."""

SHOTS = PROJECT_ROOT / "artifacts" / "conversation"
LONG_MS = 240_000
CASES = {  # interface language: (paper, spoken request, engine, words the transcript must contain)
    "en": ("attention_is_all_you_need_1706.03762.pdf", "Please summarize this paper.", PiperEngine, ("summar",)),
    "ru": ("sokolov_hse_lecture07_deeplearning_ru.pdf", "Перескажи эту статью.", FestivalEngine, ("перескаж", "стат")),
}
LOOP_S = 14.0
"""Silence after the request (s): the loop brings it back while Margo reads the summary aloud."""


def request_wav(path, text: str, lang: str, engine_cls, tmp) -> float:
    """Write the fake microphone's WAV (48 kHz mono 16-bit): 4 s of silence (the WebRTC connection is
    made while the file already plays), the request, then silence until the loop repeats it."""
    engine = engine_cls()
    if not engine.available():
        raise RuntimeError(engine.unavailable_reason())
    utt, _ = Speaker(Settings(data_dir=tmp), engines=[engine], use_cache=False).speak_sentence(text, lang)
    assert utt is not None
    samples, sr = read_wav(utt.wav)
    t_new = np.arange(int(samples.size * 48000 / sr)) / 48000
    speech = np.interp(t_new, np.arange(samples.size) / sr, samples).astype(np.float32)
    audio = np.concatenate([np.zeros(int(LEAD_S * 48000), np.float32), 0.8 * speech / max(1e-6, np.abs(speech).max()),
                            np.zeros(int(LOOP_S * 48000), np.float32)])
    path.write_bytes(pcm_to_wav(audio, 48000))
    return audio.size / 48000


def _webrtc_frame(page, timeout_s: float = 120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.locator("button").count() and "streamlit_webrtc" in (frame.url or ""):
                    return frame
            except Exception:  # frames come and go while Streamlit re-renders
                pass
        time.sleep(0.2)
    raise AssertionError("the live-talk (WebRTC) component did not appear")


def _start_microphone(page, lang: str, timeout_s: float = 120) -> None:
    """Press the component's Start (the fake device then plays the WAV) until it offers Stop."""
    from core.i18n import t

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rtc = _webrtc_frame(page)
        try:
            start = rtc.get_by_role("button", name=t("talk.start", lang))
            if start.count() and start.first.is_enabled():
                start.first.click(timeout=5000)
            rtc.get_by_role("button", name=t("talk.stop", lang)).first.wait_for(timeout=15000)
            return
        except Exception:  # re-rendered or still connecting: look again
            time.sleep(1)
    raise AssertionError("the microphone did not start")


def _start_offered(page, lang: str) -> bool:
    from core.i18n import t

    try:
        start = _webrtc_frame(page, 10).get_by_role("button", name=t("talk.start", lang))
        return bool(start.count()) and start.first.is_visible()
    except Exception:
        return False


def _avatar_states(page) -> list[tuple[object, dict]]:
    out = []
    for frame in page.frames:
        try:
            st = frame.evaluate("() => window.margoStats ? Object.assign({n: JSON.parse("
                                "document.getElementById('margo-data').textContent).sentences.length}, "
                                "window.margoStats) : null")
        except Exception:
            continue
        if st:
            out.append((frame, st))
    return out


def _shots(page, name: str) -> None:
    """Screenshots with the live-talk switch and Margo's answer in view, desktop then phone."""
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1200)
        page.locator(".st-key-reader_talk_on").first.scroll_into_view_if_needed()
        page.mouse.wheel(0, -height // 3)  # the answer and its avatar above the switch
        page.wait_for_timeout(400)
        page.screenshot(path=str(SHOTS / f"{name}_{width}.png"))


def run_live_talk(url: str, lang: str, tmp_path: Path, shared_data: Path, shots: bool = True) -> dict:
    """Drive one live conversation on the Reader (see the module docstring) and say what happened.

    Returns:
        ``heard`` (the recognised request, or None), ``heard_all``, ``spoke``, ``stopped_early``,
        ``events`` (seconds after Start: heard, spoke, stopped), ``stop_after_onset_s`` (seconds from
        the repeated request's onset in the file to Margo's playback stopping; the file starts with
        the microphone, so this is approximate, about ±0.2 s), ``overflow`` (px at 390 wide),
        ``n_msgs``, ``restarts``, ``period_s`` (the file's length: it loops).
    """
    from playwright.sync_api import sync_playwright

    paper, request, engine_cls, words = CASES[lang]
    tmp_path.mkdir(parents=True, exist_ok=True)
    wav = tmp_path / f"request_{lang}.wav"
    period_s = request_wav(wav, request, lang, engine_cls, tmp_path / "tts")
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Chromium's own autoplay policy (no --autoplay-policy flag): the clicks on the switch and on the
    # microphone's Start are the user's gestures that let Margo's answer play by itself, as in a real browser.
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--autoplay-policy")]
    flags += ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-audio-capture={wav}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            ctx = browser.new_context(viewport={"width": 1440, "height": 900},
                                      locale={"ru": "ru-RU", "en": "en-US"}[lang], permissions=["microphone"])
            # when the fake microphone's track starts (the file plays from then on), in wall-clock ms
            ctx.add_init_script("""(() => { const md = navigator.mediaDevices; if (!md || !md.getUserMedia) return;
                const orig = md.getUserMedia.bind(md);
                md.getUserMedia = c => orig(c).then(s => { window.top.__margoMicAt = window.top.__margoMicAt
                    || Date.now(); return s; }); })();""")
            page = ctx.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text[:160]}") if m.type in ("error", "warning")
                    else None)
            open_app(page, url)
            upload_paper(page, shared_data / "papers" / paper)
            page.get_by_role("tab").nth(1).click()  # Ask
            page.locator(".st-key-reader_talk_on label").first.click()
            t_click, t_click_wall = time.monotonic(), time.time()
            _start_microphone(page, lang)
            heard_re = re.compile(r"(Heard|Услышала): [“«](.+?)[”»]")
            heard, spoke, stopped_early = None, False, False
            last: dict[object, dict] = {}
            t_start = t_last_start = t_click
            restarts = 0
            heard_all: set[str] = set()
            events: dict[str, float] = {}
            deadline = t_start + 300
            while time.monotonic() < deadline and not (heard and spoke and stopped_early):
                if not heard and time.monotonic() - t_last_start > 20 and _start_offered(page, lang):
                    restarts += 1  # the connection dropped (seen on a heavily loaded machine): press Start again
                    _start_microphone(page, lang)
                    t_last_start = time.monotonic()
                body = page.inner_text("body")
                heard_all.update(m.group(2) for m in heard_re.finditer(body))
                heard = next((h for h in sorted(heard_all) if any(w in h.lower() for w in words)), heard)
                if heard and "heard" not in events:
                    events["heard"] = time.monotonic() - t_start
                states = _avatar_states(page)
                for frame, st in states:
                    spoke = spoke or (st["firstSound"] is not None and st["t0"] is not None)
                    prev = last.get(frame)
                    if prev and prev["playing"] and prev["segment"] < prev["n"] - 1 and (
                            (not st["playing"] and not st["ended"]) or st["t0"] != prev["t0"]):
                        stopped_early = True  # stopped before its last sentence: in place, or the panel re-rendered
                    last[frame] = st
                for frame, st in list(last.items()):
                    if frame.is_detached():  # re-rendered silent (or replaced by the next answer) while playing
                        if st["playing"] and st["segment"] < st["n"] - 1:
                            stopped_early = True
                        del last[frame]
                for name, flag in (("spoke", spoke), ("stopped", stopped_early)):
                    if flag and name not in events:
                        events[name] = time.monotonic() - t_start
                time.sleep(0.15)
            print(f"live talk {lang}: heard {sorted(heard_all)}; seconds after Start: {events}; Start pressed again: {restarts}; "
                  f"browser errors: {console[-8:]}")
            if shots:
                _shots(page, f"reader_live_{lang}")
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            n_msgs = page.locator("[data-testid='stChatMessage']").count()
            mic_at = page.evaluate("() => window.__margoMicAt || null")
            ctx.close()
        finally:
            browser.close()
    mic_s = (mic_at / 1000 - t_click_wall) if mic_at else 0.0  # the track started this long after Start
    onsets = [mic_s + LEAD_S + k * period_s for k in range(40)]  # request onsets in the file, s after Start
    stop_after_onset = None
    if "stopped" in events:
        before = [o for o in onsets if o <= events["stopped"]]
        stop_after_onset = events["stopped"] - before[-1] if before else None
    return {"heard": heard, "heard_all": sorted(heard_all), "spoke": spoke, "stopped_early": stopped_early,
            "events": events, "overflow": overflow, "n_msgs": n_msgs, "restarts": restarts, "period_s": period_s,
            "stop_after_onset_s": stop_after_onset,
            "mic_after_start_s": mic_s}
