"""UI strings of the Reader's answer display (#8: the passage an answer was found in), and the
page label of Margo's citations in the interface language (:func:`page_marks`)."""

from __future__ import annotations

import re

STRINGS: dict[str, dict[str, str]] = {
    "reader_answers.passage": {"ru": "Фрагмент статьи, в котором найден ответ:",
                               "en": "The passage of the paper the answer was found in:"},
    "reader_answers.support": {"ru": "Ещё фрагменты, где об этом говорится ({n})",
                               "en": "More passages about this ({n})"},
    # The citation mark after each quoted sentence; the same page word as "reader.page_ref" (с. / p.).
    "reader_answers.mark": {"ru": "[с. {pages}]", "en": "[p. {pages}]"},
}

_MARGO_MARK = re.compile(r"\[p\.\s?(\d{1,4}(?:\s?[,–-]\s?\d{1,4})*)\]")
"""Margo's own citation marks in an answer or LLM summary text: ``[p. 7]``, ``[p. 2, 5]``,
``[p. 3–4]`` (core.reader.qa writes ``[p. N]``; grounding rewrites kept marks as ``[p. a, b]``).
The paper's own marks inside quotes are already ``(p. 99)`` (core.grounding.neutralize_marks)
and are left as they are."""


def page_marks(text: str, lang: str, nbsp: bool = True) -> str:
    """``text`` with Margo's ``[p. N]`` citation marks written in the interface language.

    Only the display changes: answers, the command line's JSON and grounding keep ``[p. N]``.

    Args:
        text: an answer or summary text (Markdown), any length.
        lang: the interface language, ``"ru"`` or ``"en"`` (anything else: English).
        nbsp: join the page word and the number with a no-break space (U+00A0), so a line never
            ends in "[p." with "4]" on the next (seen at 1366 px, U1); False for files (notes).

    Returns:
        The text with each ``[p. 7]`` / ``[p. 2, 5]`` as ``[с. 7]`` / ``[с. 2, 5]`` in Russian,
        ``[p. 7]`` in English (with ``nbsp`` the space after the page word is U+00A0; with
        ``nbsp=False`` English text is returned unchanged). Pages are 1-based and not renumbered.
    """
    if lang != "ru" and not nbsp:
        return text
    template = STRINGS["reader_answers.mark"]["ru" if lang == "ru" else "en"]
    if nbsp:
        template = template.replace(" ", "\u00a0", 1)
    return _MARGO_MARK.sub(lambda m: template.format(pages=m.group(1)), text)
