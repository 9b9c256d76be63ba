"""Lectures: a recording, its subtitles or a YouTube link becomes chapters with times,
a summary and answers cited to the second.

Modules:
    types       Segment, TimedSentence, Transcript, Chapter, LectureSummary, LectureAnswer
    inputs      subtitles (.srt/.vtt), media probing and audio extraction (ffmpeg), YouTube captions
    transcribe  offline faster-whisper (word timestamps, VAD, progress), cache by content hash
    chapters    timed sentences, topic-shift chapters (embedding TextTiling), titles, summary
    qa          passages on the retrieval core, extractive/LLM answers with [mm:ss] citations
    notes       Markdown export
    service     the high-level calls the page, the API and the command line use

Command line: ``python -m core.lectures summarize FILE --json`` and
``python -m core.lectures ask FILE "QUESTION" --json``.
"""

from .chapters import (
    boundary_f1,
    find_boundaries,
    summarize_lecture,
    timed_sentences,
    uniform_boundaries,
)
from .inputs import parse_subtitles, youtube_transcript, youtube_video_id
from .notes import notes_markdown
from .qa import LectureIndex, answer_question, parse_time_marks
from .service import PartialPreview, lecture_from_path, summarize
from .transcribe import open_lecture
from .types import (
    Chapter,
    KeyPoint,
    LectureAnswer,
    LectureCitation,
    LectureSummary,
    Segment,
    TimedSentence,
    Transcript,
    format_time,
)

__all__ = [
    "Chapter",
    "KeyPoint",
    "LectureAnswer",
    "LectureCitation",
    "LectureIndex",
    "LectureSummary",
    "PartialPreview",
    "Segment",
    "TimedSentence",
    "Transcript",
    "answer_question",
    "boundary_f1",
    "find_boundaries",
    "format_time",
    "lecture_from_path",
    "notes_markdown",
    "open_lecture",
    "parse_subtitles",
    "parse_time_marks",
    "summarize",
    "summarize_lecture",
    "timed_sentences",
    "uniform_boundaries",
    "youtube_transcript",
    "youtube_video_id",
]
