"""The lectures command line: JSON shapes, exit codes, one error line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from core.settings import PROJECT_ROOT

SRT = "media/subtitles/hf_course_07_transformer-models-encoder-decoders_{}.srt"


def _run(tmp_path, *args):
    env = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "data"), "MARGO_SECRETS_FILE": str(tmp_path / "none.toml")}
    env.pop("MARGO_LLM_BASE_URL", None)
    env.pop("MARGO_LLM_MODEL", None)
    return subprocess.run([sys.executable, "-m", "core.lectures", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=300)


def test_summarize_and_ask_json(tmp_path, shared_data):
    src = str(shared_data / SRT.format("ru"))
    out = _run(tmp_path, "summarize", src, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["language"] == "ru" and data["duration_s"] > 400
    assert data["chapters"] and {"start_s", "end_s", "title", "summary"} == set(data["chapters"][0])
    assert data["summary"] and {"text", "start_s"} == set(data["summary"][0])

    out = _run(tmp_path, "ask", src, "Что означает слово Bienvenue?", "--json")
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)
    assert set(ans) == {"answer", "abstained", "citations", "lang"}
    assert not ans["abstained"] and ans["lang"] == "ru"
    assert any(c["start_s"] <= 233 <= c["end_s"] + 1 for c in ans["citations"])
    assert "[03:5" in ans["answer"]


def test_bad_input_exits_2_with_one_line(tmp_path, shared_data):
    bad = tmp_path / "broken.srt"
    bad.write_text("1\nnot a time\nhello\n", encoding="utf-8")
    for args in (("summarize", str(bad), "--json"), ("summarize", str(tmp_path / "missing.mp4")),
                 ("ask", str(shared_data / SRT.format("en")), "   ")):
        out = _run(tmp_path, *args)
        assert out.returncode == 2, (args, out.stderr)
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
        assert out.stdout == ""
