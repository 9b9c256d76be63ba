"""A workspace: the folder that holds one user's data (papers, chats, channels, progress).

Every feature stores per-user data under ``Workspace.path("<feature>", ...)`` and shared,
read-only resources (models, the bundled question bank, speech models) under
``Settings.data_dir / "shared"``. Locally there is one default user; hosted, each signed-in
or anonymous browser user gets their own workspace (see ``pages/_common.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .settings import Settings

__all__ = ["LOCAL_USER", "Workspace", "local_workspace"]

LOCAL_USER = "local"
"""The user id of the single local user (``streamlit run`` on one's own machine)."""

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Workspace:
    """One user's data folder.

    Attributes:
        user_id: a stable id (``"local"``, an OIDC subject, an anonymous session id).
        root: the folder, ``<data_dir>/workspaces/<safe user id>``.
    """

    user_id: str
    root: Path

    @classmethod
    def for_user(cls, settings: Settings, user_id: str) -> Workspace:
        """The workspace of ``user_id`` under ``settings.data_dir`` (the folder is created)."""
        safe = _SAFE_ID.sub("_", user_id)[:128] or LOCAL_USER
        root = Path(settings.data_dir) / "workspaces" / safe
        root.mkdir(parents=True, exist_ok=True)
        return cls(user_id=user_id, root=root)

    def path(self, *parts: str) -> Path:
        """``root/<parts...>``, with the parent folders created (``path("lectures", "x.json")``)."""
        target = self.root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


def local_workspace(settings: Settings) -> Workspace:
    """The single local user's workspace."""
    return Workspace.for_user(settings, LOCAL_USER)
