"""The learned part of the interview scorer: a multinomial logistic regression over
:data:`core.interview.features.FEATURE_NAMES`, optionally blended with a monotone
gradient-boosted tree model of P(correct) (:class:`BoostedTrees`), stored as plain JSON.

Classes follow SemEval-2013 Task 7's 3-way labels (Dzikovska et al. 2013):
``correct``, ``contradictory``, ``incorrect``. The overall score is
``100 · P(correct)``; the 2-way decision is ``score >= threshold_2way`` and the 3-way
label is the arg-max class. The file also carries the off-topic guard's margins, fitted
on the same training data. ``scripts/train_interview_scorer.py`` writes it (training set,
cross-validation and the chosen regularisation are recorded in the file's ``trained_on``).
Scikit-learn (Pedregosa et al. 2011) fits it; here it is evaluated with numpy alone, so
loading needs no pickle.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURE_NAMES

__all__ = ["CLASSES", "MODEL_FILE", "BoostedTrees", "ScorerModel", "load_model"]

MODEL_FILE = Path(__file__).with_name("scorer_model.json")
CLASSES = ("correct", "contradictory", "incorrect")


@dataclass
class BoostedTrees:
    """A binary gradient-boosted tree ensemble for P(correct), evaluated with numpy.

    Exported from scikit-learn's ``HistGradientBoostingClassifier`` (Ke et al. 2017's
    histogram method as implemented by Pedregosa et al. 2011), trained on the raw (not
    standardised) features in the model's ``names`` order. A row goes left at a node when
    ``x[feature] <= threshold`` (NaN follows ``nan_left``); the raw score is ``baseline`` plus
    the leaf values of every tree and P(correct) its logistic.

    Attributes:
        baseline: the initial raw score.
        trees: per tree a dict of equal-length lists ``feature``, ``threshold``, ``left``,
            ``right``, ``leaf`` (0/1), ``value``, ``nan_left`` (0/1); node 0 is the root.
    """

    baseline: float
    trees: list[dict[str, list]]

    def __post_init__(self) -> None:
        self._arrays = [(np.asarray(t["feature"], dtype=np.int64), np.asarray(t["threshold"], dtype=np.float64),
                         np.asarray(t["left"], dtype=np.int64), np.asarray(t["right"], dtype=np.int64),
                         np.asarray(t["leaf"], dtype=bool), np.asarray(t["value"], dtype=np.float64),
                         np.asarray(t["nan_left"], dtype=bool)) for t in self.trees]

    def p_correct(self, x: np.ndarray) -> np.ndarray:
        """P(correct) of rows ``x`` (``(n, d)`` or ``(d,)``), same leading shape without ``d``."""
        x = np.asarray(x, dtype=np.float64)
        rows = np.atleast_2d(x)
        if len(rows) == 1:  # one answer (the app's case): plain Python walks are ~20x faster than numpy here
            row = [float(v) for v in rows[0]]
            raw1 = self.baseline
            for t in self.trees:
                feat, thr, left, right, leaf, nan_left = (t["feature"], t["threshold"], t["left"], t["right"],
                                                          t["leaf"], t["nan_left"])
                node = 0
                while not leaf[node]:
                    v = row[feat[node]]
                    node = (left[node] if (nan_left[node] if v != v else v <= thr[node]) else right[node])
                raw1 += t["value"][node]
            p1 = np.array([1.0 / (1.0 + math.exp(-raw1))])
            return p1 if x.ndim == 2 else p1[0]
        raw = np.full(len(rows), self.baseline)
        for feat, thr, left, right, leaf, value, nan_left in self._arrays:
            node = np.zeros(len(rows), dtype=np.int64)
            active = ~leaf[node]
            while active.any():
                i = node[active]
                v = rows[active, feat[i]]
                go_left = np.where(np.isnan(v), nan_left[i], v <= thr[i])
                node[active] = np.where(go_left, left[i], right[i])
                active = ~leaf[node]
            raw += value[node]
        p = 1.0 / (1.0 + np.exp(-raw))
        return p if x.ndim == 2 else p[0]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"baseline": self.baseline, "trees": self.trees}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> BoostedTrees:
        """Build from :meth:`to_json`'s dict."""
        return cls(baseline=float(raw["baseline"]), trees=list(raw["trees"]))

    @classmethod
    def from_sklearn(cls, clf: Any) -> BoostedTrees:
        """Export a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = []
        for (pred,) in clf._predictors:  # one tree per iteration for a binary classifier
            n = pred.nodes
            trees.append({"feature": n["feature_idx"].tolist(), "threshold": n["num_threshold"].tolist(),
                          "left": n["left"].tolist(), "right": n["right"].tolist(),
                          "leaf": n["is_leaf"].astype(int).tolist(), "value": [round(float(v), 7) for v in n["value"]],
                          "nan_left": n["missing_go_to_left"].astype(int).tolist()})
        return cls(baseline=float(np.ravel(clf._baseline_prediction)[0]), trees=trees)


@dataclass
class ScorerModel:
    """A standardised multinomial logistic regression.

    Attributes:
        names: feature names, the order of ``mean``, ``scale`` and the coefficient columns.
        mean, scale: standardisation ``(x - mean) / scale``, shape ``(d,)``.
        coef: ``(3, d)`` coefficients, rows in :data:`CLASSES` order.
        intercept: ``(3,)``.
        threshold_2way: P(correct)·100 at or above which the answer is "correct" (2-way),
            fitted on the training split.
        off_margin: cosine by which another question's reference must beat the own
            reference for the off-topic guard.
        unrelated_sim: answer-reference and answer-question cosine below which an answer
            with no covered key point is "unrelated".
        meta: how it was trained (free-form, kept for the record).
        boost: optional :class:`BoostedTrees` for P(correct), blended with the logistic
            regression's probabilities by ``boost_weight`` (0 = logistic regression only).
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold_2way: float = 50.0
    off_margin: float = 0.10
    unrelated_sim: float = 0.15
    meta: dict[str, Any] = field(default_factory=dict)
    boost: BoostedTrees | None = None
    boost_weight: float = 0.0

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        """The feature dict as a ``(d,)`` float array in the model's order (missing → 0)."""
        return np.array([feats.get(n, 0.0) for n in self.names], dtype=np.float64)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, 3)`` (or ``(3,)`` for one row) of feature rows ``x``."""
        x = np.asarray(x, dtype=np.float64)
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=-1, keepdims=True)
        if self.boost is None or self.boost_weight <= 0:
            return p
        # Boosted P(correct); the logistic regression splits the rest into contradictory/incorrect.
        pc = self.boost.p_correct(x)
        rest = p[..., 1:] / np.maximum(p[..., 1:].sum(axis=-1, keepdims=True), 1e-12)
        pb = np.concatenate([pc[..., None], (1 - pc)[..., None] * rest], axis=-1)
        return (1 - self.boost_weight) * p + self.boost_weight * pb

    def score(self, feats: dict[str, float]) -> tuple[float, str]:
        """(100·P(correct), 3-way label) of one answer's features."""
        p = self.proba(self.vector(feats))
        return float(100 * p[0]), CLASSES[int(np.argmax(p))]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the file format)."""
        return {"names": list(self.names), "classes": list(CLASSES), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
                "threshold_2way": self.threshold_2way, "off_margin": self.off_margin,
                "unrelated_sim": self.unrelated_sim, "trained_on": self.meta,
                **({"boost": self.boost.to_json(), "boost_weight": self.boost_weight} if self.boost else {})}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ScorerModel:
        """Build from :meth:`to_json`'s dict; raises KeyError/ValueError on a malformed one."""
        names = tuple(raw["names"])
        coef = np.asarray(raw["coef"], dtype=np.float64)
        if coef.shape != (len(CLASSES), len(names)):
            raise ValueError(f"coef has shape {coef.shape}, expected {(len(CLASSES), len(names))}")
        return cls(names=names, mean=np.asarray(raw["mean"], dtype=np.float64),
                   scale=np.asarray(raw["scale"], dtype=np.float64), coef=coef,
                   intercept=np.asarray(raw["intercept"], dtype=np.float64),
                   threshold_2way=float(raw.get("threshold_2way", 50.0)),
                   off_margin=float(raw.get("off_margin", 0.10)), unrelated_sim=float(raw.get("unrelated_sim", 0.15)),
                   meta=dict(raw.get("trained_on", {})),
                   boost=BoostedTrees.from_json(raw["boost"]) if raw.get("boost") else None,
                   boost_weight=float(raw.get("boost_weight", 0.0)))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> ScorerModel | None:
    """The saved model, or None when the file is absent, broken or built on other features."""
    try:
        model = ScorerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if set(model.names) - set(FEATURE_NAMES):
        return None
    return model
