"""Markdown notes: the summary and the question-and-answer history of a document."""

from __future__ import annotations

from datetime import datetime

from ..types import Answer, Summary

__all__ = ["notes_markdown"]


def _cites(answer: Answer) -> str:
    return "\n".join(f"> p. {c.page}: {c.quote}" for c in answer.citations)


def notes_markdown(title: str, summary: Summary | None, qa: list[tuple[str, Answer]], when: datetime | None = None) -> str:
    """Render notes as Markdown.

    Args:
        title: document title.
        summary: the summary shown (None: not made yet).
        qa: ``(question, answer)`` pairs in the order asked.
        when: timestamp written in the header (default: now).

    Returns:
        A Markdown document (UTF-8 text).
    """
    when = when or datetime.now()
    out = [f"# Notes: {title}", "", f"_Made with Margo, {when:%Y-%m-%d %H:%M}._", ""]
    if summary and summary.text:
        out += ["## Summary", "", summary.text, ""]
        for part, sentences in summary.key_parts.items():
            out.append(f"**{part.capitalize()}**: " + " ".join(f"{s.text} (p. {s.page})" for s in sentences))
            out.append("")
    if qa:
        out += ["## Questions and answers", ""]
        for question, answer in qa:
            out += [f"### {question}", "", answer.text, ""]
            if answer.citations:
                out += [_cites(answer), ""]
    return "\n".join(out).rstrip() + "\n"
