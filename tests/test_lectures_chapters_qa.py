"""Chapters, summary, cited answers and notes on real subtitles (offline USE embeddings)."""

from __future__ import annotations

import pytest

from core.embeddings import get_embedder
from core.lectures import (
    LectureIndex,
    answer_question,
    boundary_f1,
    format_time,
    notes_markdown,
    parse_subtitles,
    parse_time_marks,
    summarize,
    timed_sentences,
)
from core.lectures.chapters import find_boundaries, speaker_boundaries
from core.lectures.notes import to_webvtt
from core.lectures.types import Segment, Transcript

HF = "media/subtitles/hf_course_07_transformer-models-encoder-decoders_{}.srt"


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def _lecture(shared_data, rel, settings, embedder) -> LectureIndex:
    f = shared_data / rel
    return LectureIndex.build(parse_subtitles(f.read_bytes(), f.name, settings), embedder)


def test_sentences_take_their_times_from_the_cues():
    tr = Transcript("x" * 64, "t.srt", "subtitles", "en", 20.0, [
        Segment(1.0, 3.0, "The encoder reads the"), Segment(3.0, 5.0, "sentence. Then the decoder"),
        Segment(5.5, 8.0, "writes the translation."),
    ])
    sents = timed_sentences(tr)
    assert [s.text for s in sents] == ["The encoder reads the sentence.", "Then the decoder writes the translation."]
    assert (sents[0].start_s, sents[0].end_s) == (1.0, 5.0)
    assert (sents[1].start_s, sents[1].end_s) == (3.0, 8.0)


def test_unpunctuated_captions_are_cut_into_short_sentences():
    segs = [Segment(i * 4.0, i * 4.0 + 4.0, f"word{i} and more words here") for i in range(20)]
    tr = Transcript("y" * 64, "auto.vtt", "youtube", "en", 80.0, segs)
    sents = timed_sentences(tr)
    assert len(sents) >= 4
    assert all(s.end_s - s.start_s <= 20.0 for s in sents)


def test_chapters_and_summary_of_a_real_lecture(shared_data, settings, embedder):
    for lang in ("en", "ru"):
        lec = _lecture(shared_data, HF.format(lang), settings, embedder)
        summ = summarize(lec, settings)
        assert summ.language == lang
        assert 4 <= len(summ.chapters) <= 20
        starts = [c.start_s for c in summ.chapters]
        assert starts == sorted(starts) and starts[0] == 0.0
        assert all(b.start_s - a.start_s >= 10.0 for a, b in zip(summ.chapters, summ.chapters[1:], strict=False))
        assert summ.chapters[-1].end_s == pytest.approx(lec.transcript.duration_s)
        assert all(c.title and c.summary for c in summ.chapters)
        assert 1 <= len(summ.summary) <= settings.summary_sentences
        assert [p.start_s for p in summ.summary] == sorted(p.start_s for p in summ.summary)
        js = summ.to_json()
        assert set(js) == {"language", "duration_s", "chapters", "summary"}
        assert set(js["chapters"][0]) == {"start_s", "end_s", "title", "summary"}


def test_topic_shift_beats_nothing_and_speaker_turns_follow_the_gold(shared_data, settings, embedder):
    d = shared_data / "media" / "subtitles"
    gold = [s.start_s for s in parse_subtitles((d / "ableplayer_itaccess_chapters_en.vtt").read_bytes(),
                                               "c.vtt", settings).segments][1:]
    tr = parse_subtitles((d / "ableplayer_itaccess_captions_en.vtt").read_bytes(), "captions.vtt", settings)
    sents = timed_sentences(tr)
    vecs = embedder.embed([s.text for s in sents])
    topic = [sents[i].start_s for i in find_boundaries(sents, vecs, tr.duration_s)]
    turns = [sents[i].start_s for i in speaker_boundaries(sents, tr.duration_s)]
    assert boundary_f1(topic, gold)[0] >= 0.5  # most topic boundaries fall on a turn change
    assert boundary_f1(turns, gold)[2] >= 0.7


def test_time_marks():
    from core.lectures.qa import strip_time_marks

    assert parse_time_marks("a [03:50] b [1:02:05]") == [230.0, 3725.0]
    assert strip_time_marks("It means welcome. [03:50] Next one [1:02:05].") == "It means welcome. Next one."


def test_boundary_f1_matches_one_to_one():
    assert boundary_f1([10.0, 12.0], [11.0]) == (0.5, 1.0, pytest.approx(2 / 3))
    assert boundary_f1([100.0], [10.0])[2] == 0.0
    assert boundary_f1([], []) == (1.0, 1.0, 1.0)


def test_answers_cite_the_second_and_abstain(shared_data, settings, embedder):
    lec = _lecture(shared_data, HF.format("en"), settings, embedder)
    ans = answer_question(lec, "What does the French word bienvenue mean?")
    assert not ans.abstained
    first = ans.citations[0] if len(ans.citations) == 1 else min(ans.citations, key=lambda c: abs(c.start_s - 230))
    assert first.start_s <= 233.6 and first.end_s >= 230.0  # "It outputs bienvenue, which means welcome." 230.0 s
    assert "welcome" in first.quote.lower()
    marks = parse_time_marks(ans.text)
    assert marks and all(any(abs(m - int(c.start_s)) < 1 for c in ans.citations) for m in marks)
    js = ans.to_json()
    assert set(js) == {"answer", "abstained", "citations", "lang"} and js["lang"] == "en"

    no = answer_question(lec, "How many parameters does GPT-3 have?")
    assert no.abstained and not no.citations and "does not answer" in no.text

    ru = _lecture(shared_data, HF.format("ru"), settings, embedder)
    ans_ru = answer_question(ru, "Что означает слово Bienvenue?")
    assert not ans_ru.abstained and ans_ru.lang == "ru"
    assert any(c.start_s <= 233.0 and c.end_s >= 230.7 for c in ans_ru.citations)
    cross = answer_question(lec, "Какая модель приводится как пример кодера-декодера?")
    assert cross.lang == "ru" and not cross.abstained
    assert any(c.start_s <= 12.2 and c.end_s >= 7.6 for c in cross.citations)  # T5 at 0:07


def test_notes_and_player_track(shared_data, settings, embedder):
    lec = _lecture(shared_data, HF.format("ru"), settings, embedder)
    summ = summarize(lec, settings)
    qa = [("Что означает слово Bienvenue?", answer_question(lec, "Что означает слово Bienvenue?"))]
    md = notes_markdown("лекция.srt", summ, qa, lang="ru")
    assert md.startswith("# Конспект лекции: лекция.srt")
    assert "## Ключевые моменты" in md and "## Вопросы и ответы" in md
    assert md.count("**[") == len(summ.chapters)
    cite = qa[0][1].citations[0]
    assert f"[{format_time(cite.start_s)}–{format_time(cite.end_s)}]" in md  # each cited moment with its time
    vtt = to_webvtt(lec.transcript)
    assert vtt.startswith("WEBVTT") and "00:00:04.160 --> 00:00:07.200" in vtt


def test_key_moments_preview_while_recognising(shared_data, settings, embedder):
    from core.lectures import PartialPreview

    f = shared_data / HF.format("en")
    segments = parse_subtitles(f.read_bytes(), f.name, settings).segments
    shown = []
    preview = PartialPreview(embedder, shown.append, every_s=120.0)
    for n in range(1, len(segments) + 1):  # as Whisper would hand them over, one at a time
        preview(segments[:n], "en")
    assert 2 <= len(shown) <= 4  # about every 2 minutes of a 6.7-minute talk
    first = shown[0]
    assert 120.0 <= first.duration_s < 140.0 and first.chapters
    assert all(c.end_s <= first.duration_s + 0.01 for c in first.chapters)
    assert len(shown[-1].chapters) >= len(first.chapters)
