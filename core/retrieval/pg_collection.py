"""A :class:`core.retrieval.RowCollection` whose vectors live in PostgreSQL + pgvector (#11p).

Where users outgrow one machine (``MARGO_VECTOR_BACKEND=pgvector`` with
``MARGO_DATABASE_URL``), a channel's dense index is a table on the database server
instead of a FAISS file beside one app server, so every app server searches the same
collection and the server can be scaled (replicas, more memory) like any PostgreSQL.
The interface is :class:`~core.retrieval.RowCollection`'s: rows addressed by 0-based
position, :meth:`add` appends, :meth:`compact` renumbers, :meth:`save` publishes,
:meth:`dense` / :meth:`sparse` take the same boolean row masks, and BM25 is the very
same bm25s code (inherited), its index stored as a blob in the registry row so any app
server loads it. SQLite + FAISS stays the default.

* Table ``margo_vectors.c_<sha256(key)[:24]>(row BIGINT PRIMARY KEY, embedding vector(dim))``
  per collection (one HNSW graph per channel: a shared table filtered by channel would
  make HNSW return other channels' neighbours and lose recall); ``key`` is the folder's
  path relative to ``settings.data_dir`` (:func:`core.storage.database_key`).
* Index: HNSW (Malkov & Yashunin 2018, arXiv:1603.09320) with ``vector_cosine_ops`` and
  pgvector's defaults ``m = 16``, ``ef_construction = 64`` (pgvector README). A query
  searches with ``hnsw.ef_search = max(EF_SEARCH, limit)``; recall against the exact
  (FAISS flat) top lists is measured in docs/BENCHMARKS.md ("PostgreSQL").
* Masks (dead rows, date filters): HNSW cannot filter inside the graph (pgvector 0.6), so
  the query over-fetches ``k / share`` neighbours and filters them; when that does not
  yield ``k`` allowed rows, or the allowed share is under :data:`EXACT_BELOW_SHARE`, it
  runs the exact scan over the allowed rows (``enable_indexscan = off``).
* Saves are one transaction (rows, HNSW index, registry row with the BM25 blob and a new
  ``generation``); a failed save leaves the previous collection. A compaction builds
  the new table beside the old one and swaps them by renaming inside that transaction.

Registry: ``margo_vectors.collections(key, tbl, format, embedder, dim, n_rows, generation,
bm25, bm25_pos, saved_ts)``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import tempfile
import threading
import time
import weakref
import zipfile
from pathlib import Path

import numpy as np

from .. import storage
from ..errors import StorageError
from .collection import RowCollection, RowHits, _empty

__all__ = ["EF_SEARCH", "EXACT_BELOW_SHARE", "PgVectorCollection", "copy_collection", "drop", "drop_under"]

SCHEMA = "margo_vectors"
_FORMAT = 1
HNSW_M = 16
"""HNSW graph degree: pgvector's default (README, "HNSW: m")."""
HNSW_EF_CONSTRUCTION = 64
"""HNSW build candidate list: pgvector's default (README, "ef_construction")."""
EF_SEARCH = 100
"""HNSW query candidate list (pgvector's default is 40, below Channel search's 50 candidates
per retriever); at least the query's ``limit``. Recall against FAISS's exact lists at this
value is in docs/BENCHMARKS.md ("PostgreSQL", scripts/bench_pg.py)."""
EF_SEARCH_MAX = 1000
"""pgvector's upper bound of ``hnsw.ef_search``."""
EXACT_BELOW_SHARE = 0.2
"""Below this share of allowed rows (a narrow date range) the exact scan over the allowed
rows replaces over-fetching ``k / share`` graph neighbours. Not tuned: chosen so the
over-fetch stays within 5 x k (310 rows at Channel search's k = 50), far under
``hnsw.ef_search``'s limit of 1000. In docs/BENCHMARKS.md ("PostgreSQL and pgvector")
a date filter keeping 30% of a 10k-post channel (over-fetch) and one keeping 5% (exact
scan) both give FAISS's top-10 on 10/10 queries."""

_READY: set[str] = set()
_READY_LOCK = threading.Lock()
_REGISTERED: weakref.WeakSet = weakref.WeakSet()
_EF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> its hnsw.ef_search


def _table(key: str) -> str:
    return "c_" + hashlib.sha256(key.encode()).hexdigest()[:24]


@contextlib.contextmanager
def _conn(url: str):
    """A pooled psycopg connection (autocommit: wrap writes in ``conn.transaction()``) with
    pgvector's types; the extension, schema and registry are created on first use."""
    from .. import storage_pg

    pool = storage_pg.pool(url)
    try:
        with pool.connection(timeout=storage_pg.CONNECT_TIMEOUT_S) as conn:
            _ensure(url, conn)
            if conn not in _REGISTERED:
                from pgvector.psycopg import register_vector

                register_vector(conn)
                _REGISTERED.add(conn)
            yield conn
    except StorageError:
        raise
    except Exception as exc:  # noqa: BLE001 - psycopg errors, pool timeouts
        raise StorageError(f"Vector database error ({type(exc).__name__}: "
                           f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}).") from exc


def _ensure(url: str, conn) -> None:
    with _READY_LOCK:
        if url in _READY:
            return
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('margo_vectors'))")
            cur.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public")  # not in a store's schema
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            cur.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.collections (key TEXT PRIMARY KEY, tbl TEXT NOT NULL, "
                        "format INT NOT NULL, embedder TEXT NOT NULL, dim INT NOT NULL, n_rows BIGINT NOT NULL, "
                        "generation BIGINT NOT NULL, bm25 BYTEA, bm25_pos BYTEA, saved_ts DOUBLE PRECISION)")
    except Exception as exc:  # noqa: BLE001
        raise StorageError(f"The database cannot hold vectors: the pgvector extension is missing or cannot be "
                           f"created ({type(exc).__name__}). Install pgvector on the server or set "
                           f"MARGO_VECTOR_BACKEND=faiss.") from exc
    with _READY_LOCK:
        _READY.add(url)


def _url() -> str:
    url = storage.database_url()
    if not url:
        raise StorageError("MARGO_VECTOR_BACKEND=pgvector needs MARGO_DATABASE_URL (a PostgreSQL server).")
    return url


def _np(value) -> np.ndarray:
    """A pgvector value (``pgvector.Vector`` or array) as float32 ``(dim,)``."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)


def _pack_dir(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f.name)
    return buf.getvalue()


class PgVectorCollection(RowCollection):
    """Dense (pgvector HNSW) + BM25 (bm25s) collection addressed by 0-based row position.

    Same constructor and methods as :class:`core.retrieval.RowCollection`; ``folder``
    only names the collection (nothing is written there).

    Args:
        folder: the collection's name as a path (its key is relative to ``data_dir``).
        dim: embedding dimension.
        embedder_name: the embedder whose vectors the collection holds.
        rebuild_hint: appended to storage error messages.

    Raises:
        StorageError: no database is configured, the server lacks pgvector, or the
            collection was built by another embedder or is damaged.
    """

    def __init__(self, folder: Path, dim: int, embedder_name: str, rebuild_hint: str = "rebuild it") -> None:
        self.folder = Path(folder)
        self.dim = dim
        self.embedder_name = embedder_name
        self.rebuild_hint = rebuild_hint
        self.url = _url()
        self.key = storage.database_key(self.folder)
        self.table = f"{SCHEMA}.{_table(self.key)}"
        self._bm25 = None
        self.bm25_pos = np.zeros(0, dtype=np.int64)
        self._stored = 0
        self._pending: list[np.ndarray] = []
        self._keep: np.ndarray | None = None
        self.generation = 0
        self._local = threading.local()
        with _conn(self.url) as conn:
            row = conn.execute(f"SELECT embedder, n_rows, generation, bm25, bm25_pos, format FROM {SCHEMA}.collections "
                               "WHERE key = %s", (self.key,)).fetchone()
        if row is None:
            if RowCollection.read_meta(self.folder) is not None:
                self._adopt_files()
            return
        if row[5] != _FORMAT or row[0] != embedder_name:
            raise StorageError(f"The index was built with '{row[0]}', not '{embedder_name}'; {rebuild_hint}.")
        self._stored, self.generation = int(row[1]), int(row[2])
        try:
            if row[3]:
                import bm25s

                with tempfile.TemporaryDirectory() as tmp:
                    zipfile.ZipFile(io.BytesIO(bytes(row[3]))).extractall(tmp)
                    self._bm25 = bm25s.BM25.load(tmp, mmap=False)
                self.bm25_pos = np.load(io.BytesIO(bytes(row[4])))
        except Exception as exc:  # noqa: BLE001 - a broken blob means "rebuild"
            raise StorageError(f"The index in {self.folder.name} is damaged ({type(exc).__name__}); "
                               f"{rebuild_hint}.") from exc

    def _adopt_files(self) -> None:
        """Copy the FAISS + bm25s collection saved in ``folder`` (the file layout) to the
        server once, without re-embedding; the files are left as they were."""
        src = RowCollection(self.folder, self.dim, self.embedder_name, self.rebuild_hint)
        if src.ntotal:
            self.add(src.store.client.reconstruct_n(0, src.ntotal))
        self._bm25, self.bm25_pos = src._bm25, src.bm25_pos  # noqa: SLF001 - the same class family
        try:
            self.save()
        except StorageError:  # another server adopted it meanwhile: take theirs
            self.__init__(self.folder, self.dim, self.embedder_name, self.rebuild_hint)

    # ----------------------------------------------------------------- registry
    @staticmethod
    def read_meta(folder: Path) -> dict | None:
        """The registry row of a saved collection (``format``, ``embedder``, ``dim``,
        ``rows``, ``generation``), or None when none was saved."""
        with _conn(_url()) as conn:
            row = conn.execute(f"SELECT format, embedder, dim, n_rows, generation FROM {SCHEMA}.collections "
                               "WHERE key = %s", (storage.database_key(Path(folder)),)).fetchone()
        if row is None or row[0] != _FORMAT:
            return None
        return {"format": row[0], "embedder": row[1], "dim": row[2], "rows": row[3], "generation": row[4]}

    @property
    def ntotal(self) -> int:
        """Rows in the collection (live and dead), unsaved appends included."""
        n_pending = sum(len(p) for p in self._pending)
        return (len(self._keep) if self._keep is not None else self._stored) + n_pending

    def _pending_matrix(self) -> np.ndarray:
        if not self._pending:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack(self._pending)

    def vector(self, row: int) -> np.ndarray:
        """The stored float32 vector ``(dim,)`` of ``row`` (0-based)."""
        row = int(row)
        cache = getattr(self._local, "vectors", None)
        if cache is not None and row in cache:
            return cache[row]
        if self._keep is None and row >= self._stored:
            return self._pending_matrix()[row - self._stored]
        self._check_searchable()
        with _conn(self.url) as conn:
            r = conn.execute(f"SELECT embedding FROM {self.table} WHERE row = %s", (row,), binary=True).fetchone()
        if r is None:
            raise StorageError(f"Row {row} is missing from the index of {self.folder.name}; {self.rebuild_hint}.")
        return _np(r[0])

    def _check_searchable(self) -> None:
        if self._keep is not None:
            raise StorageError("The collection was compacted but not saved; call save() before searching.")

    # ------------------------------------------------------------------ writing
    def add(self, vectors: np.ndarray) -> np.ndarray:
        """Append L2-normalised float32 vectors ``(n, dim)`` (written by :meth:`save`);
        returns their row positions ``(n,)``."""
        start = self.ntotal
        if len(vectors):
            self._pending.append(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim))
        return np.arange(start, self.ntotal, dtype=np.int64)

    def compact(self, keep_rows: np.ndarray) -> None:
        """Keep ``keep_rows`` in that order (row i -> i); applied by :meth:`save`."""
        keep = np.asarray(keep_rows, dtype=np.int64)
        if self._keep is not None:  # a second compaction before saving composes with the first
            n_old = len(self._keep)
            keep = np.where(keep < n_old, self._keep[np.minimum(keep, max(n_old - 1, 0))],
                            keep - n_old + self._stored)
        self._keep = keep

    def save(self) -> None:
        """Write appends, compaction and BM25 in one transaction (the old collection stays
        on any error).

        Raises:
            StorageError: the database cannot be written.
        """
        pending = self._pending_matrix()
        name = self.table.split(".")[1]
        with _conn(self.url) as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.key,))
            cur.execute(f"SELECT generation FROM {SCHEMA}.collections WHERE key = %s", (self.key,))
            now = cur.fetchone()
            if (now[0] if now else 0) != self.generation:
                raise StorageError(f"The index of {self.folder.name} was changed by another writer; "
                                   f"{self.rebuild_hint}.")
            cur.execute("SELECT to_regclass(%s)", (self.table,))
            exists = cur.fetchone()[0] is not None
            if self._keep is not None or not exists:
                target = f"{SCHEMA}.{name}_new" if exists else self.table
                cur.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{name}_new")
                cur.execute(f"CREATE TABLE {target} (row BIGINT PRIMARY KEY, embedding vector({self.dim}) NOT NULL)")
                if self._keep is not None:
                    keep = self._keep
                    stored = keep < self._stored
                    if exists and stored.any():
                        cur.execute(f"INSERT INTO {target}(row, embedding) SELECT k.pos, t.embedding FROM "
                                    f"unnest(%s::bigint[], %s::bigint[]) AS k(old, pos) JOIN {self.table} t "
                                    "ON t.row = k.old", (keep[stored].tolist(), np.flatnonzero(stored).tolist()))
                    rows_pending = [(p, pending[int(o) - self._stored]) for p, o in enumerate(keep)
                                    if o >= self._stored]
                    n_rows = len(keep)
                else:
                    rows_pending = list(zip(range(self._stored, self._stored + len(pending)), pending, strict=True))
                    n_rows = self._stored + len(pending)
                self._copy(cur, target, rows_pending)
                cur.execute(f"CREATE INDEX ON {target} USING hnsw (embedding vector_cosine_ops) "
                            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")
                if target != self.table:
                    cur.execute(f"DROP TABLE {self.table}")
                    cur.execute(f"ALTER TABLE {target} RENAME TO {name}")
            else:
                self._copy(cur, self.table, list(zip(range(self._stored, self._stored + len(pending)), pending,
                                                      strict=True)))
                n_rows = self._stored + len(pending)
            bm25 = bm25_pos = None
            if self._bm25 is not None:
                with tempfile.TemporaryDirectory() as tmp:
                    self._bm25.save(tmp, show_progress=False)
                    bm25 = _pack_dir(Path(tmp))
                buf = io.BytesIO()
                np.save(buf, self.bm25_pos)
                bm25_pos = buf.getvalue()
            cur.execute(
                f"INSERT INTO {SCHEMA}.collections VALUES (%s, %s, %s, %s, %s, %s, 1, %s, %s, %s) ON CONFLICT (key) "
                "DO UPDATE SET tbl = EXCLUDED.tbl, format = EXCLUDED.format, embedder = EXCLUDED.embedder, "
                "dim = EXCLUDED.dim, n_rows = EXCLUDED.n_rows, generation = collections.generation + 1, "
                "bm25 = EXCLUDED.bm25, bm25_pos = EXCLUDED.bm25_pos, saved_ts = EXCLUDED.saved_ts RETURNING generation",
                (self.key, self.table, _FORMAT, self.embedder_name, self.dim, n_rows, bm25, bm25_pos, time.time()))
            self.generation = int(cur.fetchone()[0])
        self._stored, self._pending, self._keep = n_rows, [], None

    @staticmethod
    def _copy(cur, table: str, rows: list[tuple[int, np.ndarray]]) -> None:
        if not rows:
            return
        with cur.copy(f"COPY {table} (row, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "vector"])
            for r, v in rows:
                copy.write_row((int(r), v))

    # --------------------------------------------------------------- retrieval
    def dense(self, query_vec: np.ndarray, k: int, mask: np.ndarray | None = None) -> RowHits:
        """Top ``k`` rows by cosine similarity, only rows where ``mask`` (bool ``(ntotal,)``) is True.

        Returns:
            :class:`core.retrieval.RowHits`, best first (scores are cosines, 1 - pgvector's
            cosine distance). The rows' vectors are kept for :meth:`vector` in this thread.
        """
        self._check_searchable()
        self._local.vectors = {}
        n = self.ntotal
        if n == 0 or k <= 0:
            return _empty()
        q = np.ascontiguousarray(query_vec.reshape(-1), dtype=np.float32)
        allowed = None if mask is None or bool(mask[:n].all()) else mask[:n]
        n_allowed = n if allowed is None else int(allowed.sum())
        if n_allowed == 0:
            return _empty()
        want = min(k, n_allowed)
        rows, scores = self._stored_dense(q, want, allowed, n_allowed)
        if self._pending:  # unsaved appends: exact, in memory
            pm = self._pending_matrix()
            prow = np.arange(self._stored, self._stored + len(pm))
            ps = pm @ q
            if allowed is not None:
                ok = allowed[prow]
                prow, ps = prow[ok], ps[ok]
            rows, scores = np.concatenate([rows, prow]), np.concatenate([scores, ps]).astype(np.float32)
            order = np.argsort(-scores, kind="stable")[:want]
            rows, scores = rows[order], scores[order]
        return RowHits(rows.astype(np.int64), scores.astype(np.float32))

    def _stored_dense(self, q: np.ndarray, want: int, allowed: np.ndarray | None,
                      n_allowed: int) -> tuple[np.ndarray, np.ndarray]:
        if self._stored == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        share = n_allowed / self.ntotal
        limit = min(self._stored, want if allowed is None else math.ceil(want / share * 1.2) + 10)
        cache = self._local.vectors
        with _conn(self.url) as conn, conn.cursor(binary=True) as cur:  # binary: vectors load 10x faster
            if allowed is None or (share >= EXACT_BELOW_SHARE and limit <= EF_SEARCH_MAX):
                ef = min(EF_SEARCH_MAX, max(EF_SEARCH, limit))
                if _EF.get(conn) != ef:  # a session setting, sent only when it changes
                    cur.execute(f"SET hnsw.ef_search = {ef}")
                    _EF[conn] = ef
                cur.execute(f"SELECT row, 1 - (embedding <=> %s), embedding FROM {self.table} "
                            "ORDER BY embedding <=> %s LIMIT %s", (q, q, limit))
                got = cur.fetchall()
                if allowed is not None:
                    got = [g for g in got if g[0] < len(allowed) and allowed[g[0]]]
                if len(got) >= min(want, self._stored):
                    got = got[:want]
                    for r, _, v in got:
                        cache[int(r)] = _np(v)
                    return (np.asarray([g[0] for g in got], np.int64), np.asarray([g[1] for g in got], np.float32))
            # exact scan over the allowed stored rows
            ok = np.flatnonzero(allowed[: self._stored]) if allowed is not None else np.arange(self._stored)
            with conn.transaction():
                cur.execute("SET LOCAL enable_indexscan = off")
                cur.execute(f"SELECT row, 1 - (embedding <=> %s), embedding FROM {self.table} WHERE row = ANY(%s) "
                            "ORDER BY embedding <=> %s LIMIT %s", (q, ok.tolist(), q, want))
                got = cur.fetchall()
        for r, _, v in got:
            cache[int(r)] = _np(v)
        return np.asarray([g[0] for g in got], np.int64), np.asarray([g[1] for g in got], np.float32)

    def sparse(self, query_tokens, k: int, mask: np.ndarray | None = None) -> RowHits:
        """:meth:`core.retrieval.RowCollection.sparse` (the same bm25s code); the hits'
        vectors not yet fetched by :meth:`dense` are fetched in one query for :meth:`vector`."""
        hits = super().sparse(query_tokens, k, mask)
        cache = getattr(self._local, "vectors", None)
        if cache is None:
            cache = self._local.vectors = {}
        missing = [int(r) for r in hits.rows if int(r) not in cache and int(r) < self._stored]
        if missing and self._keep is None:
            with _conn(self.url) as conn:
                for r, v in conn.execute(f"SELECT row, embedding FROM {self.table} WHERE row = ANY(%s)",
                                         (missing,), binary=True).fetchall():
                    cache[int(r)] = _np(v)
        return hits


def drop(folder: Path) -> None:
    """Remove the collection named by ``folder`` (table and registry row); no error if absent."""
    key = storage.database_key(Path(folder))
    with _conn(_url()) as conn, conn.transaction():
        conn.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{_table(key)}")
        conn.execute(f"DELETE FROM {SCHEMA}.collections WHERE key = %s", (key,))


def drop_under(url: str, prefix: str) -> int:
    """Remove every collection whose key is under ``prefix`` (a workspace being deleted)."""
    prefix = prefix.rstrip("/")
    with _conn(url) as conn, conn.transaction():
        keys = [r[0] for r in conn.execute(
            f"SELECT key FROM {SCHEMA}.collections WHERE key LIKE %s",
            (prefix.replace("%", r"\%").replace("_", r"\_") + "/%",)).fetchall()]
        for key in keys:
            conn.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{_table(key)}")
            conn.execute(f"DELETE FROM {SCHEMA}.collections WHERE key = %s", (key,))
    return len(keys)


def copy_collection(src: Path, dst: Path) -> None:
    """Replace the collection named ``dst`` by a copy of ``src`` (vectors, HNSW index, BM25),
    in one transaction: no re-embedding (publishing a channel to all users).

    Raises:
        StorageError: ``src`` was never saved, or the database cannot be written.
    """
    skey, dkey = storage.database_key(Path(src)), storage.database_key(Path(dst))
    stable, dtable = f"{SCHEMA}.{_table(skey)}", _table(dkey)
    with _conn(_url()) as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (dkey,))
        cur.execute(f"SELECT dim FROM {SCHEMA}.collections WHERE key = %s", (skey,))
        row = cur.fetchone()
        if row is None:
            raise StorageError(f"There is no saved index to copy for {Path(src).name}.")
        cur.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{dtable}")
        cur.execute(f"CREATE TABLE {SCHEMA}.{dtable} (row BIGINT PRIMARY KEY, embedding vector({int(row[0])}) NOT NULL)")
        cur.execute(f"INSERT INTO {SCHEMA}.{dtable} SELECT row, embedding FROM {stable}")
        cur.execute(f"CREATE INDEX ON {SCHEMA}.{dtable} USING hnsw (embedding vector_cosine_ops) "
                    f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")
        cur.execute(
            f"INSERT INTO {SCHEMA}.collections SELECT %s, %s, format, embedder, dim, n_rows, 1, bm25, bm25_pos, %s "
            f"FROM {SCHEMA}.collections WHERE key = %s ON CONFLICT (key) DO UPDATE SET tbl = EXCLUDED.tbl, "
            "format = EXCLUDED.format, embedder = EXCLUDED.embedder, dim = EXCLUDED.dim, n_rows = EXCLUDED.n_rows, "
            "generation = collections.generation + 1, bm25 = EXCLUDED.bm25, bm25_pos = EXCLUDED.bm25_pos, "
            "saved_ts = EXCLUDED.saved_ts", (dkey, f"{SCHEMA}.{dtable}", time.time(), skey))
