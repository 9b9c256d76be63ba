"""Domain types of lectures: timed segments, sentences, chapters, answers.

Times are seconds (float) from the start of the recording; every type here turns into
JSON with :func:`dataclasses.asdict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

__all__ = [
    "Chapter",
    "KeyPoint",
    "LectureAnswer",
    "LectureCitation",
    "LectureSummary",
    "Segment",
    "TimedSentence",
    "Transcript",
    "format_time",
]

Source = Literal["whisper", "subtitles", "youtube", "embedded"]


def format_time(seconds: float) -> str:
    """``75.4`` → ``"01:15"``; ``3725`` → ``"1:02:05"`` (hours only when needed)."""
    total = max(0, int(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


@dataclass(frozen=True)
class Segment:
    """A timed piece of speech: a subtitle cue, a Whisper segment or a word.

    Attributes:
        start_s: start in seconds from the beginning of the recording.
        end_s: end in seconds (>= start_s).
        text: what was said (tags stripped, whitespace normalised).
        speaker: the speaker's name where the subtitles mark it (WebVTT ``<v Name>``), else "".
    """

    start_s: float
    end_s: float
    text: str
    speaker: str = ""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence of the transcript with the time span it was spoken in.

    Attributes:
        index: 0-based position in the transcript.
        start_s: start of the segment (or word) holding its first character, seconds.
        end_s: end of the segment (or word) holding its last character, seconds.
        text: the sentence.
        speaker: speaker of its first segment, "" when unknown.
    """

    index: int
    start_s: float
    end_s: float
    text: str
    speaker: str = ""


@dataclass
class Transcript:
    """What a lecture says, with times.

    Attributes:
        doc_id: SHA-256 hex digest of the input file's bytes (or of the YouTube video id).
        name: the file name or the video id shown to the user.
        source: "whisper" (recognised here), "subtitles" (.srt/.vtt), "embedded" (a
            subtitle track inside the video) or "youtube" (captions fetched online).
        lang: "ru" or "en" (another Whisper language code where it found one).
        duration_s: length in seconds (the last segment's end for subtitles).
        segments: the timed segments, in order.
        words: words with times (Whisper only; empty for subtitles).
        lang_probability: Whisper's language probability (1.0 for subtitles).
        media_kind: "video", "audio" or "" (subtitles only, nothing to play).
    """

    doc_id: str
    name: str
    source: Source
    lang: str
    duration_s: float
    segments: list[Segment] = field(default_factory=list)
    words: list[Segment] = field(default_factory=list)
    lang_probability: float = 1.0
    media_kind: str = ""

    @property
    def text(self) -> str:
        """The whole transcript as one string."""
        return " ".join(s.text for s in self.segments)

    def to_dict(self) -> dict:
        """JSON-ready dict (see :meth:`from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Transcript:
        """Inverse of :meth:`to_dict`.

        Raises:
            KeyError, TypeError: the dict is not a saved transcript.
        """
        data = dict(data)
        data["segments"] = [Segment(**s) for s in data.get("segments", [])]
        data["words"] = [Segment(**w) for w in data.get("words", [])]
        return cls(**data)


@dataclass(frozen=True)
class KeyPoint:
    """One sentence of a summary and when it is said (seconds)."""

    text: str
    start_s: float


@dataclass
class Chapter:
    """A key moment: a stretch of the lecture on one topic.

    Attributes:
        start_s: start in seconds.
        end_s: end in seconds.
        title: its most central sentence (shortened), or an LLM-written title.
        summary: a short extractive summary (its most central sentences, in spoken order).
        sentences: 0-based indices of its transcript sentences.
    """

    start_s: float
    end_s: float
    title: str
    summary: str
    sentences: list[int] = field(default_factory=list)


@dataclass
class LectureSummary:
    """Chapters and a whole-lecture summary.

    Attributes:
        language: the transcript's language.
        duration_s: seconds.
        chapters: the key moments, in order.
        summary: one key point per chapter at most, in order, each with its time.
        mode: "extractive" or "llm" (titles written by the LLM).
        notice: what the user should know (LLM failed and offline titles were kept, ...).
    """

    language: str
    duration_s: float
    chapters: list[Chapter]
    summary: list[KeyPoint]
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""

    def to_json(self) -> dict:
        """The command line's JSON shape: ``{language, duration_s, chapters, summary}``."""
        return {
            "language": self.language,
            "duration_s": round(self.duration_s, 2),
            "chapters": [
                {"start_s": round(c.start_s, 2), "end_s": round(c.end_s, 2), "title": c.title, "summary": c.summary}
                for c in self.chapters
            ],
            "summary": [{"text": k.text, "start_s": round(k.start_s, 2)} for k in self.summary],
        }


@dataclass(frozen=True)
class LectureCitation:
    """A quoted moment: ``quote`` is said between ``start_s`` and ``end_s`` (seconds)."""

    start_s: float
    end_s: float
    quote: str
    score: float = 0.0


@dataclass
class LectureAnswer:
    """An answer cited to moments of the lecture.

    Attributes:
        text: the answer, with ``[mm:ss]`` after each quoted moment.
        abstained: True when the lecture does not answer the question.
        citations: the cited moments, in spoken order.
        lang: the question's language.
        mode: "extractive" or "llm".
        notice: what happened that the user should know.
        evidence: the best evidence score (for calibration).
    """

    text: str
    abstained: bool
    citations: list[LectureCitation] = field(default_factory=list)
    lang: str = "en"
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""
    evidence: float = 0.0

    def to_json(self) -> dict:
        """The command line's JSON shape: ``{answer, abstained, citations, lang}``."""
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [
                {"start_s": round(c.start_s, 2), "end_s": round(c.end_s, 2), "quote": c.quote}
                for c in self.citations
            ],
            "lang": self.lang,
        }
