"""Reader answer latency on development data only (issue #8, L): where per-question time goes,
ingest seconds per page, and a record of every answer so a speed-up can be proved to change none.

Pool: the one of scripts/crosslingual_dev.py, ``load_set("qasper_dev") + load_set("inhouse")`` of
scripts/qasper_eval.py (QASPER dev questions with their Russian versions, next-paper and on-topic
unanswerable rows, the extra pool data/eval/qasper_dev_extra.jsonl, the in-house set
data/eval/reader_questions.jsonl). Nothing from a test split is read. ``--qasper-dev-only`` keeps the
qasper_dev papers only (the profiling runs).

As in scripts/bench_reader.py, every paper is ingested into a fresh index folder first (timed: s per
page), then the questions are asked in the set's order (English first, then Russian, so the first
Russian question on a paper is the first cross-lingual one), each timed as
:func:`scripts.qasper_eval.ask_margo` times it (``find_evidence`` + ``answer_extractive`` + the calibrated
abstention).

Usage::

    nice .venv/bin/python -m scripts.reader_latency_dev --out run.json [--profile prof.txt] [--qasper-dev-only]
    .venv/bin/python -m scripts.reader_latency_dev --compare before.json after.json

``--out``: per item the answer's pages, quoted sentences, answer text, support pages, abstention,
confidence and the top retrieved passages, plus latencies (wall and process CPU: the machine is
shared, so CPU time is the steadier comparison), ingest times and the time to reopen each paper.
Compare runs with the same ``PYTHONHASHSEED``: set iteration order breaks ties in the Russian
questions' pseudo-relevance feedback terms, so two unseeded runs of the same code differed on 8 of
444 qasper_dev items (2026-12-02). ``--profile``: a cProfile
per question; writes the functions by cumulative time over all EN / all RU questions and over the
slowest 5% (the p95 tail) of each. ``--compare``: which items differ between two runs (answers must be
identical for a pure speed-up) and the latency percentiles side by side.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from scripts.qasper_eval import load_set


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000.0, q)) if xs else float("nan")


def _ask(doc, item, embedder) -> dict:
    """One question as :func:`scripts.qasper_eval.ask_margo` asks it, with everything an answer shows."""
    from core.reader.abstain import should_abstain
    from core.reader.qa import DEFAULT_PARAMS, answer_extractive, find_evidence

    t, c = time.perf_counter(), time.process_time()
    ev = find_evidence(doc, item.question, embedder, params=DEFAULT_PARAMS)
    ans = answer_extractive(doc, ev, threshold=-10.0)
    abstained = bool(should_abstain(doc, ev, None))
    dt, dc = time.perf_counter() - t, time.process_time() - c
    return {"id": item.id, "paper": item.paper.name, "lang": item.lang, "cross": item.cross,
            "pages": [c.page for c in ans.citations], "quotes": [c.quote for c in ans.citations],
            "text": ans.text, "support": [c.page for c in ans.support], "abstained": abstained,
            "confidence": round(float(ev.confidence), 6),
            "top": [int(h.node.metadata.get("order", -1)) for h in ev.hits], "seconds": dt, "cpu_seconds": dc}


def _profile_report(profiles: dict, seconds: dict) -> str:
    """Functions by cumulative time: all questions of each language and the slowest 5% of them."""
    out = io.StringIO()
    for lang in ("en", "ru"):
        ids = [i for i in seconds if i[1] == lang]
        if not ids:
            continue
        ids.sort(key=lambda i: seconds[i], reverse=True)
        tail = ids[:max(1, round(0.05 * len(ids)))]
        for label, group in (("all", ids), ("slowest 5%", tail)):
            total = sum(seconds[i] for i in group)
            out.write(f"\n===== {lang.upper()} {label}: n={len(group)}, {total:.2f} s in all (profiled), "
                      f"ids {[i[0] for i in group][:12]}\n")
            stats = pstats.Stats(profiles[group[0]], stream=out)
            for i in group[1:]:
                stats.add(profiles[i])
            stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def run(args) -> dict:
    from core.embeddings import get_embedder
    from core.reader.documents import open_document

    embedder = get_embedder()
    items = load_set("qasper_dev") + ([] if args.qasper_dev_only else load_set("inhouse"))
    index_dir = Path(tempfile.mkdtemp())
    docs, ingest = {}, {}
    for p in sorted({it.paper for it in items}):
        data = p.read_bytes()
        t, c = time.perf_counter(), time.process_time()
        docs[p] = open_document(data, embedder, index_dir)
        ingest[p.name] = {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c,
                          "pages": docs[p].n_pages}
        t = time.perf_counter()
        reopened = open_document(data, embedder, index_dir)  # timed only; questions go to the first
        ingest[p.name]["reopen_seconds"] = time.perf_counter() - t
        assert reopened.loaded_from_disk
    rows, profiles, seconds = [], {}, {}
    for it in items:
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        row = _ask(docs[it.paper], it, embedder)
        if args.profile:
            prof.disable()
            profiles[(it.id, it.lang)] = prof
            seconds[(it.id, it.lang)] = row["seconds"]
        rows.append(row)
    if args.profile:
        Path(args.profile).write_text(_profile_report(profiles, seconds), encoding="utf-8")
    result = {"ingest": ingest, "rows": rows}
    print(_summary(result) + (" (profiled)" if args.profile else ""))
    return result


def _summary(run_: dict) -> str:
    """Ingest s/page (wall and CPU), reopen s/paper, latency p50/p95/max per question language."""
    ing = run_["ingest"].values()
    pages = sum(v["pages"] for v in ing)
    reopen = [v.get("reopen_seconds", float("nan")) for v in ing]
    head = (f"ingest {sum(v['seconds'] for v in ing) / pages:.3f} s/page wall, "
            f"{sum(v.get('cpu_seconds', float('nan')) for v in ing) / pages:.3f} CPU ({pages} pages, "
            f"{len(reopen)} papers); reopen p50 {_pct(reopen, 50):.0f} ms max {_pct(reopen, 100):.0f} ms")
    parts = [head]
    for lang in ("en", "ru"):
        rows = [r for r in run_["rows"] if r["lang"] == lang]
        s, c = [r["seconds"] for r in rows], [r.get("cpu_seconds", float("nan")) for r in rows]
        parts.append(f"{lang} p50 {_pct(s, 50):.0f} p95 {_pct(s, 95):.0f} max {_pct(s, 100):.0f} ms wall, "
                     f"CPU p50 {_pct(c, 50):.0f} p95 {_pct(c, 95):.0f} (n={len(s)})")
    return " | ".join(parts)


def compare(a_path: str, b_path: str) -> int:
    """Print the items whose answers differ between two runs; 1 when any does."""
    a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (a_path, b_path))
    keys = ("pages", "quotes", "text", "support", "abstained", "confidence", "top")
    diff = 0
    by_id = {(r["id"], r["paper"]): r for r in b["rows"]}
    for r in a["rows"]:
        o = by_id.get((r["id"], r["paper"]))
        bad = [k for k in keys if o is None or r[k] != o[k]]
        if bad:
            diff += 1
            print(f"differs {r['id']} ({r['paper']}): {bad}")
    print(f"{len(a['rows'])} items, {diff} differ")
    for name, run_ in (("A", a), ("B", b)):
        print(f"{name}: {_summary(run_)}")
    return 1 if diff else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="", help="write the per-item answers and timings as JSON here")
    ap.add_argument("--profile", default="", help="write the cProfile report here")
    ap.add_argument("--qasper-dev-only", action="store_true", help="the qasper_dev papers only")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two --out files")
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    result = run(args)
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
