"""Who the user is: the local user, a signed-in user (OIDC via ``st.login``), or anonymous.

Nothing here imports Streamlit: the page layer passes in what ``st.user`` holds (a
mapping of OIDC claims plus ``is_logged_in``) and a per-browser-session id, and gets an
:class:`Identity` whose ``user_id`` names the workspace.

* ``multi_user`` off (the default, one person on their own machine): always ``local``.
* ``multi_user`` on and the user signed in: ``oidc-<hash>``, the SHA-256 of the issuer
  and subject claims (OpenID Connect Core 1.0 §2: ``iss`` + ``sub`` identify a user
  uniquely and for good; the e-mail can change, and it would put personal data in
  folder names).
* ``multi_user`` on and nobody signed in: ``anon-<session id>``, a workspace that lasts
  for the browser session (swept after a day, see :data:`core.workspace.ANON_TTL_S`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import AccessError
from .settings import Settings
from .workspace import ANON_PREFIX, LOCAL_USER, Workspace, local_workspace

__all__ = ["Identity", "require_admin", "resolve_identity", "workspace_for"]

Kind = Literal["local", "signed_in", "anonymous"]

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Identity:
    """The current user.

    Attributes:
        user_id: names the workspace (``local``, ``oidc-<64 hex>``, ``anon-<session id>``).
        kind: ``local``, ``signed_in`` or ``anonymous``.
        display: what the UI shows (e-mail or name; "" for anonymous/local).
        is_admin: may publish channels to all users (from ``settings.admin_users``).
    """

    user_id: str
    kind: Kind
    display: str = ""
    is_admin: bool = False


def resolve_identity(settings: Settings, user_info: Mapping[str, Any] | None, session_id: str) -> Identity:
    """The identity for this request.

    Args:
        settings: ``multi_user`` and ``admin_users`` are read.
        user_info: ``st.user`` as a dict (``is_logged_in``, ``iss``, ``sub``, ``email``,
            ``name``); None or empty when sign-in is not configured.
        session_id: a random id of the browser session (letters, digits, ``-``, ``_``;
            8-64 characters), used for an anonymous workspace.

    Raises:
        AccessError: multi-user mode without a usable session id (never guessable ids).
    """
    if not settings.multi_user:
        return Identity(LOCAL_USER, "local", "", True)
    info = dict(user_info or {})
    if info.get("is_logged_in") and info.get("sub"):
        subject = f"{info.get('iss', '')}\x00{info['sub']}"
        user_id = "oidc-" + hashlib.sha256(subject.encode()).hexdigest()
        display = str(info.get("email") or info.get("name") or "")
        names = {str(info["sub"]).casefold(), display.casefold(), user_id}
        return Identity(user_id, "signed_in", display, bool(names & settings.admins))
    if not _SESSION_ID.match(session_id or ""):
        raise AccessError("This browser session has no usable id; reload the page.", key="errors.access.no_session")
    return Identity(ANON_PREFIX + session_id, "anonymous", "", False)


def workspace_for(settings: Settings, identity: Identity) -> Workspace:
    """The identity's workspace (the local one is migrated from the old layout first)."""
    if identity.kind == "local":
        return local_workspace(settings)
    return Workspace.for_user(settings, identity.user_id)


def require_admin(identity: Identity, action: str = "change shared data") -> None:
    """Raise unless the identity is an admin.

    Raises:
        AccessError: with a message naming the action.
    """
    if not identity.is_admin:
        raise AccessError(f"Only an administrator can {action}.", key="errors.access.admin_only")
