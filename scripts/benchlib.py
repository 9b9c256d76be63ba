"""Helpers shared by the benchmark scripts: timing, percentiles, and writing one
section of ``docs/BENCHMARKS.md`` without touching the others."""

from __future__ import annotations

import platform
import re
import resource
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "BENCHMARKS.md"
SHARED_DATA = ROOT.parent / "shared" / "data"

_HEADER = """# Benchmarks

Measured numbers, written by the scripts in `scripts/` (each owns one section below;
re-run a script to refresh its section). Machine: 2 CPU cores, 24 GB RAM, no GPU,
offline default settings unless a section says otherwise.
"""


def percentile_ms(seconds: list[float], q: float) -> float:
    """The q-th percentile (0-100) of durations given in seconds, in milliseconds."""
    return float(np.percentile(np.asarray(seconds) * 1000.0, q)) if seconds else float("nan")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine_line() -> str:
    """One line naming the machine and date of a run."""
    return f"{platform.platform()}, Python {platform.python_version()}, run {time.strftime('%Y-%m-%d %H:%M')}"


def write_section(name: str, markdown: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the section between ``<!-- BEGIN name -->`` and ``<!-- END name -->``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    block = f"<!-- BEGIN {name} -->\n{markdown.strip()}\n<!-- END {name} -->"
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
