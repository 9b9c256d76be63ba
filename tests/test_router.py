"""The chat router: offline rules + kNN on the labelled set, LLM tool calls with fallback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from core.embeddings import get_embedder
from core.llm import LLMClient
from core.reader.router import (
    TOOLS,
    OfflineRouter,
    load_router_set,
    route_with_llm,
    search_query_from,
)


@pytest.fixture(scope="module")
def router():
    return OfflineRouter(get_embedder())


def test_labelled_set_shape():
    rows = load_router_set()
    assert len(rows) >= 150
    for tool in TOOLS:
        for lang in ("ru", "en"):
            group = [r for r in rows if r["tool"] == tool and r["lang"] == lang]
            assert len(group) >= 15 and any(r["split"] == "test" for r in group)


def test_held_out_accuracy_beats_always_answer(router):
    test = load_router_set(split="test")
    correct = sum(router.classify(r["text"])[0] == r["tool"] for r in test)
    majority = sum(r["tool"] == "answer" for r in test)
    assert correct / len(test) > 0.8 and correct > 2 * majority


@pytest.mark.parametrize(
    ("text", "tool"),
    [("find papers about speculative decoding", "search_papers"), ("найди статьи про RAG", "search_papers"),
     ("explain Figure 1", "explain_figure"), ("что показано на рис. 2?", "explain_figure"),
     ("сравни две статьи", "compare"), ("summarize this paper", "summarize"),
     ("Какой оптимизатор использовали?", "answer"), ("what does the paper say about beam search?", "answer")],
)
def test_routes(router, text, tool):
    assert router.route(text).tool == tool


@pytest.mark.parametrize(
    "text",
    ["What is backpropagation?", "Что такое обратное распространение?",
     "Which activation functions are mentioned?", "Какие функции активации упоминаются?"],
)
def test_a_question_is_not_a_summary_request(router, text):
    # issue #8: in the browser "What is backpropagation?" was summarised ("chosen by similar requests")
    assert text not in {r["text"] for r in load_router_set()}  # not answered by its own copy in the memory
    route = router.route(text)
    assert route.tool == "answer" and route.args == {"question": text}


def test_knn_vote_needs_a_clear_lead_and_a_near_neighbour():
    from core.reader.router import knn_vote

    labels = ["summarize", "summarize", "summarize", "answer", "answer", "compare"]
    sims = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    assert knn_vote(sims, labels) is None  # 3-2 among the nearest 5: no 2-vote lead
    assert knn_vote(sims, labels, min_margin=1) == "summarize"
    labels[4] = "compare"  # 3-1-1
    assert knn_vote(sims, labels) == "summarize"
    assert knn_vote(sims * 0.3, labels) is None  # nearest summarize neighbour 0.27 < floor 0.3


def test_route_arguments(router):
    assert router.route("explain table 3").args == {"kind": "table", "number": 3}
    assert router.route("find me papers on speculative decoding").args["query"] == "speculative decoding"
    assert search_query_from("найди статьи про трансформер") == "transformer"
    assert search_query_from("найди статьи про спекулятивное декодирование") == "speculative decoding"
    assert search_query_from("подбери литературу по контрастивному обучению") == "contrastive learning"


class ToolCallServer:
    """A fake OpenAI-compatible endpoint answering with a tool call (or a plain text reply)."""

    def __init__(self, reply) -> None:
        self.bodies: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append(body)
                data = json.dumps(reply(body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _tool_reply(name: str, args: dict):
    return lambda body: {"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}}]}


def test_llm_tool_call_is_used_and_request_offers_tools(router):
    fake = ToolCallServer(_tool_reply("search_papers", {"query": "speculative decoding"}))
    try:
        llm = LLMClient(base_url=fake.url, model="m", timeout_s=5)
        route = route_with_llm("найди статьи про спекулятивное декодирование", llm, router, ["Attention"])
    finally:
        fake.close()
    assert route.source == "llm" and route.tool == "search_papers" and route.args["query"] == "speculative decoding"
    body = fake.bodies[0]
    assert {t["function"]["name"] for t in body["tools"]} == set(TOOLS) and body["tool_choice"] == "required"


def test_llm_without_tool_call_falls_back_with_notice(router):
    fake = ToolCallServer(lambda body: {"choices": [{"message": {"role": "assistant", "content": "hi"}}]})
    try:
        route = route_with_llm("explain Figure 2", LLMClient(base_url=fake.url, model="m", timeout_s=5), router)
    finally:
        fake.close()
    assert route.source == "fallback" and route.tool == "explain_figure" and "did not call a tool" in route.notice


def test_unreachable_llm_falls_back(router):
    route = route_with_llm("summarize this paper", LLMClient(base_url="http://127.0.0.1:9/v1", model="m",
                                                             timeout_s=1), router)
    assert route.source == "fallback" and route.tool == "summarize" and "could not be reached" in route.notice


def test_dispatch_spans_open_papers_and_names_them(settings, router):
    from core.reader import Reader
    from core.reader.router import PaperCitation, dispatch
    from tests.pdfs import make_pdf

    reader = Reader.from_settings(settings)
    a = reader.open(make_pdf(["Paper A. The encoder maps an input sequence of symbols to continuous "
                              "representations. We train the model on eight GPUs for twelve hours."]))
    b = reader.open(make_pdf(["Paper B intro. Recommender systems rank items for users.",
                              "Paper B training. We used the Adam optimizer with a learning rate of 0.001 and "
                              "a batch size of 64 during training of the ranking model."]))
    route = router.route("What optimizer was used during training?")
    answer = dispatch(route, "What optimizer was used during training?", reader, [a, b])
    assert answer.tool == "answer" and not answer.abstained
    assert answer.citations and all(isinstance(c, PaperCitation) for c in answer.citations)
    assert {(c.doc_id, c.page) for c in answer.citations} == {(b.doc_id, 2)}
    compared = dispatch(router.route("compare the two papers"), "compare the two papers", reader, [a, b])
    assert compared.tool == "compare" and {c.doc_id for c in compared.citations} == {a.doc_id, b.doc_id}
    nothing = dispatch(router.route("summarize this paper"), "summarize this paper", reader, [])
    assert nothing.abstained and nothing.text


def test_summarize_a_named_section(router, shared_data, settings):
    from core.reader import Reader
    from core.reader.router import dispatch, find_section

    reader = Reader.from_settings(settings)
    doc = reader.open((shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes())
    assert find_section(doc, "summarise the introduction") == ["1 Introduction"]
    assert find_section(doc, "кратко перескажи введение") == ["1 Introduction"]
    assert "3.2.1 Scaled Dot-Product Attention" in find_section(doc, "summarize section 3")
    assert find_section(doc, "summarize this paper") == []
    answer = dispatch(router.route("summarize section 5.3"), "summarize section 5.3", reader, [doc])
    assert answer.tool == "summarize" and "5.3 Optimizer" in answer.text
    assert {c.page for c in answer.citations} == {7}
