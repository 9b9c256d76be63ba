"""Which visible strings of an AppTest page are not in the selected interface language.

Shared by tests/test_i18n.py and scripts/bench_ui.py. A string counts as Russian when, after
removing icons, links, code, numbers and the names that stay the same in both languages
(:data:`SAME_IN_BOTH`), it has no Latin word; as English when it has no Cyrillic letter.
"""

from __future__ import annotations

import re

SAME_IN_BOTH = (
    # Product, format and vendor names, written the same in a Russian interface.
    "Telegram Desktop", "Telegram", "Margo", "Марго", "JSON", "HTML", "CSV", "PDF", "Markdown", "LLM", "MLOps",
    "ML", "NLP", "A/B", "Ollama", "LM Studio", "llama.cpp", "OpenAI", "OpenRouter", "Streamlit Cloud",
    "Streamlit", "Settings → Secrets", "Settings", "Secrets", "Google", "Piper", "Festival", "eSpeak", "arXiv",
    "YouTube", "Data scientist", "GitHub", "OIDC", "MovieLens", "ID", "URL", "CPU", "SQL", "DD.MM.YYYY",
    "YYYY/MM/DD", "ai_newz", "t.me", "Deep learning",
    # Language names in the language switch: each in its own language.
    "Русский", "English",
)
_ICON = re.compile(r":material/[a-z_]+:|:[a-z]+\[|[\U0001F300-\U0001FAFF]")
_URL = re.compile(r"https?://\S+|\(?https?://[^)]*\)?|<[^>]+>|`[^`]*`|\{[^}]*\}")
_FORMAT_TOKENS = re.compile(r"\b\w*_\w*\b|\.?\b(?:mp3|m4a|wav|ogg|flac|mp4|webm|mkv|srt|vtt|pdf|json|csv|html)\b",
                            re.IGNORECASE)
"""Identifiers and file extensions (``item_id``, ``.srt``, ``mp4``): names, not words of a language."""
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _strip(text: str) -> str:
    text = _FORMAT_TOKENS.sub(" ", _URL.sub(" ", _ICON.sub(" ", text)))
    for name in sorted(SAME_IN_BOTH, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def is_foreign(text: str, lang: str) -> bool:
    """True when ``text`` (a visible UI string) is not in ``lang``."""
    rest = _strip(text)
    return bool(_LATIN_WORD.search(rest)) if lang == "ru" else bool(_CYRILLIC.search(rest))


def _proto_strings(proto) -> list[str]:
    out: list[str] = []
    for field in ("label", "placeholder", "help", "body", "options", "text", "caption"):
        try:
            value = getattr(proto, field)
        except AttributeError:
            continue
        if isinstance(value, str):
            out.append(value)
        elif hasattr(value, "__iter__"):
            out.extend(v for v in value if isinstance(v, str))
    return out


def visible_strings(at, skip: tuple[str, ...] = ()) -> list[str]:
    """Every label, text, placeholder, help and option an AppTest run shows (deduplicated).

    Args:
        at: an AppTest after ``run()``.
        skip: substrings of content that is data, not interface (a paper's title, a question).
    """
    seen: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        strings = _proto_strings(proto)
        if getattr(node, "type", "") == "expandable" or hasattr(proto, "expandable"):
            try:
                strings.append(proto.expandable.label)
            except AttributeError:
                pass
        if hasattr(proto, "tab_container"):
            pass
        if getattr(node, "type", "") == "tab":
            strings.append(getattr(node, "label", ""))
        for s in strings:
            s = s.strip()
            if s and s not in seen and not s.startswith("<style") and not any(k in s for k in skip):
                seen.append(s)
    return seen


def language_share(at, lang: str, skip: tuple[str, ...] = ()) -> tuple[float, list[str], int]:
    """``(share of visible strings in lang, the foreign ones, number of strings)``."""
    strings = [s for s in visible_strings(at, skip) if _strip(s).strip(" .,:;!?—–-·()[]*_#/|\n\t0123456789")]
    foreign = [s for s in strings if is_foreign(s, lang)]
    return (1 - len(foreign) / len(strings)) if strings else 1.0, foreign, len(strings)
