"""HTTP API end to end with FastAPI's TestClient over real core objects and real public data.

Reader on a real QASPER paper, channels on the real ai_newz dump (and its replayed t.me/s
preview), interview on the shipped bank. Only the LLM is a fake server on loopback.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.api import Services, create_app
from core.channels import parse_export
from core.embeddings import get_embedder
from core.settings import Settings
from tests.fake_llm import FakeLLMServer
from tests.tme_replay import PreviewReplayServer

LOCAL = ("127.0.0.1", 50123)


def _client(settings: Settings, **kw) -> TestClient:
    return TestClient(create_app(settings, Services(settings, embedder=get_embedder(), **kw)), client=LOCAL)


def _wait(c: TestClient, job: dict, headers: dict | None = None, timeout_s: float = 120) -> dict:
    end = time.monotonic() + timeout_s
    while job["status"] in ("queued", "running") and time.monotonic() < end:
        time.sleep(0.6)  # under the API's 120 requests a minute, however long a busy machine takes
        job = c.get(f"/v1/jobs/{job['id']}", headers=headers or {}).json()
    return job


@pytest.fixture(scope="module")
def api(shared_data, tmp_path_factory):
    """An API with the ai_newz dump imported through the import endpoint."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("api") / "data", llm_base_url=None, llm_model=None)
    c = _client(settings)
    dump = shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json"
    r = c.post("/v1/channels/import", files={"file": ("1.json", dump.read_bytes(), "application/json")},
               data={"name": "ai_newz"})
    assert r.status_code == 202, r.text
    job = _wait(c, r.json())
    assert job["status"] == "done", job
    assert job["result"]["added"] + job["result"]["skipped"] == 100 and job["result"]["username"] == "ai_newz"
    assert job["progress"]["stage"] == "embed" and job["progress"]["done"] == job["progress"]["total"] > 0
    return c


def test_health_and_documented_endpoints(api):
    assert api.get("/v1/health").json()["status"] == "ok"
    paths = api.get("/openapi.json").json()["paths"]
    for p in ("/v1/reader/documents/{doc_id}/ask", "/v1/channels/answer", "/v1/channels/import-public",
              "/v1/interview/score", "/v1/jobs/{job_id}"):
        assert p in paths


def test_channel_answer_cites_posts_and_feedback_is_stored(api):
    r = api.post("/v1/channels/answer", json={"query": "Что умеет платформа GitVerse?", "k": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["abstained"] and body["cited"]
    assert body["results"][0]["url"] == "https://t.me/ai_newz/3547"
    assert "[1]" in body["answer"] and body["mode"] == "extractive" and body["notice"] == ""
    assert api.post("/v1/channels/feedback", json={"query_id": body["query_id"], "vote": "up"}).json() == {"ok": True}
    lib = api.app.state.services.library("local")
    assert any(row[0] == body["query_id"] and row[4] == 1 for row in lib.store.query_rows())


def test_channel_answer_abstains_off_topic_and_search_matches_cli_shape(api):
    off = api.post("/v1/channels/answer", json={"query": "Рецепт борща со сметаной и чесноком"}).json()
    assert off["abstained"] and off["cited"] == []
    res = api.post("/v1/channels/search", json={"query": "GitVerse", "k": 3}).json()["results"]
    assert len(res) == 3 and set(res[0]) == {"channel", "post_id", "date", "url", "text", "score"}
    assert res[0]["post_id"] == 3547


def test_llm_failure_falls_back_with_a_notice(shared_data, tmp_path):
    with FakeLLMServer(lambda body: "x", status=500) as llm_srv:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=llm_srv.base_url, llm_model="fake",
                            llm_timeout_s=5)
        c = _client(settings)
        posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
        c.app.state.services.library("local").import_posts(posts[:30], "ai_newz", "ai_newz")
        body = c.post("/v1/channels/answer", json={"query": "GitVerse платформа для кода"}).json()
    assert body["mode"] == "extractive" and "offline answer" in body["notice"] and not body["abstained"]


def test_public_channel_import_job(shared_data, tmp_path):
    posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
    with PreviewReplayServer({"ai_newz": ("эйай ньюз", posts)}) as srv:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None,
                            telegram_web_url=srv.url, telegram_web_delay_s=0)
        c = _client(settings)
        bad = c.post("/v1/channels/import-public", json={"username": "t.me/+invite"})
        assert bad.status_code == 400 and bad.json()["error"]["type"] == "InputError"
        job = _wait(c, c.post("/v1/channels/import-public", json={"username": "@ai_newz", "max_pages": 2}).json())
        assert job["status"] == "done", job
        assert job["result"]["added"] == 40 and job["result"]["stopped"] == "page_cap"
        missing = _wait(c, c.post("/v1/channels/import-public", json={"username": "@no_such_chan"}).json())
        assert missing["status"] == "failed" and "no public web preview" in missing["error"]["message"]
    (info,) = c.get("/v1/channels").json()
    assert info["name"] == "эйай ньюз" and info["n_posts"] == 40


def test_reader_upload_ask_and_summary(shared_data, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None)
    c = _client(settings)
    pdf = (shared_data / "qasper_dev" / "papers" / "1901.04085.pdf").read_bytes()
    job = _wait(c, c.post("/v1/reader/documents", files={"file": ("p.pdf", pdf, "application/pdf")}).json())
    assert job["status"] == "done", job
    doc = job["result"]
    assert doc["n_pages"] >= 3 and len(doc["doc_id"]) == 64
    assert [d["doc_id"] for d in c.get("/v1/reader/documents").json()] == [doc["doc_id"]]
    ans = c.post(f"/v1/reader/documents/{doc['doc_id']}/ask", json={"question": "What is the TREC-CAR dataset?"})
    assert ans.status_code == 200, ans.text
    body = ans.json()
    assert not body["abstained"] and body["citations"]
    assert all(1 <= cit["page"] <= doc["n_pages"] for cit in body["citations"])
    # the same answer the Reader's own command line gives
    from core.reader import Reader, answer_json

    reader = Reader(settings=settings, embedder=get_embedder())
    direct = answer_json(reader.ask(reader.open(pdf), "What is the TREC-CAR dataset?"))
    assert {k: body[k] for k in direct} == direct
    summ = c.post(f"/v1/reader/documents/{doc['doc_id']}/summary", json={"sentences": 4}).json()
    assert len(summ["sentences"]) == 4 and summ["mode"] == "extractive"
    # a fresh process (new Services) reopens the saved paper by id
    c2 = _client(settings)
    again = c2.post(f"/v1/reader/documents/{doc['doc_id']}/ask", json={"question": "Who won the 1998 World Cup?"})
    assert again.status_code == 200 and again.json()["abstained"]
    # bad input: a job that fails with the core's error, an unknown id, a bad id
    bad = _wait(c, c.post("/v1/reader/documents", files={"file": ("x.pdf", b"hello, not a pdf", "application/pdf")})
                .json())
    assert bad["status"] == "failed" and bad["error"]["type"] == "NotAPDFError"
    unknown = c.post(f"/v1/reader/documents/{'0' * 64}/ask", json={"question": "x?"})
    assert unknown.status_code == 400 and "upload it first" in unknown.json()["error"]["message"]
    assert c.post("/v1/reader/documents/../../etc/ask", json={"question": "x"}).status_code in (400, 404)


def test_interview_next_and_score(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None)
    c = _client(settings)
    q = c.post("/v1/interview/next", json={"lang": "en", "seed": 3}).json()
    assert q["question_id"] and q["question"]
    q2 = c.post("/v1/interview/next", json={"lang": "en", "seed": 3, "asked": [q["question_id"]]}).json()
    assert q2["question_id"] != q["question_id"]
    bank = c.app.state.services._interview()[0].bank
    ref = bank.get(q["question_id"]).ref("en")
    good = c.post("/v1/interview/score", json={"question_id": q["question_id"], "answer": ref, "lang": "en"}).json()
    junk = c.post("/v1/interview/score", json={"question_id": q["question_id"], "answer": "I like turtles and "
                                               "sunny weather at the beach.", "lang": "en"}).json()
    assert good["score"] > junk["score"] + 30 and good["feedback"]
    prog = c.get("/v1/interview/progress", params={"lang": "en"}).json()
    assert prog["attempts"] == 2 and prog["next"] and all(n["reason"] for n in prog["next"])
    assert prog["topics"] == [{"topic": q["topic"], "attempts": 2, "mean": (good["score"] + junk["score"]) / 2,
                               "recent": (good["score"] + junk["score"]) / 2}]
    free = c.post("/v1/interview/score", json={"question": "What is overfitting?", "reference": "Overfitting is "
                  "when a model learns noise in the training data and generalises poorly to new data.",
                  "answer": "The model memorises training noise and does worse on unseen data."}).json()
    assert 0 <= free["score"] <= 100 and free["lang"] == "en"
    err = c.post("/v1/interview/score", json={"question_id": "nope", "answer": "x"})
    assert err.status_code == 400 and err.json()["error"]["message"].startswith("No interview question")


def test_keys_limits_and_structured_errors(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, api_key="k1,k2",
                        api_requests_per_min=3, api_max_body_mb=1)
    c = _client(settings)
    r = c.post("/v1/channels/search", json={"query": "x"})
    assert r.status_code == 401 and r.json()["error"]["type"] == "AccessError"
    assert c.get("/v1/channels", headers={"X-API-Key": "wrong"}).status_code == 401
    ok = c.get("/v1/channels", headers={"X-API-Key": "k1"})
    assert ok.status_code == 200 and ok.json() == []
    # a keyed client has its own workspace
    assert (Path(settings.data_dir) / "workspaces").is_dir()
    unknown = c.post("/v1/channels/search", json={"query": "x", "channels": ["nope"]}, headers={"X-API-Key": "k1"})
    assert unknown.status_code == 400 and "No channel called 'nope'" in unknown.json()["error"]["message"]
    assert c.get("/v1/channels", headers={"Authorization": "Bearer k1"}).status_code == 200  # third of 3
    limited = c.get("/v1/channels", headers={"X-API-Key": "k1"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["type"] == "RateLimitError"
    empty = c.post("/v1/channels/search", json={"query": ""}, headers={"X-API-Key": "k2"})  # limits are per client
    assert empty.status_code == 422 and empty.json()["error"]["type"] == "ValidationError"
    big = c.post("/v1/reader/documents", headers={"X-API-Key": "k2"},
                 files={"file": ("big.pdf", b"%PDF-1.4" + b"0" * (2 * 1024 * 1024), "application/pdf")})
    assert big.status_code == 413 and big.json()["error"]["type"] == "TooLargeError"


def test_non_loopback_needs_a_key(tmp_path):
    from core.api import check_bind
    from core.errors import SettingsError

    with pytest.raises(SettingsError, match="MARGO_API_KEY"):
        check_bind(Settings(data_dir=tmp_path, api_host="0.0.0.0"))
    check_bind(Settings(data_dir=tmp_path, api_host="0.0.0.0", api_key="secret"))
    check_bind(Settings(data_dir=tmp_path, api_host="127.0.0.1"))


def test_body_limit_counts_a_stream_without_content_length(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, api_max_body_mb=1)
    c = _client(settings)

    def chunks():
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MB in all, sent chunked

    r = c.post("/v1/channels/search", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["type"] == "TooLargeError"
    assert c.post("/v1/channels/search", json={"query": "ok"}).status_code == 200


def test_docs_load_their_assets_from_this_server_and_errors_carry_russian(tmp_path):
    """/docs and /redoc work offline (fastapi-offline's assets); errors have ``message_ru``."""
    c = _client(Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None))
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = c.get(page).text
        assert f"/static-offline-docs/{asset}" in html and "cdn.jsdelivr.net" not in html
        js = c.get(f"/static-offline-docs/{asset}")
        assert js.status_code == 200 and len(js.content) > 100_000
    r = c.post("/v1/reader/documents", files={"file": ("paper.pdf", b"not a pdf at all", "application/pdf")})
    body = r.json()
    error = body.get("error") or _wait(c, body)["error"]
    assert error["type"] == "NotAPDFError" and "not a PDF" in error["message"]
    assert error["message_ru"] == "Это не PDF (файл не начинается с %PDF-). Загрузите документ PDF."
