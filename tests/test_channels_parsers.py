"""Parsers of channel exports: every real export, each hand-made variant, each malformed case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.channels.parsers import detect_kind, flatten_text, parse_export, username_from_url
from core.errors import MalformedExportError

TG = Path("telegram")


# ------------------------------------------------------------------ real exports
def test_real_desktop_json_russian_channel(shared_data):
    out = parse_export(shared_data / TG / "ru_public_channel_guzelskie_perezalivy" / "result.json")
    assert out.kind == "desktop-json"
    assert out.name == "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ"
    assert len(out.posts) == 1194  # SOURCES.md: 1,201 with non-empty text; 7 are a lone emoji (skipped)
    assert out.skipped == 3719 - 1194
    first = out.posts[0]
    assert first.post_id == 4 and first.date == "2024-09-29T14:14:24"
    assert "#DemonsSouls" in first.text  # hashtag entity flattened into the text
    assert any("(https://www.twitch.tv/guz3lka)" in p.text for p in out.posts)  # text_link kept
    assert all(p.url is None for p in out.posts)  # no username in a Desktop export


def test_real_desktop_json_with_stripped_top_level(shared_data):
    out = parse_export(shared_data / TG / "devtwitter_fa_programming" / "2020.json", username="devtwitter")
    assert out.kind == "desktop-json" and out.name.startswith("DevTwitter")
    assert len(out.posts) >= 560
    assert out.posts[0].url == f"https://t.me/devtwitter/{out.posts[0].post_id}"


def test_real_html_export_follows_next_page(shared_data):
    folder = shared_data / TG / "cybersecurity_privacy_news_en_html"
    out = parse_export(folder / "index.html", username="cybersecurity_news")
    assert out.files == ["index.html", "messages2.html"]
    assert len(out.posts) == 999 + 1000
    assert out.name == "🛡 Cybersecurity & Privacy news 🛡"
    p = out.posts[0]
    assert p.post_id == 25 and p.date == "2018-09-05T16:42:32"
    assert p.text.startswith("🕴 Silence Group Quietly Emerges")
    assert "(https://www.darkreading.com/" in p.text
    assert p.url == "https://t.me/cybersecurity_news/25"
    assert out.posts[-1].date.startswith("2019-01-16")
    # the folder gives the same posts
    assert [x.post_id for x in parse_export(folder).posts] == [x.post_id for x in out.posts]


def test_real_telethon_dump(shared_data):
    out = parse_export(shared_data / TG / "ai_newz_ru_telethon_dump" / "1.json")
    assert out.kind == "flat-json"
    assert out.username == "ai_newz"  # derived from message_url
    assert len(out.posts) == 64
    p = out.posts[0]
    assert p.post_id == 3547 and p.url == "https://t.me/ai_newz/3547"
    assert p.date == "2024-12-16T14:32:01+00:00"
    assert "**" not in p.text  # markdown bold flattened
    assert "Регистрируйтесь (https://gitverse.ru/" in p.text  # markdown link kept as label (url)


# ----------------------------------------------------------------- hand-made files
def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


DESKTOP = {
    "name": "Тестовый канал", "type": "public_channel", "id": 1,
    "messages": [
        {"id": 1, "type": "service", "date": "2024-01-01T10:00:00", "action": "create_channel", "text": ""},
        {"id": 2, "type": "message", "date": "2024-01-02T10:00:00", "date_unixtime": "1704189600",
         "text": ["Смотрите ", {"type": "text_link", "text": "статью", "href": "https://example.org/a"},
                  " и ", {"type": "bold", "text": "выводы"}, {"type": "link", "text": "https://example.org/b"}],
         "text_entities": []},
        {"id": 3, "type": "message", "date": "2024-01-03T10:00:00", "photo": "(File not included.)", "text": ""},
        {"id": 4, "type": "message", "date": "2024-01-04T10:00:00",
         "poll": {"question": "Какой фреймворк лучше?", "answers": [{"text": "PyTorch"}, {"text": "JAX"}]},
         "text": ""},
        {"id": 5, "type": "message", "date": "2024-01-05T10:00:00", "text": "Plain string text"},
        {"id": 6, "type": "message", "date": "2024-01-06T10:00:00", "text": "🔌 !"},  # emoji only: skipped
    ],
}


def test_desktop_json_variants(tmp_path):
    out = parse_export(_write(tmp_path, "result.json", json.dumps(DESKTOP, ensure_ascii=False)),
                       username="@test_channel")
    by_id = {p.post_id: p for p in out.posts}
    assert set(by_id) == {2, 4, 5}  # service and media-only skipped
    assert by_id[2].text == "Смотрите статью (https://example.org/a) и выводыhttps://example.org/b"
    assert "PyTorch" in by_id[4].text and "Какой фреймворк" in by_id[4].text
    assert by_id[5].text == "Plain string text"
    assert by_id[5].url == "https://t.me/test_channel/5"
    assert out.skipped == 3


def test_older_export_without_unixtime_entities_and_top_level_ids(tmp_path):
    old = {"messages": [{"id": 7, "type": "message", "date": "2017-05-01T09:00:00", "text": "Старый пост"}]}
    out = parse_export(_write(tmp_path, "old.json", json.dumps(old, ensure_ascii=False)), name="Old")
    assert out.kind == "desktop-json"
    assert [(p.channel, p.post_id, p.date, p.text) for p in out.posts] == [("Old", 7, "2017-05-01T09:00:00", "Старый пост")]


def test_text_entities_used_when_text_missing():
    assert flatten_text([{"type": "plain", "text": "a "}, {"type": "text_link", "text": "b", "href": "https://x.y"}]) \
        == "a b (https://x.y)"


def test_flat_json_with_id_and_text_fields(tmp_path):
    rows = [{"id": 10, "date": "2023-03-01 12:00:00+00:00", "text": "Hello [docs](https://d.io) **now**"},
            {"id": 11, "date": "2023-03-02 12:00:00+00:00", "text": ""}]
    out = parse_export(_write(tmp_path, "dump.json", json.dumps(rows)), username="t.me/some_chan")
    assert out.kind == "flat-json"
    assert [p.post_id for p in out.posts] == [10]
    assert out.posts[0].text == "Hello [docs](https://d.io) **now**" or out.posts[0].text.startswith("Hello")
    assert out.posts[0].url == "https://t.me/some_chan/10"


def test_csv_dump(tmp_path):
    csv_text = ("message_id,date,message_text,message_url\n"
                "5,2024-02-01 08:00:00+00:00,\"Первый, с запятой\",https://t.me/csvchan/5\n"
                "6,2024-02-02 08:00:00+00:00,Second post,https://t.me/csvchan/6\n"
                "x,bad,Broken row,\n")
    out = parse_export(_write(tmp_path, "dump.csv", csv_text))
    assert out.kind == "csv" and out.username == "csvchan"
    assert [(p.post_id, p.text) for p in out.posts] == [(5, "Первый, с запятой"), (6, "Second post")]
    assert out.skipped == 1


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"/></head><body>
<div class="page_header"><div class="content"><div class="text bold">My Channel</div></div></div>
<div class="history">
<div class="message service" id="message-1"><div class="body details">1 May 2024</div></div>
<div class="message default clearfix" id="message{a}"><div class="body">
<div class="pull_right date details" title="01.05.2024 10:00:00 UTC+03:00">10:00</div>
<div class="from_name">My Channel</div>
<div class="text">Line one<br>see <a href="https://example.org/x">the source</a> &amp; more</div></div></div>
<div class="message default clearfix joined" id="message{b}"><div class="body">
<div class="pull_right date details" title="01.05.2024 11:00:00">11:00</div>
<div class="media_wrap clearfix"><div class="media">photo</div></div></div></div>
</div>{nav}</body></html>"""


def test_html_pages_and_folder(tmp_path):
    _write(tmp_path, "messages.html", HTML_PAGE.format(a=1, b=2, nav='<a class="pagination block_link" href="messages2.html">Next messages</a>'))
    _write(tmp_path, "messages2.html", HTML_PAGE.format(a=3, b=4, nav='<a class="pagination block_link" href="messages.html">Previous</a>'))
    out = parse_export(tmp_path / "messages.html")
    assert out.name == "My Channel"
    assert [p.post_id for p in out.posts] == [1, 3]  # media-only posts skipped
    assert out.posts[0].text == "Line one\nsee the source (https://example.org/x) & more"
    assert out.posts[0].date == "2024-05-01T10:00:00+03:00"
    assert [p.post_id for p in parse_export(tmp_path).posts] == [1, 3]


# ------------------------------------------------------------------- malformed
@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.json", b"", "empty"),
        ("blank.json", b"  \n ", "empty"),
        ("truncated.json", json.dumps(DESKTOP, ensure_ascii=False).encode()[:400], "not complete JSON"),
        ("cp1251.json", '{"name": "Канал", "messages": [{"id": 1, "text": "Привет"}]}'.encode("cp1251"), "UTF-8"),
        ("utf16.json", '{"messages": []}'.encode("utf-16"), "UTF-16"),
        ("nomsg.json", b'{"name": "x", "messages": []}', "no messages"),
        ("nolist.json", b'{"name": "x"}', "no messages"),
        ("onlyservice.json", json.dumps({"messages": [DESKTOP["messages"][0]]}).encode(), "no posts with text"),
        ("other.html", b"<!DOCTYPE html><html><body><h1>Welcome to my blog</h1><p>Hi</p></body></html>",
         "not a Telegram Desktop HTML export"),
        ("empty_list.json", b"[]", "no messages"),
        ("notes.txt", b"just some notes\nnothing else", "not a Telegram export"),
        ("bad.csv", b"a,b\n1,2\n", "no id and text columns"),
        ("cp1251.csv", "id,text\n1,Привет мир\n".encode("cp1251"), "UTF-8"),
    ],
)
def test_malformed_inputs_raise_clear_errors(tmp_path, name, content, needle):
    path = _write(tmp_path, name, content)
    with pytest.raises(MalformedExportError) as err:
        parse_export(path)
    assert needle.lower() in str(err.value).lower()
    assert name in str(err.value) or "no " in str(err.value).lower()


def test_missing_file_and_bad_username(tmp_path):
    with pytest.raises(MalformedExportError, match="does not exist"):
        parse_export(tmp_path / "nope.json")
    good = _write(tmp_path, "r.json", json.dumps(DESKTOP, ensure_ascii=False))
    with pytest.raises(MalformedExportError, match="not a Telegram username"):
        parse_export(good, username="no spaces allowed")


def test_detect_and_username_helpers(tmp_path):
    assert detect_kind(_write(tmp_path, "a.json", b"\xef\xbb\xbf[{}]")) == "flat-json"
    assert username_from_url("https://t.me/ai_newz/3547") == "ai_newz"
    assert username_from_url("https://t.me/c/12345/6") is None
    assert username_from_url(None) is None
