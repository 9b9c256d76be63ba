"""Benchmark of the interview scorer; writes section "interview" of docs/BENCHMARKS.md.

Measures, in one run, three methods side by side on the same analysed answers:
plain cosine (USE answer vs reference), the previous scorer (linear blend of
``calibration.json``, no learned model) and the learned scorer (``scorer_model.json``,
trained by ``scripts/train_interview_scorer.py`` on SemEval *train* only):

1. Mohler et al. 2011 (2273 answers, reporting only): Pearson, Spearman, RMSE on 0-5.
2. SemEval-2013 Task 7 SciEntsBank / Beetle test-unseen-{answers,questions,domains}:
   2-way and 3-way accuracy and macro-F1; every threshold fitted on the corpus's train
   split and applied unchanged.
3. Guards: false-flag rate of each guard on answers humans graded 4-5 (Mohler) or
   "correct" (SemEval tests); detection of off-topic (a correct answer scored against
   another question), wrong language and gibberish.
4. Contradictions: SemEval "contradictory" class recall; swapped-facts pairs of
   ``data/interview_eval/labelled.jsonl``; mean scores on the 20 short correct RU/EN
   paraphrases of ``data/interview_eval/paraphrase_check.jsonl``.
5. Russian vs English on the same items (``data/interview_eval/ru_semeval.jsonl``, 154
   translated SemEval train answers to 16 questions held out of training).
6. Latency per answer (p50/p95) with the bank's embeddings cached.

Nothing here tunes anything: the test sets are only read for reporting.

Usage: ``.venv/bin/python -m scripts.bench_interview``
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.embeddings import USEEmbedder, get_embedder  # noqa: E402
from core.interview.bank import load_bank  # noqa: E402
from core.interview.model import load_model  # noqa: E402
from core.interview.scoring import Calibration, Scorer, finalize  # noqa: E402
from core.settings import get_settings  # noqa: E402
from scripts.benchlib import machine_line, percentile_ms, write_section  # noqa: E402
from scripts.interview_data import (  # noqa: E402
    EVAL_DIR,
    RU_FILE,
    CachingEmbedder,
    analyse_rows,
    mohler,
    read_jsonl,
    semeval,
)

SPLITS = ("test-unseen-answers", "test-unseen-questions", "test-unseen-domains")
METHODS = ("cosine", "previous scorer", "learned scorer")

FOREIGN = [  # answers in another language to English bank questions (our own text): must be "wrong language"
    ("de", "Überanpassung bedeutet, dass das Modell die Trainingsdaten auswendig lernt und auf neuen Daten schlecht ist."),
    ("de", "Die Regularisierung fügt der Verlustfunktion eine Strafe für große Gewichte hinzu."),
    ("de", "Ein Entscheidungsbaum teilt die Daten rekursiv nach dem besten Merkmal auf."),
    ("de", "Die Präzision ist der Anteil der richtig positiven unter allen positiven Vorhersagen."),
    ("fr", "Le surapprentissage, c'est quand le modèle mémorise le bruit des données d'entraînement."),
    ("fr", "La validation croisée divise les données en plusieurs blocs pour estimer l'erreur."),
    ("es", "El sobreajuste ocurre cuando el modelo memoriza los datos de entrenamiento y falla con datos nuevos."),
    ("es", "La regularización añade una penalización a los pesos grandes del modelo."),
    ("zh", "过拟合是指模型在训练数据上表现很好，但在新数据上表现很差。"),
    ("zh", "正则化在损失函数中加入对大权重的惩罚。"),
    ("ja", "過学習とは、モデルが訓練データのノイズまで覚えてしまうことです。"),
    ("ar", "الإفراط في التخصيص يعني أن النموذج يحفظ بيانات التدريب ولا يعمم."),
]
SHORT_TECH = ["O(n)", "O(n log n)", "infinite", "a[i] = *(a+i)", "LIFO", "FIFO", "log n", "n^2", "2^n - 1",
              "push, pop, push, pop", "the root", "recursion", "NULL", "&x", "x->next", "42"]


def macro_f1(gold, pred) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, average="macro"))


def fit_threshold(scores, gold) -> float:
    """Threshold maximising 2-way macro-F1 (on a train split)."""
    cand = np.unique(np.round(np.asarray(scores, dtype=float), 3))
    if len(cand) > 400:
        cand = np.quantile(cand, np.linspace(0, 1, 400))
    best, best_f = float(cand[0]), -1.0
    for c in cand:
        f = macro_f1(gold, (np.asarray(scores) >= c).astype(int))
        if f > best_f:
            best, best_f = float(c), f
    return best


def method_scores(analyses, cal: Calibration, model) -> dict[str, tuple[list[float], list[str], list[str]]]:
    """Per method: (scores, 3-way labels or "", flags) for each analysis."""
    out = {}
    cos = [a.sim_ref if not a.flag else -1.0 for a in analyses]
    out["cosine"] = (cos, [""] * len(analyses), [""] * len(analyses))
    prev = [finalize(a, cal, None) for a in analyses]
    out["previous scorer"] = ([float(r.score) for r in prev], [""] * len(prev), [r.flag for r in prev])
    new = [finalize(a, cal, model) for a in analyses]
    out["learned scorer"] = ([float(r.score) for r in new],
                             [r.features.get("label_3way", "incorrect") if not r.flag else "incorrect" for r in new],
                             [r.flag for r in new])
    return out


CANDIDATES_NOTE = (
    "Feature candidates (#9b; `scripts/train_interview_scorer.py --candidates`, 5-fold GroupKFold by question on "
    "the SemEval train rows and the labelled set only, the model's C = 0.01 and labelled weight 20): "
    "idf-weighted question-demoted stem recall, precision and F1 (after the idf-weighted alignment of Sultan, "
    "Salazar & Sumner 2016) and log reference length moved the SemEval OOF 2-way macro-F1 from 0.7035 by "
    "-0.0021 to +0.0018 (7859 rows) and the labelled OOF Spearman from 0.7554 by -0.0040 to +0.0002 "
    "(153 rows): within noise, so the model was not retrained and no test split was looked at to decide."
)
"""Result of the run of 2026-12-02 00:20 (printed by that command; re-run it to check)."""


def choices_note(model) -> str:
    """Which decisions were made on which data (#9, #9c), read from the model file's training record."""
    m = model.meta
    cv = m.get("boost_weight_cv") or {}
    rows = "; ".join(f"weight {w}: macro-F1 {v['semeval_oof_macro_f1']:.4f} (difference to the best, 95% CI "
                     f"{v['f1_minus_best_ci95'][0]:+.4f}..{v['f1_minus_best_ci95'][1]:+.4f}), labelled Spearman "
                     f"{v['labelled_oof_spearman']:.4f}, paraphrase mean {v['paraphrase_mean_score']:.1f}"
                     for w, v in cv.items() if "f1_minus_best_ci95" in v)
    held = m.get("guard_heldout_false_flags") or {}
    crossed = m.get("guard_crossed_train_detection") or {}
    para = m.get("paraphrase_check") or {}
    return (
        "**Decisions and the data they were made on** (all before this run scored any test split; nothing was "
        "retuned on Mohler or the SemEval test splits). (1) #9: Beetle's alternative reference answers are used "
        "(the closest to the answer is the reference; all stay out of the off-topic distractors), chosen on Beetle "
        "*train* (off-topic false flags on its correct answers 2.5% → 0.3%). (2) #9c, blend vs logistic regression "
        "alone, on 5-fold GroupKFold by question over the SemEval *train* rows (7862) and the labelled set (153), "
        "rule fixed before the run: a weight is tied with the best when the group-bootstrap (200 question "
        "resamples) 95% interval of the OOF 2-way macro-F1 difference contains 0; the simplest tied variant wins "
        "unless another beats it by ≥5 points on our 20 short correct RU/EN paraphrases "
        "(`data/interview_eval/paraphrase_check.jsonl`, tie-breaker only). "
        f"{rows or 'n/a'}. Chosen: weight {m.get('boost_weight', 'n/a')} (logistic regression alone; the "
        "tree model stays a measured alternative in the training script, not in `core/`). The shipped scorer's "
        f"mean on the paraphrases is {para.get('shipped_mean_score', 'n/a')} / 100 (n = {para.get('n', 'n/a')}; "
        f"threshold {model.threshold_2way:.0f}): short paraphrases are still scored low. (3) #9c, off-topic "
        "margin, per SemEval *train* corpus on held-out judgements (each answer judged by the grouped-CV model "
        "that did not see its question), rule: the worst corpus flags ≤1% of its correct answers, `off_margin` "
        "first, then `unrelated_sim` with both rules on: "
        f"off_margin {model.off_margin}, unrelated_sim {model.unrelated_sim} "
        + ("(the 'unrelated' rule is off: rule (a) left no room under 1%)" if model.unrelated_sim < 0 else "")
        + "; held-out false flags on correct answers: "
        + ", ".join(f"{k} {v['flagged']:.2%} of {v['correct']}" for k, v in held.items())
        + " (labelled reported, not in the rule). Real off-topic answers of the train splits (correct answers "
        "scored against another question of the same corpus, 400 per corpus, seeded): flagged off-topic "
        + ", ".join(f"{k} {v['flagged_off_topic']:.1%} (scored below the 2-way threshold {v['below_threshold']:.1%})"
                    for k, v in crossed.items())
        + ". (4) Not adopted (#9, #9b, grouped CV on train): character 3-gram overlap (SemEval OOF macro-F1 "
        "0.7050 → 0.7016) and idf-weighted stem alignment (0.7018); MiniLM as a second similarity was not tried "
        "(50-85 ms per answer on this loaded machine would break the 150 ms budget). (5) S1, dense interactions, "
        "on train only (`scripts/interview_scorer_cv.py`: 5-fold GroupKFold by question, by SciEntsBank module "
        "as a stand-in for unseen domains, and a Mohler stand-in: Pearson with the 3-way label as 1/0.5/0; rule "
        "fixed before the runs): |u−v| and u∘v of the answer and reference USE vectors in the LR with extra "
        "regularisation on that block (shrinkage 0.1): stand-in Pearson 0.380 → 0.420 (95% CI of the difference "
        "+0.022..+0.058), by-question macro-F1 0.710 → 0.725, by-module 0.681 → 0.683 (CI −0.011..+0.016: no "
        "clear unseen-domain gain, as the test split then showed). The rule's first pick (shrinkage 0.15) failed "
        "an off-topic test and passed 5.2% of 402 other-topic bank references (2.5% before), so 0.1 ships "
        "(2.7%); that test gate was added after seeing it. Not adopted: a 32-dim PCA of the block (more fitted "
        "numbers, gain within noise), u∘v alone (by-module −0.006), balanced class weights, an expected-value "
        "readout, ridge on grades, relative-similarity features, a small MLP. (6) S2/S2b, guards on train only "
        "(`scripts/tune_offtopic_guard.py`, `scripts/tune_unrelated_guard.py`; rule: the worst SemEval train corpus "
        "flags ≤ 1% of its correct answers on held-out judgements, then the most detection): the 'closer to another "
        "question' rule is question-aware (another reference ahead by 0.25 and the answer closer to that question's "
        "text by > 0.15, or sharing more of its words), false flags sciEntsBank 0.91% / beetle 0.97%, detection "
        "86.0% / 49.3% (margin-only rule before: 0.96% / 0.41%, 78.5% / 41.0%); firing also on answers judged "
        "correct was not adopted (+0 detection within 1%). A new 'unrelated to the whole subject' test (best cosine "
        "with any bank or corpus question, reference or key point < 0.26): false flags sciEntsBank train 1.0% of "
        "2007, beetle 0% of 1665, our bank answers 0% of 358; detection on our everyday-topic answers "
        "(`data/interview_eval/unrelated_dev.jsonl`, check split) RU 91% / EN 91% (n = 11 each). Key-point coverage "
        "gained a semantic route (score ≥ 35, a clause close to the key point and closer to it than to the other key "
        "points, negation and opposite cues block it), chosen on `data/interview_eval/keypoints_dev.jsonl` dev split: "
        "check-split key-point F1 RU 0.38 → 0.76, EN 0.37 → 0.71 (195 / 194 key points; old rule P/R 0.70/0.26 RU); "
        "it still marks about a third of the key points of our wrong-but-on-topic answers as covered."
        " (7) S3: the semantic key-point route as ungated model features (share, max, min) and a retrain on the current scoring code were measured by S1's rule with the shipped model as the base and refused: the features moved by-module macro-F1 +0.006 (95% CI −0.001..+0.014) and the paraphrase mean 48.0 → 46.5; the retrain moved every measure by under 0.001 (S2b's cue change touched 3 of 8075 train rows). The model file is unchanged."
    )


def main() -> int:
    t_start = time.time()
    settings = get_settings()
    cal = Calibration.load()
    model = load_model()
    if model is None:
        print("no core/interview/scorer_model.json: run scripts/train_interview_scorer.py first", file=sys.stderr)
        return 1
    emb = CachingEmbedder(USEEmbedder())
    scorer = Scorer(emb, None, None, cal, model=None)
    md = ["## Interview coach (scoring)", "",
          f"_{machine_line()}; embedder `use-multilingual-v3`. Three methods on the same analysed answers: "
          "**cosine** (USE answer vs reference), the **previous scorer** (hand-built signals blended by "
          "`calibration.json`) and the **learned scorer** (multinomial logistic regression over "
          f"{len(model.names)} features" + (" plus a dense block of 1024 numbers, |u−v| and u∘v of the answer's and "
          "the reference's USE vectors (S1, #9)" if model.dense else "") + ", `core/interview/scorer_model.json`, trained by "
          "`scripts/train_interview_scorer.py` on the SemEval-2013 *train* splits, the team's 160 labelled "
          "answers and the 60 short RU/EN answers of `data/interview_eval/paraphrase_dev.jsonl` only). Latency was measured while other agents loaded the 2-core machine._", ""]

    # 1. Mohler ---------------------------------------------------------------------------
    mo = mohler()
    an_mo = analyse_rows(mo, scorer, "mohler")
    grades = np.array([r["grade"] for r in mo])
    ms = method_scores(an_mo, cal, model)
    md += ["### Mohler et al. 2011 (data structures, 2273 answers to 81 questions, grades 0-5; reporting only)", "",
           "| Method | Pearson r | Spearman ρ | RMSE (0-5) |", "|---|---|---|---|"]
    tg: dict[str, float] = {}
    for name in METHODS:
        s = np.asarray(ms[name][0])
        if name == "learned scorer":
            tg["mohler_r"] = float(pearsonr(s, grades).statistic)
        on5 = np.clip(s, 0, 1) * 5 if name == "cosine" else s / 20.0
        rmse = float(np.sqrt(np.mean((on5 - grades) ** 2)))
        md.append(f"| {name} | {pearsonr(s, grades).statistic:.3f} | {spearmanr(s, grades).statistic:.3f} | {rmse:.3f} |")
    md += ["| Sultan et al. 2016 (published, feature-based) | 0.592 | | 0.887 |",
           "| two human graders (me vs other, this file) | 0.597 | | |", "",
           "RMSE puts each score on the 0-5 scale without fitting (score/20; cosine·5): a fitted mapping would "
           "need Mohler itself. Target Pearson ≥ 0.60.", ""]

    # 2. SemEval ----------------------------------------------------------------------------
    md += ["### SemEval-2013 Task 7 (2-way and 3-way; thresholds fitted on the corpus's train split, applied unchanged)",
           "", "| Corpus | Split | n | Method | 2-way acc | 2-way macro-F1 | 3-way acc | 3-way macro-F1 |",
           "|---|---|---|---|---|---|---|---|"]
    contra_rows = []
    correct_test_flags: dict[str, list[str]] = defaultdict(list)
    train_flags: dict[str, list[str]] = {}
    for corpus in ("sciEntsBank", "beetle"):
        rows = semeval(corpus)
        train = [r for r in rows if r["split"] == "train"]
        ms_tr = method_scores(analyse_rows(train, scorer, f"{corpus}-train"), cal, model)
        gold_tr = np.array([r["label_2way"] == "correct" for r in train], dtype=int)
        thr = {name: fit_threshold(ms_tr[name][0], gold_tr) for name in METHODS}
        train_flags[f"SemEval {corpus} *train*, correct (in-sample judgements; margins fitted out-of-fold)"] = [
            f for f, g in zip(ms_tr["learned scorer"][2], gold_tr, strict=True) if g]
        for split in SPLITS:
            rs = [r for r in rows if r["split"] == split]
            if not rs:
                continue
            an = analyse_rows(rs, scorer, f"{corpus}-{split}")
            msx = method_scores(an, cal, model)
            g2 = np.array([r["label_2way"] == "correct" for r in rs], dtype=int)
            g3 = [r["label_3way"] for r in rs]
            for name in METHODS:
                s = np.asarray(msx[name][0])
                p2 = (s >= thr[name]).astype(int)
                if name == "learned scorer":
                    p3 = ["correct" if p else (lab if lab != "correct" else "incorrect")
                          for p, lab in zip(p2, msx[name][1], strict=True)]
                else:
                    p3 = ["correct" if p else "incorrect" for p in p2]
                acc3 = float(np.mean([a == b for a, b in zip(p3, g3, strict=True)]))
                if name == "learned scorer" and corpus == "sciEntsBank" and split == "test-unseen-domains":
                    tg["ud_f1"] = macro_f1(g2, p2)
                md.append(f"| {corpus} | {split.replace('test-', '')} | {len(rs)} | {name} | {np.mean(p2 == g2):.3f} | "
                          f"{macro_f1(g2, p2):.3f} | {acc3:.3f} | {macro_f1(g3, p3):.3f} |")
                if name == "learned scorer":
                    is_c = np.array([x == "contradictory" for x in g3])
                    contra_rows.append((corpus, split, int(is_c.sum()),
                                        float(np.mean([p == "contradictory" for p, c in zip(p3, is_c, strict=True) if c])),
                                        float(np.mean([p == "contradictory" for p, x in zip(p3, g3, strict=True) if x == "correct"])),
                                        float(np.mean(s[is_c])), float(np.mean(s[g2 == 1]))))
            for r, f in zip(rs, msx["learned scorer"][2], strict=True):
                if r["label_2way"] == "correct":
                    correct_test_flags[f"SemEval {corpus} test, correct"].append(f)
    md += ["", "Published: the issue's reference point is 3-way weighted F1 0.72 for a fine-tuned RoBERTa-large (MNLI) "
           "on SciEntsBank unseen questions (a different averaging: weighted, not macro). Cosine and the previous scorer "
           "have no contradictory class: their 3-way label is correct/incorrect only. Target: SciEntsBank "
           "unseen-domains 2-way macro-F1 ≥ 0.75.", ""]

    # 3. Guards -------------------------------------------------------------------------------
    flags_mo = ms["learned scorer"][2]
    good_mo = [f for f, r in zip(flags_mo, mo, strict=True) if r["grade"] >= 4]
    prev_good_mo = [f for f, r in zip(ms["previous scorer"][2], mo, strict=True) if r["grade"] >= 4]
    sets = {"Mohler, graded 4-5": good_mo, **correct_test_flags}
    tg_sets = set(sets)
    sets.update(train_flags)  # for the record: the guards' own training data (not in the target)
    md += ["### Guards: false flags on answers humans graded 4-5 / correct (target ≤ 3% per guard)", "",
           "| Set | n | off-topic | gibberish | wrong language | empty / I don't know | any flag |",
           "|---|---|---|---|---|---|---|"]
    for name, fl in sets.items():
        n = len(fl)
        rate = {k: sum(f == k for f in fl) / max(n, 1) for k in ("off_topic", "gibberish", "wrong_language")}
        idk = sum(f in ("empty", "idk") for f in fl) / max(n, 1)
        if name in tg_sets:
            tg["guard_max"] = max(tg.get("guard_max", 0.0), *rate.values(), idk)
        md.append(f"| {name} | {n} | {rate['off_topic']:.1%} | {rate['gibberish']:.1%} | {rate['wrong_language']:.1%} | "
                  f"{idk:.1%} | {sum(bool(f) for f in fl) / max(n, 1):.1%} |")
    md.append(f"| Mohler 4-5, previous scorer (for comparison) | {len(prev_good_mo)} | "
              f"{sum(f == 'off_topic' for f in prev_good_mo) / len(prev_good_mo):.1%} | "
              f"{sum(f == 'gibberish' for f in prev_good_mo) / len(prev_good_mo):.1%} | "
              f"{sum(f == 'wrong_language' for f in prev_good_mo) / len(prev_good_mo):.1%} | "
              f"{sum(f in ('empty', 'idk') for f in prev_good_mo) / len(prev_good_mo):.1%} | "
              f"{sum(bool(f) for f in prev_good_mo) / len(prev_good_mo):.1%} |")
    # Off-topic detection: Mohler answers graded 5 scored against another question of the same set.
    rng = random.Random(3)
    by_q = defaultdict(list)
    for r in mo:
        by_q[r["qid"]].append(r)
    qids = sorted(by_q)
    swapped_rows = []
    for q in qids:
        fives = [r for r in by_q[q] if r["grade"] >= 5][:3]
        for r in fives:
            other = by_q[rng.choice([x for x in qids if x != q])][0]
            swapped_rows.append({"qid": other["qid"], "question": other["question"], "reference": other["reference"],
                                 "answer": r["answer"], "lang": "en"})
    an_sw = analyse_rows(swapped_rows, scorer, "mohler-crossed")
    # distractors in analyse_rows are the other questions' references of this batch, which include the
    # answer's own question: the realistic case of a bank that holds the question the answer belongs to.
    fl_sw = [finalize(a, cal, model).flag for a in an_sw]
    sc_sw = [finalize(a, cal, model).score for a in an_sw]
    tech = [scorer.analyse("What is the time complexity of binary search?", "O(log n)", x, "en") for x in SHORT_TECH]
    tech_flags = [finalize(a, cal, model).flag for a in tech]
    bank = load_bank()
    qs = [q for q in bank.questions if "en" in q.langs][:len(FOREIGN)]
    bscorer = Scorer(get_embedder(settings.embed_model, settings.threads, settings.allow_model_download), bank,
                     settings.data_dir / "interview" / "cache", cal, model)
    foreign = [bscorer.score_question(q, text, "en").flag for q, (_, text) in zip(qs, FOREIGN, strict=False)]
    md += ["", "| Detection check | n | flagged as intended |", "|---|---|---|",
           f"| Mohler answer graded 5 scored against another question → off-topic | {len(fl_sw)} | "
           f"{np.mean([f == 'off_topic' for f in fl_sw]):.1%} (mean score {np.mean(sc_sw):.0f}) |",
           f"| German, French, Spanish, Chinese, Japanese, Arabic answers to English questions → wrong language | "
           f"{len(foreign)} | {np.mean([f == 'wrong_language' for f in foreign]):.1%} |",
           f"| short technical answers ({', '.join(f'`{x}`' for x in SHORT_TECH[:6])}, ...) → not flagged | "
           f"{len(tech_flags)} | {np.mean([not f for f in tech_flags]):.1%} |", ""]

    # 4. Contradictions -------------------------------------------------------------------------
    md += ["### Contradictions", "", "| Corpus | Split | contradictory answers | labelled contradictory (recall) | "
           "correct answers labelled contradictory | mean score, contradictory | mean score, correct |",
           "|---|---|---|---|---|---|---|"]
    for corpus, split, n, rec, false_c, s_c, s_ok in contra_rows:
        md.append(f"| {corpus} | {split.replace('test-', '')} | {n} | {rec:.1%} | {false_c:.1%} | {s_c:.1f} | {s_ok:.1f} |")
    lab = read_jsonl(EVAL_DIR / "labelled.jsonl")
    lab_rows = [{"qid": it["question_id"], "question": bank.get(it["question_id"]).text(it["lang"]),
                 "reference": bank.get(it["question_id"]).ref(it["lang"]), "answer": it["answer"], "lang": it["lang"]}
                for it in lab]
    an_lab = analyse_rows(lab_rows, scorer, "labelled")
    by_key = defaultdict(dict)
    for i, it in enumerate(lab):
        by_key[(it["question_id"], it["lang"])][it["kind"]] = i
    pairs = [(d["excellent"], d["swapped"]) for d in by_key.values() if "swapped" in d and "excellent" in d]
    md += ["", f"Swapped facts (the team's labelled set, {len(pairs)} pairs of an excellent answer and the same facts "
           "with two terms swapped; this set is in the learned model's training data, so its column is in-sample):", "",
           "| Method | mean score, excellent | mean score, swapped | swapped ≤ 60% of excellent |", "|---|---|---|---|"]
    ms_lab = method_scores(an_lab, cal, model)
    for name in METHODS:
        s = np.asarray(ms_lab[name][0]) * (100 if name == "cosine" else 1)
        ex = np.array([s[e] for e, _ in pairs])
        sw = np.array([s[w] for _, w in pairs])
        md.append(f"| {name} | {ex.mean():.1f} | {sw.mean():.1f} | {np.mean(sw <= 0.6 * ex):.0%} |")
    md.append("")
    para = read_jsonl(EVAL_DIR / "paraphrase_check.jsonl")
    para_rows = [{"qid": it["question_id"], "question": bank.get(it["question_id"]).text(it["lang"]),
                  "reference": bank.get(it["question_id"]).ref(it["lang"]), "answer": it["answer"], "lang": it["lang"]}
                 for it in para]
    ms_para = method_scores(analyse_rows(para_rows, scorer, "paraphrase"), cal, model)
    md += [f"Short correct paraphrases ({len(para)} answers of our own, {len(para) // 2} RU + {len(para) // 2} EN, the "
           "same content, worded away from the reference; the training script's tie-breaker, not trained on):", "",
           "| Method | mean score RU | mean score EN | share ≥ the learned 2-way threshold |", "|---|---|---|---|"]
    for name in METHODS:
        s = np.asarray(ms_para[name][0]) * (100 if name == "cosine" else 1)
        by = {lang: s[[i for i, it in enumerate(para) if it["lang"] == lang]].mean() for lang in ("ru", "en")}
        share = f"{np.mean(s >= model.threshold_2way):.0%}" if name == "learned scorer" else "n/a"
        md.append(f"| {name} | {by['ru']:.1f} | {by['en']:.1f} | {share} |")
    md += ["", "Cosine is shown ×100 (not a 0-100 grade). Why short paraphrases scored low (#9d): the "
           "labelled set's correct answers are near-copies of the reference (cosine 0.89, stem recall 0.73) "
           "while these have cosine 0.49 and stem recall 0.20, like the labelled wrong answers; the model had "
           "no bank-domain example of a correct answer in other words. `paraphrase_dev.jsonl` (15 other bank "
           "questions, one short correct and one wrong-but-on-topic answer each, RU+EN, about equally long) "
           "was added to the training rows; this set stays out of training. Key-point coverage (the "
           "feedback's covered/missed list) was not changed and still misses most paraphrased key points.", ""]

    # 5. RU vs EN ---------------------------------------------------------------------------------
    ru = read_jsonl(RU_FILE)
    src = {r["id"]: r for c in ("sciEntsBank", "beetle") for r in semeval(c)}
    en = [src[r["source_id"]] for r in ru]
    an_ru = analyse_rows(ru, scorer, "ru-semeval")
    an_en = analyse_rows(en, scorer, "ru-semeval-en", alt_key=None)  # one reference, as the Russian rows have
    md += [f"### Russian vs English on the same {len(ru)} answers (SemEval train answers to {len({r['qid'] for r in ru})} "
           "questions, translated by us, questions held out of training)", "",
           "| Method | Lang | 2-way acc | 2-way macro-F1 | AUC | Pearson with gold | mean score correct / contradictory / incorrect |",
           "|---|---|---|---|---|---|---|"]
    from sklearn.metrics import roc_auc_score

    gold = np.array([r["label_2way"] == "correct" for r in ru], dtype=int)
    labs = [r["label_3way"] for r in ru]
    diffs = {}
    for name in METHODS:
        per = {}
        for lang, an in (("EN", an_en), ("RU", an_ru)):
            s = np.asarray(method_scores(an, cal, model)[name][0])
            per[lang] = s
            thr = model.threshold_2way if name == "learned scorer" else fit_threshold(s, gold)
            p = (s >= thr).astype(int)
            means = " / ".join(f"{np.mean([x for x, lb in zip(s, labs, strict=True) if lb == k]):.2f}"
                               for k in ("correct", "contradictory", "incorrect"))
            if name == "learned scorer":
                tg[f"auc_{lang}"], tg[f"f1_{lang}"] = float(roc_auc_score(gold, s)), macro_f1(gold, p)
            md.append(f"| {name} | {lang} | {np.mean(p == gold):.3f} | {macro_f1(gold, p):.3f} | "
                      f"{roc_auc_score(gold, s):.3f} | {pearsonr(s, gold).statistic:.3f} | {means} |")
        diffs[name] = float(np.mean(np.abs(per["RU"] - per["EN"])))
    md += ["", "The learned scorer uses its train-fitted threshold; cosine and the previous scorer get a threshold fitted "
           "on these very items (an upper bound for them). Mean |RU − EN| score per item: "
           + ", ".join(f"{k} {v:.2f}" for k, v in diffs.items()) + " (cosine in cosine units, scorers on 0-100). "
           "Target: RU within 0.05 of EN.", ""]
    lab_new = [finalize(a, cal, model).score for a in an_lab]
    md += ["Team's labelled set (160 answers, parallel RU/EN; in the learned model's training data, so in-sample):", "",
           "| Lang | n | Spearman cosine | Spearman previous scorer | Spearman learned scorer |", "|---|---|---|---|---|"]
    for lang in ("ru", "en"):
        idx = [i for i, it in enumerate(lab) if it["lang"] == lang]
        g = [lab[i]["grade"] for i in idx]
        md.append(f"| {lang.upper()} | {len(idx)} | {spearmanr([an_lab[i].sim_ref for i in idx], g).statistic:.3f} | "
                  f"{spearmanr([ms_lab['previous scorer'][0][i] for i in idx], g).statistic:.3f} | "
                  f"{spearmanr([lab_new[i] for i in idx], g).statistic:.3f} |")
    md.append("")

    # 6. Latency -------------------------------------------------------------------------------------
    # Wall time and this thread's CPU time per answer (CPU time is what the scorer costs; wall time
    # adds the wait for a core on the shared machine). Side by side in the same process: the scorer
    # without its vector memo (every text embedded on every call, the pre-#9b embedding path) and
    # plain cosine (one embedder call for the answer, reference vector cached), the baseline.
    plain = Scorer(bscorer.embedder, bank, settings.data_dir / "interview" / "cache", cal, model, memo_texts=0)
    ref_memo: dict[str, np.ndarray] = {}

    def cosine_only(question: str, reference: str, answer: str, lang: str) -> float:
        if reference not in ref_memo:
            ref_memo[reference] = bscorer.embedder.embed([reference])[0]
        return float(bscorer.embedder.embed([answer])[0] @ ref_memo[reference])

    jobs = [(bank.get(it["question_id"]), it["answer"], it["lang"]) for it in lab]
    jobs += [(r, r["answer"], "en") for r in mo[:200]]
    load_before = os.getloadavg()[0]
    timing: dict[str, tuple[list[float], list[float]]] = {}
    for name in ("learned scorer", "learned scorer, no vector memo", "cosine"):
        wall, cpu = [], []
        for q, answer, lang in jobs:
            t0, c0 = time.perf_counter(), time.thread_time()
            if isinstance(q, dict):
                args = (q["question"], q["reference"], answer, lang)
            else:
                args = (q.text(lang), q.ref(lang), answer, lang)
            if name == "cosine":
                cosine_only(*args)
            elif isinstance(q, dict):
                (bscorer if name == "learned scorer" else plain).score(*args)
            else:
                (bscorer if name == "learned scorer" else plain).score_question(q, answer, lang)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        timing[name] = (wall, cpu)
    load_after = os.getloadavg()[0]
    lat = timing["learned scorer"][0]
    md += ["### Latency per answer (bank embeddings cached, 1 thread, machine shared with other agents)", "",
           f"{len(jobs)} answers (160 labelled bank answers + 200 Mohler answers whose question, reference and "
           "key points are not in the bank), each method over the same answers in this process, one after "
           f"the other. 1-minute load average of the 2-core machine {load_before:.1f} before, {load_after:.1f} "
           "after: wall time includes waiting for a core; CPU time is this thread's own work.", "",
           "| Method | wall p50 | wall p95 | CPU p50 | CPU p95 | CPU mean |", "|---|---|---|---|---|---|"]
    for name, (wall, cpu) in timing.items():
        md.append(f"| {name} | {percentile_ms(wall, 50):.0f} ms | {percentile_ms(wall, 95):.0f} ms | "
                  f"{percentile_ms(cpu, 50):.0f} ms | {percentile_ms(cpu, 95):.0f} ms | {1000 * np.mean(cpu):.1f} ms |")
    md += ["", "#9b removed waste found with cProfile on `Scorer.score_question`: the bank's SHA-256 digest was "
           "recomputed on every answer (3 ms), the reference, question, key points and question-demoted "
           "reference were re-embedded for every answer to a question not in the bank (now one LRU memo of "
           "4096 texts), the answer's units were embedded even when equal to the answer, and stems and "
           "antonym sides of the question-side texts were recomputed. Scores are unchanged (720 analyses "
           "compared before/after: 0 differing scores, flags or key points, largest cosine difference "
           "1.8e-7; `tests/test_interview_memo.py` checks 1e-6). Pre-#9b code in a separate process on "
           "the same 360 answers: CPU mean 26-32 ms vs 13-14 ms after (load average ~36 at the time).",
           f"Target p95 ≤ 150 ms (wall). Whole benchmark run: {time.time() - t_start:.0f} s with cached analyses.", ""]
    md += [CANDIDATES_NOTE, "", choices_note(model), ""]
    p95 = percentile_ms(lat, 95)

    def ok(flag: bool) -> str:
        return "met" if flag else "**missed**"

    summary = ["### Targets (learned scorer)", "", "| Target | Measured | |", "|---|---|---|",
               f"| Mohler Pearson ≥ 0.60 | {tg['mohler_r']:.3f} | {ok(tg['mohler_r'] >= 0.60)} |",
               f"| SciEntsBank unseen-domains 2-way macro-F1 ≥ 0.75 | {tg['ud_f1']:.3f} | {ok(tg['ud_f1'] >= 0.75)} |",
               f"| no guard flags > 3% of answers graded 4-5 / correct | worst {tg['guard_max']:.1%} | "
               f"{ok(tg['guard_max'] <= 0.03)} |",
               f"| Russian within 0.05 of English (AUC; 2-way macro-F1) | {tg['auc_RU']:.3f} vs {tg['auc_EN']:.3f}; "
               f"{tg['f1_RU']:.3f} vs {tg['f1_EN']:.3f} | "
               f"{ok(abs(tg['auc_RU'] - tg['auc_EN']) <= 0.05 and abs(tg['f1_RU'] - tg['f1_EN']) <= 0.05)} |",
               f"| p95 ≤ 150 ms per answer | {p95:.0f} ms | {ok(p95 <= 150)} |", ""]
    md[2:2] = summary
    text = "\n".join(md)
    write_section("interview", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
