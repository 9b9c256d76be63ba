"""The API lists and searches channels an administrator published (#11), beside the user's own."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from core.api.app import create_app
from core.api.services import Services
from core.channels import ChannelLibrary
from core.channels.published import publish_channel, published_library
from core.embeddings import get_embedder
from core.identity import Identity
from core.settings import Settings
from core.workspace import Workspace


def test_published_channel_in_list_and_search(tmp_path):
    cfg = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None)
    emb = get_embedder()
    admin = Identity("oidc-boss", "signed_in", "boss@example.org", True)
    own = ChannelLibrary(Workspace.for_user(cfg, admin.user_id).scoped(cfg), emb)
    export = tmp_path / "news.json"
    export.write_text(json.dumps({"name": "ml-news", "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-02-01T10:00:00", "text": "Dropout switches off random neurons."},
        {"id": 2, "type": "message", "date": "2024-02-02T10:00:00", "text": "Gradient boosting fits residuals."}]}))
    own.import_export(export)
    c = TestClient(create_app(cfg, Services(cfg, embedder=emb)), client=("127.0.0.1", 50123))
    assert c.get("/v1/channels").json() == []  # nothing published yet, the local user has none
    publish_channel(admin, own, published_library(cfg, emb), "ml-news")
    listed = c.get("/v1/channels").json()
    assert [(ch["name"], ch["published"]) for ch in listed] == [("ml-news", True)]
    found = c.post("/v1/channels/search", json={"query": "what does dropout do", "k": 1}).json()
    assert found["results"][0]["text"].startswith("Dropout")
