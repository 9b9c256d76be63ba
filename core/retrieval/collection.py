"""A FAISS + bm25s collection addressed by row position, for collections that grow by appends.

The second storage shape of the one retrieval core (:class:`core.retrieval.HybridIndex` is
the first). HybridIndex keeps every node in LlamaIndex's JSON docstore and is rebuilt
whole, which suits a paper (hundreds of nodes) but not a channel of 100,000 posts that
is imported again and again. :class:`RowCollection` keeps only vectors and BM25 terms;
the caller keeps what rows mean (post id, date, live flag) in its own database (Channel
search: SQLite, :mod:`core.channels.store`). Both shapes share the tokenizer and stemmer
(:func:`bm25_tokenize`: bm25s with :class:`core.text.MixedStemmer` and RU+EN stop words,
the same pipeline LlamaIndex's ``BM25Retriever`` runs inside HybridIndex), the fusion
function (:func:`core.retrieval.fuse`), the typed :class:`core.retrieval.Hit` and the
atomic folder swap. Measured numbers: docs/BENCHMARKS.md ("channels").

* Dense: ``llama_index.vector_stores.faiss.FaissVectorStore`` over ``faiss.IndexFlatIP``
  (exact inner product; vectors are L2-normalised, so scores are cosines). New rows
  are appended (row ``pos`` = FAISS row); FAISS cannot delete, so the caller masks dead
  rows and calls :meth:`RowCollection.compact` (rebuild from the stored vectors, no
  re-embedding) when enough of them are dead.
* Sparse: ``bm25s`` (Lù, 2024, "BM25S: Orders of magnitude faster lexical search via
  eager sparse scoring", arXiv:2407.03618), BM25 with its defaults k1 = 1.5, b = 0.75;
  rebuilt whole by :meth:`RowCollection.rebuild_bm25` (tens of seconds at 100k rows,
  cheap next to embedding).
* Filters (date range, dead rows) are boolean masks over rows: FAISS searches only the
  allowed rows with an ``IDSelectorBatch``; bm25s scores are multiplied by the mask.

Folder layout: ``vector/default__vector_store.json`` (FAISS binary), ``bm25/`` (bm25s),
``bm25_pos.npy`` (FAISS row of each BM25 document), ``meta.json`` (written last).
Saving writes a new folder and swaps it in with renames, so a failed save leaves the
old collection intact.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import StorageError
from ..text import MixedStemmer, stopwords
from .hybrid import _commit_dir, atomic_write_dir

__all__ = ["RowCollection", "RowHits", "RowRef", "bm25_tokenize", "query_tokens"]

_FORMAT = 1


def bm25_tokenize(texts: list[str]):
    """bm25s tokens of ``texts`` (lower case, ``\\w\\w+``, RU+EN stop words removed, stemmed).

    The same pipeline as LlamaIndex's ``BM25Retriever`` inside :class:`core.retrieval.HybridIndex`
    (``bm25s.tokenize`` with :class:`core.text.MixedStemmer` and :func:`core.text.stopwords`).
    """
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
    """Hits of one retriever: row positions and their scores, best first.

    Attributes:
        rows: int64 ``(n,)`` row positions (0-based FAISS rows).
        scores: float32 ``(n,)``: cosine similarity (dense) or BM25 score (sparse).
    """

    rows: np.ndarray
    scores: np.ndarray


def _empty() -> RowHits:
    return RowHits(np.zeros(0, np.int64), np.zeros(0, np.float32))


class RowCollection:
    """Dense + BM25 index of one growing collection, addressed by 0-based row position.

    Args:
        folder: the collection's folder (may not exist yet: an empty collection).
        dim: embedding dimension.
        embedder_name: the embedder whose vectors the collection holds.
        rebuild_hint: appended to storage error messages (what the user should do,
            e.g. "re-import the channel").

    Raises:
        StorageError: the folder holds a damaged collection or one from another embedder.
    """

    def __init__(self, folder: Path, dim: int, embedder_name: str, rebuild_hint: str = "rebuild it") -> None:
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore

        faiss.omp_set_num_threads(1)  # one query at a time: threads only contend (8 vs 38 ms at 100k)
        self.folder = Path(folder)
        self.dim = dim
        self.embedder_name = embedder_name
        self.rebuild_hint = rebuild_hint
        self._bm25 = None
        self.bm25_pos = np.zeros(0, dtype=np.int64)
        meta = self.read_meta(self.folder)
        if meta is None:
            self.store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
            return
        if meta.get("embedder") != embedder_name:
            raise StorageError(
                f"The index was built with '{meta.get('embedder')}', not '{embedder_name}'; {rebuild_hint}."
            )
        try:
            self.store = FaissVectorStore.from_persist_path(str(self.folder / "vector" / "default__vector_store.json"))
            if (self.folder / "bm25").is_dir():
                import bm25s

                self._bm25 = bm25s.BM25.load(str(self.folder / "bm25"), mmap=False)
                self.bm25_pos = np.load(self.folder / "bm25_pos.npy")
        except Exception as exc:  # noqa: BLE001 - any broken file means "rebuild"
            raise StorageError(f"The index in {self.folder.name} is damaged ({type(exc).__name__}); "
                               f"{rebuild_hint}.") from exc

    @staticmethod
    def read_meta(folder: Path) -> dict | None:
        """``meta.json`` of a saved collection, or None when there is no complete one."""
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if meta.get("format") == _FORMAT else None

    @property
    def ntotal(self) -> int:
        """Rows in the FAISS index (live and dead)."""
        return int(self.store.client.ntotal)

    def vector(self, row: int) -> np.ndarray:
        """The stored float32 vector ``(dim,)`` of ``row`` (0-based)."""
        return self.store.client.reconstruct(int(row))

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
        """Write the collection to its folder atomically (:func:`core.retrieval.atomic_write_dir`).

        Raises:
            StorageError: the folder cannot be written (the previous collection stays).
        """
        try:
            with atomic_write_dir(self.folder) as tmp_name:
                tmp = Path(tmp_name)
                self.store.persist(str(tmp / "vector" / "default__vector_store.json"))
                if self._bm25 is not None:
                    self._bm25.save(str(tmp / "bm25"), show_progress=False)
                np.save(tmp / "bm25_pos.npy", self.bm25_pos)
                meta = {"format": _FORMAT, "embedder": self.embedder_name, "dim": self.dim, "rows": self.ntotal}
                # meta.json last: a folder without it is never taken for a complete collection
                (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
                _commit_dir(tmp, self.folder)
                os.makedirs(tmp, exist_ok=True)  # TemporaryDirectory cleanup expects it
        except OSError as exc:
            raise StorageError(f"Could not save the index: {exc.strerror or exc}.") from exc

    # --------------------------------------------------------------- retrieval
    def dense(self, query_vec: np.ndarray, k: int, mask: np.ndarray | None = None) -> RowHits:
        """Top ``k`` rows by cosine similarity, only rows where ``mask`` (bool ``(ntotal,)``) is True."""
        import faiss

        n = self.ntotal
        if n == 0 or k <= 0:
            return _empty()
        q = np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32)
        if mask is None or bool(mask.all()):
            scores, rows = self.store.client.search(q, min(k, n))
        else:
            allowed = np.flatnonzero(mask[:n]).astype(np.int64)
            if not len(allowed):
                return _empty()
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
            scores, rows = self.store.client.search(q, min(k, len(allowed)), params=params)
        keep = rows[0] >= 0
        return RowHits(rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32))

    def bm25_ceiling(self, query_tokens: list[str]) -> tuple[float, float]:
        """The BM25 score that stands for "matches the query" in this collection, and coverage.

        Returns:
            ``(ceiling, coverage)``: the sum over the distinct query terms found in the
            vocabulary of the best single-term BM25 score (0.0 when none is known), and
            the share of the query's distinct terms found (0..1). Dividing BM25 scores
            by the ceiling puts queries and collections on a rough 0..1 scale;
            multiplying by the coverage keeps a match on the one known word of a
            five-word query from looking like a match on the whole query.
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
            query_tokens: one query's terms from :func:`query_tokens` (strings; terms
                outside the vocabulary are ignored).
            k: rows to return at most.
            mask: bool ``(ntotal,)`` of allowed rows (None: all).
        """
        if self._bm25 is None or not len(self.bm25_pos) or k <= 0:
            return _empty()
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in query_tokens if t in vocab]
        if not ids:
            return _empty()
        scores = self._bm25.get_scores(ids)
        if mask is not None:
            scores = scores * mask[self.bm25_pos]
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        top = top[scores[top] > 0]
        return RowHits(self.bm25_pos[top], scores[top].astype(np.float32))


@dataclass
class RowRef:
    """The node of a :class:`core.retrieval.Hit` for a collection row (no text: the caller holds it).

    Attributes:
        node_id: ``"<collection key>:<row>"``.
        metadata: at least ``collection`` (the caller's key), ``row`` (0-based) and, in
            Channel search, ``post_id``.
    """

    node_id: str
    metadata: dict
