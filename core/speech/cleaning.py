"""Text cleaned for speech: what a reader would say aloud, nothing a synthesizer chokes on.

Removed: citation marks (``[p. 3]``, ``[1]``, ``[12, 14]``, ``(p. 5)``, ``[с. 3]``), URLs,
markdown syntax (headings, emphasis, code fences, links keep their text, images go),
HTML tags. Replaced by words: ``%`` ("percent" / "процентов"), ``« »`` and other quotes
(dropped: festival writes an empty WAV on them), ``&``, ``+``, ``=``, ``<``, ``>``,
``≈``. LaTeX formulas (``$...$``, ``\\(...\\)``, ``\\[...\\]``) are read when short and simple
(letters, digits and a few operators: ``$x^2$`` -> "x squared") and otherwise replaced by
the word "formula" ("формула"), as human readers of papers do.
"""

from __future__ import annotations

import re

from ..types import Lang

__all__ = ["clean_for_speech"]

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "%": " percent", "&": " and ", "+": " plus ", "=": " equals ", "<": " less than ",
        ">": " greater than ", "≈": " approximately ", "×": " times ", "→": " to ",
        "formula": "formula", "^2": " squared", "^3": " cubed", "^": " to the power ",
        "_": " sub ", "/": " over ", "-": " minus ", "*": " times ",
    },
    "ru": {
        "%": " процентов", "&": " и ", "+": " плюс ", "=": " равно ", "<": " меньше ",
        ">": " больше ", "≈": " примерно ", "×": " на ", "→": " в ",
        "formula": "формула", "^2": " в квадрате", "^3": " в кубе", "^": " в степени ",
        "_": " ", "/": " делить на ", "-": " минус ", "*": " умножить на ",
    },
}

_CODE_FENCE = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"`([^`]*)`")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|www\.|/|#)[^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_EMAIL = re.compile(r"\b\S+@\S+\.\w+\b")
_HTML = re.compile(r"<[a-zA-Z/][^>]*>")
# [1], [12, 14], [3-5], [p. 3], [pp. 3-4], [с. 3], [стр. 5], [Page 2], (p. 3), (с. 7)
_CITE = re.compile(
    r"\s?[\[(](?:(?:p|pp|page|pages|с|стр|стр\.)\.?\s*)?\d+(?:\s*[-–,]\s*\d+)*[\])]"
    r"|\s?\[(?:p|pp|page|с|стр)\.?\s*\d+[^\]]{0,20}\]",
    re.I,
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_MD_QUOTE = re.compile(r"^\s*>\s?", re.M)
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_MD_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]{3,}\|?\s*$", re.M)
_LATEX = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_SIMPLE_FORMULA = re.compile(r"^[A-Za-zА-Яа-я0-9\s+\-*/=<>^_().,]{1,24}$")
_QUOTES = re.compile(r"[«»„“”‟\"'`‘’‹›]")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\ufe0f]")


def _say_formula(body: str, lang: Lang) -> str:
    """Read a short simple formula aloud; anything else becomes the word "formula"."""
    words = _WORDS[lang]
    body = body.strip()
    body = re.sub(r"\\(?:mathrm|mathbf|text|operatorname)\{([^}]*)\}", r"\1", body)
    body = body.replace("{", "").replace("}", "")
    if not _SIMPLE_FORMULA.match(body):
        return f" {words['formula']} "
    body = body.replace("^2", words["^2"]).replace("^3", words["^3"])
    for sym in ("^", "_", "=", "+", "<", ">", "/", "*"):
        body = body.replace(sym, words[sym])
    body = re.sub(r"(?<=\s)-(?=\s|\w)", words["-"], body)
    return f" {body} "


def clean_for_speech(text: str, lang: Lang) -> str:
    """Return ``text`` as it should be spoken.

    Args:
        text: any answer, summary or question text (markdown allowed).
        lang: "ru" or "en": the language of the words that replace symbols.

    Returns:
        One line of plain text (white space collapsed); "" when nothing speakable is left.
    """
    words = _WORDS["ru" if lang == "ru" else "en"]
    t = _CODE_FENCE.sub(" ", text)
    t = _IMAGE.sub(" ", t)
    t = _LINK.sub(r"\1", t)
    t = _URL.sub(" ", t)
    t = _EMAIL.sub(" ", t)
    t = _HTML.sub(" ", t)
    t = _LATEX.sub(lambda m: _say_formula(next(g for g in m.groups() if g is not None), lang), t)
    t = _CITE.sub("", t)
    t = _INLINE_CODE.sub(r"\1", t)
    t = _MD_TABLE_RULE.sub(" ", t)
    # Headings and list items are spoken as sentences of their own.
    t = re.sub(r"^(\s{0,3}(?:#{1,6}|[-*+]|\d+[.)])\s+.*?\w)\s*$", r"\1.", t, flags=re.M)
    t = _MD_HEADING.sub("", t)
    t = _MD_LIST.sub("", t)
    t = _MD_QUOTE.sub("", t)
    for _ in range(2):
        t = _MD_EMPH.sub(r"\2", t)
    t = t.replace("|", ", ")
    t = _QUOTES.sub("", t)
    t = _EMOJI.sub("", t)
    t = re.sub(r"(\d)\s*%", r"\1" + words["%"], t)
    t = t.replace("%", words["%"])
    for sym in ("&", "≈", "×", "→"):
        t = t.replace(sym, words[sym])
    # A lone = + < > between spaces or digits is a relation worth reading.
    t = re.sub(r"(?<=[\s\d])([=+<>])(?=[\s\d])", lambda m: words[m.group(1)], t)
    t = re.sub(r"[#*_~^\\{}\[\]<>]", " ", t)
    t = re.sub(r"\s+([,.;:!?])", r"\1", t)
    t = re.sub(r"([,.;:!?]){2,}", r"\1", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t if re.search(r"\w", t) else ""
