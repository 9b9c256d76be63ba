"""The learned part of the interview scorer: a multinomial logistic regression over
:data:`core.interview.features.FEATURE_NAMES`, stored as plain JSON.

Classes follow SemEval-2013 Task 7's 3-way labels (Dzikovska et al. 2013):
``correct``, ``contradictory``, ``incorrect``. The overall score is
``100 · P(correct)``; the 2-way decision is ``score >= threshold_2way`` and the 3-way
label is the arg-max class. The file also carries the off-topic guard's margins, fitted
on the same training data. ``scripts/train_interview_scorer.py`` writes it (training set,
cross-validation and the chosen regularisation are recorded in the file's ``trained_on``).
Scikit-learn (Pedregosa et al. 2011) fits it; here it is evaluated with numpy alone, so
loading needs no pickle.

Model choice rule (#9c): a more complex model replaces the logistic regression only when
5-fold cross-validation grouped by question on the SemEval-2013 *train* splits can tell
them apart (the group-bootstrap 95% interval of the out-of-fold 2-way macro-F1 difference
excludes 0); when it cannot, the simpler model is the default, and the mean score on
``data/interview_eval/paraphrase_check.jsonl`` (short correct answers in other words) is the
only tie-breaker. The measured alternative, a monotone gradient-boosted tree model of
P(correct) blended with this one, was tied on SemEval train (OOF macro-F1 0.7048-0.7062 at
blend weights 0.25-0.5 against 0.7050) and scored the paraphrases lower (31.8 at weight 0.5
against 39.3), so the logistic regression alone ships; the alternative stays measured and
reported by the training script (``trained_on.boost_weight_cv``), not evaluated here.

Training data (#9d): besides SemEval train and ``data/interview_eval/labelled.jsonl``, the 60 short
RU/EN answers in one's own words of ``data/interview_eval/paraphrase_dev.jsonl`` (30 correct, 30 wrong
but on topic, to 15 bank questions outside the paraphrase check) are labelled rows: every correct
labelled answer was a near-copy of its reference, so short correct paraphrases scored like wrong ones.

Dense block (S1): the logistic regression also weighs ``|u - v|`` and ``u * v`` of the answer's and the
reference's USE vectors (1024 numbers, :func:`core.interview.features.dense_interactions`), standardised
and shrunk 1/0.1 times harder than the named features (``DENSE_W`` of the training script). Accepted by
the rule of ``scripts/interview_scorer_cv.py`` (fixed before the runs, train rows only): the Pearson of
the score with SemEval's 3-way label as 1 / 0.5 / 0 (a Mohler proxy, by-question CV) rose 0.380 → 0.420
(95% group-bootstrap interval of the difference +0.022..+0.058), by-question 2-way macro-F1 0.710 → 0.725,
by-module SciEntsBank macro-F1 (the unseen-domain proxy) 0.681 → 0.683 (interval -0.011..+0.016: no
gain), RU/EN AUC 0.718 / 0.735 on the held-out translated questions (0.723 / 0.739 before). The rule's
first pick, shrinkage 0.15 (lowest log-loss), failed the off-topic test of
``tests/test_interview_learned.py`` and passed twice as many other-topic bank references, so 0.1 ships
(see the training script's ``DENSE_W``). A 32-dimensional PCA of the block gained more by module (+0.012,
interval including 0) but has six times the fitted numbers; ``u * v`` alone lost 0.006 by module; balanced
class weights, an expected-value read-out, a ridge regression on the grades, relative similarity
features and a small MLP did not pass.

Not adopted (S3, #9): the semantic key-point route as features without its score gate
(:func:`core.interview.scoring.semantic_kp_features`; ru ops-009, a complete answer in the user's own words,
has all 5 points covered by meaning and scores 37). Same rule and CV, base the shipped model: by-module
macro-F1 0.683 → 0.689 (interval -0.001..+0.014), proxy Pearson 0.419 → 0.421 (interval including 0),
paraphrase-check mean 48.0 → 46.5; ops-009 would score 40. A retrain on today's features (S2b's cues changed
``contra_share`` on 3 of 8075 training rows) differed by under 0.001 everywhere, so the file was not rewritten.

Not adopted (K2, #9): a domain copy of the 28 named features, multiplied by ``kp_given`` (1 for a question with
written key points, as every bank question has; 0 for SemEval's and Mohler's), plus the flag
(:data:`core.interview.features.DOMAIN_NAMES`; Daumé III 2007, "Frustratingly Easy Domain Adaptation"), trained with
``data/interview_eval/ownwords_dev.jsonl``'s dev rows at 4 times a labelled row and our bank rows analysed as the app
analyses them (``scripts/train_interview_scorer.py --domain``; variant ``k_ow4_bk_dom`` of
``scripts/interview_scorer_cv.py``). Through the app's path against this file (``check5``, rule fixed before the run)
it passed every check: ownwords check split (n = 14 per kind) correct answers in one's own words 60.7 → 85.9, wrong
answers borrowing the reference's words 50.7 → 26.2; U1's ops-009 answer 37 → 58 (its threshold 47); paraphrase
check 50.8 → 59.3 (n = 20); off-topic false flags unchanged (SemEval train correct, out of fold: 18 of 1871, 15 of
1450; short_answers_dev dev 0 and 3 of 36). It failed 8 tests of ``tests/test_interview_keypoints.py`` and
``test_interview_learned.py``: it scores a fluent answer to *another* bank question as correct, and the off-topic
guard only judges answers not judged correct. The check split's 14 correct answers, each put to another bank question
(seeded): passed 2 → 12 of 14, flagged off-topic 9 → 2; ``labelled.jsonl``'s off-topic rows flagged 21 → 20 of 22.
With hard negatives added (``--hard-negatives``: each bank training answer graded >= 50 put to another bank
question, grade 0; post hoc, its rule written before the run) answers to other questions were caught again
(passed 1, flagged 9 of 14; labelled off-topic 21 of 22) but the gains went: check correct 64.3 (+3.6, rule +8),
wrong 21.6, ops-009 48 (threshold 48), paraphrase check 42.5 (< 50.8): not adopted either. At a lower weight
(K3, ``--hn-weight W``, W x the row's weight; rule fixed before the runs, 2026-12-02) the own-words gains partly
came back without passing answers to other questions: W = 0.1 scored check correct 76.5, wrong 24.3 (n = 14 each),
ops-009 52 (threshold 48), paraphrase check 51.8 (n = 20), crossed check passed 2 / flagged 9 of 14, labelled
off-topic 21 of 22, but its labelled out-of-fold Spearman fell to 0.656 (this file 0.763; W = 0.25 / 0.5: 0.671 /
0.678, with check correct 72.3 / 68.3 and paraphrase 48.3 / 45.4): not adopted (table in
``scripts/interview_scorer_cv.py``, K3).
The code builds the copy (``Analysis.kp_given``, :func:`core.interview.features.domain_features`) and this
evaluator reads a file that has it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .features import DENSE_KIND, DOMAIN_NAMES, FEATURE_NAMES, dense_interactions

__all__ = ["CLASSES", "MODEL_FILE", "ScorerModel", "load_model"]

MODEL_FILE = Path(__file__).with_name("scorer_model.json")
CLASSES = ("correct", "contradictory", "incorrect")


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
            reference for the off-topic guard; fitted so that the worst SemEval train corpus
            flags at most 1% of its correct answers judged out-of-fold (see the training
            script's ``fit_guards``; the fit is recorded in ``trained_on``).
        unrelated_sim: answer-reference and answer-question cosine below which an answer
            with no covered key point is "unrelated"; fitted after ``off_margin`` by the same
            1% rule; -1 means that rule is off (no value kept the worst corpus within 1%).
        dense: "" (no dense block) or :data:`core.interview.features.DENSE_KIND`: the model also
            weighs :func:`core.interview.features.dense_interactions` of the answer's and the
            reference's embeddings (S1).
        dense_mean, dense_scale: ``(D,)`` standardisation of the dense block (D = 1024 for USE v3);
            the training script folds the block's extra shrinkage into ``dense_scale``.
        dense_coef: ``(3, D)`` coefficients of the dense block, rows in :data:`CLASSES` order.
        meta: how it was trained (free-form, kept for the record).
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold_2way: float = 50.0
    off_margin: float = 0.10
    unrelated_sim: float = 0.15
    dense: str = ""
    dense_mean: np.ndarray | None = None
    dense_scale: np.ndarray | None = None
    dense_coef: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        """The feature dict as a ``(d,)`` float array in the model's order (missing → 0)."""
        return np.array([feats.get(n, 0.0) for n in self.names], dtype=np.float64)

    def proba(self, x: np.ndarray, dense: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities ``(n, 3)`` (or ``(3,)`` for one row) of feature rows ``x`` (``(n, d)``).

        ``dense``: the rows' :func:`~core.interview.features.dense_interactions` (``(n, D)`` or
        ``(D,)``) for a model with a dense block; None puts the block at its training mean (adds
        nothing), which is only right for tests and files without the block.
        """
        x = np.asarray(x, dtype=np.float64)
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        if self.dense and dense is not None:
            d = np.asarray(dense, dtype=np.float64)
            z = z + ((d - self.dense_mean) / self.dense_scale) @ self.dense_coef.T
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def score(self, feats: dict[str, float], answer_vec: np.ndarray | None = None,
              reference_vec: np.ndarray | None = None) -> tuple[float, str]:
        """(100·P(correct), 3-way label) of one answer's features.

        ``answer_vec``, ``reference_vec``: the answer's and the reference's embeddings ``(dim,)``,
        needed by a model with a dense block (ignored otherwise; None: see :meth:`proba`).
        """
        dense = None
        if self.dense and answer_vec is not None and reference_vec is not None:
            dense = dense_interactions(answer_vec, reference_vec)
        p = self.proba(self.vector(feats), dense)
        return float(100 * p[0]), CLASSES[int(np.argmax(p))]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the file format)."""
        out = {"names": list(self.names), "classes": list(CLASSES), "mean": self.mean.tolist(),
               "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
               "threshold_2way": self.threshold_2way, "off_margin": self.off_margin,
               "unrelated_sim": self.unrelated_sim}
        if self.dense:
            out |= {"dense": self.dense, "dense_mean": self.dense_mean.tolist(),
                    "dense_scale": self.dense_scale.tolist(), "dense_coef": self.dense_coef.tolist()}
        return out | {"trained_on": self.meta}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ScorerModel:
        """Build from :meth:`to_json`'s dict; raises KeyError/ValueError on a malformed one (and on a
        file of the earlier blended format, ``boost_weight`` > 0, which this evaluator does not score)."""
        if float(raw.get("boost_weight", 0.0)) > 0:
            raise ValueError("blended model file: retrain with scripts/train_interview_scorer.py")
        names = tuple(raw["names"])
        coef = np.asarray(raw["coef"], dtype=np.float64)
        if coef.shape != (len(CLASSES), len(names)):
            raise ValueError(f"coef has shape {coef.shape}, expected {(len(CLASSES), len(names))}")
        dense = str(raw.get("dense", ""))
        dm = ds = dc = None
        if dense:
            if dense != DENSE_KIND:
                raise ValueError(f"unknown dense block {dense!r}")
            dm, ds, dc = (np.asarray(raw[k], dtype=np.float64) for k in ("dense_mean", "dense_scale", "dense_coef"))
            if dc.shape != (len(CLASSES), len(dm)) or ds.shape != dm.shape:
                raise ValueError(f"dense block shapes {dm.shape}, {ds.shape}, {dc.shape} do not agree")
        return cls(names=names, mean=np.asarray(raw["mean"], dtype=np.float64),
                   scale=np.asarray(raw["scale"], dtype=np.float64), coef=coef,
                   intercept=np.asarray(raw["intercept"], dtype=np.float64),
                   threshold_2way=float(raw.get("threshold_2way", 50.0)),
                   off_margin=float(raw.get("off_margin", 0.10)), unrelated_sim=float(raw.get("unrelated_sim", 0.15)),
                   dense=dense, dense_mean=dm, dense_scale=ds, dense_coef=dc,
                   meta=dict(raw.get("trained_on", {})))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> ScorerModel | None:
    """The saved model, or None when the file is absent, broken or built on other features (names outside
    :data:`~core.interview.features.FEATURE_NAMES` and :data:`~core.interview.features.DOMAIN_NAMES`)."""
    try:
        model = ScorerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if set(model.names) - set(FEATURE_NAMES) - set(DOMAIN_NAMES):
        return None
    return model
