"""UI strings of the Channel search page (pages/channels.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "channels.title": {"ru": "Поиск по каналам", "en": "Channel search"},
    "channels.caption": {
        "ru": "Загрузите экспорт Telegram-канала и задавайте вопросы по-русски или по-английски. Марго ищет "
              "посты по смыслу, а не только по словам, отвечает по ним и даёт ссылку на пост к каждому "
              "утверждению.",
        "en": "Import a Telegram channel's export and ask it questions in Russian or English. Margo finds posts "
              "by meaning, not only by words, answers from them and links every claim to its post.",
    },
    # Import.
    "channels.import.head": {"ru": "Загрузить канал", "en": "Import a channel"},
    "channels.import.how": {
        "ru": "Telegram Desktop → канал → ⋮ → «Экспорт истории чата», в формате JSON или HTML (для HTML "
              "загрузите все страницы сразу). Подойдёт и выгрузка JSON/CSV из скрипта. Повторная загрузка "
              "нового экспорта того же канала добавит только новые и изменённые посты.",
        "en": "Telegram Desktop → channel → ⋮ → Export chat history, as JSON or HTML (for HTML upload all its "
              "pages at once). A JSON/CSV dump from a script works too. Importing a newer export of the same "
              "channel adds only new and edited posts.",
    },
    "channels.import.files": {"ru": "Файлы экспорта", "en": "Export files"},
    "channels.import.name": {"ru": "Название канала (необязательно)", "en": "Channel name (optional)"},
    "channels.import.name_help": {
        "ru": "По умолчанию — название из экспорта. Укажите то же название, чтобы обновить канал.",
        "en": "Default: the name in the export. Use the same name to update a channel.",
    },
    "channels.import.username": {"ru": "Публичное имя (необязательно)", "en": "Public username (optional)"},
    "channels.import.username_help": {
        "ru": "Для ссылок на посты вида https://t.me/<имя>/<номер>.",
        "en": "Used for post links https://t.me/<username>/<id>.",
    },
    "channels.import.button": {"ru": "Загрузить", "en": "Import"},
    "channels.import.too_big": {
        "ru": "Файлы занимают {mb} МБ, а предел — {limit} МБ. Большие экспорты загружает администратор "
              "через командную строку.",
        "en": "The files are {mb} MB; the limit is {limit} MB. The administrator can import larger exports "
              "from the command line.",
    },
    "channels.import.embedding": {"ru": "Индексирую посты…", "en": "Embedding posts…"},
    "channels.import.progress": {"ru": "{file}: индексирую {done} из {total}…", "en": "{file}: embedding {done}/{total}…"},
    "channels.import.done": {
        "ru": "**{file}** → **{channel}**: новых {added}, изменённых {edited}, без изменений {unchanged} "
              "(пропущено сообщений без текста: {skipped}); всего в канале {total} постов.",
        "en": "**{file}** → **{channel}**: {added} new, {edited} edited, {unchanged} unchanged posts "
              "({skipped} messages without text skipped); {total} posts in total.",
    },
    "channels.import.nothing_new": {
        "ru": "**{file}**: новых постов нет — все {unchanged} уже есть в канале «{channel}».",
        "en": "**{file}**: no new posts — all {unchanged} are already in “{channel}”.",
    },
    "channels.import.failed": {"ru": "**{file}**: не загружен. {error}", "en": "**{file}**: not imported. {error}"},
    # Import failures said in the interface's language (the English detail is the core's message).
    "channels.error.MalformedExportError": {
        "ru": "Файл не похож на экспорт канала: нужен JSON или HTML из Telegram Desktop либо JSON/CSV из скрипта.",
        "en": "The file does not look like a channel export: use Telegram Desktop's JSON or HTML, or a JSON/CSV dump.",
    },
    "channels.error.TooLargeError": {"ru": "Файл слишком большой для загрузки через страницу.",
                                     "en": "The file is too large to import from the page."},
    "channels.error.StorageError": {"ru": "Не удалось сохранить канал: на сервере не хватает места или нет доступа.",
                                    "en": "The channel could not be saved: the server is out of space or access."},
    "channels.error.QuotaError": {"ru": "Превышен объём хранилища для ваших данных.",
                                  "en": "Your storage quota is used up."},
    "channels.start": {"ru": "Загрузите экспорт канала, чтобы начать.", "en": "Import a channel export to begin."},
    # Channel list.
    "channels.list.head": {"ru": "Каналы ({n})", "en": "Channels ({n})"},
    "channels.list.channel": {"ru": "Канал", "en": "Channel"},
    "channels.list.posts": {"ru": "Постов", "en": "Posts"},
    "channels.list.from": {"ru": "С", "en": "From"},
    "channels.list.to": {"ru": "По", "en": "To"},
    "channels.list.username": {"ru": "Имя", "en": "Username"},
    "channels.list.format": {"ru": "Формат", "en": "Format"},
    "channels.remove.pick": {"ru": "Удалить канал", "en": "Remove a channel"},
    "channels.remove.button": {"ru": "Удалить", "en": "Remove"},
    # Search.
    "channels.query.label": {"ru": "Ваш вопрос", "en": "Your question"},
    "channels.query.placeholder": {
        "ru": "Например: что писали про генерацию видео?",
        "en": "For example: what was said about data breaches?",
    },
    "channels.filter.channels": {"ru": "Каналы", "en": "Channels"},
    "channels.filter.all": {"ru": "Все каналы", "en": "All channels"},
    "channels.filter.dates": {"ru": "Период", "en": "Date range"},
    "channels.filter.dates_help": {"ru": "Оставьте пустым, чтобы искать за всё время.",
                                   "en": "Leave empty for all dates."},
    "channels.sort.label": {"ru": "Порядок", "en": "Sort"},
    "channels.sort.relevance": {"ru": "по смыслу", "en": "relevance"},
    "channels.sort.date": {"ru": "по дате", "en": "date"},
    "channels.k.label": {"ru": "Постов", "en": "Posts"},
    "channels.ask": {"ru": "Спросить", "en": "Ask"},
    "channels.new_conversation": {"ru": "Новый разговор", "en": "New conversation"},
    "channels.conversation": {
        "ru": "Разговор: {chain}. Уточняющий вопрос («а когда?», «сколько их?») продолжит его; новый вопрос "
              "ищется отдельно.",
        "en": "Conversation: {chain}. A follow-up (“and when?”, “how many?”) continues it; a new question is "
              "searched on its own.",
    },
    "channels.type_first": {"ru": "Сначала напишите вопрос.", "en": "Type a question first."},
    "channels.searching": {"ru": "Ищу…", "en": "Searching…"},
    # Answer.
    "channels.post_ref": {"ru": "{channel} · {date} · пост {post}", "en": "{channel} · {date} · post {post}"},
    "channels.mode.llm": {"ru": "языковая модель", "en": "language model"},
    "channels.mode.extractive": {"ru": "цитаты из постов", "en": "quotes from the posts"},
    "channels.answer.meta": {"ru": "Ответ: {mode} · сходство лучшего поста {evidence}",
                             "en": "Answer: {mode} · best match {evidence}"},
    "channels.answer.followup": {"ru": " · уточнение к предыдущему вопросу, искала: «{query}»",
                                 "en": " · follow-up to the previous question, searched: “{query}”"},
    "channels.vote.thanks": {"ru": "Спасибо, учтено.", "en": "Thanks, noted."},
    "channels.posts.head": {"ru": "Посты ({n})", "en": "Posts ({n})"},
    "channels.posts.none": {"ru": "Подходящих постов нет.", "en": "No posts matched."},
    "channels.posts.open": {"ru": "открыть пост", "en": "open post"},
    "channels.posts.score": {"ru": "сходство {score}", "en": "score {score}"},
    # Statistics.
    "channels.stats.head": {"ru": "Статистика", "en": "Statistics"},
    "channels.stats.asked": {"ru": "Задано вопросов", "en": "Questions asked"},
    "channels.stats.liked": {"ru": "Понравившиеся ответы", "en": "Liked answers"},
    "channels.stats.liked_help": {"ru": "{liked} из {voted} оценок", "en": "{liked} of {voted} votes"},
    "channels.stats.no_answer": {"ru": "Без ответа", "en": "No answer found"},
    "channels.stats.disliked": {"ru": "Недавние ответы с оценкой «не понравилось»: {items}",
                                "en": "Recent answers voted down: {items}"},
}
