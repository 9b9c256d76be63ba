"""The one retrieval core: a persisted hybrid index (LlamaIndex FAISS + BM25), fusion, typed hits.

Modules:
    hybrid      :class:`HybridIndex` (dense FAISS + BM25 with RU/EN stemming), typed :class:`Hit`, atomic saves
    fusion      :func:`fuse`: RRF, weighted or linear score fusion of ranked lists
    collection  :class:`RowCollection`: FAISS + bm25s addressed by row, with appends, masks
                (date filters, dead rows) and compaction, for large growing collections (channels)
"""

from .collection import RowCollection, RowHits, RowRef, bm25_tokenize, query_tokens
from .fusion import FusionMethod, fuse
from .hybrid import Hit, HybridIndex, RetrievalMode, atomic_write_dir

__all__ = ["FusionMethod", "Hit", "HybridIndex", "RetrievalMode", "RowCollection", "RowHits", "RowRef",
           "atomic_write_dir", "bm25_tokenize", "fuse", "query_tokens"]
