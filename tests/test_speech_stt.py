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

MORE_RU = [
    "Модель обучается на большом наборе данных и проверяется на отложенной выборке.",
    "Сегодня мы поговорим о том, как работает нейронная сеть.",
    "Перескажи эту статью, пожалуйста, коротко и по делу.",
    "Расскажи, какие метрики качества использовали авторы статьи.",
]


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


@pytest.mark.parametrize(("lang", "bound", "worst"), [("ru", 0.35, 0.55), ("en", 0.2, 0.5)])
def test_transcribes_synthesized_speech(transcriber, lang, bound, worst):
    engine = next((e for e in (FestivalEngine(), PiperEngine(), EspeakEngine())
                   if lang in e.langs and e.available()), None)
    if engine is None:
        pytest.skip(f"no offline voice for {lang}")
    # Piper (the English voice) samples its VITS noise on every call, so one synthesis is one random
    # draw: 40 draws here gave WER 0 (16), 0.09 (16), 0.18 (3), 0.27 (5), mean 0.08, and a fresh-clone
    # CI run drew 0.36: English is held on the mean of 5 draws of one phrase. Festival's Russian voice
    # is deterministic but poor on rare words, and what Whisper makes of it differs between machines:
    # "Градиентный спуск обновляет…" passed at WER <= 0.35 in earlier CI runs and gave 0.5 on the
    # machine of 2026-12-02 ("Градейент кныс пускобно вляет веса…"): Russian is held on the mean over
    # five phrases (there: 0.50, 0.27, 0.22, 0.12, 0.29; mean 0.28), each at most 0.55; each English draw
    # is held to 0.5 (a failed transcription).
    phrases = [PHRASES[lang]] * 5 if lang == "en" else [PHRASES["ru"], *MORE_RU]
    results = [transcriber.transcribe(engine.synthesize(phrase, lang)[0]) for phrase in phrases]
    errors = [wer(phrase, r.text) for phrase, r in zip(phrases, results, strict=True)]
    texts = [r.text for r in results]
    assert all(r.lang == lang for r in results)
    assert sum(errors) / len(errors) <= bound and max(errors) <= worst, (errors, texts)
    for result in results:
        assert result.words and result.words[0].start < result.words[-1].end <= result.duration_s + 0.5


def test_wer_helper():
    assert wer("a b c d", "a x c") == pytest.approx(0.5)
