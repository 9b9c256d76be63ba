"""What a new user does on each page in a real browser, with real data (#10u).

Shared by the journeys test (tests/test_journeys_browser.py) and the interface benchmark
(scripts/bench_ui.py): each flow drives a Playwright page of ``streamlit run app.py`` through one
page with the public files of ``../shared/data`` and returns the texts of the material it put on
the screen (the paper, the posts, the CSV, the questions typed), so that a language measure can
tell data from interface (:class:`tests.ui_lang_check.DataText`). Labels are looked up in the
catalogue (``core.i18n.t``), so the flows follow the interface's wording in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.i18n import t

LONG_MS = 180_000
"""Model loads and indexing on a loaded 2-core machine."""

QUESTIONS = {
    "reader": {"ru": "Какой оптимизатор использовали для обучения?", "en": "Which optimizer was used for training?"},
    "channels": {"ru": "Сколько стоит подписка ChatGPT Pro?", "en": "How much does ChatGPT Pro cost?"},
    "lectures": {"ru": "Что делает декодер?", "en": "What does the decoder do?"},
}
INTERVIEW_ANSWER = {
    "ru": "Переобучение — это когда модель запоминает обучающие данные и плохо обобщает на новые. "
          "Помогают регуляризация, кросс-валидация, больше данных и ранняя остановка.",
    "en": "Overfitting is when a model memorises the training data and generalises poorly to new data. "
          "Regularisation, cross-validation, more data and early stopping help.",
}


def movielens_subset(shared_data: Path, out_dir: Path, max_user: int = 12) -> tuple[Path, Path]:
    """Write the MovieLens ratings of users ``1..max_user`` and the movies they rated to ``out_dir``.

    A slice of the real file keeps a browser journey fast (12 users: 1,355 ratings, 1,004 movies;
    training and evaluating every model takes seconds). Nothing is written into the repository.

    Returns:
        ``(ratings.csv, movies.csv)`` paths.
    """
    import pandas as pd

    src = shared_data / "interactions" / "ml-latest-small"
    ratings = pd.read_csv(src / "ratings.csv")
    ratings = ratings[ratings.userId <= max_user]
    movies = pd.read_csv(src / "movies.csv")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / "ratings.csv", out_dir / "movies.csv"
    ratings.to_csv(paths[0], index=False)
    movies[movies.movieId.isin(ratings.movieId)].to_csv(paths[1], index=False)
    return paths


def upload(page, path: Path, nth: int = 0) -> None:
    """Put ``path`` into the ``nth`` file uploader of the page."""
    page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(nth).set_input_files(str(path))


def settle(page, ms: int = 1500) -> None:
    """Wait until Streamlit has finished the current run, then ``ms`` more for late styles."""
    page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                           "?.getAttribute('data-test-script-state') !== 'running'", timeout=LONG_MS)
    page.wait_for_timeout(ms)


_RUNNING = ("() => document.querySelector('[data-testid=stApp]')"
            "?.getAttribute('data-test-script-state') === 'running'")


def click_until(page, button, done, tries: int = 3, start_ms: int = 8000) -> None:
    """Click ``button`` until the locator ``done`` is visible, clicking again when a click was lost.

    On a loaded machine a click that lands while a rerun is redrawing the page can be lost
    (the fresh-clone CI run of 2026-12-02 waited 120 s for the channels answer after a click
    that never started a run). After each click this polls up to ``start_ms`` for ``done`` or
    for a run to start; a started run is waited out (``LONG_MS``) before ``done`` is checked, so
    a slow answer is not asked twice. A click that started neither is repeated, ``tries``
    clicks in all.

    Raises:
        AssertionError: ``done`` never appeared; the message holds the page's visible text.
    """
    for _ in range(tries):
        button.click()
        started = False
        for _ in range(max(1, start_ms // 200)):
            if done.first.is_visible():
                return
            if page.evaluate(_RUNNING):
                started = True
                break
            page.wait_for_timeout(200)
        if not started:
            continue
        settle(page, 0)
        try:
            done.first.wait_for(timeout=5000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: that run was another one
            continue
    text = page.locator("[data-testid=stMain]").inner_text(timeout=5000)
    raise AssertionError(f"{done} never appeared after {tries} clicks; the page shows:\n{text[:3000]}")


def open_page(page, url: str, path: str, title_key: str, lang: str) -> None:
    """Go to ``url/path`` and wait for its title."""
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=re.compile(re.escape(t(title_key, lang)))).first.wait_for(timeout=LONG_MS)
    settle(page)


def _text_of_pdf(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "\n".join(p.get_text() for p in doc)


def flow_reader(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Reader: upload the Attention paper, wait for the summary, ask one question in the interface language."""
    open_page(page, url, "", "reader.title", lang)
    pdf = shared_data / "papers" / "attention_is_all_you_need_1706.03762.pdf"
    upload(page, pdf)
    page.get_by_text(t("reader.summary.done", lang)).first.wait_for(timeout=LONG_MS)
    settle(page)
    yield "summary"
    page.get_by_role("tab", name=re.compile(t("reader.tab.ask", lang))).click()
    box = page.get_by_placeholder(t("reader.ask.placeholder", lang))
    box.fill(QUESTIONS["reader"][lang])
    box.press("Enter")
    page.get_by_role("button", name=re.compile(t("reader.new_conversation", lang))).wait_for(timeout=LONG_MS)
    settle(page)
    yield "answer"
    return [_text_of_pdf(pdf), QUESTIONS["reader"][lang]]


def _posts_text(path: Path) -> str:
    import json

    return "\n".join(m.get("message_text") or "" for m in json.loads(path.read_text(encoding="utf-8")))


def flow_channels(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Channel search: import the ai_newz dump, ask one question."""
    open_page(page, url, "channels", "channels.title", lang)
    dump = shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json"
    head = page.get_by_text(t("channels.import.head", lang)).first
    if not page.get_by_role("button", name=t("channels.import.button", lang), exact=True).is_visible():
        head.click()  # the import panel is folded once a channel is in the library
    upload(page, dump)
    page.get_by_role("button", name=t("channels.import.button", lang), exact=True).click()
    page.get_by_text(re.compile(r"1\.json.*ai_newz")).first.wait_for(timeout=LONG_MS)
    settle(page)
    yield "imported"
    ask = page.get_by_label(t("channels.query.label", lang))
    ask.fill(QUESTIONS["channels"][lang])
    ask.press("Enter")
    page.wait_for_timeout(800)
    page.get_by_role("button", name=t("channels.ask", lang), exact=True).click()
    page.get_by_role("button", name=re.compile(t("channels.new_conversation", lang))).wait_for(timeout=LONG_MS)
    settle(page)
    yield "answer"
    return [_posts_text(dump), QUESTIONS["channels"][lang], "ai_newz 1.json"]


def flow_interview(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Interview: start, answer the first question in the interface language, see the score, open Progress."""
    open_page(page, url, "interview", "interview.title", lang)
    yield "setup"
    page.get_by_role("button", name=t("interview.setup.start", lang)).click()
    answer = page.get_by_label(t("interview.answer.label", lang))
    answer.wait_for(timeout=LONG_MS)
    answer.fill(INTERVIEW_ANSWER[lang])
    page.get_by_role("button", name=t("interview.submit", lang)).click()
    page.get_by_role("button", name=t("interview.next", lang)).and_(page.locator(":enabled")).wait_for(
        timeout=LONG_MS)
    settle(page)
    yield "scored"
    page.get_by_role("tab", name=re.compile(t("interview.tab.progress", lang))).click()
    settle(page)
    yield "progress"
    return [INTERVIEW_ANSWER[lang]]


def flow_lectures(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Lectures: upload the Hugging Face course subtitles in the interface language, ask one question."""
    open_page(page, url, "lectures", "lectures.title", lang)
    srt = shared_data / "media" / "subtitles" / f"hf_course_07_transformer-models-encoder-decoders_{lang}.srt"
    upload(page, srt)
    page.get_by_text(re.compile(re.escape(t("lectures.summary.head", lang)))).first.wait_for(timeout=LONG_MS)
    settle(page)
    yield "chapters"
    ask = page.get_by_label(t("lectures.ask.label", lang))
    ask.fill(QUESTIONS["lectures"][lang])
    page.get_by_role("button", name=t("lectures.ask.button", lang)).click()
    settle(page, 3000)
    yield "answer"
    return [srt.read_text(encoding="utf-8"), QUESTIONS["lectures"][lang], srt.name]


def flow_recommend(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Recommendations: upload a MovieLens slice (ratings and movies), train, see the tables."""
    open_page(page, url, "recommend", "recommend.page.title", lang)
    ratings, movies = movielens_subset(shared_data, tmp / "movielens")
    upload(page, ratings, 0)
    settle(page, 500)
    upload(page, movies, 1)
    settle(page, 500)
    page.get_by_role("button", name=t("recommend.train.button", lang)).click()
    page.locator("[data-testid='stDataFrame']").nth(3).wait_for(timeout=LONG_MS)
    settle(page, 2500)
    yield "trained"
    return [ratings.read_text(encoding="utf-8"), movies.read_text(encoding="utf-8"), ratings.name, movies.name]


def flow_help(page, url: str, lang: str, shared_data: Path, tmp: Path):
    """Help: the page as it opens."""
    open_page(page, url, "help", "help.title", lang)
    yield "first screen"
    return []


FLOWS = {"reader": flow_reader, "channels": flow_channels, "interview": flow_interview,
         "lectures": flow_lectures, "recommend": flow_recommend, "help": flow_help}
"""Page name → flow. A flow is a generator: it yields the name of each screen reached (measure or
photograph the page then) and returns the texts of the material it put on the page."""


def run_flow(name: str, page, url: str, lang: str, shared_data: Path, tmp: Path, on_screen) -> list[str]:
    """Drive one page's flow, calling ``on_screen(screen_name)`` at each screen.

    Returns:
        The material's texts (for :class:`tests.ui_lang_check.DataText`).
    """
    gen = FLOWS[name](page, url, lang, shared_data, tmp)
    while True:
        try:
            screen = next(gen)
        except StopIteration as stop:
            return stop.value or []
        on_screen(screen)


def full_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the viewport is
    made as tall as that block for the shot (at most 8,000 px), then restored."""
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(8000, max(size["height"], int(height) + 20))})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
