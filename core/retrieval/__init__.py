"""The one retrieval core: a persisted hybrid index (LlamaIndex FAISS + BM25), fusion, typed hits.

Modules:
    hybrid      :class:`HybridIndex` (dense FAISS + BM25 with RU/EN stemming, fused), atomic saves
"""

from .hybrid import HybridIndex, RetrievalMode, atomic_write_dir

__all__ = ["HybridIndex", "RetrievalMode", "atomic_write_dir"]
