"""#11L: a first import builds BM25 from the rows just written; it must equal the path that reads them back.

The real ai_newz export is imported twice: channel "a" in one first import (BM25 from memory,
the new path) and channel "b" as its first half, then the whole export (the second import
reads the live chunks back from SQLite, the path every import took before). Both must hold
the same posts and chunks, and each saved BM25 index must score exactly like one built from
SQLite's live rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.channels import ChannelLibrary
from core.channels.parsers import parse_export
from core.channels.search import chunk_post
from core.embeddings import get_embedder
from core.retrieval.collection import bm25_tokenize, query_tokens

EXPORT = Path("telegram") / "ai_newz_ru_telethon_dump" / "1.json"
QUERIES = ["нейросеть генерирует видео", "GPU", "OpenAI выпустили новую модель", "диффузия"]


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def _rows(lib: ChannelLibrary, name: str) -> tuple[int, list[tuple], list[tuple], list[tuple]]:
    with lib.store.connect() as con:
        cid = con.execute("SELECT id FROM channels WHERE name = ?", (name,)).fetchone()[0]
        posts = con.execute("SELECT post_id, date, ts, text, url, hash FROM posts WHERE channel_id = ? "
                            "ORDER BY post_id", (cid,)).fetchall()
        chunks = con.execute("SELECT post_id, chunk_no, text, active FROM chunks WHERE channel_id = ? "
                             "ORDER BY post_id, chunk_no", (cid,)).fetchall()
        live = con.execute("SELECT pos, text FROM chunks WHERE channel_id = ? AND active = 1 ORDER BY pos",
                           (cid,)).fetchall()
    return cid, [tuple(r) for r in posts], [tuple(r) for r in chunks], [tuple(r) for r in live]


def test_first_import_from_memory_equals_reading_back(shared_data, settings, embedder):
    import bm25s

    posts = parse_export(shared_data / EXPORT).posts
    lib = ChannelLibrary(settings, embedder)
    lib.import_posts(posts, "a")
    lib.import_posts(posts[: len(posts) // 2], "b")
    rep = lib.import_posts(posts, "b")
    assert rep.added == len(posts) - len(posts) // 2 and rep.unchanged == len(posts) // 2

    cid_a, posts_a, chunks_a, live_a = _rows(lib, "a")
    cid_b, posts_b, chunks_b, live_b = _rows(lib, "b")
    assert len(posts_a) == len({p.post_id for p in posts}) > 50
    assert posts_a == posts_b
    assert chunks_a == chunks_b
    expected = sorted((p.post_id, i, c, 1) for p in posts for i, c in enumerate(chunk_post(p.text, settings.chunk_chars)))
    assert chunks_a == expected

    for cid, live in ((cid_a, live_a), (cid_b, live_b)):
        index = lib._loaded(cid).index  # noqa: SLF001 - the saved index, loaded from disk
        assert index.bm25_pos.tolist() == [r[0] for r in live]
        ref = bm25s.BM25()
        ref.index(bm25_tokenize([r[1] for r in live]), show_progress=False)
        for q in QUERIES:
            ids_saved = [index._bm25.vocab_dict[t] for t in query_tokens(q) if t in index._bm25.vocab_dict]  # noqa: SLF001
            ids_ref = [ref.vocab_dict[t] for t in query_tokens(q) if t in ref.vocab_dict]
            assert len(ids_saved) == len(ids_ref)
            if ids_ref:
                assert np.array_equal(index._bm25.get_scores(ids_saved), ref.get_scores(ids_ref))  # noqa: SLF001

    for q in QUERIES:
        hits_a = [(h.post_id, round(h.score, 5)) for h in lib.search(q, channels=["a"], k=10, mode="bm25")]
        hits_b = [(h.post_id, round(h.score, 5)) for h in lib.search(q, channels=["b"], k=10, mode="bm25")]
        assert sorted(hits_a) == sorted(hits_b)
    assert any(lib.search(q, channels=["a"], k=3, mode="bm25") for q in QUERIES)
