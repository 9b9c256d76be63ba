"""One channel's retrieval index: a :class:`core.retrieval.RowCollection` on disk.

Channel search runs on the one retrieval core (:mod:`core.retrieval`): the storage
(FAISS + bm25s addressed by row, appends, masks for date filters and dead rows,
compaction without re-embedding, atomic saves), the tokenizer and stemmer, the fusion
function and the typed hits are the core's. What is channel-specific stays here and in
:mod:`core.channels.search`: rows map to posts in SQLite (:mod:`core.channels.store`),
and a broken index is fixed by re-importing the channel. Measured numbers are in
docs/BENCHMARKS.md ("channels").

Backends (#11p, ``settings.vector_backend``): "faiss" (default) keeps the index in the
channel's folder; "pgvector" keeps it on the PostgreSQL server of ``MARGO_DATABASE_URL``
(:class:`core.retrieval.pg_collection.PgVectorCollection`, the same interface), so every
app server searches the same channel. :func:`open_channel_index`, :func:`index_stamp`
and :func:`drop_channel_index` choose by the setting; numbers in docs/BENCHMARKS.md
("PostgreSQL").
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..retrieval.collection import RowCollection, RowHits, bm25_tokenize, query_tokens

__all__ = ["ChannelIndex", "RowHits", "bm25_tokenize", "copy_channel_index", "drop_channel_index", "index_stamp",
           "open_channel_index", "query_tokens"]


class ChannelIndex(RowCollection):
    """Dense + BM25 index of one channel's chunks (a :class:`core.retrieval.RowCollection`).

    Args:
        folder: the channel's index folder (may not exist yet: an empty index).
        dim: embedding dimension.
        embedder_name: the embedder whose vectors the index holds.

    Raises:
        StorageError: the folder holds a damaged index or one from another embedder
            (the message asks the user to re-import the channel).
    """

    def __init__(self, folder: Path, dim: int, embedder_name: str) -> None:
        super().__init__(folder, dim, embedder_name, rebuild_hint="re-import the channel")


def _pg_class():
    """The pgvector channel index class (imported lazily: psycopg is needed only there)."""
    from ..retrieval.pg_collection import PgVectorCollection

    class PgChannelIndex(PgVectorCollection):
        """A channel's index on pgvector (:class:`core.retrieval.pg_collection.PgVectorCollection`)."""

        def __init__(self, folder: Path, dim: int, embedder_name: str) -> None:
            super().__init__(folder, dim, embedder_name, rebuild_hint="re-import the channel")

    return PgChannelIndex


def open_channel_index(folder: Path, dim: int, embedder_name: str, backend: str = "faiss") -> RowCollection:
    """The channel's index on ``backend`` ("faiss" or "pgvector", ``settings.vector_backend``).

    Raises:
        StorageError: the index is damaged or from another embedder, or (pgvector) the
            database cannot be reached.
    """
    if backend == "pgvector":
        return _pg_class()(folder, dim, embedder_name)
    return ChannelIndex(folder, dim, embedder_name)


def index_stamp(folder: Path, backend: str = "faiss") -> int | None:
    """What changes with every save of the channel's index (None: nothing saved yet):
    ``meta.json``'s mtime in ns (faiss) or the collection's generation (pgvector)."""
    if backend == "pgvector":
        from ..retrieval.pg_collection import PgVectorCollection

        meta = PgVectorCollection.read_meta(folder)
        if meta is None:  # a channel indexed before the switch to pgvector: adopt its files once
            files = RowCollection.read_meta(folder)
            if files is None:
                return None
            return _pg_class()(folder, int(files["dim"]), str(files["embedder"])).generation
        return int(meta["generation"])
    try:
        return (Path(folder) / "meta.json").stat().st_mtime_ns
    except OSError:
        return None


def drop_channel_index(folder: Path, backend: str = "faiss") -> None:
    """Remove the channel's index (its folder; on pgvector also its table)."""
    if backend == "pgvector":
        from ..retrieval.pg_collection import drop

        drop(folder)
    shutil.rmtree(folder, ignore_errors=True)


def copy_channel_index(src: Path, dst_tmp: Path, dst: Path, backend: str = "faiss") -> None:
    """Copy a channel's saved index for publishing, without re-embedding.

    Args:
        src: the source channel's index folder.
        dst_tmp: the temporary folder that will be swapped in as ``dst`` (faiss: the
            files are copied there).
        dst: the destination channel's index folder (pgvector: the name of the copy).

    Raises:
        StorageError: (pgvector) the source was never saved or the copy failed.
    """
    if backend == "pgvector":
        from ..retrieval.pg_collection import copy_collection

        copy_collection(src, dst)
    elif Path(src).is_dir():
        shutil.copytree(src, dst_tmp, dirs_exist_ok=True)
