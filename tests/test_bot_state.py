"""The bot's per-user state survives a restart (#11): python-telegram-bot's PicklePersistence
under the data folder, only user_data (the live bot object is not pickled)."""

from __future__ import annotations

import asyncio

from core.api.services import Services
from core.bot import BOT_USER, build_application
from core.bot.app import STATE_FILE, bot_persistence
from core.channels import parse_export
from core.embeddings import get_embedder
from core.settings import Settings
from tests.fake_telegram import TOKEN, FakeBotAPI
from tests.test_bot_e2e import EN_USER, RU_USER, run_bot


def test_chosen_channel_survives_a_restart(shared_data, tmp_path):
    with FakeBotAPI() as api:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_api_url=api.url)
        services = Services(settings, embedder=get_embedder())
        posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
        services.library(BOT_USER).import_posts(posts, "ai_newz", "ai_newz")
        api.message(EN_USER, "/start", "en")

        def choose() -> None:
            api.wait_sent(1)
            api.press(EN_USER, "ch:1", "en")
            api.wait_sent(2)

        run_bot(settings, services, choose)
        assert "Now answering from “ai_newz”" in api.sent[1]["text"]
        assert settings.data_dir.joinpath(*STATE_FILE).is_file()  # written on shutdown
        kept = asyncio.run(bot_persistence(settings).get_user_data())
        assert kept[EN_USER]["channel"] == "ai_newz"
        assert "margo" not in asyncio.run(bot_persistence(settings).get_bot_data())  # the live bot is not stored

        # a restarted bot (a new Application on the same data folder) starts with that state

        async def restarted() -> dict:
            app = build_application(settings, services, token=TOKEN)
            async with app:
                return dict(app.user_data)

        assert asyncio.run(restarted())[EN_USER]["channel"] == "ai_newz"


def test_forget_deletes_the_conversation_and_the_progress(shared_data, tmp_path):
    from core.interview.progress import Attempt, ProgressStore
    from core.workspace import Workspace

    with FakeBotAPI() as api:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None, telegram_api_url=api.url)
        services = Services(settings, embedder=get_embedder())
        posts = parse_export(shared_data / "telegram" / "ai_newz_ru_telethon_dump" / "1.json").posts
        services.library(BOT_USER).import_posts(posts, "ai_newz", "ai_newz")
        ws = Workspace.for_user(settings, f"tg-{EN_USER}")
        ProgressStore(ws.scoped(settings).data_dir).record(
            Attempt("s", "q1", "classic_ml", "junior", "en", "Q?", "my answer", 50, 50, 50, 50))
        api.message(EN_USER, "/start", "en")

        def script() -> None:
            api.wait_sent(1)
            api.press(EN_USER, "ch:1", "en")
            api.wait_sent(2)
            api.message(EN_USER, "What can the GitVerse platform do?", "en")
            api.message(RU_USER, "Что умеет платформа GitVerse?", "ru")
            api.wait_sent(4)
            api.message(EN_USER, "/forget", "en")
            api.wait_sent(5)

        run_bot(settings, services, script)
        assert "are deleted" in api.sent[4]["text"]
        # the bot's answer log keeps the other user's question, not the forgotten one's
        logged = [r[2] for r in services.library(BOT_USER).store.query_rows()]
        assert logged == ["Что умеет платформа GitVerse?"]
        assert not ws.root.exists()  # the progress went with the workspace
        assert EN_USER not in asyncio.run(bot_persistence(settings).get_user_data())
        assert services.library(BOT_USER).channels()  # the bot's shared channels stay
