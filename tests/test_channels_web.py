"""Public channels by @username: parse the t.me/s preview, page through it, import incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.channels import ChannelLibrary, answer_question, parse_export
from core.channels.web import clean_username, fetch_preview, import_public_channel, parse_preview
from core.embeddings import get_embedder
from core.errors import InputError, NetworkError
from core.settings import Settings
from core.types import Post
from tests.tme_replay import PAGE_POSTS, PreviewReplayServer

RECORDED = Path(__file__).parent / "data" / "tme" / "ai_newz_page.html"


@pytest.fixture(scope="module")
def ai_newz_posts(shared_data) -> list[Post]:
    """The 100 real posts of the ai_newz Telethon dump (RU), to replay as preview pages."""
    return parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts


def _settings(tmp_path: Path, url: str, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_web_url=url,
                    telegram_web_delay_s=kw.pop("delay", 0.0), **kw)


def test_recorded_page_is_parsed_like_telegram_shows_it():
    page = parse_preview(RECORDED.read_bytes(), "ai_newz")
    assert page.title == "эйай ньюз"
    assert page.before == 3528
    assert [p.post_id for p in page.posts] == [3528, 3530]  # 3529 photo only, 3531 service message
    assert page.skipped == 2
    first, second = page.posts
    assert first.date == "2024-12-11T16:05:12+00:00"
    assert first.url == "https://t.me/ai_newz/3528"
    assert first.text.startswith("Gemini 2.0 Flash\n\nGoogle выпустила")
    assert "блоге (https://blog.google/technology/" in first.text  # link kept as "label (url)"
    assert "#google" in first.text and "?q=" not in first.text
    # the quoted reply and the link preview are not part of the post's own text
    assert second.text == "🔥 Добавили Deep Research в Gemini Advanced: агент сам ищет источники и пишет отчёт."


@pytest.mark.parametrize("raw,user", [("@ai_newz", "ai_newz"), ("https://t.me/s/ai_newz/3547", "ai_newz"),
                                      ("t.me/ai_newz", "ai_newz"), (" ai_newz ", "ai_newz")])
def test_username_forms(raw, user):
    assert clean_username(raw) == user


@pytest.mark.parametrize("raw", ["", "@ab", "https://t.me/+AbCdEf123", "hello world", "1channel"])
def test_bad_usernames_are_refused(raw):
    with pytest.raises(InputError):
        clean_username(raw)


def test_pages_are_followed_with_a_polite_delay_and_a_cap(tmp_path, ai_newz_posts):
    with PreviewReplayServer({"ai_newz": ("эйай ньюз", ai_newz_posts)}) as srv:
        got = fetch_preview("@ai_newz", _settings(tmp_path, srv.url, delay=0.05))
        assert got.stopped == "oldest"
        assert got.pages == -(-len(ai_newz_posts) // PAGE_POSTS)
        assert [p.post_id for p in got.posts] == sorted(p.post_id for p in ai_newz_posts)
        gaps = [b[0] - a[0] for a, b in zip(srv.requests, srv.requests[1:], strict=False)]
        assert min(gaps) >= 0.05
        assert "before=" in srv.requests[1][1]
        srv.requests.clear()
        capped = fetch_preview("ai_newz", _settings(tmp_path, srv.url), max_pages=2)
        assert capped.stopped == "page_cap" and capped.pages == 2 and len(srv.requests) == 2
        assert len(capped.posts) == 2 * PAGE_POSTS
        assert capped.posts[-1].post_id == max(p.post_id for p in ai_newz_posts)  # newest pages first


def test_import_is_searchable_and_incremental(tmp_path, ai_newz_posts):
    embedder = get_embedder()
    new = sorted(ai_newz_posts, key=lambda p: p.post_id)
    old = new[:-10]  # later the channel has 10 more posts, and one already stored is edited
    with PreviewReplayServer({"ai_newz": ("эйай ньюз", old)}) as srv:
        lib = ChannelLibrary(_settings(tmp_path, srv.url), embedder)
        report, fetched = import_public_channel(lib, "@ai_newz")
    assert report.kind == "web-preview" and report.added == len(old) and report.channel == "эйай ньюз"
    (info,) = lib.channels()
    assert info.username == "ai_newz" and info.n_posts == len(old)
    edited_id = new[-12].post_id  # on the newest page, already stored
    edited = [Post(p.channel, p.post_id, p.date, p.text + " Обновлено.", p.url) if p.post_id == edited_id else p
              for p in new]
    with PreviewReplayServer({"ai_newz": ("эйай ньюз", edited)}) as srv:
        lib2 = ChannelLibrary(_settings(tmp_path, srv.url), embedder)
        report2, fetched2 = import_public_channel(lib2, "t.me/ai_newz")
        assert fetched2.stopped == "known" and fetched2.pages == 1  # stored posts reached on the first page
    assert report2.channel == "эйай ньюз"
    assert (report2.added, report2.edited) == (10, 1)
    assert lib2.channels()[0].n_posts == len(new)
    ans, hits = answer_question(lib2, "GitVerse платформа для исходного кода", k=5)
    assert not ans.abstained
    assert hits[0].url == "https://t.me/ai_newz/3547"


def test_not_a_public_channel_and_network_failures(tmp_path):
    with PreviewReplayServer({}) as srv:
        with pytest.raises(InputError, match="no public web preview"):
            fetch_preview("@private_group", _settings(tmp_path, srv.url))
    with PreviewReplayServer({}, status=429) as srv:
        with pytest.raises(NetworkError, match="429"):
            fetch_preview("@ai_newz", _settings(tmp_path, srv.url))
    with PreviewReplayServer({}, delay_s=1.0) as srv:
        with pytest.raises(NetworkError, match="did not answer"):
            fetch_preview("@ai_newz", _settings(tmp_path, srv.url, telegram_web_timeout_s=0.2))
    with pytest.raises(NetworkError, match="Could not reach"):
        fetch_preview("@ai_newz", _settings(tmp_path, "http://127.0.0.1:9"))


def test_channel_page_adds_a_channel_by_username(tmp_path, monkeypatch, ai_newz_posts):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from core.settings import PROJECT_ROOT

    with PreviewReplayServer({"ai_newz": ("эйай ньюз", ai_newz_posts)}) as srv:
        for key, value in {"DATA_DIR": str(tmp_path / "data"), "SECRETS_FILE": str(tmp_path / "none.toml"),
                           "UI_LANG": "ru", "LLM_PROBE_LOCAL": "false", "TELEGRAM_WEB_URL": srv.url,
                           "TELEGRAM_WEB_DELAY_S": "0"}.items():
            monkeypatch.setenv(f"MARGO_{key}", value)
        monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
        st.cache_resource.clear()
        try:
            at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
            at.run()
            at.switch_page("pages/channels.py").run()
            at.text_input(key="channels_web_username").set_value("@ai_newz").run()
            at.number_input(key="channels_web_pages").set_value(2).run()
            at.button(key="channels_web_add").click().run()
            assert not at.exception, at.exception
            assert at.success and "«эйай ньюз»: новых постов 40" in at.success[0].value
            at.text_input(key="channels_web_username").set_value("@no_such_channel").run()
            at.button(key="channels_web_add").click().run()
            assert at.error and "Не удалось добавить канал" in at.error[0].value
        finally:
            st.cache_resource.clear()


def test_oversized_page_and_comments(tmp_path):
    import httpx

    from core.channels.web import MAX_PAGE_BYTES

    huge = httpx.MockTransport(lambda request: httpx.Response(200, content=b"<html>" + b" " * (MAX_PAGE_BYTES + 1)))
    with pytest.raises(NetworkError, match="over 5 MB"):
        fetch_preview("@ai_newz", _settings(tmp_path, "http://t.example"), transport=huge)
    page = parse_preview('<div class="tgme_widget_message" data-post="chan_x/7"><div class="tgme_widget_message_text">'
                         'Первая строка<!-- a comment --><br>вторая <b>строка</b></div>'
                         '<time datetime="2024-01-02T03:04:05+00:00"></time></div>', "chan_x")
    assert [(p.post_id, p.text, p.date) for p in page.posts] == [(7, "Первая строка\nвторая строка",
                                                                   "2024-01-02T03:04:05+00:00")]
