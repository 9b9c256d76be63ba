"""The channels page with a published channel (#11): a non-admin visitor of a multi-user
server sees and searches it, gets no publish control and cannot pick it for removal."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.channels import ChannelLibrary, parse_export
from core.channels.published import publish_channel, published_library
from core.embeddings import get_embedder
from core.identity import Identity
from core.settings import PROJECT_ROOT, Settings
from core.workspace import Workspace


@pytest.fixture()
def app(tmp_path, monkeypatch, shared_data):
    data = tmp_path / "data"
    cfg = Settings(data_dir=data, multi_user=True, admin_users="boss@example.org")
    admin = Identity("oidc-boss", "signed_in", "boss@example.org", True)
    own = ChannelLibrary(Workspace.for_user(cfg, admin.user_id).scoped(cfg), get_embedder())
    own.import_posts(parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts,
                     "ai_newz", "ai_newz")
    publish_channel(admin, own, published_library(cfg, get_embedder()), "ai_newz")
    for key, value in {"MARGO_DATA_DIR": str(data), "MARGO_MULTI_USER": "true", "MARGO_UI_LANG": "en",
                       "MARGO_SECRETS_FILE": str(tmp_path / "no-secrets.toml"), "MARGO_LLM_PROBE_LOCAL": "false",
                       "MARGO_SPEECH_BACKGROUND": "false", "MARGO_ADMIN_USERS": "boss@example.org"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("MARGO_LLM_MODEL", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/channels.py").run()
    yield at
    st.cache_resource.clear()


def test_visitor_searches_a_published_channel_but_cannot_change_it(app):
    at = app
    assert not at.exception, at.exception
    assert any("Published by an administrator for everyone: ai_newz" in c.value for c in at.caption)
    assert not [s for s in at.selectbox if s.key == "channels_publish_pick"]  # no admin control
    assert at.selectbox(key="channels_delete_pick").options == ["—"]  # nothing of theirs to remove
    at.text_input(key="channels_query").set_value("Сколько стоит подписка ChatGPT Pro?").run()
    at.button(key="channels_ask").click().run()
    assert not at.exception, at.exception
    assert "(https://t.me/ai_newz/" in " ".join(c.value for c in at.caption)  # cited from the published copy


def test_admin_publishes_and_withdraws_from_the_page(tmp_path, monkeypatch, shared_data):
    """The admin control itself: an administrator (identity from sign-in; here patched in, as
    AppTest has no identity provider) publishes their channel, a visitor's catalogue sees it,
    then the admin withdraws it."""
    import pages._common as common
    from core.channels.published import catalog_for

    data = tmp_path / "data"
    for key, value in {"MARGO_DATA_DIR": str(data), "MARGO_MULTI_USER": "true", "MARGO_UI_LANG": "en",
                       "MARGO_SECRETS_FILE": str(tmp_path / "no-secrets.toml"), "MARGO_LLM_PROBE_LOCAL": "false",
                       "MARGO_SPEECH_BACKGROUND": "false", "MARGO_ADMIN_USERS": "boss@example.org"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("MARGO_LLM_MODEL", raising=False)
    boss = Identity("oidc-boss", "signed_in", "boss@example.org", True)
    monkeypatch.setattr(common, "identity", lambda: boss)
    cfg = Settings(data_dir=data, multi_user=True)
    own = ChannelLibrary(Workspace.for_user(cfg, boss.user_id).scoped(cfg), get_embedder())
    own.import_posts(parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts,
                     "ai_newz", "ai_newz")
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/channels.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="channels_publish_pick").set_value("own:ai_newz").run()
    at.button(key="channels_publish").click().run()
    assert not at.exception, at.exception
    assert any("is published to everyone (64 posts)" in s.value for s in at.success)
    visitor = Workspace.for_user(cfg, "anon-visitor-session").scoped(cfg)
    assert [(c.name, c.published) for c in catalog_for(cfg, visitor, get_embedder()).channels()] == [("ai_newz", True)]
    # the admin's own copy hides the published one in their list, but the control offers it to withdraw
    at.run()
    pick = at.selectbox(key="channels_publish_pick")
    assert pick.options == ["—", "ai_newz", "ai_newz (published to everyone)"]
    pick.set_value("pub:ai_newz").run()
    assert at.button(key="channels_publish").label == "Withdraw"
    at.button(key="channels_publish").click().run()
    assert not at.exception, at.exception
    assert any("is withdrawn" in s.value for s in at.success)
    assert catalog_for(cfg, visitor, get_embedder()).channels() == []
    assert [c.name for c in own.channels()] == ["ai_newz"]  # the admin's own channel stays
    st.cache_resource.clear()
