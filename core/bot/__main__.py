"""``python -m core.bot``: run the Telegram bot (long polling) until interrupted.

Needs ``MARGO_TELEGRAM_TOKEN``; ``MARGO_TELEGRAM_API_URL`` points it at another Bot API
server (a local ``telegram-bot-api`` or a test double). Updates sent while the bot was
down are answered (they are not dropped). Exit status 3 when the settings or the models
cannot be loaded (one ``error: ...`` line, see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import logging
import sys

from ..cli import report_error
from ..errors import MargoError
from ..settings import load_settings

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the bot; returns the exit status."""
    argparse.ArgumentParser(prog="python -m core.bot", description="Run Margo's Telegram bot.").parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        from telegram import Update

        from .app import build_application

        app = build_application(load_settings())
    except MargoError as exc:
        return report_error(exc)
    print("Margo bot: polling for updates (Ctrl+C stops)", file=sys.stderr, flush=True)
    app.run_polling(drop_pending_updates=False, allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
