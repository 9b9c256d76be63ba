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
