"""Channel library: import (incremental, edits, malformed input), search relevance, filters, answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.channels import ChannelLibrary, Turn, answer_question, log_answer, record_vote, stats
from core.channels.answer import contextual_query
from core.channels.search import chunk_post, highlight
from core.embeddings import get_embedder
from core.errors import InputError, MalformedExportError
from core.settings import Settings
from core.types import Post

TG = Path("telegram")


@pytest.fixture(scope="session")
def embedder():
    return get_embedder()


@pytest.fixture(scope="session")
def real_library(shared_data, tmp_path_factory, embedder):
    """ai_newz (RU Telethon dump) and the Cybersecurity HTML export (EN), imported once."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("channels") / "data", llm_base_url=None, llm_model=None)
    lib = ChannelLibrary(settings, embedder)
    lib.import_export(shared_data / TG / "ai_newz_ru_telethon_dump" / "1.json")
    lib.import_export(shared_data / TG / "cybersecurity_privacy_news_en_html", name="cybersec", username="cybersec_news")
    return lib


def _post(pid: int, text: str, day: int = 1) -> Post:
    return Post(channel="t", post_id=pid, date=f"2024-03-{day:02d}T12:00:00", text=text)


def _flat_dump(path: Path, posts: list[tuple[int, str, str]]) -> Path:
    path.write_text(json.dumps([{"message_id": i, "date": d, "message_text": t,
                                 "message_url": f"https://t.me/smallchan/{i}"} for i, t, d in posts],
                               ensure_ascii=False), encoding="utf-8")
    return path


SMALL = [
    (1, "Вышла новая версия PyTorch с ускоренной компиляцией моделей.", "2024-01-10 10:00:00+00:00"),
    (2, "Как мы сократили расходы на облачные GPU вдвое: спотовые инстансы и квантизация.", "2024-02-10 10:00:00+00:00"),
    (3, "A short guide to writing unit tests for data pipelines.", "2024-03-10 10:00:00+00:00"),
]


# ------------------------------------------------------------------------ import
def test_real_exports_imported_with_links_and_dates(real_library):
    chans = {c.name: c for c in real_library.channels()}
    assert chans["ai_newz"].n_posts == 64 and chans["ai_newz"].username == "ai_newz"
    assert chans["cybersec"].n_posts == 1999
    assert chans["cybersec"].first_date.startswith("2018-09-05") and chans["cybersec"].last_date.startswith("2019-01-16")


def test_incremental_reimport_adds_only_new_and_edited(tmp_path, settings, embedder):
    lib = ChannelLibrary(settings, embedder)
    first = lib.import_export(_flat_dump(tmp_path / "a.json", SMALL))
    assert (first.channel, first.added, first.total_posts, first.username) == ("smallchan", 3, 3, "smallchan")
    again = lib.import_export(_flat_dump(tmp_path / "a.json", SMALL))
    assert (again.added, again.edited, again.unchanged) == (0, 0, 3)
    newer = SMALL[:2] + [(3, SMALL[2][1] + " Updated with property-based testing.", SMALL[2][2]),
                         (4, "Новый пост про векторные базы данных и поиск по смыслу.", "2024-04-01 10:00:00+00:00")]
    rep = lib.import_export(_flat_dump(tmp_path / "b.json", newer))
    assert (rep.added, rep.edited, rep.unchanged, rep.total_posts) == (1, 1, 2, 4)
    hits = lib.search("property-based testing", k=4)
    assert hits[0].post_id == 3 and "Updated" in hits[0].text
    assert len({h.post_id for h in hits}) == len(hits)  # the old version of post 3 is not returned
    assert hits[0].url == "https://t.me/smallchan/3"


def test_edits_compact_the_index_without_reembedding_errors(settings, embedder):
    lib = ChannelLibrary(settings, embedder)
    posts = [_post(i, f"Post number {i} about topic {i % 3}") for i in range(1, 9)]
    lib.import_posts(posts, "t")
    edited = [_post(i, f"Edited post {i} about gardening and tomatoes") for i in range(1, 5)]
    rep = lib.import_posts(edited, "t")
    assert rep.edited == 4
    loaded = lib._loaded(lib.channels()[0].id)  # noqa: SLF001
    assert loaded.index.ntotal == 8  # 12 rows, a third dead -> compacted back to the 8 live ones
    hits = lib.search("gardening tomatoes", k=8)
    assert {h.post_id for h in hits[:4]} == {1, 2, 3, 4}
    assert all("Edited" in h.text for h in hits[:4])


def test_malformed_export_leaves_channels_intact(tmp_path, settings, embedder):
    lib = ChannelLibrary(settings, embedder)
    lib.import_export(_flat_dump(tmp_path / "a.json", SMALL))
    before = lib.channels()
    index_files = sorted(p.name for p in (settings.data_dir / "channels" / "index").rglob("*"))
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps([{"message_id": 9, "message_text": "x" * 50}])[:30], encoding="utf-8")
    with pytest.raises(MalformedExportError):
        lib.import_export(bad, name="smallchan")
    other = tmp_path / "page.html"
    other.write_text("<html><body><p>Not Telegram</p></body></html>", encoding="utf-8")
    with pytest.raises(MalformedExportError):
        lib.import_export(other, name="smallchan")
    assert lib.channels() == before
    assert sorted(p.name for p in (settings.data_dir / "channels" / "index").rglob("*")) == index_files
    assert lib.search("компиляция моделей PyTorch", k=1)[0].post_id == 1


def test_long_posts_are_chunked_and_point_to_their_post(settings, embedder):
    long_text = " ".join(f"Sentence {i} talks about unrelated filler material." for i in range(80)) + \
        " The final sentence reveals that the secret launch code is pineapple."
    chunks = chunk_post(long_text, 1000)
    assert len(chunks) > 3 and all(len(c) <= 1000 for c in chunks)
    lib = ChannelLibrary(settings, embedder)
    lib.import_posts([_post(1, long_text), _post(2, "Completely different post about cats.")], "t")
    hit = lib.search("secret launch code pineapple", k=1)[0]
    assert hit.post_id == 1 and "pineapple" in hit.chunk and hit.text == long_text


# ------------------------------------------------------------------------ search
@pytest.mark.parametrize(
    ("query", "channel", "expected"),
    [
        ("Сколько стоит новый дорогой тариф ChatGPT с безлимитом?", "ai_newz", {3502, 3507}),
        ("Китайская бесплатная модель, которая рассуждает как o1", "ai_newz", {3445}),
        ("Открытая китайская нейросеть на 13 миллиардов параметров, создающая ролики", "ai_newz", {3485}),
        ("question and answer website intrusion affects a hundred million members", "cybersec", {1478, 1486, 1493}),
        ("printers hijacked to advertise a YouTube star", "cybersec", {1458, 1459, 1663}),
        ("утекли данные сотрудников космического агентства", "cybersec", {1711, 1721}),  # RU question, EN posts
        ("Amazon puts billions more into Anthropic", "ai_newz", {3454, 3498}),  # EN question, RU posts
    ],
)
def test_search_finds_paraphrased_posts(real_library, query, channel, expected):
    hits = real_library.search(query, channels=[channel], k=5)
    assert expected & {h.post_id for h in hits}, [(h.post_id, h.text[:60]) for h in hits]


def test_search_across_channels_dates_and_sort(real_library):
    both = real_library.search("утечка паролей пользователей", k=10)
    assert {h.channel for h in both} <= {"ai_newz", "cybersec"}
    cyber = real_library.search("data breach", channels=["CYBERSEC"], k=10, date_from="2018-12-01",
                                date_to="2018-12-31", sort="date")
    assert cyber and all(h.date.startswith("2018-12") for h in cyber)
    assert [h.date for h in cyber] == sorted((h.date for h in cyber), reverse=True)
    assert all(h.url == f"https://t.me/cybersec_news/{h.post_id}" for h in cyber)
    for mode in ("dense", "bm25", "rrf"):
        assert real_library.search("Marriott breach", channels=["cybersec"], k=3, mode=mode)
    with pytest.raises(InputError, match="No channel called"):
        real_library.search("x", channels=["nope"])
    with pytest.raises(InputError):
        real_library.search("   ")
    with pytest.raises(InputError, match="not a date"):
        real_library.search("x", date_from="yesterday")


def test_highlight_marks_stemmed_matches():
    snippet = highlight("Новые нейросети генерируют видео за секунды.", "нейросеть видео")
    assert "**нейросети**" in snippet and "**видео**" in snippet


# ---------------------------------------------------------------------- answers
def test_offline_answer_cites_posts_and_abstains(real_library):
    ans, hits = answer_question(real_library, "Сколько стоит подписка ChatGPT Pro?", channels=["ai_newz"], k=5)
    assert not ans.abstained and ans.mode == "extractive"
    assert "[1]" in ans.text and ans.lang == "ru"
    assert ans.citations == hits  # [n] is hits[n-1], the results as shown
    cited = [hits[n - 1] for n in ans.cited]
    assert cited and all(c.url.startswith("https://t.me/ai_newz/") for c in cited)
    assert {3502, 3507} & {c.post_id for c in cited}
    by_date, dated_hits = answer_question(real_library, "Сколько стоит подписка ChatGPT Pro?", channels=["ai_newz"],
                                          k=5, sort="date")
    assert [h.date for h in dated_hits] == sorted((h.date for h in dated_hits), reverse=True)
    assert {3502, 3507} & {dated_hits[n - 1].post_id for n in by_date.cited}  # numbers follow the shown order
    off, _ = answer_question(real_library, "рецепт борща со свёклой и сметаной", channels=["ai_newz"])
    assert off.abstained and "нет ответа" in off.text
    off_en, _ = answer_question(real_library, "how to teach a puppy to sit", channels=["cybersec"])
    assert off_en.abstained and "Nothing in this channel" in off_en.text


def test_follow_up_uses_conversation_context(real_library):
    history = [Turn("Что известно про утечку данных постояльцев отелей Marriott?", "…")]
    query = contextual_query("А сколько гостей пострадало?", history)
    assert "Marriott" in query
    ans, hits = answer_question(real_library, "А сколько гостей пострадало?", channels=["cybersec"], k=5,
                                history=history)
    assert any("Marriott" in h.text or "Starwood" in h.text for h in hits[:3])
    assert contextual_query("A long standalone question about something else entirely with many words here",
                            history).startswith("A long")


def test_feedback_stats(settings, embedder, real_library):
    ans, _ = answer_question(real_library, "Marriott breach", channels=["cybersec"], k=3)
    store = ChannelLibrary(settings, embedder).store
    q1 = log_answer(store, "Marriott breach", ["cybersec"], ans)
    q2 = log_answer(store, "second", ["cybersec"], ans)
    off, _ = answer_question(real_library, "how to teach a puppy to sit", channels=["cybersec"])
    log_answer(store, "puppy", ["cybersec"], off)
    record_vote(store, q1, True)
    record_vote(store, q2, False)
    s = stats(store)
    assert (s.queries, s.voted, s.liked, s.no_answer) == (3, 2, 1, 1)
    assert s.liked_share == 0.5 and s.recent_disliked == ["second"]
    rows = store.query_rows()
    assert json.loads(rows[0][5])[0]["url"].startswith("https://t.me/cybersec_news/")


def test_all_channels_search_keeps_cross_lingual_matches(real_library):
    """A Russian question over every channel still finds the English posts that answer it
    (RRF buried them under Russian posts sharing one common word)."""
    hits = real_library.search("Что известно про утечку данных клиентов отелей?", k=5)
    assert {1435, 1439, 1441, 1444, 1446, 1447, 1453, 1466, 1469, 1510} & {h.post_id for h in hits[:3]}
    assert hits[0].channel == "cybersec"


def test_bare_name_query_finds_mentions_and_answers(real_library):
    ans, hits = answer_question(real_library, "Magecart", channels=["cybersec"], k=5)
    assert all("magecart" in h.text.lower() for h in hits)
    assert not ans.abstained and ans.cited


def test_hits_are_typed_core_hits_fused_by_the_core(real_library):
    """Channel search runs on core.retrieval: each post carries a core Hit, and the hybrid
    score is fuse(method="linear"): cosine + 0.2 x the BM25 share of the ceiling."""
    from core.channels.search import HYBRID_BM25_WEIGHT
    from core.retrieval import Hit

    hits = real_library.search("Marriott Starwood guest data breach", channels=["cybersec"], k=5)
    assert hits and all(isinstance(h.hit, Hit) and h.hit.post_id == h.post_id for h in hits)
    top = hits[0].hit
    assert top.node.metadata["channel"] == "cybersec" and top.bm25_rank is not None and top.bm25 > 0
    assert top.dense is None or top.dense == pytest.approx(hits[0].cosine, abs=1e-5)
    # lexical = BM25/ceiling x coverage; every query term is in this channel's vocabulary here
    assert hits[0].score == pytest.approx(hits[0].cosine + HYBRID_BM25_WEIGHT * hits[0].lexical, abs=1e-5)
    rrf = real_library.search("Marriott Starwood guest data breach", channels=["cybersec"], k=5, mode="rrf")
    assert rrf[0].score <= 2 / 61 + 1e-9 and rrf[0].hit.dense_rank is not None
