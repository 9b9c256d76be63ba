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


def page_marks(text: str, lang: str) -> str:
    """``text`` with Margo's ``[p. N]`` citation marks written in the interface language.

    Only the display changes: answers, the command line's JSON and grounding keep ``[p. N]``.

    Args:
        text: an answer or summary text (Markdown), any length.
        lang: the interface language, ``"ru"`` or ``"en"`` (anything else: English).

    Returns:
        The text with each ``[p. 7]`` / ``[p. 2, 5]`` as ``[с. 7]`` / ``[с. 2, 5]`` in Russian;
        English text is returned unchanged. Pages are 1-based and are not renumbered.
    """
    if lang != "ru":
        return text
    template = STRINGS["reader_answers.mark"]["ru"]
    return _MARGO_MARK.sub(lambda m: template.format(pages=m.group(1)), text)
