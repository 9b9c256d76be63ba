"""Benchmark of the live-conversation segmenter (core.speech.conversation) on real recordings.

For each recording in ../shared/data/media, decoded into PyAV frames and re-cut into 20 ms
48 kHz stereo frames (what a browser's WebRTC stream delivers after Opus decoding), compare:

* **streaming**: :class:`core.speech.conversation.LiveConversation` (Silero VAD v6 window by
  window, pipecat's 0.2 s start / 0.8 s stop, 0.4 s padding) — what the app uses live;
* **baseline**: faster-whisper's offline ``get_speech_timestamps`` over the whole file with
  the same model and ``min_silence_duration_ms=800`` (what a user would pick for whole files;
  it sees the future, so it is an upper bound on boundary quality, not a live option).

Reported: utterances, boundary distance (mean |Δ| of the matched starts and ends, s), CPU
time per second of audio. Known timings from media/README.md are checked for the video
(speech to ~17.5 s, "banana" at 40.0–40.5 s). Usage: ``python scripts/bench_conversation.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.settings import PROJECT_ROOT  # noqa: E402
from core.speech.conversation import SAMPLE_RATE, FrameConverter, LiveConversation  # noqa: E402
from scripts.benchlib import machine_line, write_section  # noqa: E402

MEDIA = PROJECT_ROOT.parent / "shared" / "data" / "media"
FILES = ["video/auto_editor_example_42s.mp4", "en/openai_whisper_jfk_11s.flac",
         "en/silero_vad_en_lecture_excerpt_60s.wav", "ru/silero_vad_ru_lecture_excerpt_60s.wav",
         "ru/pisets_mono_sound_11s.wav", "ru/golos_crowd_001ce26c07c20eaa0d666b824c6c6924_4s.wav"]


def webrtc_frames(path: Path) -> list:
    rs = av.AudioResampler(format="s16", layout="stereo", rate=48000, frame_size=960)
    out = []
    with av.open(str(path)) as c:
        for f in c.decode(audio=0):
            f.pts = None
            out += rs.resample(f)
    return out


def streaming(frames) -> tuple[list[tuple[float, float]], float]:
    live = LiveConversation()
    t = time.process_time()
    for i in range(0, len(frames), 5):  # the queued callback gets a few frames at a time
        live.on_frames(frames[i:i + 5])
    utts = []
    if live._segmenter is not None:
        for u in live._segmenter.flush():
            live.turns.on_event(u)
    while (u := live.turns.next_utterance()) is not None:
        utts.append((u.start_s, u.end_s))
    return utts, time.process_time() - t


def offline(frames) -> tuple[list[tuple[float, float]], float]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    conv = FrameConverter()
    audio = np.concatenate([conv.convert(f) for f in frames])
    t = time.process_time()
    ts = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=800, speech_pad_ms=400))
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in ts], time.process_time() - t


def boundary_error(a, b) -> float:
    if not a or not b:
        return float("nan")
    diffs = []
    for s, e in a:
        s2, e2 = min(b, key=lambda x: abs(x[0] - s) + abs(x[1] - e))
        diffs += [abs(s - s2), abs(e - e2)]
    return float(np.mean(diffs))


def main() -> None:
    rows, checks = [], []
    for name in FILES:
        path = MEDIA / name
        if not path.exists():
            continue
        frames = webrtc_frames(path)
        dur = len(frames) * 0.02
        live, cpu_live = streaming(frames)
        base, cpu_base = offline(frames)
        rows.append(f"| `{name}` | {dur:.1f} | {len(live)} | {len(base)} | {boundary_error(live, base):.2f} | "
                    f"{cpu_live / dur:.4f} | {cpu_base / dur:.4f} |")
        if name.startswith("video/"):
            in_gap = [u for u in live if u[1] > 18.5 and u[0] < 39.0]
            last = live[-1] if live else (0, 0)
            checks.append(f"video: no utterance inside the documented 17.5–40 s silence: {'yes' if not in_gap else 'no'};"
                          f" last utterance {last[0]:.2f}–{last[1]:.2f} s (documented \"banana\" at 40.0–40.5 s,"
                          " boundaries include 0.4 s padding)")
    md = "\n".join([
        "Streaming Silero segmenter (`core/speech/conversation.py`, the live-talk path) beside faster-whisper's",
        "offline `get_speech_timestamps` (same model, whole file, 0.8 s silence, 0.4 s padding; it sees the",
        "future, so it is the quality a live segmenter can at best approach). Input: real recordings from",
        "`../shared/data/media` re-cut into 20 ms 48 kHz stereo frames as WebRTC delivers them; n = one file",
        "per row (6 files, 3.3 min of audio). |Δ| = mean distance in seconds of each streaming utterance's",
        "start and end to the nearest offline one. CPU s/s = process CPU seconds per second of audio",
        "(machine shared with other agents; CPU time, not wall time). No published figure exists for this",
        "set.", "",
        "| file | audio s | streaming utterances | offline utterances | |Δ| s | CPU s/s streaming | CPU s/s offline |",
        "|---|---|---|---|---|---|---|", *rows, "", *[f"- {c}" for c in checks],
        "- Browser: the live-talk path on the Reader page is driven in headless Chromium",
        "  with a fake microphone by tests/test_conversation_browser.py (RU and EN, barge-in included); its",
        "  timings are in the Speech section (scripts/bench_speech.py --live-only).",
        f"- {machine_line()}",
    ])
    write_section("conversation", "## Live conversation segmenter (scripts/bench_conversation.py)\n\n" + md)
    print(md)


if __name__ == "__main__":
    main()
