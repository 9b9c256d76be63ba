"""API jobs (#11): state kept in SQLite through core.storage (a restart keeps finished jobs'
results and reports unfinished ones as interrupted), bounded in number, run on the bounded pool."""

from __future__ import annotations

import threading
import time

from core.api import jobs as jobs_mod
from core.api.jobs import INTERRUPTED, JobRunner
from core.errors import InputError
from core.jobs import HeavyPool
from core.storage import integrity_check


def test_finished_job_survives_a_restart_and_unfinished_one_reads_interrupted(tmp_path):
    db = tmp_path / "api" / "jobs.sqlite3"
    pool = HeavyPool(workers=1, nice=0)
    runner = JobRunner(db, pool)
    done = runner.submit("channels.import", "alice", lambda progress: {"added": 3})
    assert runner.wait(done.id, "alice", 10).status == "done"
    gate = threading.Event()
    stuck = runner.submit("reader.ingest", "alice", lambda progress: gate.wait(30) and {})
    queued = runner.submit("reader.ingest", "bob", lambda progress: {})
    assert runner.get(stuck.id, "alice").status in ("queued", "running")
    deadline = time.monotonic() + 30  # the old server has saved it as running before it "restarts"
    while runner._read(stuck.id).status != "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    # the server "restarts": a new runner on the same database, the old one never finished
    again = JobRunner(db, HeavyPool(workers=1, nice=0))
    assert again.get(done.id, "alice").result == {"added": 3}
    for job_id, owner in ((stuck.id, "alice"), (queued.id, "bob")):
        lost = again.get(job_id, owner)
        assert lost.status == "failed" and lost.error == INTERRUPTED
    gate.set()
    pool.shutdown()
    assert integrity_check(db) == "ok"


def test_a_job_is_only_visible_to_its_owner_and_errors_are_kept(tmp_path):
    runner = JobRunner(tmp_path / "jobs.sqlite3")

    def broken(progress):
        progress("embed", 1, 2)
        raise InputError("The file is empty.", key="errors.pdf.empty")

    job = runner.submit("reader.ingest", "alice", broken)
    assert runner.wait(job.id, "alice", 10).status == "failed"
    try:
        runner.get(job.id, "mallory")
        raise AssertionError("another client read the job")
    except InputError:
        pass
    stored = JobRunner(tmp_path / "jobs.sqlite3").get(job.id, "alice")
    assert stored.error["type"] == "InputError" and stored.error["message"] == "The file is empty."
    assert stored.error["message_ru"] and stored.error["message_ru"] != stored.error["message"]
    runner.shutdown()


def test_finished_jobs_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs_mod, "MAX_JOBS", 5)
    runner = JobRunner(tmp_path / "jobs.sqlite3")
    ids = []
    for i in range(12):
        job = runner.submit("channels.import", "alice", lambda progress, i=i: {"i": i})
        runner.wait(job.id, "alice", 10)
        ids.append(job.id)
    assert runner.stored() <= 6  # MAX_JOBS newest finished (ties on the same timestamp kept)
    assert runner.get(ids[-1], "alice").result == {"i": 11}
    try:
        runner.get(ids[0], "alice")
        raise AssertionError("the oldest job was kept")
    except InputError:
        pass
    runner.shutdown()


def test_in_memory_runner_is_bounded_too(monkeypatch):
    monkeypatch.setattr(jobs_mod, "MAX_JOBS", 3)
    runner = JobRunner(None)
    for i in range(8):
        runner.wait(runner.submit("k", "o", lambda progress, i=i: {"i": i}).id, "o", 10)
    assert runner.stored() == 3
    runner.shutdown()
