"""Interface benchmark (#10): time to first sound, follow-up detection, language share per page,
time to first summary, page weight and time to interactive at desktop and phone sizes.

Run: ``.venv/bin/python scripts/bench_ui.py`` (about 4 minutes; needs Debian's chromium and
Playwright for the browser parts, which are skipped with the reason otherwise). Writes the
section ``ui`` of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchlib import SHARED_DATA, machine_line, write_section  # noqa: E402

SENTENCES = {
    "ru": ["Марго читает этот ответ номер {k} вслух.", "Сначала она объясняет, о чём статья.",
           "Потом рассказывает, какой метод предложили авторы.", "Затем говорит, на каких данных его проверяли.",
           "После этого она называет главные результаты.", "Отдельно упоминает ограничения работы.",
           "В конце советует, что прочитать дальше."],
    "en": ["Margo reads answer number {k} aloud.", "First she explains what the paper is about.",
           "Then she describes the method the authors propose.", "Next she says which data it was tested on.",
           "After that she names the main results.", "She also mentions the limitations of the work.",
           "Finally she suggests what to read next."],
}

DEMO = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from pages._avatar import avatar_panel
lang = st.query_params.get("lang", "en")
st.session_state["ui_lang"] = lang
avatar_panel(st.query_params.get("text", ""), lang, key="bench", height=200)
'''


def _wait_sound(frame, timeout_s: float = 30.0) -> float:
    """Milliseconds from Play to the audio element's first ``playing`` event (inf: none in time)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        st = frame.evaluate("() => window.margoStats")
        if st["firstSound"] is not None:
            frame.evaluate("() => window.margoStop()")
            return st["firstSound"] - st["t0"]
        if st["errors"]:
            return float("inf")
        time.sleep(0.02)
    return float("inf")


def follow_ups() -> list[str]:
    from core.channels.followup import is_follow_up
    from core.text import tokenize

    rows = [json.loads(line) for line in (ROOT / "data" / "channel_eval" / "followups.jsonl").open(encoding="utf-8")]
    methods = {
        "rule (core.channels.followup)": lambda r: is_follow_up(r["question"], r["previous"]),
        "previous rule: join when ≤ 8 words": lambda r: len(tokenize(r["question"])) <= 8,
        "always join": lambda r: True,
        "never join": lambda r: False,
    }
    out = ["| method | test accuracy (n) | test RU | test EN | dev accuracy (n) |", "|---|---|---|---|---|"]
    for name, fn in methods.items():
        cells = []
        for split, lang in (("test", None), ("test", "ru"), ("test", "en"), ("dev", None)):
            items = [r for r in rows if r["split"] == split and (lang is None or r["lang"] == lang)]
            acc = sum(fn(r) == r["follow_up"] for r in items) / len(items)
            cells.append(f"{acc:.2f} ({len(items)})" if lang is None else f"{acc:.2f}")
        out.append(f"| {name} | {' | '.join(cells)} |")
    return out


def language_share() -> list[str]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.ui_lang_check import language_share as share

    pages = ("pages/reader.py", "pages/channels.py", "pages/interview.py", "pages/help.py", "pages/lectures.py",
             "pages/recommend.py")
    out = ["| page (first screen) | RU interface: strings in Russian | EN interface: strings in English |",
           "|---|---|---|"]
    cells: dict[str, list[str]] = {p: [] for p in pages}
    with tempfile.TemporaryDirectory() as d:
        os.environ.update(MARGO_DATA_DIR=str(Path(d) / "data"), MARGO_LLM_PROBE_LOCAL="false",
                          MARGO_SECRETS_FILE=str(Path(d) / "none.toml"))
        for lang in ("ru", "en"):
            os.environ["MARGO_UI_LANG"] = lang
            st.cache_resource.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.run()
            for page in pages:
                at.switch_page(page).run()
                s, foreign, n = share(at, lang, skip=("speculative decoding",))
                cells[page].append(f"{s:.0%} of {n}" + (f" (not: “{foreign[0][:50]}”)" if foreign else ""))
        st.cache_resource.clear()
    for page in pages:
        out.append(f"| {page} | {cells[page][0]} | {cells[page][1]} |")
    return out


def _measure_screen(page, strings: list[str], overflow: list[int], prefix: Path, screen: str) -> None:
    """Collect one screen's strings at 1440 and 390 px wide, its sideways overflow, a screenshot."""
    from tests.ui_lang_check import browser_strings
    from tests.ui_pages import full_screenshot

    strings.extend(x for x in browser_strings(page) if x not in strings)
    full_screenshot(page, prefix.with_name(f"{prefix.name}_{screen.replace(' ', '_')}.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1200)
    strings.extend(x for x in browser_strings(page) if x not in strings)
    overflow[0] = max(overflow[0], page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))
    full_screenshot(page, prefix.with_name(f"{prefix.name}_{screen.replace(' ', '_')}_phone.png"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_timeout(600)


def browser_language_share(tmp: Path) -> list[str]:
    """Real browser, every page with real data, RU and EN: share of the visible strings in the
    interface language (data shown as it is does not count), and sideways overflow at 390 px.

    One fresh server (empty data folder: a new user) per language; the flows are tests/ui_pages.py.
    """
    from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS, browser_missing_reason, demo_server
    from tests.ui_lang_check import DataText, browser_share
    from tests.ui_pages import FLOWS, run_flow

    reason = browser_missing_reason()
    if reason:
        return [f"Not measured: {reason}."]
    from playwright.sync_api import sync_playwright

    shots = ROOT / "artifacts" / "bench_ui"
    shots.mkdir(parents=True, exist_ok=True)
    cells: dict[str, dict[str, str]] = {name: {} for name in FLOWS}
    os.environ["MARGO_LLM_PROBE_LOCAL"] = "false"
    for lang in ("ru", "en"):
        with demo_server(tmp, tmp / f"browser-{lang}", script=ROOT / "app.py") as url, sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                for name in FLOWS:
                    ctx = b.new_context(viewport={"width": 1440, "height": 900},
                                        locale={"ru": "ru-RU", "en": "en-US"}[lang])
                    page = ctx.new_page()
                    strings: list[str] = []
                    overflow = [0]
                    on_screen = functools.partial(_measure_screen, page, strings, overflow, shots / f"{name}_{lang}")
                    try:
                        material = run_flow(name, page, url, lang, SHARED_DATA, tmp / f"flow-{lang}", on_screen)
                    except Exception as exc:  # a flow that breaks is a result too
                        cells[name][lang] = f"flow failed: {type(exc).__name__}"
                        ctx.close()
                        continue
                    share, foreign, n, n_data = browser_share(strings, lang, DataText(material))
                    note = "; ".join(f"“{f[:60]}”" for f in foreign[:3])
                    cells[name][lang] = (f"{share:.0%} of {n} (+{n_data} data)" + (f": not {note}" if note else "")
                                         + f" · {overflow[0]} px")
                    ctx.close()
            finally:
                b.close()
    out = ["| page | what was done | RU interface: strings in Russian · sideways overflow at 390 px | "
           "EN interface: strings in English · overflow |", "|---|---|---|---|"]
    for name in FLOWS:
        out.append(f"| {name} | {FLOWS[name].__doc__.split(':', 1)[1].strip()} | {cells[name].get('ru', '—')} | "
                   f"{cells[name].get('en', '—')} |")
    return out


def first_summary() -> list[str]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    papers = [("attention_is_all_you_need_1706.03762.pdf", "en"), ("sokolov_hse_lecture07_deeplearning_ru.pdf", "ru")]
    out = ["| paper | pages | upload → summary on screen, s | of which reading + indexing, s |", "|---|---|---|---|"]
    from core.embeddings import get_embedder
    from core.reader import Reader
    from core.settings import Settings

    with tempfile.TemporaryDirectory() as d:
        os.environ.update(MARGO_DATA_DIR=str(Path(d) / "data"), MARGO_LLM_PROBE_LOCAL="false", MARGO_UI_LANG="ru",
                          MARGO_SECRETS_FILE=str(Path(d) / "none.toml"))
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        reader = Reader(settings=Settings(data_dir=Path(d) / "direct"), embedder=get_embedder(), llm=None)
        for name, _lang in papers:
            data = (SHARED_DATA / "papers" / name).read_bytes()
            t0 = time.perf_counter()
            at.file_uploader(key="reader_upload").upload(name, data, "application/pdf").run()
            total = time.perf_counter() - t0
            ok = any("с. " in m.value for m in at.markdown)
            t0 = time.perf_counter()
            doc = reader.open(data)
            read = time.perf_counter() - t0
            out.append(f"| {name} | {doc.n_pages} | {total:.1f}{'' if ok else ' (no summary seen)'} | {read:.1f} |")
        st.cache_resource.clear()
    return out


def page_weight(tmp: Path) -> list[str]:
    from tests.speech_browser import CHROMIUM, CHROMIUM_FLAGS, browser_missing_reason, demo_server

    reason = browser_missing_reason()
    if reason:
        return [f"Not measured: {reason}."]
    from playwright.sync_api import sync_playwright

    out = ["| viewport | page | transferred, kB | requests | time to interactive (title and first widget shown), ms |",
           "|---|---|---|---|---|"]
    with demo_server(tmp, tmp / "app-data", script=ROOT / "app.py") as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for vw, vh in ((1440, 900), (390, 844)):
                for path in ("", "channels", "interview"):
                    ctx = b.new_context(viewport={"width": vw, "height": vh}, locale="ru-RU")
                    page = ctx.new_page()
                    t0 = time.perf_counter()
                    page.goto(f"{url}/{path}")
                    page.locator("h1").first.wait_for(timeout=60000)
                    page.locator("[data-testid='stFileUploader'], [data-testid='stTextInput'], "
                                 "[data-testid='stSelectbox']").first.wait_for(timeout=60000)
                    tti = (time.perf_counter() - t0) * 1000
                    size = page.evaluate("() => performance.getEntriesByType('navigation').concat("
                                         "performance.getEntriesByType('resource')).reduce((a, e) => "
                                         "a + (e.transferSize || e.encodedBodySize || 0), 0)")
                    n = page.evaluate("() => performance.getEntriesByType('resource').length + 1")
                    out.append(f"| {vw}×{vh} | /{path} | {size / 1024:.0f} | {n} | {tti:.0f} |")
                    ctx.close()
        finally:
            b.close()
    return out


LANG_HEAD = "### Share of visible strings in the selected language"


def language_subsection(share_rows: list[str], browser_rows: list[str]) -> str:
    """The language-share part of the section (#10u), also spliced in alone by ``--only language``."""
    return "\n".join([
        "### Share of visible strings in the selected language",
        "AppTest of each page's first screen (titles, captions, labels, placeholders, help, options, alerts); "
        "product and format names (Telegram, PDF, CSV, …) count as both languages (tests/ui_lang_check.py). "
        "The avatar's own controls are inside an iframe and are checked by the journeys test instead.",
        "",
        *share_rows,
        "",
        "In a real browser with data (#10u): each page driven as a new user would (tests/ui_pages.py: the "
        "Attention paper and a question; the ai_newz dump imported and asked; an interview answer scored and "
        "Progress opened; the Hugging Face course subtitles in the interface language and a question; a "
        "MovieLens slice of 12 users trained; Help), desktop 1440×900 and phone 390×844, a fresh server per "
        "language. Counted: every visible text block, texts set by CSS, empty inputs' placeholders, data-frame "
        "headers and cells, the avatar frame. Not counted: words of the user's own material shown as they are "
        "(paper sentences, posts, titles, CSV column and file names: a word counts as material when it stands "
        "in a pair of consecutive words of the material), \"+N data\" strings. Baseline: the AppTest "
        "first-screen measure above (what was measured before; the browser also sees library texts and data "
        "screens it cannot). Screenshots: artifacts/bench_ui/ (git-ignored). The interview's first question is "
        "drawn at random, so its row changes from run to run: the Russian question bank names methods in Latin "
        "letters (Adam, dropout, staging → production), which this measure counts as English.",
        "",
        *browser_rows,
        "",
    ]).rstrip()


def splice_language(md_section: str, subsection: str) -> str:
    """``md_section`` (the current ``ui`` section) with its language part replaced by ``subsection``."""
    start = md_section.index(LANG_HEAD)
    end = md_section.find("\n### ", start + len(LANG_HEAD))
    return md_section[:start] + subsection + ("\n\n" + md_section[end + 1:] if end >= 0 else "\n")


def main() -> None:
    if sys.argv[1:] == ["--only", "language"]:  # refresh the language tables alone, keep the other tables
        import re

        from scripts.benchlib import BENCHMARKS_MD

        with tempfile.TemporaryDirectory(prefix="margo-bench-ui-") as d:
            browser_rows = browser_language_share(Path(d))
        sub = language_subsection(language_share(), browser_rows)
        text = BENCHMARKS_MD.read_text(encoding="utf-8")
        current = re.search(r"<!-- BEGIN ui -->\n(.*?)\n<!-- END ui -->", text, re.S).group(1)
        write_section("ui", splice_language(current, sub))
        print(sub)
        return
    # #10v: the first-sound table lives in scripts/bench_first_sound.py (also run alone)
    from scripts import bench_first_sound

    with tempfile.TemporaryDirectory(prefix="margo-bench-ui-") as d:
        tmp = Path(d)
        fs = bench_first_sound.first_sound(tmp)
        pw = page_weight(tmp)
        browser_share = browser_language_share(tmp)
    fu = follow_ups()
    share = language_share()
    summ = first_summary()
    load = os.getloadavg()
    md = "\n".join([
        "## Interface (scripts/bench_ui.py)",
        "",
        f"{machine_line()}; load average at the end {load[0]:.1f} (other agents were using the 2 cores: latencies "
        "are upper bounds).",
        "",
        bench_first_sound.first_sound_md(fs),
        "",
        "### Follow-up detection (Channel search conversations)",
        "`data/channel_eval/followups.jsonl`: 104 pairs (previous question, new question) written for the two "
        "channels, 52 RU + 52 EN, labelled follow-up (needs the previous question) or new; the rule's limits were "
        "chosen on `dev` and are reported on `test` (both written by the rule's author: an optimistic figure). "
        "No published figure for this set.",
        "",
        *fu,
        "",
        language_subsection(share, browser_share),
        "",
        "### Time to first summary on upload",
        "AppTest of the Reader page (offline extractive summary, made right after the upload; no click). "
        "\"reading + indexing\" is `Reader.open` alone on a fresh folder, same process.",
        "",
        *summ,
        "",
        "### Page weight and time to interactive",
        "Real browser, fresh context per row (empty cache), Russian locale, `streamlit run app.py` on loopback; "
        "weight is the transfer size the browser reports for the document and its resources (the WebSocket "
        "traffic is not included); time to interactive is from navigation to the page title and its first "
        "input being shown.",
        "",
        *pw,
    ])
    write_section("ui", md)
    print(md)


if __name__ == "__main__":
    main()
