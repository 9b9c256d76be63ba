"""Data plumbing shared by ``scripts/train_interview_scorer.py`` and ``scripts/bench_interview.py``.

Loads the public short-answer-grading sets of ``../shared/data/benchmarks/asag`` (Mohler
2011; SemEval-2013 Task 7 SciEntsBank and Beetle), the team's ``data/interview_eval``
sets, and analyses every answer once with the scorer (USE embeddings cached by text,
analyses cached on disk under ``var/bench_cache/`` keyed by the file's content and the
scorer code's hash) so that training and the benchmark re-use them.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.interview.scoring import Analysis, Scorer  # noqa: E402
from scripts.benchlib import SHARED_DATA  # noqa: E402

ASAG = SHARED_DATA / "benchmarks" / "asag"
EVAL_DIR = ROOT / "data" / "interview_eval"
RU_FILE = EVAL_DIR / "ru_semeval.jsonl"
CACHE_DIR = ROOT / "var" / "bench_cache"


class CachingEmbedder:
    """Wraps an embedder and memoises vectors by text (references and questions repeat)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "embedder")
        self.dim = getattr(inner, "dim", 512)
        self._memo: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if todo:
            for t, v in zip(todo, self.inner.embed(todo), strict=True):
                self._memo[t] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[t] for t in texts])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def semeval(corpus: str) -> list[dict]:
    """Rows of ``asag_semeval_<corpus>.jsonl`` (corpus "sciEntsBank" or "beetle")."""
    return read_jsonl(ASAG / f"asag_semeval_{corpus}.jsonl")


def mohler() -> list[dict]:
    return read_jsonl(ASAG / "asag_mohler.jsonl")


def ru_selection(seed: int = 13) -> list[dict]:
    """The SemEval *train* answers chosen for the Russian set: 8 SciEntsBank and 7 Beetle
    questions (seeded draw among questions with all three labels) and one more SciEntsBank
    question (a second draw, to pass 150 answers), up to 10 answers each
    stratified by label (4 correct, 3 contradictory, 3 incorrect where available)."""
    rng = random.Random(seed)
    out = []
    chosen: set[str] = set()
    for corpus, n_q, extra in (("sciEntsBank", 8, False), ("beetle", 7, False), ("sciEntsBank", 1, True)):
        if extra:
            rng = random.Random(seed + 1)
        by_q: dict[str, list[dict]] = defaultdict(list)
        for r in semeval(corpus):
            if r["split"] == "train" and 3 <= len(r["answer"].split()) <= 30:
                by_q[r["qid"]].append(r)
        ok = sorted(q for q, rs in by_q.items() if {x["label_3way"] for x in rs} >= {"correct", "contradictory", "incorrect"})
        ok = [q for q in ok if q not in chosen]
        for q in rng.sample(ok, n_q):
            chosen.add(q)
            rs = by_q[q]
            rng.shuffle(rs)
            pick = []
            for lab, k in (("correct", 4), ("contradictory", 3), ("incorrect", 3)):
                pick += [r for r in rs if r["label_3way"] == lab][:k]
            out += pick[:10]
    return out


def ru_qids() -> set[str]:
    """Questions of the Russian set (held out of training so RU vs EN compares unseen items)."""
    if RU_FILE.exists():
        return {r["qid"] for r in read_jsonl(RU_FILE)}
    return {r["qid"] for r in ru_selection()}


ANALYSIS_VERSION = 6
"""Bump when ``Scorer.analyse`` or the guards change (the disk cache is keyed by it). 3: the distractors' question
and reference texts are passed (S2's question-aware off-topic guard). 4: analyses carry the answer's and the
reference's vectors (S1, the learned model's dense block). 5: analyses carry
``sim_subject`` (S2b's "unrelated to the whole subject" guard; v4 caches read as never unrelated). 6: G's
``guard_answer`` (a "skip"/"pass" inside an answer is no refusal; Latin notation in a Russian answer is no
English), which sets ``Analysis.flag``; no field changed. Not bumped for K2's ``Analysis.kp_given``: a v6 cache
reads it as False (the field's default), which is right for every analysis :func:`analyse_rows` makes (it passes no
key points, so they are derived from the reference)."""


def analyse_rows(rows: list[dict], scorer: Scorer, tag: str, group_key: str = "qid",
                 ref_key: str = "reference", lang_key: str = "lang",
                 alt_key: str | None = "references") -> list[Analysis]:
    """Analyses of ``rows`` (cached on disk), with the other questions' references of the
    same ``tag`` group as off-topic distractors.

    Args:
        rows: dicts with question, reference, answer, a question id and a language.
        scorer: the scorer (its embedder should be a :class:`CachingEmbedder`).
        tag: cache name (e.g. "sciEntsBank-train").
        group_key: the question-id field.
        ref_key: the reference field ("reference", or "reference_ru"...).
        lang_key: the language field.
        alt_key: the field of the question's alternative references (SemEval Beetle's
            ``references``), passed as ``alt_references``; None to ignore them.
    """
    digest = hashlib.sha256(json.dumps([[r[group_key], r[ref_key], r["answer"], r.get(lang_key, "en"),
                                         r.get(alt_key) if alt_key else None] for r in rows],
                                       ensure_ascii=False).encode()).hexdigest()[:12]
    path = CACHE_DIR / f"interview_{tag}_{digest}_v{ANALYSIS_VERSION}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    refs: dict[str, str] = {}
    texts: dict[str, tuple[str, str]] = {}
    for r in rows:
        refs.setdefault(r[group_key], r[ref_key])
        texts.setdefault(r[group_key], (r["question"], r[ref_key]))
    qids = list(refs)
    ref_vecs = scorer.embedder.embed([refs[q] for q in qids])
    out = []
    for n, r in enumerate(rows):
        mask = np.array([q != r[group_key] for q in qids])
        alts = r.get(alt_key) if alt_key else None
        a = scorer.analyse(r["question"], r[ref_key], r["answer"], r.get(lang_key, "en"),
                           distractors=ref_vecs[mask], distractor_ids=[q for q, m in zip(qids, mask, strict=True) if m],
                           alt_references=alts if isinstance(alts, list) and len(alts) > 1 else None,
                           distractor_texts=[texts[q] for q, m in zip(qids, mask, strict=True) if m])
        out.append(a)
        if n % 500 == 0:
            print(f"  {tag}: {n}/{len(rows)}", file=sys.stderr, flush=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(out, fh)
    return out
