"""Offline transcription of a lecture with faster-whisper, cached by content hash.

The packaged multilingual Whisper base (assembled by :func:`core.speech.stt.prepare_model`)
is used unless ``lecture_whisper_model_dir`` names a larger local CTranslate2 model.
Decoding: language detected from the first 30 s, word timestamps, Silero VAD (bundled
with faster-whisper) to skip silence, greedy search (``beam_size=1``, as measured in
stack-facts: 6-8% of real time on this CPU), no conditioning on the previous text (it
stops Whisper repeating itself over long recordings). Source: Radford et al. 2022
(Whisper); SYSTRAN faster-whisper.

The transcript is saved as JSON at ``ws.path("lectures", "<sha256>", "transcript.json")``:
opening the same file again loads it at once.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import ModelError, NoSpeechError, SpeechError, StorageError, UnsupportedMediaError
from ..settings import Settings
from ..workspace import Workspace
from .inputs import (
    SUBTITLE_EXTENSIONS,
    VIDEO_EXTENSIONS,
    _check_duration,
    check_size,
    extract_audio,
    parse_subtitles,
    probe_media,
    read_embedded_subtitles,
    sha256_bytes,
)
from .types import Segment, Transcript

__all__ = ["OnSegments", "Progress", "load_cached", "open_lecture", "save_cached", "transcribe_file"]

Progress = Callable[[float, float, float | None], None]
"""``progress(done_s, total_s, eta_s)``: seconds of audio transcribed, its length, and
the estimated seconds left (None until a first segment has been decoded)."""

OnSegments = Callable[[list[Segment], str], None]
"""``on_segments(segments_so_far, lang)``: called after every decoded segment (the list grows;
do not keep a reference to mutate it). Used to show key moments before the end."""

VAD_MIN_SILENCE_MS = 500
"""Silence (ms) that splits speech for the Silero VAD. faster-whisper's default (2000 ms)
glued a 23 s pause of media/video/auto_editor_example_42s.mp4 into one segment with a
made-up word at 17.0 s; 500 ms puts its last word "banana" at 39.8 s (known: 40.0 s)."""

_MODELS: dict[str, object] = {}
_MODELS_LOCK = threading.Lock()
_DECODE_LOCK = threading.Lock()  # one transcription at a time on a 2-core machine


def _model(settings: Settings):
    """The faster-whisper model: the configured local folder, else the packaged base."""
    if settings.lecture_whisper_model_dir is not None:
        model_dir = Path(settings.lecture_whisper_model_dir)
        if not (model_dir / "model.bin").is_file():
            raise ModelError(f"MARGO_LECTURE_WHISPER_MODEL_DIR={model_dir} holds no faster-whisper model.bin.")
        key = str(model_dir)
        with _MODELS_LOCK:
            if key not in _MODELS:
                from faster_whisper import WhisperModel

                try:
                    _MODELS[key] = WhisperModel(key, device="cpu", compute_type="int8", cpu_threads=settings.threads)
                except Exception as exc:  # ctranslate2 RuntimeError/ValueError on a bad folder
                    raise ModelError(f"The speech model in {model_dir} could not be loaded: {exc}") from exc
            return _MODELS[key]
    from ..speech.stt import get_transcriber

    return get_transcriber(str(settings.data_dir), settings.threads).model


def transcribe_file(
    wav: Path, settings: Settings, progress: Progress | None = None, language: str | None = None,
    on_segments: OnSegments | None = None,
) -> tuple[list[Segment], list[Segment], str, float, float]:
    """Transcribe a 16 kHz WAV (or any file PyAV decodes).

    Args:
        wav: the audio.
        settings: model folder, VAD switch, threads.
        progress: optional callback, see :data:`Progress`.
        language: force a language ("ru"/"en"); None detects it.
        on_segments: optional callback, see :data:`OnSegments`.

    Returns:
        ``(segments, words, lang, lang_probability, duration_s)``.

    Raises:
        SpeechError: the model is missing or decoding failed.
    """
    model = _model(settings)
    started = time.monotonic()
    try:
        with _DECODE_LOCK:
            segs, info = model.transcribe(
                str(wav), language=language, beam_size=1, word_timestamps=True,
                vad_filter=settings.lecture_vad, condition_on_previous_text=False,
                vad_parameters={"min_silence_duration_ms": VAD_MIN_SILENCE_MS} if settings.lecture_vad else None,
            )
            total = float(info.duration)
            segments: list[Segment] = []
            words: list[Segment] = []
            if progress:
                progress(0.0, total, None)
            for s in segs:
                text = " ".join(s.text.split())
                if text:
                    segments.append(Segment(float(s.start), float(s.end), text))
                for w in s.words or []:
                    if w.word.strip():
                        words.append(Segment(float(w.start), float(w.end), w.word.strip()))
                if on_segments:
                    on_segments(segments, info.language)
                if progress:
                    done = min(float(s.end), total)
                    elapsed = time.monotonic() - started
                    eta = elapsed * (total - done) / done if done > 0 else None
                    progress(done, total, eta)
            if progress:
                progress(total, total, 0.0)
    except SpeechError:
        raise
    except Exception as exc:  # av / ctranslate2 / onnxruntime errors
        raise SpeechError(f"Could not recognise this recording: {exc}") from exc
    return segments, words, info.language, float(info.language_probability), total


def _cache_path(ws: Workspace, doc_id: str) -> Path:
    return ws.path("lectures", doc_id, "transcript.json")


def load_cached(ws: Workspace, doc_id: str) -> Transcript | None:
    """The saved transcript of ``doc_id``, or None (missing or unreadable: it is redone)."""
    path = _cache_path(ws, doc_id)
    try:
        return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_cached(ws: Workspace, transcript: Transcript) -> None:
    """Save atomically (temp file + rename).

    Raises:
        StorageError: the workspace cannot be written.
    """
    path = _cache_path(ws, transcript.doc_id)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(transcript.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise StorageError(f"Could not save the transcript: {exc.strerror or exc}.") from exc


def open_lecture(
    data: bytes,
    name: str,
    settings: Settings,
    ws: Workspace | None = None,
    progress: Progress | None = None,
    language: str | None = None,
    on_segments: OnSegments | None = None,
) -> Transcript:
    """Turn an uploaded lecture file into a timed transcript (cached by content hash).

    Subtitles are parsed; a video with an embedded subtitle track uses that track;
    any other audio/video is transcribed offline.

    Args:
        data: the file's bytes.
        name: its file name (the extension picks the path).
        settings: limits, model.
        ws: the user's workspace for the cache; None caches nothing.
        progress: transcription progress callback (see :data:`Progress`).
        on_segments: called with the segments recognised so far (see :data:`OnSegments`).
        language: force the recognition language; None detects it.

    Raises:
        UnsupportedMediaError, MalformedSubtitlesError, NoSpeechError, TooLargeError: bad input.
        SpeechError: the speech model is missing or failed.
        StorageError: the cache cannot be written.
    """
    check_size(len(data), settings)
    ext = Path(name).suffix.lower()
    doc_id = sha256_bytes(data)
    if ws is not None:
        cached = load_cached(ws, doc_id)
        if cached is not None:
            return cached
    if ext in SUBTITLE_EXTENSIONS:
        transcript = parse_subtitles(data, name, settings)
    else:
        with tempfile.TemporaryDirectory(prefix="margo-lecture-") as tmp_name:
            tmp = Path(tmp_name)
            src = tmp / ("input" + (ext if ext.isascii() and len(ext) <= 6 else ""))
            src.write_bytes(data)
            info = probe_media(src)
            _check_duration(info["duration_s"], settings)
            kind = "video" if info["has_video"] or ext in VIDEO_EXTENSIONS else "audio"
            embedded = read_embedded_subtitles(src, settings) if info["subtitle_streams"] else []
            if embedded:
                from ..text import detect_lang

                transcript = Transcript(doc_id, name, "embedded", detect_lang(" ".join(s.text for s in embedded)),
                                        info["duration_s"], embedded, media_kind=kind)
            else:
                if not info["has_audio"]:
                    raise UnsupportedMediaError(f"{name} has no sound track to transcribe.")
                wav = extract_audio(src, tmp / "audio.wav")
                segments, words, lang, prob, duration = transcribe_file(wav, settings, progress, language, on_segments)
                if not segments:
                    raise NoSpeechError(f"No speech was recognised in {name}.")
                transcript = Transcript(doc_id, name, "whisper", lang, duration, segments, words, prob, kind)
    if ws is not None:
        save_cached(ws, transcript)
    return transcript
