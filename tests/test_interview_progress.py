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
