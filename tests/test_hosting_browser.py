"""Two users on one multi-user server (#11): one uploads a paper, imports a channel and
answers an interview question; the other sees none of it and cannot remove it."""

from __future__ import annotations

import json

import pytest

from core.channels.store import ChannelStore
from core.settings import PROJECT_ROOT
from tests.hosting_browser import (
    answer_interview,
    import_channel,
    open_app,
    sees_anything_of_others,
    upload_paper,
)
from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS, browser_missing_reason, demo_server

pytestmark = pytest.mark.browser


@pytest.mark.skipif(bool(browser_missing_reason()), reason=browser_missing_reason() or "ok")
def test_two_users_see_only_their_own_data(tmp_path, settings, shared_data, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("MARGO_MULTI_USER", "true")
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "none.toml"))
    paper = shared_data / "papers" / "sokolov_hse_lecture19_recommender_ru.pdf"
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"name": "alice_channel", "type": "public_channel", "id": 1, "messages": [
        {"id": i, "type": "message", "date": "2024-03-01T10:00:00", "text": f"Alice's post {i} about gradient boosting"}
        for i in range(1, 6)]}), encoding="utf-8")
    with demo_server(tmp_path, settings.data_dir, script=PROJECT_ROOT / "app.py") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            alice = browser.new_context(locale="en-US", viewport={"width": 1300, "height": 900}).new_page()
            bob = browser.new_context(locale="en-US", viewport={"width": 1300, "height": 900}).new_page()
            open_app(alice, url)
            open_app(bob, url)
            upload_paper(alice, paper)
            import_channel(alice, export)
            answer_interview(alice, "Overfitting is when a model fits noise in the training data; "
                                    "regularisation and cross-validation help.")
            assert sees_anything_of_others(bob) == []
            # Alice still sees her own data (the check can fail both ways)
            assert sees_anything_of_others(alice) == ["a saved paper", "a channel (and its remove control)",
                                                      "interview progress"]
        finally:
            browser.close()
    workspaces = sorted(d.name for d in (settings.data_dir / "workspaces").iterdir() if d.name.startswith("anon-"))
    assert len(workspaces) == 2
    names = []
    for w in workspaces:
        db = settings.data_dir / "workspaces" / w / "channels" / "channels.sqlite"
        names.append([c.name for c in ChannelStore(db).channels()] if db.exists() else [])
    assert sorted(names) == [[], ["alice_channel"]]  # bob's own library is empty
    assert not (settings.data_dir / "channels").exists() and not (settings.data_dir / "indexes").exists()
