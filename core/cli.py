"""What every command line of Margo does on failure: one line on stderr, a fixed exit code.

Exit codes: 0 success; 2 bad input (:class:`core.errors.InputError`: the user's file,
question or arguments); 3 anything else the core raises on purpose (model, storage,
LLM) or an operating-system error.
"""

from __future__ import annotations

import sys

from .errors import InputError

__all__ = ["EXIT_INPUT", "EXIT_OTHER", "report_error"]

EXIT_INPUT = 2
EXIT_OTHER = 3


def report_error(exc: Exception) -> int:
    """Print ``error: <message>`` on one line of stderr and return the exit code for ``exc``."""
    message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return EXIT_INPUT if isinstance(exc, InputError) else EXIT_OTHER
