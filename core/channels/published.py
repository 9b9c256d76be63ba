"""Channels an administrator publishes to all users, and the catalogue a user searches (#11).

Every user's channels live in their own workspace (``<workspace>/channels``). A channel
an administrator publishes is copied, rows and index, into the shared library
``<data_dir>/shared/channels`` (no re-embedding: the FAISS/BM25 folder is copied as it is
and the SQLite rows keep their index positions). Every user then searches their own
channels and the published ones together through :class:`ChannelCatalog`; only an
administrator (:attr:`core.identity.Identity.is_admin`, from ``MARGO_ADMIN_USERS``) may
publish, re-publish or withdraw a published channel, and nobody can delete one through
the catalogue (:class:`core.errors.AccessError`).

Merging: in the default "hybrid" mode a post's score is ``cosine + w * BM25 / ceiling``
with a per-channel ceiling (see :mod:`core.channels.search`), a value that does not
depend on the other channels searched, so ranking the union of the user's hits and the
published hits by score is the ranking one library over all these channels would give.
A user's own channel with the same name as a published one hides the published one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..embeddings import Embedder
from ..errors import InputError
from ..identity import Identity, require_admin
from ..settings import Settings
from ..storage import atomic_replace_dir, database_exists
from ..workspace import shared_dir
from .index import copy_channel_index
from .search import ChannelLibrary, ImportReport, PostHit
from .store import ChannelInfo, date_ts

__all__ = ["ChannelCatalog", "catalog_for", "publish_channel", "published_library", "unpublish_channel"]


def published_library(settings: Settings, embedder: Embedder) -> ChannelLibrary:
    """The shared library of published channels, ``<data_dir>/shared/channels``.

    Args:
        settings: the server's settings, NOT a workspace-scoped copy (``data_dir`` is the
            server's data folder).
        embedder: the same embedder the users' libraries use.
    """
    return ChannelLibrary(settings.model_copy(update={"data_dir": shared_dir(settings)}), embedder)


def publish_channel(identity: Identity, own: ChannelLibrary, shared: ChannelLibrary, name: str) -> ChannelInfo:
    """Copy the user's channel ``name`` into the shared library (replacing an earlier publication).

    The channel's import lock is held in both libraries while copying, so no import
    changes the source halfway; the shared rows are written in one transaction that
    commits after the copied index folder has been swapped in (as an import does).

    Returns:
        The published channel's info (``published=True``).

    Raises:
        AccessError: the identity is not an administrator (nothing is changed).
        InputError: the user has no channel called ``name``.
        StorageError: the shared library cannot be written (the earlier publication stays).
    """
    require_admin(identity, "publish a channel to all users")
    info = own.store.channel(name)
    if info is None:
        known = ", ".join(c.name for c in own.channels()) or "none yet"
        raise InputError(f"No channel called '{name}'. Imported channels: {known}.",
                         key="errors.channels.unknown", name=name, known=known)
    with shared.store.import_lock(info.name), own.store.import_lock(info.name):
        rows = own.store.channel_rows(info.id)
        rows = replace(rows, source=f"published: {rows.source}")
        source_folder = own._folder(info.id)
        with shared.store.connect(immediate=True) as con:
            cid = shared.store.replace_rows(con, rows)
            with atomic_replace_dir(shared._folder(cid)) as tmp:  # #11p: files (FAISS) or a table copy (pgvector)
                copy_channel_index(source_folder, tmp, shared._folder(cid), own.settings.vector_backend)
    published = shared.store.channel(info.name)
    assert published is not None
    return replace(published, published=True)


def unpublish_channel(identity: Identity, shared: ChannelLibrary, name: str) -> None:
    """Withdraw a published channel from all users (the admin's own copy stays).

    Raises:
        AccessError: the identity is not an administrator.
        InputError: no published channel called ``name``.
    """
    require_admin(identity, "withdraw a published channel")
    with shared.store.import_lock(name):
        shared.delete_channel(name)


class ChannelCatalog:
    """What one user searches: their own channels plus the published ones.

    Has the parts of :class:`ChannelLibrary` the pages, the answerer and the
    recommender use (``channels``, ``search``, ``import_export``, ``import_posts``,
    ``delete_channel``, ``store``, ``embedder``, ``settings``); imports, votes and the
    query log go to the user's own library.

    Args:
        own: the user's library (in their workspace).
        shared: the published channels (:func:`published_library`); None: only ``own``.
    """

    def __init__(self, own: ChannelLibrary, shared: ChannelLibrary | None) -> None:
        self.own = own
        self.shared = shared
        self.store = own.store
        self.embedder = own.embedder
        self.settings = own.settings

    def _published(self) -> list[ChannelInfo]:
        if self.shared is None:
            return []
        mine = {n.casefold() for _, n, _ in self.own.store.channel_names()}
        return [replace(c, published=True) for c in self.shared.channels() if c.name.casefold() not in mine]

    def channels(self) -> list[ChannelInfo]:
        """The user's channels (``published=False``), then the published ones they do not shadow."""
        return self.own.channels() + self._published()

    def published_names(self) -> list[str]:
        """Names of the published channels this user sees."""
        return [c.name for c in self._published()]

    def import_export(self, *args: Any, **kwargs: Any) -> ImportReport:
        """:meth:`ChannelLibrary.import_export` into the user's own library."""
        return self.own.import_export(*args, **kwargs)

    def import_posts(self, *args: Any, **kwargs: Any) -> ImportReport:
        """:meth:`ChannelLibrary.import_posts` into the user's own library."""
        return self.own.import_posts(*args, **kwargs)

    def delete_channel(self, name: str) -> None:
        """Remove one of the user's own channels.

        Raises:
            AccessError: ``name`` is a published channel (only an administrator withdraws
                it, with :func:`unpublish_channel`).
            InputError: no such channel.
        """
        from ..errors import AccessError

        if name.strip().casefold() in {n.casefold() for n in self.published_names()}:
            raise AccessError("A published channel is shared by all users; only an administrator can withdraw it.",
                              key="errors.access.published")
        self.own.delete_channel(name)

    def search(self, query: str, channels: Sequence[str] | None = None, k: int = 10, sort: str = "relevance",
               **kwargs: Any) -> list[PostHit]:
        """:meth:`ChannelLibrary.search` over the user's and the published channels, merged by score.

        Args:
            channels: names to search (None or empty: all the user sees).
            k / sort / kwargs: as :meth:`ChannelLibrary.search`.

        Raises:
            InputError: empty query, an unknown channel, or a bad date.
        """
        published = {n.casefold(): n for n in self.published_names()}
        if channels:
            pub_sel = [n for n in channels if n.strip().casefold() in published]
            own_sel = [n for n in channels if n.strip().casefold() not in published]
        else:
            pub_sel, own_sel = list(published.values()), []
        hits: list[PostHit] = []
        if own_sel or not channels:
            if own_sel or self.own.store.channel_names() or not pub_sel:
                hits += self.own.search(query, channels=own_sel or None, k=k, sort="relevance", **kwargs)
        if pub_sel and self.shared is not None:
            hits += self.shared.search(query, channels=pub_sel, k=k, sort="relevance", **kwargs)
        hits.sort(key=lambda h: -h.score)
        hits = hits[:k]
        if sort == "date":
            hits.sort(key=lambda h: date_ts(h.date) or 0.0, reverse=True)
        return hits


def catalog_for(settings: Settings, user_settings: Settings, embedder: Embedder,
                factory: Callable[[Settings, Embedder], ChannelLibrary] = ChannelLibrary) -> ChannelCatalog:
    """The catalogue of a user: ``user_settings`` names their workspace, ``settings`` the server's data folder."""
    shared_root = Path(shared_dir(settings)) / "channels"
    # #11p: the file, or on PostgreSQL the schema on the server
    shared = published_library(settings, embedder) if database_exists(shared_root / "channels.sqlite") else None
    return ChannelCatalog(factory(user_settings, embedder), shared)
