"""Browser journeys of one user on a multi-user Margo server (shared by the two-user test
and scripts/bench_load.py). Selectors use the widgets' ``key=`` (Streamlit renders a
``st-key-<key>`` class), so they do not depend on the interface language."""

from __future__ import annotations

import time
from pathlib import Path

NAV = "[data-testid='stSidebarNav']"


def goto_page(page, slug: str, ready_key: str | None = None, timeout_ms: int = 120_000) -> None:
    """Switch pages inside the session (a reload would start a new anonymous session)."""
    if slug == "reader":  # the default page: its link is the app's root URL
        page.locator(f"{NAV} a").first.click()
    else:
        page.click(f"{NAV} a[href$='/{slug}']")
    if ready_key:
        page.wait_for_selector(f".st-key-{ready_key}", state="attached", timeout=timeout_ms)


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(NAV, timeout=120_000)
    page.wait_for_selector(".st-key-reader_upload", timeout=120_000)


def upload_paper(page, pdf: Path) -> float:
    """Upload a PDF on the Reader page; seconds until its summary controls appear."""
    t0 = time.perf_counter()
    page.set_input_files(".st-key-reader_upload input[type=file]", str(pdf))
    page.wait_for_selector(".st-key-reader_summarise", timeout=240_000)
    return time.perf_counter() - t0


def ask_paper(page, question: str) -> float:
    """Ask the open paper a question; seconds until the answer is shown."""
    page.get_by_role("tab").nth(1).click()  # the "Ask" tab
    t0 = time.perf_counter()
    n_before = page.locator("[data-testid='stChatMessage']").count()
    box = page.locator("[data-testid='stChatInputTextArea']")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll(\"[data-testid='stChatMessage']\").length >= {n_before + 2}",
                           timeout=240_000)
    return time.perf_counter() - t0


def import_channel(page, export: Path) -> float:
    """Import an export on the Channel search page; seconds until the channel is listed."""
    goto_page(page, "channels", "channels_upload")
    t0 = time.perf_counter()
    page.set_input_files(".st-key-channels_upload input[type=file]", str(export))
    page.wait_for_selector(".st-key-channels_import button:not([disabled])", timeout=60_000)
    page.click(".st-key-channels_import button")
    page.wait_for_selector(".st-key-channels_delete_pick", state="attached", timeout=240_000)
    return time.perf_counter() - t0


def answer_interview(page, answer: str) -> float:
    """Start an interview and submit one answer; seconds until the score is shown."""
    goto_page(page, "interview", "iv_start")
    page.click(".st-key-iv_start button")
    page.wait_for_selector("[class*='st-key-iv_answer_'] textarea", timeout=240_000)
    t0 = time.perf_counter()
    page.fill("[class*='st-key-iv_answer_'] textarea", answer)
    page.click(".st-key-iv_submit button")
    page.wait_for_selector("[data-testid='stMetric']", timeout=240_000)
    return time.perf_counter() - t0


def sees_anything_of_others(page) -> list[str]:
    """What of another user's data this session can see (empty list: nothing)."""
    seen = []
    goto_page(page, "reader", "reader_upload")
    time.sleep(1)
    if page.locator(".st-key-reader_saved").count():
        seen.append("a saved paper")
    goto_page(page, "channels", "channels_upload")
    time.sleep(1)
    if page.locator(".st-key-channels_delete_pick").count() or page.locator(".st-key-channels_table").count():
        seen.append("a channel (and its remove control)")
    goto_page(page, "interview")
    page.wait_for_selector("[role='tab']", timeout=120_000)
    time.sleep(1)
    page.get_by_role("tab").nth(1).click()
    time.sleep(1)
    if page.locator(".st-key-iv_export").count():
        seen.append("interview progress")
    return seen
