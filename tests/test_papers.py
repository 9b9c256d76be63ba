"""core.papers against a loopback server replaying recorded arXiv Atom feeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import InputError, NetworkError
from core.papers import ArxivClient, fetch_paper, normalize_arxiv_id, parse_atom
from core.papers.cache import TTLCache
from core.settings import PROJECT_ROOT, Settings
from tests.arxiv_replay import RECORDINGS, ArxivReplayServer
from tests.pdfs import make_pdf

PAPER_PAGES = [
    "Fast inference from transformers. Speculative decoding runs a small draft model and "
    "verifies its tokens with the large model in parallel, which keeps the output distribution.",
    "Results. On T5-XXL speculative decoding gives a 2x to 3x speed-up over standard decoding "
    "with identical outputs. The acceptance rate alpha measures how often draft tokens are kept.",
]


def test_parse_atom_reads_every_field():
    hits = parse_atom((RECORDINGS / "search_speculative_decoding.xml").read_bytes())
    assert [h.id for h in hits] == ["2211.17192v2", "2302.01318v1", "1706.03762v7"]
    first = hits[0]
    assert first.title == "Fast Inference from Transformers via Speculative Decoding"
    assert first.authors == ["Yaniv Leviathan", "Matan Kalman", "Yossi Matias"]
    assert first.year == 2022
    assert first.abstract.startswith("Inference from large autoregressive models")
    assert first.pdf_url == "http://arxiv.org/pdf/2211.17192v2"
    assert hits[2].year == 2017 and len(hits[2].authors) == 8


def test_error_feed_becomes_network_error_with_arxiv_message():
    with pytest.raises(NetworkError, match="incorrect id format"):
        parse_atom((RECORDINGS / "error_malformed_id.xml").read_bytes())
    with pytest.raises(NetworkError):
        parse_atom(b"<html>oops")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("1706.03762", "1706.03762"), ("arXiv:1706.03762v5", "1706.03762v5"),
     ("https://arxiv.org/abs/2211.17192v2", "2211.17192v2"), ("https://arxiv.org/pdf/2302.01318.pdf", "2302.01318"),
     ("cs/0112017", "cs/0112017")],
)
def test_normalize_arxiv_id(raw, clean):
    assert normalize_arxiv_id(raw) == clean


def test_normalize_rejects_non_ids():
    with pytest.raises(InputError):
        normalize_arxiv_id("attention is all you need")


def test_search_caches_same_query_one_network_call(tmp_path: Path):
    with ArxivReplayServer() as server:
        client = ArxivClient(server.api_url, tmp_path / "cache", timeout_s=5)
        first = client.search("speculative decoding", max_results=3)
        again = ArxivClient(server.api_url, tmp_path / "cache", timeout_s=5).search("speculative decoding", 3)
        assert [h.id for h in first] == [h.id for h in again]
        assert len(server.requests) == 1
        assert "search_query=all%3Aspeculative+AND+all%3Adecoding" in server.requests[0]
        assert first[0].pdf_url.startswith(server.base + "/pdf/")


def test_cache_expires_after_ttl(tmp_path: Path):
    now = [1000.0]
    cache = TTLCache(tmp_path, ttl_s=60, clock=lambda: now[0])
    cache.put_json("k", {"a": 1})
    cache.put_bytes("b", b"%PDF-1")
    now[0] += 59
    assert cache.get_json("k") == {"a": 1} and cache.get_bytes("b") == b"%PDF-1"
    now[0] += 2
    assert cache.get_json("k") is None and cache.get_bytes("b") is None


def test_unreachable_arxiv_says_search_needs_internet(tmp_path: Path):
    client = ArxivClient("http://127.0.0.1:9/api/query", tmp_path, timeout_s=1)
    with pytest.raises(NetworkError, match="needs the internet"):
        client.search("attention")


def test_slow_arxiv_times_out(tmp_path: Path):
    with ArxivReplayServer(delay_s=1.5) as server:
        client = ArxivClient(server.api_url, tmp_path, timeout_s=0.3)
        with pytest.raises(NetworkError, match="did not answer within"):
            client.search("attention")


def test_http_error_status(tmp_path: Path):
    with ArxivReplayServer(status=503) as server, pytest.raises(NetworkError, match="503"):
        ArxivClient(server.api_url, tmp_path).search("attention")


def test_empty_query_is_input_error(tmp_path: Path):
    with pytest.raises(InputError):
        ArxivClient("http://127.0.0.1:9/api/query", tmp_path).search("  ?! ")


def test_fetch_imports_pdf_with_upload_hash_key(settings: Settings):
    from core.reader import Reader
    from core.reader.pdf import content_hash

    pdf = make_pdf(PAPER_PAGES)
    with ArxivReplayServer(pdf_bytes=pdf) as server:
        cfg = settings.model_copy(update={"arxiv_api_url": server.api_url})
        reader = Reader.from_settings(cfg)
        paper = fetch_paper("arXiv:2211.17192", reader)
        assert paper.hit.title.startswith("Fast Inference")
        assert paper.document.doc_id == content_hash(pdf)
        assert paper.document.n_pages == 2
        assert paper.path.read_bytes() == pdf
        assert str(paper.path).startswith(str(cfg.data_dir))
        n = len(server.requests)
        fetch_paper("2211.17192", reader)  # lookup and PDF both cached
        assert len(server.requests) == n
        answer = reader.ask(paper.document, "How much faster is speculative decoding on T5-XXL?")
        assert not answer.abstained and {c.page for c in answer.citations} == {2}


def test_fetch_unknown_id(settings: Settings):
    from core.reader import Reader

    with ArxivReplayServer() as server:
        cfg = settings.model_copy(update={"arxiv_api_url": server.api_url})
        with pytest.raises(NetworkError, match="incorrect id format"):
            fetch_paper("1234.12345", Reader.from_settings(cfg))


def _cli(args: list[str], env_extra: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "data"), "MARGO_SECRETS_FILE": str(tmp_path / "none.toml"),
           **env_extra}
    env.pop("MARGO_LLM_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "core.papers", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_search_and_fetch_json(tmp_path: Path):
    pdf = make_pdf(PAPER_PAGES)
    with ArxivReplayServer(pdf_bytes=pdf) as server:
        env = {"MARGO_ARXIV_API_URL": server.api_url}
        out = _cli(["search", "speculative decoding", "--max", "3", "--json"], env, tmp_path)
        assert out.returncode == 0, out.stderr
        rows = [json.loads(line) for line in out.stdout.splitlines()]
        assert len(rows) == 3
        assert set(rows[0]) == {"id", "title", "authors", "year", "abstract", "pdf_url"}
        got = _cli(["fetch", "2211.17192", "--json"], env, tmp_path)
        assert got.returncode == 0, got.stderr
        obj = json.loads(got.stdout)
        assert obj["id"] == "2211.17192v2" and obj["pages"] == 2 and Path(obj["path"]).is_file()


def test_cli_network_failure_exit_3(tmp_path: Path):
    out = _cli(["search", "attention", "--json"], {"MARGO_ARXIV_API_URL": "http://127.0.0.1:9/api/query",
                                                  "MARGO_ARXIV_TIMEOUT_S": "2"}, tmp_path)
    assert out.returncode == 3
    assert out.stdout == "" and out.stderr.count("\n") == 1 and out.stderr.startswith("error: ")
