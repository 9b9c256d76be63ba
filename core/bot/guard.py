"""Per-user rate limit and a flood/duplicate guard for the Telegram bot.

* Rate: at most ``bot_messages_per_min`` messages per user in any 60 s
  (:class:`core.limits.RateLimiter`, a sliding log).
* Duplicates: the same text from the same user within :data:`DUPLICATE_WINDOW_S` is not
  answered again (a resend or a stuck client repeating itself costs no search).
* A refused user is told once per refusal streak, not on every message, so a flood does
  not make the bot flood back.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..errors import RateLimitError
from ..limits import RateLimiter

__all__ = ["DUPLICATE_WINDOW_S", "FloodGuard", "Verdict"]

DUPLICATE_WINDOW_S = 30.0
"""Seconds within which an identical message is a duplicate: Telegram clients resend an
unacknowledged message within seconds; a person repeating a question on purpose after
half a minute is answered again."""


@dataclass(frozen=True)
class Verdict:
    """What to do with a message.

    Attributes:
        action: "answer", "duplicate" (tell the user once), "limited" (tell once), "drop"
            (already told: stay silent).
        retry_after_s: seconds until the next message is allowed ("limited").
    """

    action: Literal["answer", "duplicate", "limited", "drop"]
    retry_after_s: float = 0.0


class FloodGuard:
    """Decides per message whether the bot answers.

    Args:
        per_min: messages allowed per user per minute.
        clock: monotonic clock in seconds (tests pass a fake one).
        max_users: users remembered (least recently seen forgotten first).
    """

    def __init__(self, per_min: int, clock: Callable[[], float] = time.monotonic, max_users: int = 10_000) -> None:
        self.clock = clock
        self.limiter = RateLimiter({"message": (per_min, 60.0)}, clock=clock, max_users=max_users)
        self._last: OrderedDict[int, tuple[str, float]] = OrderedDict()
        self._told: set[int] = set()
        self._lock = threading.Lock()
        self._max_users = max_users

    def check(self, user_id: int, text: str, dedupe: bool = True) -> Verdict:
        """The verdict for ``text`` from ``user_id`` (counts it when answered).

        Args:
            user_id: Telegram user id.
            text: the message (a voice message's file id, a command...).
            dedupe: compare with and remember as the user's last message (False for
                button presses, which are only rate-limited).
        """
        now = self.clock()
        key = " ".join((text or "").casefold().split()) if dedupe else ""
        with self._lock:
            last = self._last.get(user_id)
            if key and last and last[0] == key and now - last[1] < DUPLICATE_WINDOW_S:
                if user_id in self._told:
                    return Verdict("drop")
                self._told.add(user_id)
                return Verdict("duplicate")
        try:
            self.limiter.check(str(user_id), "message")
        except RateLimitError as exc:
            with self._lock:
                if user_id in self._told:
                    return Verdict("drop", exc.retry_after_s)
                self._told.add(user_id)
            return Verdict("limited", exc.retry_after_s)
        with self._lock:
            self._told.discard(user_id)
            if not dedupe:
                return Verdict("answer")
            self._last[user_id] = (key, now)
            self._last.move_to_end(user_id)
            while len(self._last) > self._max_users:
                self._last.popitem(last=False)
        return Verdict("answer")
