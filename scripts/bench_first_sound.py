"""Time to first sound (#10, #10v): the first-sound table of the "Interface" section.

Real browser (Debian chromium, Playwright) on a page with one avatar panel; Play pressed the
moment the panel appears and after 2 s; 1, 2 and 7 short sentences and one long first
sentence, RU and EN; beside them two baselines run in the same process: the whole text
synthesized first (the panel before #10) and the whole first sentence synthesized (the
streaming panel before the first-chunk split of #10v).

Run: ``.venv/bin/python scripts/bench_first_sound.py`` (about 3 minutes). Replaces only the
"### Time to first sound" part of section ``ui`` of docs/BENCHMARKS.md (``scripts/bench_ui.py``
writes the rest of that section).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_ui import DEMO, SENTENCES, _wait_sound  # noqa: E402
from scripts.benchlib import BENCHMARKS_MD, machine_line, write_section  # noqa: E402

LONG = {
    "ru": ("Самые распространённые модели для преобразования последовательностей строятся на рекуррентных или "
           "свёрточных сетях с кодировщиком и декодером, а лучшие из них ещё и связывают эти части механизмом "
           "внимания (прогон {k})."),
    "en": ("The most common sequence transduction models are built from recurrent or convolutional networks with "
           "an encoder and a decoder, and the best of them also connect the two through an attention mechanism "
           "(run {k})."),
}
"""One long first sentence (our own, in the style of a paper's abstract): what the first-chunk split is for."""

RUNS = 3
"""Runs per cell (median / max reported)."""

SIZES: tuple[int | str, ...] = (1, 2, 7, "long")


def _text(lang: str, n: int | str, k: int) -> str:
    body = LONG[lang] if n == "long" else " ".join(SENTENCES[lang][: int(n)])
    return body.replace("{k}", str(k))


def first_sound(tmp: Path, runs: int = RUNS) -> list[str]:
    """The table rows (markdown), or one line saying why the browser part could not run."""
    from urllib.parse import quote

    from tests.speech_browser import (
        CHROMIUM,
        CHROMIUM_FLAGS,
        avatar_frame,
        browser_missing_reason,
        demo_server,
    )

    reason = browser_missing_reason()
    if reason:
        return [f"Not measured: {reason}."]
    from playwright.sync_api import sync_playwright

    from core.settings import Settings
    from core.speech.tts import Speaker
    from core.text import split_sentences

    script = tmp / "bench_demo.py"
    script.write_text(DEMO.format(root=str(ROOT)), encoding="utf-8")
    rows = ["| language | sentences | first sound, Play at once: median / max, ms | Play after 2 s: median / max, ms "
            "| baseline: whole text synthesized first (panel before #10), median, ms | baseline: first sentence "
            "synthesized whole (streaming panel before #10v), median, ms |", "|---|---|---|---|---|---|"]
    base_speaker = Speaker(Settings(data_dir=tmp / "baseline"), use_cache=False)
    base_speaker.warm()
    k = int(time.time()) % 100000
    with demo_server(tmp, tmp / "web", script=script) as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = b.new_page(viewport={"width": 1000, "height": 600})
            for lang in ("en", "ru"):  # the app warms its voices at start; so does this page's first text
                page.goto(f"{url}/?lang={lang}&text={quote(_text(lang, 1, k))}")
                frame = avatar_frame(page)
                frame.evaluate("() => window.margoPlay()")
                _wait_sound(frame)
            for lang in ("ru", "en"):
                for n in SIZES:
                    cells = []
                    for delay in (0.0, 2.0):
                        times = []
                        for _ in range(runs):
                            k += 1
                            page.goto(f"{url}/?lang={lang}&text={quote(_text(lang, n, k))}")
                            frame = avatar_frame(page)
                            time.sleep(delay)
                            frame.evaluate("() => window.margoPlay()")
                            times.append(_wait_sound(frame))
                        cells.append(f"{statistics.median(times):.0f} / {max(times):.0f}")
                    whole, first = [], []
                    for _ in range(runs):
                        k += 1
                        t0 = time.perf_counter()
                        base_speaker.speak(_text(lang, n, k), lang)
                        whole.append((time.perf_counter() - t0) * 1000)
                        k += 1
                        t0 = time.perf_counter()
                        base_speaker.speak_sentence(split_sentences(_text(lang, n, k), lang)[0], lang)
                        first.append((time.perf_counter() - t0) * 1000)
                    label = f"1 long ({len(_text(lang, n, k).split())} words)" if n == "long" else str(n)
                    rows.append(f"| {lang} | {label} | {cells[0]} | {cells[1]} | {statistics.median(whole):.0f} | "
                                f"{statistics.median(first):.0f} |")
        finally:
            b.close()
    return rows


def first_sound_md(rows: list[str]) -> str:
    """The "Time to first sound" subsection (heading, method, table)."""
    load = os.getloadavg()
    return "\n".join([
        "### Time to first sound",
        "Real browser (Debian chromium, Playwright) on a page with one avatar panel; each text is new (no cache). "
        "\"Play at once\": Play pressed the moment the panel appears (the worst case: synthesis of the first "
        "chunk has only just started); \"after 2 s\": the user reads first. Voices: piper (EN, one ONNX thread "
        "without spinning), festival (RU), loaded at start as the app does (`Speaker.warm`). A first sentence "
        "over 60 characters is spoken as two chunks cut at a clause (`core.speech.stream.split_first_chunk`). "
        "Baselines, same engines warm, cache off, in the bench process (page and audio start-up not added, so "
        "they favour the baseline): the panel before #10 synthesized the whole text before its first sound; the "
        "streaming panel before #10v synthesized the whole first sentence. "
        f"{RUNS} runs per cell (scripts/bench_first_sound.py); {machine_line()}; load average "
        f"{load[0]:.1f} / {load[1]:.1f} (1 / 5 min) at the end: other agents were using the 2 cores, so "
        "latencies are upper bounds. No published figure applies.",
        "",
        *rows,
    ])


def splice(section: str, block: str) -> str:
    """``section`` (the ``ui`` section's text) with its first-sound part replaced by ``block``."""
    sub = re.compile(r"### Time to first sound\n.*?(?=\n### |\Z)", re.S)
    return sub.sub(lambda _: block + "\n", section, count=1) if sub.search(section) else f"{section}\n\n{block}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="margo-bench-sound-") as d:
        block = first_sound_md(first_sound(Path(d)))
    text = BENCHMARKS_MD.read_text(encoding="utf-8")
    found = re.search(r"<!-- BEGIN ui -->\n(.*?)\n<!-- END ui -->", text, re.S)
    write_section("ui", splice(found.group(1) if found else "## Interface (scripts/bench_ui.py)", block))
    print(block)


if __name__ == "__main__":
    main()
