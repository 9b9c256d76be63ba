"""Top-N recommenders over a binary user-item matrix; CPU only.

Every model has ``fit(X) -> self`` with ``X`` a float32 CSR ``(n_users, n_items)`` of positive
interactions, and ``score(users) -> float32 (len(users), n_items)`` (higher is better) for user
indices of the matrix it was fitted on. Items a user has seen are masked by the caller.

Models:
    :class:`Popularity`   most interacted items (the baseline every table compares against).
    :class:`ItemKNN`      item-item nearest neighbours over co-occurrence, cosine or BM25
                          weighting (Sarwar et al., 2001), via ``implicit.nearest_neighbours``.
    :class:`ALS`          implicit-feedback matrix factorisation by alternating least squares
                          (Hu, Koren & Volinsky, 2008), via ``implicit``.
    :class:`BPR`          Bayesian personalised ranking MF (Rendle et al., 2009), via ``implicit``.
    :class:`EASE`         the closed-form shallow autoencoder (Steck, 2019, "Embarrassingly Shallow
                          Autoencoders for Sparse Data"), 20 lines of numpy, no library needed.
    :class:`ContentKNN`   content-based: a user's profile is the mean embedding of their items'
                          text (title + text, the product's multilingual embedder); items by cosine.
    :class:`Hybrid`       EASE plus ContentKNN, each standardised per user and mixed by a weight
                          chosen on validation; an item nobody has touched yet (cold item) can still
                          be recommended from its text.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["ALS", "BPR", "EASE", "Hybrid", "ContentKNN", "ItemKNN", "Model", "Popularity"]


def _dot_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` for ``a (m, d)`` and ``b (n, d)``.

    For a few rows (one user's top-N) numpy's own loop (einsum) instead of BLAS: a
    multi-threaded BLAS call on a loaded 2-core server waits for its second thread to be
    scheduled, which measured 25-35 ms per call here against under 1 ms for the loop.
    """
    if a.shape[0] <= 4:
        return np.einsum("ij,kj->ik", a, b, optimize=False)
    return a @ b.T


class Model:
    """Base class: holds the training matrix; subclasses implement ``fit`` and ``score``.

    Attributes:
        name: short model name used in tables and the command line.
        params: hyper-parameters (for tables).
    """

    name = "model"

    def __init__(self) -> None:
        self.params: dict[str, object] = {}
        self.X: sp.csr_matrix | None = None

    def fit(self, X: sp.csr_matrix) -> Model:
        """Learn from ``X`` float32 CSR ``(n_users, n_items)``; returns self."""
        self.X = X.tocsr().astype(np.float32)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        """Scores float32 ``(len(users), n_items)`` for user indices of the fitted matrix."""
        raise NotImplementedError

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        """Scores for arbitrary histories (rows of a ``(m, n_items)`` matrix): item-based models
        need no refit; the default re-uses :meth:`score` only when ``history`` is the training matrix."""
        raise NotImplementedError(f"{self.name} scores only the users it was trained on")


class Popularity(Model):
    """Items ranked by how many users interacted with them (the same list for everyone)."""

    name = "popularity"

    def fit(self, X: sp.csr_matrix) -> Popularity:
        super().fit(X)
        counts = np.asarray(self.X.sum(axis=0)).ravel().astype(np.float32)
        self.counts = counts / max(float(counts.max()), 1.0)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return np.tile(self.counts, (len(users), 1))

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        return np.tile(self.counts, (history.shape[0], 1))


class ItemKNN(Model):
    """Item-based k nearest neighbours (``implicit.nearest_neighbours``).

    Args:
        neighbours: neighbours kept per item (K).
        weighting: ``"cosine"`` or ``"bm25"`` (BM25 with implicit's defaults K1=1.2, B=0.75).
        threads: 0 = all cores.
    """

    name = "item_knn"

    def __init__(self, neighbours: int = 50, weighting: str = "cosine", threads: int = 0) -> None:
        super().__init__()
        self.params = {"neighbours": neighbours, "weighting": weighting}
        self.threads = threads

    def fit(self, X: sp.csr_matrix) -> ItemKNN:
        from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

        super().fit(X)
        k = int(self.params["neighbours"])
        model = BM25Recommender(K=k, num_threads=self.threads) if self.params["weighting"] == "bm25" \
            else CosineRecommender(K=k, num_threads=self.threads)
        with warnings.catch_warnings():  # implicit's own BM25 weighting hands itself a COO matrix
            warnings.filterwarnings("ignore", message="Method expects CSR input")
            model.fit(self.X, show_progress=False)
        self.similarity = model.similarity.tocsr().astype(np.float32)  # (n_items, n_items)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.score_history(self.X[users])

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        return np.asarray((history @ self.similarity).todense(), dtype=np.float32)


class _ImplicitMF(Model):
    def _fit_mf(self, make: Callable[[], Any]) -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit's advice: its own threads, BLAS single-threaded
            model = make()
            model.fit(self.X, show_progress=False)
        self.user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)
        self._model = model

    def score(self, users: np.ndarray) -> np.ndarray:
        return _dot_rows(self.user_factors[users], self.item_factors)

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        """Folds new histories in with implicit's ``recalculate_user`` (one least-squares solve)."""
        ids, scores = self._model.recommend(np.arange(history.shape[0]), history.tocsr(),
                                            N=self.item_factors.shape[0], recalculate_user=True,
                                            filter_already_liked_items=False)
        out = np.full((history.shape[0], self.item_factors.shape[0]), -np.inf, dtype=np.float32)
        np.put_along_axis(out, ids, scores.astype(np.float32), axis=1)
        return out


class ALS(_ImplicitMF):
    """Implicit-feedback ALS (Hu et al., 2008) from ``implicit``.

    Args:
        factors: latent dimensions.
        regularization: L2 weight.
        alpha: confidence scale (confidence = 1 + alpha * r).
        iterations: ALS sweeps (implicit's default 15).
        threads: 0 = all cores.
        seed: random state.
    """

    name = "als"

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float = 10.0,
                 iterations: int = 15, threads: int = 0, seed: int = 0) -> None:
        super().__init__()
        self.params = {"factors": factors, "regularization": regularization, "alpha": alpha, "iterations": iterations}
        self.threads, self.seed = threads, seed

    def fit(self, X: sp.csr_matrix) -> ALS:
        from implicit.cpu.als import AlternatingLeastSquares

        super().fit(X)
        p = self.params
        self._fit_mf(lambda: AlternatingLeastSquares(
            factors=int(p["factors"]), regularization=float(p["regularization"]), alpha=float(p["alpha"]),
            iterations=int(p["iterations"]), num_threads=self.threads, random_state=self.seed))
        return self


class BPR(_ImplicitMF):
    """Bayesian personalised ranking (Rendle et al., 2009) from ``implicit``.

    Args:
        factors: latent dimensions.
        learning_rate: SGD step.
        regularization: L2 weight.
        iterations: epochs (implicit's default 100).
        threads: 0 = all cores.
        seed: random state.
    """

    name = "bpr"

    def __init__(self, factors: int = 64, learning_rate: float = 0.05, regularization: float = 0.01,
                 iterations: int = 100, threads: int = 0, seed: int = 0) -> None:
        super().__init__()
        self.params = {"factors": factors, "learning_rate": learning_rate, "regularization": regularization,
                       "iterations": iterations}
        self.threads, self.seed = threads, seed

    def fit(self, X: sp.csr_matrix) -> BPR:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        super().fit(X)
        p = self.params
        self._fit_mf(lambda: BayesianPersonalizedRanking(
            factors=int(p["factors"]), learning_rate=float(p["learning_rate"]),
            regularization=float(p["regularization"]), iterations=int(p["iterations"]),
            num_threads=self.threads, random_state=self.seed))
        return self


def _spd_inverse(gram: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix by Cholesky (LAPACK potrf + potri).

    About 5x faster than ``np.linalg.inv`` (LU) on 3,700 x 3,700 here, single-threaded BLAS
    (measured: 2.4 s vs 13.5 s on the loaded 2-core machine).

    Raises:
        numpy.linalg.LinAlgError: the matrix is not positive definite.
    """
    from scipy.linalg import lapack
    from threadpoolctl import threadpool_limits

    potrf, potri = (lapack.spotrf, lapack.spotri) if gram.dtype == np.float32 else (lapack.dpotrf, lapack.dpotri)
    with threadpool_limits(1, "blas"):
        chol, info = potrf(gram, lower=1)
        if info != 0:
            raise np.linalg.LinAlgError(f"Gram matrix is not positive definite (potrf info {info})")
        inv, info = potri(chol, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"Gram matrix is singular (potri info {info})")
    lower = np.tril(inv)
    return lower + np.tril(inv, -1).T


class EASE(Model):
    """EASE^R (Steck, 2019): ``B = I - P / diag(P)``, ``P = (X^T X + l2 I)^-1``, zero diagonal.

    Only the ``max_items`` most popular items with at least ``min_count`` interactions get a
    column (the dense ``B`` is ``n^2`` floats: 5,000 items take 100 MB); other items score 0.

    Args:
        l2: ridge weight lambda (Steck used 500 on ML-20M; chosen on validation here).
        min_count: fewest training interactions an item needs to enter ``B``.
        max_items: cap on the modelled items (memory bound).
    """

    name = "ease"

    def __init__(self, l2: float = 200.0, min_count: int = 2, max_items: int = 8000) -> None:
        super().__init__()
        self.params = {"l2": l2}
        self.min_count, self.max_items = min_count, max_items

    def fit(self, X: sp.csr_matrix) -> EASE:
        super().fit(X)
        counts = np.asarray(self.X.sum(axis=0)).ravel()
        keep = np.flatnonzero(counts >= self.min_count)
        if len(keep) > self.max_items:
            keep = keep[np.argsort(-counts[keep], kind="stable")[: self.max_items]]
        self.cols = np.sort(keep)
        sub = self.X[:, self.cols]
        gram = (sub.T @ sub).toarray().astype(np.float32)  # float32: half the time of float64; lambda keeps it
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])  # well conditioned (positive definite)
        P = _spd_inverse(gram)
        B = P / (-np.diag(P))
        B[np.diag_indices_from(B)] = 0.0
        self.B = B.astype(np.float32)  # (n_cols, n_cols)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.score_history(self.X[users])

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        out = np.zeros((history.shape[0], history.shape[1]), dtype=np.float32)
        out[:, self.cols] = history[:, self.cols] @ self.B
        return out


class ContentKNN(Model):
    """Content-based top-N from item text embeddings.

    Args:
        embeddings: float32 ``(n_items, dim)``, rows L2-normalised (e.g. USE v3 of title + text).
    """

    name = "content"

    def __init__(self, embeddings: np.ndarray) -> None:
        super().__init__()
        self.E = np.asarray(embeddings, dtype=np.float32)

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.score_history(self.X[users])

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        profile = np.asarray(history @ self.E, dtype=np.float32)
        profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
        return _dot_rows(profile, self.E)


def _standardise(scores: np.ndarray) -> np.ndarray:
    finite = np.where(np.isfinite(scores), scores, np.nan)
    mu = np.nanmean(finite, axis=1, keepdims=True)
    sd = np.nanstd(finite, axis=1, keepdims=True)
    return np.nan_to_num((scores - mu) / np.maximum(sd, 1e-9), nan=0.0, neginf=-1e9)


class Hybrid(Model):
    """EASE + content: ``z(EASE) + weight * z(content)`` with ``z`` the per-user z-score.

    Args:
        embeddings: as for :class:`ContentKNN`.
        l2: EASE's lambda.
        weight: content weight (chosen on validation).
    """

    name = "hybrid"

    def __init__(self, embeddings: np.ndarray, l2: float = 200.0, weight: float = 0.3) -> None:
        super().__init__()
        self.params = {"l2": l2, "weight": weight}
        self.ease = EASE(l2=l2)
        self.content = ContentKNN(embeddings)

    def fit(self, X: sp.csr_matrix) -> Hybrid:
        super().fit(X)
        self.ease.fit(self.X)
        self.content.fit(self.X)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.score_history(self.X[users])

    def parts(self, history: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """The two terms of the score: ``(z(EASE), weight * z(content))``, each ``(m, n_items)``."""
        cf = _standardise(self.ease.score_history(history))
        content = _standardise(self.content.score_history(history))
        return cf, float(self.params["weight"]) * content

    def score_history(self, history: sp.csr_matrix) -> np.ndarray:
        cf, content = self.parts(history)
        return cf + content
