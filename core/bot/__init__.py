"""Margo as a Telegram bot: channel questions answered with post links, an interview drill.

Start it with ``MARGO_TELEGRAM_TOKEN=... python -m core.bot``; see :mod:`core.bot.app`
for the commands and :mod:`core.bot.guard` for the rate and flood limits.
"""

from __future__ import annotations

from .app import BOT_USER, MargoBot, build_application
from .guard import FloodGuard, Verdict

__all__ = ["BOT_USER", "FloodGuard", "MargoBot", "Verdict", "build_application"]
