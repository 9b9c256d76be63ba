"""Interview progress per local profile, in SQLite under ``<data_dir>/interview/progress.sqlite3``.

Every attempt (and each of its key points, covered or missed) is written in one
transaction, so a failed write leaves no half attempt and never touches earlier ones;
the database runs in WAL mode and survives restarts. A failed write raises
:class:`~core.errors.StorageError` with a message the page can show.

Connections and the schema go through :mod:`core.storage` (#11b): :func:`core.storage.connect`
(WAL, ``synchronous=NORMAL``, rows by name) and :func:`core.storage.migrate` with
:data:`MIGRATIONS` (``PRAGMA user_version``). Migration 1 is the original schema written
with ``IF NOT EXISTS``, so a database made before versioning (``user_version`` 0, tables
present) is adopted as version 1 with its rows untouched.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import storage
from ..errors import StorageError

__all__ = ["MIGRATIONS", "Attempt", "ProgressStore", "clean_profile"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile TEXT NOT NULL,
    session_id TEXT NOT NULL,
    ts REAL NOT NULL,
    question_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    level TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    score INTEGER NOT NULL,
    correctness INTEGER NOT NULL,
    completeness INTEGER NOT NULL,
    structure INTEGER NOT NULL,
    off_topic INTEGER NOT NULL,
    flag TEXT NOT NULL,
    revision INTEGER NOT NULL,
    covered TEXT NOT NULL,
    missed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_profile ON attempts(profile, ts);
CREATE TABLE IF NOT EXISTS attempt_points (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id),
    key_point TEXT NOT NULL,
    covered INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempt_points_attempt ON attempt_points(attempt_id);
"""

MIGRATIONS: tuple[str, ...] = (_SCHEMA,)
"""Schema scripts, ``MIGRATIONS[i]`` takes ``user_version`` i to i + 1 (never edit a shipped one: add one)."""

BUSY_TIMEOUT_S = 10.0
"""SQLite busy timeout for progress writes (the value this store used before #11b: one
attempt is a few rows, so a longer wait would only hide a stuck writer)."""

_CSV_FIELDS = ("id", "profile", "session_id", "time", "question_id", "topic", "level", "lang", "question",
               "answer", "score", "correctness", "completeness", "structure", "off_topic", "flag", "revision",
               "covered", "missed")


def clean_profile(name: str) -> str:
    """A safe profile name: letters, digits, space, ``-`` and ``_``, at most 40 characters ("default" if empty)."""
    cleaned = re.sub(r"[^\w \-]", "", (name or "").strip(), flags=re.UNICODE)[:40].strip()
    return cleaned or "default"


@dataclass
class Attempt:
    """One scored answer.

    Attributes:
        session_id: the mock interview it belongs to.
        question_id: bank id of the question.
        topic, level, lang: of the question as asked.
        question: question text as shown.
        answer: the candidate's answer.
        score, correctness, completeness, structure: 0-100.
        off_topic: flagged off-topic.
        flag: scoring flag ("", "empty", "idk", "gibberish", "wrong_language", "off_topic").
        revision: 1 for the first answer to a question in a session, 2+ for resubmissions.
        covered: key points covered.
        missed: key points missed.
        ts: Unix time in seconds.
    """

    session_id: str
    question_id: str
    topic: str
    level: str
    lang: str
    question: str
    answer: str
    score: int
    correctness: int
    completeness: int
    structure: int
    off_topic: bool = False
    flag: str = ""
    revision: int = 1
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    ts: float = field(default_factory=time.time)


class ProgressStore:
    """Attempts of one local profile.

    Args:
        data_dir: ``settings.data_dir``; the database is ``<data_dir>/interview/progress.sqlite3``.
        profile: local profile name (cleaned by :func:`clean_profile`).

    Raises:
        StorageError: the database cannot be created or opened.
    """

    def __init__(self, data_dir: Path, profile: str = "default") -> None:
        self.path = Path(data_dir) / "interview" / "progress.sqlite3"
        self.profile = clean_profile(profile)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            storage.migrate(self.path, MIGRATIONS)
        except (OSError, sqlite3.Error, StorageError) as exc:
            raise StorageError(f"Cannot open the progress database ({type(exc).__name__}: {exc}).") from exc

    def _connect(self) -> sqlite3.Connection:
        return storage.connect(self.path, timeout_s=BUSY_TIMEOUT_S)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            with con:  # commits on success, rolls back on any exception
                yield con
        finally:
            con.close()

    def record(self, attempt: Attempt) -> int:
        """Save ``attempt`` and its key points in one transaction; return its row id.

        Raises:
            StorageError: the write failed; nothing of this attempt was saved and all
                earlier attempts are intact.
        """
        a = attempt
        try:
            with self._tx() as con:
                cur = con.execute(
                    "INSERT INTO attempts (profile, session_id, ts, question_id, topic, level, lang, question, answer,"
                    " score, correctness, completeness, structure, off_topic, flag, revision, covered, missed)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (self.profile, a.session_id, float(a.ts), a.question_id, a.topic, a.level, a.lang, a.question,
                     a.answer, int(a.score), int(a.correctness), int(a.completeness), int(a.structure),
                     int(bool(a.off_topic)), a.flag, int(a.revision),
                     json.dumps(list(a.covered), ensure_ascii=False), json.dumps(list(a.missed), ensure_ascii=False)),
                )
                row_id = int(cur.lastrowid)
                con.executemany(
                    "INSERT INTO attempt_points (attempt_id, key_point, covered) VALUES (?,?,?)",
                    [(row_id, k, 1) for k in a.covered] + [(row_id, k, 0) for k in a.missed],
                )
            return row_id
        except (sqlite3.Error, StorageError) as exc:
            raise StorageError(
                f"Could not save this attempt ({type(exc).__name__}: {exc}); your earlier attempts are safe."
            ) from exc

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            con = self._connect()
            try:
                con.row_factory = sqlite3.Row
                return list(con.execute(sql, params))
            finally:
                con.close()
        except (sqlite3.Error, StorageError) as exc:
            raise StorageError(f"Cannot read the progress database ({type(exc).__name__}: {exc}).") from exc

    def attempts(self) -> list[dict[str, Any]]:
        """All attempts of this profile, oldest first, as dicts (``covered``/``missed`` as lists)."""
        rows = self._query("SELECT * FROM attempts WHERE profile = ? ORDER BY ts, id", (self.profile,))
        out = []
        for r in rows:
            d = dict(r)
            d["covered"] = json.loads(d["covered"])
            d["missed"] = json.loads(d["missed"])
            d["off_topic"] = bool(d["off_topic"])
            out.append(d)
        return out

    def profiles(self) -> list[str]:
        """Every profile that has attempts, sorted."""
        return [r[0] for r in self._query("SELECT DISTINCT profile FROM attempts ORDER BY profile")]

    def topic_history(self) -> list[dict[str, Any]]:
        """Per day and topic: mean score and attempt count (for the progress chart).

        Returns:
            Dicts ``{"day": "YYYY-MM-DD", "topic", "score": float, "attempts": int}`` sorted by day.
        """
        rows = self._query(
            "SELECT date(ts, 'unixepoch', 'localtime') AS day, topic, AVG(score) AS score, COUNT(*) AS attempts"
            " FROM attempts WHERE profile = ? GROUP BY day, topic ORDER BY day, topic", (self.profile,))
        return [dict(r) for r in rows]

    def topic_summary(self) -> list[dict[str, Any]]:
        """Per topic: mean score, attempts, and mean of the last 5 attempts; weakest first."""
        out = []
        by_topic: dict[str, list[int]] = {}
        for a in self.attempts():
            by_topic.setdefault(a["topic"], []).append(a["score"])
        for topic, scores in by_topic.items():
            out.append({"topic": topic, "attempts": len(scores), "mean": sum(scores) / len(scores),
                        "recent": sum(scores[-5:]) / len(scores[-5:])})
        return sorted(out, key=lambda d: d["recent"])

    def weakest_key_points(self, limit: int = 10) -> list[dict[str, Any]]:
        """Key points missed most often (by miss rate, then count), with their question.

        Returns:
            Dicts ``{"key_point", "question_id", "topic", "missed", "seen", "miss_rate"}``.
        """
        rows = self._query(
            # #11p: aggregates spelled out (PostgreSQL allows no output alias inside HAVING or an
            # ORDER BY expression, nor an ungrouped column: MIN(topic) is the question's topic)
            "SELECT p.key_point, a.question_id, MIN(a.topic) AS topic, SUM(1 - p.covered) AS missed,"
            " COUNT(*) AS seen FROM attempt_points p JOIN attempts a ON a.id = p.attempt_id WHERE a.profile = ?"
            " GROUP BY p.key_point, a.question_id HAVING SUM(1 - p.covered) > 0"
            " ORDER BY CAST(SUM(1 - p.covered) AS REAL) / COUNT(*) DESC, SUM(1 - p.covered) DESC LIMIT ?",
            (self.profile, int(limit)))
        return [{**dict(r), "miss_rate": r["missed"] / r["seen"]} for r in rows]

    def topics_to_review(self, limit: int = 3, below: float = 70.0) -> list[str]:
        """Topics whose recent mean score is under ``below``, weakest first."""
        return [d["topic"] for d in self.topic_summary() if d["recent"] < below][:limit]

    def export_csv(self) -> bytes:
        """All attempts of this profile as UTF-8 CSV (with BOM, so spreadsheet apps read Cyrillic)."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=_CSV_FIELDS)
        writer.writeheader()
        for a in self.attempts():
            row = {k: a.get(k) for k in _CSV_FIELDS}
            row["time"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(a["ts"]))
            row["covered"] = "; ".join(a["covered"])
            row["missed"] = "; ".join(a["missed"])
            writer.writerow(row)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    @staticmethod
    def as_dict(attempt: Attempt) -> dict[str, Any]:
        """``dataclasses.asdict`` of an attempt (for session state)."""
        return asdict(attempt)
