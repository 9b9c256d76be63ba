"""The real app in a real browser: the router's navigation also on a first deep-link visit."""

from __future__ import annotations

import pytest

from core.settings import PROJECT_ROOT
from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS, browser_missing_reason, demo_server

pytestmark = pytest.mark.browser


@pytest.mark.skipif(bool(browser_missing_reason()), reason=browser_missing_reason() or "ok")
def test_first_visit_to_a_deep_link_uses_the_router(tmp_path, settings):
    from playwright.sync_api import sync_playwright

    with demo_server(tmp_path, settings.data_dir, script=PROJECT_ROOT / "app.py") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(f"{url}/channels")
            page.wait_for_selector("h1:has-text('Channel search')", timeout=60_000)
            page.wait_for_selector("[data-testid='stSidebarNav']:has-text('Interview coach')", timeout=30_000)
            nav = page.inner_text("[data-testid='stSidebarNav']")
            assert "Reader" in nav and "Channel search" in nav
            assert "common" not in nav and "avatar" not in nav  # no file-name navigation
        finally:
            browser.close()
