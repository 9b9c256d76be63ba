"""Channel search page: adding a public channel by its @username (t.me/s web preview, #15)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "channels_web.head": {"ru": "Добавить публичный канал по @имени", "en": "Add a public channel by @username"},
    "channels_web.how": {
        "ru": "Margo прочитает недавние посты с веб-страницы канала t.me/s/<имя> (без аккаунта Telegram; "
              "нужен интернет). Повторное добавление догружает только новые посты.",
        "en": "Margo reads the channel's recent posts from its web page t.me/s/<name> (no Telegram account; "
              "needs the internet). Adding it again fetches only the new posts.",
    },
    "channels_web.username": {"ru": "Имя канала", "en": "Channel username"},
    "channels_web.pages": {
        "ru": "Страниц не больше (≈20 постов на странице)", "en": "At most this many pages (≈20 posts a page)",
    },
    "channels_web.button": {"ru": "Добавить канал", "en": "Add channel"},
    "channels_web.fetching": {"ru": "Загружаю страницу {done} из {total}…", "en": "Fetching page {done} of {total}…"},
    "channels_web.embedding": {"ru": "Индексирую посты: {done} из {total}", "en": "Indexing posts: {done} of {total}"},
    "channels_web.done": {
        "ru": "«{channel}»: новых постов {added}, изменённых {edited}, без изменений {unchanged}; "
              "всего {total}. Прочитано страниц: {pages}.",
        "en": "“{channel}”: {added} new posts, {edited} edited, {unchanged} unchanged; {total} in all. "
              "Pages read: {pages}.",
    },
    "channels_web.failed": {"ru": "Не удалось добавить канал: {error}", "en": "Could not add the channel: {error}"},
}
