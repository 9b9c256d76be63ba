"""UI strings of the Reader's answer display (#8: the passage an answer was found in)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reader_answers.passage": {"ru": "Фрагмент статьи, в котором найден ответ:",
                               "en": "The passage of the paper the answer was found in:"},
    "reader_answers.support": {"ru": "Ещё фрагменты, где об этом говорится ({n})",
                               "en": "More passages about this ({n})"},
}
