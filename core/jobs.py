"""Long work (paper ingest, OCR, channel import, transcription) in one bounded pool per process (#11).

On a small shared server (2 cores) a few long CPU jobs at once starve everything else:
with 20 browser sessions each uploading a paper, answers took 66-111 s
(docs/BENCHMARKS.md, "Load and faults"). :class:`HeavyPool` runs long jobs on a fixed
number of worker threads (``settings.heavy_workers``, default 1) fed by one FIFO queue,
and lowers the OS priority of those threads (``settings.heavy_nice``): on Linux the nice
value is a per-thread attribute (setpriority(2), NOTES), and a subprocess started from a
worker (Tesseract) inherits it. Questions, searches and page reruns keep their normal
priority and are not queued, so they stay responsive while long work waits its turn.

The caller blocks in :meth:`HeavyPool.run` as before, but the work runs on a worker;
progress callbacks the work makes are relayed back and called on the *caller's* thread
(a Streamlit page can update its progress bar: widgets only work on the session's own
thread), and ``on_wait(position)`` is called while the job is still queued.

``python -c "from core.jobs import heavy_pool"``: one pool per process (:func:`heavy_pool`),
shared by the pages, the HTTP API's job runner and the bot.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from .settings import Settings

__all__ = ["HeavyPool", "heavy_pool"]

T = TypeVar("T")

POLL_S = 0.1
"""How often a waiting caller relays progress and checks its job (seconds): a progress
bar updated ten times a second looks continuous and costs nothing measurable."""


def _lower_priority(nice: int) -> None:
    """Raise this thread's nice value by ``nice`` (Linux: per thread; elsewhere: best effort)."""
    if nice <= 0:
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except (AttributeError, OSError):  # no setpriority (Windows) or not permitted: run at normal priority
        pass


class HeavyPool:
    """At most ``workers`` long jobs at once, lower OS priority, one FIFO queue.

    Args:
        workers: jobs run at once (>= 1).
        nice: nice increment of the worker threads (0..19; 0 keeps normal priority).
        name: thread name prefix.
    """

    def __init__(self, workers: int = 1, nice: int = 10, name: str = "margo-heavy") -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self.nice = nice
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name,
                                        initializer=_lower_priority, initargs=(nice,))
        self._lock = threading.Lock()
        self._waiting: list[Future] = []  # submitted, not started, in order
        self._running = 0

    # ------------------------------------------------------------------ state
    def queued(self) -> int:
        """Jobs waiting for a worker."""
        with self._lock:
            return len(self._waiting)

    def running(self) -> int:
        """Jobs running now (<= ``workers``)."""
        with self._lock:
            return self._running

    def position(self, future: Future) -> int:
        """1-based place of a waiting job in the queue (0: started or finished)."""
        with self._lock:
            try:
                return self._waiting.index(future) + 1
            except ValueError:
                return 0

    # ----------------------------------------------------------------- submit
    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future:
        """Queue ``fn(*args, **kwargs)``; returns its future at once (the API's jobs use this)."""
        holder: list[Future] = []
        started = threading.Event()

        def job() -> T:
            started.wait()  # the future is registered before it can start
            with self._lock:
                if holder and holder[0] in self._waiting:
                    self._waiting.remove(holder[0])
                self._running += 1
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._running -= 1

        future = self._pool.submit(job)
        with self._lock:
            holder.append(future)
            self._waiting.append(future)
        started.set()
        future.add_done_callback(self._forget)  # a cancelled job leaves the queue too
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            if future in self._waiting:
                self._waiting.remove(future)

    def run(self, fn: Callable[..., T], *args: Any, relay: Sequence[str] = ("progress", "ocr_progress"),
            on_wait: Callable[[int], None] | None = None, light: bool = False, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on a worker and wait for it; returns its result.

        Args:
            relay: names of keyword arguments that are progress callbacks: the worker's
                calls are queued and made on this (the caller's) thread.
            on_wait: called on this thread with the job's 1-based queue position while it
                waits for a worker (not called when it starts at once).
            light: the work is known to be quick (a saved paper reopened): run it here at
                once, not behind the queue.

        Raises:
            Whatever ``fn`` raises (re-raised here, with its traceback).
        """
        if light:
            return fn(*args, **kwargs)
        events: queue.SimpleQueue[tuple[Callable[..., Any], tuple]] = queue.SimpleQueue()
        for name in relay:
            cb = kwargs.get(name)
            if callable(cb):
                kwargs[name] = (lambda _cb: lambda *a: events.put((_cb, a)))(cb)
        future = self.submit(fn, *args, **kwargs)
        last_pos = -1
        while True:
            try:
                result = future.result(timeout=POLL_S)
                break
            except FutureTimeout:
                pass
            finally:
                while not events.empty():
                    cb, a = events.get_nowait()
                    cb(*a)
            if on_wait is not None:
                pos = self.position(future)
                if pos and pos != last_pos:
                    on_wait(pos)
                last_pos = pos
        return result

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs (queued ones are cancelled; ``wait``: finish the running ones)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)


_POOL: HeavyPool | None = None
_POOL_LOCK = threading.Lock()


def heavy_pool(settings: Settings) -> HeavyPool:
    """This process's one pool (built from ``settings.heavy_workers`` / ``heavy_nice`` on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = HeavyPool(settings.heavy_workers, settings.heavy_nice)
        return _POOL
