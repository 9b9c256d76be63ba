"""Channels under load and bad input (#11): serialised imports of one channel, concurrent
imports of different channels, bounded parsing (deep nesting, giant posts, big numbers)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from core.channels import ChannelLibrary
from core.channels.parsers import parse_export
from core.embeddings import get_embedder
from core.errors import MalformedExportError
from core.settings import Settings
from core.storage import integrity_check

WORDS = ("модель", "данные", "обучение", "сеть", "статья", "model", "training", "dataset", "paper", "loss")


def _export(path: Path, name: str, ids: range) -> Path:
    msgs = [{"id": i, "type": "message", "date": f"2024-01-{1 + i % 28:02d}T10:00:00",
             "text": f"Пост {i}: {WORDS[i % 10]} {WORDS[(i * 3) % 10]} и ещё {WORDS[(i * 7) % 10]} номер {i}"}
            for i in ids]
    path.write_text(json.dumps({"name": name, "type": "public_channel", "id": 1, "messages": msgs},
                               ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def _run_all(targets) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrap(fn):
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def test_same_channel_imported_twice_at_once_has_no_duplicates(tmp_path, embedder):
    lib = ChannelLibrary(Settings(data_dir=tmp_path / "d"), embedder)
    lib.import_export(_export(tmp_path / "old.json", "chan", range(1, 41)))
    newer = _export(tmp_path / "new.json", "chan", range(1, 61))  # 20 new posts
    assert _run_all([lambda: lib.import_export(newer), lambda: lib.import_export(newer)]) == []
    con = sqlite3.connect(lib.store.path)
    assert con.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 60
    assert con.execute("SELECT COUNT(*) FROM chunks WHERE active = 1").fetchone()[0] == 60
    assert integrity_check(lib.store.path) == "ok"
    hits = lib.search("обучение", k=5)
    assert len({h.post_id for h in hits}) == len(hits)


def test_different_channels_import_concurrently(tmp_path, embedder):
    lib = ChannelLibrary(Settings(data_dir=tmp_path / "d"), embedder)
    files = [_export(tmp_path / f"c{i}.json", f"chan{i}", range(1, 16)) for i in range(4)]
    assert _run_all([lambda f=f: lib.import_export(f) for f in files]) == []
    assert sorted(c.name for c in lib.channels()) == ["chan0", "chan1", "chan2", "chan3"]
    assert all(c.n_posts == 15 for c in lib.channels())


def test_deep_nesting_is_refused_quickly(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"name":"x","messages":[{"id":1,"type":"message","text":"hello there","x":'
                    + "[" * 200_000 + "]" * 200_000 + "}]}")
    with pytest.raises(MalformedExportError, match="nested more than 64 levels"):
        parse_export(deep)


def test_giant_post_is_cut_and_big_numbers_are_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"name": "x", "messages": [
        {"id": 1, "type": "message", "text": "слово " * 200_000, "views": 12345678901234567890},
        {"id": 2, "type": "message", "text": "a short post", "date_unixtime": 99999999999999999999},
    ]}, ensure_ascii=False), encoding="utf-8")
    out = parse_export(path, max_post_chars=5_000)
    assert [len(p.text) <= 5_000 for p in out.posts] == [True, True]
    assert out.posts[1].text == "a short post" and out.truncated == 1


def test_unclosed_html_tag_is_refused(tmp_path):
    page = tmp_path / "messages.html"
    page.write_text('<div class="message default clearfix" id="message1"><div class="text">'
                    + "abc <" * 400_000 + "</div></div>")
    with pytest.raises(MalformedExportError, match="does not end"):
        parse_export(page)


def test_long_csv_field_is_read_not_refused(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_text("message_id,date,message_text\n1,2024-01-01," + "ab [" * 100_000 + "\n2,2024-01-02,hello there\n")
    out = parse_export(path, max_post_chars=2_000)
    assert [p.post_id for p in out.posts] == [1, 2]
