"""Limits that protect a shared server: per-user rate limits and bounded per-user caches.

:class:`RateLimiter` is a sliding-window counter per ``(user, action)``: at most ``n``
events in any ``window_s`` seconds (the fixed-memory "sliding log" of the classic
rate-limiting designs, kept as a deque of timestamps trimmed on each call). It is in
memory and per process: one Streamlit server is one process, and a restart forgets the
counts (a limit that resets on restart protects the service just as well).

:class:`LRUCache` bounds per-user objects (loaded channel indexes, merged question banks)
by entry count, dropping the least recently used.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from .errors import RateLimitError
from .settings import Settings

__all__ = ["ACTIONS", "LRUCache", "RateLimiter", "limiter_from_settings"]

ACTIONS = ("question", "import", "speech")
"""Rate-limited actions: questions (Reader, channels, interview), imports/uploads, speech."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RateLimiter:
    """At most ``limits[action] = (n, window_s)`` events per user in any window.

    Args:
        limits: ``{action: (max events, window in seconds)}``.
        clock: a monotonic clock in seconds (tests pass a fake one).
        max_users: users tracked at once; the least recently seen are forgotten.
    """

    def __init__(self, limits: dict[str, tuple[int, float]], clock: Callable[[], float] = time.monotonic,
                 max_users: int = 10_000) -> None:
        self.limits = dict(limits)
        self.clock = clock
        self._events: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_users = max_users

    def check(self, user_id: str, action: str) -> None:
        """Count one ``action`` by ``user_id``, or refuse it.

        Raises:
            RateLimitError: over the limit; ``retry_after_s`` says when the next is allowed.
                A refused event is not counted.
        """
        if action not in self.limits:
            return
        n, window = self.limits[action]
        now = self.clock()
        with self._lock:
            key = (user_id, action)
            q = self._events.get(key)
            if q is None:
                q = self._events[key] = deque()
                while len(self._events) > self._max_users * len(self.limits):
                    self._events.popitem(last=False)
            self._events.move_to_end(key)
            while q and q[0] <= now - window:
                q.popleft()
            if len(q) >= n:
                wait = q[0] + window - now
                raise RateLimitError(_message(action, n, window, wait), retry_after_s=wait,
                                     key=f"errors.limits.{action if action in _KEYED else 'other'}",
                                     n=n, window_min=f"{window / 60:g}", wait_s=max(1, round(wait)))
            q.append(now)


_KEYED = ("question", "import", "speech")
"""Actions with their own message in core/i18n/errors.py (``errors.limits.<action>``)."""


def _message(action: str, n: int, window: float, wait: float) -> str:
    what = {"question": "questions", "import": "uploads and imports", "speech": "speech requests"}.get(action, action)
    per = "minute" if window == 60 else ("hour" if window == 3600 else f"{window:g} s")
    return f"Too many {what}: the limit is {n} per {per}. Try again in {max(1, round(wait))} s."


def limiter_from_settings(settings: Settings, clock: Callable[[], float] = time.monotonic) -> RateLimiter:
    """The limiter for ``settings.rate_*`` (questions and speech per minute, imports per hour)."""
    return RateLimiter(
        {
            "question": (settings.rate_questions_per_min, 60.0),
            "import": (settings.rate_imports_per_hour, 3600.0),
            "speech": (settings.rate_speech_per_min, 60.0),
        },
        clock=clock,
    )


class LRUCache(Generic[K, V]):
    """A thread-safe mapping that keeps at most ``max_entries``, dropping the least recently used.

    Args:
        max_entries: the bound (>= 1).
    """

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self.max_entries = max_entries
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value, marked as recently used, or None."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: K, value: V) -> None:
        """Store ``value``; the least recently used entries beyond the bound are dropped."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def get_or_create(self, key: K, factory: Callable[[], V]) -> V:
        """The cached value, or ``factory()`` stored and returned (built outside the lock)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        value = factory()
        self.put(key, value)
        return value

    def pop(self, key: K) -> None:
        """Forget ``key`` (no error when absent)."""
        with self._lock:
            self._data.pop(key, None)

    def pop_where(self, predicate: Callable[[K], bool]) -> int:
        """Forget every key for which ``predicate(key)`` is true (a deleted user's entries); returns how many."""
        with self._lock:
            doomed = [k for k in self._data if predicate(k)]
            for k in doomed:
                del self._data[k]
            return len(doomed)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
