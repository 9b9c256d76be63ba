"""Off-topic guard exemptions that transfer (G, #9): choose ``guard_*`` of ``core/interview/calibration.json``.

The S2/S2b guard rules were chosen at the edge of a 1% bound on SemEval *train* (worst corpus, out-of-fold
judgements) and flagged 3x more correct answers on an unseen corpus. This script measures, on development data
only, exemptions that keep the off-topic tests (closer elsewhere, unrelated to the reference, far from the
subject; see :func:`core.interview.scoring.finalize`) from judging some answers at all
(:func:`core.interview.scoring.guard_exemption` and ``guard_max_score``):

* ``guard_min_stems`` m ∈ {0, 2, 3, 4}: an answer with fewer distinct content stems is too short to judge;
* ``guard_formula`` f ∈ {0, 1}: an answer holding a formula / complexity token;
* ``guard_lex_own`` L ∈ {off, 0.5, 0.34, 0.25}: an answer with ≥ L of its content stems in its own question
  + reference;
* ``guard_max_score`` S ∈ {off, 30, 20}: the tests fire only below the model score S.

False-flag groups (an off-topic flag on an answer that is on topic):

1. SemEval-2013 sciEntsBank **train**, correct answers, each judged by the grouped 5-fold model that did not see
   its question (``scripts/tune_offtopic_guard.py``'s out-of-fold judgements, fed through ``finalize`` itself);
2. the same for beetle train;
3. our bank answers through the app's path (bank scorer): ``keypoints_dev``, ``paraphrase_dev``, ``labelled``
   minus its off-topic rows (correct, partial and wrong-but-on-topic: none is about another question);
4. ``short_answers_dev.jsonl`` split ``dev`` (short correct answers, RU+EN), scored (a) through the bank path and
   (b) without the bank, against the file's other questions as distractors (the path of a pasted question set,
   as the public benchmarks are scored): each counts as its own group.

Detection (must stay):

* crossed train answers: 400 correct train answers per SemEval corpus, each scored against another question of
  its corpus (``crossed_analyses``' seeded draw), with every other question's reference *and text* as distractors
  (the app always knows its bank's texts), shipped model;
* ``unrelated_dev.jsonl`` split ``dev`` (everyday answers, RU+EN, bank path).

Report only (not used to choose): ``unrelated_dev`` check, ``short_answers_dev`` check, ``labelled.jsonl``'s
off-topic rows (a correct answer to another bank question), the bench's 16 short technical answers.

Rule (fixed 2026-12-02 before the comparison was run): among the 96 variants whose mean crossed-train detection is
≥ 95% of the current rule's (all four off) and whose ``unrelated_dev`` dev detection is ≥ 95% of the current
rule's, the one with the lowest *maximum* false-flag share over the five groups (1, 2, 3, 4a, 4b) wins; ties
(within 0.0005) go to the higher mean crossed detection, then to the fewer exemptions switched on. Transfer
check: the winner ships only if none of the five groups gets worse than under the current rule and the two
SemEval train corpora stay ≤ 1% each.

Round 1 (the rule above, run once on 2026-12-02 08:10, model c31e4e7): its winner (``guard_formula`` 1 alone) failed
its own transfer check and was not shipped: the current rule already flags 1.9% / 1.2% of sciEntsBank / beetle train
correct answers (the subject test adds about a point to S2's 0.9%), so "≤ 1% each" could not hold, and the 36-answer
short group (one answer = 2.8%) decided the minimax by itself.

Round 2 (fixed 2026-12-02 08:20, after round 1 and before running it; same grid, same detection floors):

a. eligible: round 1's detection floors, and none of the three own groups (bank answers, short dev through the bank
   and without it) worse than under the current rule;
b. winner: the lowest max of the two SemEval train corpora's false-flag shares; ties (within 0.0005) go to the higher
   mean crossed detection, then to the fewer exemptions switched on;
c. transfer check: for each train corpus, the eligible variant best on that corpus alone (same ties) must lower the
   *other* corpus's false flags below the current rule's; the winner ships only if both do;
d. ``guard_min_stems`` (the task's "too short to judge"): the largest m of {2, 3, 4} that, set on top of the winner,
   lowers mean crossed detection by at most 1 point and leaves ``unrelated_dev`` dev detection and every false-flag
   group no worse; else the winner's own value.

Usage: ``nice -n 5 .venv/bin/python -m scripts.tune_guard_transfer [--write]`` (prints JSON; ``--write`` stores
the winner's four values and a ``g_guards`` provenance note in ``core/interview/calibration.json``). Analyses are
cached under ``var/bench_cache/`` like the training script's.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.embeddings import USEEmbedder  # noqa: E402
from core.interview.bank import default_bank  # noqa: E402
from core.interview.features import stem_set  # noqa: E402
from core.interview.model import load_model  # noqa: E402
from core.interview.scoring import CALIBRATION_FILE, FORMULA_TOKEN, Calibration, Scorer, finalize  # noqa: E402
from scripts.interview_data import (  # noqa: E402
    ANALYSIS_VERSION,
    CACHE_DIR,
    EVAL_DIR,
    CachingEmbedder,
    read_jsonl,
    ru_qids,
    semeval,
)
from scripts.train_interview_scorer import fit_lr, oof, predict, training_set  # noqa: E402

MIN_STEMS = (0, 2, 3, 4)
FORMULA = (0, 1)
LEX_OWN = (2.0, 0.5, 0.34, 0.25)
"""2.0 = off (``lex_own`` is at most 1)."""
MAX_SCORE = (-1.0, 30.0, 20.0)
"""-1 = off."""
DETECTION_KEEP = 0.95
"""The rule's detection floor: a share of the current rule's detection."""
SHORT_FILE = EVAL_DIR / "short_answers_dev.jsonl"


def _model_commit() -> str:
    """The last commit of ``core/interview/scorer_model.json`` (the judgements' model), "" outside git."""
    import subprocess

    try:
        return subprocess.run(["git", "log", "-1", "--format=%h", "--", "core/interview/scorer_model.json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


class _FixedScore:
    """A stand-in for the learned model whose score is one given (out-of-fold) P(correct); everything else is
    the shipped model's, so :func:`finalize` applies the guards exactly as it does in the app."""

    def __init__(self, model, p_correct: float) -> None:
        self._m, self._p = model, p_correct
        self.names, self.threshold_2way = model.names, model.threshold_2way
        self.off_margin, self.unrelated_sim = model.off_margin, model.unrelated_sim

    def score(self, feats, answer_vec=None, reference_vec=None) -> tuple[float, str]:
        return 100.0 * self._p, "correct" if 100 * self._p >= self.threshold_2way else "incorrect"


def row_parts(a, res) -> tuple[bool, float, int, bool, float]:
    """(flagged off-topic by the current rule, model score before the cap, content stems, formula, lex_own)."""
    return (res.flag == "off_topic", float(res.features.get("score_uncapped", res.score)), len(stem_set(a.answer)),
            bool(FORMULA_TOKEN.search(a.answer)), float(a.lex_own))


def parts_array(rows: list[tuple]) -> dict[str, np.ndarray]:
    if not rows:
        return {k: np.zeros(0) for k in ("off", "score", "stems", "formula", "lex")}
    off, score, stems, formula, lex = (np.array(x) for x in zip(*rows, strict=True))
    return {"off": off.astype(bool), "score": score, "stems": stems, "formula": formula.astype(bool), "lex": lex}


def flags(p: dict[str, np.ndarray], m: float, f: float, lex: float, s: float) -> np.ndarray:
    """The variant's off-topic flags (the current flags minus the exempted answers), as ``finalize`` computes them."""
    exempt = np.zeros_like(p["off"])
    if m > 0:
        exempt |= p["stems"] < m
    if f > 0:
        exempt |= p["formula"]
    if lex <= 1.0:
        exempt |= p["lex"] >= lex
    if s >= 0:
        exempt |= p["score"] >= s
    return p["off"] & ~exempt


def crossed_with_texts(scorer: Scorer, n: int = 400, seed: int = 0) -> dict[str, list]:
    """``crossed_analyses``' draw (same seed, same pairs) analysed with the distractors' question texts too."""
    held = ru_qids()
    out = {}
    for corpus in ("sciEntsBank", "beetle"):
        rows = [r for r in semeval(corpus) if r["split"] == "train" and r["qid"] not in held]
        qinfo: dict[str, dict] = {}
        for r in rows:
            qinfo.setdefault(r["qid"], r)
        qids = sorted(qinfo)
        rng = random.Random(seed)
        pick = rng.sample([r for r in rows if r["label_2way"] == "correct"], n)
        pairs = [(r, rng.choice([q for q in qids if q != r["qid"]])) for r in pick]
        path = CACHE_DIR / f"interview_crossedtexts-{corpus}-train_{n}_{seed}_v{ANALYSIS_VERSION}.pkl"
        if path.exists():
            out[corpus] = pickle.loads(path.read_bytes())
            continue
        vecs = scorer.embedder.embed([qinfo[q]["reference"] for q in qids])
        an = []
        for r, q in pairs:
            keep = [x != q for x in qids]
            alts = qinfo[q].get("references")
            an.append(scorer.analyse(qinfo[q]["question"], qinfo[q]["reference"], r["answer"], "en",
                                     distractors=vecs[np.array(keep)], distractor_ids=[x for x in qids if x != q],
                                     alt_references=alts if isinstance(alts, list) and len(alts) > 1 else None,
                                     distractor_texts=[(qinfo[x]["question"], qinfo[x]["reference"])
                                                       for x, k in zip(qids, keep, strict=True) if k]))
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(an))
        out[corpus] = an
    return out


def bank_parts(scorer: Scorer, rows: list[dict], cal: Calibration, model) -> list[tuple]:
    """Parts of each (question_id, lang, answer) row scored through the bank path (guard-flagged rows skipped)."""
    bank = scorer.bank
    out = []
    for r in rows:
        q = bank.get(r["question_id"])
        a = scorer.analyse(q.text(r["lang"]), q.ref(r["lang"]), r["answer"], r["lang"], list(q.kps(r["lang"])), q.id)
        if not a.flag:
            out.append(row_parts(a, finalize(a, cal, model)))
    return out


def nobank_parts(scorer: Scorer, rows: list[dict], cal: Calibration, model) -> list[tuple]:
    """The rows scored without the bank: the file's other questions (reference + text) are the distractors."""
    bank = default_bank()
    qs = list(dict.fromkeys((r["question_id"], r["lang"]) for r in rows))
    texts = {k: (bank.get(k[0]).text(k[1]), bank.get(k[0]).ref(k[1])) for k in qs}
    vecs = {k: scorer.embedder.embed([texts[k][1]])[0] for k in qs}
    out = []
    for r in rows:
        k = (r["question_id"], r["lang"])
        others = [o for o in qs if o[1] == r["lang"] and o != k]
        a = scorer.analyse(texts[k][0], texts[k][1], r["answer"], r["lang"],
                           distractors=np.vstack([vecs[o] for o in others]), distractor_ids=[o[0] for o in others],
                           distractor_texts=[texts[o] for o in others])
        if not a.flag:
            out.append(row_parts(a, finalize(a, cal, model)))
    return out


def main() -> int:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    emb = CachingEmbedder(USEEmbedder())
    plain = Scorer(emb, None, None, model=None)
    saved = load_model()
    cal = Calibration.load()
    base_values = {k: getattr(cal, k) for k in ("guard_min_stems", "guard_formula", "guard_lex_own",
                                                "guard_max_score")}
    cal = dataclasses.replace(cal, guard_min_stems=0.0, guard_formula=0.0, guard_lex_own=2.0, guard_max_score=-1.0)
    print("calibration guard values before:", base_values, "model threshold", saved.threshold_2way, flush=True)

    # 1-2: SemEval train correct answers, out-of-fold judgements
    X, Y, groups, sem, gold2, analyses = training_set(plain)
    C, lab_w = float(saved.meta["C"]), float(saved.meta["labelled_weight"])
    Yw = Y.copy()
    Yw[~sem] *= lab_w
    P = oof(X, Yw, groups, lambda a, b: lambda x: predict(fit_lr(a, b, C), x))
    corpus = np.array([g.split(":")[0] for g in groups])
    good = gold2.astype(bool)
    parts: dict[str, dict[str, np.ndarray]] = {}
    for c in ("sciEntsBank", "beetle"):
        idx = np.flatnonzero(good & (corpus == c))
        parts[f"{c} train correct"] = parts_array([row_parts(analyses[i], finalize(analyses[i], cal,
                                                                                  _FixedScore(saved, P[i, 0])))
                                                   for i in idx])
    print("train parts done", flush=True)
    # 3-4: our own answers
    bscorer = Scorer(emb, default_bank(), None, model=None)
    own = [r for f in ("keypoints_dev.jsonl", "paraphrase_dev.jsonl") for r in read_jsonl(EVAL_DIR / f)]
    lab = read_jsonl(EVAL_DIR / "labelled.jsonl")
    own += [r for r in lab if r["kind"] != "offtopic"]
    parts["bank answers"] = parts_array(bank_parts(bscorer, own, cal, saved))
    short = read_jsonl(SHORT_FILE)
    short_dev = [r for r in short if r["split"] == "dev"]
    short_check = [r for r in short if r["split"] == "check"]
    parts["short dev (bank)"] = parts_array(bank_parts(bscorer, short_dev, cal, saved))
    parts["short dev (no bank)"] = parts_array(nobank_parts(plain, short_dev, cal, saved))
    false_groups = list(parts)
    # detection
    det: dict[str, dict[str, np.ndarray]] = {}
    for c, an in crossed_with_texts(plain).items():
        det[f"crossed {c}"] = parts_array([row_parts(a, finalize(a, cal, saved)) if not a.flag
                                           else (True, 0.0, 99, False, 0.0) for a in an])
    un = read_jsonl(EVAL_DIR / "unrelated_dev.jsonl")
    det["unrelated dev"] = parts_array(bank_parts(bscorer, [r for r in un if r["split"] == "dev"], cal, saved))
    # report only
    rep: dict[str, dict[str, np.ndarray]] = {
        "unrelated check (det)": parts_array(bank_parts(bscorer, [r for r in un if r["split"] == "check"], cal, saved)),
        "labelled off-topic rows (det)": parts_array(bank_parts(bscorer, [r for r in lab if r["kind"] == "offtopic"],
                                                                cal, saved)),
        "short check (bank, false)": parts_array(bank_parts(bscorer, short_check, cal, saved)),
        "short check (no bank, false)": parts_array(nobank_parts(plain, short_check, cal, saved)),
    }
    from scripts.bench_interview import SHORT_TECH

    rep["bench short technical (false)"] = parts_array([
        row_parts(a, finalize(a, cal, saved)) for a in
        (plain.analyse("What is the time complexity of binary search?", "O(log n)", x, "en") for x in SHORT_TECH)
        if not a.flag])
    print("n:", {k: len(v["off"]) for k, v in {**parts, **det, **rep}.items()}, flush=True)

    def measure(v):
        ff = {k: float(np.mean(flags(p, *v))) if len(p["off"]) else 0.0 for k, p in parts.items()}
        dd = {k: float(np.mean(flags(p, *v))) for k, p in det.items()}
        return ff, dd

    variants = list(itertools.product(MIN_STEMS, FORMULA, LEX_OWN, MAX_SCORE))
    base = (0, 0, 2.0, -1.0)
    ff0, dd0 = measure(base)
    cross0 = np.mean([dd0["crossed sciEntsBank"], dd0["crossed beetle"]])
    print("current rule:", json.dumps({"false": ff0, "detection": dd0}), flush=True)
    table = []
    for v in variants:
        ff, dd = measure(v)
        cross = float(np.mean([dd["crossed sciEntsBank"], dd["crossed beetle"]]))
        ok = cross >= DETECTION_KEEP * cross0 and dd["unrelated dev"] >= DETECTION_KEEP * dd0["unrelated dev"]
        n_on = int(v[0] > 0) + int(v[1] > 0) + int(v[2] <= 1) + int(v[3] >= 0)
        table.append({"variant": dict(zip(("guard_min_stems", "guard_formula", "guard_lex_own", "guard_max_score"),
                                          map(float, v), strict=True)),
                      "max_false": max(ff.values()), "false": ff, "detection": dd, "crossed_mean": cross,
                      "eligible": ok, "n_on": n_on})
    elig = [t for t in table if t["eligible"]]
    best_max = min(t["max_false"] for t in elig)
    tied = [t for t in elig if t["max_false"] <= best_max + 0.0005]
    win = sorted(tied, key=lambda t: (-t["crossed_mean"], t["n_on"]))[0]
    for t in sorted(elig, key=lambda t: (t["max_false"], -t["crossed_mean"], t["n_on"]))[:12]:
        print("eligible", json.dumps(t), flush=True)
    transfer_ok = (all(win["false"][k] <= ff0[k] + 1e-9 for k in false_groups)
                   and win["false"]["sciEntsBank train correct"] <= 0.01 and win["false"]["beetle train correct"] <= 0.01)
    record_r1 = {"winner": win, "transfer_check": transfer_ok}
    print("round 1:", json.dumps(record_r1), flush=True)
    # round 2
    own_groups = ("bank answers", "short dev (bank)", "short dev (no bank)")
    train_groups = ("sciEntsBank train correct", "beetle train correct")
    elig2 = [t for t in elig if all(t["false"][k] <= ff0[k] + 1e-9 for k in own_groups)]

    def best_on(keys):
        val = [max(t["false"][k] for k in keys) for t in elig2]
        lo = min(val)
        tied2 = [t for t, x in zip(elig2, val, strict=True) if x <= lo + 0.0005]
        return sorted(tied2, key=lambda t: (-t["crossed_mean"], t["n_on"]))[0]

    win = best_on(train_groups)
    single = {c: best_on((c,)) for c in train_groups}
    transfer = {c: {"variant": t["variant"], "other": (o := next(k for k in train_groups if k != c)),
                    "other_false": t["false"][o], "other_current": ff0[o], "holds": t["false"][o] < ff0[o]}
                for c, t in single.items()}
    transfer_ok = all(x["holds"] for x in transfer.values())
    print("round 2 winner before min_stems:", json.dumps(win), "transfer:", json.dumps(transfer), flush=True)
    by_v = {tuple(t["variant"].values()): t for t in table}
    for m in (4, 3, 2):
        if m <= win["variant"]["guard_min_stems"]:
            break
        cand = by_v[(m, *tuple(win["variant"].values())[1:])]
        if (cand["crossed_mean"] >= win["crossed_mean"] - 0.01
                and cand["detection"]["unrelated dev"] >= win["detection"]["unrelated dev"] - 1e-9
                and all(cand["false"][k] <= win["false"][k] + 1e-9 for k in false_groups)):
            print(f"min_stems {m} on top:", json.dumps(cand), flush=True)
            win = cand
            break
    wv = tuple(win["variant"].values())
    report = {k: {"current": round(float(np.mean(flags(p, *base))), 4) if len(p["off"]) else None,
                  "winner": round(float(np.mean(flags(p, *wv))), 4) if len(p["off"]) else None, "n": len(p["off"])}
              for k, p in rep.items()}
    record = {"rule": "round 2 (see the docstring)", "round1": record_r1, "transfer": transfer,
              "current": {"false": ff0, "detection": dd0}, "winner": win, "transfer_check": transfer_ok,
              "report_only": report, "n": {k: len(v["off"]) for k, v in {**parts, **det}.items()},
              "model_threshold": saved.threshold_2way,
              "model_commit": _model_commit()}
    print("chosen", json.dumps(record, ensure_ascii=False), flush=True)
    # the vectorised flags agree with finalize's own (the winner applied through core, every group)
    chk = dataclasses.replace(cal, **win["variant"])
    agree = []
    for k in ("short dev (bank)", "bank answers"):
        rows = own if k == "bank answers" else short_dev
        got = parts_array(bank_parts(bscorer, rows, chk, saved))["off"]
        agree.append(bool(np.array_equal(got, flags(parts[k], *wv))))
    print("core agrees with the vectorised rule:", agree, flush=True)
    if "--write" in sys.argv:
        if not transfer_ok:
            print("transfer check failed: calibration.json not written")
            return 1
        raw = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
        raw["params"].update(win["variant"])
        f, d = win["false"], win["detection"]
        raw["g_guards"] = (
            "guard_min_stems, guard_formula, guard_lex_own, guard_max_score: scripts/tune_guard_transfer.py round 2 "
            "(rule fixed before the run: detection of crossed train answers and unrelated_dev dev >= 95% of the rule "
            "without exemptions, own groups no worse, then the lowest max false-flag share of the two SemEval train "
            "corpora (out-of-fold judgements); transfer: the variant best on either corpus alone lowers the other's; "
            "then the largest min_stems costing <= 1 point of crossed detection), model file "
            f"{_model_commit()}, "
            f"threshold {saved.threshold_2way}. False flags (current -> chosen): "
            + ", ".join(f"{k} {ff0[k]:.1%} -> {f[k]:.1%} (n={len(parts[k]['off'])})" for k in false_groups)
            + "; detection: " + ", ".join(f"{k} {dd0[k]:.1%} -> {d[k]:.1%} (n={len(det[k]['off'])})" for k in det))
        CALIBRATION_FILE.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print("written", CALIBRATION_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
