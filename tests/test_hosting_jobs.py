"""The bounded pool for long work (#11): at most N jobs at once, lower OS priority for the
workers and their subprocesses, progress relayed to the caller's thread, queue positions."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from core.jobs import HeavyPool, heavy_pool
from core.settings import Settings


def _nice_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.parametrize("workers", [1, 2])
def test_at_most_workers_jobs_run_at_once(workers):
    pool = HeavyPool(workers=workers, nice=0)
    lock, now, peak = threading.Lock(), [0], [0]

    def job() -> None:
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.15)
        with lock:
            now[0] -= 1

    futures = [pool.submit(job) for _ in range(5)]
    for f in futures:
        f.result(timeout=10)
    pool.shutdown()
    assert peak[0] == workers


def test_workers_and_their_subprocesses_run_at_lower_priority():
    base = _nice_of_this_thread()
    pool = HeavyPool(workers=1, nice=7)

    def job() -> tuple[int, int]:
        child = subprocess.run(["sh", "-c", "cut -d' ' -f19 /proc/self/stat"], capture_output=True, text=True)
        return _nice_of_this_thread(), int(child.stdout.split()[0])

    worker_nice, child_nice = pool.run(job)
    pool.shutdown()
    assert worker_nice == min(19, base + 7)
    assert child_nice == min(19, base + 7)  # Tesseract started from a worker is niced too
    assert _nice_of_this_thread() == base  # the caller (a page's session thread) is not


def test_progress_is_relayed_to_the_callers_thread_and_errors_reraised():
    pool = HeavyPool(workers=1, nice=0)
    me = threading.get_ident()
    calls: list[tuple[int, int, bool]] = []

    def work(n: int, progress=None) -> int:
        assert threading.get_ident() != me  # the work itself runs on the worker
        for i in range(1, n + 1):
            progress(i, n)
        return n * 10

    assert pool.run(work, 3, progress=lambda d, t: calls.append((d, t, threading.get_ident() == me))) == 30
    assert calls == [(1, 3, True), (2, 3, True), (3, 3, True)]

    def broken() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        pool.run(broken)
    assert pool.run(lambda: threading.get_ident(), light=True) == me  # a quick reload is not queued
    pool.shutdown()


def test_waiting_caller_is_told_its_place_in_the_queue():
    pool = HeavyPool(workers=1, nice=0)
    gate = threading.Event()
    blocker = pool.submit(gate.wait, 10)
    second = pool.submit(time.sleep, 0)
    positions: list[int] = []
    threading.Timer(0.5, gate.set).start()
    pool.run(time.sleep, 0, on_wait=positions.append)
    assert positions and positions[0] == 2  # behind the waiting `second` job
    assert blocker.result() is True and second.done()
    assert pool.queued() == 0 and pool.running() == 0
    pool.shutdown()


def test_one_pool_per_process_from_settings():
    cfg = Settings(heavy_workers=1)
    assert heavy_pool(cfg) is heavy_pool(cfg)


def test_saved_paper_check_follows_the_saved_index(shared_data, tmp_path):
    """Only a paper whose index is saved with today's embedder and chunking counts as a quick
    reopen (run at once, not behind the queue); a changed chunk size makes it a full ingest."""
    from core.embeddings import get_embedder
    from core.reader import Reader

    cfg = Settings(data_dir=tmp_path, llm_base_url=None, llm_model=None)
    data = (shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf").read_bytes()
    reader = Reader(settings=cfg, embedder=get_embedder())
    assert not reader.is_saved(data)
    reader.open(data)
    assert reader.is_saved(data)
    changed = Reader(settings=cfg.model_copy(update={"chunk_chars": cfg.chunk_chars + 200}), embedder=get_embedder())
    assert not changed.is_saved(data)
