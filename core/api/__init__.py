"""Margo's HTTP API: versioned ``/v1`` endpoints over the Reader, Channel search and Interview coach.

Start it with ``python -m core.api`` (127.0.0.1:``MARGO_API_PORT``, default 8765); the
endpoints, limits and error mapping are described in :mod:`core.api.app`, the JSON
shapes in :mod:`core.api.models`, long work (ingest, import) in :mod:`core.api.jobs`.
"""

from __future__ import annotations

from .app import API_VERSION, check_bind, create_app, is_loopback
from .services import Services

__all__ = ["API_VERSION", "Services", "check_bind", "create_app", "is_loopback"]
