"""The one retrieval core: a persisted hybrid index (LlamaIndex FAISS + BM25), fusion, typed hits.

Modules:
    hybrid      :class:`HybridIndex` (dense FAISS + BM25 with RU/EN stemming), typed :class:`Hit`, atomic saves
    fusion      :func:`fuse`: RRF or weighted score fusion of ranked lists
"""

from .fusion import FusionMethod, fuse
from .hybrid import Hit, HybridIndex, RetrievalMode, atomic_write_dir

__all__ = ["FusionMethod", "Hit", "HybridIndex", "RetrievalMode", "atomic_write_dir", "fuse"]
