"""SQLite store of channels, posts, chunks and feedback (``<data_dir>/channels/channels.sqlite``).

Tables::

    channels(id, name UNIQUE, username, source, created_ts, updated_ts)
    posts(channel_id, post_id, date, ts, text, url, hash)         one row per post
    chunks(channel_id, pos, post_id, chunk_no, text, active)      pos = row in the channel's FAISS index
    queries(id, ts, query, channels, answer, abstained, cited, mode, vote)   answers and thumbs

``hash`` is the SHA-256 of the post's date and text: a newer export re-imports only
posts that are new or whose hash changed (edited). Edited posts' old chunks are marked
``active = 0`` (FAISS cannot delete) until the index is compacted.

The schema is versioned with ``PRAGMA user_version`` (:func:`core.storage.migrate`);
imports of one channel are serialised across threads and processes by
:meth:`ChannelStore.import_lock`, imports of different channels run side by side (#11).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError, StorageError
from ..storage import migrate, named_lock, transaction
from ..types import Post

__all__ = ["ChannelInfo", "ChannelRows", "ChannelStore", "ChunkRow", "PostRow", "date_ts", "post_hash"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    username TEXT,
    source TEXT,
    created_ts REAL,
    updated_ts REAL
);
CREATE TABLE IF NOT EXISTS posts (
    channel_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    date TEXT,
    ts REAL,
    text TEXT NOT NULL,
    url TEXT,
    hash TEXT NOT NULL,
    PRIMARY KEY (channel_id, post_id)
);
CREATE TABLE IF NOT EXISTS chunks (
    channel_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    chunk_no INTEGER NOT NULL,
    text TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (channel_id, pos)
);
CREATE INDEX IF NOT EXISTS chunks_post ON chunks(channel_id, post_id);
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    query TEXT NOT NULL,
    channels TEXT,
    answer TEXT,
    abstained INTEGER NOT NULL DEFAULT 0,
    cited TEXT,
    mode TEXT,
    vote INTEGER
);
"""


def post_hash(post: Post) -> str:
    """SHA-256 hex of the post's date and text (what an edit changes)."""
    return hashlib.sha256(f"{post.date}\x00{post.text}".encode()).hexdigest()


def date_ts(date: str) -> float | None:
    """Unix seconds of an ISO date; a date without a zone is read as UTC. None if unparsable."""
    if not date:
        return None
    try:
        dt = datetime.fromisoformat(date)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


@dataclass(frozen=True)
class ChannelInfo:
    """A stored channel and its summary.

    Attributes:
        id: 1-based row id (names the index folder).
        name: display name (unique).
        username: public username or None.
        source: what it was imported from (format and file names).
        n_posts: posts stored.
        first_date / last_date: ISO dates of the oldest and newest post ("" if none).
        published: True for a channel an administrator published to all users (read-only
            for everyone else, see :mod:`core.channels.published`).
    """

    id: int
    name: str
    username: str | None
    source: str
    n_posts: int
    first_date: str
    last_date: str
    published: bool = False


@dataclass(frozen=True)
class PostRow:
    """One stored post (a row of ``posts``).

    Attributes:
        post_id: the post's id in its channel.
        date: ISO date as exported ("" if none).
        ts: Unix seconds of ``date`` (None if unparsable).
        text: the post's text.
        url: link to the post, or None.
        hash: :func:`post_hash` of date and text.
    """

    post_id: int
    date: str
    ts: float | None
    text: str
    url: str | None
    hash: str


@dataclass(frozen=True)
class ChunkRow:
    """One chunk of a post (a row of ``chunks``).

    Attributes:
        pos: 0-based row of the chunk in the channel's index.
        post_id: the post it was cut from.
        chunk_no: 0-based number of the chunk within the post.
        text: the chunk's text.
        active: False for an edited post's old chunk (masked until compaction).
    """

    pos: int
    post_id: int
    chunk_no: int
    text: str
    active: bool


@dataclass(frozen=True)
class ChannelRows:
    """Everything SQLite holds about one channel (what :meth:`ChannelStore.replace_rows` writes back)."""

    name: str
    username: str | None
    source: str
    posts: list[PostRow]
    chunks: list[ChunkRow]


class ChannelStore:
    """Access to the channels database; one short connection per operation.

    Args:
        path: the SQLite file (created with its folder when missing).

    Raises:
        StorageError: the database cannot be opened or written.
    """

    MIGRATIONS = (_SCHEMA, "ALTER TABLE queries ADD COLUMN asker TEXT;")
    """Schema scripts by version (``PRAGMA user_version``); add new ones, never edit old ones."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.path, self.MIGRATIONS)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Could not open the channels database: {exc}.") from exc

    def import_lock(self, channel: str) -> contextlib.AbstractContextManager[None]:
        """An exclusive lock for importing into ``channel`` (by case-folded name), held across
        threads and processes; other channels' imports are not blocked."""
        digest = hashlib.sha256(channel.strip().casefold().encode()).hexdigest()[:32]
        # #11p: a file lock on SQLite, an advisory lock on PostgreSQL (holds across app servers)
        return named_lock(self.path.parent / "locks" / f"{digest}.lock")

    @contextmanager
    def connect(self, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed on success, rolled back on error.

        Args:
            immediate: take the write lock at once (``BEGIN IMMEDIATE``), for a transaction
                that reads and then writes (no stale-snapshot failure halfway).
        """
        with transaction(self.path, immediate=immediate) as con:
            yield con

    # ----------------------------------------------------------------- channels
    def channels(self) -> list[ChannelInfo]:
        """All channels with post counts and date ranges, by name."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT c.id, c.name, c.username, c.source, COUNT(p.post_id), "
                "COALESCE(MIN(p.date), ''), COALESCE(MAX(p.date), '') "
                "FROM channels c LEFT JOIN posts p ON p.channel_id = c.id GROUP BY c.id ORDER BY c.name"
            ).fetchall()
        return [ChannelInfo(*r) for r in rows]

    def channel_names(self) -> list[tuple[int, str, float]]:
        """``(id, name, updated_ts)`` of every channel, by name (cheap: no post counts).

        ``updated_ts`` changes with every import, in the import's own transaction, so it
        tells cached indexes apart from the rows committed with them.
        """
        with self.connect() as con:
            return [(int(r[0]), r[1], float(r[2] or 0.0))
                    for r in con.execute("SELECT id, name, updated_ts FROM channels ORDER BY name")]

    def channel(self, name: str) -> ChannelInfo | None:
        """The channel called ``name`` (case-insensitive), or None."""
        for info in self.channels():
            if info.name.casefold() == name.casefold():
                return info
        return None

    def upsert_channel(self, con: sqlite3.Connection, name: str, username: str | None, source: str) -> int:
        """Create or update a channel inside ``con``'s transaction; returns its id."""
        now = time.time()
        row = con.execute("SELECT id, username FROM channels WHERE name = ?", (name,)).fetchone()
        if row:
            con.execute(
                "UPDATE channels SET username = ?, source = ?, updated_ts = ? WHERE id = ?",
                (username or row[1], source, now, row[0]),
            )
            return int(row[0])
        cur = con.execute(
            "INSERT INTO channels(name, username, source, created_ts, updated_ts) VALUES (?, ?, ?, ?, ?)",
            (name, username, source, now, now),
        )
        return int(cur.lastrowid)

    def delete_channel(self, channel_id: int) -> None:
        """Remove a channel's rows (its index folder is removed by the caller)."""
        with self.connect() as con:
            for table in ("chunks", "posts"):
                con.execute(f"DELETE FROM {table} WHERE channel_id = ?", (channel_id,))
            con.execute("DELETE FROM channels WHERE id = ?", (channel_id,))

    def channel_rows(self, channel_id: int) -> ChannelRows:
        """All rows of one channel (to publish it into another store).

        Raises:
            InputError: no channel with this id.
        """
        with self.connect() as con:
            head = con.execute("SELECT name, username, source FROM channels WHERE id = ?", (channel_id,)).fetchone()
            if head is None:
                raise InputError(f"No channel with id {channel_id}.", key="errors.channels.unknown",
                                 name=str(channel_id), known="")
            posts = [PostRow(int(r[0]), r[1] or "", r[2], r[3], r[4], r[5]) for r in con.execute(
                "SELECT post_id, date, ts, text, url, hash FROM posts WHERE channel_id = ? ORDER BY post_id",
                (channel_id,))]
            chunks = [ChunkRow(int(r[0]), int(r[1]), int(r[2]), r[3], bool(r[4])) for r in con.execute(
                "SELECT pos, post_id, chunk_no, text, active FROM chunks WHERE channel_id = ? ORDER BY pos",
                (channel_id,))]
        return ChannelRows(head[0], head[1], head[2] or "", posts, chunks)

    def replace_rows(self, con: sqlite3.Connection, rows: ChannelRows) -> int:
        """Make the channel ``rows.name`` hold exactly ``rows`` (created if new), inside ``con``'s
        transaction; returns its id (an existing channel keeps its id, so its index folder)."""
        cid = self.upsert_channel(con, rows.name, rows.username, rows.source)
        for table in ("chunks", "posts"):
            con.execute(f"DELETE FROM {table} WHERE channel_id = ?", (cid,))
        con.executemany("INSERT INTO posts(channel_id, post_id, date, ts, text, url, hash) VALUES (?,?,?,?,?,?,?)",
                        [(cid, p.post_id, p.date, p.ts, p.text, p.url, p.hash) for p in rows.posts])
        con.executemany("INSERT INTO chunks(channel_id, pos, post_id, chunk_no, text, active) VALUES (?,?,?,?,?,?)",
                        [(cid, c.pos, c.post_id, c.chunk_no, c.text, int(c.active)) for c in rows.chunks])
        return cid

    # -------------------------------------------------------------------- posts
    def post_hashes(self, channel_id: int) -> dict[int, str]:
        """``{post_id: hash}`` of a channel's stored posts."""
        with self.connect() as con:
            return dict(con.execute("SELECT post_id, hash FROM posts WHERE channel_id = ?", (channel_id,)))

    def posts(self, channel_id: int, post_ids: list[int]) -> dict[int, tuple[str, str, str | None]]:
        """``{post_id: (date, text, url)}`` for the given ids of one channel."""
        out: dict[int, tuple[str, str, str | None]] = {}
        with self.connect() as con:
            for i in range(0, len(post_ids), 500):
                part = post_ids[i : i + 500]
                q = ",".join("?" * len(part))
                for pid, date, text, url in con.execute(
                    f"SELECT post_id, date, text, url FROM posts WHERE channel_id = ? AND post_id IN ({q})",
                    (channel_id, *part),
                ):
                    out[int(pid)] = (date, text, url)
        return out

    def chunk_table(self, channel_id: int) -> tuple[list[int], list[int], list[int], list[float | None]]:
        """Per chunk of a channel, ordered by ``pos``: positions, post ids, active flags, post ts."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT k.pos, k.post_id, k.active, p.ts FROM chunks k LEFT JOIN posts p "
                "ON p.channel_id = k.channel_id AND p.post_id = k.post_id WHERE k.channel_id = ? ORDER BY k.pos",
                (channel_id,),
            ).fetchall()
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]

    def active_chunk_texts(self, channel_id: int) -> tuple[list[int], list[str]]:
        """Positions and texts of a channel's active chunks, ordered by ``pos``."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT pos, text FROM chunks WHERE channel_id = ? AND active = 1 ORDER BY pos", (channel_id,)
            ).fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    # ------------------------------------------------------------------ queries
    def log_query(self, query: str, channels: list[str], answer: str, abstained: bool,
                  cited: list[dict], mode: str, asker: str | None = None) -> int:
        """Record an answered query; returns its id (for a later vote).

        ``asker`` names who asked when that is not the store's owner (a bot user
        ``tg-<id>`` asking the bot's shared channels), so :meth:`forget_asker` can delete
        their questions; ``None`` for the workspace's own user.
        """
        with self.connect() as con:
            cur = con.execute(
                "INSERT INTO queries(ts, query, channels, answer, abstained, cited, mode, asker)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (time.time(), query, json.dumps(channels, ensure_ascii=False), answer, int(abstained),
                 json.dumps(cited, ensure_ascii=False), mode, asker),
            )
            return int(cur.lastrowid)

    def forget_asker(self, asker: str) -> int:
        """Delete every logged query (question, answer, vote) of ``asker``; returns how many."""
        with self.connect() as con:
            return int(con.execute("DELETE FROM queries WHERE asker = ?", (asker,)).rowcount)

    def set_vote(self, query_id: int, vote: int) -> None:
        """Store +1 (thumbs up), -1 (down) or 0 (withdrawn) on a logged query."""
        with self.connect() as con:
            con.execute("UPDATE queries SET vote = ? WHERE id = ?", (vote or None, query_id))

    def query_rows(self) -> list[tuple]:
        """``(id, ts, query, abstained, vote, cited_json)`` of every logged query, oldest first."""
        with self.connect() as con:
            return con.execute("SELECT id, ts, query, abstained, vote, cited FROM queries ORDER BY id").fetchall()
