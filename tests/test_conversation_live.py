"""LiveConversation, the object behind the WebRTC callback: real decoded frames in, turns out."""

from __future__ import annotations

import av

from core.speech.conversation import LiveConversation, TurnState


def test_frames_through_the_callback_become_one_queued_turn(shared_data):
    live = LiveConversation()
    path = shared_data / "media/ru/golos_crowd_001ce26c07c20eaa0d666b824c6c6924_4s.wav"
    with av.open(str(path)) as container:
        frames = list(container.decode(audio=0))
    for frame in frames:
        assert live.on_frame(frame) is frame  # the callback hands the frame back untouched
    silence = av.AudioFrame.from_ndarray(__import__("numpy").zeros((1, 16000), "int16"), format="s16", layout="mono")
    silence.sample_rate = 16000
    live.on_frame(silence)  # one second of silence ends the turn
    assert not live.error
    assert live.turns.state is TurnState.THINKING
    utt = live.turns.next_utterance()
    assert utt is not None and 3.0 < utt.duration_s <= 4.5
    live.turns.margo_started()
    assert live.turns.state is TurnState.MARGO_SPEAKING


def test_a_bad_frame_is_reported_not_raised():
    live = LiveConversation()
    assert live.on_frame(object()) is not None
    assert live.error
