"""Texts of the Telegram bot (core/bot), Russian and English; the user's Telegram language picks one."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "bot.start": {
        "ru": "Привет! Я Марго. Спросите меня о канале — отвечу со ссылками на посты, а если ответа "
              "в канале нет, так и скажу.\n\n"
              "/channel — выбрать канал\n/add @имя — подключить публичный канал\n"
              "/interview — тренировка ML-собеседования (можно отвечать голосом)\n/stop — закончить тренировку\n"
              "/forget — удалить мои данные (разговор и прогресс тренировок)",
        "en": "Hi! I'm Margo. Ask me about a channel: I answer with links to its posts, and say so when "
              "the channel has no answer.\n\n"
              "/channel: choose a channel\n/add @name: connect a public channel\n"
              "/interview: ML interview practice (voice answers work too)\n/stop: end the practice\n"
              "/forget: delete my data (the conversation and practice progress)",
    },
    "bot.channels.none": {
        "ru": "Пока нет ни одного канала. Подключите публичный канал: /add @имя_канала",
        "en": "No channels yet. Connect a public channel: /add @channel_name",
    },
    "bot.channels.choose": {"ru": "Выберите канал:", "en": "Choose a channel:"},
    "bot.channels.all": {"ru": "Все каналы", "en": "All channels"},
    "bot.channels.chosen": {
        "ru": "Теперь отвечаю по каналу «{name}». Задайте вопрос.",
        "en": "Now answering from “{name}”. Ask a question.",
    },
    "bot.channels.chosen_all": {
        "ru": "Теперь отвечаю по всем каналам. Задайте вопрос.",
        "en": "Now answering from all channels. Ask a question.",
    },
    "bot.add.usage": {
        "ru": "Напишите имя публичного канала: /add @имя_канала",
        "en": "Give a public channel's name: /add @channel_name",
    },
    "bot.add.started": {
        "ru": "Загружаю посты @{username} из веб-превью Telegram…",
        "en": "Fetching @{username}'s posts from Telegram's web preview…",
    },
    "bot.add.done": {
        "ru": "Канал «{name}» подключён: новых постов {added}, изменённых {edited}, всего {total}.",
        "en": "Channel “{name}” connected: {added} new posts, {edited} edited, {total} in all.",
    },
    "bot.answer.sources": {"ru": "Источники:", "en": "Sources:"},
    "bot.answer.thanks": {"ru": "Спасибо за оценку!", "en": "Thanks for the feedback!"},
    "bot.answer.expired": {
        "ru": "Этот ответ уже нельзя оценить.", "en": "This answer can no longer be rated.",
    },
    "bot.interview.start": {
        "ru": "Начинаем тренировку. Отвечайте текстом или голосовым сообщением. /stop — закончить.",
        "en": "Let's practise. Answer in text or with a voice message. /stop ends it.",
    },
    "bot.interview.question": {"ru": "Вопрос ({topic}, {level}):\n{question}",
                               "en": "Question ({topic}, {level}):\n{question}"},
    "bot.interview.score": {
        "ru": "Оценка: {score}/100 (правильность {correctness}, полнота {completeness}, структура {structure}).",
        "en": "Score: {score}/100 (correctness {correctness}, completeness {completeness}, structure {structure}).",
    },
    "bot.interview.heard": {"ru": "Распознано: «{text}»", "en": "I heard: “{text}”"},
    "bot.interview.next": {"ru": "Следующий вопрос", "en": "Next question"},
    "bot.interview.done": {
        "ru": "Вопросы по выбранным темам закончились. Отличная работа!",
        "en": "No questions left on these topics. Well done!",
    },
    "bot.forget.done": {  # #11h
        "ru": "Готово: ваш разговор со мной и прогресс тренировок удалены.",
        "en": "Done: your conversation with me and your practice progress are deleted.",
    },
    "bot.interview.stopped": {
        "ru": "Тренировка закончена. Ответов: {n}, средняя оценка {mean}.",
        "en": "Practice ended. Answers: {n}, mean score {mean}.",
    },
    "bot.interview.not_started": {
        "ru": "Тренировка не запущена: /interview", "en": "No practice running: /interview",
    },
    "bot.voice.outside": {
        "ru": "Голосовые сообщения я понимаю в тренировке собеседования: /interview. Вопрос о канале напишите текстом.",
        "en": "I take voice messages in interview practice (/interview). Type questions about a channel.",
    },
    "bot.voice.failed": {
        "ru": "Не удалось распознать голосовое сообщение: {reason}. Напишите ответ текстом.",
        "en": "Could not transcribe the voice message: {reason}. Please type the answer.",
    },
    "bot.guard.slow_down": {
        "ru": "Слишком много сообщений. Подождите {seconds} с и попробуйте снова.",
        "en": "Too many messages. Wait {seconds} s and try again.",
    },
    "bot.guard.duplicate": {
        "ru": "Это тот же вопрос, что и только что: ответ выше.",
        "en": "That is the same question as a moment ago: the answer is above.",
    },
    "bot.error": {
        "ru": "Не получилось: {message}", "en": "That did not work: {message}",
    },
    "bot.error.network": {
        "ru": "Telegram (t.me) сейчас не отвечает, ничего не загружено. Попробуйте позже. ({message})",
        "en": "Telegram (t.me) is not answering right now; nothing was imported. Try again later. ({message})",
    },
    "bot.error.internal": {
        "ru": "Что-то пошло не так на моей стороне. Попробуйте ещё раз чуть позже.",
        "en": "Something went wrong on my side. Please try again a bit later.",
    },
}
