"""Offline evaluation as the field does it: time-aware splits and top-k ranking metrics.

Splits (all on the positive interactions of a :class:`~core.recommend.data.Dataset`):

* ``user_temporal`` (the default): each user's latest 20% of interactions by time are held
  out (at least one, and at least one kept for training); users with a single interaction stay
  in training only. The protocol of RecBole's ``RO`` ordering with ``split: {RS: [0.8, 0, 0.2]}``
  grouped by user (Zhao et al., 2021, "RecBole").
* ``global_time``: every interaction after the 80th percentile of time is test; test users
  without any training interaction are cold and left out (their count is reported). The
  RecTools ``TimeRangeSplitter`` protocol (one fold).
* ``leave_last_one``: each user's single latest interaction is test (He et al., 2017, "Neural
  Collaborative Filtering", evaluated here against all items, not 100 sampled negatives).

Metrics for a ranked list ``R`` of length ``k`` and a held-out set ``T`` (mean over test users):
MAP@k = sum over hits of precision@rank / min(|T|, k); NDCG@k with binary gains
(Järvelin & Kekäläinen, 2002); Recall@k = |R ∩ T| / |T|; coverage = share of the catalogue's
items that appear in at least one list; popularity bias = average recommendation popularity
(ARP, Abdollahpouri et al., 2019): the mean training popularity of recommended items, divided by
the mean popularity of the catalogue, so 1.0 is popularity-neutral.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from .data import Dataset

__all__ = [
    "SPLITS",
    "EvalResult",
    "Split",
    "evaluate_model",
    "make_split",
    "ranking_metrics",
    "top_k",
]

SPLITS = ("user_temporal", "global_time", "leave_last_one")
TEST_SHARE = 0.2
"""Share of each user's interactions (or of the time range) held out: the issue's 80/20 protocol."""


@dataclass
class Split:
    """A train/test division of a dataset's interactions.

    Attributes:
        name: one of :data:`SPLITS`.
        train: indices of training interactions (into the dataset's arrays).
        test: ``{user index: array of held-out item indices}``; only users that also have
            training interactions.
        cold_users: test users with no training interaction (left out of ``test``).
    """

    name: str
    train: np.ndarray
    test: dict[int, np.ndarray]
    cold_users: int = 0


def make_split(data: Dataset, name: str = "user_temporal", rows: np.ndarray | None = None,
               test_share: float = TEST_SHARE) -> Split:
    """Split the interactions ``rows`` (all when None) of ``data``.

    Args:
        data: the dataset.
        name: ``user_temporal``, ``global_time`` or ``leave_last_one``.
        rows: a subset of interaction indices (a training split, to carve a validation split
            from it).
        test_share: held-out share for ``user_temporal`` and ``global_time``.

    Raises:
        InputError: unknown split, or no user would have both training and test interactions.
    """
    rows = np.arange(len(data)) if rows is None else np.asarray(rows)
    if name not in SPLITS:
        raise InputError(f"Unknown split {name!r}; use one of {', '.join(SPLITS)}.")
    users, ts = data.users[rows], data.ts[rows]
    order = np.lexsort((rows, ts, users))  # by user, then time, ties by file order
    rows, users, ts = rows[order], users[order], ts[order]
    is_test = np.zeros(len(rows), dtype=bool)
    if name == "global_time":
        cut = np.quantile(ts, 1.0 - test_share)
        is_test = ts > cut
    else:
        starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        for s, e in zip(starts, ends, strict=True):
            n = e - s
            if n < 2:
                continue
            n_test = 1 if name == "leave_last_one" else min(n - 1, max(1, int(round(n * test_share))))
            is_test[e - n_test : e] = True
    train = rows[~is_test]
    train_users = set(data.users[train].tolist())
    test: dict[int, list[int]] = {}
    cold = set()
    for r in rows[is_test]:
        u = int(data.users[r])
        if u in train_users:
            test.setdefault(u, []).append(int(data.items[r]))
        else:
            cold.add(u)
    if not test:
        raise InputError(f"The {name} split leaves no user with both training and test interactions.")
    return Split(name, np.sort(train), {u: np.unique(v) for u, v in test.items()}, len(cold))


def top_k(scores: np.ndarray, k: int, exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """Indices of the ``k`` best items per row, best first.

    Args:
        scores: float ``(n_rows, n_items)``; modified in place where ``exclude`` is set.
        k: list length.
        exclude: CSR ``(n_rows, n_items)`` of items not to recommend (already seen).

    Returns:
        int ``(n_rows, min(k, n_items))``.
    """
    if exclude is not None and exclude.nnz:
        coo = exclude.tocoo()
        scores[coo.row, coo.col] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def ranking_metrics(lists: np.ndarray, truth: Sequence[np.ndarray], k: int, n_items: int,
                    item_popularity: np.ndarray) -> dict[str, float]:
    """MAP@k, NDCG@k, Recall@k, coverage and popularity bias of ranked lists.

    Args:
        lists: int ``(n_users, >=k)`` recommended item indices, best first.
        truth: held-out item indices per user (same order as ``lists``).
        k: cut-off.
        n_items: catalogue size (for coverage).
        item_popularity: training interaction count per item, ``(n_items,)``.

    Returns:
        ``{"map@k", "ndcg@k", "recall@k", "coverage", "pop_bias", "users"}``.
    """
    lists = lists[:, :k]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    aps, ndcgs, recalls = [], [], []
    for row, held in zip(lists, truth, strict=True):
        hits = np.isin(row, held)
        n_rel = len(held)
        cum = np.cumsum(hits)
        aps.append(float((cum / np.arange(1, k + 1) * hits).sum() / min(n_rel, k)))
        ideal = discounts[: min(n_rel, k)].sum()
        ndcgs.append(float((hits * discounts).sum() / ideal))
        recalls.append(float(hits.sum() / n_rel))
    mean_pop = float(item_popularity.mean()) or 1.0
    return {
        f"map@{k}": float(np.mean(aps)),
        f"ndcg@{k}": float(np.mean(ndcgs)),
        f"recall@{k}": float(np.mean(recalls)),
        "coverage": float(len(np.unique(lists)) / max(n_items, 1)),
        "pop_bias": float(item_popularity[lists].mean() / mean_pop),
        "users": len(lists),
    }


@dataclass
class EvalResult:
    """One model's numbers on one split.

    Attributes:
        model: model name.
        split: split name.
        metrics: from :func:`ranking_metrics`.
        train_s: training time in seconds (wall clock).
        params: the hyper-parameters used (chosen on validation).
    """

    model: str
    split: str
    metrics: dict[str, float]
    train_s: float
    params: dict[str, object]

    def row(self) -> dict[str, object]:
        """A flat dict ``{"model", "split", <metrics>, "train_s", "params"}`` for tables and JSON."""
        return {"model": self.model, "split": self.split, **self.metrics, "train_s": round(self.train_s, 3),
                "params": self.params}


def evaluate_model(fit: Callable[[sp.csr_matrix], object], score: Callable[[object, np.ndarray], np.ndarray],
                   data: Dataset, split: Split, k: int = 10, batch: int = 256) -> tuple[dict[str, float], float]:
    """Fit on ``split.train`` and rank all unseen items for each test user.

    Args:
        fit: ``fit(train_matrix) -> model``.
        score: ``score(model, user_indices) -> float (len(users), n_items)``.
        data, split: what to evaluate on.
        k: cut-off.
        batch: users scored at once.

    Returns:
        (metrics of :func:`ranking_metrics`, training seconds).
    """
    train = data.matrix(split.train)
    t0 = time.perf_counter()
    model = fit(train)
    train_s = time.perf_counter() - t0
    users = np.array(sorted(split.test), dtype=np.int64)
    lists = []
    for s in range(0, len(users), batch):
        chunk = users[s : s + batch]
        scores = np.array(score(model, chunk), dtype=np.float32, copy=True)
        lists.append(top_k(scores, k, train[chunk]))
    popularity = np.asarray(train.sum(axis=0)).ravel()
    metrics = ranking_metrics(np.vstack(lists), [split.test[int(u)] for u in users], k, data.n_items, popularity)
    return metrics, train_s
