"""Progress in SQLite: survives a restart, a failed write loses nothing, CSV export, dashboard queries."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from core.errors import StorageError
from core.interview.progress import Attempt, ProgressStore, clean_profile


def _attempt(qid="cml-001", topic="classic_ml", score=50, covered=("a",), missed=("b",), ts=1_700_000_000.0, rev=1):
    return Attempt("s1", qid, topic, "junior", "ru", "Вопрос?", "Ответ с «кавычками»", score, score, score, score,
                   False, "", rev, list(covered), list(missed), ts)


def test_attempts_survive_a_restart(settings):
    store = ProgressStore(settings.data_dir, "Анна")
    store.record(_attempt(score=40))
    store.record(_attempt(qid="met-001", topic="metrics_validation", score=80, ts=1_700_086_400.0))
    del store
    reopened = ProgressStore(settings.data_dir, "Анна")
    rows = reopened.attempts()
    assert [r["score"] for r in rows] == [40, 80]
    assert rows[0]["covered"] == ["a"] and rows[0]["missed"] == ["b"]
    assert reopened.profiles() == ["Анна"]
    assert ProgressStore(settings.data_dir, "other").attempts() == []
    assert (settings.data_dir / "interview" / "progress.sqlite3").is_file()


def test_failed_write_keeps_earlier_attempts_and_leaves_no_half_attempt(settings, monkeypatch):
    store = ProgressStore(settings.data_dir, "p")
    store.record(_attempt(score=30))
    real_connect = store._connect

    class FailingConnection:
        """Lets the attempt row through, then fails on its key points (a mid-transaction crash)."""

        def __init__(self):
            self._con = real_connect()

        def __getattr__(self, name):
            return getattr(self._con, name)

        def __enter__(self):
            return self._con.__enter__()

        def __exit__(self, *exc):
            return self._con.__exit__(*exc)

        def executemany(self, *a, **k):
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_connect", FailingConnection)
    with pytest.raises(StorageError, match="earlier attempts are safe"):
        store.record(_attempt(score=99, covered=("x", "y")))
    monkeypatch.undo()
    rows = ProgressStore(settings.data_dir, "p").attempts()
    assert [r["score"] for r in rows] == [30]
    con = sqlite3.connect(settings.data_dir / "interview" / "progress.sqlite3")
    assert con.execute("SELECT COUNT(*) FROM attempt_points").fetchone()[0] == 2
    con.close()


def test_dashboard_queries_and_csv_export(settings):
    store = ProgressStore(settings.data_dir, "p")
    store.record(_attempt(score=20, covered=(), missed=("L1 gives sparse weights", "L2 shrinks weights")))
    store.record(_attempt(score=60, covered=("L2 shrinks weights",), missed=("L1 gives sparse weights",), rev=2))
    store.record(_attempt(qid="met-001", topic="metrics_validation", score=90, covered=("precision",), missed=()))
    weakest = store.weakest_key_points()
    assert weakest[0]["key_point"] == "L1 gives sparse weights" and weakest[0]["miss_rate"] == 1.0
    assert store.topics_to_review() == ["classic_ml"]
    hist = store.topic_history()
    assert {h["topic"] for h in hist} == {"classic_ml", "metrics_validation"}
    assert all(h["day"].count("-") == 2 for h in hist)
    data = store.export_csv()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0]["answer"] == "Ответ с «кавычками»"
    assert rows[1]["revision"] == "2" and rows[0]["missed"] == "L1 gives sparse weights; L2 shrinks weights"


def test_profile_names_are_cleaned():
    assert clean_profile("  ../../etc/passwd ") == "etcpasswd"
    assert clean_profile("") == "default"
    assert clean_profile("Мария Ш.") == "Мария Ш"


# The schema as the store wrote it before #11b (executescript, no user_version): a copy, so a
# later change to the store's schema cannot hide a broken upgrade of an existing file.
_OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, profile TEXT NOT NULL, session_id TEXT NOT NULL, ts REAL NOT NULL,
    question_id TEXT NOT NULL, topic TEXT NOT NULL, level TEXT NOT NULL, lang TEXT NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, score INTEGER NOT NULL, correctness INTEGER NOT NULL,
    completeness INTEGER NOT NULL, structure INTEGER NOT NULL, off_topic INTEGER NOT NULL, flag TEXT NOT NULL,
    revision INTEGER NOT NULL, covered TEXT NOT NULL, missed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_profile ON attempts(profile, ts);
CREATE TABLE IF NOT EXISTS attempt_points (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id), key_point TEXT NOT NULL, covered INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempt_points_attempt ON attempt_points(attempt_id);
"""


def test_database_in_the_old_schema_keeps_working(settings):
    path = settings.data_dir / "interview" / "progress.sqlite3"
    path.parent.mkdir(parents=True)
    con = sqlite3.connect(path)
    con.executescript(_OLD_SCHEMA)
    con.execute(
        "INSERT INTO attempts (profile, session_id, ts, question_id, topic, level, lang, question, answer, score,"
        " correctness, completeness, structure, off_topic, flag, revision, covered, missed)"
        " VALUES ('Анна','s0',1690000000.0,'cml-001','classic_ml','junior','ru','Q?','A.',55,50,60,70,0,'',1,"
        "'[\"a\"]','[\"b\"]')")
    con.execute("INSERT INTO attempt_points VALUES (1, 'a', 1), (1, 'b', 0)")
    con.commit()
    assert con.execute("PRAGMA user_version").fetchone()[0] == 0
    con.close()

    store = ProgressStore(settings.data_dir, "Анна")
    rows = store.attempts()
    assert [(r["score"], r["covered"], r["missed"]) for r in rows] == [(55, ["a"], ["b"])]
    store.record(_attempt(score=90, ts=1_700_000_000.0))
    assert [r["score"] for r in ProgressStore(settings.data_dir, "Анна").attempts()] == [55, 90]
    assert {d["key_point"] for d in store.weakest_key_points()} >= {"b"}
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT COUNT(*) FROM attempt_points").fetchone()[0] == 4
    con.close()


def test_database_from_a_newer_margo_is_refused_untouched(settings):
    path = settings.data_dir / "interview" / "progress.sqlite3"
    ProgressStore(settings.data_dir, "p").record(_attempt(score=10))
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 7")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="progress database"):
        ProgressStore(settings.data_dir, "p")
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    con.close()
