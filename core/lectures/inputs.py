"""Lecture input: subtitle files, audio/video files (through ffmpeg) and YouTube captions.

* Subtitles: ``.srt`` with the ``srt`` library, ``.vtt`` with ``webvtt-py``; WebVTT
  voice tags (``<v Name>``) are kept as the segment's speaker.
* Media: ``ffprobe`` (Debian's ffmpeg) reads the duration and the streams; ``ffmpeg``
  extracts 16 kHz mono PCM for Whisper, or an embedded subtitle track as WebVTT.
* YouTube (online only): captions through ``youtube-transcript-api`` over a
  ``requests`` session whose every request has a timeout; offline it raises
  :class:`core.errors.NetworkError` at once with a message saying so.

Limits come from settings: ``lecture_max_upload_mb`` and ``lecture_max_duration_s``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import (
    MalformedSubtitlesError,
    NetworkError,
    NoSpeechError,
    TooLargeError,
    UnsupportedMediaError,
)
from ..settings import Settings
from ..text import detect_lang, normalize_space
from .types import Segment, Transcript

__all__ = [
    "MEDIA_EXTENSIONS",
    "SUBTITLE_EXTENSIONS",
    "check_size",
    "extract_audio",
    "parse_subtitles",
    "probe_media",
    "read_embedded_subtitles",
    "sha256_bytes",
    "youtube_transcript",
    "youtube_video_id",
]

SUBTITLE_EXTENSIONS = (".srt", ".vtt")
MEDIA_EXTENSIONS = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".mp4", ".m4v",
                    ".webm", ".mkv", ".mov", ".avi")
VIDEO_EXTENSIONS = (".mp4", ".m4v", ".webm", ".mkv", ".mov", ".avi")
FFMPEG_TIMEOUT_S = 600.0
"""Ceiling for one ffmpeg run (extracting 3 h of audio takes about a minute here)."""

_TAG = re.compile(r"<[^>]+>")
_SOUND_CUE = re.compile(r"^\s*[\(\[][^\)\]]{1,40}[\)\]]\s*$")  # "(swoosh)", "[music]"
_DASH = re.compile(r"^\s*[-–—]\s+")  # "- " marking a change of speaker in a cue


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def check_size(n_bytes: int, settings: Settings) -> None:
    """Raise :class:`TooLargeError` above ``lecture_max_upload_mb``; ``EmptyDocument``-like 0 bytes too.

    Raises:
        TooLargeError: over the limit.
        NoSpeechError: zero bytes.
    """
    if n_bytes == 0:
        raise NoSpeechError("The file is empty (0 bytes).", key="errors.upload.empty")
    limit = settings.lecture_max_upload_mb
    if n_bytes > limit * 1024 * 1024:
        raise TooLargeError(f"The file is {n_bytes / 2**20:.0f} MB; the limit is {limit} MB (MARGO_LECTURE_MAX_UPLOAD_MB).",
                            key="errors.lectures.too_big", mb=f"{n_bytes / 2**20:.0f}", limit_mb=limit)


def _check_duration(duration_s: float, settings: Settings) -> None:
    if duration_s > settings.lecture_max_duration_s:
        raise TooLargeError(
            f"The recording is {duration_s / 60:.0f} min long; the limit is "
            f"{settings.lecture_max_duration_s / 60:.0f} min (MARGO_LECTURE_MAX_DURATION_S).",
            key="errors.lectures.too_long", minutes=f"{duration_s / 60:.0f}",
            limit_min=f"{settings.lecture_max_duration_s / 60:.0f}",
        )


def _clean_cue(text: str) -> str:
    lines = [_DASH.sub("", ln) for ln in text.splitlines() if not _SOUND_CUE.match(ln)]
    return normalize_space(_TAG.sub("", " ".join(lines)))


def _vtt_seconds(stamp: str) -> float:
    parts = stamp.strip().replace(",", ".").split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return value


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MalformedSubtitlesError("The subtitle file is neither UTF-8 nor Windows-1251 text.",
                                  key="errors.lectures.subs_encoding")


def parse_subtitles(data: bytes, name: str, settings: Settings) -> Transcript:
    """Parse an ``.srt`` or ``.vtt`` file into a transcript.

    Args:
        data: the file's bytes (UTF-8 with or without BOM, or Windows-1251).
        name: the file name; its extension picks the parser.
        settings: limits.

    Returns:
        A :class:`Transcript` with ``source="subtitles"``; cues that are only a sound
        description ("(swoosh)", "[music]") are dropped.

    Raises:
        UnsupportedMediaError: the extension is not .srt/.vtt.
        MalformedSubtitlesError: the file cannot be parsed.
        NoSpeechError: no cue has text.
        TooLargeError: over the size or duration limit.
    """
    check_size(len(data), settings)
    ext = Path(name).suffix.lower()
    text = _decode(data)
    segments: list[Segment] = []
    if ext == ".srt":
        import srt

        try:
            cues = list(srt.parse(text))
        except (srt.SRTParseError, ValueError) as exc:
            raise MalformedSubtitlesError(f"{name} is not a valid SRT file: {exc}", key="errors.lectures.bad_subs",
                                          file=name, kind="SRT") from exc
        for cue in cues:
            clean = _clean_cue(cue.content)
            if clean:
                segments.append(Segment(cue.start.total_seconds(), cue.end.total_seconds(), clean))
    elif ext == ".vtt":
        import webvtt
        from webvtt.errors import MalformedFileError

        try:
            vtt = webvtt.from_string(text)
        except (MalformedFileError, ValueError, IndexError) as exc:
            raise MalformedSubtitlesError(f"{name} is not a valid WebVTT file: {exc}", key="errors.lectures.bad_subs",
                                          file=name, kind="WebVTT") from exc
        speaker = ""
        for cue in vtt.captions:
            clean = _clean_cue(cue.raw_text)
            speaker = (cue.voice or speaker or "").strip()
            if clean:
                segments.append(Segment(_vtt_seconds(cue.start), _vtt_seconds(cue.end), clean, speaker))
    else:
        raise UnsupportedMediaError(f"{name}: subtitles must be .srt or .vtt.", key="errors.lectures.subs_type",
                                    file=name)
    if not segments:
        raise NoSpeechError(f"{name} has no subtitle text.", key="errors.lectures.subs_empty", file=name)
    segments.sort(key=lambda s: s.start_s)
    duration = max(s.end_s for s in segments)
    _check_duration(duration, settings)
    lang = detect_lang(" ".join(s.text for s in segments[:200]))
    return Transcript(sha256_bytes(data), name, "subtitles", lang, duration, segments)


def _ffmpeg(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise UnsupportedMediaError(
            f"Reading audio and video needs {tool} (Debian package 'ffmpeg': `apt-get install ffmpeg`, "
            "or `make run`). Subtitle files (.srt, .vtt) work without it."
        )
    return path


def probe_media(path: Path) -> dict:
    """Duration and streams of a media file (``ffprobe``).

    Returns:
        ``{"duration_s": float, "has_audio": bool, "has_video": bool, "subtitle_streams": int}``.

    Raises:
        UnsupportedMediaError: ffprobe cannot read it (not media, damaged) or is missing.
    """
    cmd = [_ffmpeg("ffprobe"), "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name",
           "-of", "json", str(path)]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnsupportedMediaError(f"{path.name}: reading the file took too long.") from exc
    if out.returncode != 0:
        raise UnsupportedMediaError(f"{path.name} is not an audio or video file ffmpeg can read.",
                                    key="errors.lectures.not_media", file=path.name)
    info = json.loads(out.stdout or b"{}")
    streams = info.get("streams", [])
    kinds = [s.get("codec_type") for s in streams]
    codecs = [s.get("codec_name") for s in streams if s.get("codec_type") == "video"]
    # A cover picture (mjpeg/png in an mp3) is a "video" stream that is not a video.
    has_video = any(c not in ("mjpeg", "png", "bmp") for c in codecs)
    try:
        duration = float(info.get("format", {}).get("duration", 0.0))
    except (TypeError, ValueError):
        duration = 0.0
    return {"duration_s": duration, "has_audio": "audio" in kinds, "has_video": has_video,
            "subtitle_streams": kinds.count("subtitle")}


def extract_audio(path: Path, out_wav: Path) -> Path:
    """Decode the first audio stream to 16 kHz mono 16-bit WAV (what Whisper takes).

    Raises:
        UnsupportedMediaError: ffmpeg fails (no audio stream, damaged file).
    """
    cmd = [_ffmpeg("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(path), "-vn", "-ac", "1", "-ar", "16000",
           "-c:a", "pcm_s16le", str(out_wav)]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnsupportedMediaError(f"{path.name}: extracting the audio took too long.") from exc
    if out.returncode != 0 or not out_wav.is_file() or out_wav.stat().st_size <= 44:
        raise UnsupportedMediaError(f"{path.name}: its audio could not be decoded.")
    return out_wav


def read_embedded_subtitles(path: Path, settings: Settings) -> list[Segment]:
    """The first subtitle track inside a video (mov_text, WebVTT, SubRip, ASS), as segments.

    Returns:
        The track's segments, or ``[]`` when there is none or it cannot be converted.
    """
    cmd = [_ffmpeg("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:s:0", "-f", "webvtt", "-"]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return []
    if out.returncode != 0 or not out.stdout.strip():
        return []
    try:
        return parse_subtitles(out.stdout, path.stem + ".vtt", settings).segments
    except (MalformedSubtitlesError, NoSpeechError):
        return []


_YT_ID = re.compile(
    r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)


def youtube_video_id(text: str) -> str | None:
    """The 11-character video id of a YouTube link (watch, youtu.be, embed, shorts), else None."""
    text = (text or "").strip()
    match = _YT_ID.search(text)
    if match:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9_-]{11}", text):
        return text
    return None


def _timeout_session(timeout_s: float, session_cls=None):
    import requests

    base = session_cls or requests.Session

    class TimeoutSession(base):  # type: ignore[misc, valid-type]
        """A requests session whose every request has ``timeout_s`` (connect and read)."""

        def request(self, method, url, **kwargs):
            kwargs.setdefault("timeout", timeout_s)
            return super().request(method, url, **kwargs)

    return TimeoutSession()


def youtube_transcript(
    link: str, settings: Settings, languages: tuple[str, ...] = ("ru", "en"), http_client=None,
) -> Transcript:
    """Fetch a YouTube video's captions (human-made first, else automatic) with a timeout.

    Args:
        link: a YouTube link or a bare 11-character video id.
        settings: ``youtube_timeout_s`` and the limits.
        languages: caption languages in order of preference.
        http_client: a ``requests.Session`` (tests pass one that talks to a local fake
            server); by default a session with ``youtube_timeout_s`` on every request.

    Raises:
        UnsupportedMediaError: not a YouTube link.
        NetworkError: YouTube cannot be reached in time (offline), or it refused.
        NoSpeechError: the video has no captions in these languages.
    """
    video_id = youtube_video_id(link)
    if video_id is None:
        raise UnsupportedMediaError("This is not a YouTube link (https://www.youtube.com/watch?v=... or https://youtu.be/...).",
                                    key="errors.lectures.not_youtube")
    import requests
    from youtube_transcript_api import YouTubeTranscriptApi
    from youtube_transcript_api._errors import (
        CouldNotRetrieveTranscript,
        NoTranscriptFound,
        TranscriptsDisabled,
        VideoUnavailable,
    )

    client = http_client if http_client is not None else _timeout_session(settings.youtube_timeout_s)
    api = YouTubeTranscriptApi(http_client=client)
    try:
        fetched = api.fetch(video_id, languages=list(languages))
    except (NoTranscriptFound, TranscriptsDisabled) as exc:
        raise NoSpeechError(f"The video {video_id} has no captions in {', '.join(languages)}.",
                            key="errors.lectures.no_captions", video_id=video_id, languages=", ".join(languages)) from exc
    except VideoUnavailable as exc:
        raise NoSpeechError(f"The video {video_id} is unavailable.", key="errors.lectures.unavailable",
                            video_id=video_id) from exc
    except CouldNotRetrieveTranscript as exc:
        raise NetworkError(f"YouTube refused the captions of {video_id}: {type(exc).__name__}.") from exc
    except requests.RequestException as exc:
        raise NetworkError(
            f"YouTube could not be reached within {settings.youtube_timeout_s:g} s (offline?). "
            "Upload the recording or its subtitles instead.",
            key="errors.lectures.youtube_unreachable", timeout_s=f"{settings.youtube_timeout_s:g}",
        ) from exc
    segments = []
    for snip in fetched.snippets:
        clean = _clean_cue(snip.text)
        if clean:
            segments.append(Segment(float(snip.start), float(snip.start) + float(snip.duration), clean))
    if not segments:
        raise NoSpeechError(f"The captions of {video_id} are empty.")
    duration = max(s.end_s for s in segments)
    _check_duration(duration, settings)
    lang = fetched.language_code.split("-")[0] if fetched.language_code else detect_lang(segments[0].text)
    return Transcript(sha256_bytes(("youtube:" + video_id).encode()), video_id, "youtube", lang, duration, segments)
