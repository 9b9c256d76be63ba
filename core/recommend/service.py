"""Training, model selection on validation, evaluation tables and explained top-N lists.

:func:`evaluate` is the benchmark protocol: carve a validation split from the training part of
the chosen split (the same split applied again to the training interactions), pick each model's
hyper-parameters by NDCG@k there, refit on the whole training part and report on the test part.
The test part is never used to choose anything.

:class:`Recommender` is one model fitted on every interaction, with explained top-N lists for a
user (:meth:`Recommender.recommend`) and item-to-item lists (:meth:`Recommender.similar_items`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..i18n import t
from .data import Dataset
from .evaluation import EvalResult, Split, evaluate_model, make_split, top_k
from .models import ALS, BPR, EASE, ContentKNN, Hybrid, ItemKNN, Model, Popularity, _dot_rows

__all__ = ["GRIDS", "MODEL_NAMES", "Recommendation", "Recommender", "build_model", "evaluate", "tune"]

MODEL_NAMES = ("popularity", "item_knn", "als", "bpr", "ease", "content", "hybrid")
CONTENT_MODELS = ("content", "hybrid")

GRIDS: dict[str, list[dict[str, object]]] = {
    "popularity": [{}],
    "item_knn": [{"neighbours": k, "weighting": w} for k in (20, 50, 100, 200) for w in ("cosine", "bm25")],
    "als": [{"factors": f, "alpha": a} for f in (32, 64, 128) for a in (1.0, 10.0)],
    "bpr": [{"factors": f, "learning_rate": lr} for f in (32, 64) for lr in (0.01, 0.05)],
    "ease": [{"l2": lam} for lam in (50.0, 200.0, 500.0, 1000.0)],
    "content": [{}],
    "hybrid": [{"weight": w} for w in (0.1, 0.3, 1.0)],
}
"""Hyper-parameter grids searched on the validation split: the usual ranges of each method's
paper or library defaults (implicit: 100 factors, BPR lr 0.01; EASE: lambda in the hundreds),
kept small so a 100k-row log tunes in well under a minute on 2 cores."""

Progress = Callable[[float, str], None]


def build_model(name: str, params: dict[str, object] | None = None, embeddings: np.ndarray | None = None,
                threads: int = 0) -> Model:
    """A fresh model by name.

    Args:
        name: one of :data:`MODEL_NAMES`.
        params: hyper-parameters (for ``hybrid``, ``l2`` and ``weight``).
        embeddings: item text embeddings ``(n_items, dim)``; required by content models.
        threads: CPU threads for ``implicit`` (0 = all cores).

    Raises:
        InputError: unknown name, or a content model without embeddings.
    """
    p = dict(params or {})
    if name in CONTENT_MODELS and embeddings is None:
        raise InputError(f"Model {name!r} needs item texts (an items file with titles).")
    if name == "popularity":
        return Popularity()
    if name == "item_knn":
        return ItemKNN(threads=threads, **p)
    if name == "als":
        return ALS(threads=threads, **p)
    if name == "bpr":
        return BPR(threads=threads, **p)
    if name == "ease":
        return EASE(**p)
    if name == "content":
        return ContentKNN(embeddings)
    if name == "hybrid":
        return Hybrid(embeddings, **p)
    raise InputError(f"Unknown model {name!r}; use one of {', '.join(MODEL_NAMES)}.")


def _score(model: Model, users: np.ndarray) -> np.ndarray:
    return model.score(users)


def tune(data: Dataset, train_rows: np.ndarray, split_name: str, name: str, embeddings: np.ndarray | None,
         k: int = 10, base: dict[str, object] | None = None, threads: int = 0) -> tuple[dict[str, object], float]:
    """Choose ``name``'s hyper-parameters by NDCG@k on a validation split carved from ``train_rows``.

    Args:
        data: the dataset.
        train_rows: the training interactions of the outer split.
        split_name: the split protocol, applied again inside the training part.
        name: the model.
        embeddings: item embeddings for content models.
        k: cut-off.
        base: parameters merged into every grid point (the hybrid's EASE lambda).
        threads: CPU threads for ``implicit``.

    Returns:
        (best parameters, their validation NDCG@k).
    """
    grid = GRIDS[name]
    if len(grid) == 1:
        return {**(base or {}), **grid[0]}, float("nan")
    try:
        val = make_split(data, split_name, rows=train_rows)
    except InputError:
        return {**(base or {}), **grid[0]}, float("nan")
    best, best_ndcg = grid[0], -1.0
    for params in grid:
        params = {**(base or {}), **params}
        metrics, _ = evaluate_model(lambda X, p=params: build_model(name, p, embeddings, threads).fit(X),
                                    _score, data, val, k)
        if metrics[f"ndcg@{k}"] > best_ndcg:
            best, best_ndcg = params, metrics[f"ndcg@{k}"]
    return best, best_ndcg


def evaluate(data: Dataset, split: str | Split = "user_temporal", models: Sequence[str] | None = None,
             embeddings: np.ndarray | None = None, k: int = 10, tune_params: bool = True, threads: int = 0,
             progress: Progress | None = None) -> list[EvalResult]:
    """Every model beside popularity on one split.

    Args:
        data: the dataset.
        split: a split name (see :data:`~core.recommend.evaluation.SPLITS`) or a ready split.
        models: model names (default all; content models only with ``embeddings``).
        embeddings: item text embeddings, float32 ``(n_items, dim)``.
        k: cut-off for the metrics.
        tune_params: choose hyper-parameters on validation (else each grid's first point).
        threads: CPU threads for ``implicit``.
        progress: ``progress(fraction 0..1, model name)`` after each model.

    Returns:
        One :class:`EvalResult` per model, in the order asked; ``train_s`` is the final fit.
    """
    sp_ = make_split(data, split) if isinstance(split, str) else split
    names = [m for m in (models or MODEL_NAMES) if embeddings is not None or m not in CONTENT_MODELS]
    if "popularity" not in names:
        names = ["popularity", *names]
    results: list[EvalResult] = []
    chosen: dict[str, dict[str, object]] = {}
    for n, name in enumerate(names):
        if progress:
            progress(n / len(names), name)
        base = {"l2": chosen.get("ease", {}).get("l2", GRIDS["ease"][1]["l2"])} if name == "hybrid" else None
        if name == "hybrid" and "ease" not in chosen and tune_params:
            chosen["ease"], _ = tune(data, sp_.train, sp_.name, "ease", embeddings, k, threads=threads)
            base = {"l2": chosen["ease"]["l2"]}
        if tune_params:
            params, _ = tune(data, sp_.train, sp_.name, name, embeddings, k, base, threads)
        else:
            params = {**(base or {}), **GRIDS[name][0]}
        chosen[name] = params
        metrics, train_s = evaluate_model(lambda X, p=params, nm=name: build_model(nm, p, embeddings, threads).fit(X),
                                          _score, data, sp_, k)
        results.append(EvalResult(name, sp_.name, metrics, train_s, params))
    if progress:
        progress(1.0, "")
    return results


@dataclass
class Recommendation:
    """One recommended item.

    Attributes:
        item_id: external id.
        title: the item's title.
        score: the model's score (comparable within one list only).
        reason_key: i18n key of the reason (``recommend.reason.<kind>``).
        reason_fields: values for the reason's template (``title``, ``rating``, ``users``).
    """

    item_id: str
    title: str
    score: float
    reason_key: str
    reason_fields: dict[str, object] = field(default_factory=dict)

    def reason(self, lang: str = "en") -> str:
        """The reason as a sentence in ``lang`` ("ru" or "en")."""
        return t(self.reason_key, lang, **self.reason_fields)

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        """``{"item_id", "title", "score", "reason"}`` for JSON."""
        return {"item_id": self.item_id, "title": self.title, "score": round(float(self.score), 6),
                "reason": self.reason(lang)}


class Recommender:
    """One model fitted on all of a dataset's interactions, with explained lists.

    Args:
        data: the dataset.
        model: a model name of :data:`MODEL_NAMES`.
        params: its hyper-parameters (e.g. the ones :func:`evaluate` chose).
        embeddings: item text embeddings ``(n_items, dim)`` (content models, text reasons,
            similar items by text).
        threads: CPU threads for ``implicit``.

    Raises:
        InputError: unknown model, or a content model without embeddings.
    """

    def __init__(self, data: Dataset, model: str = "ease", params: dict[str, object] | None = None,
                 embeddings: np.ndarray | None = None, threads: int = 0) -> None:
        self.data = data
        self.embeddings = embeddings
        self.X = data.matrix()
        t0 = time.perf_counter()
        self.model = build_model(model, params, embeddings, threads).fit(self.X)
        self.train_s = time.perf_counter() - t0
        self.name = model
        self.popularity = np.asarray(self.X.sum(axis=0)).ravel()
        norms = np.sqrt(np.asarray(self.X.multiply(self.X).sum(axis=0)).ravel())
        self._Xn = (self.X @ sp.diags(1.0 / np.maximum(norms, 1e-12))).tocsc().astype(np.float32)
        self._ratings = self._rating_lookup()

    def _rating_lookup(self) -> dict[tuple[int, int], float]:
        if self.data.rating is None:
            return {}
        return {(int(u), int(i)): float(r) for u, i, r in zip(self.data.users, self.data.items, self.data.rating,
                                                               strict=True)}

    def history(self, user_id: object, limit: int = 50) -> list[dict[str, object]]:
        """The user's interactions, newest first: ``{"item_id", "title", "rating", "ts"}`` (ts in Unix s).

        Raises:
            InputError: unknown user.
        """
        u = self.data.user_index(user_id)
        rows = np.flatnonzero(self.data.users == u)
        rows = rows[np.argsort(-self.data.ts[rows], kind="stable")][:limit]
        return [{"item_id": str(self.data.item_ids[self.data.items[r]]), "title": self.data.titles[self.data.items[r]],
                 "rating": None if self.data.rating is None else float(self.data.rating[r]),
                 "ts": float(self.data.ts[r])} for r in rows]

    def recommend(self, user_id: object, k: int = 10) -> list[Recommendation]:
        """The user's top-``k`` unseen items, each with a reason.

        Raises:
            InputError: unknown user.
        """
        u = self.data.user_index(user_id)
        seen = self.X[u]
        text_share = None
        if isinstance(self.model, Hybrid):
            # which part of the hybrid's score put the item here: the larger standardised term wins
            cf_z, text_z = self.model.parts(seen)
            text_share = text_z[0] > cf_z[0]
            scores = (cf_z + text_z).astype(np.float32)
        else:
            scores = np.array(self.model.score(np.array([u])), dtype=np.float32)
        ranked = top_k(scores, k, seen)[0]
        hist = seen.indices
        ranked = np.array([i for i in ranked if np.isfinite(scores[0, i])], dtype=np.int64)
        if len(hist) and len(ranked):  # history x recommended similarities, once for the whole list
            cf_all = np.asarray((self._Xn[:, hist].T @ self._Xn[:, ranked]).todense())
            text_all = _dot_rows(self.embeddings[hist], self.embeddings[ranked]) if self.embeddings is not None else None
        return [self._explain(u, hist, int(i), float(scores[0, i]),
                              None if text_share is None else bool(text_share[i]),
                              cf_all[:, n] if len(hist) else None,
                              text_all[:, n] if len(hist) and text_all is not None else None)
                for n, i in enumerate(ranked)]

    def _explain(self, u: int, hist: np.ndarray, item: int, score: float, text_dominates: bool | None,
                 cf: np.ndarray | None, text: np.ndarray | None) -> Recommendation:
        title = self.data.titles[item]
        item_id = str(self.data.item_ids[item])
        if self.name == "popularity" or len(hist) == 0 or cf is None:
            return Recommendation(item_id, title, score, "recommend.reason.popular",
                                  {"users": int(self.popularity[item])})
        use_text = self.name == "content" or bool(text_dominates) or (
            text is not None and (self.popularity[item] == 0 or cf.max() <= 0))
        if use_text:
            j = int(hist[int(np.argmax(text))])
            return Recommendation(item_id, title, score, "recommend.reason.similar_text",
                                  {"title": self.data.titles[j]})
        if cf.max() <= 0:
            return Recommendation(item_id, title, score, "recommend.reason.like_you",
                                  {"users": int(self.popularity[item])})
        j = int(hist[int(np.argmax(cf))])
        rating = self._ratings.get((u, j))
        if rating is not None:
            return Recommendation(item_id, title, score, "recommend.reason.rated",
                                  {"title": self.data.titles[j], "rating": f"{rating:g}"})
        return Recommendation(item_id, title, score, "recommend.reason.liked", {"title": self.data.titles[j]})

    def similar_items(self, item_id: object, k: int = 10) -> list[Recommendation]:
        """Items most like ``item_id``: by who interacted with both (cosine over users), then by text.

        Co-occurrence neighbours come first; the list is filled up with text neighbours (when
        embeddings exist), so a cold item still gets a list.

        Raises:
            InputError: unknown item.
        """
        i = self.data.item_index(item_id)
        out: list[Recommendation] = []
        taken = {i}
        if self.popularity[i] > 0:
            cf = np.asarray((self._Xn.T @ self._Xn[:, i]).todense()).ravel()
            cf[i] = 0.0
            for j in np.argsort(-cf, kind="stable")[:k]:
                if cf[j] <= 0:
                    break
                taken.add(int(j))
                out.append(Recommendation(str(self.data.item_ids[j]), self.data.titles[j], float(cf[j]),
                                          "recommend.reason.co_users", {"title": self.data.titles[i]}))
        if len(out) < k and self.embeddings is not None:
            sims = self.embeddings @ self.embeddings[i]
            for j in np.argsort(-sims, kind="stable"):
                if len(out) >= k:
                    break
                if int(j) in taken:
                    continue
                out.append(Recommendation(str(self.data.item_ids[j]), self.data.titles[j], float(sims[j]),
                                          "recommend.reason.similar_text", {"title": self.data.titles[i]}))
        return out
