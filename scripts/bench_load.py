"""Bounded load and fault runs on loopback (#11).

1. Core: 500 requests from 50 users through a thread pool of 50 (channel questions,
   progress writes and reads, each in the user's own workspace), against the same 500
   run one at a time (the baseline: one worker). Latency p50/p95, errors, peak RSS, and
   isolation checked on every response (every post and attempt a user gets back carries
   that user's own token).
2. Browser: N concurrent Playwright contexts (default 20) on one multi-user Streamlit
   server: each opens the app, checks that it sees no saved paper, uploads a paper and
   asks one question. Latency of each step, errors, the server's peak RSS.
3. Faults: a channel import, a paper ingest and a stream of progress writes, each
   killed with SIGKILL mid-way, then redone: ``PRAGMA integrity_check``, what was saved
   before is still there, the index loads, the interrupted work completes.

    .venv/bin/python scripts/bench_load.py [--contexts 20] [--skip-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchlib import SHARED_DATA, machine_line, peak_rss_mb, percentile_ms, write_section  # noqa: E402

TOPICS = ["gradient boosting", "learning rate", "overfitting", "attention heads", "dropout", "batch norm"]


def _export(path: Path, user: str, n: int = 40) -> Path:
    msgs = [{"id": i, "type": "message", "date": f"2024-03-{1 + i % 28:02d}T10:00:00",
             "text": f"{user} wrote post {i} about {TOPICS[i % len(TOPICS)]} and how it changes training."}
            for i in range(1, n + 1)]
    path.write_text(json.dumps({"name": f"chan-{user}", "type": "public_channel", "id": 1, "messages": msgs}),
                    encoding="utf-8")
    return path


# --------------------------------------------------------------------- core
def core_load(tmp: Path, n_users: int = 50, n_requests: int = 500) -> dict:
    from core.channels import ChannelLibrary, answer_question
    from core.embeddings import get_embedder
    from core.interview.progress import Attempt, ProgressStore
    from core.settings import Settings
    from core.workspace import Workspace

    emb = get_embedder()
    cfg = Settings(data_dir=tmp / "core", multi_user=True)
    users = [f"user{u:03d}" for u in range(n_users)]
    t0 = time.perf_counter()
    for u in users:
        ws = Workspace.for_user(cfg, f"anon-{u}-session")
        ChannelLibrary(ws.scoped(cfg), emb).import_export(_export(tmp / f"{u}.json", u), name=f"chan-{u}")
    setup_s = time.perf_counter() - t0

    def request(i: int) -> tuple[float, str | None]:
        u = users[i % n_users]
        ucfg = Workspace.for_user(cfg, f"anon-{u}-session").scoped(cfg)
        t = time.perf_counter()
        try:
            if i % 3 == 2:  # a progress write and read
                store = ProgressStore(ucfg.data_dir)
                store.record(Attempt("s", f"q{i}", "classic_ml", "junior", "en", "Q?", f"{u} answer {i}", 50,
                                     50, 50, 50))
                leaked = [a for a in store.attempts() if not a["answer"].startswith(u)]
                err = f"progress of another user: {leaked[0]['answer'][:20]}" if leaked else None
            else:  # a channel question
                ans, hits = answer_question(ChannelLibrary(ucfg, emb), f"What did they say about {TOPICS[i % 6]}?",
                                            k=5)
                leaked = [h for h in hits if not h.text.startswith(u)]
                err = f"post of another user: {leaked[0].text[:20]}" if leaked else None
                if not hits:
                    err = "no posts found"
            return time.perf_counter() - t, err
        except Exception as exc:  # noqa: BLE001 - counted as an error
            return time.perf_counter() - t, f"{type(exc).__name__}: {exc}"

    out = {"setup_s": setup_s, "users": n_users, "requests": n_requests}
    for label, workers in (("pool50", 50), ("sequential", 1)):
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(request, range(n_requests)))
        wall = time.perf_counter() - t
        lat = [r[0] for r in results]
        errors = [r[1] for r in results if r[1]]
        out[label] = {"wall_s": wall, "p50_ms": percentile_ms(lat, 50), "p95_ms": percentile_ms(lat, 95),
                      "errors": len(errors), "leaks": sum("another user" in e for e in errors),
                      "first_error": errors[0] if errors else "", "throughput": n_requests / wall}
        print(label, out[label], flush=True)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# ------------------------------------------------------------------ browser
def _server(tmp: Path, data_dir: Path, env: dict[str, str] | None = None):
    from tests.speech_browser import demo_server

    os.environ.update(env or {})
    os.environ["MARGO_MULTI_USER"] = "true"
    os.environ["MARGO_SECRETS_FILE"] = str(tmp / "none.toml")
    return demo_server(tmp, data_dir, script=ROOT / "app.py")


def _tree_rss_mb(pid: int) -> float:
    """Current RSS of a process and its children (MB)."""
    total = 0
    for p in [pid, *[int(x) for x in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                     text=True).stdout.split()]]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024.0


def _machine_used_mb() -> float:
    """Memory in use on the whole machine (MB): MemTotal - MemAvailable (all processes, other agents' too)."""
    info = {line.split(":")[0]: int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith(("MemTotal:", "MemAvailable:"))}
    return (info["MemTotal"] - info["MemAvailable"]) / 1024.0


async def _one_user(browser, url: str, pdf: Path, idx: int) -> dict:
    ctx = await browser.new_context(locale="en-US", viewport={"width": 1200, "height": 850})
    ctx.set_default_timeout(300_000)  # under 20 sessions on 2 cores a rerun can take minutes
    page = await ctx.new_page()
    rec: dict = {"user": idx}
    try:
        t = time.perf_counter()
        await page.goto(url, timeout=300_000)  # 20 first loads queue on 2 cores
        await page.wait_for_selector(".st-key-reader_upload", state="attached", timeout=300_000)
        rec["open_s"] = time.perf_counter() - t
        rec["saw_other_paper"] = await page.locator(".st-key-reader_saved").count() > 0
        t = time.perf_counter()
        await page.set_input_files(".st-key-reader_upload input[type=file]", str(pdf))
        await page.wait_for_selector(".st-key-reader_summarise", timeout=600_000)
        rec["upload_s"] = time.perf_counter() - t
        await page.get_by_role("tab").nth(1).click()  # the "Ask" tab
        t = time.perf_counter()
        box = page.locator("[data-testid='stChatInputTextArea']")
        await box.fill("What is serendipity in recommender systems?")
        await box.press("Enter")
        await page.wait_for_function("document.querySelectorAll(\"[data-testid='stChatMessage']\").length >= 2",
                                     timeout=600_000)
        rec["answer_s"] = time.perf_counter() - t
    except Exception as exc:  # noqa: BLE001 - counted as an error
        rec["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
    finally:
        await ctx.close()
    return rec


def browser_load(tmp: Path, n_contexts: int, env: dict[str, str] | None = None, label: str = "") -> dict:
    from playwright.async_api import async_playwright

    from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS

    pdf = SHARED_DATA / "papers" / "sokolov_hse_lecture19_recommender_ru.pdf"
    data_dir = tmp / f"browser{label}"
    peak = [0.0]
    machine = [0.0, 0.0]  # used memory of the whole machine (MB), 1-min load average: peaks
    load_before = os.getloadavg()[0]
    with _server(tmp, data_dir, env) as url:
        pid = int(subprocess.run(["pgrep", "-f", f"streamlit run {ROOT / 'app.py'}"], capture_output=True,
                                 text=True).stdout.split()[-1])
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_rss_mb(pid))
                machine[0] = max(machine[0], _machine_used_mb())  # #11L: Chromium's share shows here
                machine[1] = max(machine[1], os.getloadavg()[0])
                time.sleep(0.5)

        threading.Thread(target=watch, daemon=True).start()

        async def run() -> list[dict]:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                try:
                    return await asyncio.gather(*[_one_user(browser, url, pdf, i) for i in range(n_contexts)])
                finally:
                    await browser.close()

        t = time.perf_counter()
        recs = asyncio.run(run())
        wall = time.perf_counter() - t
        stop.set()
    print("browser records", recs, flush=True)
    base = data_dir / "workspaces"
    ws = [d for d in base.iterdir() if d.name.startswith("anon-")] if base.is_dir() else []
    out = {"contexts": n_contexts, "wall_s": wall, "errors": sum("error" in r for r in recs),
           "first_error": next((r["error"] for r in recs if "error" in r), ""),
           "saw_other": sum(bool(r.get("saw_other_paper")) for r in recs), "workspaces": len(ws),
           "server_peak_rss_mb": peak[0], "load_before": load_before, "load_after": os.getloadavg()[0],
           "machine_used_peak_mb": machine[0], "load_peak": machine[1],
           "env": env or {}}
    for step in ("open_s", "upload_s", "answer_s"):
        vals = [r[step] for r in recs if step in r]
        out[step] = (percentile_ms(vals, 50) / 1000, percentile_ms(vals, 95) / 1000, len(vals))
    print("browser", out, flush=True)
    return out


# ------------------------------------------------------------------- faults
def _py(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def fault_runs(tmp: Path) -> list[dict]:
    from core.channels import ChannelLibrary
    from core.embeddings import get_embedder
    from core.interview.progress import ProgressStore
    from core.reader import Reader
    from core.settings import Settings
    from core.storage import integrity_check

    emb = get_embedder()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    # -- channel import killed mid-way, then redone
    cfg = Settings(data_dir=tmp / "fault-chan")
    lib = ChannelLibrary(cfg, emb)
    lib.import_export(_export(tmp / "small.json", "saved", 30), name="chan")
    big = _export(tmp / "big.json", "saved", 3000)  # same channel, 2970 new posts
    code = (f"from core.channels import ChannelLibrary; from core.embeddings import get_embedder; "
            f"from core.settings import Settings; ChannelLibrary(Settings(data_dir={str(cfg.data_dir)!r}), "
            f"get_embedder()).import_export({str(big)!r}, name='chan')")
    for delay in (4.0, 8.0):
        proc = _py(code, env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        lib2 = ChannelLibrary(cfg, emb)
        ok_db = integrity_check(lib2.store.path)
        n_before = lib2.channels()[0].n_posts
        hit_ok = bool(lib2.search("learning rate", k=3))
        rep = lib2.import_export(big, name="chan")
        rows.append({"what": f"channel import killed after {delay:.0f} s", "integrity": ok_db,
                     "saved_kept": n_before >= 30, "index_loads": hit_ok,
                     "redo": f"{rep.total_posts} posts after redo (expected 3000)",
                     "pass": ok_db == "ok" and n_before >= 30 and hit_ok and rep.total_posts == 3000})
        lib.store.delete_channel(lib2.channels()[0].id)
        lib.import_export(_export(tmp / "small.json", "saved", 30), name="chan")
    # -- paper ingest killed, then redone
    pcfg = Settings(data_dir=tmp / "fault-paper")
    pdf = SHARED_DATA / "papers" / "bert_1810.04805.pdf"
    first = Reader(settings=pcfg, embedder=emb, llm=None).open(
        (SHARED_DATA / "papers" / "sokolov_hse_lecture19_recommender_ru.pdf").read_bytes())
    code = (f"from core.reader import Reader; from core.settings import Settings; from core.embeddings import "
            f"get_embedder; Reader(settings=Settings(data_dir={str(pcfg.data_dir)!r}), embedder=get_embedder(), "
            f"llm=None).open(open({str(pdf)!r}, 'rb').read())")
    proc = _py(code, env)
    time.sleep(6.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = Reader(settings=pcfg, embedder=emb, llm=None)
    kept = again.open(first.pdf_bytes).loaded_from_disk
    redone = again.open(pdf.read_bytes())
    ans = again.ask(redone, "What is masked language modelling?")
    rows.append({"what": "paper ingest killed after 6 s", "integrity": "n/a (files)", "saved_kept": kept,
                 "index_loads": kept, "redo": f"re-ingested, {len(ans.citations)} citations",
                 "pass": kept and not ans.abstained})
    # -- progress writes killed
    gdir = tmp / "fault-progress"
    ProgressStore(gdir)
    code = (f"from core.interview.progress import Attempt, ProgressStore\ns = ProgressStore({str(gdir)!r})\n"
            f"i = 0\nwhile True:\n    i += 1\n    s.record(Attempt('s', f'q{{i}}', 't', 'junior', 'en', 'Q', 'a', 1, 1, 1, "
            f"1, covered=['k1', 'k2'], missed=['k3']))\n")
    proc = _py(code, env)
    deadline = time.monotonic() + 60
    while len(ProgressStore(gdir).attempts()) < 50 and time.monotonic() < deadline:
        time.sleep(0.2)  # the writer is writing
    before = len(ProgressStore(gdir).attempts())
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = ProgressStore(gdir)
    after = store.attempts()
    ok_db = integrity_check(store.path)
    con_points = store._query("SELECT COUNT(*) AS n FROM attempt_points")[0]["n"]
    rows.append({"what": f"progress writes killed mid-stream (after {before}+ attempts)", "integrity": ok_db, "saved_kept": len(after) >= before,
                 "index_loads": con_points == 3 * len(after),
                 "redo": f"{len(after)} whole attempts, {con_points} key-point rows (3 per attempt)",
                 "pass": ok_db == "ok" and len(after) >= before and con_points == 3 * len(after)})
    for r in rows:
        print("fault", r, flush=True)
    return rows


RESULTS = ROOT / "scripts" / "bench_load_results.json"
"""The last results of each part (core, faults, each browser run by contexts and pool), so a
``--browser-only`` run adds a browser run without repeating the rest; the section shows all."""

UNBOUNDED = {"MARGO_HEAVY_WORKERS": "16", "MARGO_HEAVY_NICE": "0"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contexts", type=int, default=20)
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unbounded-pool browser run")
    ap.add_argument("--baseline-only", action="store_true", help="run only the unbounded-pool browser run")
    ap.add_argument("--browser-only", action="store_true",
                    help=f"run only the browser runs; core and fault results are read from {RESULTS.name}")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="margo-load-"))
    saved = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if args.browser_only:
        core, faults, core_run = saved["core"], saved["faults"], saved["core_run"]
        browsers = dict(saved.get("browser", {}))
    else:
        core, faults, core_run, browsers = core_load(tmp), fault_runs(tmp), machine_line(), {}
    if not args.skip_browser:
        if not args.baseline_only:
            browsers[f"{args.contexts}-bounded"] = {**browser_load(tmp, args.contexts, label="-bounded"),
                                                    "run": machine_line()}
        if not args.no_baseline:  # the baseline: long work not queued (as before #11h)
            browsers[f"{args.contexts}-unbounded"] = {
                **browser_load(tmp, args.contexts, env=UNBOUNDED, label="-unbounded"), "run": machine_line()}
    RESULTS.write_text(json.dumps({"core": core, "faults": faults, "core_run": core_run, "browser": browsers},
                                  indent=1), encoding="utf-8")
    write_section("load", render(core, faults, core_run, browsers))


def render(core: dict, faults: list[dict], core_run: str, browsers: dict[str, dict]) -> str:
    """The section's Markdown from the results of each part."""
    p, s = core["pool50"], core["sequential"]
    md = [
        "## Load and faults (scripts/bench_load.py)",
        "",
        f"Core and fault runs: {core_run}. Loopback only; the machine (2 cores) was shared with other agents' "
        "work while this ran, so latencies are upper bounds.",
        "",
        f"**Core, {core['requests']} requests from {core['users']} users** (2/3 channel questions answered from the "
        "user's own channel, 1/3 interview progress write + read), each in the user's own workspace; isolation "
        "checked on every response (each post and attempt returned must carry the user's own token).",
        "",
        "| run | wall (s) | requests/s | p50 (ms) | p95 (ms) | errors | leaks |",
        "|---|---|---|---|---|---|---|",
        f"| thread pool of 50 (concurrent) | {p['wall_s']:.1f} | {p['throughput']:.1f} | {p['p50_ms']:.0f} | "
        f"{p['p95_ms']:.0f} | {p['errors']} | {p['leaks']} |",
        f"| baseline: one at a time | {s['wall_s']:.1f} | {s['throughput']:.1f} | {s['p50_ms']:.0f} | "
        f"{s['p95_ms']:.0f} | {s['errors']} | {s['leaks']} |",
        "",
        f"Peak RSS of the process: {core['peak_rss_mb']:.0f} MB. Setup (50 channel imports): {core['setup_s']:.0f} s."
        + (f" First error: `{p['first_error'] or s['first_error']}`." if p["errors"] or s["errors"] else ""),
        "",
    ]
    if browsers:
        order = sorted(browsers, key=lambda k: (int(k.split("-")[0]), k.split("-")[1]))
        label = {k: f"{k.split('-')[0]} sessions, {'bounded pool' if k.split('-')[1] == 'bounded' else 'unbounded'}"
                 for k in order}
        md += [
            "**Browser: concurrent Playwright contexts on one multi-user server** (each: open the app, check it "
            "sees no saved paper, upload the 11-page Russian lecture PDF, ask one question). Bounded pool: long "
            "work (ingest, OCR, import, transcription) through `core.jobs` with `MARGO_HEAVY_WORKERS=1` at nice "
            "+10 (the defaults); baseline: `MARGO_HEAVY_WORKERS=16`, nice 0, i.e. every upload indexed at once as "
            "before the pool. Each run on a fresh server. Cells: p50 / p95 in seconds (n).",
            "",
            "| step | " + " | ".join(label[k] for k in order) + " |",
            "|---|" + "---|" * len(order),
            *[f"| {name} | " + " | ".join(
                f"{browsers[k][step][0]:.1f} / {browsers[k][step][1]:.1f} ({browsers[k][step][2]})" for k in order)
              + " |" for name, step in (("open the app", "open_s"), ("upload + index the paper", "upload_s"),
                                        ("answer", "answer_s"))],
            "",
        ]
        for k in order:
            r = browsers[k]
            md += [f"{label[k]} ({r.get('run', '')}): errors {r['errors']}"
                   + (f" (first: `{r['first_error'].splitlines()[0][:120]}`)" if r["errors"] else "")
                   + f"; sessions that saw another's paper: {r['saw_other']}; anonymous workspaces created: "
                   f"{r['workspaces']}; server peak RSS {r['server_peak_rss_mb']:.0f} MB; wall {r['wall_s']:.0f} s; "
                   f"1-min load average {r['load_before']:.1f} before, {r['load_after']:.1f} after"
                   + (f", {r['load_peak']:.1f} at the peak; memory used on the whole machine at the peak "
                      f"{r['machine_used_peak_mb'] / 1024:.1f} GB of 24" if "load_peak" in r else "")
                   + (f" ({r['note']})" if r.get("note") else "")
                   + " (other agents' work included).", ""]
        md += ["Reading: the pool trades upload latency for answer latency. Uploads wait their turn, one "
               "ingest at a time on one core, so the last one finishes later; the worker at nice +10 also "
               "yields to the other agents' processes on this shared machine (load average above), which a "
               "dedicated server does not have. Answers no longer queue behind all the ingests. "
               "Baseline for one session alone: the Reader section's figures (about 5 s to open a paper, 1 s to "
               "answer). With 50 sessions (#11L) the same holds at a larger scale: the app opens in about 2.5 "
               "minutes (50 first loads of the Streamlit front end and scripts on 2 cores), the last upload waits "
               "for 49 ingests before it, and answers stay fast because they never wait behind an ingest."
               + (f" Unbounded at 50: {browsers['50-unbounded']['errors']} of 50 uploads did not finish within "
                  f"the script's 600 s; the {browsers['50-unbounded']['answer_s'][2]} that did got their answer in "
                  f"{browsers['50-unbounded']['answer_s'][0]:.0f} s (p50), every ingest at once starving the "
                  "questions." if "50-unbounded" in browsers else " The unbounded baseline was not run at 50 "
                  "sessions; at 20 it already answered 6x slower than the pool."), ""]
    md += ["**Fault runs** (SIGKILL mid-way, then restart and redo):", "",
           "| run | integrity_check | saved data kept | index / rows load | redo | verdict |", "|---|---|---|---|---|---|"]
    md += [f"| {r['what']} | {r['integrity']} | {r['saved_kept']} | {r['index_loads']} | {r['redo']} | "
           f"{'PASS' if r['pass'] else 'FAIL'} |" for r in faults]
    return "\n".join(md)


if __name__ == "__main__":
    main()
