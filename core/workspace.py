"""A workspace: the folder that holds one user's data (papers, chats, channels, progress).

Every feature stores per-user data under ``Workspace.path("<feature>", ...)`` and shared,
read-only resources (models, the bundled question bank, speech models) under
``Settings.data_dir / "shared"``. Locally there is one default user; hosted, each signed-in
or anonymous browser user gets their own workspace (see ``core.identity`` and
``pages/_common.py``).

Layout::

    <data_dir>/workspaces/<safe user id>/indexes/...       papers (Reader)
                                        /channels/...      channels, posts, votes
                                        /interview/progress.sqlite3
                                        /<feature>/...     anything else per user
    <data_dir>/shared/...                                  read-only for users; admins publish

Migration: a data folder of the earlier single-user layout (``<data_dir>/indexes``,
``channels/``, ``interview/progress.sqlite3``) is moved into the local user's workspace
the first time :func:`local_workspace` runs (a rename on the same disk: nothing is copied
or re-embedded, and a second process waits on a lock instead of racing).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import AccessError, QuotaError
from .settings import Settings
from .storage import database_bytes_under, dir_size_bytes, drop_databases_under, file_lock

__all__ = [
    "ANON_PREFIX",
    "LOCAL_USER",
    "Workspace",
    "local_workspace",
    "migrate_legacy_layout",
    "shared_dir",
    "sweep_anonymous",
]

LOCAL_USER = "local"
"""The user id of the single local user (``streamlit run`` on one's own machine)."""

ANON_PREFIX = "anon-"
"""Prefix of anonymous per-browser-session user ids (see :mod:`core.identity`)."""

ANON_TTL_S = 24 * 3600.0
"""An anonymous workspace untouched this long is removed by :func:`sweep_anonymous`: the
UI tells anonymous users their data lasts for the session; a day covers a reload, a
closed tab reopened the same day, and Streamlit Cloud's app sleep after 12 h idle."""

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")

LEGACY_ENTRIES = (
    "indexes",
    "channels",
    "interview/progress.sqlite3",
    "interview/progress.sqlite3-wal",
    "interview/progress.sqlite3-shm",
)
"""What the single-user layout kept directly under ``data_dir`` (moved into ``local``)."""


def _safe(user_id: str) -> str:
    return _SAFE_ID.sub("_", user_id)[:128].strip(".") or LOCAL_USER


@dataclass(frozen=True)
class Workspace:
    """One user's data folder.

    Attributes:
        user_id: a stable id (``"local"``, an OIDC subject hash, an anonymous session id).
        root: the folder, ``<data_dir>/workspaces/<safe user id>``.
    """

    user_id: str
    root: Path

    @classmethod
    def for_user(cls, settings: Settings, user_id: str) -> Workspace:
        """The workspace of ``user_id`` under ``settings.data_dir`` (the folder is created)."""
        root = Path(settings.data_dir) / "workspaces" / _safe(user_id)
        root.mkdir(parents=True, exist_ok=True)
        return cls(user_id=user_id, root=root)

    def path(self, *parts: str) -> Path:
        """``root/<parts...>``, with the parent folders created (``path("lectures", "x.json")``).

        Raises:
            AccessError: a part would leave the workspace (``..``, an absolute path).
        """
        target = self.root.joinpath(*parts)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise AccessError("That path is outside your workspace.", key="errors.access.outside_workspace")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def scoped(self, settings: Settings) -> Settings:
        """``settings`` with ``data_dir`` set to this workspace.

        Stores that keep their files under ``settings.data_dir`` (the channel library, the
        Reader's ``index_dir``, interview progress) then read and write this user's data
        only (also the speech audio cache, #11b). Shared resources (models, the bundled bank's embeddings)
        must keep using the unscoped settings.
        """
        return settings.model_copy(update={"data_dir": self.root})

    @property
    def anonymous(self) -> bool:
        """True for an anonymous per-session workspace."""
        return self.user_id.startswith(ANON_PREFIX)

    def usage_bytes(self) -> int:
        """Bytes the workspace uses on disk, plus (#11p, ``MARGO_DATABASE_URL``) what its
        stores and channel vectors take on the PostgreSQL server."""
        return dir_size_bytes(self.root) + database_bytes_under(self.root)

    def check_quota(self, settings: Settings, incoming_bytes: int = 0) -> None:
        """Refuse a save that would take the workspace over ``settings.workspace_quota_mb``.

        Args:
            incoming_bytes: size of what is about to be saved (an upload: its file size;
                the index built from it is of the same order, see docs/BENCHMARKS.md).

        Raises:
            QuotaError: over the quota (the message says how much is used and how to free it).
        """
        limit = settings.workspace_quota_mb * 1_000_000
        used = self.usage_bytes()
        if used + incoming_bytes > limit:
            raise QuotaError(
                f"Your saved data uses {used / 1e6:.0f} MB of {settings.workspace_quota_mb} MB "
                f"(MARGO_WORKSPACE_QUOTA_MB); this would need {incoming_bytes / 1e6:.0f} MB more. "
                "Delete a paper or a channel first.",
                key="errors.quota.full", used_mb=f"{used / 1e6:.0f}", quota_mb=settings.workspace_quota_mb,
                need_mb=f"{incoming_bytes / 1e6:.0f}",
            )

    def touch(self) -> None:
        """Mark the workspace as used now (anonymous workspaces idle for a day are swept)."""
        try:
            os.utime(self.root)
        except OSError:
            pass

    def delete(self) -> None:
        """Remove the workspace and everything in it ("delete my data").

        The folder is renamed aside first, so a concurrent reader sees it gone at once
        rather than half removed; the next use creates an empty workspace. On PostgreSQL
        (``MARGO_DATABASE_URL``) the workspace's databases and vector collections on the
        server are dropped too (#11p).

        Raises:
            StorageError: the database server could not drop them (nothing was removed).
        """
        drop_databases_under(self.root)
        if not self.root.exists():
            return
        doomed = self.root.with_name(f".deleted-{self.root.name}-{time.time_ns()}")
        os.replace(self.root, doomed)
        shutil.rmtree(doomed, ignore_errors=True)


def shared_dir(settings: Settings) -> Path:
    """``<data_dir>/shared``: read-only for users; only admins publish into it."""
    path = Path(settings.data_dir) / "shared"
    path.mkdir(parents=True, exist_ok=True)
    return path


def migrate_legacy_layout(settings: Settings) -> list[str]:
    """Move the single-user layout's data into the local workspace (once; safe to repeat).

    An entry is moved only when the workspace has none of its own, so nothing is ever
    overwritten. A second process waits on a lock and then finds nothing to move.

    Returns:
        The entries moved (relative to ``data_dir``), empty when there was nothing to do.
    """
    data_dir = Path(settings.data_dir)
    if not any((data_dir / e).exists() for e in LEGACY_ENTRIES):
        return []
    moved = []
    with file_lock(data_dir / "workspaces" / ".migrate.lock"):
        target_root = data_dir / "workspaces" / LOCAL_USER
        for entry in LEGACY_ENTRIES:
            src, dst = data_dir / entry, target_root / entry
            if src.exists() and not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
                moved.append(entry)
    return moved


def local_workspace(settings: Settings) -> Workspace:
    """The single local user's workspace (the earlier layout is migrated into it first)."""
    migrate_legacy_layout(settings)
    return Workspace.for_user(settings, LOCAL_USER)


def sweep_anonymous(settings: Settings, max_age_s: float = ANON_TTL_S, now: float | None = None) -> int:
    """Remove anonymous workspaces not used for ``max_age_s`` seconds; returns how many."""
    base = Path(settings.data_dir) / "workspaces"
    now = time.time() if now is None else now
    removed = 0
    if not base.is_dir():
        return 0
    for folder in base.iterdir():
        if folder.name.startswith(ANON_PREFIX) and folder.is_dir():
            try:
                idle = now - folder.stat().st_mtime
            except OSError:
                continue
            if idle > max_age_s:
                Workspace(folder.name, folder).delete()
                removed += 1
    return removed
