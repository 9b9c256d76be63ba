"""Train the interview scorer's model and write ``core/interview/scorer_model.json``.

Training data (and only this):

* the SemEval-2013 Task 7 **train** splits of SciEntsBank and Beetle
  (``../shared/data/benchmarks/asag``, rows with ``"split": "train"``), minus the questions
  translated into ``data/interview_eval/ru_semeval.jsonl`` (held out so that the Russian vs
  English comparison is on unseen questions);
* the team's ``data/interview_eval/labelled.jsonl`` (160 RU/EN answers to bank questions,
  grades 0-100 used as soft labels: weight g/100 on "correct", the rest on
  "contradictory" for the ``swapped`` answers and on "incorrect" otherwise).

Model: scikit-learn ``LogisticRegression`` (multinomial, L2) on standardised features of
:mod:`core.interview.features`. The regularisation C is chosen by 5-fold cross-validation
grouped by question (``GroupKFold``: no question in both folds) on log-loss; the 2-way
threshold maximises macro-F1 of the out-of-fold predictions on the SemEval train rows; the
off-topic margins are percentiles of the correct train answers (see ``fit_guards``).
Then (#9c) a monotone-constrained binary gradient-boosted tree model of P(correct)
(scikit-learn ``HistGradientBoostingClassifier``, :data:`BOOST_PARAMS`) is cross-validated
on the same folds and blended with the logistic regression by a weight from
:data:`BOOST_W_GRID`: the weight with the best SemEval OOF 2-way macro-F1, ties within
0.003 going to the higher labelled-set OOF Spearman (rule fixed before the run). The trees
are stored in the JSON file and evaluated with numpy (``core.interview.model.BoostedTrees``).
``--boost-only`` keeps the saved C and labelled weight and redoes only this step;
``--guard-report`` prints which correct training answers the guards still flag (writes nothing).
With ``--hgb`` a histogram gradient-boosting classifier is cross-validated beside it for the record.
With ``--candidates`` nothing is written: the candidate features of :data:`CANDIDATES` are
cross-validated beside the current ones (#9b).

Usage: ``.venv/bin/python -m scripts.train_interview_scorer [--hgb | --candidates | --boost-only | --guard-report]``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.embeddings import USEEmbedder  # noqa: E402
from core.interview.bank import load_bank  # noqa: E402
from core.interview.features import FEATURE_NAMES  # noqa: E402
from core.interview.model import CLASSES, MODEL_FILE, ScorerModel  # noqa: E402
from core.interview.scoring import Calibration, Scorer, finalize, learned_features  # noqa: E402
from scripts.interview_data import (  # noqa: E402
    EVAL_DIR,
    CachingEmbedder,
    analyse_rows,
    read_jsonl,
    ru_qids,
    semeval,
)

C_GRID = (0.01, 0.1, 1.0)
LAB_W_GRID = (1.0, 5.0, 20.0)
"""Weights of a labelled-set row relative to a SemEval row (the labelled set is the app's own
domain: long ML interview answers, 153 rows against 7859). Chosen by the OOF Spearman on the
labelled rows, as long as the SemEval OOF 2-way macro-F1 stays within 0.01 of weight 1."""


def features_matrix(analyses, cal: Calibration) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, d) features, mask of answers the guards let through)."""
    rows, ok = [], []
    for a in analyses:
        if a.flag:
            rows.append(np.zeros(len(FEATURE_NAMES)))
            ok.append(False)
            continue
        r = finalize(a, cal, None)
        f = learned_features(a, float(r.features["contradicted"]), r.structure / 100.0)
        rows.append(np.array([f[n] for n in FEATURE_NAMES]))
        ok.append(True)
    return np.vstack(rows), np.array(ok)


def training_set(scorer: Scorer):
    """X, soft targets Y (n, 3), groups, is_semeval flag, 2-way gold (SemEval rows), analyses."""
    held = ru_qids()
    X, Y, groups, sem, gold2, analyses = [], [], [], [], [], []
    cal = Calibration.load()
    for corpus in ("sciEntsBank", "beetle"):
        rows = [r for r in semeval(corpus) if r["split"] == "train"]
        an = analyse_rows(rows, scorer, f"{corpus}-train")
        keep = [i for i, r in enumerate(rows) if r["qid"] not in held]
        x, ok = features_matrix([an[i] for i in keep], cal)
        for j, i in enumerate(keep):
            if not ok[j]:
                continue
            r = rows[i]
            X.append(x[j])
            Y.append([float(r["label_3way"] == c) for c in CLASSES])
            groups.append(f"{corpus}:{r['qid']}")
            sem.append(True)
            gold2.append(int(r["label_2way"] == "correct"))
            analyses.append(an[i])
    bank = load_bank()
    lab = read_jsonl(EVAL_DIR / "labelled.jsonl")
    lab_rows = []
    for it in lab:
        q = bank.get(it["question_id"])
        lab_rows.append({"qid": it["question_id"], "question": q.text(it["lang"]), "reference": q.ref(it["lang"]),
                         "answer": it["answer"], "lang": it["lang"]})
    an = analyse_rows(lab_rows, scorer, "labelled")
    x, ok = features_matrix(an, cal)
    for j, it in enumerate(lab):
        if not ok[j]:
            continue
        g = it["grade"] / 100.0
        wrong = "contradictory" if it["kind"] == "swapped" else "incorrect"
        X.append(x[j])
        Y.append([g, (1 - g) * (wrong == "contradictory"), (1 - g) * (wrong == "incorrect")])
        groups.append(f"labelled:{it['question_id']}")
        sem.append(False)
        gold2.append(int(it["grade"] >= 50))
        analyses.append(an[j])
    return np.vstack(X), np.array(Y), np.array(groups), np.array(sem), np.array(gold2), analyses


def expand(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Soft targets as weighted hard rows (one per class with weight > 0)."""
    xs, ys, ws = [], [], []
    for c in range(Y.shape[1]):
        m = Y[:, c] > 0
        xs.append(X[m])
        ys.append(np.full(m.sum(), c))
        ws.append(Y[m, c])
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit_lr(X, Y, C: float):
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xe, ye, we = expand((X - mean) / scale, Y)
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(xe, ye, sample_weight=we)
    return ScorerModel(names=FEATURE_NAMES, mean=mean, scale=scale, coef=lr.coef_, intercept=lr.intercept_)


BOOST_PARAMS = {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 100,
                "l2_regularization": 1.0}
"""Tree-model settings, set once by hand for a small, smooth model (about 8000 rows, 28 features)
and not searched: 100 trees of at most 15 leaves, each leaf backed by at least 100 rows."""
MONOTONE_UP = ("sim_ref", "sim_demoted", "a2k_max", "a2k_mean", "k2a_mean", "k2a_min", "kp_match_mean",
               "lex_rec", "lex_rec_demoted")
"""Features whose rise can only raise P(correct): similarity with the reference and key-point coverage."""
MONOTONE_DOWN = ("contra_share", "antonym_conflict")
"""Features whose rise can only lower it: contradicted key points and opposites."""
BOOST_W_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Blend weights of the tree model's probabilities against the logistic regression's."""


def fit_boost(X, Y):
    """A binary monotone ``HistGradientBoostingClassifier`` of P(correct) on soft targets ``Y``
    (weight Y[:, 0] on correct, the rest on not correct), exported to :class:`BoostedTrees`."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from core.interview.model import BoostedTrees

    xe = np.vstack([X, X])
    ye = np.r_[np.ones(len(X)), np.zeros(len(X))]
    we = np.r_[Y[:, 0], Y[:, 1] + Y[:, 2]]
    m = we > 0
    cst = [1 if n in MONOTONE_UP else -1 if n in MONOTONE_DOWN else 0 for n in FEATURE_NAMES]
    clf = HistGradientBoostingClassifier(**BOOST_PARAMS, monotonic_cst=cst, early_stopping=False, random_state=0)
    clf.fit(xe[m], ye[m], sample_weight=we[m])
    return BoostedTrees.from_sklearn(clf)


def oof_blend_parts(X, Y, groups, C: float, folds: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold (LR probabilities, tree-model probabilities), each ``(n, 3)``, on the same folds."""
    from sklearn.model_selection import GroupKFold

    P_lr, P_b = np.zeros_like(Y), np.zeros_like(Y)
    for tr, te in GroupKFold(n_splits=folds).split(X, groups=groups):
        lr = fit_lr(X[tr], Y[tr], C)
        lr.boost, lr.boost_weight = fit_boost(X[tr], Y[tr]), 1.0
        P_b[te] = lr.proba(X[te])
        lr.boost_weight = 0.0
        P_lr[te] = lr.proba(X[te])
        print(f"  fold done ({len(te)} rows)", flush=True)
    return P_lr, P_b


def choose_boost_weight(P_lr, P_b, Y, sem, gold2) -> tuple[float, dict[str, dict[str, float]]]:
    """The blend weight by the rule of the module docstring, and every weight's OOF numbers."""
    from scipy.stats import spearmanr

    res = {}
    for w in BOOST_W_GRID:
        P = (1 - w) * P_lr + w * P_b
        res[w] = (best_threshold(P[sem, 0], gold2[sem])[1], float(spearmanr(P[~sem, 0], Y[~sem, 0]).statistic))
        print(f"boost weight {w}: SemEval OOF macro-F1 {res[w][0]:.4f}, labelled OOF Spearman {res[w][1]:.4f}",
              flush=True)
    top = max(v[0] for v in res.values())
    w = max((w for w in BOOST_W_GRID if res[w][0] >= top - 0.003), key=lambda w: res[w][1])
    return w, {str(k): {"semeval_oof_macro_f1": round(v[0], 4), "labelled_oof_spearman": round(v[1], 4)}
               for k, v in res.items()}


def oof(X, Y, groups, fit, folds: int = 5) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    P = np.zeros_like(Y)
    for tr, te in GroupKFold(n_splits=folds).split(X, groups=groups):
        P[te] = fit(X[tr], Y[tr])(X[te])
    return P


def best_threshold(p_correct: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(threshold on 100·P(correct), macro-F1) maximising 2-way macro-F1."""
    from sklearn.metrics import f1_score

    best = (50.0, -1.0)
    for t in np.arange(5, 96, 1.0):
        f = f1_score(gold, (100 * p_correct >= t).astype(int), average="macro")
        if f > best[1]:
            best = (float(t), float(f))
    return best


def fit_guards(analyses, gold2, model: ScorerModel, cal: Calibration, max_false: float = 0.01) -> tuple[float, float]:
    """Off-topic margins: the most sensitive ones whose full rule flags at most ``max_false`` (1%)
    of the correct training answers.

    The rule (see ``core.interview.scoring.finalize``) flags an answer that the model does not
    judge correct and (a) whose best other reference beats its own by ``off_margin`` with under
    half of the key points covered, or (b) whose cosine with both reference and question is
    below ``unrelated_sim`` with no key point covered. Each margin is scanned on a grid
    (0.03-0.60 and 0.05-0.40, steps 0.01) with the other switched off.
    """
    good = [a for a, g in zip(analyses, gold2, strict=True) if g and not a.flag]
    rows = []
    for a in good:
        r = finalize(a, cal, model)
        judged = r.score >= model.threshold_2way
        rows.append((a.sim_other - a.sim_ref, a.sim_ref, a.sim_question, judged, r.completeness / 100,
                     any(k.covered for k in r.key_points)))
    diff, s_ref, s_q, judged, comp, cov = (np.array(x) for x in zip(*rows, strict=True))
    off = next((m for m in np.arange(0.03, 0.601, 0.01)
                if np.mean((diff > m) & ~judged & (comp < 0.5)) <= max_false), 0.60)
    unrel = next((u for u in np.arange(0.40, 0.049, -0.01)
                  if np.mean((s_ref < u) & (s_q < u + 0.05) & ~judged & ~cov) <= max_false), 0.05)
    return float(round(off, 2)), float(round(unrel, 2))


CANDIDATES = ("idf_rec_demoted", "idf_prec_demoted", "idf_f1_demoted", "log_ref_words")
"""Candidate features tried by ``--candidates`` (#9b): idf-weighted content-stem recall,
precision and F1 of the question-demoted answer and reference (the idf-weighted word
alignment idea of Sultan, Salazar & Sumner 2016, with exact stem matches as the aligner),
and reference length (length normalisation)."""


def candidate_features(analyses) -> np.ndarray:
    """``(n, 4)`` values of :data:`CANDIDATES`; idf over the answers of ``analyses`` (training rows only)."""
    import math
    from collections import Counter

    from core.interview.features import stem_set

    df = Counter()
    for a in analyses:
        df.update(stem_set(a.answer))
    n = len(analyses)

    def idf(s: str) -> float:
        return math.log((n + 1) / (df.get(s, 0) + 1))

    rows = []
    for a in analyses:
        q = stem_set(a.question)
        ans, ref = stem_set(a.answer) - q, stem_set(a.reference) - q
        both = sum(idf(s) for s in ans & ref)
        w_r, w_a = sum(idf(s) for s in ref), sum(idf(s) for s in ans)
        rec, prec = (both / w_r if w_r else 0.0), (both / w_a if w_a else 0.0)
        rows.append([rec, prec, 2 * rec * prec / (rec + prec) if rec + prec else 0.0,
                     math.log1p(len(a.reference.split()))])
    return np.array(rows)


def try_candidates(X, Y, groups, sem, gold2, analyses, C: float, lab_w: float) -> None:
    """Grouped-CV (same folds, C and labelled weight as the model) with each candidate set added;
    prints SemEval OOF 2-way macro-F1 and labelled OOF Spearman. Writes nothing."""
    from scipy.stats import spearmanr

    E = candidate_features(analyses)
    Yw = Y.copy()
    Yw[~sem] *= lab_w
    sets = {"(current features)": []} | {f"+ {CANDIDATES[c]}": [c] for c in range(len(CANDIDATES))}
    sets["+ all idf"] = [0, 1, 2]
    sets["+ all four"] = [0, 1, 2, 3]
    for name, cols in sets.items():
        Xm = np.hstack([X, E[:, cols]]) if cols else X
        P = oof(Xm, Yw, groups, lambda a, b: fit_lr(a, b, C).proba)
        f1 = best_threshold(P[sem, 0], gold2[sem])[1]
        rho = float(spearmanr(P[~sem, 0], Y[~sem, 0]).statistic)
        print(f"{name}: SemEval OOF 2-way macro-F1 {f1:.4f}, labelled OOF Spearman {rho:.4f}", flush=True)


def main() -> int:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # BLAS threads oversubscribe a shared 2-core machine (stack facts)
    t0 = time.time()
    scorer = Scorer(CachingEmbedder(USEEmbedder()), None, None, model=None)
    X, Y, groups, sem, gold2, analyses = training_set(scorer)
    print(f"training rows {len(X)} ({sem.sum()} SemEval, {(~sem).sum()} labelled), {time.time() - t0:.0f}s", flush=True)
    if "--candidates" in sys.argv:  # #9b: feature candidates by grouped CV on train only; no model written
        from core.interview.model import load_model

        saved = load_model()
        meta = saved.meta if saved is not None else {}
        try_candidates(X, Y, groups, sem, gold2, analyses, float(meta.get("C", 0.01)),
                       float(meta.get("labelled_weight", 20.0)))
        return 0
    from core.interview.model import load_model

    saved = load_model()
    if "--guard-report" in sys.argv:  # #9c: which correct *train* answers the guards still flag; nothing written
        guard_report(analyses, gold2, groups, saved)
        return 0
    if "--boost-only" in sys.argv and saved is not None:  # #9c: keep C and the labelled weight, redo the trees
        meta = dict(saved.meta)
        C, lab_w, f1_h = float(meta["C"]), float(meta["labelled_weight"]), meta.get("hgb_oof_macro_f1")
        Y[~sem] *= lab_w
    else:
        C, lab_w, f1_h, meta = search_lr(X, Y, groups, sem, gold2)
    P_lr, P_b = oof_blend_parts(X, Y, groups, C)
    w, by_boost = choose_boost_weight(P_lr, P_b, Y, sem, gold2)
    P = (1 - w) * P_lr + w * P_b
    thr, f1 = best_threshold(P[sem, 0], gold2[sem])
    print(f"boost weight {w}: threshold {thr}, SemEval OOF macro-F1 {f1:.4f}", flush=True)
    model = fit_lr(X, Y, C)
    if w > 0:
        model.boost, model.boost_weight = fit_boost(X, Y), w
    model.threshold_2way = thr
    model.off_margin, model.unrelated_sim = 1.0, -1.0  # guards off while fitting them
    model.off_margin, model.unrelated_sim = fit_guards(analyses, gold2, model, Calibration.load())
    print(f"guards: off_margin {model.off_margin}, unrelated_sim {model.unrelated_sim}", flush=True)
    meta.update({
        "script": "scripts/train_interview_scorer.py",
        "data": "SemEval-2013 Task 7 train splits (SciEntsBank, Beetle; Beetle's alternative references: the "
                "closest one is the reference) minus the questions of data/interview_eval/ru_semeval.jsonl; "
                "data/interview_eval/labelled.jsonl (soft labels)",
        "rows": int(len(X)), "semeval_rows": int(sem.sum()), "labelled_rows": int((~sem).sum()),
        "model": "sklearn LogisticRegression (multinomial, L2), standardised features"
                 + (f", blended (weight {w}) with a monotone HistGradientBoostingClassifier of P(correct) "
                    f"{BOOST_PARAMS}" if w > 0 else ""),
        "C": C, "labelled_weight": lab_w,
        "boost_weight": w, "boost_weight_cv": by_boost,
        "threshold_2way": f"maximises OOF 2-way macro-F1 on the SemEval train rows ({f1:.3f})",
        "hgb_oof_macro_f1": f1_h, "oof_macro_f1": round(f1, 4),
        "guards": "off_margin and unrelated_sim: the smallest margins whose full off-topic rule flags at most 1% "
                  "of the correct training answers (fit_guards)",
    })
    model.meta = meta
    MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in model.to_json().items() if k not in ("mean", "scale", "boost")}, indent=1))
    return 0


def guard_report(analyses, gold2, groups, model: ScorerModel | None, show: int = 15) -> None:
    """Print, per training corpus, the share of correct train answers each guard flags under the
    saved model, and the first ``show`` flagged ones (answer, question, reference, cosines)."""
    from collections import Counter

    cal = Calibration.load()
    for corpus in sorted({g.split(":")[0] for g in groups}):
        idx = [i for i, g in enumerate(groups) if g.startswith(corpus + ":") and gold2[i]]
        res = [(analyses[i], finalize(analyses[i], cal, model)) for i in idx]
        counts = Counter(r.flag for _, r in res if r.flag)
        print(f"{corpus}: {len(idx)} correct train answers; flagged "
              + (", ".join(f"{k} {v / len(idx):.1%}" for k, v in counts.items()) or "none"))
        for a, r in [x for x in res if x[1].flag][:show]:
            print(f"  [{r.flag}] ref {a.sim_ref:.2f} other {a.sim_other:.2f} q {a.sim_question:.2f} | "
                  f"A: {a.answer[:80]} | Q: {a.question[:60]} | R: {a.reference[:60]}")


def search_lr(X, Y, groups, sem, gold2) -> tuple[float, float, float | None, dict]:
    """C by OOF log-loss, then the labelled-set weight (see :data:`LAB_W_GRID`); scales ``Y``'s
    labelled rows by that weight in place. Returns (C, labelled weight, HGB OOF macro-F1 or None,
    the cross-validation record for the model file)."""
    from scipy.stats import spearmanr
    from sklearn.metrics import log_loss

    cv, oofs = {}, {}
    for C in C_GRID:
        P = oofs[C] = oof(X, Y, groups, lambda a, b, C=C: fit_lr(a, b, C).proba)
        cv[C] = float(log_loss(Y.argmax(axis=1), np.clip(P, 1e-6, 1), labels=[0, 1, 2]))
        thr, f1 = best_threshold(P[sem, 0], gold2[sem])
        print(f"C={C}: OOF log-loss {cv[C]:.4f}, 2-way macro-F1 {f1:.3f} at {thr}", flush=True)
    C = min(cv, key=cv.get)
    lab_grades = Y[~sem, 0]
    by_w = {}
    for w in LAB_W_GRID:
        Yw = Y.copy()
        Yw[~sem] *= w
        Pw = oofs[C] if w == 1.0 else oof(X, Yw, groups, lambda a, b: fit_lr(a, b, C).proba)
        f1_w = best_threshold(Pw[sem, 0], gold2[sem])[1]
        rho_w = float(spearmanr(Pw[~sem, 0], lab_grades).statistic)
        by_w[w] = (f1_w, rho_w)
        print(f"labelled weight {w}: SemEval OOF macro-F1 {f1_w:.3f}, labelled OOF Spearman {rho_w:.3f}", flush=True)
    ok_w = [w for w in LAB_W_GRID if by_w[w][0] >= by_w[1.0][0] - 0.01]
    lab_w = max(ok_w, key=lambda w: by_w[w][1])
    Y[~sem] *= lab_w

    def fit_hgb(a, b):
        from sklearn.ensemble import HistGradientBoostingClassifier

        xe, ye, we = expand(a, b)
        m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
        m.fit(xe, ye, sample_weight=we)
        return m.predict_proba

    f1_h = None
    if "--hgb" in sys.argv:  # for the record; slow on a shared 2-core machine
        P_h = oof(X, Y, groups, fit_hgb)
        f1_h = round(best_threshold(P_h[sem, 0], gold2[sem])[1], 4)
        print(f"HGB (3-class, unconstrained): 2-way macro-F1 {f1_h}", flush=True)
    record = {"labelled_weight_cv": {str(w): {"semeval_oof_macro_f1": round(v[0], 4),
                                              "labelled_oof_spearman": round(v[1], 4)} for w, v in by_w.items()},
              "cv": "5-fold GroupKFold by question, OOF log-loss per C: "
                    + ", ".join(f"{k}: {v:.4f}" for k, v in cv.items())}
    return C, lab_w, f1_h, record


if __name__ == "__main__":
    sys.exit(main())
