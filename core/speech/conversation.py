"""Live spoken conversation with Margo: browser audio frames → utterances → turns.

The page (``pages/_talk.py``) receives WebRTC audio frames (``av.AudioFrame``, usually
48 kHz stereo s16 from the browser) through streamlit-webrtc and hands them here::

    frames ──► FrameConverter (PyAV resampler → 16 kHz mono float32)
           ──► VadSegmenter (Silero VAD v6, the ONNX model bundled with faster-whisper,
                             run window by window with its LSTM state kept)
           ──► SpeechStarted / Utterance events
           ──► TurnTaker (listening → user speaking → thinking → Margo speaking → listening;
                          barge-in: speech while Margo speaks stops her)
           ──► transcribe_utterance (core.speech.stt's offline Whisper) → the same core
               call as typed text (Reader answer, Interview scoring) → Margo's avatar.

Nothing here imports streamlit. Times are seconds of *audio* since the stream started
(not wall-clock), so the segmenter is deterministic on a recording.

Sources of the constants:
    * Silero VAD (Silero Team, snakers4/silero-vad): 512-sample windows at 16 kHz with a
      64-sample context, the ``speech_probs``/``h``/``c`` interface, and the exit
      threshold ``threshold - 0.15`` (``neg_threshold`` in its ``get_speech_timestamps``).
      Speech threshold 0.5: Silero's default (faster-whisper's ``VadOptions.threshold``,
      "lazy 0.5 is pretty good for most datasets"). pipecat's 0.7 was tried first and lost
      the quiet "ask not" of the JFK clip in ../shared/data/media (probabilities
      0.4-0.75), so the documented default is kept.
    * Turn-taking times: pipecat (pipecat-ai/pipecat, ``audio/vad/vad_analyzer.py``,
      ``VADParams``): start after 0.2 s of speech, stop after 0.8 s of silence, the
      defaults of a production voice-agent framework.
    * Padding 0.4 s on each side: faster-whisper's ``VadOptions.speech_pad_ms = 400`` (so
      the first and last syllables are not clipped; without the end pad Whisper heard the
      isolated word "banana" of the auto-editor clip as "Panie").
    * Maximum utterance 30 s: Whisper's input window (Radford et al., 2022); a longer
      monologue is cut there and transcribed in parts.
"""

from __future__ import annotations

import io
import threading
import wave
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from ..errors import SpeechError

__all__ = [
    "SAMPLE_RATE", "FrameConverter", "LiveConversation", "SpeechStarted", "TurnState", "TurnTaker", "Utterance", "VadParams",
    "VadSegmenter", "pcm_to_wav", "transcribe_utterance",
]

SAMPLE_RATE = 16_000
"""Hz: what Silero VAD and Whisper take."""
_WINDOW = 512  # samples per VAD window at 16 kHz (32 ms), Silero v5/v6
_CONTEXT = 64  # samples of the previous window prepended, Silero v5/v6


@dataclass(frozen=True)
class VadParams:
    """Segmentation parameters (sources in the module docstring).

    Attributes:
        threshold: Silero speech probability (0..1) at or above which a window is speech;
            ``threshold - 0.15`` is the exit threshold (hysteresis).
        start_s: seconds of windows at or above the exit threshold, at least one of them
            at or above ``threshold``, before an utterance is declared started.
        stop_s: seconds below ``threshold - 0.15`` that end the utterance (end of turn).
        preroll_s: seconds of audio kept before the speech start and after its end.
        max_utterance_s: an utterance longer than this is cut and emitted.
        min_utterance_s: shorter utterances (coughs, clicks) are dropped.
    """

    threshold: float = 0.5
    start_s: float = 0.2
    stop_s: float = 0.8
    preroll_s: float = 0.4
    max_utterance_s: float = 30.0
    min_utterance_s: float = 0.3


@dataclass(frozen=True)
class SpeechStarted:
    """The user started speaking at ``t_s`` seconds of stream audio."""

    t_s: float


@dataclass(frozen=True)
class Utterance:
    """One finished utterance.

    Attributes:
        start_s: start in seconds of stream audio (including the pre-roll).
        end_s: end in seconds (the last speech window, before the closing silence).
        audio: 16 kHz mono float32 samples in [-1, 1], shape ``(n,)``.
        cut: True when it was cut at ``max_utterance_s`` rather than ended by silence.
    """

    start_s: float
    end_s: float
    audio: np.ndarray = field(repr=False)
    cut: bool = False

    @property
    def duration_s(self) -> float:
        """Length of ``audio`` in seconds."""
        return len(self.audio) / SAMPLE_RATE


class FrameConverter:
    """Convert any ``av.AudioFrame`` (rate, layout, format) to 16 kHz mono float32.

    Uses PyAV's resampler (FFmpeg's swresample), one per stream so its filter state
    carries over between frames.
    """

    def __init__(self) -> None:
        self._resampler = None
        self._input: tuple = ()

    def convert(self, frame) -> np.ndarray:
        """Return the frame's samples, shape ``(n,)`` float32 (``n`` may be 0 while the
        resampler fills). A frame in another format, layout or rate than the previous one
        starts a new resampler."""
        import av

        frame.pts = None  # browser frames' timestamps may jump; the resampler needs none
        spec = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self._resampler is None or spec != self._input:
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            self._input = spec
        try:
            resampled = self._resampler.resample(frame)
        except ValueError:  # PyAV: "Frame does not match AudioResampler setup" (e.g. a new time base)
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            resampled = self._resampler.resample(frame)
        out = [f.to_ndarray().reshape(-1) for f in resampled]
        if not out:
            return np.zeros(0, np.float32)
        return np.concatenate(out).astype(np.float32) / 32768.0


class _SileroStream:
    """Silero VAD v6 (the ``silero_vad_v6.onnx`` shipped inside faster-whisper), fed window
    by window with its recurrent state kept between calls."""

    def __init__(self) -> None:
        try:
            from faster_whisper.vad import get_vad_model
        except ImportError as exc:  # faster-whisper is in requirements.txt
            raise SpeechError("Voice activity detection needs faster-whisper (see requirements.txt).") from exc
        try:
            self._session = get_vad_model().session
        except Exception as exc:  # onnxruntime missing or a broken model file
            raise SpeechError(f"The voice activity model could not be loaded: {exc}") from exc
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(_CONTEXT, np.float32)

    def probs(self, windows: np.ndarray) -> np.ndarray:
        """Speech probabilities for ``windows`` of shape ``(k, 512)``, in order."""
        ctx = np.concatenate([self._context[None, :], windows[:-1, -_CONTEXT:]], axis=0)
        batch = np.concatenate([ctx, windows], axis=1).astype(np.float32)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = windows[-1, -_CONTEXT:].copy()
        return np.asarray(out, np.float32).reshape(-1)


class VadSegmenter:
    """Cut a live 16 kHz stream into utterances.

    Feed samples in any chunk sizes with :meth:`push`; it returns the events that chunk
    completed (:class:`SpeechStarted`, then later :class:`Utterance`). :meth:`flush` ends
    the stream (an utterance in progress is emitted). Not thread-safe: one owner.

    Args:
        params: thresholds and times (defaults cited in the module docstring).

    Raises:
        SpeechError: the VAD model cannot be loaded.
    """

    def __init__(self, params: VadParams | None = None) -> None:
        self.params = params or VadParams()
        self._vad = _SileroStream()
        self._pending = np.zeros(0, np.float32)  # samples not yet a whole window
        self._n_windows = 0  # windows processed so far
        self._history: list[np.ndarray] = []  # pre-roll windows while quiet
        self._speech: list[np.ndarray] = []  # windows of the current utterance
        self._in_speech = False
        self._run = 0  # consecutive speech windows while quiet / silent windows while speaking
        self._run_peak = 0.0  # highest probability in the current run while quiet
        self._start_window = 0
        self._last_speech_window = 0
        self.probabilities: list[float] = []  # per window, for tests and tuning

    @property
    def in_speech(self) -> bool:
        """True between a :class:`SpeechStarted` and its :class:`Utterance`."""
        return self._in_speech

    def _t(self, window: int) -> float:
        return window * _WINDOW / SAMPLE_RATE

    def push(self, samples: np.ndarray) -> list[SpeechStarted | Utterance]:
        """Add 16 kHz mono float32 samples (shape ``(n,)``); return the events completed."""
        data = np.concatenate([self._pending, np.asarray(samples, np.float32).reshape(-1)])
        k = len(data) // _WINDOW
        self._pending = data[k * _WINDOW:]
        if k == 0:
            return []
        windows = data[: k * _WINDOW].reshape(k, _WINDOW)
        events: list[SpeechStarted | Utterance] = []
        for window, prob in zip(windows, self._vad.probs(windows), strict=True):
            events += self._step(window, float(prob))
        return events

    def _step(self, window: np.ndarray, prob: float) -> list[SpeechStarted | Utterance]:
        p, i = self.params, self._n_windows
        self._n_windows += 1
        self.probabilities.append(prob)
        start_n = max(1, round(p.start_s * SAMPLE_RATE / _WINDOW))
        stop_n = max(1, round(p.stop_s * SAMPLE_RATE / _WINDOW))
        pre_n = round(p.preroll_s * SAMPLE_RATE / _WINDOW)
        max_n = round(p.max_utterance_s * SAMPLE_RATE / _WINDOW)
        if not self._in_speech:
            self._history.append(window)
            if prob >= p.threshold - 0.15:
                self._run += 1
                self._run_peak = max(self._run_peak, prob)
            else:
                self._run, self._run_peak = 0, 0.0
            keep = pre_n + start_n
            if len(self._history) > keep:
                del self._history[: len(self._history) - keep]
            if self._run >= start_n and self._run_peak >= p.threshold:
                self._in_speech = True
                self._speech = list(self._history)
                self._start_window = i + 1 - len(self._speech)
                self._last_speech_window = i
                onset = i + 1 - self._run
                self._history, self._run, self._run_peak = [], 0, 0.0
                return [SpeechStarted(self._t(onset))]
            return []
        self._speech.append(window)
        if prob >= p.threshold - 0.15:
            self._run = 0
            if prob >= p.threshold:
                self._last_speech_window = i
        else:
            self._run += 1
        if self._run >= stop_n:
            return self._close(cut=False)
        if len(self._speech) >= max_n:
            return self._close(cut=True)
        return []

    def _close(self, cut: bool) -> list[Utterance]:
        p = self.params
        pad_n = round(p.preroll_s * SAMPLE_RATE / _WINDOW)
        end_window = self._n_windows - 1 if cut else min(self._n_windows - 1, self._last_speech_window + pad_n)
        n_keep = end_window - self._start_window + 1
        audio = np.concatenate(self._speech[:n_keep]) if n_keep > 0 else np.zeros(0, np.float32)
        self._speech, self._in_speech, self._run = [], False, 0
        if len(audio) / SAMPLE_RATE < p.min_utterance_s:
            return []
        return [Utterance(self._t(self._start_window), self._t(end_window + 1), audio, cut)]

    def flush(self) -> list[Utterance]:
        """End of stream: emit the utterance in progress, if any."""
        if not self._in_speech:
            return []
        self._last_speech_window = self._n_windows - 1
        return self._close(cut=False)


class TurnState(StrEnum):
    """Who has the floor."""

    LISTENING = "listening"
    USER_SPEAKING = "user_speaking"
    THINKING = "thinking"
    MARGO_SPEAKING = "margo_speaking"


class TurnTaker:
    """The turn-taking state machine of one conversation (thread-safe).

    The audio side calls :meth:`on_event` with segmenter events; the page calls
    :meth:`next_utterance`, :meth:`margo_started` and :meth:`margo_finished`. Barge-in:
    :class:`SpeechStarted` while Margo speaks moves to ``USER_SPEAKING`` and increments
    :attr:`barge_ins` and :attr:`playback_epoch`; the page stops Margo's playback when the
    epoch changes (it re-renders the avatar silent).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = TurnState.LISTENING
        self.barge_ins = 0
        self.playback_epoch = 0
        self._queue: list[Utterance] = []

    def on_event(self, event: SpeechStarted | Utterance) -> None:
        """Apply one segmenter event."""
        with self._lock:
            if isinstance(event, SpeechStarted):
                if self.state is TurnState.MARGO_SPEAKING:
                    self.barge_ins += 1
                    self.playback_epoch += 1
                self.state = TurnState.USER_SPEAKING
            else:
                self._queue.append(event)
                self.state = TurnState.THINKING

    def next_utterance(self) -> Utterance | None:
        """The oldest utterance not yet answered (the page transcribes and answers it)."""
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    def margo_started(self) -> int:
        """Margo's answer starts playing; returns the playback epoch it belongs to."""
        with self._lock:
            if self.state is not TurnState.USER_SPEAKING:  # the user may already have barged in
                self.state = TurnState.MARGO_SPEAKING
            return self.playback_epoch

    def margo_finished(self) -> None:
        """Margo's answer ended (or was stopped)."""
        with self._lock:
            if self.state is TurnState.MARGO_SPEAKING:
                self.state = TurnState.LISTENING


def pcm_to_wav(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """16-bit mono WAV bytes of float samples in [-1, 1] (shape ``(n,)``)."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def transcribe_utterance(transcriber, utterance: Utterance, lang_hint: str | None = None):
    """Transcribe one utterance with :class:`core.speech.stt.Transcriber`.

    Returns:
        A :class:`core.speech.stt.Transcript` (word times relative to the utterance).

    Raises:
        SpeechError: recognition failed.
    """
    return transcriber.transcribe(pcm_to_wav(utterance.audio), lang_hint)


class LiveConversation:
    """One browser audio stream's pipeline: frames → converter → segmenter → turns.

    :meth:`on_frames` is the streamlit-webrtc ``queued_audio_frames_callback`` (it runs on
    the WebRTC worker thread and returns the frames unchanged); the page polls
    :attr:`turns`. A failure inside the pipeline is kept in :attr:`error` (shown by the
    page) instead of killing the audio thread.

    Args:
        params: segmentation parameters.
    """

    def __init__(self, params: VadParams | None = None) -> None:
        self.params = params or VadParams()
        self.turns = TurnTaker()
        self.error: str = ""
        self._lock = threading.Lock()
        self._converter: FrameConverter | None = None
        self._segmenter: VadSegmenter | None = None

    def on_frame(self, frame):
        """Feed one ``av.AudioFrame``; returns it unchanged."""
        try:
            with self._lock:
                if self._segmenter is None:
                    self._converter, self._segmenter = FrameConverter(), VadSegmenter(self.params)
                for event in self._segmenter.push(self._converter.convert(frame)):
                    self.turns.on_event(event)
        except SpeechError as exc:
            self.error = str(exc)
        except Exception as exc:  # a malformed frame must not stop the stream thread
            self.error = f"Audio could not be processed: {exc}"
        return frame

    def on_frames(self, frames: list) -> list:
        """Feed every frame that arrived since the last call (streamlit-webrtc's
        ``queued_audio_frames_callback``: with a plain ``audio_frame_callback`` in async mode
        the library passes only the newest frame and drops the rest); returns them unchanged."""
        for frame in frames:
            self.on_frame(frame)
        return frames

    def restart(self) -> None:
        """A new WebRTC session: fresh resampler and VAD state (the turns are kept)."""
        with self._lock:
            self._converter = self._segmenter = None
