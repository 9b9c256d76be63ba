"""Answers cite the right pages in EN, RU and RU->EN; abstention; the LLM path on a fake server."""

from __future__ import annotations

import re

import pytest

from core.embeddings import get_embedder
from core.llm import LLMClient
from core.reader.documents import open_document
from core.reader.pdf import find_abstract, parse_pdf
from core.reader.qa import answer_question, find_evidence, verify_citations
from core.reader.summarize import summarize
from core.settings import Settings
from tests.fake_llm import FakeLLMServer

THRESHOLDS = (Settings().abstain_threshold, Settings().abstain_threshold_crosslingual)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def docs(shared_data, embedder, tmp_path_factory):
    root = tmp_path_factory.mktemp("idx")
    names = {
        "attention": "attention_is_all_you_need_1706.03762.pdf",
        "lecture7": "sokolov_hse_lecture07_deeplearning_ru.pdf",
    }
    return {k: open_document((shared_data / "papers" / v).read_bytes(), embedder, root) for k, v in names.items()}


@pytest.mark.parametrize(
    ("doc", "question", "page"),
    [
        ("attention", "Which optimizer was used to train the models?", 7),
        ("attention", "How many parallel attention heads does the model use?", 5),
        ("attention", "Как в модели кодируется позиция слова в последовательности?", 6),  # RU -> EN
        ("lecture7", "В чём недостаток функции активации ReLU?", 3),
        ("lecture7", "What do residual connections in ResNet learn?", 11),  # EN -> RU
    ],
)
def test_answer_cites_the_right_page(docs, embedder, doc, question, page):
    answer = answer_question(docs[doc], question, embedder, THRESHOLDS)
    assert not answer.abstained
    assert page in [c.page for c in answer.citations]
    assert answer.lang == ("ru" if re.search("[а-я]", question) else "en")
    # every quote really is on its cited page
    for c in answer.citations:
        assert c.quote in {s.text for s in docs[doc].sentences if s.page == c.page}
    # the best-scored sentence opens the answer (citations best first)
    scores = [c.score for c in answer.citations]
    assert scores == sorted(scores, reverse=True)
    assert answer.text.removeprefix("- ").startswith(answer.citations[0].quote)
    # several quoted sentences: one bullet each, in the citations' order
    if len(answer.citations) > 1:
        lines = answer.text.split("\n")
        assert len(lines) == len(answer.citations)
        assert all(line.startswith(f"- {c.quote}") and line.endswith(f"[p. {c.page}]")
                   for line, c in zip(lines, answer.citations, strict=True))


@pytest.mark.parametrize(
    ("doc", "question"),
    [
        ("attention", "Какой рецепт борща предлагают авторы статьи?"),
        ("lecture7", "Кто выиграл чемпионат мира по футболу?"),
        ("attention", "How much did it cost in dollars to train the model on a cloud provider?"),
    ],
)
def test_unanswerable_questions_abstain(docs, embedder, doc, question):
    answer = answer_question(docs[doc], question, embedder, THRESHOLDS)
    assert answer.abstained and not answer.citations
    assert "нет ответа" in answer.text or "does not answer" in answer.text


def test_two_stage_answer_quotes_inside_retrieved_passages_one_per_page(docs, embedder):
    doc = docs["attention"]
    ev = find_evidence(doc, "How many parallel attention heads does the model use?", embedder)
    retrieved = {int(h.node.metadata["order"]) for h in ev.hits}
    assert ev.hits and all(doc.sentences[i].chunk in retrieved for i in ev.indices)  # stage 2 stays in stage 1
    answer = answer_question(doc, "How many parallel attention heads does the model use?", embedder, THRESHOLDS)
    pages = [c.page for c in answer.citations]
    assert len(pages) == len(set(pages))  # one sentence per page
    for c in answer.citations:
        assert c.passage and c.quote in c.passage  # shown inside the passage it came from
    # the running title, author block and reference list are never quoted
    quotes = " ".join(c.quote for c in answer.citations)
    assert "Vaswani" not in quotes and "arXiv" not in quotes


def test_cited_passages_are_windows_and_the_best_passages_are_cited_as_support(docs, embedder):
    from core.reader.qa import SUPPORT_PASSAGES, passage_window

    doc = docs["attention"]
    question = "Which optimizer was used to train the models?"
    ev = find_evidence(doc, question, embedder)
    answer = answer_question(doc, question, embedder, THRESHOLDS)
    cited_chunks = {s.chunk for c in answer.citations for s in doc.sentences if s.text == c.quote}
    for c in answer.citations:
        chunk = next(s.chunk for s in doc.sentences if s.text == c.quote)
        node_text = next(n.get_content() for n in doc.index.nodes if n.metadata["order"] == chunk)
        assert node_text in c.passage and len(c.passage) >= len(node_text)  # the chunk with its neighbours
        assert c.passage.count(c.quote) == 1  # the chunks' shared sentence is not repeated
    hit_pages = [h.page for h in ev.hits if int(h.node.metadata["order"]) not in cited_chunks]
    assert len(answer.support) == SUPPORT_PASSAGES and {c.page for c in answer.support} <= set(hit_pages)
    for c in answer.support:
        assert c.passage and (not c.quote or c.quote in c.passage)
        assert c.quote not in {x.quote for x in answer.citations}
    # nothing is shown twice: no sentence of a support passage is in another shown passage
    shown = [c.passage for c in answer.citations + answer.support]
    for n, c in enumerate(answer.support, start=len(answer.citations)):
        others = " ".join(p for m, p in enumerate(shown) if m != n)
        assert not any(s.text in others for s in doc.sentences if s.text in c.passage)
    assert 7 in {c.page for c in answer.citations + answer.support}
    assert passage_window(doc, 10**6) == ""


def test_russian_question_reaches_the_english_passage(docs, embedder):
    doc = docs["attention"]
    en = find_evidence(doc, "Which optimizer was used to train the models?", embedder)
    ru = find_evidence(doc, "Какой оптимизатор использовали для обучения моделей?", embedder)
    assert ru.cross_lingual and not en.cross_lingual
    assert {doc.sentences[en.indices[0]].page} & {doc.sentences[i].page for i in ru.indices[:3]}


def test_russian_question_gets_english_feedback_terms_for_bm25(docs, embedder):
    from core.reader.qa import _feedback_terms

    doc = docs["attention"]
    q_vec = embedder.embed(["Какой оптимизатор использовали для обучения моделей?"])[0]
    terms = _feedback_terms(doc, doc.sentence_vectors @ q_vec, 5, 10)
    assert len(terms) == 10 and all(re.fullmatch(r"[a-z0-9]+", t) for t in terms)  # English stems
    assert "train" in terms  # "обучения" in English, from the nearest English sentences


def test_margin_separates_this_papers_question_from_another_papers(docs, embedder):
    own = find_evidence(docs["attention"], "How many parallel attention heads does the model use?", embedder)
    other = find_evidence(docs["lecture7"], "How many parallel attention heads does the model use?", embedder)
    assert own.margin > other.margin > -1.0
    assert own.confidence == pytest.approx(own.best + own.coverage_weight * own.coverage
                                           + own.margin_weight * own.margin)


def test_evidence_is_higher_for_answerable(docs, embedder):
    good = find_evidence(docs["attention"], "What label smoothing value was used?", embedder).best
    bad = find_evidence(docs["attention"], "What is the capital of Peru?", embedder).best
    assert good > bad


def test_extractive_summary_of_body(docs):
    summary = summarize(docs["attention"], get_embedder(), n_sentences=5)
    abstract = find_abstract(parse_pdf(docs["attention"].pdf_bytes).pages)
    assert abstract.startswith("The dominant sequence transduction models")
    assert docs["attention"].abstract == abstract  # found once, at indexing
    assert len(summary.sentences) == 5
    assert all(s.text not in abstract for s in summary.sentences)
    assert [s.page for s in summary.sentences] == sorted(s.page for s in summary.sentences)
    assert summary.mode == "extractive" and set(summary.key_parts) <= {"problem", "method", "results"}


# ------------------------------------------------------------------ LLM path
def _client(server: FakeLLMServer, timeout_s: float = 5.0) -> LLMClient:
    return LLMClient(base_url=server.base_url, model="fake-model", api_key="k", timeout_s=timeout_s)


def test_llm_answer_request_shape_and_verified_citations(docs, embedder):
    reply = ("The models were trained with the Adam optimizer with beta1 = 0.9 and beta2 = 0.98 [p. 7]. "
             "The Transformer was trained on the moon [p. 2].")
    with FakeLLMServer(lambda body: reply) as server:
        answer = answer_question(docs["attention"], "Which optimizer was used for training?", embedder, THRESHOLDS,
                                 llm=_client(server))
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k"
    body = req["body"]
    assert body["model"] == "fake-model" and body["messages"][0]["role"] == "system"
    assert "not instructions" in body["messages"][0]["content"]
    assert "<passage page=" in body["messages"][-1]["content"]
    assert answer.mode == "llm" and not answer.abstained
    assert [c.page for c in answer.citations] == [7]  # the unsupported [p. 2] is dropped
    assert "[p. 2]" not in answer.text and "1 unsupported" in answer.notice
    # the verified quote is shown in its passage; passages the LLM was given are shown as support
    assert answer.citations[0].quote in answer.citations[0].passage
    assert answer.support and all(c.passage and f'<passage page="{c.page}">' in body["messages"][-1]["content"]
                                  for c in answer.support)


def test_llm_not_in_document_abstains(docs, embedder):
    with FakeLLMServer(lambda body: "NOT_IN_DOCUMENT") as server:
        answer = answer_question(docs["attention"], "Which optimizer was used for training?", embedder, THRESHOLDS,
                                 llm=_client(server))
    assert answer.abstained and answer.mode == "llm"


def test_llm_without_supported_citation_falls_back(docs, embedder):
    with FakeLLMServer(lambda body: "Bananas are yellow [p. 3].") as server:
        answer = answer_question(docs["attention"], "Which optimizer was used for training?", embedder, THRESHOLDS,
                                 llm=_client(server))
    assert answer.mode == "extractive" and 7 in [c.page for c in answer.citations]
    assert "offline answer" in answer.notice


@pytest.mark.parametrize("server_kwargs", [{"status": 500}, {"delay_s": 2.0}])
def test_llm_failure_or_timeout_falls_back_with_notice(docs, embedder, server_kwargs):
    with FakeLLMServer(lambda body: "never used", **server_kwargs) as server:
        answer = answer_question(docs["attention"], "Which optimizer was used for training?", embedder, THRESHOLDS,
                                 llm=_client(server, timeout_s=0.5))
    assert answer.mode == "extractive" and not answer.abstained
    assert "offline answer" in answer.notice
    assert ("HTTP 500" in answer.notice) or ("did not answer within" in answer.notice)


def test_llm_unreachable_falls_back(docs, embedder):
    client = LLMClient(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=1.0)
    answer = answer_question(docs["lecture7"], "Что утверждает теорема Цыбенко?", embedder, THRESHOLDS, llm=client)
    assert answer.mode == "extractive" and "Could not reach" in answer.notice


def test_llm_summary_in_chosen_language(docs, embedder):
    reply = ("Модель Transformer полностью основана на механизме внимания, без рекуррентных слоёв [p. 2]. "
             "Трансформер обучается значительно быстрее рекуррентных и свёрточных архитектур [p. 10].")
    with FakeLLMServer(lambda body: reply) as server:
        summary = summarize(docs["attention"], embedder, n_sentences=3, llm=_client(server), lang="ru")
    assert "Russian" in server.requests[0]["body"]["messages"][0]["content"]
    assert summary.mode == "llm" and summary.text.startswith("Модель Transformer")
    assert {s.page for s in summary.sentences} <= {2, 10}


def test_verify_citations_handles_ranges(docs, embedder):
    text, cites, dropped = verify_citations(
        docs["attention"], "We used the Adam optimizer with warmup steps [pp. 6-7].", embedder)
    assert 7 in [c.page for c in cites] and dropped >= 1


def test_one_slide_document_answers_and_still_abstains(embedder, tmp_path):
    """A one-sentence slide: its own median is no background for the margin (it used to abstain
    on every question); an unrelated question is still refused."""
    from tests.pdfs import make_pdf

    data = make_pdf(["We used the Adam optimizer with a warmup of four thousand steps during training."])
    doc = open_document(data, embedder, tmp_path)
    ok = answer_question(doc, "What optimizer was used during training?", embedder, THRESHOLDS)
    assert not ok.abstained and ok.citations[0].page == 1
    off = answer_question(doc, "What is the recipe for a chocolate cake?", embedder, THRESHOLDS)
    assert off.abstained
