"""A persisted hybrid index: LlamaIndex FAISS vector index + BM25, fused by :func:`core.retrieval.fusion.fuse`.

One :class:`HybridIndex` per collection (a document, a channel). Nodes are LlamaIndex
``TextNode`` objects whose metadata carries what citations need (page, post id, ...).

* Dense: ``VectorStoreIndex`` over ``FaissVectorStore(faiss.IndexFlatIP)``; vectors
  are L2-normalised, so the FAISS score is the cosine similarity.
* Sparse: LlamaIndex's ``BM25Retriever`` (bm25s) with :class:`core.text.MixedStemmer`
  and English + Russian stop words. Its stemmer is not persisted by LlamaIndex, so
  :meth:`HybridIndex.load` sets it again (stack facts: RU Recall@1 0.90 -> 0.25 without).
* Fusion: :func:`core.retrieval.fusion.fuse` (RRF by default, Cormack, Clarke &
  Buettcher, SIGIR 2009, k = 60; or a weighted score combination), over the top
  ``top_k * 2`` of each retriever. Hits are typed (:class:`Hit`: node, fused score,
  dense and BM25 scores and ranks, page).

FAISS in LlamaIndex cannot delete (stack facts), so a collection is rebuilt, never
edited in place. Writes go to a temporary folder that replaces the old one only when
complete, so a failed build never damages a saved index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..embeddings import Embedder, LlamaIndexEmbedding
from ..errors import EmptyDocumentError, StorageError
from ..text import MixedStemmer, stopwords, tokenize
from .fusion import FusionMethod, fuse

__all__ = ["Hit", "HybridIndex", "RetrievalMode", "atomic_write_dir"]

RetrievalMode = Literal["hybrid", "dense", "bm25"]
_FORMAT = 1


@dataclass
class Hit:
    """One retrieved node (``NodeWithScore``-like: ``hit.node``, ``hit.score``).

    Attributes:
        node: the LlamaIndex ``TextNode`` (its ``metadata`` carries page, post id, ...), or
            a :class:`core.retrieval.collection.RowRef` for :class:`~core.retrieval.RowCollection` rows.
        score: the score it was ranked by (fused in "hybrid" mode, cosine in "dense",
            BM25 in "bm25").
        dense: cosine similarity to the query (None when the dense list missed it).
        bm25: BM25 score (None when BM25 missed it or scored it 0).
        dense_rank: 1-based rank in the dense list (None when missed).
        bm25_rank: 1-based rank in the BM25 list (None when missed).
    """

    node: object
    score: float
    dense: float | None = None
    bm25: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None

    @property
    def page(self) -> int | None:
        """The node's 1-based page, when its metadata has one."""
        page = self.node.metadata.get("page")
        return int(page) if page is not None else None

    @property
    def post_id(self) -> int | None:
        """The node's Telegram post id (Channel search, :class:`core.retrieval.RowCollection` hits), when it has one."""
        pid = self.node.metadata.get("post_id")
        return int(pid) if pid is not None else None


def atomic_write_dir(target: Path) -> tempfile.TemporaryDirectory:
    """A temporary folder beside ``target``; see :func:`_commit_dir` to swap it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f".{target.name}.tmp-", dir=target.parent)


def _commit_dir(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` with renames only (the old folder survives until then)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_NO_WORDS = ("The text has no searchable words (only punctuation, symbols or common words such as 'the', "
             "'и'). If the PDF shows text, its font may map letters to odd codes: print it to a new PDF "
             "or run OCR (ocrmypdf -l rus+eng in.pdf out.pdf).")


def _bm25_retriever(nodes, top_k: int):
    from llama_index.retrievers.bm25 import BM25Retriever

    # #11: bm25s crashes ("max() arg is an empty sequence") on a corpus with no token left
    # after stop words (odd-font PDFs, symbol-only text): refuse it with a clear message.
    stop = stopwords()
    if not any(t not in stop for n in nodes for t in tokenize(n.get_content())):
        raise EmptyDocumentError(_NO_WORDS, key="errors.pdf.no_words")
    return BM25Retriever.from_defaults(
        nodes=nodes,
        similarity_top_k=top_k,
        stemmer=MixedStemmer(),
        language=sorted(stopwords()),
    )


class HybridIndex:
    """Dense + BM25 retrieval over one collection of nodes.

    Build with :meth:`build`, save with :meth:`persist`, reopen with :meth:`load`.

    Attributes:
        nodes: the collection's nodes in insertion order.
        embedder: the embedder whose vectors the FAISS index holds.
    """

    def __init__(self, vector_index, bm25, nodes, embedder: Embedder) -> None:
        self._vector_index = vector_index
        self._bm25 = bm25
        self.nodes = list(nodes)
        self.embedder = embedder
        self._by_id = {n.node_id: n for n in self.nodes}

    # ---------------------------------------------------------------- building
    @classmethod
    def build(cls, nodes: Sequence, embedder: Embedder, embeddings: np.ndarray | None = None) -> HybridIndex:
        """Embed (unless given) and index ``nodes``.

        Args:
            nodes: LlamaIndex ``TextNode`` objects with unique ``node_id``.
            embedder: the embedder (its ``dim`` sets the FAISS dimension).
            embeddings: optional precomputed float32 ``(len(nodes), dim)``, L2-normalised.

        Raises:
            EmptyDocumentError: no nodes, or no searchable word in any (#11).
        """
        import faiss
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.vector_stores.faiss import FaissVectorStore

        nodes = list(nodes)
        if not nodes:  # #11: e.g. a PDF whose text is punctuation only: no chunk survives
            raise EmptyDocumentError(_NO_WORDS, key="errors.pdf.no_words")
        if embeddings is None:
            embeddings = embedder.embed([n.get_content() for n in nodes])
        for node, vector in zip(nodes, embeddings, strict=True):
            node.embedding = vector.tolist()
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(embedder.dim))
        storage = StorageContext.from_defaults(vector_store=store)
        vector_index = VectorStoreIndex(
            nodes, storage_context=storage, embed_model=LlamaIndexEmbedding(embedder), show_progress=False
        )
        for node in nodes:
            node.embedding = None  # keep the docstore free of vectors (FAISS holds them)
        bm25 = _bm25_retriever(nodes, top_k=10)
        return cls(vector_index, bm25, nodes, embedder)

    def persist(self, target: Path, extra: dict | None = None, write_extra=None) -> None:
        """Save to ``target`` atomically (a complete new folder replaces the old one).

        Args:
            target: the collection's folder.
            extra: JSON-serialisable metadata stored in ``meta.json`` (returned by :meth:`read_meta`).
            write_extra: optional ``callable(tmp_dir: Path)`` that writes more files
                into the new folder before it is swapped in (so they are atomic too).

        Raises:
            StorageError: the folder cannot be written (the previous index stays intact).
        """
        try:
            with atomic_write_dir(target) as tmp_name:
                tmp = Path(tmp_name)
                self._vector_index.storage_context.persist(persist_dir=str(tmp / "vector"))
                self._bm25.persist(str(tmp / "bm25"), show_progress=False)
                meta = {"format": _FORMAT, "embedder": self.embedder.name, "dim": self.embedder.dim,
                        "n_nodes": len(self.nodes), "extra": extra or {}}
                if write_extra is not None:
                    write_extra(tmp)
                # meta.json last: a folder without it is never taken for a complete index.
                (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
                _commit_dir(tmp, target)
                os.makedirs(tmp, exist_ok=True)  # TemporaryDirectory cleanup expects it
        except OSError as exc:
            raise StorageError(f"Could not save the index to {target.name}: {exc.strerror or exc}.") from exc

    # ----------------------------------------------------------------- loading
    @staticmethod
    def read_meta(target: Path) -> dict | None:
        """``meta.json`` of a saved index, or None when there is no complete index there."""
        try:
            return json.loads((target / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @classmethod
    def load(cls, target: Path, embedder: Embedder) -> HybridIndex:
        """Reopen a saved index without re-embedding.

        Raises:
            StorageError: missing, incomplete, or built with another embedder.
        """
        from llama_index.core import StorageContext, load_index_from_storage
        from llama_index.retrievers.bm25 import BM25Retriever
        from llama_index.vector_stores.faiss import FaissVectorStore

        meta = cls.read_meta(target)
        if meta is None or meta.get("format") != _FORMAT:
            raise StorageError(f"No saved index at {target.name}.")
        if meta.get("embedder") != embedder.name:
            raise StorageError(f"The saved index was built with '{meta.get('embedder')}', not '{embedder.name}'.")
        try:
            vdir = str(target / "vector")
            store = FaissVectorStore.from_persist_dir(vdir)
            storage = StorageContext.from_defaults(vector_store=store, persist_dir=vdir)
            vector_index = load_index_from_storage(storage, embed_model=LlamaIndexEmbedding(embedder))
            bm25 = BM25Retriever.from_persist_dir(str(target / "bm25"), show_progress=False)
            bm25.stemmer = MixedStemmer()  # not persisted by LlamaIndex
            nodes = sorted(
                vector_index.docstore.docs.values(), key=lambda n: n.metadata.get("order", 0)
            )
        except Exception as exc:  # noqa: BLE001 - any broken file means "rebuild"
            raise StorageError(f"The saved index at {target.name} is damaged: {type(exc).__name__}.") from exc
        return cls(vector_index, bm25, nodes, embedder)

    # --------------------------------------------------------------- retrieval
    def retrieve(
        self,
        query: str,
        top_k: int = 6,
        mode: RetrievalMode = "hybrid",
        method: FusionMethod = "rrf",
        weights: Sequence[float] = (1.0, 1.0),
        bm25_query: str | None = None,
        query_vector: np.ndarray | None = None,
        extra: Sequence[tuple[float, Sequence[tuple[str, float]]]] = (),
    ) -> list[Hit]:
        """Retrieve the ``top_k`` best nodes for ``query``.

        Args:
            query: the user's question.
            top_k: nodes to return.
            mode: "hybrid" (dense and BM25 fused), "dense" or "bm25".
            method: fusion method of :func:`core.retrieval.fusion.fuse`.
            weights: ``(dense, bm25)`` fusion weights.
            bm25_query: text for BM25 instead of ``query`` (e.g. with glossary
                translations of a question in the other language).
            query_vector: the query's embedding when already computed (skips embedding).
            extra: more voters for "hybrid" mode, each ``(weight, [(node_id, score), ...])`` best
                first (e.g. the Reader's page-level dense list, :func:`core.reader.qa.find_evidence`),
                fused with the dense and BM25 lists by the same ``method``; unknown ids are ignored.

        Returns:
            :class:`Hit` list, best first; BM25 hits with score 0 are never returned.
        """
        n = len(self.nodes)
        depth = min(n, max(top_k * 2, top_k)) if mode == "hybrid" else min(n, top_k)
        dense_hits: list = []
        if mode in ("hybrid", "dense"):
            dense_hits = self._dense(query, depth, query_vector)
        bm25_hits: list = []
        if mode in ("hybrid", "bm25"):
            self._bm25.similarity_top_k = depth
            bm25_hits = [h for h in self._bm25.retrieve(bm25_query or query) if (h.score or 0) > 0]
        d_info = {h.node.node_id: (float(h.score or 0.0), r) for r, h in enumerate(dense_hits, start=1)}
        b_info = {h.node.node_id: (float(h.score or 0.0), r) for r, h in enumerate(bm25_hits, start=1)}
        if mode == "dense":
            order = [(h.node.node_id, float(h.score or 0.0)) for h in dense_hits]
        elif mode == "bm25":
            order = [(h.node.node_id, float(h.score or 0.0)) for h in bm25_hits]
        else:
            lists = [[(h.node.node_id, float(h.score or 0.0)) for h in dense_hits],
                     [(h.node.node_id, float(h.score or 0.0)) for h in bm25_hits]]
            lists += [[(i, float(sc)) for i, sc in ranked if i in self._by_id] for _, ranked in extra]
            order = fuse(lists, method=method, weights=[*weights, *(w for w, _ in extra)])
        out = []
        for node_id, score in order[:top_k]:
            d = d_info.get(node_id)
            b = b_info.get(node_id)
            out.append(Hit(node=self._by_id[node_id], score=float(score), dense=d[0] if d else None,
                           bm25=b[0] if b else None, dense_rank=d[1] if d else None, bm25_rank=b[1] if b else None))
        return out

    def _dense(self, query: str, depth: int, query_vector: np.ndarray | None) -> list:
        from llama_index.core.schema import QueryBundle

        retriever = self._vector_index.as_retriever(similarity_top_k=depth)
        if query_vector is None:
            return retriever.retrieve(query)
        return retriever.retrieve(QueryBundle(query_str=query, embedding=[float(x) for x in query_vector]))
