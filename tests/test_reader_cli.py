"""The Reader's command-line contract (JSON on stdout, one-line errors, exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.reader.ocr import ocr_status
from core.settings import PROJECT_ROOT


def _run(args, tmp_path):
    env = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "data"), "MARGO_SECRETS_FILE": str(tmp_path / "none.toml")}
    env.pop("MARGO_LLM_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "core.reader", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def paper(shared_data):
    return str(shared_data / "papers" / "sokolov_hse_lecture19_recommender_ru.pdf")


def test_summarize_json(paper, tmp_path):
    out = _run(["summarize", paper, "--sentences", "4", "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) == {"summary", "sentences", "notice"} and len(obj["sentences"]) == 4
    assert all(isinstance(s["page"], int) and 1 <= s["page"] <= 11 for s in obj["sentences"])


def test_ask_json_and_batch(paper, tmp_path):
    out = _run(["ask", paper, "What is serendipity in recommender systems?", "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) == {"answer", "abstained", "citations", "lang", "notice"} and obj["notice"] == ""
    assert obj["lang"] == "en" and not obj["abstained"] and 10 in [c["page"] for c in obj["citations"]]

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": 1, "question": "Как измерить покрытие каталога?"}\n'
        '{"id": "b", "question": "Какая оптимальная температура для выпечки хлеба?"}\n', encoding="utf-8")
    out = _run(["ask", paper, "--questions", str(questions), "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["id"] for x in lines] == [1, "b"]
    assert not lines[0]["abstained"] and 9 in [c["page"] for c in lines[0]["citations"]]
    assert lines[1]["abstained"] and lines[1]["lang"] == "ru"


@pytest.mark.parametrize("bad", ["notes.pdf", "missing.pdf"])
def test_bad_input_one_line_error(tmp_path, bad):
    path = tmp_path / bad
    if bad == "notes.pdf":
        path.write_bytes(b"plain text, not a pdf")
    out = _run(["ask", str(path), "question?", "--json"], tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("error: ") and len(out.stderr.strip().splitlines()) == 1


def test_scanned_pdf_goes_through_ocr_or_names_it(shared_data, tmp_path):
    """The handwritten scan: with Tesseract it is recognised and the notice says its pages are
    unreliable; without Tesseract the one-line error says OCR is needed."""
    out = _run(["summarize", str(shared_data / "papers" / "sokolov_hse_lecture04_handwritten_notes_no_text_layer.pdf"),
                "--json"], tmp_path)
    if ocr_status().available:
        assert out.returncode == 0, out.stderr
        notice = json.loads(out.stdout)["notice"]
        assert "OCR" in notice and "Low recognition confidence" in notice
    else:
        assert out.returncode == 2 and "OCR" in out.stderr


def test_stdout_is_only_json_on_a_paper_with_tables(shared_data, tmp_path):
    """PyMuPDF's table finder would print an advert on stdout; the JSON stream stays clean."""
    out = _run(["ask", str(shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf"),
                "How many attention heads does the base model use?", "--json"], tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["citations"]
