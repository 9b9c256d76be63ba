"""Bounded work on degenerate input (#11): a million-character page is segmented in pieces,
nothing is lost, and ordinary text is segmented exactly as before."""

from __future__ import annotations

from core.text import _PIECE_CHARS, _english_segmenter, normalize_space, split_sentences

PARA = ("Gradient descent updates the weights in the direction that reduces the loss. The learning rate, "
        "e.g. 0.01, controls the size of each step (see Fig. 2). Dropout fights overfitting! Does it help? ")


def test_million_characters_without_sentence_ends_are_kept_whole_in_bounded_pieces():
    text = "\n".join(f"word{i} " * 120 for i in range(1400))  # the fault corpus's page: 1.4 M characters
    parts = split_sentences(text, "en")
    assert max(len(p) for p in parts) <= _PIECE_CHARS
    assert " ".join(parts).split() == text.split()  # every word kept, in order


def test_ordinary_text_is_segmented_as_before():
    assert split_sentences(PARA, "en") == [s for s in (normalize_space(x) for x in _english_segmenter().segment(PARA))
                                           if s]


def test_long_punctuated_text_cut_at_sentence_ends_gives_the_same_sentences():
    text = PARA * 250  # about 45,000 characters: three pieces
    assert len(text) > 2 * _PIECE_CHARS
    whole = [s for s in (normalize_space(x) for x in _english_segmenter().segment(text)) if s]
    assert split_sentences(text, "en") == whole
    ru = "Градиентный спуск уменьшает потерю. Шаг задаёт скорость обучения, т. е. параметр. " * 300
    assert len(ru) > _PIECE_CHARS
    assert len(split_sentences(ru, "ru")) == 600
