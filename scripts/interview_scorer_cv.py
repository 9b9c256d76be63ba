"""S1 (#9 follow-up): cross-validation of interview-scorer variants on the *training* data only.

Step ``prep`` analyses the training rows once (as ``scripts/train_interview_scorer.py`` does), the
Russian/English check set (``data/interview_eval/ru_semeval.jsonl``, held out of training) and the
paraphrase check, and stores features plus the USE vectors of answer, reference and question in
``var/bench_cache/s1_prep.pkl``. Step ``cv`` (default) evaluates the variants.

Splits that imitate the report's, on train rows only (5-fold ``GroupKFold``):

* **by question** (groups ``corpus:qid``, as the shipped model's CV) ≈ unseen questions;
* **by module** (SciEntsBank qid prefix, ``EM_45b`` → ``EM``, 12 modules; Beetle and our labelled rows keep
  their question groups) ≈ SciEntsBank unseen domains; scored on the SciEntsBank rows with the 2-way
  threshold fitted on the by-question OOF scores (as the shipped threshold is);
* **Mohler proxy**: Pearson, by-question OOF, of the 0-100 score with SemEval's 3-way label as a grade
  (:data:`MAP3`), both corpora pooled.

Decision rule, fixed before any variant was run (S1, 2026-12-02 04:35 UTC). A variant replaces the
shipped model (28 features, LR C = 0.01, labelled weight 20) only when all hold:

1. gain: by-module SciEntsBank OOF 2-way macro-F1 +0.01 or more with the 95% group-bootstrap interval
   (200 question resamples) of the paired difference excluding 0, **or** Mohler-proxy Pearson +0.01 or
   more with its interval excluding 0;
2. no loss elsewhere: by-question SemEval OOF macro-F1, by-module macro-F1 and proxy Pearson each no
   lower than the baseline by more than 0.005 (point estimate); labelled OOF Spearman no lower by more
   than 0.02;
3. RU/EN parity on ``ru_semeval.jsonl`` (model fitted on all train rows, those questions held out):
   |AUC_RU − AUC_EN| ≤ 0.05 and |macro-F1_RU − macro-F1_EN| ≤ 0.05;
4. p95 latency per answer ≤ 150 ms.

Among the variants that pass, the largest by-module gain wins; a variant whose gain is within the
winner's interval and is simpler (fewer parameters) wins instead; the paraphrase check mean is a
tie-breaker only (≥ 5 points, as #9c). Hyper-parameters of a variant (C, rank, dense weight) are read
off the by-question CV only.

Clarified at 04:40 UTC, after the first dense runs but before any log-loss was printed: the
hyper-parameter of a family is the one with the lowest by-question OOF 3-way log-loss (the metric
``search_lr`` chooses C by); "simpler" means fewer numbers fitted in the model file (a projection's
matrix counts).

Added after the pick, at 04:53 UTC (a gate, not a tuning step): the trained model must pass
``tests/test_interview*.py``; the pick (full block, shrinkage 0.15) failed the off-topic test of
``test_interview_learned.py`` and passed 5.2% of 402 other-topic bank references (baseline 2.5%), so the
family's next-lowest log-loss (0.1; 2.7%) was taken, which the rule also accepts.

Results (2026-12-02, 8075 train rows; by-question F1 / by-module F1 / proxy Pearson): baseline 0.710 /
0.681 / 0.380; shipped full block at 0.1: 0.725 / 0.683 / 0.420. The 3-class gradient-boosting variant
(``hgb_pca32``) finished only after the report benchmark had run, so it was recorded, not considered:
0.705 / 0.679 / 0.397, RU/EN AUC 0.671 / 0.696 (it would have failed the rule).

S3 (#9, 2026-12-02 05:25-05:26 UTC; the rule above used unchanged, the baseline being the shipped model).
``prep3`` recomputes the features with the current scoring code (S2b's negation/opposite cues changed
``contra_share`` on 3 of the 8075 train rows, none of the ru/en/paraphrase rows) and adds the semantic key-point
route's features computed without its score gate (``core.interview.scoring.KP_SEM_NAMES``); ``s3_shipped`` is
the shipped model as shipped (fitted on the features of commit c31e4e7, scored on today's). By-question F1 /
by-module F1 / proxy Pearson / labelled Spearman; RU/EN AUC; paraphrase-check mean (n = 20):

* ``s3_shipped``: 0.7245 / 0.6832 / 0.4192 / 0.676; 0.718 / 0.735; 48.0;
* ``s3_retrain`` (same settings, today's features): 0.7247 / 0.6832 / 0.4194 / 0.676; 0.718 / 0.735; 48.0;
  differences' intervals by module -0.0008..+0.0009, Pearson 0.0000..+0.0003: no gain, retrain refused;
* ``s3_kp_sem`` (+ share, max, min): 0.7241 / 0.6892 / 0.4211 / 0.676; 0.710 / 0.732 (F1 0.666 / 0.636); 46.5;
  by module +0.006 (interval -0.0012..+0.0140), Pearson +0.002 (-0.0009..+0.0051): no gain, refused;
* ``s3_kp_share`` (the share alone): 0.7246 / 0.6792 / 0.4207 / 0.674; 0.712 / 0.735; 47.5; by module -0.004
  (-0.0089..+0.0005): refused.

K (#9, good answers in one's own words; rule written 2026-12-02 08:05 UTC, before any K variant was run).
``prep4`` adds ``data/interview_eval/ownwords_dev.jsonl`` (126 RU/EN answers to 21 bank questions: correct in
one's own words, partial, wrong-but-borrowing the reference's words; ``split`` by question, 7 ``check``
questions never trained on) and analyses the check sets as the app does (bank key points and distractors).
Shipped model through the app (``finalize``), check split: correct mean 60.7 (n = 14), wrong 50.7 (n = 14),
partial 23.3 (n = 14); paraphrase check 50.8 (n = 20); U1's ops-009 answer 37. Variants (``k_*``): the ownwords
dev rows as labelled rows at weight ``ow_w`` × a labelled row (grid 1, 2, 4; 0 is the baseline ``k_base``, the
shipped settings retrained on the same rows); the semantic key-point features (all three; the share × sim_ref,
i.e. gated by the model's own similarity; all three on our bank rows only); our bank rows' features computed
with the bank's key points as the app does (``bk``); the expected-value read-out.
A variant replaces the shipped model only when all hold:

1. check split, correct answers: mean score (the all-rows fit's 100·P(correct)·contradiction factor, app-path
   features) ≥ ``k_base``'s + 8;
2. check split, wrong-but-borrowing answers: mean ≤ ``k_base``'s + 3;
3. train-only CV: by-question SemEval 2-way macro-F1, by-module SciEntsBank macro-F1 and the Mohler-proxy
   Pearson: the 95% group-bootstrap interval of each paired difference to ``k_base`` includes or exceeds 0
   (upper bound ≥ 0);
4. RU/EN parity on ``ru_semeval.jsonl``: |AUC_RU − AUC_EN| ≤ 0.05;
5. after retraining with ``scripts/train_interview_scorer.py``: the app's scores (``finalize``, guards on)
   confirm 1-2 and ``tests/test_interview*.py`` pass; the off-topic guard's false flags on train stay ≤ 1%.

``ow_w`` is read off the by-question OOF Spearman of score and grade on the ownwords dev rows (highest, among
weights whose by-question SemEval macro-F1 is within 0.01 of ``k_base``'s). Among passing variants the highest
ownwords-dev OOF Spearman wins; within 0.02 of it, the one with fewest fitted numbers.

K2 (#9, item 5 of the K rule for ``k_ow4_bk_dom``; fixed in the task brief and written here 2026-12-02 12:41 UTC,
before the retrained model was scored). ``scripts/train_interview_scorer.py`` builds the variant (its ``DOMAIN``)
and the app scores it (``Analysis.kp_given`` → :func:`core.interview.features.domain_features`). ``check5 OLD NEW``
scores both model files through the app's path (``Scorer.score_question`` with the bank, guards on, the shipped
``calibration.json``); NEW ships only if all hold:

a. ``ownwords_dev.jsonl`` check split: correct mean ≥ OLD's + 8 and wrong-borrowing mean ≤ OLD's + 3 (n = 14 each);
b. U1's ops-009 own-words answer (:data:`OPS_009_RU`) scores ≥ NEW's 2-way threshold;
c. off-topic false flags: SemEval *train* correct answers, each judged out-of-fold by the grouped 5-fold model of the
   same features and settings (C, labelled weight) that did not see its question, fed through ``finalize`` (as
   ``scripts/tune_guard_transfer.py`` measures them): ≤ 1.0% per corpus (sciEntsBank, beetle; share in percent
   rounded to one decimal, as G's 64c27a5 reported 1.0%); ``short_answers_dev.jsonl`` dev through the bank path and
   without the bank: flagged share no higher than OLD's;
d. ``paraphrase_check.jsonl`` mean (n = 20) no lower than OLD's.

Run once, 2026-12-02 12:48 UTC, OLD the shipped file (commit c31e4e7), NEW ``train_interview_scorer.py --domain``
(C 0.01, labelled weight 20, threshold 47; 8161 rows): a correct 60.7 → 85.9, wrong 50.7 → 26.2 (partial 23.3 →
32.5); b ops-009 37 → 58 ≥ 47; c sciEntsBank 18 / 1871 and beetle 15 / 1450 flagged both (0.96%, 1.03%: 1.0%),
short dev 0 / 36 (bank) and 3 / 36 (no bank) both; d 50.8 → 59.3: all four held. Not shipped all the same: NEW
failed 8 tests of ``tests/test_interview_keypoints.py`` / ``test_interview_learned.py`` (which the K rule's item 5
also requires), all about answers to *another* question: the check split's 14 correct answers put to another bank
question (seeded) passed 2 → 12 of 14 and were flagged off-topic 9 → 2 of 14; ``labelled.jsonl``'s off-topic rows
flagged 21 → 20 of 22, ``unrelated_dev`` dev 38 / 44 both. The rule above measured false flags only, not detection.

K2b (post hoc: added 2026-12-02 13:01 UTC after ``k_ow4_bk_dom`` failed on answers to other questions; rule written
before its run). Variant ``k_ow4_bk_dom_hn``: ``k_ow4_bk_dom`` plus hard negatives (``train_interview_scorer
--domain --hard-negatives``: each bank training answer graded >= 50 put to another bank question, grade 0, its own
row's weight). ``prep5`` appends those rows to ``k_prep.pkl`` (``T["hn"]``; weight 0 in every other variant).
It ships only if all hold: (1) ``cv5 k_base k_ow4_bk_dom_hn``: items 1-4 of the K rule above; (2) ``check5`` a-d
against the shipped file; (3) through the app's path, the check split's 14 correct answers put to another bank
question (``crossed_check``, ``crossed_items`` seed 0): passed no more than the shipped file's, flagged off-topic no
fewer than the shipped file's minus 1; ``labelled.jsonl``'s off-topic rows and ``unrelated_dev`` dev flagged off-topic
no fewer than under the shipped file; (4) ``tests/test_interview_*.py`` pass with the two strict xfails
of ``test_interview_domain.py`` turned into plain tests.

Run once, 2026-12-02 13:05-13:15 UTC (124 hard negatives; 8285 rows): failed (1) and (2), not shipped. ``cv5`` vs
``k_base`` (same prep): check correct 60.8 → 64.2 (rule ≥ +8), wrong 50.7 → 21.7, partial 23.3 → 26.7, ops-009 37 →
48; intervals by module -0.022..+0.002, by question -0.010..+0.002, Pearson -0.017..+0.003; RU/EN AUC 0.743 / 0.737;
ownwords dev OOF Spearman 0.35 (``k_ow4_bk_dom`` 0.73 on this prep); paraphrase check 50.6 → 42.5. ``check5`` (the
training script's model, threshold 48): correct 60.7 → 64.3, wrong 50.7 → 21.6, ops-009 48 ≥ 48, false flags unchanged
(18 / 1871, 15 / 1450, 0 and 3 of 36), paraphrase 50.8 → 42.5: a and d fail. (3) held: crossed check answers passed
2 → 1, flagged 9 → 9 of 14; labelled off-topic 21 → 21 of 22; unrelated_dev dev 38 → 38 of 44 (``k_ow4_bk_dom``:
12, 2; 20; 38).

K3 (#9; rule fixed by the lead 2026-12-02 13:15 UTC, before any run, written here before the results). Variant: K2b's
with the hard negatives at a lower weight (``train_interview_scorer --domain --hard-negatives --hn-weight W``: W x
their row's weight), W in {0.1, 0.25, 0.5}, each trained once and read by ``check5`` (OLD the shipped file, c31e4e7)
and ``crossed_check``. A W qualifies if, through the app's path: (1) check split own-words correct mean ≥ 68.7
(current + 8) and wrong-borrowing ≤ 53.7 (current + 3); (2) ops-009 ≥ that model's 2-way threshold; (3) SemEval train
correct flagged off-topic (out of fold) ≤ 1.0% per corpus, ``short_answers_dev`` dev flagged no more than now (0 / 36
bank, 3 / 36 no bank); (4) paraphrase_check mean ≥ 50.8; (5) crossed check: passed ≤ 2 and flagged ≥ 9 of 14;
labelled off-topic rows flagged ≥ 21 of 22; ``unrelated_dev`` dev flagged ≥ 38 of 44; (6) labelled OOF Spearman as
the training script records it (``labelled_weight_cv`` at the chosen weight) ≥ current − 0.03 (0.7631 − 0.03 =
0.7331). Among qualifying W the highest check correct mean ships (ties: the smaller W), and only if every
``tests/test_interview*.py`` passes with the two strict xfails of ``test_interview_domain.py`` as plain tests.
``check5``'s out-of-fold guard folds are now trained with the model's hard negatives (``trained_on.hard_negatives``).

Run once each, 2026-12-02 13:16-13:38 UTC (124 hard negatives, 8285 rows; C 0.01 and labelled weight 20 chosen in
every run; OLD = shipped c31e4e7: correct 60.7, wrong 50.7, ops-009 37 / 49, paraphrase 50.8, crossed 2 / 9,
labelled Spearman 0.7631). No W qualifies (item 6 fails for all three), nothing shipped:

====  ============  =========  ==============  ==========  ==============================  ============
W     correct (14)  wrong (14)  ops-009 / thr   para (20)   crossed 14 / off-topic 22 / 44  lab. Spearman
====  ============  =========  ==============  ==========  ==============================  ============
0.1   76.5          24.3       52 / 48         51.8        2, 9 / 21 / 38                  0.656
0.25  72.3          23.2       50 / 48         48.3        1, 9 / 21 / 38                  0.671
0.5   68.3          22.5       49 / 49         45.4        1, 9 / 21 / 38                  0.678
====  ============  =========  ==============  ==========  ==============================  ============

Item 3 held in every run (18 / 1871, 15 / 1450 SemEval train correct flagged out of fold; short dev 0 / 36 bank,
3 / 36 no bank). W = 0.1 passes items 1-5; item 6 fails (0.656 < 0.733; the blend record's ``labelled_oof_spearman``
over all non-SemEval rows, 0.543 against the shipped file's 0.649, fails as well). The domain copy alone already
recorded 0.594 (K2's ``k_ow4_bk_dom``, same rows), which no K2 rule measured. ``tests/test_interview*.py`` not run
for the candidates (the rule requires a qualifying W first).

Usage: ``.venv/bin/python -m scripts.interview_scorer_cv [prep | cv [VARIANT ...] | prep3 [OLD_X.pkl] |
cv3 BASE VARIANT ... | prep4 | cv4 BASE VARIANT ... | check5 OLD_MODEL.json NEW_MODEL.json | prep5 |
cv5 BASE VARIANT ... | crossed_check MODEL.json ...]``
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.embeddings import USEEmbedder  # noqa: E402
from core.interview.features import FEATURE_NAMES, domain_columns  # noqa: E402
from core.interview.scoring import Calibration, Scorer  # noqa: E402
from scripts.interview_data import (  # noqa: E402
    CACHE_DIR,
    RU_FILE,
    CachingEmbedder,
    analyse_rows,
    read_jsonl,
    semeval,
)
from scripts.train_interview_scorer import OW_FILE as TRAIN_OW_FILE  # noqa: E402
from scripts.train_interview_scorer import (  # noqa: E402
    app_analyses,
    bank_rows,
    features_matrix,
    paraphrase_rows,
    training_set,
)

PREP = CACHE_DIR / "s1_prep.pkl"


def vectors(emb, analyses) -> dict[str, np.ndarray]:
    """USE vectors ``(n, 512)`` of each analysis's answer, reference and question (zeros for flagged ones)."""
    out = {}
    for key in ("answer", "reference", "question"):
        texts = [getattr(a, key) or "" for a in analyses]
        ok = [i for i, t in enumerate(texts) if t.strip()]
        v = np.zeros((len(texts), 512), dtype=np.float32)
        if ok:
            v[ok] = emb.embed([texts[i] for i in ok])
        out[key] = v
    return out


def prep() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    t0 = time.time()
    emb = CachingEmbedder(USEEmbedder())
    scorer = Scorer(emb, None, None, model=None)
    X, Y, groups, sem, gold2, analyses = training_set(scorer)
    print(f"train {len(X)} rows {time.time() - t0:.0f}s", flush=True)
    data = {"train": {"X": X, "Y": Y, "groups": groups, "sem": sem, "gold2": gold2, "vec": vectors(emb, analyses),
                      "kind": [getattr(a, "lang", "en") for a in analyses]}}
    cal = Calibration.load()
    ru = read_jsonl(RU_FILE)
    src = {r["id"]: r for c in ("sciEntsBank", "beetle") for r in semeval(c)}
    en = [src[r["source_id"]] for r in ru]
    for tag, rows, alt in (("ru", ru, "references"), ("en", en, None)):
        an = analyse_rows(rows, scorer, "ru-semeval" if tag == "ru" else "ru-semeval-en", alt_key=alt)
        x, ok = features_matrix(an, cal)
        data[tag] = {"X": x, "ok": ok, "vec": vectors(emb, an), "gold2": np.array([r["label_2way"] == "correct" for r in rows]),
                     "label3": [r["label_3way"] for r in rows]}
    an = analyse_rows(paraphrase_rows(), scorer, "paraphrase")
    x, ok = features_matrix(an, cal)
    data["para"] = {"X": x, "ok": ok, "vec": vectors(emb, an)}
    PREP.write_bytes(pickle.dumps(data))
    print(f"prep done {time.time() - t0:.0f}s", flush=True)


# ---------------------------------------------------------------------------------------------------
# CV

MAP3 = {"correct": 1.0, "incorrect": 0.5, "contradictory": 0.0}
"""Continuous target of the Mohler proxy: SemEval's 3-way label as a grade. "incorrect" merges
SemEval's 5-way partially_correct_incomplete, irrelevant and non_domain (Dzikovska et al. 2013), mostly
the first, so it sits between a contradiction and a correct answer."""


def dense(vec: dict[str, np.ndarray], kind: str) -> np.ndarray:
    u, v = vec["answer"], vec["reference"]
    if kind == "absdiff_prod":
        return np.hstack([np.abs(u - v), u * v])
    if kind == "prod":
        return u * v
    raise ValueError(kind)


class PCA:
    """Low-rank projection fitted on the training fold only."""

    def __init__(self, k: int) -> None:
        self.k = k

    def fit(self, Z: np.ndarray) -> PCA:
        self.mu = Z.mean(axis=0)
        _, _, vt = np.linalg.svd(Z - self.mu, full_matrices=False)
        self.W = vt[: self.k].T
        return self

    def __call__(self, Z: np.ndarray) -> np.ndarray:
        return (Z - self.mu) @ self.W


def make_fit(variant: dict):
    """A function (Xtr, Ztr, Ytr) -> predict(X, Z) -> (n, 3) probabilities for ``variant``."""
    from scripts.train_interview_scorer import expand

    def fit(X, Z, Y):
        from sklearn.linear_model import LogisticRegression

        X = augment(X, variant)
        parts_tr = [X]
        proj = None
        if variant.get("dense"):
            if variant.get("pca"):
                proj = PCA(variant["pca"]).fit(Z)
                parts_tr.append(proj(Z))
            else:
                parts_tr.append(Z)
        A = np.hstack(parts_tr)
        mean, scale = A.mean(axis=0), A.std(axis=0)
        scale[scale < 1e-9] = 1.0
        nd = A.shape[1] - X.shape[1]
        # Dense block shrunk harder: its columns are scaled by dense_w (< 1 is a stronger L2 penalty
        # on them relative to the 28 features).
        colw = np.r_[np.ones(X.shape[1]), np.full(nd, variant.get("dense_w", 1.0))]
        xe, ye, we = expand((A - mean) / scale * colw, Y)
        if variant.get("model") == "mlp":
            from sklearn.neural_network import MLPClassifier

            m = MLPClassifier(hidden_layer_sizes=(variant.get("hidden", 32),), alpha=variant.get("alpha", 1.0),
                              max_iter=300, early_stopping=False, random_state=0)
            # MLP has no sample weights in older sklearn: resample by weight
            rng = np.random.default_rng(0)
            idx = rng.choice(len(ye), size=len(ye), p=we / we.sum())
            m.fit(xe[idx], ye[idx])
        elif variant.get("model") == "ridge":
            from sklearn.linear_model import Ridge

            t = np.array([1.0, 0.0, 0.5])[ye]  # MAP3 grades of the expanded rows
            m = Ridge(alpha=variant.get("alpha", 10.0)).fit(xe, t, sample_weight=we)
            m.predict_proba = lambda a, m=m: (lambda p: np.c_[p, np.zeros_like(p), 1 - p])(
                np.clip(m.predict(a), 0, 1))
        elif variant.get("model") == "hgb":
            from sklearn.ensemble import HistGradientBoostingClassifier

            m = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                               min_samples_leaf=100, l2_regularization=1.0, random_state=0)
            m.fit(xe, ye, sample_weight=we)
        else:
            cw = None
            if variant.get("balanced"):
                tot = np.bincount(ye, weights=we, minlength=3)
                cw = {c: float(tot.sum() / (3 * tot[c])) for c in range(3)}
            m = LogisticRegression(C=variant.get("C", 0.01), max_iter=3000, class_weight=cw)
            m.fit(xe, ye, sample_weight=we)

        def predict(Xn, Zn):
            parts = [augment(Xn, variant)]
            if variant.get("dense"):
                parts.append(proj(Zn) if proj is not None else Zn)
            return m.predict_proba((np.hstack(parts) - mean) / scale * colw)

        return predict

    return fit


def augment(X: np.ndarray, variant: dict) -> np.ndarray:
    """Per-question relative features (``variant["rel"]``): the answer's similarity to the reference relative
    to how close the reference itself is to the question, and demoted recall scaled by the share of the
    answer that is not the question's words."""
    if variant.get("k"):  # K prep: 28 named features, the 3 KP_SEM_NAMES columns, then a bank-row flag
        kp, bank = X[:, N28:N28 + 3], X[:, N28 + 3:N28 + 4]
        sim = X[:, FEATURE_NAMES.index("sim_ref")][:, None]
        extra = {None: kp[:, :0], "all": kp, "sim": kp[:, :1] * sim, "bank": kp * bank}[variant.get("kpk")]
        if variant.get("dom"):  # Daume III (2007) feature augmentation: a bank-domain copy of the 28, and the flag
            extra = np.hstack([extra, domain_columns(X[:, :N28], bank[:, 0])])
        return np.hstack([X[:, :N28], extra])
    if "kp_sem" in variant:  # S3 prep: 28 named features, then the 3 KP_SEM_NAMES columns
        X = X[:, :N28 + {False: 0, "share": 1, True: 3}[variant["kp_sem"]]]
    if not variant.get("rel"):
        return X
    from core.interview.features import FEATURE_NAMES as F

    c = {n: X[:, i] for i, n in enumerate(F)}
    rel = (c["sim_ref"] - c["ref_q"]) / np.maximum(1 - c["ref_q"], 0.05)
    rel_d = c["sim_demoted"] - c["sim_q"]
    rec_n = c["lex_rec_demoted"] * (1 - c["q_overlap"])
    return np.c_[X, rel, rel_d, rec_n]


def module_groups(groups: np.ndarray) -> np.ndarray:
    """SciEntsBank questions grouped by module (``sciEntsBank:EM_45b`` -> ``sciEntsBank:EM``): unseen domains.
    Other rows keep their question group."""
    return np.array([g.split("_")[0] if g.startswith("sciEntsBank:") else g for g in groups])


def oof(fit, X, Z, Y, groups, folds: int = 5, X_fit: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold ``(n, 3)`` probabilities; ``X_fit`` (S3): fit on these rows' features instead of ``X``
    (the shipped model's training-time features), predict on ``X``."""
    from sklearn.model_selection import GroupKFold

    Xf = X if X_fit is None else X_fit
    P = np.zeros_like(Y)
    for tr, te in GroupKFold(n_splits=folds).split(X, groups=groups):
        P[te] = fit(Xf[tr], Z[tr] if Z is not None else None, Y[tr])(X[te], Z[te] if Z is not None else None)
    return P


def readout(P: np.ndarray, X: np.ndarray, how: str) -> np.ndarray:
    """0-100 score as the app computes it (contradiction factor of ``finalize`` included)."""
    from scripts.train_interview_scorer import penalty

    base = P[:, 0] if how == "pc" else P[:, 0] + 0.5 * P[:, 2]
    return 100 * base * penalty(X, Calibration.load())


def boot(fn, groups, n: int = 200, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of ``fn(idx)`` over group-bootstrap resamples (questions with replacement)."""
    rng = np.random.default_rng(seed)
    uniq, inv = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inv == g) for g in range(len(uniq))]
    d = [fn(np.concatenate([members[g] for g in rng.integers(0, len(uniq), len(uniq))])) for _ in range(n)]
    return float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))


def evaluate(name: str, variant: dict, D: dict, base: dict | None = None) -> dict:
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import roc_auc_score

    from scripts.train_interview_scorer import best_threshold, macro_f1

    T = D["train"]
    X, Y, groups, sem, gold2 = T["X"], T["Y"].copy(), T["groups"], T["sem"], T["gold2"]
    if variant.get("bk"):  # K: our bank rows' features computed with the bank's key points (as the app does)
        X = T["X_bk"]
    Y[~sem] *= 20.0  # the shipped labelled weight (scorer_model.json trained_on.labelled_weight)
    ow = T.get("ow")  # K: ownwords_dev.jsonl dev rows (appended last), weighted ow_w times a labelled row
    if ow is not None:
        Y[ow] *= variant.get("ow_w", 0.0)
    hn = T.get("hn")  # K2b: hard negatives (appended after), their source row's weight, or 0
    if hn is not None:
        Y[hn] *= T["hn_w"][hn][:, None] if variant.get("hn") else 0.0
    Z = dense(T["vec"], variant["dense"]) if variant.get("dense") else None
    how = variant.get("readout", "pc")
    fit = make_fit(variant)
    t0 = time.time()
    Xf = T["X_old"] if variant.get("train_old") else None
    Pq = oof(fit, X, Z, Y, groups, X_fit=Xf)
    Pm = oof(fit, X, Z, Y, module_groups(groups), X_fit=Xf)
    sq, sm = readout(Pq, X, how), readout(Pm, X, how)
    thr, f1q = best_threshold(sq[sem] / 100, gold2[sem])
    sci = np.array([g.startswith("sciEntsBank:") for g in groups])
    lab = ~sem if ow is None else ~sem & ~ow
    if hn is not None:
        lab = lab & ~hn
    lab3 = np.array([MAP3[["correct", "contradictory", "incorrect"][int(np.argmax(y))]] for y in T["Y"]])
    from sklearn.metrics import log_loss

    hard = T["Y"].argmax(axis=1)
    r = {"name": name, "thr": thr, "byq_f1": f1q,
         "byq_logloss": float(log_loss(hard, np.clip(Pq, 1e-6, 1), labels=[0, 1, 2])),
         "bymod_f1": macro_f1(sm[sci] >= thr, gold2[sci].astype(bool)),
         "bymod_f1_ownthr": best_threshold(sm[sci] / 100, gold2[sci])[1],
         "pearson3": float(pearsonr(sq[sem], lab3[sem]).statistic),
         "pearson3_bymod_sci": float(pearsonr(sm[sci], lab3[sci]).statistic),
         "lab_spearman": float(spearmanr(sq[lab], T["Y"][lab, 0]).statistic),
         "sq": sq, "sm": sm}
    # fit on all rows: RU/EN parity (questions held out of training) and paraphrase check
    full = fit(X if Xf is None else Xf, Z, Y)
    for lang in ("ru", "en"):
        E = D[lang]
        Ze = dense(E["vec"], variant["dense"]) if variant.get("dense") else None
        s = np.where(E["ok"], readout(full(E["X"], Ze), E["X"], how), 0.0)
        g = E["gold2"].astype(int)
        r[f"auc_{lang}"] = float(roc_auc_score(g, s))
        r[f"f1_{lang}"] = macro_f1(s >= thr, g.astype(bool))
        r[f"s_{lang}"] = s
    r["ru_en_abs"] = float(np.mean(np.abs(r["s_ru"] - r["s_en"])))
    Pp = D["para"]
    Zp = dense(Pp["vec"], variant["dense"]) if variant.get("dense") else None
    r["para_mean"] = float(np.mean(np.where(Pp["ok"], readout(full(Pp["X"], Zp), Pp["X"], how), 0.0)))
    if ow is not None:  # K: out-of-fold (by question) scores of the ownwords dev rows, and the app-path sets
        r["ow_spearman"] = float(spearmanr(sq[ow], T["Y"][ow, 0]).statistic)
        for kind in ("correct", "partial", "wrong"):
            r[f"ow_oof_{kind}"] = float(np.mean(sq[ow][T["ow_kind"] == kind]))
        A = D["app"]
        Za = dense(A["vec"], variant["dense"]) if variant.get("dense") else None
        sa = np.where(A["ok"], readout(full(A["X"], Za), A["X"], how), 0.0)
        r["s_app"] = sa
        for split in ("check", "dev"):
            for kind in ("correct", "partial", "wrong"):
                m = (A["split"] == split) & (A["kind"] == kind)
                r[f"{split}_{kind}"] = float(np.mean(sa[m]))
        r["check_correct_ru_en"] = tuple(float(np.mean(sa[(A["split"] == "check") & (A["kind"] == "correct")
                                                          & (A["lang"] == lg)])) for lg in ("ru", "en"))
        r["para_app"] = float(np.mean(sa[A["split"] == "para"]))
        r["ops009"] = float(sa[A["split"] == "ops009"][0])
    r["secs"] = time.time() - t0
    if base is not None:
        gs, gsci = groups[sem], groups[sci]
        bq, bm, bt = base["sq"][sem], base["sm"][sci], base["thr"]
        gq2, gm2 = gold2[sem].astype(bool), gold2[sci].astype(bool)
        # indices inside the subsets
        r["d_bymod_ci"] = boot(lambda i: macro_f1(sm[sci][i] >= thr, gm2[i]) - macro_f1(bm[i] >= bt, gm2[i]), gsci)
        r["d_byq_ci"] = boot(lambda i: macro_f1(sq[sem][i] >= thr, gq2[i]) - macro_f1(bq[i] >= bt, gq2[i]), gs)
        l3 = lab3[sem]
        r["d_pearson_ci"] = boot(lambda i: pearsonr(sq[sem][i], l3[i]).statistic - pearsonr(bq[i], l3[i]).statistic,
                                 gs)
    keys = ("thr", "byq_f1", "byq_logloss", "bymod_f1", "bymod_f1_ownthr", "pearson3", "pearson3_bymod_sci", "lab_spearman",
            "auc_ru", "auc_en", "f1_ru", "f1_en", "ru_en_abs", "para_mean", "d_bymod_ci", "d_byq_ci",
            "d_pearson_ci", "ow_spearman", "ow_oof_correct", "ow_oof_partial", "ow_oof_wrong", "check_correct",
            "check_partial", "check_wrong", "check_correct_ru_en", "dev_correct", "dev_partial", "dev_wrong", "para_app",
            "ops009", "secs")
    print(name, {k: (tuple(round(x, 4) for x in r[k]) if isinstance(r[k], tuple) else round(r[k], 4))
                 for k in keys if k in r}, flush=True)
    return r


VARIANTS: dict[str, dict] = {
    "baseline": {},
    "balanced": {"balanced": True},
    "readout_ev": {"readout": "ev"},
    "rel": {"rel": True},
    "ridge": {"model": "ridge"},
    "dense_pca32": {"dense": "absdiff_prod", "pca": 32},
    "dense_pca64": {"dense": "absdiff_prod", "pca": 64},
    "dense_full_w0.1": {"dense": "absdiff_prod", "dense_w": 0.1},
    "dense_full_w0.3": {"dense": "absdiff_prod", "dense_w": 0.3},
    "dense_full_w0.03": {"dense": "absdiff_prod", "dense_w": 0.03},
    "dense_full_w0.05": {"dense": "absdiff_prod", "dense_w": 0.05},
    "dense_full_w0.15": {"dense": "absdiff_prod", "dense_w": 0.15},
    "dense_prod_w0.1": {"dense": "prod", "dense_w": 0.1},
    "dense_prod_w0.05": {"dense": "prod", "dense_w": 0.05},
    "dense_prod_w0.15": {"dense": "prod", "dense_w": 0.15},
    "dense_prod_w0.2": {"dense": "prod", "dense_w": 0.2},
    "dense_pca16": {"dense": "absdiff_prod", "pca": 16},
    "mlp_pca32": {"dense": "absdiff_prod", "pca": 32, "model": "mlp"},
    "hgb_pca32": {"dense": "absdiff_prod", "pca": 32, "model": "hgb"},
    # S3 (#9, s3_prep.pkl only): the shipped model as shipped (fitted on the features of its training time,
    # before S2b's negation/opposite cues changed contra_share), its retrain on the current features, and
    # the retrain with the semantic key-point route's features (KP_SEM_NAMES).
    "s3_shipped": {"dense": "absdiff_prod", "dense_w": 0.1, "kp_sem": False, "train_old": True},
    "s3_retrain": {"dense": "absdiff_prod", "dense_w": 0.1, "kp_sem": False},
    "s3_kp_sem": {"dense": "absdiff_prod", "dense_w": 0.1, "kp_sem": True},
    "s3_kp_share": {"dense": "absdiff_prod", "dense_w": 0.1, "kp_sem": "share"},
    # K (#9, k_prep.pkl only): ownwords_dev.jsonl dev rows at ow_w x a labelled row, semantic key-point features
    # (kpk), bank key points for our rows (bk), expected-value read-out.
    "k_base": {"dense": "absdiff_prod", "dense_w": 0.1, "k": True, "ow_w": 0.0},
    "k_ow1": {"dense": "absdiff_prod", "dense_w": 0.1, "k": True, "ow_w": 1.0},
    "k_ow2": {"dense": "absdiff_prod", "dense_w": 0.1, "k": True, "ow_w": 2.0},
    "k_ow4": {"dense": "absdiff_prod", "dense_w": 0.1, "k": True, "ow_w": 4.0},
}
for _w in (1, 2, 4):
    for _tag, _extra in (("kp", {"kpk": "all"}), ("kpsim", {"kpk": "sim"}), ("kpbank", {"kpk": "bank"}),
                         ("bk", {"bk": True}), ("ev", {"readout": "ev"})):
        VARIANTS[f"k_ow{_w}_{_tag}"] = VARIANTS[f"k_ow{_w}"] | _extra
    # added at 08:20 UTC after the runs above (every ownwords variant lost on SemEval by module): our bank rows'
    # features in a domain copy (flag = the question has written key points), so they need not move SemEval's
    VARIANTS[f"k_ow{_w}_bk_dom"] = VARIANTS[f"k_ow{_w}"] | {"bk": True, "dom": True}
VARIANTS["k_ow0_bk_dom"] = VARIANTS["k_base"] | {"bk": True, "dom": True}
VARIANTS["k_ow4_bk_dom_hn"] = VARIANTS["k_ow4_bk_dom"] | {"hn": True}  # K2b, k_prep5.pkl
N28 = 28
"""Named features of the shipped model (S1's 28), the first columns of an S3 prep's X."""
PREP3 = CACHE_DIR / "s3_prep.pkl"


def logloss_only(names: list[str]) -> None:
    """By-question OOF 3-way log-loss of each variant (the hyper-parameter criterion), nothing else."""
    from sklearn.metrics import log_loss
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    T = pickle.loads(PREP.read_bytes())["train"]
    Y = T["Y"].copy()
    Y[~T["sem"]] *= 20.0
    for n in names:
        v = VARIANTS[n]
        Z = dense(T["vec"], v["dense"]) if v.get("dense") else None
        P = oof(make_fit(v), T["X"], Z, Y, T["groups"])
        print(n, "byq_logloss", round(float(log_loss(T["Y"].argmax(axis=1), np.clip(P, 1e-6, 1), labels=[0, 1, 2])), 4),
              flush=True)


def cv(names: list[str], prep_file: Path = PREP, base_name: str = "baseline") -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    D = pickle.loads(prep_file.read_bytes())
    print(f"rows {len(D['train']['X'])}", flush=True)
    base = evaluate(base_name, VARIANTS[base_name], D)
    for n in names:
        if n != base_name:
            evaluate(n, VARIANTS[n], D, base)


def _analysis_vectors(analyses) -> dict[str, np.ndarray]:
    """The answer and reference USE vectors the analyses carry ``(n, 512)`` (zeros for flagged ones);
    the same numbers :func:`vectors` embeds again (the question's are not used by :func:`dense`)."""
    z = np.zeros(512, dtype=np.float32)
    return {"answer": np.vstack([a.ans_vec if a.ans_vec is not None else z for a in analyses]),
            "reference": np.vstack([a.ref_vec if a.ref_vec is not None else z for a in analyses])}


def _with_kp_sem(X: np.ndarray, ok: np.ndarray, analyses, cal: Calibration) -> np.ndarray:
    from core.interview.scoring import KP_SEM_NAMES, semantic_kp_features

    K = np.zeros((len(analyses), len(KP_SEM_NAMES)))
    for i, a in enumerate(analyses):
        if ok[i]:
            f = semantic_kp_features(a, cal)
            K[i] = [f[n] for n in KP_SEM_NAMES]
    return np.hstack([X[:, :N28], K])  # a training_set X's dense columns dropped: the variants read T["vec"]


def prep3(old_file: str | None = None) -> None:
    """S3: the training rows, ru/en and paraphrase sets with the current scoring code's features, the
    28 named ones then the 3 :data:`core.interview.scoring.KP_SEM_NAMES`, then the dense block; written
    to ``var/bench_cache/s3_prep.pkl``. Reads the ANALYSIS_VERSION 4 analysis caches: version 5 only added
    ``sim_subject``, which no feature reads. ``old_file``: a pickle ``{"train": X, "ru": X, "en": X,
    "para": X}`` of the same rows' 28 named features computed by the scoring code the shipped model was
    trained with (commit c31e4e7), kept as ``X_old``."""
    from threadpoolctl import threadpool_limits

    import scripts.interview_data as idata

    threadpool_limits(1)
    idata.ANALYSIS_VERSION = 4
    t0 = time.time()
    scorer = Scorer(CachingEmbedder(USEEmbedder()), None, None, model=None)
    cal = Calibration.load()
    X, Y, groups, sem, gold2, analyses = training_set(scorer)
    ok = np.ones(len(analyses), dtype=bool)
    data = {"train": {"X": _with_kp_sem(X, ok, analyses, cal), "Y": Y, "groups": groups, "sem": sem, "gold2": gold2,
                      "vec": _analysis_vectors(analyses)}}
    print(f"train {len(X)} rows {time.time() - t0:.0f}s", flush=True)
    ru = read_jsonl(RU_FILE)
    src = {r["id"]: r for c in ("sciEntsBank", "beetle") for r in semeval(c)}
    en = [src[r["source_id"]] for r in ru]
    for tag, rows, alt in (("ru", ru, "references"), ("en", en, None)):
        an = analyse_rows(rows, scorer, "ru-semeval" if tag == "ru" else "ru-semeval-en", alt_key=alt)
        x, okx = features_matrix(an, cal)
        data[tag] = {"X": _with_kp_sem(x, okx, an, cal), "ok": okx, "vec": _analysis_vectors(an),
                     "gold2": np.array([r["label_2way"] == "correct" for r in rows]),
                     "label3": [r["label_3way"] for r in rows]}
    an = analyse_rows(paraphrase_rows(), scorer, "paraphrase")
    x, okx = features_matrix(an, cal)
    data["para"] = {"X": _with_kp_sem(x, okx, an, cal), "ok": okx, "vec": _analysis_vectors(an)}
    if old_file:
        old = pickle.loads(Path(old_file).read_bytes())
        for tag in ("train", "ru", "en", "para"):
            xo = old[tag][:, :N28]
            same = np.delete(np.arange(N28), FEATURE_NAMES.index("contra_share"))
            assert xo.shape[0] == len(data[tag]["X"]) and np.allclose(xo[:, same], data[tag]["X"][:, same], atol=1e-6), tag
            data[tag]["X_old"] = np.hstack([xo, data[tag]["X"][:, N28:]])  # old named features, same kp_sem
            cs = FEATURE_NAMES.index("contra_share")
            print(f"{tag}: contra_share changed on {int((xo[:, cs] != data[tag]['X'][:, cs]).sum())} of {len(xo)} rows",
                  flush=True)
    PREP3.write_bytes(pickle.dumps(data))
    print(f"prep3 done {time.time() - t0:.0f}s", flush=True)


PREP4 = CACHE_DIR / "k_prep.pkl"
OW_FILE = TRAIN_OW_FILE
"""K (#9): 126 RU/EN answers in one's own words (correct), partial and wrong-but-borrowing, dev/check by question."""
OPS_009_RU = ("Можно обновлять модель регулярно, скажем раз в неделю, если данные меняются медленно. Другой вариант — "
              "запускать обучение заново, когда мониторинг показывает, что метрики просели или распределение входных "
              "данных заметно сдвинулось. Чтобы понять, как часто это нужно, я бы прогнал модель на старых данных и "
              "посмотрел, через сколько времени она начинает ошибаться. Сам процесс делаю автоматическим, и перед "
              "выкаткой сравниваю новую версию со старой.")
"""U1's browser-run RU answer to ops-009 (the same text as ``tests/test_interview_kp_sem.py``'s)."""


def _k_block(analyses, cal: Calibration, bank_flag: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(X ``(n, 32)``: 28 named features, 3 KP_SEM_NAMES, the bank-row flag; guard mask; vectors)."""
    x, ok = features_matrix(analyses, cal)
    X = _with_kp_sem(x, ok, analyses, cal)
    return np.hstack([X, np.full((len(X), 1), bank_flag)]), ok, _analysis_vectors(analyses)


_bank_rows = bank_rows
_app_analyses = app_analyses


def prep4() -> None:
    """K (#9): the training rows (SemEval train, labelled.jsonl, paraphrase_dev.jsonl) plus the ``dev`` rows of
    :data:`OW_FILE` appended last (``T["ow"]``), 32 columns each (:func:`_k_block`); ``X_bk`` the same rows with our
    bank rows analysed as the app analyses them (the bank's key points instead of the reference's sentences);
    ``app``: every row of :data:`OW_FILE`, ``paraphrase_check.jsonl`` and U1's ops-009 answer analysed the app's way
    (the check sets of the rule). Written to ``var/bench_cache/k_prep.pkl``."""
    from threadpoolctl import threadpool_limits

    from core.interview.bank import load_bank
    from scripts.train_interview_scorer import DEV_FILE, PARAPHRASE_FILE

    threadpool_limits(1)
    t0 = time.time()
    emb = CachingEmbedder(USEEmbedder())
    scorer = Scorer(emb, None, None, model=None)
    bank = load_bank()
    app = Scorer(emb, bank, None, model=None)
    cal = Calibration.load()
    X, Y, groups, sem, gold2, analyses = training_set(scorer)
    Xs, _, vs = _k_block([a for a, s in zip(analyses, sem, strict=True) if s], cal, 0.0)
    parts = {"X": [Xs], "X_bk": [Xs], "Y": [Y[sem]], "groups": [groups[sem]], "gold2": [gold2[sem]],
             "vec_a": [vs["answer"]], "vec_r": [vs["reference"]]}
    ow_items = [r for r in read_jsonl(OW_FILE) if r["split"] == "dev"]
    n_ow, kinds = 0, []
    for fname, items in (("labelled.jsonl", read_jsonl(ROOT / "data" / "interview_eval" / "labelled.jsonl")),
                         (DEV_FILE.name, read_jsonl(DEV_FILE)), ("ownwords_dev", ow_items)):
        tag = {"labelled.jsonl": "labelled", DEV_FILE.name: "paraphrase_dev"}.get(fname, fname)
        an = analyse_rows(_bank_rows(items, bank), scorer, tag)
        Xd, ok, vd = _k_block(an, cal, 1.0)
        Xb, okb, _ = _k_block(_app_analyses(app, items), cal, 1.0)
        Xb = np.where(okb[:, None], Xb, Xd)  # a row the app's guards flag keeps its training-time features
        for j, it in enumerate(items):
            if not ok[j]:
                continue
            g = it["grade"] / 100.0
            wrong = "contradictory" if it["kind"] == "swapped" else "incorrect"
            parts["X"].append(Xd[j:j + 1])
            parts["X_bk"].append(Xb[j:j + 1])
            parts["Y"].append(np.array([[g, (1 - g) * (wrong == "contradictory"), (1 - g) * (wrong == "incorrect")]]))
            parts["groups"].append(np.array([f"labelled:{it['question_id']}"]))
            parts["gold2"].append(np.array([int(it["grade"] >= 50)]))
            parts["vec_a"].append(vd["answer"][j:j + 1])
            parts["vec_r"].append(vd["reference"][j:j + 1])
            if tag == "ownwords_dev":
                n_ow += 1
                kinds.append(it["kind"])
    T = {k: np.concatenate(v) for k, v in parts.items()}
    n = len(T["X"])
    T["sem"] = np.r_[np.ones(int(sem.sum()), dtype=bool), np.zeros(n - int(sem.sum()), dtype=bool)]
    T["ow"] = np.r_[np.zeros(n - n_ow, dtype=bool), np.ones(n_ow, dtype=bool)]
    T["ow_kind"] = np.array(kinds)
    T["vec"] = {"answer": T.pop("vec_a"), "reference": T.pop("vec_r")}
    assert np.allclose(T["X"][~T["ow"]][:, :N28], X[:, :N28]), "rebuilt training rows differ from training_set's"
    data = {"train": T}
    print(f"train {n} rows ({n_ow} ownwords dev) {time.time() - t0:.0f}s", flush=True)
    ru = read_jsonl(RU_FILE)
    src = {r["id"]: r for c in ("sciEntsBank", "beetle") for r in semeval(c)}
    en = [src[r["source_id"]] for r in ru]
    for tag, rows, alt in (("ru", ru, "references"), ("en", en, None)):
        an = analyse_rows(rows, scorer, "ru-semeval" if tag == "ru" else "ru-semeval-en", alt_key=alt)
        x, okx, vx = _k_block(an, cal, 0.0)
        data[tag] = {"X": x, "ok": okx, "vec": vx, "gold2": np.array([r["label_2way"] == "correct" for r in rows]),
                     "label3": [r["label_3way"] for r in rows]}
    ow_all = read_jsonl(OW_FILE)
    para = read_jsonl(PARAPHRASE_FILE)
    items = ow_all + [dict(r, kind="correct", split="para") for r in para] + [
        {"id": "u1-ops-009", "question_id": "ops-009", "lang": "ru", "kind": "correct", "split": "ops009",
         "answer": OPS_009_RU}]
    x, okx, vx = _k_block(_app_analyses(app, items), cal, 1.0)
    data["app"] = {"X": x, "ok": okx, "vec": vx, "ids": [it["id"] for it in items],
                   **{k: np.array([it[k] for it in items]) for k in ("kind", "split", "lang")}}
    data["para"] = {"X": x[len(ow_all):len(ow_all) + len(para)], "ok": okx[len(ow_all):len(ow_all) + len(para)],
                    "vec": {k: v[len(ow_all):len(ow_all) + len(para)] for k, v in vx.items()}}
    PREP4.write_bytes(pickle.dumps(data))
    print(f"prep4 done {time.time() - t0:.0f}s; app rows flagged by the guards: "
          f"{[i for i, o in zip(data['app']['ids'], okx, strict=True) if not o]}", flush=True)


PREP5 = CACHE_DIR / "k_prep5.pkl"


def prep5() -> None:
    """K2b: :data:`PREP4` plus the hard negatives of ``train_interview_scorer.crossed_items`` (labelled, paraphrase_dev
    and ownwords dev rows graded >= 50, each put to another bank question, grade 0), analysed as the training
    script does (app path, fallback to the plain analysis where the app's guards flag it), appended to ``train``
    with ``hn`` (mask) and ``hn_w`` (1, or 4 for an ownwords row: the source row's weight). Written to
    ``var/bench_cache/k_prep5.pkl``."""
    from threadpoolctl import threadpool_limits

    from core.interview.bank import load_bank
    from scripts.train_interview_scorer import DEV_FILE, OW_W, bank_training_analyses, crossed_items

    threadpool_limits(1)
    D = pickle.loads(PREP4.read_bytes())
    T = D["train"]
    emb = CachingEmbedder(USEEmbedder())
    scorer = Scorer(emb, None, None, model=None)
    bank = load_bank()
    app = Scorer(emb, bank, None, model=None)
    cal = Calibration.load()
    add = {k: [] for k in ("X", "Y", "groups", "gold2", "va", "vr", "w")}
    for fname, tag, w in (("labelled.jsonl", "labelled", 1.0), (DEV_FILE.name, "paraphrase_dev", 1.0),
                          (OW_FILE.name, "ownwords_dev", OW_W)):
        items = crossed_items([r for r in read_jsonl(ROOT / "data" / "interview_eval" / fname)
                               if r.get("split", "dev") == "dev"], bank)
        plain = analyse_rows(_bank_rows(items, bank), scorer, f"{tag}-crossed")
        ok = np.array([not a.flag for a in plain])
        an = bank_training_analyses(plain, _app_analyses(app, items))
        X, _, v = _k_block(an, cal, 1.0)
        for j, it in enumerate(items):
            if ok[j]:
                add["X"].append(X[j])
                add["Y"].append([0.0, 0.0, 1.0])
                add["groups"].append(f"labelled:{it['question_id']}")
                add["gold2"].append(0)
                add["va"].append(v["answer"][j])
                add["vr"].append(v["reference"][j])
                add["w"].append(w)
    n = len(add["X"])
    Xa = np.vstack(add["X"])
    T["X"] = np.vstack([T["X"], Xa])
    T["X_bk"] = np.vstack([T["X_bk"], Xa])
    T["Y"] = np.vstack([T["Y"], np.array(add["Y"])])
    T["groups"] = np.r_[T["groups"], np.array(add["groups"])]
    T["gold2"] = np.r_[T["gold2"], np.array(add["gold2"])]
    T["sem"] = np.r_[T["sem"], np.zeros(n, dtype=bool)]
    T["hn"] = np.r_[np.zeros(len(T["ow"]), dtype=bool), np.ones(n, dtype=bool)]
    T["hn_w"] = np.r_[np.zeros(len(T["ow"])), np.array(add["w"])]
    T["ow"] = np.r_[T["ow"], np.zeros(n, dtype=bool)]
    T["vec"] = {"answer": np.vstack([T["vec"]["answer"], np.array(add["va"])]),
                "reference": np.vstack([T["vec"]["reference"], np.array(add["vr"])])}
    PREP5.write_bytes(pickle.dumps(D))
    print(f"prep5: {n} hard negatives appended ({len(T['X'])} rows)", flush=True)


def crossed_check(model_files: list[str]) -> None:
    """K2b rule (3): through the app's path, per model file: the ownwords check split's 14 correct answers each put
    to another bank question (``crossed_items``, seed 0), ``labelled.jsonl``'s off-topic rows and ``unrelated_dev``
    dev: n, passed (score >= threshold), flagged off-topic, mean score (JSON lines)."""
    import json

    from threadpoolctl import threadpool_limits

    from core.interview.bank import default_bank
    from core.interview.model import ScorerModel
    from scripts.train_interview_scorer import crossed_items

    threadpool_limits(1)
    bank = default_bank()
    emb = CachingEmbedder(USEEmbedder())
    ev = ROOT / "data" / "interview_eval"
    groups = {
        "ownwords check correct -> another question": crossed_items(
            [dict(r, grade=100) for r in read_jsonl(OW_FILE) if r["split"] == "check" and r["kind"] == "correct"],
            bank, training=False),
        "labelled off-topic rows": [r for r in read_jsonl(ev / "labelled.jsonl") if r["kind"] == "offtopic"],
        "unrelated_dev dev": [r for r in read_jsonl(ev / "unrelated_dev.jsonl") if r["split"] == "dev"],
    }
    for path in model_files:
        m = ScorerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        app = Scorer(emb, bank, None, model=m)
        out = {}
        for tag, rows in groups.items():
            res = [app.score_question(bank.get(r["question_id"]), r["answer"], r["lang"]) for r in rows]
            out[tag] = {"n": len(res), "passed": sum(x.score >= m.threshold_2way for x in res),
                        "off_topic": sum(x.flag == "off_topic" for x in res),
                        "mean_score": round(float(np.mean([x.score for x in res])), 1)}
        print(Path(path).name, json.dumps(out), flush=True)


def _guard_false_flags(model, cal: Calibration, domain: bool) -> dict[str, dict]:
    """(K2, rule c) Off-topic false flags of ``model``'s features and settings: SemEval train correct answers judged
    out-of-fold (grouped 5-fold, C and labelled weight of ``model``'s ``trained_on``), fed through ``finalize``;
    ``short_answers_dev.jsonl`` dev scored by ``model`` through the bank path and without the bank.
    ``domain``: build the training rows as the domain variant does (``train_interview_scorer.DOMAIN``); with the
    hard negatives and their weight factor when ``model``'s ``trained_on.hard_negatives`` records them (K3; K2b's
    check of its 1x model built the folds without them)."""
    import scripts.train_interview_scorer as tis
    from core.interview.bank import default_bank
    from core.interview.features import DOMAIN_NAMES
    from core.interview.scoring import finalize
    from scripts.tune_guard_transfer import SHORT_FILE, _FixedScore, bank_parts, nobank_parts

    tis.DOMAIN = domain
    hn = model.meta.get("hard_negatives")  # (K3) a hard-negative model's folds are trained with its hard negatives
    tis.HARD_NEGATIVES = domain and isinstance(hn, dict)
    tis.HN_W = float(hn["weight_factor"]) if isinstance(hn, dict) else 1.0
    tis.NAMES = FEATURE_NAMES + DOMAIN_NAMES if domain else FEATURE_NAMES
    tis.NB = len(tis.NAMES)
    assert tuple(model.names) == tis.NAMES, "the model's features are not the ones this run builds"
    emb = CachingEmbedder(USEEmbedder())
    plain = Scorer(emb, None, None, model=None)
    X, Y, groups, sem, gold2, analyses = tis.training_set(plain)
    C, lab_w = float(model.meta["C"]), float(model.meta["labelled_weight"])
    Yw = Y.copy()
    Yw[~sem] *= lab_w
    P = tis.oof(X, Yw, groups, lambda a, b: lambda x: tis.predict(tis.fit_lr(a, b, C), x))
    corpus = np.array([g.split(":")[0] for g in groups])
    out = {}
    for c in ("sciEntsBank", "beetle"):
        idx = np.flatnonzero(gold2.astype(bool) & (corpus == c))
        off = [finalize(analyses[i], cal, _FixedScore(model, P[i, 0])).flag == "off_topic" for i in idx]
        out[f"{c} train correct"] = {"n": len(off), "flagged": int(sum(off)), "share": float(np.mean(off))}
    short_dev = [r for r in read_jsonl(SHORT_FILE) if r["split"] == "dev"]
    for tag, parts in (("short dev (bank)", bank_parts(Scorer(emb, default_bank(), None, model=None), short_dev, cal,
                                                         model)),
                       ("short dev (no bank)", nobank_parts(plain, short_dev, cal, model))):
        off = [p[0] for p in parts]
        out[tag] = {"n": len(short_dev), "scored": len(off), "flagged": int(sum(off)),
                    "share": float(sum(off) / len(short_dev))}
    return out


def check5(old_file: str, new_file: str) -> int:
    """(K2) Item 5 of the K rule (see the module docstring): OLD and NEW model files through the app's path; prints
    the numbers and the verdict as JSON. Returns 0 when NEW passes a-d, 1 otherwise."""
    import json

    from threadpoolctl import threadpool_limits

    from core.interview.bank import default_bank
    from core.interview.features import DOMAIN_NAMES
    from core.interview.model import ScorerModel

    threadpool_limits(1)
    cal = Calibration.load()
    emb = CachingEmbedder(USEEmbedder())
    bank = default_bank()
    ow = [r for r in read_jsonl(OW_FILE) if r["split"] == "check"]
    para = read_jsonl(ROOT / "data" / "interview_eval" / "paraphrase_check.jsonl")
    res = {}
    for tag, path in (("old", old_file), ("new", new_file)):
        m = ScorerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        app = Scorer(emb, bank, None, model=m)

        def score(it, app=app):
            return app.score_question(bank.get(it["question_id"]), it["answer"], it["lang"]).score

        r = {"threshold": m.threshold_2way, "names": len(m.names)}
        for kind in ("correct", "wrong", "partial"):
            s = [score(it) for it in ow if it["kind"] == kind]
            r[f"check_{kind}"] = {"n": len(s), "mean": round(float(np.mean(s)), 2)}
        r["ops009"] = score({"question_id": "ops-009", "lang": "ru", "answer": OPS_009_RU})
        ps = [score(it) for it in para]
        r["paraphrase_check"] = {"n": len(ps), "mean": round(float(np.mean(ps)), 2)}
        r["guards"] = _guard_false_flags(m, cal, domain=not set(m.names).isdisjoint(DOMAIN_NAMES))
        res[tag] = r
        print(tag, json.dumps(r), flush=True)
    o, n = res["old"], res["new"]
    verdict = {
        "a_correct": n["check_correct"]["mean"] >= o["check_correct"]["mean"] + 8,
        "a_wrong": n["check_wrong"]["mean"] <= o["check_wrong"]["mean"] + 3,
        "b_ops009": n["ops009"] >= n["threshold"],
        "c_semeval": all(round(100 * n["guards"][f"{c} train correct"]["share"], 1) <= 1.0
                         for c in ("sciEntsBank", "beetle")),
        "c_short": all(n["guards"][k]["share"] <= o["guards"][k]["share"] + 1e-9
                       for k in ("short dev (bank)", "short dev (no bank)")),
        "d_paraphrase": n["paraphrase_check"]["mean"] >= o["paraphrase_check"]["mean"],
    }
    verdict["ship"] = all(verdict.values())
    print("verdict", json.dumps(verdict), flush=True)
    return 0 if verdict["ship"] else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["check5"]:  # K2: check5 OLD_MODEL.json NEW_MODEL.json
        sys.exit(check5(sys.argv[2], sys.argv[3]))
    if sys.argv[1:2] == ["prep5"]:
        prep5()
        sys.exit(0)
    if sys.argv[1:2] == ["cv5"]:  # K2b: cv5 BASE VARIANT ... on k_prep5.pkl
        cv(sys.argv[3:], PREP5, sys.argv[2])
        sys.exit(0)
    if sys.argv[1:2] == ["crossed_check"]:
        crossed_check(sys.argv[2:])
        sys.exit(0)
    if sys.argv[1:2] == ["prep"]:
        prep()
    elif sys.argv[1:2] == ["prep3"]:
        prep3(sys.argv[2] if len(sys.argv) > 2 else None)
    elif sys.argv[1:2] == ["prep4"]:
        prep4()
    elif sys.argv[1:2] == ["cv4"]:  # K: cv4 BASE VARIANT ... on k_prep.pkl
        cv(sys.argv[3:], PREP4, sys.argv[2])
    elif sys.argv[1:2] == ["cv3"]:  # S3: cv3 BASE VARIANT ... on s3_prep.pkl
        cv(sys.argv[3:], PREP3, sys.argv[2])
    elif sys.argv[1:2] == ["logloss"]:
        logloss_only(sys.argv[2:])
    else:
        cv(sys.argv[2:] if sys.argv[1:2] == ["cv"] else list(VARIANTS))
