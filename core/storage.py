"""One storage layer: SQLite connections, schema migrations, atomic file writes, locks.

Every store of Margo (channels, interview progress, rate limits) opens its database
through :func:`connect` (WAL journal, ``synchronous=NORMAL``, a busy timeout, rows by
name) and brings its schema up to date with :func:`migrate`, which applies numbered
scripts and records the version in ``PRAGMA user_version`` (SQLite's own counter, see
https://www.sqlite.org/pragma.html#pragma_user_version). Files that must never be seen
half written (index metadata, cached embeddings, audio) go through
:func:`atomic_write_bytes` / :func:`atomic_replace_dir`: write to a temporary sibling,
``fsync``, then ``os.replace`` (atomic on POSIX). Work that must not run twice at once
across threads *and* processes (two imports of one channel) takes :func:`file_lock`.

Errors: SQLite and OS failures become :class:`core.errors.StorageError`.

Backends (#11p): SQLite files are the default. With ``MARGO_DATABASE_URL=postgresql://...``
the same functions run on PostgreSQL (:mod:`core.storage_pg`): each database path becomes
a schema keyed by the path relative to ``settings.data_dir``, the stores' SQLite SQL is
translated statement by statement, ``user_version`` lives in a table, and
:func:`named_lock` is a PostgreSQL advisory lock (it holds across machines). Stores do
not change: they pass paths and write SQLite SQL.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import StorageError

__all__ = [
    "atomic_replace_dir",
    "atomic_write_bytes",
    "atomic_write_text",
    "connect",
    "dir_size_bytes",
    "file_lock",
    "integrity_check",
    "migrate",
    "named_lock",
    "database_exists",
    "database_bytes_under",
    "transaction",
    "use_database",
    "database_url",
    "database_key",
    "drop_databases_under",
]

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another (SQLite busy timeout). Long enough for a channel
import's write phase (a few seconds at 100k posts, see docs/BENCHMARKS.md), short enough
that a stuck writer surfaces as an error instead of a hang."""


# ------------------------------------------------------------------ backend (#11p)
_URL_OVERRIDE: list[str | None] = []


def database_url() -> str:
    """The PostgreSQL URL the stores use, or ``""`` for SQLite files (the default).

    From :func:`use_database` when one is active, else ``settings.database_url``
    (``MARGO_DATABASE_URL``).
    """
    if _URL_OVERRIDE:
        return _URL_OVERRIDE[-1] or ""
    from .settings import get_settings

    try:
        url = get_settings().database_url
    except Exception:  # noqa: BLE001 - invalid settings stop the app elsewhere, with one line naming them
        return os.environ.get("MARGO_DATABASE_URL", "")
    return url.get_secret_value() if url is not None else ""


@contextlib.contextmanager
def use_database(url: str | None) -> Iterator[None]:
    """Run the block on ``url`` (PostgreSQL) or, with None/``""``, on SQLite files, whatever
    the settings say (tests, benchmarks, a migration script). Process-wide, not per thread."""
    _URL_OVERRIDE.append(url or "")
    try:
        yield
    finally:
        _URL_OVERRIDE.pop()


def database_key(path: Path) -> str:
    """The name of the database at ``path`` on a server: its path relative to
    ``settings.data_dir`` (``workspaces/<user>/channels/channels.sqlite``), or the absolute
    path when it lies elsewhere. Several app servers with their own data folders name a
    user's store alike."""
    resolved = Path(os.path.abspath(path))
    try:
        from .settings import get_settings

        root = Path(os.path.abspath(get_settings().data_dir))
        return resolved.relative_to(root).as_posix()
    except (ValueError, Exception):  # noqa: BLE001 - not under data_dir, or settings unreadable
        return resolved.as_posix()


SERVER_LOCAL_PREFIXES = ("api/",)
"""Database keys that stay in SQLite files even on PostgreSQL: one server's own runtime state
(the HTTP API's job queue, ``api/jobs.sqlite3``: each server marks the jobs it left unfinished
as failed when it starts, which must not touch another server's running jobs)."""


def _url_for(path: Path) -> str:
    url = database_url()
    if url and database_key(path).startswith(SERVER_LOCAL_PREFIXES):
        return ""
    return url


def database_exists(path: Path) -> bool:
    """True when the database at ``path`` has been created: the SQLite file exists, or (on
    PostgreSQL) the server holds its schema."""
    url = _url_for(path)
    if not url:
        return Path(path).is_file()
    from . import storage_pg

    return storage_pg.exists(url, database_key(path))


def database_bytes_under(folder: Path) -> int:
    """Bytes the databases and vector collections kept for paths under ``folder`` take on
    the PostgreSQL server (tables, indexes, BM25 blobs); 0 on SQLite, where they are files
    in the folder (counted by :func:`dir_size_bytes`)."""
    url = database_url()
    if not url:
        return 0
    from . import storage_pg

    return storage_pg.bytes_under(url, database_key(folder))


def named_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    """An exclusive lock named by ``path``: :func:`file_lock` on SQLite; on PostgreSQL an
    advisory lock on the server (so it also holds between app servers)."""
    url = _url_for(path)
    if not url:
        return file_lock(path)
    from . import storage_pg

    return storage_pg.advisory_lock(url, database_key(path))


def drop_databases_under(folder: Path) -> int:
    """On PostgreSQL, drop every database (and vector collection) kept for paths under
    ``folder`` (a workspace being deleted); returns how many. On SQLite: 0 (the files go
    with the folder)."""
    url = database_url()
    if not url:
        return 0
    from . import storage_pg
    from .retrieval import pg_collection

    key = database_key(folder)
    return storage_pg.drop_under(url, key) + pg_collection.drop_under(url, key)


def connect(path: Path, *, timeout_s: float = BUSY_TIMEOUT_S, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` (folders created) in WAL mode with rows addressable by column name.

    On PostgreSQL (:func:`database_url`) a pooled connection to the path's schema that
    speaks the same way (:class:`core.storage_pg.PgConnection`); no file is created.

    Args:
        path: the database file.
        timeout_s: busy timeout in seconds.
        read_only: open with ``mode=ro`` (no file is created; nothing can be written).

    Returns:
        A connection in autocommit-off mode (``with con:`` commits or rolls back).

    Raises:
        StorageError: the file or its folder cannot be created or opened.
    """
    path = Path(path)
    url = _url_for(path)
    if url:
        from . import storage_pg

        return storage_pg.connect(url, database_key(path), read_only=read_only)  # type: ignore[return-value]
    return _connect_sqlite(path, timeout_s=timeout_s, read_only=read_only)


def _connect_sqlite(path: Path, *, timeout_s: float = BUSY_TIMEOUT_S, read_only: bool = False) -> sqlite3.Connection:
    try:
        if read_only:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout_s, check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(path, timeout=timeout_s, check_same_thread=False)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        con.row_factory = sqlite3.Row
        return con
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"Cannot open the database '{path.name}' ({type(exc).__name__}: {exc}).") from exc


@contextlib.contextmanager
def transaction(path: Path, *, immediate: bool = False, timeout_s: float = BUSY_TIMEOUT_S) -> Iterator[sqlite3.Connection]:
    """A connection inside one transaction: committed on success, rolled back on any error.

    Args:
        path: the database file.
        immediate: take the write lock at the start (``BEGIN IMMEDIATE``), so a
            read-then-write transaction cannot fail halfway on a stale snapshot.
        timeout_s: busy timeout in seconds.

    Raises:
        StorageError: an SQLite error (the transaction is rolled back; nothing is written).
    """
    con = connect(path, timeout_s=timeout_s)
    try:
        if immediate:
            con.execute("BEGIN IMMEDIATE")
        yield con
        con.commit()
    except sqlite3.Error as exc:
        con.rollback()
        raise StorageError(f"Database error in '{Path(path).name}': {exc}.") from exc
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()


def migrate(path: Path, migrations: Sequence[str]) -> int:
    """Bring the database at ``path`` to version ``len(migrations)``.

    ``migrations[i]`` is the SQL script that takes version ``i`` to ``i + 1``; each runs in
    its own ``BEGIN IMMEDIATE`` transaction with the ``user_version`` bump, so a crash
    leaves the database at a whole version. Scripts are never edited once shipped: add one.

    Returns:
        The version after migrating.

    Raises:
        StorageError: a script failed (the database stays at the previous version), or the
            file is from a newer Margo (version above ``len(migrations)``).
    """
    url = _url_for(path)
    if url:
        from . import storage_pg

        adopt = None
        if Path(path).is_file():  # a store of the file layout: its rows are adopted into a new schema
            def adopt() -> sqlite3.Connection:
                _migrate_sqlite(path, migrations)
                return _connect_sqlite(path, read_only=True)
        return storage_pg.migrate(url, database_key(path), migrations, _statements, adopt=adopt)
    return _migrate_sqlite(path, migrations)


def _migrate_sqlite(path: Path, migrations: Sequence[str]) -> int:
    con = _connect_sqlite(path)
    con.isolation_level = None  # explicit BEGIN/COMMIT around executescript's statements
    try:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version > len(migrations):
            raise StorageError(
                f"'{Path(path).name}' was written by a newer Margo (schema {version}, this one knows "
                f"{len(migrations)}); upgrade Margo or use another data folder."
            )
        for target in range(version + 1, len(migrations) + 1):
            con.execute("BEGIN IMMEDIATE")
            try:
                current = int(con.execute("PRAGMA user_version").fetchone()[0])
                if current >= target:  # another process migrated meanwhile
                    con.execute("COMMIT")
                    continue
                for statement in _statements(migrations[target - 1]):
                    con.execute(statement)
                con.execute(f"PRAGMA user_version = {target}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot prepare the database '{Path(path).name}': {exc}.") from exc
    finally:
        con.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (``sqlite3.complete_statement``
    decides, so a ``;`` inside a string or a trigger body does not split)."""
    out, buf = [], ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \n\t;"):
        out.append(buf.strip())
    return out


def integrity_check(path: Path) -> str:
    """``PRAGMA integrity_check`` of the database: ``"ok"`` when it is sound (on PostgreSQL:
    every table of the schema reads to the end)."""
    url = _url_for(path)
    if url:
        from . import storage_pg

        return storage_pg.integrity_check(url, database_key(path))
    con = connect(path, read_only=True)
    try:
        return "; ".join(str(r[0]) for r in con.execute("PRAGMA integrity_check"))
    except sqlite3.Error as exc:
        return f"error: {exc}"
    finally:
        con.close()


# ---------------------------------------------------------------------- files
def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a part.

    Raises:
        StorageError: the folder is not writable or the disk is full (the old file stays).
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise StorageError(f"Could not save '{path.name}': {exc.strerror or exc}.") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_replace_dir(target: Path) -> Iterator[Path]:
    """Build a folder's new content in a temporary sibling, then swap it in.

    ``with atomic_replace_dir(folder) as tmp: (tmp / "x").write_bytes(...)``: on success the
    old folder is renamed aside, ``tmp`` renamed to ``folder``, the old one removed (if the
    second rename fails the old folder is put back); on error ``folder`` is untouched.

    Raises:
        StorageError: the swap failed (the old folder stays).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        old = target.parent / f".{target.name}.old-{os.getpid()}-{threading.get_ident()}"
        try:
            if target.exists():
                os.replace(target, old)
            try:
                os.replace(tmp, target)
            except OSError:
                if old.exists():
                    os.replace(old, target)
                raise
        except OSError as exc:
            raise StorageError(f"Could not save '{target.name}': {exc.strerror or exc}.") from exc
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named by ``path`` across threads and processes (``flock``).

    The lock file is created if missing and left in place (it holds nothing). The lock
    goes with the process: a process killed while holding it releases it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCKS_GUARD:
        tlock = _THREAD_LOCKS.setdefault(str(path.resolve()), threading.Lock())
    with tlock:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def dir_size_bytes(path: Path) -> int:
    """Total size in bytes of the files under ``path`` (0 if missing; symlinks not followed)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total
