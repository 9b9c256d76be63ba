"""Long work (paper ingest, channel import) as jobs with progress to poll, kept across restarts.

Jobs run on the process's one bounded pool for long work (:func:`core.jobs.heavy_pool`:
``settings.heavy_workers`` at a lower OS priority, shared with the pages and the bot), so
questions keep answering meanwhile. Their state lives in SQLite through
:mod:`core.storage` (``<data_dir>/api/jobs.sqlite3``, WAL, ``user_version`` migrations):
a client can poll a job's result after the server restarts, and a job that was queued or
running when the server stopped is reported as failed ("interrupted by a restart; submit
it again": its input is not kept, and what it had saved is whole because every save is
atomic). At most :data:`MAX_JOBS` finished jobs are kept, oldest dropped first; progress
of a running job is kept in memory and written with each state change.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError, MargoError
from ..jobs import HeavyPool
from ..storage import migrate, transaction

__all__ = ["MAX_JOBS", "Job", "JobRunner"]

MAX_JOBS = 500
"""Finished jobs remembered (older ones are forgotten, oldest first): a client polls a job
within minutes; 500 covers the 20 imports an hour per user of a busy server's users."""

Status = Literal["queued", "running", "done", "failed"]
Progress = Callable[[str, int, int], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_ts REAL NOT NULL,
    finished_ts REAL
);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs(finished_ts);
"""

INTERRUPTED = {"type": "StorageError", "message": "The job was interrupted by a server restart; submit it again.",
               "message_ru": "Задача прервана перезапуском сервера; отправьте её ещё раз."}


@dataclass
class Job:
    """One unit of long work.

    Attributes:
        id: 32-hex id.
        kind: "reader.ingest", "channels.import", "channels.import_public".
        owner: the client that started it (only it may read it).
        status: queued, running, done or failed.
        stage / done / total: progress ("fetch" pages, "embed" chunks, ...).
        result: the work's JSON result when done.
        error: ``{"type", "message", "message_ru"}`` when failed.
        created_ts / finished_ts: Unix seconds.
    """

    id: str
    kind: str
    owner: str
    status: Status = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    created_ts: float = field(default_factory=time.time)
    finished_ts: float | None = None

    def as_json(self) -> dict[str, Any]:
        """The API's job object."""
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": {"stage": self.stage, "done": self.done, "total": self.total},
                "result": self.result, "error": self.error, "created_ts": self.created_ts,
                "finished_ts": self.finished_ts}


class JobRunner:
    """Runs jobs on a bounded pool and keeps their state in SQLite.

    Args:
        path: the jobs database (created when missing); None keeps jobs in memory only.
        pool: the pool that runs the work (default: a private one-worker pool; the API
            passes the process's :func:`core.jobs.heavy_pool`).

    Raises:
        StorageError: the database cannot be opened.
    """

    MIGRATIONS = (_SCHEMA,)
    """Schema scripts by version (``PRAGMA user_version``); add new ones, never edit old ones."""

    def __init__(self, path: Path | None = None, pool: HeavyPool | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._own_pool = pool is None
        self._pool = pool or HeavyPool(workers=1, nice=0, name="margo-api-job")
        self._live: dict[str, Job] = {}  # queued or running in this process
        self._memory: dict[str, Job] = {}  # finished, when there is no database
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.path, self.MIGRATIONS)
            with transaction(self.path, immediate=True) as con:  # jobs a stopped server left unfinished
                con.execute("UPDATE jobs SET status = 'failed', error = ?, finished_ts = ? "
                            "WHERE status IN ('queued', 'running')",
                            (json.dumps(INTERRUPTED, ensure_ascii=False), time.time()))

    # --------------------------------------------------------------- storage
    def _write(self, job: Job) -> None:
        if self.path is None:
            if job.status in ("done", "failed"):
                with self._lock:
                    self._memory[job.id] = job
                    for old in sorted(self._memory.values(), key=lambda j: j.finished_ts or 0)[
                            : max(0, len(self._memory) - MAX_JOBS)]:
                        self._memory.pop(old.id, None)
            return
        row = (job.kind, job.owner, job.status, job.stage, job.done, job.total,
               json.dumps(job.result, ensure_ascii=False) if job.result is not None else None,
               json.dumps(job.error, ensure_ascii=False) if job.error is not None else None,
               job.created_ts, job.finished_ts, job.id)
        with transaction(self.path, immediate=True) as con:
            if con.execute("SELECT 1 FROM jobs WHERE id = ?", (job.id,)).fetchone():
                con.execute("UPDATE jobs SET kind=?, owner=?, status=?, stage=?, done=?, total=?, result=?, "
                            "error=?, created_ts=?, finished_ts=? WHERE id = ?", row)
            else:
                con.execute("INSERT INTO jobs(kind, owner, status, stage, done, total, result, error, created_ts, "
                            "finished_ts, id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
            if job.status in ("done", "failed"):  # keep the newest MAX_JOBS finished ones
                edge = con.execute("SELECT finished_ts FROM jobs WHERE finished_ts IS NOT NULL "
                                   "ORDER BY finished_ts DESC LIMIT 1 OFFSET ?", (MAX_JOBS,)).fetchone()
                if edge is not None:
                    con.execute("DELETE FROM jobs WHERE finished_ts IS NOT NULL AND finished_ts <= ?", (edge[0],))

    def _read(self, job_id: str) -> Job | None:
        if self.path is None:
            return self._memory.get(job_id)
        with transaction(self.path) as con:
            r = con.execute("SELECT id, kind, owner, status, stage, done, total, result, error, created_ts, "
                            "finished_ts FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if r is None:
            return None
        return Job(id=r[0], kind=r[1], owner=r[2], status=r[3], stage=r[4], done=int(r[5]), total=int(r[6]),
                   result=json.loads(r[7]) if r[7] else None, error=json.loads(r[8]) if r[8] else None,
                   created_ts=float(r[9]), finished_ts=float(r[10]) if r[10] is not None else None)

    def stored(self) -> int:
        """Jobs kept (finished and unfinished)."""
        if self.path is None:
            return len(self._memory) + len(self._live)
        with transaction(self.path) as con:
            return int(con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])

    # ------------------------------------------------------------------ work
    def submit(self, kind: str, owner: str, work: Callable[[Progress], dict[str, Any]]) -> Job:
        """Queue ``work(progress)``; returns the job at once (already saved as "queued").

        Raises:
            StorageError: the job cannot be recorded (nothing is queued).
        """
        job = Job(id=uuid.uuid4().hex, kind=kind, owner=owner)
        self._write(job)
        with self._lock:
            self._live[job.id] = job

        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, int(done), int(total)

        def run() -> None:
            job.status = "running"
            status, result, error = "failed", None, None
            try:
                self._write(job)
                result = work(progress)
                status = "done"
            except MargoError as exc:
                error = {"type": type(exc).__name__, "message": str(exc), "message_ru": exc.localized("ru")}
            except Exception as exc:  # noqa: BLE001 - a job must always finish with a state
                error = {"type": "InternalError", "message": f"The job failed unexpectedly ({type(exc).__name__})."}
            finally:
                # saved before the live job shows it finished: whoever sees "done" here
                # (``wait``, a poll) finds it in the database too
                final = replace(job, status=status, result=result, error=error, finished_ts=time.time())
                try:
                    self._write(final)
                finally:
                    job.result, job.error, job.finished_ts = final.result, final.error, final.finished_ts
                    job.status = final.status
                    with self._lock:
                        self._live.pop(job.id, None)
                        self._futures.pop(job.id, None)

        fut = self._pool.submit(run)
        with self._lock:
            if job.id in self._live:
                self._futures[job.id] = fut
        return job

    def get(self, job_id: str, owner: str) -> Job:
        """The job ``job_id`` of ``owner`` (from memory while it runs here, else from the database).

        Raises:
            InputError: no such job for this client.
        """
        with self._lock:
            job = self._live.get(job_id)
        if job is None:
            job = self._read(job_id)
        if job is None or job.owner != owner:
            raise InputError(f"No job {job_id!r} (finished jobs are kept until {MAX_JOBS} newer ones finish).")
        return job

    def wait(self, job_id: str, owner: str, timeout_s: float = 60.0) -> Job:
        """Block until the job finishes or ``timeout_s`` passes (tests, scripts); returns it."""
        end = time.monotonic() + timeout_s
        job = self.get(job_id, owner)
        while job.status in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
            job = self.get(job_id, owner)
        return job

    def shutdown(self) -> None:
        """Stop: this runner's queued jobs are cancelled (they read "interrupted" after a
        restart); a private pool waits for its running job."""
        with self._lock:
            futures = list(self._futures.values())
        for fut in futures:
            fut.cancel()
        if self._own_pool:
            self._pool.shutdown(wait=True)
