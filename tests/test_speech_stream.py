"""Streamed speech (#10v): a long first sentence is split so the first audio chunk is short;
Piper runs one ONNX thread without spinning; the female English festival voice is offered."""

from __future__ import annotations

import json

import pytest

from core.speech.lipsync import read_wav
from core.speech.stream import FIRST_CHUNK_CHARS, MIN_CHUNK_CHARS, SpeechStreamer, split_first_chunk
from core.speech.tts import FestivalSltEngine, PiperEngine, Speaker, default_engines
from tests.speech_helpers import assert_valid_wav

LONG_EN = ("The transformer replaces recurrence with attention, so every position can look at every other "
           "position in one step, which makes training on long sequences much faster.")
LONG_RU = ("Трансформер заменяет рекуррентность механизмом внимания, поэтому каждая позиция видит все "
           "остальные за один шаг и обучение идёт быстрее.")


@pytest.mark.parametrize(("text", "lang", "head"), [
    (LONG_EN, "en", "The transformer replaces recurrence with attention,"),
    (LONG_RU, "ru", "Трансформер заменяет рекуррентность механизмом внимания,"),
    ("We evaluate the proposed model on three standard benchmarks and report accuracy for each task in detail.",
     "en", "We evaluate the proposed model on three standard benchmarks"),
    ("The most common sequence transduction models are built from recurrent or convolutional networks with an "
     "encoder and a decoder, and the best of them also connect the two.", "en",
     "The most common sequence transduction models are built"),  # no clause in range: before a preposition
])
def test_long_first_sentence_splits_at_a_clause(text, lang, head):
    parts = split_first_chunk(text, lang)
    assert parts[0] == head
    assert " ".join(parts) == text
    assert MIN_CHUNK_CHARS <= len(parts[0]) <= FIRST_CHUNK_CHARS and len(parts[1]) >= MIN_CHUNK_CHARS


def test_short_or_unbreakable_sentences_stay_whole():
    assert split_first_chunk("Margo reads answer number 54321 aloud.", "en") == ["Margo reads answer number 54321 aloud."]
    one_clause = "Supercalifragilistic-expialidocious-hyperparameter-optimisation-frameworks everywhere."
    assert split_first_chunk(one_clause, "en") == [one_clause]  # over the limit, but no word boundary in range
    # a comma too close to the start is not used (the first chunk would be one word)
    assert split_first_chunk("Yes, the model attends to every other position in one step and is fast.", "en")[0] \
        == "Yes, the model attends to every other position in one step"


def test_plan_splits_only_the_first_sentence(settings):
    speaker = Speaker(settings, engines=[PiperEngine()])
    plan = SpeechStreamer(speaker, settings.data_dir / "static", background=False).plan(LONG_EN + " " + LONG_EN, "en")
    assert plan.sentences[0] == "The transformer replaces recurrence with attention,"
    assert plan.sentences[2] == LONG_EN  # the second sentence is spoken whole
    assert len(plan.sentences) == 3


def test_first_chunk_is_written_first_and_is_shorter(settings):
    engine = PiperEngine()
    if not engine.available():
        pytest.skip(engine.unavailable_reason())
    speaker = Speaker(settings, engines=[engine], use_cache=False)
    streamer = SpeechStreamer(speaker, settings.data_dir / "static", background=True)
    plan = streamer.prepare(LONG_EN, "en")
    first = streamer.wait(plan, 0, timeout_s=60)
    assert first is not None and not first["silent"] and first["engine"] == "piper"
    second = streamer.wait(plan, 1, timeout_s=60)
    assert second is not None
    wav0 = (plan.folder / "0.wav").read_bytes()
    assert_valid_wav(wav0, min_ms=1000)
    assert (plan.folder / "0.json").stat().st_mtime <= (plan.folder / "1.json").stat().st_mtime
    assert first["duration_ms"] < second["duration_ms"]  # the first chunk is the short clause
    samples, sr = read_wav(wav0)
    assert abs(samples.size * 1000 / sr - first["duration_ms"]) < 5
    assert json.loads((plan.folder / "1.json").read_text(encoding="utf-8"))["text"].startswith("so every position")


def test_piper_session_is_single_threaded_without_spinning():
    engine = PiperEngine(threads=1)
    if not engine.available():
        pytest.skip(engine.unavailable_reason())
    from core.speech.tts import _piper_voice

    model, config = engine._paths()
    opts = _piper_voice(str(model), str(config), 1).session.get_session_options()
    assert opts.intra_op_num_threads == 1 and opts.inter_op_num_threads == 1
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_female_english_voice_is_offered_after_the_better_one(settings):
    slt = FestivalSltEngine()
    if not slt.available():
        pytest.skip(slt.unavailable_reason())
    names = [e.name for e in Speaker(settings, engines=default_engines(settings)).engines_for("en")]
    assert "festival_slt" in names
    if "piper" in names:  # measured more intelligible (docs/BENCHMARKS.md, Speech): stays the default
        assert names.index("piper") < names.index("festival_slt")
    assert "festival_slt" not in [e.name for e in Speaker(settings).engines_for("ru")]
    wav, phones = slt.synthesize("Margo reads the answer aloud.", "en")
    assert_valid_wav(wav, min_ms=800)
    assert phones and {p for _, _, p in phones} & {"m", "aa", "r"}  # English phones for the mouth
    slt.close()


def test_speaker_warm_loads_the_default_offline_voices(settings):
    from core.speech.tts import FestivalEngine

    festival = FestivalEngine()
    engines = [e for e in (PiperEngine(), festival) if e.available()]
    if not engines:
        pytest.skip("no offline neural/festival voice installed")
    warmed = Speaker(settings, engines=engines).warm()
    assert warmed == [e.name for e in sorted(engines, key=lambda e: e.langs[0] != "ru")]
    if festival.available():
        assert festival._proc is not None and festival._proc.poll() is None  # the warm process runs
        festival.close()


def test_subtitles_drop_markdown_and_keep_citations_with_their_sentence():
    from core.speech.stream import subtitles

    text = ("- In addition to the two sub-layers, the decoder inserts a third one. [p. 3]\n"
            "- **Self-attention** relates positions of one sequence. [p. 5]\n1. Третий пункт списка здесь.")
    assert subtitles(text, "en") == ["In addition to the two sub-layers, the decoder inserts a third one. [p. 3]",
                                     "Self-attention relates positions of one sequence. [p. 5]",
                                     "Третий пункт списка здесь."]
    assert subtitles("[p. 3]", "en") == ["[p. 3]"]  # nothing before it: kept (spoken silently, as before)


def test_a_new_text_does_not_wait_for_an_older_texts_long_sentence(settings):
    engine = PiperEngine()
    if not engine.available():
        pytest.skip(engine.unavailable_reason())
    speaker = Speaker(settings, engines=[engine], use_cache=False)
    streamer = SpeechStreamer(speaker, settings.data_dir / "static", background=True)
    old = streamer.prepare("Here is the older answer. " + " ".join([LONG_EN.rstrip(".")] * 2) + ".", "en")
    assert streamer.wait(old, 0, timeout_s=60) is not None  # the main worker is now in the long sentence
    new = streamer.prepare("A new question was asked.", "en")
    assert streamer.wait(new, 0, timeout_s=60) is not None
    assert streamer.wait(old, 1, timeout_s=60) is not None
    assert (new.folder / "0.json").stat().st_mtime_ns < (old.folder / "1.json").stat().st_mtime_ns
