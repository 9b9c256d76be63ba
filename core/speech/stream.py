"""Speech that starts at once: sentences are synthesized one by one into a served folder.

When a text is shown, :meth:`SpeechStreamer.prepare` queues it and returns at once with a
:class:`StreamPlan` (its sentences and the folder they will appear in). One background
worker per process speaks the queued texts sentence by sentence, newest text first (a second
one only speaks first chunks, so a new text never waits for an older text's sentence), and
writes for sentence ``i`` (0-based) ``<i>.wav`` and then ``<i>.json`` (its mouth timeline,
duration and engine; or ``{"silent": true, ...}`` when no engine could speak it) into
``<static_dir>/<digest>/``. The avatar's player (``core/speech/avatar.py``) fetches
``<i>.json`` and plays ``<i>.wav`` as soon as they exist, so the first sound comes after one
sentence's synthesis (or at once, when it was ready before Play was pressed), not after the
whole text's. Folders are kept for :data:`KEEP_S` seconds, then swept.

Per user (#11b): in the app each text's folder is ``<static_dir>/<token>/<digest>/``, where
``<token>`` is an unguessable random id kept in the user's workspace (:func:`user_token`),
so one user cannot fetch another's audio by guessing a text's digest, and
:func:`delete_user_speech` removes a user's files with "delete my data". Synthesis goes
through that user's own audio cache (``cache_dir``). The worker stays one per process, so
the first-sound latency is unchanged.

The folder is Streamlit's static folder (``static/`` beside ``app.py``, served at
``/app/static/`` with ``server.enableStaticServing``); nothing here imports Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..text import split_sentences
from ..types import Lang
from ..workspace import Workspace
from .cleaning import clean_for_speech
from .lipsync import timeline_from_text
from .tts import Speaker

__all__ = ["FIRST_CHUNK_CHARS", "KEEP_S", "SpeechStreamer", "StreamPlan", "delete_user_speech", "split_first_chunk",
           "subtitles", "user_token"]

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
TOKEN_FILE = ("speech", "static_token")
"""Where a workspace keeps its static-folder token (``ws.path(*TOKEN_FILE)``)."""


def user_token(ws: Workspace) -> str:
    """The workspace's static speech folder name: 32 hex digits from :func:`secrets.token_hex`
    (128 random bits), made on first use and kept in the workspace, so it is gone with it."""
    path = ws.path(*TOKEN_FILE)
    try:
        token = path.read_text(encoding="ascii").strip()
        if _TOKEN.match(token):
            return token
    except (OSError, UnicodeDecodeError):
        pass
    token = secrets.token_hex(16)
    _atomic_write(path, token.encode("ascii"))
    return token


def delete_user_speech(static_dir: Path, ws: Workspace) -> bool:
    """Remove the workspace user's streamed speech files under ``static_dir`` (call before
    ``ws.delete()``: the token lives in the workspace). True when a folder was removed."""
    path = ws.root.joinpath(*TOKEN_FILE)
    try:
        token = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    folder = Path(static_dir) / token
    if not _TOKEN.match(token) or not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True

KEEP_S = 6 * 3600.0
"""Synthesized folders older than this (seconds) are deleted by the sweep."""

MAX_SENTENCES = 40
"""Sentences spoken per text at most (the rest are shown, not spoken)."""

FIRST_CHUNK_CHARS = 60
"""A first sentence longer than this (characters) is split at a clause boundary so the first
audio chunk is short: sound starts after the first chunk's synthesis. Measured (#10v, Piper
``en_US-joe-medium`` with one ONNX thread, load average about 3.5): about 7 ms per character
(36 characters 0.23 s, 82 characters 0.52 s, 179 characters 1.33 s; festival RU about 1.5 ms),
so 60 characters keep the first chunk near 0.4 s, inside the 1 s target with the page's own
start-up; the rest is synthesized while the first chunk plays."""

MIN_CHUNK_CHARS = 12
"""Neither piece of a split is shorter than this (a lone word or two sounds cut off)."""

_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s[—–-](?=\s)")
_CONJUNCTIONS = {
    "en": {"and", "but", "or", "so", "because", "which", "that", "while", "when", "where", "if", "although"},
    "ru": {"и", "но", "а", "или", "что", "чтобы", "потому", "поэтому", "который", "которая", "которое",
           "которые", "когда", "если", "хотя", "где"},
}

_FUNCTION_WORDS = {  # words a phrase starts with: a pause before them sounds natural
    "en": _CONJUNCTIONS["en"] | {"with", "from", "in", "on", "for", "of", "to", "by", "as", "at", "into", "through"},
    "ru": _CONJUNCTIONS["ru"] | {"с", "со", "на", "в", "во", "для", "по", "из", "от", "к", "о", "об", "при", "через"},
}


_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")


def subtitles(text: str, lang: Lang) -> list[str]:
    """The text's sentences as the avatar shows them: Markdown list marks and emphasis removed,
    and a piece with nothing to say aloud (a citation mark such as "[p. 3]" that the sentence
    splitter cut off) joined to the sentence before it, so it is neither a silent pause nor
    a subtitle of its own.

    Returns:
        Sentences in order (possibly empty).
    """
    out: list[str] = []
    for raw in split_sentences(text, lang):
        sentence = _EMPHASIS.sub("", _LIST_MARK.sub("", raw)).strip()
        if not sentence:
            continue
        if out and not clean_for_speech(sentence, lang):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def split_first_chunk(sentence: str, lang: Lang, max_chars: int = FIRST_CHUNK_CHARS) -> list[str]:
    """Split a long sentence into a short first chunk and the rest (used on a text's first sentence).

    The first piece ends at the first clause boundary (``, ; :`` or a dash) that leaves at
    least :data:`MIN_CHUNK_CHARS` on each side and at most ``max_chars`` before it; failing
    that, before the first conjunction ("and", "which", "и", "что", ...) in that range; failing
    that, for a sentence over twice ``max_chars``, before the last preposition or conjunction within
    ``max_chars`` (else at the last word boundary there).

    Returns:
        ``[sentence]`` when it is short enough or has no usable boundary, else two pieces
        whose joining with one space gives back the sentence.
    """
    text = sentence.strip()
    if len(text) <= max_chars:
        return [text]
    cut = None
    for m in _CLAUSE_END.finditer(text):
        end = m.end()
        if end > max_chars:
            break
        if end >= MIN_CHUNK_CHARS and len(text) - end >= MIN_CHUNK_CHARS:
            cut = end
            break
    if cut is None:
        words = _CONJUNCTIONS.get(lang, _CONJUNCTIONS["en"])
        for m in re.finditer(r"\S+", text):
            if m.start() > max_chars:
                break
            if (m.group().lower() in words and m.start() >= MIN_CHUNK_CHARS
                    and len(text) - m.start() >= MIN_CHUNK_CHARS):
                cut = m.start()
                break
    if cut is None and len(text) > 2 * max_chars:  # before the last preposition in range, else the last space
        glue = _FUNCTION_WORDS.get(lang, _FUNCTION_WORDS["en"])
        starts = [m.start() for m in re.finditer(r"\S+", text)
                  if MIN_CHUNK_CHARS <= m.start() <= max_chars and m.group().lower() in glue]
        space = text.rfind(" ", MIN_CHUNK_CHARS, max_chars + 1)
        cut = starts[-1] if starts else (space if space > 0 else None)
    if cut is None:
        return [text]
    head, tail = text[:cut].strip(), text[cut:].strip()
    return [head, tail] if head and tail else [text]


@dataclass
class StreamPlan:
    """What the player needs to speak one text.

    Attributes:
        digest: 16-hex id of (text, language, voice); the folder's name.
        sentences: subtitles, one per sentence, in order (at most :data:`MAX_SENTENCES`); a long
            first sentence comes as two chunks (:func:`split_first_chunk`).
        lang: "ru" or "en".
        folder: where ``<i>.wav`` / ``<i>.json`` appear.
        engine: name of the engine that will speak (None when none can).
        url_path: the folder relative to the static folder (``<token>/<digest>``, or
            ``<digest>`` without a user), for the player's URL.
    """

    digest: str
    sentences: list[str]
    lang: Lang
    folder: Path
    engine: str | None = None
    url_path: str = ""

    @property
    def ready(self) -> bool:
        """True when every sentence's files are already written (nothing to synthesize)."""
        return (self.folder / f"{len(self.sentences) - 1}.json").is_file() if self.sentences else True


@dataclass
class _Job:
    plan: StreamPlan
    prefer: str | None
    cache_dir: Path | None = None
    next_index: int = 0
    done: bool = False
    added: float = field(default_factory=time.monotonic)


class SpeechStreamer:
    """One background worker that speaks queued texts sentence by sentence into files.

    Args:
        speaker: the engines and the audio cache.
        static_dir: folder served to the browser (e.g. ``static/speech``).
        background: run the worker (False: plans are made but nothing is synthesized; page tests).
    """

    def __init__(self, speaker: Speaker, static_dir: Path, background: bool = True):
        self.speaker = speaker
        self.static_dir = Path(static_dir)
        self.background = background
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Condition()
        self._workers: dict[str, threading.Thread] = {}
        self._first_busy = 0  # first chunks being spoken now
        self._last_sweep = 0.0

    def plan(self, text: str, lang: Lang, prefer: str | None = None, user: str = "") -> StreamPlan:
        """The plan of ``text`` without queuing anything (see :meth:`prepare`).

        Raises:
            ValueError: ``user`` is not a token made by :func:`user_token`.
        """
        if user and not _TOKEN.match(user):
            raise ValueError("user must be a token from user_token()")
        engine = self.speaker.choose(lang, prefer)
        sentences = subtitles(text or "", lang)
        if sentences:  # a short first chunk: sound after its synthesis, not the whole first sentence's
            sentences[:1] = split_first_chunk(sentences[0], lang)
        sentences = sentences[:MAX_SENTENCES]
        name = engine.name if engine else "silent"
        digest = hashlib.sha1(f"{name}\x1f{lang}\x1f{text}".encode()).hexdigest()[:16]
        url_path = f"{user}/{digest}" if user else digest
        return StreamPlan(digest, sentences, lang, self.static_dir / url_path, engine.name if engine else None,
                          url_path)

    def prepare(self, text: str, lang: Lang, prefer: str | None = None, user: str = "",
                cache_dir: Path | None = None) -> StreamPlan:
        """Queue ``text`` for speaking (newest first) and return its plan at once.

        Args:
            text: what to say (Markdown and citation marks are cleaned per sentence).
            lang: the text's language.
            prefer: an engine name to use when it is usable (None: the best one).
            user: the user's :func:`user_token` ("" : files directly under the static folder).
            cache_dir: the user's audio cache (None: the speaker's default cache).

        Returns:
            The plan; a text already spoken for this user (same folder) is not synthesized again.

        Raises:
            ValueError: ``user`` is not a token made by :func:`user_token`.
        """
        plan = self.plan(text, lang, prefer, user)
        with self._lock:
            job = self._jobs.get(plan.url_path)
            if job is None:
                done = plan.ready
                job = _Job(plan, prefer, cache_dir, next_index=len(plan.sentences) if done else 0, done=done)
                self._jobs[plan.url_path] = job
            job.added = time.monotonic()  # shown again: it is the newest
            if not job.done and self.background:
                self._ensure_worker()
                self._lock.notify_all()
        self._maybe_sweep()
        return plan

    def wait(self, plan: StreamPlan, index: int, timeout_s: float = 30.0) -> dict | None:
        """Block until sentence ``index`` of ``plan`` is ready; its metadata, or None on timeout.

        Used by benchmarks and tests (the browser polls the files instead).
        """
        meta = plan.folder / f"{index}.json"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if meta.is_file():
                try:
                    return json.loads(meta.read_text(encoding="utf-8"))
                except ValueError:
                    pass  # being written
            time.sleep(0.01)
        return None

    # ------------------------------------------------------------------ worker
    def _ensure_worker(self) -> None:
        # Two threads (#10v): "main" speaks every sentence, newest text first; "starter" speaks only
        # first chunks, so a new text's first sound does not wait for the sentence "main" is in the
        # middle of (measured: up to one whole previous sentence, about 1 s with Piper).
        for name, first_only in (("main", False), ("starter", True)):
            worker = self._workers.get(name)
            if worker is None or not worker.is_alive():
                worker = threading.Thread(target=self._run, args=(name, first_only), daemon=True,
                                          name=f"margo-speech-{name}")
                self._workers[name] = worker
                worker.start()

    def _next_job(self, first_only: bool = False) -> _Job | None:
        pending = [j for j in self._jobs.values() if not j.done and (not first_only or j.next_index == 0)]
        return max(pending, key=lambda j: j.added) if pending else None

    def _run(self, name: str = "main", first_only: bool = False) -> None:
        while True:
            with self._lock:
                while True:
                    job = self._next_job(first_only)
                    # a first chunk being spoken has the CPU to itself: later sentences wait for it
                    if job is not None and (first_only or job.next_index == 0 or not self._first_busy):
                        break
                    if not self._lock.wait(timeout=60.0 if job is None else 0.5) and job is None:
                        self._workers.pop(name, None)
                        return
                index = job.next_index
                job.next_index += 1
                if job.next_index >= len(job.plan.sentences):
                    job.done = True
                first = index == 0
                self._first_busy += first
            try:
                if index < len(job.plan.sentences):
                    self._speak_one(job, index)
            finally:
                if first:
                    with self._lock:
                        self._first_busy -= 1
                        self._lock.notify_all()

    def _speak_one(self, job: _Job, index: int) -> None:
        plan = job.plan
        sentence = plan.sentences[index]
        try:
            utt, _notice = self.speaker.speak_sentence(sentence, plan.lang, job.prefer, job.cache_dir)
        except Exception:  # an engine bug must not kill the worker; this sentence stays silent
            utt = None
        plan.folder.mkdir(parents=True, exist_ok=True)
        if utt is not None:
            _atomic_write(plan.folder / f"{index}.wav", utt.wav)
            meta = {"text": sentence, "timeline": utt.timeline, "duration_ms": utt.duration_ms,
                    "engine": utt.engine, "silent": False}
        else:
            duration = max(1200, len(sentence) * 65)  # about 15 characters a second read aloud
            meta = {"text": sentence, "silent": True, "duration_ms": duration,
                    "timeline": timeline_from_text(sentence, duration)}
        _atomic_write(plan.folder / f"{index}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    def _maybe_sweep(self) -> None:
        now = time.time()
        if now - self._last_sweep < 600 or not self.static_dir.is_dir():
            return
        self._last_sweep = now
        for child in self.static_dir.iterdir():
            try:
                if not child.is_dir():
                    continue
                if not _TOKEN.match(child.name):  # a text folder without a user (older layout)
                    self._sweep_folder(child, child.name, now)
                    continue
                for folder in child.iterdir():  # <token>/<digest>
                    if folder.is_dir():
                        self._sweep_folder(folder, f"{child.name}/{folder.name}", now)
                if not any(child.iterdir()):
                    child.rmdir()
            except OSError:
                continue

    def _sweep_folder(self, folder: Path, key: str, now: float) -> None:
        if now - folder.stat().st_mtime > KEEP_S:
            shutil.rmtree(folder, ignore_errors=True)
            with self._lock:
                self._jobs.pop(key, None)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
