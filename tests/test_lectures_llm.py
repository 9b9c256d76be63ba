"""The LLM path of lectures against a fake OpenAI-compatible server on loopback:
grounded answers keep only [mm:ss] marks that point at supporting moments, titles are
written by the LLM, and a failing LLM falls back to the offline result with a notice."""

from __future__ import annotations

import pytest

from core.embeddings import get_embedder
from core.lectures import LectureIndex, answer_question, parse_subtitles, summarize
from core.llm import LLMClient
from tests.fake_llm import FakeLLMServer

SRT = "media/subtitles/hf_course_07_transformer-models-encoder-decoders_en.srt"


@pytest.fixture(scope="module")
def lecture(shared_data, tmp_path_factory):
    from core.settings import Settings

    s = Settings(data_dir=tmp_path_factory.mktemp("d"))
    f = shared_data / SRT
    return LectureIndex.build(parse_subtitles(f.read_bytes(), f.name, s), get_embedder())


def _client(server: FakeLLMServer, timeout_s: float = 5.0) -> LLMClient:
    return LLMClient(base_url=server.base_url, model="fake", timeout_s=timeout_s)


def test_llm_answer_keeps_only_supported_time_marks(lecture):
    reply = ("The model outputs bienvenue, which means welcome [03:50]. "
             "Bienvenue is the first word of the French translation [00:07].")
    with FakeLLMServer(lambda body: reply) as server:
        ans = answer_question(lecture, "What does bienvenue mean?", llm=_client(server))
    assert ans.mode == "llm" and not ans.abstained
    assert "[03:50]" in ans.text and "[00:07]" not in ans.text  # 0:07 is about T5, not bienvenue
    assert [round(c.start_s) for c in ans.citations] != [] and all(c.start_s > 200 for c in ans.citations)
    sent = server.requests[0]["body"]["messages"]
    assert "NOT_IN_LECTURE" in sent[0]["content"] and "<passage time=" in sent[-1]["content"]


def test_llm_failure_falls_back_to_the_offline_answer(lecture):
    with FakeLLMServer(lambda body: "x", status=500) as server:
        ans = answer_question(lecture, "What does bienvenue mean?", llm=_client(server))
    assert ans.mode == "extractive" and not ans.abstained and ans.notice
    assert any(c.start_s <= 233.6 and c.end_s >= 230.0 for c in ans.citations)


def test_llm_titles_and_their_fallback(lecture, settings):
    n = len(summarize(lecture, settings).chapters)
    titles = "\n".join(f"{k}. Chapter title {k}" for k in range(1, n + 1))
    with FakeLLMServer(lambda body: titles) as server:
        summ = summarize(lecture, settings, llm=_client(server))
    assert summ.mode == "llm" and [c.title for c in summ.chapters][:2] == ["Chapter title 1", "Chapter title 2"]
    with FakeLLMServer(lambda body: "1. Only one") as server:
        partial = summarize(lecture, settings, llm=_client(server))
    assert partial.mode == "extractive" and partial.notice
    assert partial.chapters[0].title != "Only one"
