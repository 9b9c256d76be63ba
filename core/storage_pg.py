"""The PostgreSQL backend of :mod:`core.storage` (``MARGO_DATABASE_URL=postgresql://...``).

Private to the storage layer: stores keep calling :func:`core.storage.connect`,
:func:`core.storage.transaction`, :func:`core.storage.migrate` with the path of their
SQLite file, and keep writing the SQL they wrote for SQLite. Here:

* **Where a "file" lives**: every database path becomes one PostgreSQL schema,
  ``m_<sha256 of its key>[:20]``, where the key is the path relative to
  ``settings.data_dir`` (``workspaces/<user>/channels/channels.sqlite``), so several app
  servers with their own data folders share one database and each workspace's stores
  stay as separate as their files were. ``public.margo_databases`` maps keys to schemas
  (for :func:`drop_under`, "delete my data").
* **Dialect** (:func:`translate`, applied to every statement): ``?`` placeholders become
  ``%s`` (a literal ``%`` becomes ``%%``); as in Python's sqlite3, a transaction begins at
  the first statement that writes (SELECTs before it run in autocommit); ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO
  NOTHING``; ``INSERT OR REPLACE`` becomes ``ON CONFLICT (<primary key>) DO UPDATE``
  (the key is read from the catalogue); in DDL ``INTEGER PRIMARY KEY AUTOINCREMENT``
  becomes an identity column, ``INTEGER`` ``BIGINT`` (SQLite integers are 64-bit) and
  ``REAL`` ``DOUBLE PRECISION`` (SQLite reals are 8-byte; a 4-byte ``real`` would round
  Unix times to minutes); ``date(x, 'unixepoch', 'localtime')`` becomes ``to_char`` of
  the local time; ``PRAGMA`` and ``BEGIN IMMEDIATE`` are no-ops (PostgreSQL runs READ
  COMMITTED; what SQLite serialised with the write lock, imports of one channel, takes
  :func:`advisory_lock`). ``cursor.lastrowid`` after an ``INSERT`` into a table with an
  identity ``id`` comes from an added ``RETURNING id``.
* **Versions**: ``PRAGMA user_version`` becomes the row ``margo_meta('user_version')``
  in the schema; each migration runs in one transaction (PostgreSQL DDL is
  transactional) under an advisory lock, so concurrent starts migrate once.
* **Connections**: one ``psycopg_pool.ConnectionPool`` per URL (psycopg 3); rows are
  tuples addressable by column name like ``sqlite3.Row``; ``numeric`` results
  (``AVG``, ``SUM``) come back as ``int`` when whole, else ``float``, as in SQLite.

Errors: psycopg errors become :class:`core.errors.StorageError` (the URL's password is
never repeated).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from .errors import StorageError

__all__ = ["PgConnection", "advisory_lock", "connect", "drop_under", "integrity_check", "migrate",
           "pool", "schema_for", "translate"]

POOL_MAX_CONNECTIONS = 10
"""Connections one process keeps open at most: the Streamlit server's sessions share
them; PostgreSQL's default ``max_connections`` is 100, so ten app servers fit."""
CONNECT_TIMEOUT_S = 10.0
"""How long to wait for a pooled connection (or for the server) before giving up: not
measured; long enough for a server across a network under load, short enough that a page
shows the storage error instead of hanging (the LLM's default timeout is 30 s)."""

_POOLS: dict[str, object] = {}
_POOLS_LOCK = threading.Lock()
_KNOWN_SCHEMAS: set[tuple[str, str]] = set()
_SEARCH_PATH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> schema it is set to
_PK_CACHE: dict[tuple[str, str, str], tuple[tuple[str, ...], bool]] = {}


def _safe_url(url: str) -> str:
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)


def _error(exc: BaseException, what: str) -> StorageError:
    msg = re.sub(r"password=\S+", "password=***", str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    return StorageError(f"{what} ({type(exc).__name__}: {msg}).")


# ------------------------------------------------------------------ rows
class Row(tuple):
    """A result row: a tuple that is also addressable by column name (like ``sqlite3.Row``)."""

    _names: tuple[str, ...]

    def __new__(cls, values, names):  # noqa: D102 - tuple construction
        row = super().__new__(cls, values)
        row._names = names
        return row

    def keys(self) -> list[str]:
        """Column names, in order."""
        return list(self._names)

    def __getitem__(self, item):  # noqa: D105
        if isinstance(item, str):
            return tuple.__getitem__(self, self._names.index(item))
        return tuple.__getitem__(self, item)


def _row_factory(cursor):
    names = tuple(c.name for c in cursor.description or ())
    return lambda values: Row(values, names)


def _configure(conn) -> None:
    """Per new pooled connection: numeric as int/float, pgvector types where installed."""
    from psycopg.adapt import Loader

    class _NumericLoader(Loader):
        def load(self, data):
            d = Decimal(bytes(data).decode())
            return int(d) if d == d.to_integral_value() else float(d)

    conn.adapters.register_loader("numeric", _NumericLoader)
    conn.row_factory = _row_factory
    conn.autocommit = True  # transactions are opened explicitly (sqlite3's way: BEGIN before the first write)


def pool(url: str):
    """The process's connection pool for ``url`` (opened on first use).

    Raises:
        StorageError: psycopg is not installed or the server does not answer.
    """
    with _POOLS_LOCK:
        p = _POOLS.get(url)
        if p is None:
            try:
                from psycopg_pool import ConnectionPool
            except ImportError as exc:
                raise StorageError("MARGO_DATABASE_URL names PostgreSQL but psycopg is not installed "
                                   "(pip install -r requirements.txt).") from exc
            try:  # one direct attempt first: a server that refuses fails at once, not after the pool's retries
                import psycopg

                psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT_S)).close()
            except Exception as exc:  # noqa: BLE001 - OperationalError and friends
                raise StorageError(f"Cannot reach the database at {_safe_url(url)} "
                                   f"({type(exc).__name__}).") from exc
            p = ConnectionPool(url, min_size=1, max_size=POOL_MAX_CONNECTIONS, open=False,
                               configure=_configure, timeout=CONNECT_TIMEOUT_S,
                               kwargs={"connect_timeout": int(CONNECT_TIMEOUT_S)})
            try:
                p.open(wait=True, timeout=CONNECT_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 - psycopg_pool.PoolTimeout and friends
                with contextlib.suppress(Exception):
                    p.close()
                raise StorageError(f"Cannot reach the database at {_safe_url(url)} "
                                   f"({type(exc).__name__}).") from exc
            _POOLS[url] = p
        return p


def close_pools() -> None:
    """Close every pool of this process (tests, before the server stops)."""
    with _POOLS_LOCK:
        for p in _POOLS.values():
            with contextlib.suppress(Exception):
                p.close()  # type: ignore[attr-defined]
        _POOLS.clear()
        _KNOWN_SCHEMAS.clear()
        _PK_CACHE.clear()


def schema_for(key: str) -> str:
    """The schema name that holds the database with ``key`` (a relative path)."""
    return "m_" + hashlib.sha256(key.encode()).hexdigest()[:20]


# ------------------------------------------------------------- translation
_WORD = re.compile(r"\b(INTEGER PRIMARY KEY AUTOINCREMENT|INTEGER|REAL)\b", re.IGNORECASE)
_DAY = re.compile(r"date\(\s*([\w.]+)\s*,\s*'unixepoch'\s*,\s*'localtime'\s*\)", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+OR\s+(REPLACE|IGNORE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE)
_PLAIN_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


def _outside_quotes(sql: str, fn) -> str:
    """Apply ``fn`` to the parts of ``sql`` outside single-quoted literals."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def translate(sql: str, pk_of=None) -> tuple[str, str | None]:
    """SQLite SQL as Margo writes it -> PostgreSQL SQL for psycopg.

    Args:
        sql: one statement.
        pk_of: ``pk_of(table) -> (primary-key columns, has identity id)``, from the catalogue
            (needed for ``INSERT OR REPLACE`` and ``lastrowid``; None: neither is rewritten).

    Returns:
        ``(statement, returning)``: the statement, and ``"id"`` when ``RETURNING id`` was
        added (the cursor's ``lastrowid``), else None.
    """
    def ddl(part: str) -> str:
        part = part.replace("%", "%%").replace("?", "%s")
        return _WORD.sub(lambda m: {"integer primary key autoincrement":
                                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                                    "integer": "BIGINT", "real": "DOUBLE PRECISION"}[m.group(1).lower()], part)

    # the day expression holds quotes itself: rewrite it before splitting on literals
    day_fixed = _DAY.sub(lambda m: f"date_local({m.group(1)})", sql)
    out = _outside_quotes(day_fixed, ddl)
    out = re.sub(r"date_local\(([\w.]+)\)", lambda m: f"to_char(to_timestamp({m.group(1)}) AT TIME ZONE 'UTC' + "
                 f"interval '{time.localtime().tm_gmtoff} seconds', 'YYYY-MM-DD')", out)
    returning = None
    m = _INSERT.match(out)
    if m:
        kind, table, cols = m.group(1).upper(), m.group(2), [c.strip() for c in m.group(3).split(",")]
        out = out[: m.start(0)] + f"INSERT INTO {table}({', '.join(cols)})" + out[m.end(0):]
        if kind == "IGNORE":
            out += " ON CONFLICT DO NOTHING"
        elif pk_of is not None:
            pk, _ = pk_of(table)
            rest = [c for c in cols if c not in pk]
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)
            out += f" ON CONFLICT ({', '.join(pk)}) " + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING")
    elif pk_of is not None:
        m = _PLAIN_INSERT.match(out)
        if m and "RETURNING" not in out.upper() and pk_of(m.group(1))[1]:
            out += " RETURNING id"
            returning = "id"
    return out, returning


# ------------------------------------------------------------- connections
class _Cursor:
    """What Margo's stores use of an ``sqlite3.Cursor``: fetches, iteration, lastrowid, rowcount."""

    def __init__(self, cur=None, lastrowid: int | None = None, rows: list | None = None) -> None:
        self._cur = cur
        self._rows = rows
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount if cur is not None else 0

    def fetchone(self):  # noqa: D102
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        return self._cur.fetchone() if self._cur is not None and self._cur.description else None

    def fetchall(self):  # noqa: D102
        if self._rows is not None:
            rows, self._rows = self._rows, []
            return rows
        return self._cur.fetchall() if self._cur is not None and self._cur.description else []

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    """A pooled psycopg connection that speaks like Margo's ``sqlite3.Connection``.

    ``execute``/``executemany`` translate the SQL (:func:`translate`); as in ``sqlite3``
    a transaction is opened by the first statement that is not a ``SELECT`` (reads before
    it cost no ``COMMIT``); ``with con:`` commits on success and rolls back on error
    (sqlite3's meaning, not psycopg's); :meth:`close` rolls back what is uncommitted and
    returns the connection to the pool. Statements run with ``search_path`` set to the
    database's schema (set once per pooled connection and schema).
    """

    def __init__(self, url: str, schema: str, read_only: bool = False) -> None:
        self._pool = pool(url)
        self.schema = schema
        self.read_only = read_only  # on SQLite mode=ro; here the callers' promise (nothing enforces it)
        self.row_factory = None  # accepted and ignored: rows are always addressable by name
        self.isolation_level = ""
        self._in_tx = False
        try:
            self._conn = self._pool.getconn(timeout=CONNECT_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - PoolTimeout, OperationalError
            raise _error(exc, "Cannot get a database connection") from exc
        try:
            if _SEARCH_PATH.get(self._conn) != schema:
                self._conn.execute(f'SET search_path TO "{schema}", public')
                _SEARCH_PATH[self._conn] = schema
        except Exception as exc:  # noqa: BLE001
            self.close()
            raise _error(exc, "Cannot open the database") from exc

    def _pk_of(self, table: str) -> tuple[tuple[str, ...], bool]:
        key = (str(self._pool.conninfo), self.schema, table.lower())
        hit = _PK_CACHE.get(key)
        if hit is None:
            with self._conn.cursor() as cur:
                cur.execute(
                    "SELECT a.attname, a.attidentity FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = to_regclass(%s) "
                    "ORDER BY array_position(i.indkey, a.attnum)", (f'"{self.schema}".{table.lower()}',))
                rows = cur.fetchall()
            hit = (tuple(r[0] for r in rows), any(r[0] == "id" and r[1] in ("a", "d") for r in rows))
            if rows:
                _PK_CACHE[key] = hit
        return hit

    def begin(self) -> None:
        """Open a transaction now (no-op inside one)."""
        if not self._in_tx:
            self._conn.execute("BEGIN")
            self._in_tx = True

    def execute(self, sql: str, params: Sequence = ()) -> _Cursor:
        """Run one statement (SQLite syntax); returns a cursor.

        Raises:
            StorageError: the statement failed (the transaction must be rolled back).
        """
        head = sql.lstrip()[:16].upper()
        if head.startswith("PRAGMA") or head.startswith("BEGIN"):
            return _Cursor(rows=[])
        try:
            if not head.startswith(("SELECT", "WITH")):
                self.begin()
            stmt, returning = translate(sql, self._pk_of)
            cur = self._conn.cursor()
            cur.execute(stmt, tuple(params))
            if returning:
                row = cur.fetchone()
                return _Cursor(cur, lastrowid=int(row[0]) if row else None, rows=[])
            return _Cursor(cur)
        except StorageError:
            raise
        except Exception as exc:  # noqa: BLE001 - psycopg.Error and adaptation errors
            raise _error(exc, "Database error") from exc

    def executemany(self, sql: str, seq) -> _Cursor:
        """Run one statement for each parameter tuple of ``seq`` (inside the transaction)."""
        try:
            seq = [tuple(p) for p in seq]
            if not seq:
                return _Cursor(rows=[])
            self.begin()
            stmt, _ = translate(sql, self._pk_of)
            stmt = stmt.removesuffix(" RETURNING id")
            with self._conn.cursor() as cur:
                cur.executemany(stmt, seq)
            return _Cursor(rows=[])
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, "Database error") from exc

    def commit(self) -> None:
        """Commit the open transaction (no-op when none is open)."""
        if not self._in_tx:
            return
        try:
            self._conn.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, "Could not commit") from exc
        finally:
            self._in_tx = False

    def rollback(self) -> None:
        """Roll the open transaction back (never raises)."""
        if self._in_tx:
            with contextlib.suppress(Exception):
                self._conn.execute("ROLLBACK")
            self._in_tx = False

    def close(self) -> None:
        """Roll back anything uncommitted and return the connection to the pool."""
        conn = getattr(self, "_conn", None)
        if conn is not None:
            self.rollback()
            self._conn = None
            with contextlib.suppress(Exception):
                self._pool.putconn(conn)

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()
        return False

    @property
    def raw(self):
        """The underlying psycopg connection (autocommit; for COPY, locks and pgvector)."""
        return self._conn


def _ensure_schema(url: str, key: str, force: bool = False) -> str:
    schema = schema_for(key)
    if not force and (url, schema) in _KNOWN_SCHEMAS:
        return schema
    con = PgConnection(url, "public")
    try:
        con.begin()
        with con.raw.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('margo_databases'))")
            cur.execute("CREATE TABLE IF NOT EXISTS public.margo_databases (key TEXT PRIMARY KEY, "
                        "schema_name TEXT NOT NULL, created_ts DOUBLE PRECISION)")
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            cur.execute(f'CREATE TABLE IF NOT EXISTS "{schema}".margo_meta (key TEXT PRIMARY KEY, value BIGINT)')
            cur.execute("INSERT INTO public.margo_databases VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                        (key, schema, time.time()))
        con.commit()
    except Exception as exc:  # noqa: BLE001
        raise _error(exc, f"Cannot prepare the database '{Path(key).name}'") from exc
    finally:
        con.close()
    _KNOWN_SCHEMAS.add((url, schema))
    return schema


def exists(url: str, key: str) -> bool:
    """True when the server holds the database ``key`` (its schema was created)."""
    if (url, schema_for(key)) in _KNOWN_SCHEMAS:
        return True
    con = PgConnection(url, "public")
    try:
        row = con.raw.execute("SELECT to_regclass('public.margo_databases') IS NOT NULL").fetchone()
        if not row[0]:
            return False
        return con.raw.execute("SELECT 1 FROM public.margo_databases WHERE key = %s", (key,)).fetchone() is not None
    except Exception as exc:  # noqa: BLE001
        raise _error(exc, "Database error") from exc
    finally:
        con.close()


def connect(url: str, key: str, read_only: bool = False) -> PgConnection:
    """A connection to the database ``key`` (its schema created when missing).

    Raises:
        StorageError: the server cannot be reached or the schema cannot be created.
    """
    return PgConnection(url, _ensure_schema(url, key), read_only=read_only)


def migrate(url: str, key: str, migrations: Sequence[str], statements, adopt=None) -> int:
    """:func:`core.storage.migrate` on PostgreSQL (version in ``margo_meta``; one transaction
    per script under an advisory lock on the schema).

    Args:
        statements: the splitter of a script into statements (``core.storage._statements``).
        adopt: for a database that still is a SQLite file of the earlier layout, a callable
            returning a read-only ``sqlite3`` connection to it (brought to the same schema
            version first). When the schema on the server is new, every migration and a copy
            of the file's rows run in one transaction (all or nothing; ids kept, identity
            counters moved past them); the file is left as it was.

    Raises:
        StorageError: a script or the copy failed (the schema stays at the previous
            version), or the schema is from a newer Margo.
    """
    # the schema is checked on the server, not from this process's cache: another app server
    # may have dropped it ("delete my data") since
    con = PgConnection(url, _ensure_schema(url, key, force=True))
    try:
        for target in range(1, len(migrations) + 1):
            con.begin()
            with con.raw.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (con.schema,))
                cur.execute("SELECT value FROM margo_meta WHERE key = 'user_version'")
                row = cur.fetchone()
                current = int(row[0]) if row else 0
                if current > len(migrations):
                    raise StorageError(
                        f"'{Path(key).name}' was written by a newer Margo (schema {current}, this one knows "
                        f"{len(migrations)}); upgrade Margo or use another data folder.")
            if current >= target:
                con.commit()
                continue
            adopting = current == 0 and adopt is not None
            last = len(migrations) if adopting else target
            for script in migrations[target - 1: last]:
                for statement in statements(script):
                    con.execute(statement)
            if adopting:
                copied = _copy_sqlite(con, adopt())
                with con.raw.cursor() as cur:
                    cur.execute("INSERT INTO margo_meta VALUES ('adopted_sqlite_rows', %s) ON CONFLICT (key) "
                                "DO UPDATE SET value = EXCLUDED.value", (copied,))
            with con.raw.cursor() as cur:
                cur.execute("INSERT INTO margo_meta VALUES ('user_version', %s) ON CONFLICT (key) DO UPDATE "
                            "SET value = EXCLUDED.value", (last,))
            con.commit()
            if adopting:
                break
        with con.raw.cursor() as cur:
            cur.execute("SELECT value FROM margo_meta WHERE key = 'user_version'")
            row = cur.fetchone()
        return int(row[0]) if row else 0
    except StorageError as exc:
        con.rollback()
        if "newer Margo" in str(exc):
            raise
        raise StorageError(f"Cannot prepare the database '{Path(key).name}': {exc}") from exc
    except Exception as exc:  # noqa: BLE001
        con.rollback()
        raise _error(exc, f"Cannot prepare the database '{Path(key).name}'") from exc
    finally:
        con.close()


def _copy_sqlite(con: PgConnection, src) -> int:
    """Copy every table of the SQLite connection ``src`` that the schema also has (the
    columns both have) into ``con``'s open transaction; returns the rows copied."""
    total = 0
    try:
        tables = [r[0] for r in src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]  # creation order: parents first
        with con.raw.cursor() as cur:
            for table in tables:
                cur.execute("SELECT column_name, is_identity FROM information_schema.columns "
                            "WHERE table_schema = %s AND table_name = %s", (con.schema, table.lower()))
                pg_cols = {r[0]: r[1] == "YES" for r in cur.fetchall()}
                if not pg_cols:
                    continue
                cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")') if r[1].lower() in pg_cols]
                rows = src.execute(f"SELECT {', '.join(cols)} FROM \"{table}\"").fetchall()
                if rows:
                    marks = ", ".join(["%s"] * len(cols))
                    cur.executemany(f'INSERT INTO "{con.schema}"."{table.lower()}" ({", ".join(cols)}) '
                                    f"VALUES ({marks})", [tuple(r) for r in rows])
                    total += len(rows)
                for col in [c for c in cols if pg_cols.get(c.lower())]:  # identity counters past the copied ids
                    cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({col}), 0) + 1, false) "
                                f'FROM "{con.schema}"."{table.lower()}"', (f'"{con.schema}".{table.lower()}', col))
    finally:
        src.close()
    return total


def integrity_check(url: str, key: str) -> str:
    """``"ok"`` when every table of the database can be read to the end, else the error."""
    try:
        con = connect(url, key, read_only=True)
    except StorageError as exc:
        return f"error: {exc}"
    try:
        with con.raw.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (con.schema,))
            for (table,) in cur.fetchall():
                cur.execute(f'SELECT count(*) FROM "{con.schema}"."{table}"')
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc}"
    finally:
        con.close()


@contextlib.contextmanager
def advisory_lock(url: str, key: str) -> Iterator[None]:
    """Hold a session-level advisory lock named by ``key`` on one pooled connection: an
    exclusive lock across threads, processes and machines that share the server (released
    when the block ends, or by the server when the holder's connection drops)."""
    con = PgConnection(url, "public")
    lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    try:
        con.raw.execute("SELECT pg_advisory_lock(%s)", (lock_id,))
        try:
            yield
        finally:
            con.raw.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
    finally:
        con.close()


def bytes_under(url: str, prefix: str) -> int:
    """Bytes on the server (``pg_total_relation_size``: rows, indexes, TOAST) of the schemas
    and vector collections whose key is under ``prefix``."""
    like = prefix.rstrip("/").replace("%", r"\%").replace("_", r"\_") + "/%"
    con = PgConnection(url, "public")
    try:
        raw = con.raw
        total = 0
        if raw.execute("SELECT to_regclass('public.margo_databases') IS NOT NULL").fetchone()[0]:
            total += int(raw.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN "
                "(SELECT schema_name FROM public.margo_databases WHERE key LIKE %s)", (like,)).fetchone()[0])
        if raw.execute("SELECT to_regclass('margo_vectors.collections') IS NOT NULL").fetchone()[0]:
            total += int(raw.execute(
                "SELECT COALESCE(SUM(COALESCE(pg_total_relation_size(to_regclass(tbl)), 0) + "
                "COALESCE(length(bm25), 0) + COALESCE(length(bm25_pos), 0)), 0) FROM margo_vectors.collections "
                "WHERE key LIKE %s", (like,)).fetchone()[0])
        return total
    except Exception as exc:  # noqa: BLE001
        raise _error(exc, "Database error") from exc
    finally:
        con.close()


def drop_under(url: str, prefix: str) -> int:
    """Drop every database whose key is ``prefix`` or under it (a workspace being deleted);
    returns how many. Vector collections (:mod:`core.retrieval.pg_collection`) are dropped by
    their own ``drop_under``."""
    con = PgConnection(url, "public")
    try:
        con.begin()
        with con.raw.cursor() as cur:
            cur.execute("SELECT to_regclass('public.margo_databases')")
            if cur.fetchone()[0] is None:
                return 0
            prefix = prefix.rstrip("/")
            cur.execute("SELECT key, schema_name FROM public.margo_databases WHERE key = %s OR key LIKE %s",
                        (prefix, prefix.replace("%", r"\%").replace("_", r"\_") + "/%"))
            rows = cur.fetchall()
            for key, schema in rows:
                cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                cur.execute("DELETE FROM public.margo_databases WHERE key = %s", (key,))
        con.commit()
        _KNOWN_SCHEMAS.difference_update({(url, s) for _, s in rows})
        return len(rows)
    except Exception as exc:  # noqa: BLE001
        con.rollback()
        raise _error(exc, "Could not delete the databases") from exc
    finally:
        con.close()
