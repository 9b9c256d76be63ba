"""Profile a channel import of 10k tiny posts (#11L), and time it against an earlier version.

The export is the "10k tiny posts" case of ``scripts/bench_faults.py`` (written into a
temporary folder). ``--before COMMIT`` loads ``core/channels/search.py`` as it was at that
commit (``git show``) beside the current one and imports the same export with each,
alternating, ``--reps`` times: wall and CPU seconds of each import (CPU is what the
import costs; wall also counts the other processes on the machine), and whether both
wrote the same posts and chunks. ``--cprofile`` prints the functions with the most CPU
time of one import with the current code. Prints to stdout; writes nothing in the tree.

    .venv/bin/python scripts/profile_channel_import.py --before 436e3ff~1 --cprofile
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _export(tmp: Path, n: int = 10_000) -> Path:
    msgs = [{"id": i, "type": "message", "date": "2024-01-05T10:00:00", "text": f"tiny post number {i} here"}
            for i in range(1, n + 1)]
    path = tmp / "many.json"
    path.write_text(json.dumps({"name": "bad", "type": "public_channel", "id": 7, "messages": msgs}), encoding="utf-8")
    return path


def _old_module(commit: str, tmp: Path):
    src = subprocess.run(["git", "show", f"{commit}:core/channels/search.py"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    path = tmp / "search_before.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("core.channels.search_before", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # relative imports resolve inside core.channels
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="a commit whose core/channels/search.py is timed beside the current one")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cprofile", action="store_true")
    args = ap.parse_args()

    import bm25s  # noqa: F401 - imported once, as in a running app

    import core.channels.search as current
    from core.embeddings import get_embedder
    from core.settings import load_settings
    from core.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="margo-import-profile-"))
    os.environ["MARGO_SECRETS_FILE"] = str(tmp / "none.toml")
    export = _export(tmp)
    embedder = get_embedder()
    embedder.embed(["warm up"])
    versions = {"current": current}
    if args.before:
        versions = {"before": _old_module(args.before, tmp), **versions}

    def run(label: str, mod, rep: int) -> tuple[float, float, tuple]:
        cfg = load_settings(data_dir=tmp / f"data-{label}-{rep}")
        lib = mod.ChannelLibrary(Workspace.for_user(cfg, "local").scoped(cfg), embedder)
        wall, cpu = time.perf_counter(), time.thread_time()
        lib.import_export(export, name="case-many")
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        with lib.store.connect() as con:
            rows = ([tuple(r) for r in con.execute("SELECT post_id, date, text, url, hash FROM posts ORDER BY post_id")],
                    [tuple(r) for r in con.execute("SELECT pos, post_id, chunk_no, text, active FROM chunks "
                                                   "ORDER BY pos")])
        return wall, cpu, rows

    times: dict[str, list[tuple[float, float]]] = {k: [] for k in versions}
    rows: dict[str, tuple] = {}
    for rep in range(args.reps):
        for label, mod in versions.items():
            wall, cpu, rows[label] = run(label, mod, rep)
            times[label].append((wall, cpu))
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} (other processes included)")
    for label, ts in times.items():
        print(f"{label:8s} wall median {statistics.median(t[0] for t in ts):.2f} s, CPU median "
              f"{statistics.median(t[1] for t in ts):.2f} s  (n={len(ts)}: "
              + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in ts) + ")")
    if args.before:
        print("same posts and chunks:", rows["before"] == rows["current"],
              f"({len(rows['current'][0])} posts, {len(rows['current'][1])} chunks)")
    if args.cprofile:
        prof = cProfile.Profile(time.process_time)
        prof.runcall(run, "profile", current, 0)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
