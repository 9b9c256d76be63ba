"""Text cleaned for speech, lip-sync timelines from real audio, delivery feedback."""

from __future__ import annotations

import pytest

from core.speech.cleaning import clean_for_speech
from core.speech.delivery import analyze_delivery
from core.speech.lipsync import (
    VISEMES,
    read_wav,
    timeline_from_envelope,
    timeline_from_phonemes,
    timeline_from_text,
    viseme_at,
)
from core.speech.stt import Transcript, Word
from core.speech.tts import EspeakEngine, FestivalEngine


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Attention is all you need [1], see https://arxiv.org/abs/1706.03762.", "en",
         "Attention is all you need, see."),
        ("Accuracy rose to 95% [p. 3].", "en", "Accuracy rose to 95 percent."),
        ("Точность выросла до 90 % [с. 5] (стр. 7).", "ru", "Точность выросла до 90 процентов."),
        ("Модель «BERT» — это **энкодер**.", "ru", "Модель BERT — это энкодер."),
        ("The loss is $x^2 + y$ here.", "en", "The loss is x squared plus y here."),
        ("We minimise $$\\sum_{i=1}^{n} \\log p(x_i \\mid \\theta)$$ over data.", "en",
         "We minimise formula over data."),
        ("## Итоги\n- первый пункт\n- второй пункт", "ru", "Итоги. первый пункт. второй пункт."),
        ("See [the paper](https://example.org/x) and `torch.nn`.", "en", "See the paper and torch.nn."),
        ("[12, 14]", "en", ""),
    ],
)
def test_clean_for_speech(text, lang, expected):
    assert clean_for_speech(text, lang) == expected


def test_envelope_timeline_from_real_audio():
    engine = EspeakEngine()
    if not engine.available():
        pytest.skip(engine.unavailable_reason())
    wav, _ = engine.synthesize("Hello, my name is Margo. I open papers for you.", "en")
    samples, sr = read_wav(wav)
    tl = timeline_from_envelope(samples, sr)
    duration = samples.size * 1000 // sr
    assert tl[0][0] == 0 and abs(tl[-1][1] - duration) <= 20
    assert all(a[1] == b[0] for a, b in zip(tl, tl[1:], strict=False))  # contiguous
    assert all(a[2] != b[2] for a, b in zip(tl, tl[1:], strict=False))  # merged
    assert {v for *_, v in tl} <= set(VISEMES)
    open_ms = sum(e - s for s, e, v in tl if v in ("open", "wide", "round"))
    assert 0.2 * duration < open_ms < 0.9 * duration
    # The mouth is closed in the silence before the first sound.
    lead = next(i for i, x in enumerate(samples) if abs(x) > 0.02) * 1000 / sr
    if lead > 60:
        assert viseme_at(tl, lead / 2) == "closed"


def test_phoneme_timeline_from_festival():
    engine = FestivalEngine()
    if not engine.available():
        pytest.skip(engine.unavailable_reason())
    _, phones = engine.synthesize("Мама мыла окно.", "ru")
    tl = timeline_from_phonemes(phones)
    visemes = [v for *_, v in tl]
    assert visemes[0] == "closed" and visemes[-1] == "closed"  # pauses at both ends
    assert "wide" in visemes and "round" in visemes  # а and о


def test_text_timeline_spans_duration():
    tl = timeline_from_text("Мама мыла раму", 2000)
    assert tl[0][0] == 0 and tl[-1][1] == 2000 and "wide" in {v for *_, v in tl}


def _transcript(words: list[tuple[float, float, str]], lang: str) -> Transcript:
    return Transcript(" ".join(w for *_, w in words), lang, 0.99, words[-1][1] + 0.5,
                      [Word(s, e, w) for s, e, w in words])


def test_delivery_counts_fillers_pauses_and_pace():
    ru = _transcript([(0.0, 0.3, "Ну"), (0.4, 0.8, "типа"), (0.9, 1.4, "градиентный"), (1.5, 1.9, "спуск"),
                      (3.5, 3.8, "как"), (3.85, 4.0, "бы"), (4.1, 4.6, "работает.")], "ru")
    rep = analyze_delivery(ru)
    assert rep.fillers == {"как бы": 1, "типа": 1, "ну": 1}
    assert rep.long_pauses == [(1.9, 1.6)]
    assert rep.wpm == pytest.approx(7 / 4.6 * 60, abs=0.2)
    en = _transcript([(0.0, 0.2, "Um,"), (0.3, 0.6, "you"), (0.6, 0.8, "know,"), (0.9, 1.2, "it"),
                      (1.3, 1.6, "is"), (1.7, 2.0, "like"), (2.1, 2.6, "regularisation.")], "en")
    rep = analyze_delivery(en)
    assert rep.fillers == {"you know": 1, "um": 1, "like": 1} and not rep.long_pauses
    assert rep.tips and "Filler" in " ".join(rep.tips)
