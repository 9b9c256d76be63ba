"""Workspaces, identity, migration from the single-user layout, limits, storage helpers (#11)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from core.errors import AccessError, QuotaError, RateLimitError, StorageError
from core.identity import require_admin, resolve_identity, workspace_for
from core.interview.progress import Attempt, ProgressStore
from core.limits import LRUCache, RateLimiter
from core.settings import Settings
from core.storage import atomic_replace_dir, atomic_write_bytes, file_lock, integrity_check, migrate
from core.workspace import Workspace, local_workspace, migrate_legacy_layout, sweep_anonymous


def _attempt(answer: str = "a") -> Attempt:
    return Attempt("s1", "q1", "classic_ml", "junior", "en", "What is overfitting?", answer, 50, 50, 50, 50)


def test_local_mode_is_one_admin_user(settings):
    who = resolve_identity(settings, {"is_logged_in": True, "sub": "x"}, "whatever-session")
    assert (who.user_id, who.kind, who.is_admin) == ("local", "local", True)


def test_signed_in_and_anonymous_users_get_distinct_workspaces(tmp_path):
    cfg = Settings(data_dir=tmp_path, multi_user=True, admin_users="boss@example.org")
    alice = resolve_identity(cfg, {"is_logged_in": True, "iss": "https://idp", "sub": "1", "email": "a@x.org"}, "s" * 10)
    boss = resolve_identity(cfg, {"is_logged_in": True, "iss": "https://idp", "sub": "2",
                                  "email": "Boss@example.org"}, "s" * 10)
    anon1 = resolve_identity(cfg, {}, "session-one-123")
    anon2 = resolve_identity(cfg, {"is_logged_in": False}, "session-two-456")
    ids = {alice.user_id, boss.user_id, anon1.user_id, anon2.user_id}
    assert len(ids) == 4
    assert "a@x.org" not in alice.user_id  # no personal data in folder names
    assert boss.is_admin and not alice.is_admin and not anon1.is_admin
    assert anon1.kind == "anonymous" and workspace_for(cfg, anon1).anonymous
    with pytest.raises(AccessError):
        require_admin(alice, "publish a channel")
    with pytest.raises(AccessError):
        resolve_identity(cfg, {}, "../../etc")


def test_two_users_progress_is_isolated(tmp_path):
    cfg = Settings(data_dir=tmp_path, multi_user=True)
    a = Workspace.for_user(cfg, "anon-aaaaaaaaaa")
    b = Workspace.for_user(cfg, "anon-bbbbbbbbbb")
    ProgressStore(a.scoped(cfg).data_dir).record(_attempt("alice's answer"))
    assert ProgressStore(a.scoped(cfg).data_dir).attempts()[0]["answer"] == "alice's answer"
    assert ProgressStore(b.scoped(cfg).data_dir).attempts() == []
    b.delete()  # b deleting its data leaves a's alone
    assert len(ProgressStore(a.scoped(cfg).data_dir).attempts()) == 1
    with pytest.raises(AccessError):
        a.path("..", "anon-bbbbbbbbbb", "x")


def test_legacy_layout_moves_into_the_local_workspace(tmp_path):
    cfg = Settings(data_dir=tmp_path)
    ProgressStore(tmp_path).record(_attempt("old answer"))  # the earlier layout: <data_dir>/interview/...
    (tmp_path / "indexes" / "abc").mkdir(parents=True)
    (tmp_path / "indexes" / "abc" / "source.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "interview" / "cache").mkdir()
    ws = local_workspace(cfg)
    assert (ws.root / "indexes" / "abc" / "source.pdf").read_bytes() == b"%PDF-1.4"
    assert ProgressStore(ws.scoped(cfg).data_dir).attempts()[0]["answer"] == "old answer"
    assert (tmp_path / "interview" / "cache").is_dir()  # shared cache stays shared
    assert migrate_legacy_layout(cfg) == []  # a second start has nothing to do


def test_quota_and_anonymous_sweep(tmp_path):
    cfg = Settings(data_dir=tmp_path, workspace_quota_mb=1, multi_user=True)
    ws = Workspace.for_user(cfg, "anon-cccccccccc")
    ws.path("x.bin").write_bytes(b"0" * 900_000)
    ws.check_quota(cfg, 50_000)
    with pytest.raises(QuotaError, match="MARGO_WORKSPACE_QUOTA_MB"):
        ws.check_quota(cfg, 200_000)
    keep = Workspace.for_user(cfg, "local")
    assert sweep_anonymous(cfg, max_age_s=3600, now=ws.root.stat().st_mtime + 7200) == 1
    assert not ws.root.exists() and keep.root.exists()


def test_rate_limiter_refuses_with_retry_after():
    now = [0.0]
    lim = RateLimiter({"question": (3, 60.0)}, clock=lambda: now[0])
    for _ in range(3):
        lim.check("u1", "question")
    with pytest.raises(RateLimitError, match="3 per minute") as info:
        lim.check("u1", "question")
    assert 0 < info.value.retry_after_s <= 60
    lim.check("u2", "question")  # another user is not affected
    now[0] = 61.0
    lim.check("u1", "question")


def test_lru_cache_is_bounded():
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)  # b is the least recently used
    assert cache.get("b") is None and cache.get("a") == 1 and len(cache) == 2


def test_migrations_and_integrity(tmp_path):
    db = tmp_path / "x.sqlite"
    v1 = ["CREATE TABLE t (a INTEGER);"]
    assert migrate(db, v1) == 1
    assert migrate(db, [*v1, "ALTER TABLE t ADD COLUMN b TEXT; CREATE INDEX t_b ON t(b);"]) == 2
    con = sqlite3.connect(db)
    assert [r[1] for r in con.execute("PRAGMA table_info(t)")] == ["a", "b"]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    with pytest.raises(StorageError, match="newer Margo"):
        migrate(db, v1)
    with pytest.raises(StorageError):  # a broken script leaves the version as it was
        migrate(db, [*v1, "ALTER TABLE t ADD COLUMN b TEXT;", "NOT SQL;"])
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 2
    assert integrity_check(db) == "ok"


def test_atomic_writes_keep_the_old_content_on_failure(tmp_path):
    target = tmp_path / "f.json"
    atomic_write_bytes(target, b"old")
    folder = tmp_path / "idx"
    with atomic_replace_dir(folder) as tmp:
        (tmp / "a").write_text("1")
    with pytest.raises(RuntimeError), atomic_replace_dir(folder) as tmp:
        (tmp / "a").write_text("2")
        raise RuntimeError("crash while building")
    assert (folder / "a").read_text() == "1"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_file_lock_serialises_threads(tmp_path):
    inside, overlaps = [0], []

    def work() -> None:
        with file_lock(tmp_path / "x.lock"):
            inside[0] += 1
            overlaps.append(inside[0])
            threading.Event().wait(0.02)
            inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert overlaps == [1] * 6


def test_ocr_cache_is_per_workspace_and_goes_with_delete_my_data(tmp_path):
    """#11h: a recognised scan (its text) is cached in the uploader's workspace, not in a
    folder all users share: another user uploading the same image runs OCR in their own
    workspace and never reads the first user's cache; deleting the workspace removes it."""
    import pymupdf

    from core.embeddings import get_embedder
    from core.reader import Reader
    from core.reader.ocr import load_ocr_report, ocr_status

    if not ocr_status("eng").available:
        pytest.skip("Tesseract (Debian tesseract-ocr, tesseract-ocr-eng) is not installed")
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=250)
    page.insert_text((30, 80), "Gradient descent lowers the loss.", fontsize=26)
    page.insert_text((30, 150), "Dropout reduces overfitting.", fontsize=26)
    png = page.get_pixmap(dpi=200).tobytes("png")
    cfg = Settings(data_dir=tmp_path / "data", multi_user=True)
    alice, bob = Workspace.for_user(cfg, "anon-alice-session"), Workspace.for_user(cfg, "anon-bob-session")
    emb = get_embedder()
    opened = Reader(settings=alice.scoped(cfg), embedder=emb, llm=None).open(png)
    assert opened.n_pages == 1
    assert load_ocr_report(png, alice.root / "ocr") is not None  # alice's own cache
    assert load_ocr_report(png, bob.root / "ocr") is None  # nothing under bob
    assert not (tmp_path / "data" / "ocr").exists()  # and nothing shared
    Reader(settings=bob.scoped(cfg), embedder=emb, llm=None).open(png)
    assert load_ocr_report(png, bob.root / "ocr") is not None
    alice.delete()
    assert load_ocr_report(png, alice.root / "ocr") is None
    assert load_ocr_report(png, bob.root / "ocr") is not None  # bob's copy is his


def test_lru_forgets_a_deleted_users_entries():
    cache: LRUCache[tuple[str, str], int] = LRUCache(10)
    for user in ("alice", "bob"):
        for doc in ("d1", "d2"):
            cache.put((user, doc), 1)
    assert cache.pop_where(lambda key: key[0] == "alice") == 2
    assert len(cache) == 2 and cache.get(("alice", "d1")) is None and cache.get(("bob", "d2")) == 1
