"""The Telegram bot (python-telegram-bot 22): channel questions with post links, an interview drill.

Commands and messages:

* ``/start``: what the bot does, in the user's language (Telegram's ``language_code``:
  Russian for ru and the languages of Russian-reading countries (uk, be, kk) or when
  Telegram does not say, English for every other language).
* ``/channel``: inline buttons to choose the channel answers come from (or all).
* ``/add @name``: connect a public channel by its username (t.me/s web preview import,
  :mod:`core.channels.web`; rate-limited per user like imports on the pages). The channel
  list is shared by all the bot's users, so only admins may add (``telegram_admin_ids``, or
  ``tg-<id>`` in ``admin_users``); others get a refusal in their language.
* errors are answered with ``MargoError.localized`` in the user's language.
* a text message: answered from the chosen channel(s) by
  :func:`core.channels.answer_question` (the same search, abstention and citations as
  the Channel search page), with the cited posts' links and 👍/👎 buttons stored as
  feedback; short follow-ups are searched together with the previous question.
* ``/interview``: the bot asks a bank question, scores the reply (text, or a voice
  message transcribed offline by Whisper, :mod:`core.speech.stt`) and gives feedback,
  then offers the next question; ``/stop`` ends with the mean score. Attempts are saved
  to the user's progress (workspace ``tg-<telegram user id>``) as on the Interview page.

Every message first passes :class:`core.bot.guard.FloodGuard` (per-user rate and
duplicates). Search, scoring and transcription run in worker threads; updates of
different users are handled concurrently, one user's in order (:class:`PerUserOrder`). Channels live in the bot's own workspace (user ``telegram-bot``),
shared by the bot's users; state per user (channel, drill) is in memory.

The Bot API root is ``settings.telegram_api_url`` (tests run a fake Bot API server on
loopback); polling keeps the updates that were pending when the bot started.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)

from ..api.services import Services
from ..errors import AccessError, InputError, MargoError, NetworkError, RateLimitError, SpeechError
from ..i18n import t
from ..interview import TOPIC_TITLES
from ..jobs import heavy_pool
from ..limits import limiter_from_settings
from ..settings import Settings
from .guard import FloodGuard

__all__ = ["BOT_USER", "CONCURRENT_UPDATES", "MAX_MESSAGE_CHARS", "MargoBot", "PerUserOrder", "build_application"]

log = logging.getLogger(__name__)

BOT_USER = "telegram-bot"
"""The workspace the bot's channels live in (one per bot, shared by its users)."""

MAX_MESSAGE_CHARS = 4096
"""Telegram's limit on one message's text (Bot API, sendMessage)."""

_HISTORY_TURNS = 3

CONCURRENT_UPDATES = 8
"""Updates handled at once (different users). The heavy work runs in worker threads on
few cores, so more would only queue there; one user's voice message (about 1-3 s of
Whisper) no longer holds up everybody else's answers."""


class PerUserOrder(BaseUpdateProcessor):
    """Updates of different users run concurrently; one user's updates run in order.

    A drill answer and the ``/stop`` after it, or a question and its follow-up, must be
    handled in the order they were sent; python-telegram-bot's own concurrent mode does
    not keep that order.
    """

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        key = user.id if user else 0
        lock, waiting = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, waiting + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, waiting = self._locks[key]
            if waiting <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


_RUSSIAN_READERS = ("ru", "uk", "be", "kk")


def _lang(update: Update) -> str:
    user = update.effective_user
    prefix = ((user.language_code if user else "") or "").lower()[:2]
    return "ru" if not prefix or prefix in _RUSSIAN_READERS else "en"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


class MargoBot:
    """The bot's handlers over :class:`~core.api.services.Services`.

    Args:
        settings: app settings (``bot_messages_per_min``, rate limits).
        services: the core objects (embedder, channel library, interview scorer).
    """

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self.guard = FloodGuard(settings.bot_messages_per_min)
        self.limiter = limiter_from_settings(settings)

    # ------------------------------------------------------------- helpers
    @property
    def library(self):
        return self.services.library(BOT_USER)

    async def _guarded(self, update: Update, text: str, dedupe: bool = True) -> bool:
        """True when the message may be answered; tells the user once when not."""
        user = update.effective_user
        verdict = self.guard.check(user.id if user else 0, text, dedupe)
        if verdict.action == "answer":
            return True
        lang = _lang(update)
        if verdict.action == "limited":
            await update.effective_message.reply_text(
                t("bot.guard.slow_down", lang, seconds=max(1, round(verdict.retry_after_s))))
        elif verdict.action == "duplicate":
            await update.effective_message.reply_text(t("bot.guard.duplicate", lang))
        return False

    async def _fail(self, update: Update, exc: Exception) -> None:
        lang = _lang(update)
        if isinstance(exc, RateLimitError):
            text = t("bot.guard.slow_down", lang, seconds=max(1, round(exc.retry_after_s)))
        elif isinstance(exc, NetworkError) and not exc.key:
            text = t("bot.error.network", lang, message=exc.localized(lang))
        elif isinstance(exc, MargoError):  # the message in the user's language (core/i18n/errors.py)
            text = t("bot.error", lang, message=exc.localized(lang))
        else:
            log.exception("bot handler failed", exc_info=exc)
            text = t("bot.error.internal", lang)
        if update.effective_message:
            await update.effective_message.reply_text(_clip(text))

    # ------------------------------------------------------------ commands
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start``: the greeting and the commands."""
        if await self._guarded(update, update.effective_message.text or "/start"):
            await update.effective_message.reply_text(t("bot.start", _lang(update)))

    async def channel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/channel``: buttons to choose the channel."""
        if not await self._guarded(update, update.effective_message.text or "/channel"):
            return
        lang = _lang(update)
        channels = await asyncio.to_thread(self.library.channels)
        if not channels:
            await update.effective_message.reply_text(t("bot.channels.none", lang))
            return
        rows = [[InlineKeyboardButton(f"{c.name} ({c.n_posts})", callback_data=f"ch:{c.id}")] for c in channels[:50]]
        rows.append([InlineKeyboardButton(t("bot.channels.all", lang), callback_data="ch:*")])
        await update.effective_message.reply_text(t("bot.channels.choose", lang),
                                                  reply_markup=InlineKeyboardMarkup(rows))

    async def add(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/add @name``: import a public channel from its web preview."""
        if not await self._guarded(update, update.effective_message.text or ""):
            return
        lang = _lang(update)
        user = update.effective_user
        if user is None or user.id not in self.settings.telegram_admins:  # the list is shared by all users
            await self._fail(update, AccessError("Only administrators may add channels to the bot's shared list.",
                                                 key="errors.bot.admin_only"))
            return
        if not context.args:
            await update.effective_message.reply_text(t("bot.add.usage", lang))
            return
        try:
            from ..channels.web import clean_username

            username = clean_username(context.args[0])
            self.limiter.check(f"tg-{update.effective_user.id}", "import")
            await update.effective_message.reply_text(t("bot.add.started", lang, username=username))
            report = await asyncio.to_thread(heavy_pool(self.settings).run, self.services.import_public, BOT_USER,
                                             username)  # #11h: long work through the bounded pool
        except Exception as exc:  # noqa: BLE001 - every failure gets a reply
            await self._fail(update, exc)
            return
        context.user_data["channel"] = report["channel"]
        await update.effective_message.reply_text(t("bot.add.done", lang, name=report["channel"],
                                                    added=report["added"], edited=report["edited"],
                                                    total=report["total_posts"]))

    # ------------------------------------------------------------- answers
    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A text message: an interview answer during a drill, else a channel question."""
        message = update.effective_message
        if not await self._guarded(update, message.text or ""):
            return
        if context.user_data.get("drill", {}).get("current"):
            await self._score(update, context, message.text or "")
            return
        await self._answer(update, context, message.text or "")

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        lang = _lang(update)
        channel = context.user_data.get("channel")
        history = context.user_data.setdefault("history", [])
        try:
            if not await asyncio.to_thread(self.library.channels):
                await update.effective_message.reply_text(t("bot.channels.none", lang))
                return
            self.limiter.check(f"tg-{update.effective_user.id}", "question")
            result = await asyncio.to_thread(self.services.answer, BOT_USER, question,
                                             [channel] if channel else None, 5, list(history),
                                             asker=f"tg-{update.effective_user.id}")
        except Exception as exc:  # noqa: BLE001
            await self._fail(update, exc)
            return
        history.append((question, result["answer"]))
        del history[:-_HISTORY_TURNS]
        text = result["answer"]
        if not result["abstained"] and result["cited"]:
            links = [f"[{n}] {result['results'][n - 1]['url'] or result['results'][n - 1]['channel']}"
                     for n in result["cited"]]
            text += "\n\n" + t("bot.answer.sources", lang) + "\n" + "\n".join(links)
        if result["notice"]:
            text += "\n\n" + result["notice"]
        markup = None
        if not result["abstained"]:
            qid = result["query_id"]
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data=f"fb:{qid}:u"),
                                            InlineKeyboardButton("👎", callback_data=f"fb:{qid}:d")]])
        await update.effective_message.reply_text(_clip(text), reply_markup=markup,
                                                  disable_web_page_preview=True)

    # ----------------------------------------------------------- interview
    async def interview(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/interview``: start a drill and ask the first question."""
        if not await self._guarded(update, update.effective_message.text or "/interview"):
            return
        context.user_data["drill"] = {"asked": [], "current": None, "scores": [], "id": uuid.uuid4().hex[:12],
                                      "seed": update.effective_user.id if update.effective_user else 0}
        await update.effective_message.reply_text(t("bot.interview.start", _lang(update)))
        await self._ask_next(update, context)

    async def _ask_next(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lang = _lang(update)
        drill = context.user_data.get("drill")
        if drill is None:
            await update.effective_message.reply_text(t("bot.interview.not_started", lang))
            return
        try:
            pick = await asyncio.to_thread(self.services.next_question, lang, None, None, drill["asked"],
                                           drill["seed"] + len(drill["asked"]))
        except Exception as exc:  # noqa: BLE001
            await self._fail(update, exc)
            return
        if pick is None:
            drill["current"] = None
            await update.effective_message.reply_text(t("bot.interview.done", lang))
            return
        drill["asked"].append(pick["question_id"])
        drill["current"] = pick["question_id"]
        topic = TOPIC_TITLES.get(pick["topic"], {}).get(lang, pick["topic"])
        await update.effective_message.reply_text(
            t("bot.interview.question", lang, topic=topic, level=pick["level"], question=pick["question"]))

    async def _score(self, update: Update, context: ContextTypes.DEFAULT_TYPE, answer: str) -> None:
        lang = _lang(update)
        drill = context.user_data["drill"]
        try:
            self.limiter.check(f"tg-{update.effective_user.id}", "question")
            result = await asyncio.to_thread(self.services.score, answer, drill["current"], None, None, lang,
                                             user=f"tg-{update.effective_user.id}", session_id=drill["id"])
        except Exception as exc:  # noqa: BLE001
            await self._fail(update, exc)
            return
        drill["scores"].append(result["score"])
        drill["current"] = None
        text = t("bot.interview.score", lang, **{k: result[k] for k in
                                                 ("score", "correctness", "completeness", "structure")})
        text += "\n\n" + result["feedback"]
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(t("bot.interview.next", lang), callback_data="iv:next")]])
        await update.effective_message.reply_text(_clip(text), reply_markup=markup)

    async def stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/stop``: end the drill with the number of answers and the mean score."""
        if not await self._guarded(update, update.effective_message.text or "/stop"):
            return
        lang = _lang(update)
        drill = context.user_data.pop("drill", None)
        if not drill:
            await update.effective_message.reply_text(t("bot.interview.not_started", lang))
            return
        scores = drill["scores"]
        mean = f"{sum(scores) / len(scores):.0f}" if scores else "—"
        await update.effective_message.reply_text(t("bot.interview.stopped", lang, n=len(scores), mean=mean))

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/forget``: delete what the bot keeps about this user (#11h): the conversation
        (chosen channel, last turns, a running drill; also in the persisted state), the
        interview progress (workspace ``tg-<id>``) and their questions in the bot's answer
        log (with their answers and votes)."""
        if not await self._guarded(update, update.effective_message.text or "/forget"):
            return
        lang = _lang(update)
        user_id = update.effective_user.id
        context.user_data.clear()
        context.application.drop_user_data(user_id)  # gone from the persisted state at the next flush
        try:
            await asyncio.to_thread(self.services.delete_user, f"tg-{user_id}")
            await asyncio.to_thread(self.services.forget_asker, BOT_USER, f"tg-{user_id}")
        except Exception as exc:  # noqa: BLE001
            await self._fail(update, exc)
            return
        await update.effective_message.reply_text(t("bot.forget.done", lang))

    async def voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A voice message: transcribed offline and scored as the drill's answer."""
        message = update.effective_message
        voice = message.voice or message.audio
        if not await self._guarded(update, f"voice:{voice.file_unique_id if voice else ''}"):
            return
        lang = _lang(update)
        if not context.user_data.get("drill", {}).get("current"):
            await message.reply_text(t("bot.voice.outside", lang))
            return
        try:
            self.limiter.check(f"tg-{update.effective_user.id}", "speech")
            file = await context.bot.get_file(voice.file_id)
            data = bytes(await file.download_as_bytearray())
            text = await asyncio.to_thread(heavy_pool(self.settings).run, self._transcribe, data, lang)  # #11h
        except (MargoError, OSError) as exc:
            reason = (exc.localized(lang) if isinstance(exc, MargoError) else str(exc)).rstrip(".")
            await message.reply_text(t("bot.voice.failed", lang, reason=reason))
            return
        except Exception as exc:  # noqa: BLE001 - network errors of the Bot API file download
            await message.reply_text(t("bot.voice.failed", lang, reason=type(exc).__name__))
            return
        await message.reply_text(_clip(t("bot.interview.heard", lang, text=text)))
        await self._score(update, context, text)

    def _transcribe(self, data: bytes, lang: str) -> str:
        from ..speech.stt import get_transcriber

        cfg = self.settings
        text = get_transcriber(str(cfg.data_dir), cfg.threads).transcribe(data, lang).text  # type: ignore[arg-type]
        if not text.strip():
            raise SpeechError("no speech was heard")
        return text

    # ------------------------------------------------------------- buttons
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Inline buttons: channel choice, thumbs feedback, next interview question."""
        query = update.callback_query
        lang = _lang(update)
        data = query.data or ""
        if not await self._guarded(update, data, dedupe=False):
            await query.answer()
            return
        try:
            if data.startswith("ch:"):
                key = data[3:]
                if key == "*":
                    context.user_data["channel"] = None
                    await query.answer()
                    await query.message.reply_text(t("bot.channels.chosen_all", lang))
                    return
                match = [c for c in await asyncio.to_thread(self.library.channels) if str(c.id) == key]
                if not match:
                    raise InputError("that channel is no longer connected.")
                context.user_data["channel"] = match[0].name
                context.user_data["history"] = []
                await query.answer()
                await query.message.reply_text(t("bot.channels.chosen", lang, name=match[0].name))
            elif data.startswith("fb:"):
                _, qid, vote = data.split(":")
                await asyncio.to_thread(self.services.feedback, BOT_USER, int(qid), vote == "u")
                await query.answer(t("bot.answer.thanks", lang))
            elif data == "iv:next":
                await query.answer()
                await self._ask_next(update, context)
            else:
                await query.answer(t("bot.answer.expired", lang))
        except Exception as exc:  # noqa: BLE001
            await query.answer()
            await self._fail(update, exc)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Last resort: log it, and tell the user when there is one."""
        log.error("bot update failed: %s", context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_message:
            try:
                await update.effective_message.reply_text(t("bot.error.internal", _lang(update)))
            except Exception:  # noqa: BLE001 - the Bot API itself is failing
                pass


STATE_FILE = ("bot", "state.pickle")
"""Where the bot keeps each user's conversation (chosen channel, last turns, a running drill):
``<data_dir>/bot/state.pickle``, python-telegram-bot's own :class:`PicklePersistence`."""


def bot_persistence(settings: Settings) -> PicklePersistence:
    """The bot's per-user state on disk (#11h): restarts keep conversations.

    Only ``user_data`` is kept (``bot_data`` holds the live :class:`MargoBot`); it is bounded
    per user (``_HISTORY_TURNS`` turns, one drill) and written at most every 60 s and on
    shutdown (python-telegram-bot's default ``update_interval``).
    """
    path = Path(settings.data_dir).joinpath(*STATE_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    return PicklePersistence(filepath=path, single_file=True, update_interval=60,
                             store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                         callback_data=False))


def build_application(settings: Settings, services: Services | None = None, token: str | None = None,
                      **builder_kw: Any) -> Application:
    """The bot's python-telegram-bot Application, ready for ``run_polling``.

    Args:
        settings: ``telegram_token``, ``telegram_api_url`` and the bot limits.
        services: the core objects (default: built from settings; the embedder loads here).
        token: overrides ``settings.telegram_token``.
        **builder_kw: extra ApplicationBuilder calls, e.g. ``get_updates_read_timeout=5``.

    Raises:
        SettingsError: no token.
    """
    from ..errors import SettingsError

    token = token or (settings.telegram_token.get_secret_value() if settings.telegram_token else "")
    if not token:
        raise SettingsError("MARGO_TELEGRAM_TOKEN is not set: get a bot token from @BotFather.")
    root = settings.telegram_api_url.rstrip("/")
    builder = (Application.builder().token(token).base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
               .connect_timeout(10).read_timeout(20).write_timeout(20).concurrent_updates(PerUserOrder())
               .persistence(bot_persistence(settings)))  # #11h: users' conversations survive a restart
    for name, value in builder_kw.items():
        builder = getattr(builder, name)(value)
    app = builder.build()
    bot = MargoBot(settings, services or Services(settings))
    app.bot_data["margo"] = bot
    app.add_handler(CommandHandler("start", bot.start))
    app.add_handler(CommandHandler("help", bot.start))
    app.add_handler(CommandHandler("channel", bot.channel))
    app.add_handler(CommandHandler("add", bot.add))
    app.add_handler(CommandHandler("interview", bot.interview))
    app.add_handler(CommandHandler("stop", bot.stop))
    app.add_handler(CommandHandler("forget", bot.forget))
    app.add_handler(CallbackQueryHandler(bot.button))
    app.add_handler(MessageHandler(filters.VOICE | filters.AUDIO, bot.voice))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bot.text))
    app.add_error_handler(bot.on_error)
    return app
