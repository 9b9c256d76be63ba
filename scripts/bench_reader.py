"""Reader benchmark: ingest and reopen time, answer latency, right-page rate (EN, RU,
RU->EN), abstention calibration, summary ROUGE against the abstract, app start-up and
memory. Writes the "reader" section of docs/BENCHMARKS.md.

Run: ``.venv/bin/python -m scripts.bench_reader`` (about 2 minutes; offline defaults).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np

from scripts.benchlib import (
    ROOT,
    SHARED_DATA,
    machine_line,
    peak_rss_mb,
    percentile_ms,
    write_section,
)

QUESTIONS = ROOT / "data" / "eval" / "reader_questions.jsonl"
PAPERS = SHARED_DATA / "papers"
LONG_PAPER = "attention_is_all_you_need_1706.03762.pdf"  # 15 pages


def _ingest_fresh_process() -> tuple[float, float, float]:
    """Ingest the 15-page paper in a new process (model load included), then reopen it."""
    code = f"""
import time, tempfile, json
t0 = time.perf_counter()
from pathlib import Path
from core.embeddings import get_embedder
from core.reader.documents import open_document
d = Path(tempfile.mkdtemp())
data = Path({str(PAPERS / LONG_PAPER)!r}).read_bytes()
e = get_embedder()
t1 = time.perf_counter()
open_document(data, e, d)
t2 = time.perf_counter()
doc = open_document(data, e, d)
t3 = time.perf_counter()
assert doc.loaded_from_disk
print(json.dumps([t2 - t0, t3 - t2, t1 - t0]))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def _app_first_render() -> tuple[float, float, float]:
    """Seconds from `streamlit run` to a healthy server, to the first full script run (AppTest),
    and the peak memory (MB) of an app process that then opens a paper, summarises it and
    answers a question (the app runs inside the AppTest process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MARGO_DATA_DIR": tempfile.mkdtemp()}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    health = float("nan")
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        health = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    code = f"""
import json, resource, time
from pathlib import Path
t = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
assert not at.exception
first = time.perf_counter() - t
data = Path({str(PAPERS / LONG_PAPER)!r}).read_bytes()
at.file_uploader(key="reader_upload").upload("paper.pdf", data, "application/pdf").run()
at.button(key="reader_summarise").click().run()
at.chat_input(key="reader_question").set_value("Какой оптимизатор использовали?").run()
assert not at.exception
print(json.dumps([first, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0]))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    first, app_peak_mb = json.loads(out.stdout.strip().splitlines()[-1])
    return health, first, app_peak_mb


def _calibrate(rows: list[dict]) -> dict:
    """Pick the abstention thresholds: most abstention on unanswerable questions with at
    most 10% false abstention on answerable ones, separately for same-language and
    cross-lingual questions. Returns thresholds and 2-fold (by paper) out-of-sample rates."""
    grid = np.round(np.arange(0.15, 0.8, 0.01), 2)

    def pick(sub):
        ans = np.array([r["evidence"] for r in sub if r["answerable"]])
        non = np.array([r["evidence"] for r in sub if not r["answerable"]])
        best = (grid[0], -1.0)
        for t in grid:
            false_abs = float(np.mean(ans < t)) if len(ans) else 0.0
            if false_abs <= 0.10:
                rate = float(np.mean(non < t)) if len(non) else 0.0
                if rate > best[1] or (rate == best[1] and t < best[0]):
                    best = (float(t), rate)
        return best[0]

    out = {}
    for group in ("same", "cross"):
        sub = [r for r in rows if r["group"] == group]
        out[group] = pick(sub)
    papers = sorted({r["paper"] for r in rows})
    folds = [papers[::2], papers[1::2]]
    oos = defaultdict(list)
    for test in folds:
        train = [r for r in rows if r["paper"] not in test]
        for group in ("same", "cross"):
            t = pick([r for r in train if r["group"] == group])
            for r in rows:
                if r["paper"] in test and r["group"] == group:
                    oos["abstain_none" if not r["answerable"] else "false_abstain"].append(r["evidence"] < t)
    out["oos_abstain"] = float(np.mean(oos["abstain_none"]))
    out["oos_false"] = float(np.mean(oos["false_abstain"]))
    return out


def _rouge(docs: dict) -> list[tuple[str, int, float, float, float, float]]:
    from rouge_score import rouge_scorer

    from core.reader.pdf import find_abstract, parse_pdf
    from core.reader.summarize import body_sentence_indices, summarize_extractive

    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    rows = []
    for name, doc in docs.items():
        abstract = find_abstract(parse_pdf(doc.pdf_bytes).pages)
        if not abstract:
            continue
        n = max(3, round(len(abstract.split()) / 25))
        summary = summarize_extractive(doc, n_sentences=n, abstract=abstract)
        body = [doc.sentences[i].text for i in body_sentence_indices(doc, abstract)
                if len(doc.sentences[i].text.split()) >= 8][:n]
        s = scorer.score(abstract, " ".join(x.text for x in summary.sentences))
        b = scorer.score(abstract, " ".join(body))
        rows.append((name, n, s["rouge1"].fmeasure, s["rougeL"].fmeasure, b["rouge1"].fmeasure, b["rougeL"].fmeasure))
    return rows


def main() -> None:
    if not PAPERS.is_dir():
        sys.exit(f"benchmark needs the papers in {PAPERS}")
    from core.embeddings import get_embedder
    from core.reader.documents import open_document
    from core.reader.qa import answer_extractive, find_evidence
    from core.settings import Settings

    ingest_s, reopen_s, model_s = _ingest_fresh_process()
    embedder = get_embedder()
    index_dir = Path(tempfile.mkdtemp())
    questions = [json.loads(x) for x in QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]
    docs = {}
    for q in questions:
        if q["paper"] not in docs:
            docs[q["paper"]] = open_document((PAPERS / q["paper"]).read_bytes(), embedder, index_dir)

    rows, latencies = [], []
    for q in questions:
        doc = docs[q["paper"]]
        t = time.perf_counter()
        ev = find_evidence(doc, q["question"], embedder)
        ans = answer_extractive(doc, ev, threshold=-1.0)  # no abstention: measure retrieval
        latencies.append(time.perf_counter() - t)
        pages = [c.page for c in ans.citations]
        rows.append({
            "paper": q["paper"], "kind": q["kind"], "answerable": bool(q["pages"]), "evidence": ev.best,
            "group": "cross" if ev.cross_lingual else "same",
            "hit": bool(set(pages) & set(q["pages"])) if q["pages"] else None,
            "heldout": bool(q.get("heldout")),
        })
    cal = _calibrate(rows)
    cfg = Settings()
    thresholds = {"same": cfg.abstain_threshold, "cross": cfg.abstain_threshold_crosslingual}

    def rate(pred, sub):
        return float(np.mean([pred(r) for r in sub])) if sub else float("nan")

    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    abstains = lambda r: r["evidence"] < thresholds[r["group"]]  # noqa: E731

    kinds = [("EN question, EN paper", "en"), ("RU question, RU paper", "ru"),
             ("RU question, EN paper", "ru->en"), ("EN question, RU paper", "en->ru")]
    lines = [
        "## Reader",
        "",
        f"`scripts/bench_reader.py`, {machine_line()}. Question set: `data/eval/reader_questions.jsonl` "
        f"({len(answerable)} answerable, {len(unanswerable)} unanswerable, over the 4 text papers in "
        "`../shared/data/papers/`), written by us with the pages that answer each question.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| ingest of the 15-page paper, new process, model load included | {ingest_s:.2f} s (model load {model_s:.2f} s) | ≤ 10 s |",
        f"| reopening it (saved index, no re-embedding) | {reopen_s * 1000:.0f} ms | ≤ 1 s |",
        f"| answer latency p50 / p95 (offline, {len(rows)} questions) | {percentile_ms(latencies, 50):.0f} / {percentile_ms(latencies, 95):.0f} ms | p95 ≤ 1.5 s |",
    ]
    for label, kind in kinds:
        sub = [r for r in answerable if r["kind"] == kind and not r["heldout"]]
        lines.append(f"| right page among the citations: {label} (n={len(sub)}) | {rate(lambda r: r['hit'], sub):.0%} | ≥ 90% |")
        held = [r for r in answerable if r["kind"] == kind and r["heldout"]]
        if held:
            lines.append(f"| the same, held-out questions written after tuning (n={len(held)}) | {rate(lambda r: r['hit'], held):.0%} | ≥ 90% |")
    lines += [
        f"| abstention on unanswerable questions (thresholds {thresholds['same']:.2f} same-language / {thresholds['cross']:.2f} cross-lingual) | {rate(abstains, unanswerable):.0%} | ≥ 80% |",
        f"| false abstention on answerable questions (same thresholds) | {rate(abstains, answerable):.0%} | ≤ 10% |",
        f"| the same, 2-fold by paper (thresholds picked on the other papers) | {cal['oos_abstain']:.0%} abstain / {cal['oos_false']:.0%} false | |",
        f"| process peak memory (bench process: model, 4 papers, {len(rows)} questions) | {peak_rss_mb():.0f} MB | ≤ 1.5 GB |",
    ]
    health_s, apptest_s, app_peak_mb = _app_first_render()
    lines += [
        f"| app process peak memory (app + 15-page paper + summary + question, AppTest) | {app_peak_mb:.0f} MB | ≤ 1.5 GB |",
        f"| app start: `streamlit run` to a healthy server | {health_s:.1f} s | |",
        f"| first full run of the app script (AppTest, Reader page) | {apptest_s:.1f} s | |",
        "",
        f"Thresholds calibrated on the whole set: same-language {cal['same']:.2f}, cross-lingual {cal['cross']:.2f} "
        "(the rule: the most abstention on unanswerable questions with at most 10% false abstention). "
        "The defaults in `core/settings.py` come from this run; the 2-fold line shows how they hold on papers "
        "they were not picked on. The evidence weights in `core/reader/qa.py` and the glossary of `core/reader/glossary.py` were tuned on this same set, "
        "so the right-page rates are in-sample, except the held-out RU->EN line (questions written after tuning "
        "and never used for it); the set is small (tens of questions per kind).",
        "",
        "Summary quality: the extractive LexRank summary of the paper's body (abstract left out) against the "
        "paper's own abstract, beside the lead-N baseline (the body's first N sentences); N from the abstract's length.",
        "",
        "| paper | N | LexRank ROUGE-1 | LexRank ROUGE-L | lead-N ROUGE-1 | lead-N ROUGE-L |",
        "|---|---|---|---|---|---|",
    ]
    for name, n, r1, rl, b1, bl in _rouge(docs):
        lines.append(f"| {name} | {n} | {r1:.3f} | {rl:.3f} | {b1:.3f} | {bl:.3f} |")
    lines += ["", "Per-kind misses and evidence scores can be printed with `--verbose`."]
    if "--verbose" in sys.argv:
        for r, q in zip(rows, questions, strict=True):
            print(q["id"], q["kind"], round(r["evidence"], 3), r["hit"], q["question"])
    write_section("reader", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
