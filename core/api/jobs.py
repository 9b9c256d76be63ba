"""Long work (paper ingest, channel import) as jobs with progress to poll.

One worker thread runs jobs in submission order: ingest and import are CPU-bound
(embedding) and the machine has few cores, so running them one at a time keeps
questions answering meanwhile. Jobs live in memory (a restart forgets them; their
results are on disk) and the oldest finished ones are dropped past :data:`MAX_JOBS`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import InputError, MargoError

__all__ = ["MAX_JOBS", "Job", "JobRunner"]

MAX_JOBS = 500
"""Jobs remembered at once (finished ones beyond this are forgotten, oldest first)."""

Status = Literal["queued", "running", "done", "failed"]
Progress = Callable[[str, int, int], None]


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
        error: ``{"type", "message"}`` when failed.
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
    """Runs jobs on one background thread and remembers their state."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="margo-api-job")

    def submit(self, kind: str, owner: str, work: Callable[[Progress], dict[str, Any]]) -> Job:
        """Queue ``work(progress)``; returns the job at once."""
        job = Job(id=uuid.uuid4().hex, kind=kind, owner=owner)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.status in ("done", "failed")]
            for old in finished[: max(0, len(self._jobs) - MAX_JOBS)]:
                self._jobs.pop(old.id, None)

        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, int(done), int(total)

        def run() -> None:
            job.status = "running"
            try:
                job.result = work(progress)
                job.status = "done"
            except MargoError as exc:
                job.error = {"type": type(exc).__name__, "message": str(exc), "message_ru": exc.localized("ru")}
                job.status = "failed"
            except Exception as exc:  # noqa: BLE001 - a job must always finish with a state
                job.error = {"type": "InternalError", "message": f"The job failed unexpectedly ({type(exc).__name__})."}
                job.status = "failed"
            finally:
                job.finished_ts = time.time()

        self._pool.submit(run)
        return job

    def get(self, job_id: str, owner: str) -> Job:
        """The job ``job_id`` of ``owner``.

        Raises:
            InputError: no such job for this client.
        """
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise InputError(f"No job {job_id!r} (jobs are kept in memory until the server restarts).")
        return job

    def wait(self, job_id: str, owner: str, timeout_s: float = 60.0) -> Job:
        """Block until the job finishes or ``timeout_s`` passes (tests, scripts); returns it."""
        end = time.monotonic() + timeout_s
        job = self.get(job_id, owner)
        while job.status in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for the running one."""
        self._pool.shutdown(wait=True, cancel_futures=True)
