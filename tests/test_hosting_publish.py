"""Published channels (#11): only an administrator publishes or withdraws; every user
searches their own channels plus the published ones; nobody else changes shared data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.channels import ChannelLibrary, answer_question
from core.channels.published import (
    ChannelCatalog,
    catalog_for,
    publish_channel,
    published_library,
    unpublish_channel,
)
from core.embeddings import get_embedder
from core.errors import AccessError, InputError
from core.identity import Identity, resolve_identity
from core.settings import Settings
from core.workspace import Workspace


def _export(path: Path, name: str, texts: list[str]) -> Path:
    msgs = [{"id": i, "type": "message", "date": f"2024-02-{i:02d}T10:00:00", "text": t}
            for i, t in enumerate(texts, start=1)]
    path.write_text(json.dumps({"name": name, "type": "public_channel", "id": 1, "messages": msgs},
                               ensure_ascii=False), encoding="utf-8")
    return path


ADMIN = Identity("oidc-admin", "signed_in", "boss@example.org", True)
USER = Identity("oidc-user", "signed_in", "user@example.org", False)
NEWS = ["Gradient boosting builds trees one after another on the residuals.",
        "Dropout switches off random neurons during training to fight overfitting.",
        "Новая статья про внимание в трансформерах и длинный контекст."]


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture
def world(tmp_path, embedder):
    cfg = Settings(data_dir=tmp_path / "data", multi_user=True, admin_users="boss@example.org")
    admin_lib = ChannelLibrary(Workspace.for_user(cfg, ADMIN.user_id).scoped(cfg), embedder)
    admin_lib.import_export(_export(tmp_path / "news.json", "ml-news", NEWS))
    return cfg, admin_lib


def test_admin_role_comes_from_settings():
    cfg = Settings(multi_user=True, admin_users="boss@example.org")
    boss = resolve_identity(cfg, {"is_logged_in": True, "iss": "i", "sub": "1", "email": "boss@example.org"}, "")
    other = resolve_identity(cfg, {"is_logged_in": True, "iss": "i", "sub": "2", "email": "x@example.org"}, "")
    anon = resolve_identity(cfg, {}, "session-abcdefgh")
    assert boss.is_admin and not other.is_admin and not anon.is_admin


def test_published_channel_is_seen_and_searched_by_another_user(world, embedder):
    cfg, admin_lib = world
    shared = published_library(cfg, embedder)
    info = publish_channel(ADMIN, admin_lib, shared, "ML-News")  # names are case-insensitive
    assert info.published and info.n_posts == 3
    user_cfg = Workspace.for_user(cfg, USER.user_id).scoped(cfg)
    cat = catalog_for(cfg, user_cfg, embedder)
    assert [c.name for c in cat.channels()] == ["ml-news"] and cat.channels()[0].published
    hits = cat.search("what does dropout do?", k=2)
    assert hits and "Dropout" in hits[0].text
    ans, _ = answer_question(cat, "What is gradient boosting?", k=3)  # the answerer takes a catalogue
    assert not ans.abstained and "boosting" in ans.text
    # the user's own library holds nothing: the publication was copied to shared/, not to them
    assert ChannelLibrary(user_cfg, embedder).channels() == []


def test_non_admin_cannot_publish_delete_or_withdraw(world, embedder, tmp_path):
    cfg, admin_lib = world
    shared = published_library(cfg, embedder)
    publish_channel(ADMIN, admin_lib, shared, "ml-news")
    user_lib = ChannelLibrary(Workspace.for_user(cfg, USER.user_id).scoped(cfg), embedder)
    user_lib.import_export(_export(tmp_path / "mine.json", "my-notes", ["Мои заметки про градиентный спуск."]))
    with pytest.raises(AccessError) as refused:
        publish_channel(USER, user_lib, shared, "my-notes")
    assert refused.value.key == "errors.access.admin_only"
    assert [c.name for c in shared.channels()] == ["ml-news"]  # nothing published
    cat = ChannelCatalog(user_lib, shared)
    with pytest.raises(AccessError) as refused:
        cat.delete_channel("ml-news")
    assert "администратор" in refused.value.localized("ru")
    with pytest.raises(AccessError):
        unpublish_channel(USER, shared, "ml-news")
    assert shared.channels()[0].n_posts == 3  # still there, intact
    cat.delete_channel("my-notes")  # the user's own channel: allowed
    assert [c.name for c in cat.channels()] == ["ml-news"]


def test_search_merges_own_and_published_and_own_name_shadows(world, embedder, tmp_path):
    cfg, admin_lib = world
    shared = published_library(cfg, embedder)
    publish_channel(ADMIN, admin_lib, shared, "ml-news")
    user_lib = ChannelLibrary(Workspace.for_user(cfg, USER.user_id).scoped(cfg), embedder)
    user_lib.import_export(_export(tmp_path / "mine.json", "my-notes", ["Dropout in my own words: a regulariser."]))
    cat = ChannelCatalog(user_lib, shared)
    channels = {h.channel for h in cat.search("dropout", k=5)}
    assert channels == {"ml-news", "my-notes"}
    assert {h.channel for h in cat.search("dropout", channels=["ml-news"], k=5)} == {"ml-news"}
    with pytest.raises(InputError):
        cat.search("dropout", channels=["nobody's channel"])
    user_lib.import_export(_export(tmp_path / "same.json", "ml-news", ["My private ml-news copy about dropout."]))
    assert [c.published for c in cat.channels()] == [False, False]  # own "ml-news" hides the published one
    assert all("private" in h.text or h.channel == "my-notes" for h in cat.search("dropout", k=5))


def test_republish_replaces_and_unpublish_withdraws(world, embedder, tmp_path):
    cfg, admin_lib = world
    shared = published_library(cfg, embedder)
    publish_channel(ADMIN, admin_lib, shared, "ml-news")
    admin_lib.import_export(_export(tmp_path / "news2.json", "ml-news", [*NEWS, "Batch norm rescales activations."]))
    info = publish_channel(ADMIN, admin_lib, shared, "ml-news")
    assert info.n_posts == 4
    con = sqlite3.connect(shared.store.path)
    assert con.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 4  # replaced, not duplicated
    assert con.execute("SELECT COUNT(*) FROM channels").fetchone()[0] == 1
    con.close()
    assert "Batch norm" in shared.search("batch normalisation", k=1)[0].text
    unpublish_channel(ADMIN, shared, "ml-news")
    assert ChannelCatalog(ChannelLibrary(Workspace.for_user(cfg, USER.user_id).scoped(cfg), embedder),
                          shared).channels() == []
    assert admin_lib.channels()[0].n_posts == 4  # the admin's own copy stays
