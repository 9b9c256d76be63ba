"""One channel's retrieval index: a LlamaIndex FAISS vector store plus bm25s, on disk.

Why not :class:`core.retrieval.HybridIndex` here: a channel can hold 100,000 posts, and
HybridIndex keeps every node in LlamaIndex's JSON docstore and rebuilds it whole;
post metadata lives in SQLite instead (:mod:`core.channels.store`), and the index only
maps row positions to chunks. Measured numbers are in docs/BENCHMARKS.md ("channels").

* Dense: ``llama_index.vector_stores.faiss.FaissVectorStore`` over ``faiss.IndexFlatIP``
  (exact inner product; vectors are L2-normalised, so scores are cosines). New chunks
  are appended (row ``pos`` = FAISS row); FAISS cannot delete, so chunks of edited
  posts are masked out (``active = 0`` in SQLite) and the index is compacted from its
  own stored vectors (no re-embedding) when a quarter of its rows are dead.
* Sparse: ``bm25s`` (Lù, 2024, "BM25S: Orders of magnitude faster lexical search via
  eager sparse scoring", arXiv:2407.03618), BM25 with k1 = 1.5, b = 0.75, over tokens
  stemmed by :class:`core.text.MixedStemmer` without RU/EN stop words; rebuilt on each
  import (tens of seconds at 100k posts, cheap next to embedding).
* Filters (date range, dead rows) are boolean masks over rows: FAISS searches only the
  allowed rows with an ``IDSelectorBatch``; bm25s takes a ``weight_mask``.

Folder layout: ``vector/default__vector_store.json`` (FAISS binary), ``bm25/`` (bm25s),
``bm25_pos.npy`` (FAISS row of each BM25 document), ``meta.json``. Saving writes a new
folder and swaps it in with renames, so a failed import leaves the old index intact.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import StorageError
from ..text import MixedStemmer, stopwords

__all__ = ["ChannelIndex", "RowHits", "bm25_tokenize", "query_tokens"]

_FORMAT = 1


def bm25_tokenize(texts: list[str]):
    """bm25s tokens of ``texts`` (lower case, ``\\w\\w+``, RU+EN stop words removed, stemmed)."""
    import bm25s

    return bm25s.tokenize(
        texts, stopwords=sorted(stopwords()), stemmer=MixedStemmer(), show_progress=False
    )


def query_tokens(text: str) -> list[str]:
    """The stemmed BM25 terms of one query (same pipeline as :func:`bm25_tokenize`)."""
    import bm25s

    return bm25s.tokenize(
        [text], stopwords=sorted(stopwords()), stemmer=MixedStemmer(), show_progress=False, return_ids=False
    )[0]


@dataclass
class RowHits:
    """Hits of one retriever: FAISS rows and their scores, best first.

    Attributes:
        rows: int64 ``(n,)`` row positions.
        scores: float32 ``(n,)``: cosine similarity (dense) or BM25 score (sparse).
    """

    rows: np.ndarray
    scores: np.ndarray


def _swap_dir(tmp: Path, target: Path) -> None:
    """Replace ``target`` with ``tmp`` by renames (the old folder survives until then)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        if old.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


class ChannelIndex:
    """Dense + BM25 index of one channel's chunks, addressed by FAISS row position.

    Args:
        folder: the channel's index folder (may not exist yet: an empty index).
        dim: embedding dimension.
        embedder_name: the embedder whose vectors the index holds.

    Raises:
        StorageError: the folder holds a damaged index or one from another embedder.
    """

    def __init__(self, folder: Path, dim: int, embedder_name: str) -> None:
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore

        faiss.omp_set_num_threads(1)  # one query at a time: threads only contend (8 vs 38 ms at 100k)
        self.folder = Path(folder)
        self.dim = dim
        self.embedder_name = embedder_name
        self._bm25 = None
        self.bm25_pos = np.zeros(0, dtype=np.int64)
        meta = self.read_meta(self.folder)
        if meta is None:
            self.store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
            return
        if meta.get("embedder") != embedder_name:
            raise StorageError(
                f"The index of this channel was built with '{meta.get('embedder')}', not '{embedder_name}'; "
                "re-import the channel."
            )
        try:
            self.store = FaissVectorStore.from_persist_path(str(self.folder / "vector" / "default__vector_store.json"))
            if (self.folder / "bm25").is_dir():
                import bm25s

                self._bm25 = bm25s.BM25.load(str(self.folder / "bm25"), mmap=False)
                self.bm25_pos = np.load(self.folder / "bm25_pos.npy")
        except Exception as exc:  # noqa: BLE001 - any broken file means "re-import"
            raise StorageError(f"The channel index in {self.folder.name} is damaged ({type(exc).__name__}); "
                               "re-import the channel.") from exc

    @staticmethod
    def read_meta(folder: Path) -> dict | None:
        """``meta.json`` of a saved index, or None."""
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if meta.get("format") == _FORMAT else None

    @property
    def ntotal(self) -> int:
        """Rows in the FAISS index (live and dead)."""
        return int(self.store.client.ntotal)

    # ------------------------------------------------------------------ writing
    def add(self, vectors: np.ndarray) -> np.ndarray:
        """Append L2-normalised float32 vectors ``(n, dim)``; returns their row positions ``(n,)``."""
        start = self.ntotal
        if len(vectors):
            self.store.client.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return np.arange(start, self.ntotal, dtype=np.int64)

    def compact(self, keep_rows: np.ndarray) -> None:
        """Rebuild FAISS from its own vectors, keeping ``keep_rows`` in that order (row i -> i)."""
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore

        vectors = self.store.client.reconstruct_n(0, self.ntotal)[keep_rows] if self.ntotal else np.zeros((0, self.dim))
        index = faiss.IndexFlatIP(self.dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.store = FaissVectorStore(faiss_index=index)

    def rebuild_bm25(self, rows: list[int], texts: list[str]) -> None:
        """Index ``texts`` (one per FAISS row in ``rows``) with bm25s, replacing the old BM25."""
        import bm25s

        self.bm25_pos = np.asarray(rows, dtype=np.int64)
        if not texts:
            self._bm25 = None
            return
        model = bm25s.BM25()
        model.index(bm25_tokenize(texts), show_progress=False)
        self._bm25 = model

    def save(self) -> None:
        """Write the index to its folder atomically.

        Raises:
            StorageError: the folder cannot be written (the previous index stays).
        """
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.tmp-", dir=self.folder.parent))
            try:
                self.store.persist(str(tmp / "vector" / "default__vector_store.json"))
                if self._bm25 is not None:
                    self._bm25.save(str(tmp / "bm25"), show_progress=False)
                np.save(tmp / "bm25_pos.npy", self.bm25_pos)
                meta = {"format": _FORMAT, "embedder": self.embedder_name, "dim": self.dim, "rows": self.ntotal}
                (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
                _swap_dir(tmp, self.folder)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            raise StorageError(f"Could not save the channel index: {exc.strerror or exc}.") from exc

    # --------------------------------------------------------------- retrieval
    def dense(self, query_vec: np.ndarray, k: int, mask: np.ndarray | None = None) -> RowHits:
        """Top ``k`` rows by cosine similarity, only rows where ``mask`` (bool ``(ntotal,)``) is True."""
        import faiss

        n = self.ntotal
        if n == 0 or k <= 0:
            return RowHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        q = np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32)
        if mask is None or bool(mask.all()):
            scores, rows = self.store.client.search(q, min(k, n))
        else:
            allowed = np.flatnonzero(mask[:n]).astype(np.int64)
            if not len(allowed):
                return RowHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
            scores, rows = self.store.client.search(q, min(k, len(allowed)), params=params)
        keep = rows[0] >= 0
        return RowHits(rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32))

    def bm25_ceiling(self, query_tokens: list[str]) -> tuple[float, float]:
        """The BM25 score that stands for "matches the query" in this channel, and coverage.

        Returns:
            ``(ceiling, coverage)``: the sum over the distinct query terms found in the
            vocabulary of the best single-term BM25 score (0.0 when none is known), and
            the share of the query's distinct terms found (0..1). Dividing BM25 scores
            by the ceiling puts queries and channels on a rough 0..1 scale; multiplying
            by the coverage keeps a match on the one known word of a five-word query
            from looking like a match on the whole query.
        """
        terms = list(dict.fromkeys(query_tokens))
        if self._bm25 is None or not terms:
            return 0.0, 0.0
        vocab = self._bm25.vocab_dict
        known = [t for t in terms if t in vocab]
        total = sum(float(self._bm25.get_scores([vocab[t]]).max()) for t in known)
        return total, len(known) / len(terms)

    def sparse(self, query_tokens, k: int, mask: np.ndarray | None = None) -> RowHits:
        """Top ``k`` rows by BM25 among rows where ``mask`` is True; rows with score 0 are dropped.

        Args:
            query_tokens: one query tokenized by :func:`bm25_tokenize` (ids in another
                vocabulary are fine: bm25s maps them by string).
        """
        if self._bm25 is None or not len(self.bm25_pos) or k <= 0:
            return RowHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in query_tokens if t in vocab]
        if not ids:
            return RowHits(np.zeros(0, np.int64), np.zeros(0, np.float32))
        scores = self._bm25.get_scores(ids)
        if mask is not None:
            scores = scores * mask[self.bm25_pos]
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        top = top[scores[top] > 0]
        return RowHits(self.bm25_pos[top], scores[top].astype(np.float32))
