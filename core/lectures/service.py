"""High-level calls shared by the page, the command line and the benchmark."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LLMError, UnsupportedMediaError
from ..settings import Settings
from ..workspace import Workspace
from .chapters import summarize_lecture, timed_sentences
from .inputs import (
    MEDIA_EXTENSIONS,
    SUBTITLE_EXTENSIONS,
    check_size,
    youtube_transcript,
    youtube_video_id,
)
from .qa import LectureIndex
from .transcribe import Progress, open_lecture
from .types import LectureSummary, Transcript

__all__ = ["PartialPreview", "lecture_from_path", "llm_titles", "summarize"]

PREVIEW_EVERY_S = 120.0
"""Seconds of newly recognised audio between two previews of the key moments (a design
choice: about one new chapter's worth; each preview costs one embedding pass)."""


class PartialPreview:
    """Key moments of the part of a recording recognised so far, while Whisper still runs.

    Pass it (or a wrapper) as ``on_segments`` to :func:`open_lecture`; after every
    ``every_s`` seconds of new audio it rebuilds the chapters of the transcript so far and
    hands them to ``show`` (chapters of a partial transcript may move as more arrives; the
    final ones replace them).

    Args:
        embedder: the lecture's embedder.
        show: ``show(summary)`` with a :class:`LectureSummary` of the part so far.
        every_s: seconds of audio between previews.
    """

    def __init__(self, embedder, show, every_s: float = PREVIEW_EVERY_S) -> None:
        self.embedder = embedder
        self.show = show
        self.every_s = every_s
        self._last = 0.0

    def __call__(self, segments, lang: str) -> None:
        if not segments or segments[-1].end_s - self._last < self.every_s:
            return
        self._last = segments[-1].end_s
        part = Transcript("partial", "", "whisper", lang if lang in ("ru", "en") else "en",
                          segments[-1].end_s, list(segments))
        sentences = timed_sentences(part)
        if not sentences:
            return
        vectors = self.embedder.embed([s.text for s in sentences])
        self.show(summarize_lecture(part, sentences, vectors))


def lecture_from_path(
    source: str, settings: Settings, ws: Workspace | None = None, progress: Progress | None = None,
) -> Transcript:
    """A transcript from a file path (media or subtitles) or a YouTube link.

    Raises:
        UnsupportedMediaError: neither an existing file of a known kind nor a YouTube link.
        (and everything :func:`open_lecture` / :func:`youtube_transcript` raise)
    """
    if re.match(r"https?://", source) or (not Path(source).exists() and youtube_video_id(source)):
        return youtube_transcript(source, settings)
    path = Path(source)
    if not path.is_file():
        raise UnsupportedMediaError(f"{source}: no such file.")
    ext = path.suffix.lower()
    if ext not in SUBTITLE_EXTENSIONS + MEDIA_EXTENSIONS:
        raise UnsupportedMediaError(
            f"{path.name}: not a lecture file (audio/video: {', '.join(MEDIA_EXTENSIONS)}; subtitles: .srt, .vtt)."
        )
    check_size(path.stat().st_size, settings)
    return open_lecture(path.read_bytes(), path.name, settings, ws, progress)


def llm_titles(summary: LectureSummary, lecture: LectureIndex, llm) -> LectureSummary:
    """Replace the chapters' extractive titles by LLM-written ones (prompt in core.prompts).

    On any LLM failure, or a reply without one title per chapter, the extractive titles
    stay and ``notice`` says so.
    """
    from ..prompts import LECTURES_TITLE_SYSTEM

    blocks = []
    for k, ch in enumerate(summary.chapters, 1):
        text = " ".join(lecture.sentences[i].text for i in ch.sentences)[:1500]
        blocks.append(f"<chapter n=\"{k}\">\n{text}\n</chapter>")
    language = "Russian" if summary.language == "ru" else "English"
    messages = [{"role": "system", "content": LECTURES_TITLE_SYSTEM.format(language=language)},
                {"role": "user", "content": "\n".join(blocks)}]
    try:
        reply = llm.chat(messages)
    except LLMError as exc:
        summary.notice = f"{exc} Chapter titles are the offline ones."
        return summary
    titles = {}
    for line in reply.splitlines():
        m = re.match(r"\s*(\d+)[.)]\s*(.+)", line)
        if m:
            titles[int(m.group(1))] = m.group(2).strip().strip('"«»')[:90]
    if len(titles) < len(summary.chapters):
        summary.notice = "The LLM did not title every chapter; the offline titles are kept."
        return summary
    for k, ch in enumerate(summary.chapters, 1):
        ch.title = titles[k]
    summary.mode = "llm"
    return summary


def summarize(lecture: LectureIndex, settings: Settings, llm=None) -> LectureSummary:
    """Chapters and summary of an indexed lecture; titles by the LLM when one is given."""
    summary = summarize_lecture(lecture.transcript, lecture.sentences, lecture.vectors,
                                max_points=settings.summary_sentences)
    if llm is not None and summary.chapters:
        summary = llm_titles(summary, lecture, llm)
    return summary
