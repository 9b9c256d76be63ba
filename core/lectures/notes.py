"""Markdown notes of a lecture: chapters, summary and questions with timestamps."""

from __future__ import annotations

from .types import LectureAnswer, LectureSummary, Transcript, format_time

__all__ = ["notes_markdown", "to_webvtt"]

_HEAD = {
    "ru": ("Конспект лекции", "Ключевые моменты", "Краткое содержание", "Вопросы и ответы", "Вопрос", "Длительность"),
    "en": ("Lecture notes", "Key moments", "Summary", "Questions and answers", "Question", "Duration"),
}


def notes_markdown(
    name: str, summary: LectureSummary, qa: list[tuple[str, LectureAnswer]] | None = None, lang: str = "ru",
) -> str:
    """The lecture's notes as Markdown.

    Args:
        name: file name or video id (the title line).
        summary: chapters and key points.
        qa: ``(question, answer)`` pairs in the order asked.
        lang: "ru" or "en" for the headings.

    Returns:
        Markdown text; every chapter, key point and citation carries ``[mm:ss]``.
    """
    title, moments, summ, qa_head, q_word, dur = _HEAD.get(lang, _HEAD["en"])
    lines = [f"# {title}: {name}", "", f"{dur}: {format_time(summary.duration_s)}", "", f"## {moments}", ""]
    for k, ch in enumerate(summary.chapters, 1):
        lines.append(f"{k}. **[{format_time(ch.start_s)}–{format_time(ch.end_s)}] {ch.title}**  ")
        lines.append(f"   {ch.summary}")
    lines += ["", f"## {summ}", ""]
    lines += [f"- [{format_time(p.start_s)}] {p.text}" for p in summary.summary]
    if qa:
        lines += ["", f"## {qa_head}", ""]
        for question, answer in qa:
            lines.append(f"**{q_word}:** {question}  ")
            lines.append(answer.text)
            for c in answer.citations:
                lines.append(f"- [{format_time(c.start_s)}–{format_time(c.end_s)}] «{c.quote}»")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _vtt_time(seconds: float) -> str:
    ms = int(round(max(0.0, seconds) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_webvtt(transcript: Transcript) -> str:
    """The transcript's segments as a WebVTT track (for the player's captions)."""
    lines = ["WEBVTT", ""]
    for seg in transcript.segments:
        end = max(seg.end_s, seg.start_s + 0.5)
        lines += [f"{_vtt_time(seg.start_s)} --> {_vtt_time(end)}", seg.text.replace("-->", "->"), ""]
    return "\n".join(lines)
