"""Settings validation (one line naming the setting) and the LLM's total deadline (#11)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from core.errors import LLMError, SettingsError
from core.llm import LLMClient
from core.settings import load_settings


@pytest.mark.parametrize(
    ("env", "value", "fragment"),
    [
        ("MARGO_TOP_K", "-1", "MARGO_TOP_K='-1'"),
        ("MARGO_MAX_UPLOAD_MB", "abc", "MARGO_MAX_UPLOAD_MB='abc'"),
        ("MARGO_THREADS", "abc", "MARGO_THREADS='abc'"),
        ("MARGO_ABSTAIN_THRESHOLD", "nan", "finite"),
        ("MARGO_LLM_TIMEOUT_S", "0", "MARGO_LLM_TIMEOUT_S"),
    ],
)
def test_bad_setting_is_one_line_naming_it(monkeypatch, tmp_path, env, value, fragment):
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_empty_variable_means_unset(monkeypatch, tmp_path):
    """``MARGO_UI_LANG=`` (set but empty, as Docker and systemd pass it) keeps the default."""
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MARGO_UI_LANG", "")
    monkeypatch.setenv("MARGO_TOP_K", "")
    cfg = load_settings()
    assert cfg.ui_lang is None or cfg.ui_lang in ("ru", "en")
    assert cfg.top_k == type(cfg).model_fields["top_k"].default


def test_data_dir_that_is_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "none.toml"))
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(SettingsError, match="MARGO_DATA_DIR=.*is a file"):
        load_settings(data_dir=f)


def test_secret_value_is_never_repeated(monkeypatch, tmp_path):
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "none.toml"))
    with pytest.raises(SettingsError) as info:
        load_settings(llm_api_key=12345678901234567890.5, top_k="x")  # wrong types on purpose
    assert "12345678901234567890" not in str(info.value)


def _dripping_server(mode: str) -> tuple[int, socket.socket]:
    """A loopback HTTP server that sends its reply one byte every 0.4 s."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def run() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        body = b'{"choices":[{"message":{"content":"hello"}}]}' + b" " * 60
        head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
        data = head + body if mode == "headers" else body
        try:
            if mode == "body":
                conn.sendall(head)
            for byte in data:
                conn.send(bytes([byte]))
                time.sleep(0.4)
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=run, daemon=True).start()
    return srv.getsockname()[1], srv


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_llm_deadline_holds_against_a_dripping_server(mode):
    port, srv = _dripping_server(mode)
    client = LLMClient(f"http://127.0.0.1:{port}/v1", "m", timeout_s=1.5)
    # per-read timeouts alone would let the ~40 s drip finish and return "hello"
    with pytest.raises(LLMError, match="did not answer within 1.5 s"):
        client.chat([{"role": "user", "content": "hi"}])
    srv.close()


def test_channels_cli_reports_llm_failure_in_notice_and_bad_setting_in_one_line(shared_data, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from core.settings import PROJECT_ROOT

    export = shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json"
    base = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "d"), "MARGO_SECRETS_FILE": str(tmp_path / "none.toml")}

    def run(args, **env):
        return subprocess.run([sys.executable, "-m", "core.channels", *args], cwd=PROJECT_ROOT, env={**base, **env},
                              capture_output=True, text=True, timeout=300)

    assert run(["import", str(export), "--name", "aiNews"]).returncode == 0
    # an LLM endpoint that refuses connections: the answer is the offline one, and says so
    out = run(["search", "Сколько стоит подписка ChatGPT Pro?", "--json"],
              MARGO_LLM_BASE_URL="http://127.0.0.1:9/v1", MARGO_LLM_MODEL="m", MARGO_LLM_TIMEOUT_S="2")
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["notice"] and "LLM" in obj["notice"]
    bad = run(["list"], MARGO_TOP_K="-1")
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0 and "MARGO_TOP_K" in bad.stderr and "Traceback" not in bad.stderr
