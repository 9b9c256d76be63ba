"""``python -m core.api [--host H] [--port P]``: serve the HTTP API with uvicorn.

Defaults come from settings (``MARGO_API_HOST`` = 127.0.0.1, ``MARGO_API_PORT`` = 8765).
Binding to another address needs ``MARGO_API_KEY``. Exit status 3 when the settings or
the model cannot be loaded (one ``error: ...`` line, see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import sys

from ..cli import report_error
from ..errors import MargoError
from ..settings import load_settings

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m core.api", description="Serve Margo's HTTP API.")
    parser.add_argument("--host", help="address to bind (default: MARGO_API_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: MARGO_API_PORT, 8765)")
    args = parser.parse_args(argv)
    try:
        overrides = {k: v for k, v in (("api_host", args.host), ("api_port", args.port)) if v is not None}
        settings = load_settings(**overrides)
        from .app import create_app

        app = create_app(settings)
    except MargoError as exc:
        return report_error(exc)
    import uvicorn

    print(f"Margo API on http://{settings.api_host}:{settings.api_port} (docs: /docs, schema: /openapi.json)",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
