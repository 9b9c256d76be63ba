"""A small on-disk cache with a time-to-live, for arXiv results and downloaded PDFs.

Entries live as files under one folder, named by the SHA-256 of their key; a JSON entry
stores ``{"saved_at": <unix s>, "value": ...}``, a binary entry is the bytes themselves
(its age is the file's modification time). Writes go to a temporary file first and are
then renamed, so a crash never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["TTLCache"]


class TTLCache:
    """Key → value cache on disk with a time-to-live.

    Args:
        folder: where entries are kept (created on first write).
        ttl_s: seconds an entry stays fresh; 0 disables reuse (every read misses).
        clock: seconds since the epoch (tests pass a fake clock).
    """

    def __init__(self, folder: Path, ttl_s: float, clock=time.time) -> None:
        self.folder = Path(folder)
        self.ttl_s = float(ttl_s)
        self.clock = clock

    def _file(self, key: str, suffix: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode("utf-8")).hexdigest() + suffix)

    def _write(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get_json(self, key: str) -> Any | None:
        """The fresh value stored under ``key``, or None (missing, stale or unreadable)."""
        path = self._file(key, ".json")
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if self.clock() - float(entry["saved_at"]) <= self.ttl_s:
                return entry["value"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return None

    def put_json(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key``."""
        payload = json.dumps({"saved_at": self.clock(), "value": value}, ensure_ascii=False)
        self._write(self._file(key, ".json"), payload.encode("utf-8"))

    def bytes_path(self, key: str, suffix: str = ".bin") -> Path:
        """The file a binary entry for ``key`` is (or would be) stored in."""
        return self._file(key, suffix)

    def get_bytes(self, key: str, suffix: str = ".bin") -> bytes | None:
        """The fresh bytes stored under ``key``, or None."""
        path = self._file(key, suffix)
        try:
            if self.clock() - path.stat().st_mtime <= self.ttl_s:
                return path.read_bytes()
        except OSError:
            return None
        return None

    def put_bytes(self, key: str, data: bytes, suffix: str = ".bin") -> Path:
        """Store ``data`` under ``key``; returns the file's path."""
        path = self._file(key, suffix)
        self._write(path, data)
        now = self.clock()
        os.utime(path, (now, now))  # the entry's age follows the cache's clock
        return path
