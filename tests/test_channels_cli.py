"""The command-line contract of ``python -m core.channels`` (run as a subprocess)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT


def _run(args: list[str], data_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MARGO_DATA_DIR": str(data_dir), "MARGO_SECRETS_FILE": str(tmp_path / "none.toml")}
    env.pop("MARGO_LLM_BASE_URL", None)
    env.pop("MARGO_LLM_MODEL", None)
    return subprocess.run([sys.executable, "-m", "core.channels", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def imported(shared_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    data = tmp / "data"
    out = _run(["import", str(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json"), "--name", "aiNews"],
               data, tmp)
    assert out.returncode == 0, out.stderr
    return data, tmp, json.loads(out.stdout)


def test_import_prints_a_report(imported):
    _, _, report = imported
    assert report["channel"] == "aiNews" and report["added"] == 64 and report["username"] == "ai_newz"


def test_search_json_contract(imported):
    data, tmp, _ = imported
    out = _run(["search", "Сколько стоит подписка ChatGPT Pro?", "--channel", "aiNews", "-k", "3", "--json"], data, tmp)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) == {"answer", "abstained", "results", "notice"}
    assert obj["notice"] == ""  # offline by choice: nothing failed
    assert obj["abstained"] is False and "[1]" in obj["answer"]
    assert len(obj["results"]) == 3
    r = obj["results"][0]
    assert set(r) == {"channel", "post_id", "date", "url", "text", "score"}
    assert r["channel"] == "aiNews" and isinstance(r["post_id"], int) and isinstance(r["score"], float)
    assert r["url"] == f"https://t.me/ai_newz/{r['post_id']}"
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", obj["answer"])]
    assert numbers and max(numbers) <= len(obj["results"])  # [n] is results[n-1]


def test_batch_queries(imported):
    data, tmp, _ = imported
    qfile = tmp / "q.jsonl"
    qfile.write_text('{"id": "a", "query": "Amazon invests in Anthropic"}\n\n'
                     '{"id": 7, "query": "рецепт борща со свёклой и сметаной"}\n', encoding="utf-8")
    out = _run(["search", "--queries", str(qfile), "--json"], data, tmp)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7]
    assert lines[0]["abstained"] is False and lines[1]["abstained"] is True
    assert all({"answer", "abstained", "results"} <= set(x) for x in lines)


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--channel", "no-such-channel"],
        ["search", "--json"],
    ],
)
def test_bad_input_one_line_error_nonzero_exit(imported, args):
    data, tmp, _ = imported
    out = _run(args, data, tmp)
    assert out.returncode != 0
    assert out.stdout == ""
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1


def test_malformed_export_and_bad_queries_file(imported):
    data, tmp, _ = imported
    bad = tmp / "trunc.json"
    bad.write_text('{"name": "x", "messages": [{"id": 1, "text": "he', encoding="utf-8")
    out = _run(["import", str(bad), "--name", "aiNews"], data, tmp)
    assert out.returncode == 2 and "not complete JSON" in out.stderr
    listed = json.loads(_run(["list"], data, tmp).stdout)
    assert [(c["name"], c["n_posts"]) for c in listed] == [("aiNews", 64)]  # untouched
    qfile = tmp / "bad.jsonl"
    qfile.write_text("not json\n", encoding="utf-8")
    out = _run(["search", "--queries", str(qfile)], data, tmp)
    assert out.returncode == 2 and "line 1 is not JSON" in out.stderr
