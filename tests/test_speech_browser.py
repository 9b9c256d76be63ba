"""A real browser (Playwright + Debian's chromium) plays an answer; the mouth moves."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.speech_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    browser_missing_reason,
    demo_server,
    open_avatar,
)

pytestmark = pytest.mark.browser


@pytest.mark.skipif(bool(browser_missing_reason()), reason=browser_missing_reason() or "ok")
def test_avatar_speaks_in_browser(tmp_path, settings):
    from playwright.sync_api import sync_playwright

    if not shutil.which("espeak-ng") and not shutil.which("festival"):
        pytest.skip("no offline TTS engine installed (apt-get install espeak-ng)")
    with demo_server(tmp_path, settings.data_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            frame = open_avatar(page, url, "en")
            seen = set()
            shot = tmp_path / "avatar_mid_speech.png"
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                state = frame.evaluate(
                    "() => [document.getElementById('margo').getAttribute('data-viseme'),"
                    " window.margoStats.playing, window.margoStats.ended]")
                seen.add(state[0])
                if state[1] and state[0] != "closed" and not shot.exists():
                    page.screenshot(path=str(shot))
                if state[2]:
                    break
                time.sleep(0.03)
            stats = frame.evaluate("() => window.margoStats")
            assert not stats["errors"], stats["errors"]
            assert shot.exists() and shot.stat().st_size > 5000
            assert len(seen - {"closed"}) >= 2  # the mouth frame changed during speech
            assert len(stats["changes"]) >= 5 and stats["frames"] > 20
            assert "Margo" in frame.inner_text("#sub") or "mouth" in frame.inner_text("#sub")
        finally:
            browser.close()
