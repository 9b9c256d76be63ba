"""Delivery feedback on a spoken answer: pace, long pauses and filler words (RU and EN).

Inputs are word timings from :class:`core.speech.stt.Transcript`. Conventions:
- pace in words per minute over the speaking time (first word start to last word end);
  conversational English is about 120-160 wpm and presentations about 100-150 wpm
  (National Center for Voice and Speech); we call under 90 "slow" and over 170 "fast";
- a long pause is a gap of at least :data:`LONG_PAUSE_S` seconds between words (pauses over
  about 1 s are perceived as hesitations in fluency research, e.g. Kormos & Dénes 2004);
- fillers from fixed lists (one- and multi-word, matched on word boundaries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .stt import Transcript

__all__ = ["FILLERS", "LONG_PAUSE_S", "DeliveryReport", "analyze_delivery"]

LONG_PAUSE_S = 1.0
FILLERS = {
    "en": ("um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "like", "you know", "i mean",
           "sort of", "kind of", "basically", "actually", "so yeah"),
    "ru": ("ну", "типа", "как бы", "вот", "это самое", "короче", "значит", "в общем", "эээ", "ээ",
           "э", "ммм", "мм", "так сказать", "собственно", "как его"),
}


@dataclass
class DeliveryReport:
    """Delivery of one spoken answer.

    Attributes:
        words: number of words recognised.
        speaking_s: seconds from the first word's start to the last word's end.
        wpm: words per minute over ``speaking_s`` (0.0 when under two words).
        long_pauses: ``(at_s, length_s)`` for each gap >= :data:`LONG_PAUSE_S`.
        fillers: filler phrase -> count (only those used).
        filler_per_100: fillers per 100 words.
        tips: short advice lines, in the answer's language.
    """

    words: int
    speaking_s: float
    wpm: float
    long_pauses: list[tuple[float, float]] = field(default_factory=list)
    fillers: dict[str, int] = field(default_factory=dict)
    filler_per_100: float = 0.0
    tips: list[str] = field(default_factory=list)


def _count_fillers(text: str, lang: str) -> dict[str, int]:
    low = " " + re.sub(r"[^\w\s-]", " ", text.lower()) + " "
    counts: dict[str, int] = {}
    # Longest phrases first, so "как бы" is not also counted as part of something else.
    for phrase in sorted(FILLERS.get(lang, FILLERS["en"]), key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
        n = len(pattern.findall(low))
        if n:
            counts[phrase] = n
            low = pattern.sub(" ", low)
    return counts


def analyze_delivery(transcript: Transcript, lang: str | None = None) -> DeliveryReport:
    """Measure pace, pauses and fillers of a transcribed spoken answer.

    Args:
        transcript: the STT result with word timings.
        lang: "ru"/"en"; default the transcript's detected language.

    Returns:
        A :class:`DeliveryReport`.
    """
    lang = lang or (transcript.lang if transcript.lang in FILLERS else "en")
    words = transcript.words
    n = len(words) if words else len(transcript.text.split())
    speaking = (words[-1].end - words[0].start) if len(words) >= 2 else 0.0
    wpm = n / speaking * 60.0 if speaking > 0 else 0.0
    pauses = [
        (round(a.end, 2), round(b.start - a.end, 2))
        for a, b in zip(words, words[1:], strict=False)
        if b.start - a.end >= LONG_PAUSE_S
    ]
    fillers = _count_fillers(transcript.text, lang)
    per100 = 100.0 * sum(fillers.values()) / n if n else 0.0
    ru = lang == "ru"
    tips: list[str] = []
    if wpm and wpm < 90:
        tips.append("Темп медленный: говорите чуть быстрее." if ru else "Slow pace: try to speak a little faster.")
    elif wpm > 170:
        tips.append("Темп быстрый: сделайте паузы между мыслями." if ru else "Fast pace: pause between ideas.")
    if len(pauses) >= 2:
        tips.append("Много длинных пауз: наметьте план ответа заранее." if ru
                    else "Several long pauses: outline your answer before you start.")
    if per100 >= 3:
        top = ", ".join(f"«{k}»" if ru else f'"{k}"' for k in sorted(fillers, key=fillers.get, reverse=True)[:3])
        tips.append(f"Слова-паразиты: {top}. Лучше короткая пауза." if ru
                    else f"Filler words: {top}. A short silent pause works better.")
    if not tips and n >= 5:
        tips.append("Хорошая подача." if ru else "Good delivery.")
    return DeliveryReport(n, round(speaking, 2), round(wpm, 1), pauses, fillers, round(per100, 1), tips)
