"""The real Telegram bot (python-telegram-bot polling) end to end against a fake Bot API on loopback.

Channel questions on the real ai_newz dump, the interview drill on the shipped bank, a
voice answer from a real recording (JFK, Whisper offline), RU/EN by language_code,
pending updates at start, feedback buttons, and the duplicate/flood guard.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest

from core.api import Services
from core.bot import BOT_USER, FloodGuard, build_application
from core.channels import parse_export
from core.embeddings import get_embedder
from core.settings import Settings
from tests.fake_telegram import TOKEN, FakeBotAPI

RU_USER, EN_USER = 501, 502


def run_bot(settings: Settings, services: Services, script: Callable[[], None]) -> None:
    """Start the bot's real Application (long polling), run ``script`` in a thread, stop."""

    async def main() -> None:
        app = build_application(settings, services, token=TOKEN)
        async with app:
            await app.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
            await app.start()
            try:
                await asyncio.to_thread(script)
            finally:
                await app.updater.stop()
                await app.stop()

    asyncio.run(main())


def _buttons(sent: dict) -> list[tuple[str, str]]:
    markup = sent.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [(b["text"], b.get("callback_data", "")) for row in (markup or {}).get("inline_keyboard", []) for b in row]


@pytest.fixture()
def bot_env(shared_data, tmp_path):
    def make(**kw):
        api = FakeBotAPI().__enter__()
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None,
                            telegram_api_url=api.url, **kw)
        services = Services(settings, embedder=get_embedder())
        posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
        services.library(BOT_USER).import_posts(posts, "ai_newz", "ai_newz")
        made.append(api)
        return api, settings, services

    made: list[FakeBotAPI] = []
    yield make
    for api in made:
        api.__exit__(None, None, None)


def test_channel_questions_pending_updates_feedback_and_languages(bot_env):
    api, settings, services = bot_env()
    # sent while the bot was down: answered once it starts
    api.message(RU_USER, "/start", "ru")
    api.message(RU_USER, "Что умеет платформа GitVerse?", "ru")

    def script() -> None:
        sent = api.wait_sent(2)
        assert "Марго" in sent[0]["text"] and "/interview" in sent[0]["text"]
        answer = sent[1]
        assert "https://t.me/ai_newz/3547" in answer["text"] and "Источники:" in answer["text"]
        thumbs = _buttons(answer)
        assert [t for t, _ in thumbs] == ["👍", "👎"]
        api.press(RU_USER, thumbs[0][1])
        api.message(RU_USER, "Что умеет платформа GitVerse?", "ru")  # the same again at once
        api.message(EN_USER, "/start", "en-GB")
        api.message(EN_USER, "Best borscht recipe with sour cream and garlic?", "en")
        api.message(EN_USER, "/channel", "en")
        sent = api.wait_sent(6)
        by_user = {u: [s for s in sent[2:] if int(s["chat_id"]) == u] for u in (RU_USER, EN_USER)}
        assert "тот же вопрос" in by_user[RU_USER][0]["text"]
        assert by_user[EN_USER][0]["text"].startswith("Hi! I'm Margo")
        assert "Nothing in this channel answers that" in by_user[EN_USER][1]["text"]
        assert _buttons(by_user[EN_USER][1]) == []  # nothing to rate on an abstention
        assert ("ai_newz (64)", "ch:1") in _buttons(by_user[EN_USER][2])
        assert any("Спасибо" in str(a.get("text")) for a in api.callback_answers)
        api.press(EN_USER, "ch:1", "en")
        api.wait_sent(7)

    run_bot(settings, services, script)
    assert "Now answering from “ai_newz”" in api.sent[6]["text"]
    votes = [r[4] for r in services.library(BOT_USER).store.query_rows()]
    assert 1 in votes


def test_interview_drill_text_and_voice(bot_env, shared_data):
    from core.speech.stt import stt_unavailable_reason

    api, settings, services = bot_env()
    bank = services._interview()[0].bank
    api.message(EN_USER, "/interview", "en")

    def script() -> None:
        sent = api.wait_sent(2)
        assert "Let's practise" in sent[0]["text"]
        question = sent[1]["text"].split("\n", 1)[1]
        q = next(q for q in bank.questions if q.text("en") == question)
        api.message(EN_USER, q.ref("en"), "en")  # the reference answer itself scores high
        sent = api.wait_sent(3)
        score = int(sent[2]["text"].split("Score: ")[1].split("/")[0])
        assert score >= 70
        assert ("Next question", "iv:next") in _buttons(sent[2])
        api.press(EN_USER, "iv:next", "en")
        sent = api.wait_sent(4)
        assert sent[3]["text"].startswith("Question (") and sent[3]["text"] != sent[1]["text"]
        if stt_unavailable_reason():
            api.message(EN_USER, "I do not know.", "en")
            api.wait_sent(5)
        else:
            audio = (shared_data / "media" / "en" / "openai_whisper_jfk_11s.flac").read_bytes()
            api.voice(EN_USER, audio, "en")
            sent = api.wait_sent(6, timeout_s=120)
            assert "ask not what your country" in sent[4]["text"].lower()
            assert sent[5]["text"].startswith("Score: ")
        api.message(EN_USER, "/stop", "en")
        api.wait_sent(len(api.sent) + 1)

    run_bot(settings, services, script)
    assert api.sent[-1]["text"].startswith("Practice ended. Answers: 2")
    saved = services.progress_store(f"tg-{EN_USER}").attempts()
    assert len(saved) == 2 and saved[0]["score"] >= 70


def test_flood_guard_limits_and_tells_once(bot_env):
    api, settings, services = bot_env(bot_messages_per_min=3)
    for i in range(6):
        api.message(RU_USER, f"/start {i}", "ru")

    def script() -> None:
        api.wait_sent(4)
        import time

        time.sleep(1.0)  # the two messages after the refusal get no reply

    run_bot(settings, services, script)
    texts = [s["text"] for s in api.sent]
    assert len(texts) == 4 and "Слишком много сообщений" in texts[3]


def test_guard_duplicates_and_window():
    now = [0.0]
    guard = FloodGuard(2, clock=lambda: now[0])
    assert guard.check(1, "Привет").action == "answer"
    assert guard.check(1, " привет ").action == "duplicate"
    assert guard.check(1, "привет").action == "drop"
    assert guard.check(2, "привет").action == "answer"  # another user
    assert guard.check(1, "другое").action == "answer"
    limited = guard.check(1, "третье")
    assert limited.action == "limited" and 0 < limited.retry_after_s <= 60
    assert guard.check(1, "четвёртое").action == "drop"
    now[0] = 61.0
    assert guard.check(1, "пятое").action == "answer"


def test_add_public_channel_by_username(shared_data, tmp_path):
    from tests.tme_replay import PreviewReplayServer

    posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
    with PreviewReplayServer({"ai_newz": ("эйай ньюз", posts)}) as srv, FakeBotAPI() as api:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_api_url=api.url,
                            telegram_web_url=srv.url, telegram_web_delay_s=0, telegram_web_max_pages=2,
                            telegram_admin_ids=str(RU_USER))
        services = Services(settings, embedder=get_embedder())
        api.message(RU_USER, "/add", "ru")
        api.message(RU_USER, "/add @ai_newz", "ru")

        def script() -> None:
            sent = api.wait_sent(3)
            assert "/add @имя_канала" in sent[0]["text"]
            assert "Загружаю посты @ai_newz" in sent[1]["text"]
            assert "Канал «эйай ньюз» подключён: новых постов 40" in sent[2]["text"]
            api.message(RU_USER, "Что умеет платформа GitVerse?", "ru")
            sent = api.wait_sent(4)
            assert "https://t.me/ai_newz/3547" in sent[3]["text"]

        run_bot(settings, services, script)


def test_add_when_t_me_is_unreachable_says_so_in_russian(tmp_path):
    with FakeBotAPI() as api:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_api_url=api.url,
                            telegram_web_url="http://127.0.0.1:9", telegram_web_timeout_s=2,
                            admin_users=f"tg-{RU_USER}")  # an admin through the hosting setting
        services = Services(settings, embedder=get_embedder())
        api.message(RU_USER, "/add @ai_newz", "ru")
        run_bot(settings, services, lambda: api.wait_sent(2))
    assert "Не удалось связаться с t.me; ничего не импортировано" in api.sent[1]["text"]
    assert services.channels(BOT_USER) == []


def test_add_by_a_non_admin_is_refused_in_the_users_language(tmp_path):
    """The channel list is shared by all the bot's users: only admins may change it."""
    with FakeBotAPI() as api:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_api_url=api.url,
                            telegram_web_url="http://127.0.0.1:9", telegram_admin_ids=str(EN_USER))
        services = Services(settings, embedder=get_embedder())
        api.message(RU_USER, "/add @ai_newz", "ru")
        api.message(EN_USER + 1, "/add @ai_newz", "en")
        run_bot(settings, services, lambda: api.wait_sent(2))
    texts = sorted(m["text"] for m in api.sent)
    assert texts == ["That did not work: Only administrators may add channels to the bot's shared list.",
                     "Не получилось: Добавлять каналы в общий список бота могут только администраторы."]
    assert services.channels(BOT_USER) == []


def test_updates_of_one_user_keep_their_order_others_run_meanwhile():
    import datetime

    from telegram import Chat, Message, Update, User

    from core.bot.app import PerUserOrder

    def update(user_id: int, n: int) -> Update:
        return Update(n, message=Message(n, datetime.datetime.now(datetime.UTC), Chat(user_id, "private"),
                                         from_user=User(user_id, False, "u"), text="x"))

    order: list[str] = []

    async def work(tag: str, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        order.append(tag)

    async def main() -> None:
        p = PerUserOrder(8)
        await asyncio.gather(p.process_update(update(1, 1), work("a1", 0.3)),
                             p.process_update(update(1, 2), work("a2", 0.0)),
                             p.process_update(update(2, 3), work("b1", 0.05)))
        assert p._locks == {}

    asyncio.run(main())
    assert order == ["b1", "a1", "a2"]
