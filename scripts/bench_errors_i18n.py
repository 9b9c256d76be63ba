"""Errors in the user's language: what a Russian user reads for each case of the bad-input corpus.

Runs the cases of ``scripts/bench_faults.py`` (#11's corpus, written by that script; nothing
from ``benchmarks/`` is read) in this process, catches every ``MargoError`` they end with,
and counts, per group of cases:

* Russian: ``exc.localized("ru")`` contains Cyrillic, has no unfilled ``{field}`` and is
  not the English text;
* specific: the raise site gave a catalogue key (``key="errors.…"``) with its fields, so the
  Russian text carries the numbers and names; the rest get the per-class sentence
  (``errors.<ClassName>``), Russian but general;
* baseline: what the pages showed before, ``str(exc)`` (English), judged by the same rule.

The fault corpus's own section of ``docs/BENCHMARKS.md`` is not rewritten by this run.

    .venv/bin/python scripts/bench_errors_i18n.py       # about 5 minutes on 2 cores
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import bench_faults  # noqa: E402
from scripts.benchlib import machine_line, write_section  # noqa: E402

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_UNFILLED = re.compile(r"\{[a-z_]+\}")


def _russian(text: str, english: str) -> bool:
    return bool(_CYRILLIC.search(text)) and not _UNFILLED.search(text) and text != english


def main() -> None:
    """Run the corpus, judge each error's Russian text, write the ``errors_i18n`` section."""
    from core.errors import MargoError
    from core.i18n import catalogue

    caught: list[tuple[str, str, MargoError]] = []
    original = bench_faults.run_case

    def run_case(group, name, expect, fn, check=None):
        def wrapped():
            try:
                return fn()
            except MargoError as exc:
                caught.append((group, name, exc))
                raise
        return original(group, name, expect, wrapped, check)

    bench_faults.run_case = run_case
    bench_faults.write_section = lambda *_a, **_k: None  # the faults section stays as #11 wrote it
    bench_faults.main()

    strings = catalogue()
    by_group: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    generic: list[str] = []
    for group, name, exc in caught:
        ru = exc.localized("ru")
        specific = bool(exc.key) and exc.key in strings and not _UNFILLED.search(ru)
        by_group[group].append((_russian(ru, str(exc)), specific, _russian(str(exc), "")))
        if not specific:
            generic.append(f"| {group} | {name} | {type(exc).__name__} |")
    rows = []
    for group, rs in by_group.items():
        rows.append(f"| {group} | {len(rs)} | {sum(r[0] for r in rs)} | {sum(r[1] for r in rs)} | "
                    f"{sum(r[2] for r in rs)} |")
    n = sum(len(rs) for rs in by_group.values())
    total = [sum(r[i] for rs in by_group.values() for r in rs) for i in range(3)]
    md = [
        "## Errors in the user's language (scripts/bench_errors_i18n.py)",
        "",
        f"{machine_line()}. The bad-input corpus of `scripts/bench_faults.py` (cases written by that script), "
        f"run in one process; every `MargoError` a case ended with ({n} errors) judged for a Russian user. "
        "*Russian*: `exc.localized(\"ru\")` has Cyrillic, no unfilled `{field}` and is not the English text. "
        "*Specific*: the raise site gave an `errors.*` key with its fields (sizes, counts, file names in the "
        "Russian text); the rest get their class's general Russian sentence. *Baseline*: `str(exc)`, what the "
        "pages and the bot showed before (English), by the same rule. No published figure exists for this.",
        "",
        f"**Russian: {total[0]} of {n}; specific: {total[1]} of {n}; baseline Russian: {total[2]} of {n}.**",
        "",
        "| group | errors | Russian | specific | baseline Russian (`str(exc)`) |",
        "|---|---|---|---|---|",
        *rows,
        f"| **all** | {n} | {total[0]} | {total[1]} | {total[2]} |",
        "",
    ]
    if generic:
        md += ["<details><summary>Errors with only the general Russian sentence (no key at the raise site)"
               "</summary>", "", "| group | case | class |", "|---|---|---|", *generic, "", "</details>"]
    write_section("errors_i18n", "\n".join(md))
    print(f"Russian {total[0]}/{n}, specific {total[1]}/{n}, baseline {total[2]}/{n}")


if __name__ == "__main__":
    main()
