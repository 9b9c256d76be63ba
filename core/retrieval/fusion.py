"""One fusion function for every ranked-list combination in Margo (Reader, Channels).

Two methods, chosen per caller by measurement (scripts/bench_reader.py on qasper_dev,
see docs/BENCHMARKS.md "reader"):

* ``"rrf"``: reciprocal rank fusion, score = sum_i w_i / (k + rank_i) with 1-based ranks
  (Cormack, Clarke & Buettcher, SIGIR 2009; k = 60 is their constant).
* ``"weighted"``: convex combination of min-max normalised scores, score =
  sum_i w_i * (s_i - min_i) / (max_i - min_i) (Fox & Shaw's CombSUM with score
  normalisation, TREC-2 1994); a list that does not hold an item adds 0 for it.
* ``"linear"``: score = sum_i w_i * s_i over the scores as given (CombSUM without
  normalisation; Fox & Shaw 1994): for callers whose scores are already on a common
  scale. Channel search uses it as ``cosine + w * BM25 / ceiling`` with its own
  per-channel BM25 ceiling (weights (1.0, 0.2), chosen on data/channel_eval: see
  :mod:`core.channels.search` and docs/BENCHMARKS.md "channels").
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

__all__ = ["RRF_K", "FusionMethod", "fuse"]

FusionMethod = Literal["rrf", "weighted", "linear"]
RRF_K = 60
"""Cormack et al. (2009)'s RRF constant."""


def fuse(
    ranked: Sequence[Sequence[tuple[Hashable, float]]],
    method: FusionMethod = "rrf",
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> list[tuple[Hashable, float]]:
    """Fuse ranked lists of ``(item_id, score)`` (each best first) into one list.

    Args:
        ranked: one list per retriever, best first; scores only matter for "weighted" and "linear".
        method: "rrf", "weighted" or "linear" (see the module docstring).
        weights: one weight per list (default: all 1.0).
        k: the RRF constant.

    Returns:
        ``[(item_id, fused_score)]`` best first; ties keep the order of first appearance.

    Raises:
        ValueError: unknown method, or ``weights`` of the wrong length.
    """
    weights = list(weights) if weights is not None else [1.0] * len(ranked)
    if len(weights) != len(ranked):
        raise ValueError(f"{len(ranked)} ranked lists but {len(weights)} weights")
    total: dict[Hashable, float] = {}
    first: dict[Hashable, int] = {}
    for w, items in zip(weights, ranked, strict=True):
        if method == "rrf":
            contrib = [(item, w / (k + rank)) for rank, (item, _) in enumerate(items, start=1)]
        elif method == "weighted":
            if not items:
                continue
            scores = [s for _, s in items]
            lo, hi = min(scores), max(scores)
            span = hi - lo
            contrib = [(item, w * ((s - lo) / span if span > 0 else 1.0)) for item, s in items]
        elif method == "linear":
            contrib = [(item, w * s) for item, s in items]
        else:
            raise ValueError(f"unknown fusion method {method!r}")
        for item, c in contrib:
            first.setdefault(item, len(first))
            total[item] = total.get(item, 0.0) + c
    return sorted(total.items(), key=lambda x: (-x[1], first[x[0]]))
