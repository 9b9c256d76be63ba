"""Markdown notes: the summary and the question-and-answer history of a document."""

from __future__ import annotations

from datetime import datetime

from ..types import Answer, Summary

__all__ = ["notes_markdown"]


def _cites(answer: Answer, page_word: str) -> str:
    return "\n".join(f"> {page_word} {c.page}: {c.quote}" for c in answer.citations)


def notes_markdown(title: str, summary: Summary | None, qa: list[tuple[str, Answer]], when: datetime | None = None,
                   lang: str = "en") -> str:
    """Render notes as Markdown.

    Args:
        title: document title.
        summary: the summary shown (None: not made yet).
        qa: ``(question, answer)`` pairs in the order asked.
        when: timestamp written in the header (default: now).
        lang: the language of the headings and page labels, ``"en"`` (default, the command line's
            notes unchanged) or ``"ru"`` (U1: the Reader page in a Russian interface; headings from
            ``core/i18n/reader.py``, Margo's ``[p. N]`` marks as ``[с. N]``). Quotes stay as written.

    Returns:
        A Markdown document (UTF-8 text); pages are 1-based.
    """
    from ..i18n import t
    from ..i18n.reader_answers import page_marks

    lang = lang if lang in ("ru", "en") else "en"
    page_word = t("reader.notes.page", lang)
    when = when or datetime.now()
    out = [f"# {t('reader.notes.title', lang, title=title)}", "",
           f"_{t('reader.notes.made', lang, when=f'{when:%Y-%m-%d %H:%M}')}_", ""]
    if summary and summary.text:
        out += [f"## {t('reader.notes.summary', lang)}", "", page_marks(summary.text, lang, nbsp=False), ""]
        for part, sentences in summary.key_parts.items():
            name = t(f"reader.part.{part}", lang) if part in ("problem", "method", "results") else part.capitalize()
            out.append(f"**{name}**: " + " ".join(f"{s.text} ({page_word} {s.page})" for s in sentences))
            out.append("")
    if qa:
        out += [f"## {t('reader.notes.qa', lang)}", ""]
        for question, answer in qa:
            out += [f"### {question}", "", page_marks(answer.text, lang, nbsp=False), ""]
            if answer.citations:
                out += [_cites(answer, page_word), ""]
    return "\n".join(out).rstrip() + "\n"
