"""Offline STT transcribes synthesized Russian and English phrases within a word-error bound."""

from __future__ import annotations

import re

import pytest

from core.speech.stt import get_transcriber, stt_unavailable_reason
from core.speech.tts import EspeakEngine, FestivalEngine, PiperEngine

PHRASES = {
    "ru": "Градиентный спуск обновляет веса модели на каждом шаге.",
    "en": "Gradient descent updates the weights of the model at every step.",
}


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level Levenshtein distance / reference length (lower-cased, no punctuation)."""
    ref = re.findall(r"\w+", reference.lower().replace("ё", "е"))
    hyp = re.findall(r"\w+", hypothesis.lower().replace("ё", "е"))
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)] / max(len(ref), 1)


@pytest.fixture(scope="module")
def transcriber(tmp_path_factory):
    reason = stt_unavailable_reason()
    if reason:
        pytest.skip(reason)
    return get_transcriber(str(tmp_path_factory.mktemp("stt")), 1)


@pytest.mark.parametrize(("lang", "bound"), [("ru", 0.35), ("en", 0.2)])
def test_transcribes_synthesized_speech(transcriber, lang, bound):
    engine = next((e for e in (FestivalEngine(), PiperEngine(), EspeakEngine())
                   if lang in e.langs and e.available()), None)
    if engine is None:
        pytest.skip(f"no offline voice for {lang}")
    wav, _ = engine.synthesize(PHRASES[lang], lang)
    result = transcriber.transcribe(wav)
    assert result.lang == lang
    assert wer(PHRASES[lang], result.text) <= bound, result.text
    assert result.words and result.words[0].start < result.words[-1].end <= result.duration_s + 0.5


def test_wer_helper():
    assert wer("a b c d", "a x c") == pytest.approx(0.5)
