"""Shared by the browser test and the speech benchmark: a Streamlit server on a free
loopback port running a one-panel demo page, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from core.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

DEMO_PAGE = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from pages._avatar import avatar_panel
lang = st.query_params.get("lang", "en")
text = {{"en": "Margo reads the answer aloud. The mouth follows the sound, sentence by sentence.",
        "ru": "Марго читает ответ вслух. Рот двигается вместе со звуком, предложение за предложением."}}[lang]
avatar_panel(text, lang, expression="pleased", key="demo", autoplay=True, height=200)
'''


def browser_missing_reason() -> str:
    """"" when the browser tests can run, else why not."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (apt-get install chromium)"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_server(tmp_dir: Path, data_dir: Path, script: Path | None = None):
    """Run ``streamlit run`` on the demo page (or ``script``); yield its base URL; stop it afterwards."""
    if script is None:
        script = tmp_dir / "avatar_demo.py"
        script.write_text(DEMO_PAGE.format(root=str(PROJECT_ROOT)), encoding="utf-8")
    static = script.parent / "static"  # Streamlit serves the static folder beside the main script
    (PROJECT_ROOT / "static").mkdir(exist_ok=True)
    if not static.exists():
        static.symlink_to(PROJECT_ROOT / "static", target_is_directory=True)
    port = _free_port()
    env = dict(os.environ, MARGO_DATA_DIR=str(data_dir), MARGO_GTTS_URL="http://127.0.0.1:9/offline",
               PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def avatar_frame(page, timeout_s: float = 60):
    """The avatar panel's frame once its player script has run."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.evaluate("() => !!window.margoStats && !!document.getElementById('play')"):
                    return frame
            except Exception:  # frames come and go while Streamlit re-renders
                pass
        time.sleep(0.1)
    raise RuntimeError("the avatar panel did not appear")


def open_avatar(page, url: str, lang: str):
    """Load the demo page (the panel starts speaking by itself) and return the avatar's frame."""
    page.goto(f"{url}/?lang={lang}")
    return avatar_frame(page)
