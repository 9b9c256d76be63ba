"""One channel's retrieval index: a :class:`core.retrieval.RowCollection` on disk.

Channel search runs on the one retrieval core (:mod:`core.retrieval`): the storage
(FAISS + bm25s addressed by row, appends, masks for date filters and dead rows,
compaction without re-embedding, atomic saves), the tokenizer and stemmer, the fusion
function and the typed hits are the core's. What is channel-specific stays here and in
:mod:`core.channels.search`: rows map to posts in SQLite (:mod:`core.channels.store`),
and a broken index is fixed by re-importing the channel. Measured numbers are in
docs/BENCHMARKS.md ("channels").
"""

from __future__ import annotations

from pathlib import Path

from ..retrieval.collection import RowCollection, RowHits, bm25_tokenize, query_tokens

__all__ = ["ChannelIndex", "RowHits", "bm25_tokenize", "query_tokens"]


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
