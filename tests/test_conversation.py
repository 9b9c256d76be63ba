"""Live conversation core: real recordings, decoded into PyAV frames as the browser would send
them, go through the frame converter, the Silero segmenter and the turn-taking state machine;
utterance boundaries are checked against the timings documented in ../shared/data/media/README.md
and the utterances are transcribed with the offline Whisper."""

from __future__ import annotations

import av
import numpy as np
import pytest

from core.speech.conversation import (
    SAMPLE_RATE,
    FrameConverter,
    SpeechStarted,
    TurnState,
    TurnTaker,
    Utterance,
    VadParams,
    VadSegmenter,
    pcm_to_wav,
    transcribe_utterance,
)
from core.speech.stt import get_transcriber, stt_unavailable_reason

VIDEO = "media/video/auto_editor_example_42s.mp4"  # speech 0-17.5 s, silence, "banana" at 40.0-40.5 s
JFK = "media/en/openai_whisper_jfk_11s.flac"
GOLOS = "media/ru/golos_crowd_001ce26c07c20eaa0d666b824c6c6924_4s.wav"  # "шестьдесят тысяч тенге сколько будет стоить"


def frames(path):
    """The file's audio as real ``av.AudioFrame`` objects (AAC 48 kHz stereo for the video)."""
    with av.open(str(path)) as container:
        yield from container.decode(audio=0)


def segment(path, params: VadParams | None = None, chunk: int | None = None):
    conv, seg, events = FrameConverter(), VadSegmenter(params), []
    samples = [conv.convert(f) for f in frames(path)]
    if chunk:  # re-cut the stream into other chunk sizes
        flat = np.concatenate(samples)
        samples = [flat[i:i + chunk] for i in range(0, len(flat), chunk)]
    for s in samples:
        events += seg.push(s)
    return events + seg.flush()


@pytest.fixture(scope="module")
def transcriber(tmp_path_factory):
    reason = stt_unavailable_reason()
    if reason:
        pytest.skip(reason)
    return get_transcriber(str(tmp_path_factory.mktemp("stt")), 1)


def test_video_utterances_follow_the_documented_speech_and_silence(shared_data):
    events = segment(shared_data / VIDEO)
    utts = [e for e in events if isinstance(e, Utterance)]
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    assert len(starts) == len(utts) >= 2
    assert utts[0].start_s < 0.5  # speech from the first second
    # Nothing is detected inside the 17.5-40 s silence.
    assert all(u.end_s <= 18.5 or u.start_s >= 39.0 for u in utts)
    assert max(u.end_s for u in utts if u.start_s < 39.0) > 16.5
    last = utts[-1]
    assert 39.0 <= last.start_s <= 40.1 and 40.4 <= last.end_s <= 41.5 and not last.cut
    # Each utterance's samples match its boundaries.
    assert all(abs(u.duration_s - (u.end_s - u.start_s)) < 0.05 for u in utts)


def test_boundaries_do_not_depend_on_frame_sizes(shared_data):
    ref = [(u.start_s, u.end_s) for u in segment(shared_data / JFK) if isinstance(u, Utterance)]
    for chunk in (160, 1000, 4800):
        assert [(u.start_s, u.end_s) for u in segment(shared_data / JFK, chunk=chunk)
                if isinstance(u, Utterance)] == ref


def test_silence_and_noise_floor_give_no_utterance():
    seg = VadSegmenter()
    rng = np.random.default_rng(0)
    events = seg.push(np.zeros(SAMPLE_RATE * 3, np.float32)) + seg.push(
        (rng.standard_normal(SAMPLE_RATE * 3) * 0.003).astype(np.float32)) + seg.flush()
    assert events == []


def test_a_long_monologue_is_cut_at_the_maximum(shared_data):
    utts = [u for u in segment(shared_data / VIDEO, VadParams(max_utterance_s=5.0)) if isinstance(u, Utterance)]
    assert any(u.cut for u in utts)
    assert all(u.duration_s <= 5.0 + 1e-6 for u in utts)


def test_utterances_are_transcribed_en(shared_data, transcriber):
    utts = [u for u in segment(shared_data / VIDEO) if isinstance(u, Utterance)]
    assert "banana" in transcribe_utterance(transcriber, utts[-1], "en").text.lower()
    jfk = " ".join(transcribe_utterance(transcriber, u, "en").text for u in segment(shared_data / JFK)
                   if isinstance(u, Utterance)).lower()
    assert "fellow americans" in jfk and "what you can do for your country" in jfk


def test_russian_request_is_one_utterance_and_transcribed(shared_data, transcriber):
    utts = [u for u in segment(shared_data / GOLOS) if isinstance(u, Utterance)]
    assert len(utts) == 1
    tr = transcribe_utterance(transcriber, utts[0], "ru")
    assert tr.lang == "ru" and "сколько будет стоить" in tr.text.lower()


def test_turn_taking_and_barge_in_on_real_speech(shared_data):
    turns = TurnTaker()
    events = segment(shared_data / VIDEO)
    first_start = events.index(next(e for e in events if isinstance(e, SpeechStarted)))
    first_utt = events.index(next(e for e in events if isinstance(e, Utterance)))
    for e in events[: first_utt + 1]:
        turns.on_event(e)
    assert turns.state is TurnState.THINKING and turns.barge_ins == 0
    utt = turns.next_utterance()
    assert isinstance(utt, Utterance) and turns.next_utterance() is None
    epoch = turns.margo_started()
    assert turns.state is TurnState.MARGO_SPEAKING
    # The user talks over Margo: her playback epoch changes (the page stops her).
    turns.on_event(events[first_utt + 1])
    assert isinstance(events[first_utt + 1], SpeechStarted) and first_start < first_utt
    assert turns.state is TurnState.USER_SPEAKING and turns.barge_ins == 1 and turns.playback_epoch != epoch
    turns.margo_finished()  # a late "finished" from the stopped playback does not steal the floor
    assert turns.state is TurnState.USER_SPEAKING
    for e in events[first_utt + 2:]:
        turns.on_event(e)
    assert turns.next_utterance() is not None
    turns.margo_started()
    turns.margo_finished()
    assert turns.state is TurnState.LISTENING


def test_pcm_to_wav_round_trip():
    audio = np.sin(np.linspace(0, 2 * np.pi * 440, SAMPLE_RATE)).astype(np.float32) * 0.5
    with av.open(__import__("io").BytesIO(pcm_to_wav(audio))) as c:
        decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    assert len(decoded) == SAMPLE_RATE and np.abs(decoded / 32767.0 - audio).max() < 1e-3
