"""The shared grounding check (#11): numbered sources, invented marks, quoted marks."""

from __future__ import annotations

import pytest

from core.embeddings import get_embedder
from core.grounding import ground_numbered, neutralize_marks, strip_unknown_marks

POSTS = [
    "OpenAI запускает подписку ChatGPT Pro за 200 долларов в месяц с доступом к o1 pro.",
    "Google показала модель Veo 2 для генерации видео в разрешении 4K.",
]


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_supported_mark_kept_unsupported_and_unknown_removed(embedder):
    text = "ChatGPT Pro стоит 200 долларов в месяц [1]. Veo 2 генерирует видео в 4K [2]. Хакеры украли пароли NASA [1]."
    report = ground_numbered(text, POSTS, embedder, "ru")
    assert [n for _, n in report.kept] == [1, 2]
    assert report.dropped == 1 and not report.grounded
    assert "NASA." in report.text and "NASA [1]" not in report.text
    out_of_range = ground_numbered("Цена 200 долларов [5].", POSTS, embedder, "ru")
    assert out_of_range.kept == [] and out_of_range.dropped == 1


def test_cross_lingual_claim_is_checked_too(embedder):
    report = ground_numbered("ChatGPT Pro costs $200 a month [1].", POSTS, embedder, "en")
    assert report.grounded and report.text.endswith("[1].")


def test_invented_marks_in_a_critique_are_removed():
    text, n = strip_unknown_marks("You missed regularisation [p. 99]. See the reference [3], [стр. 4].")
    assert n == 3 and "[" not in text and text == "You missed regularisation. See the reference."


def test_quoted_source_marks_are_neutralised():
    assert neutralize_marks("As shown before [p. 99], the loss falls [12].") == \
        "As shown before (p. 99), the loss falls (12)."
