"""UI strings of hosting for many users (#11): who you are, your data, limits, failed saves."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "hosting.account.local": {
        "ru": ":material/person: Данные хранятся на этом компьютере.",
        "en": ":material/person: Your data is kept on this computer.",
    },
    "hosting.account.signed_in": {
        "ru": ":material/verified_user: Вы вошли как **{who}**. Ваши статьи, каналы и прогресс видите только вы.",
        "en": ":material/verified_user: Signed in as **{who}**. Only you see your papers, channels and progress.",
    },
    "hosting.account.anonymous": {
        "ru": ":material/person_off: **Анонимная сессия.** Ваши статьи, каналы и прогресс видны только в этой "
              "вкладке браузера и удаляются после её закрытия (не позже чем через сутки).",
        "en": ":material/person_off: **Anonymous session.** Your papers, channels and progress are visible only "
              "in this browser tab and are removed after it closes (within a day).",
    },
    "hosting.account.sign_in": {"ru": "Войти, чтобы сохранить данные", "en": "Sign in to keep your data"},
    "hosting.account.sign_out": {"ru": "Выйти", "en": "Sign out"},
    "hosting.account.admin": {
        "ru": ":material/shield_person: Администратор: может публиковать каналы для всех.",
        "en": ":material/shield_person: Administrator: may publish channels to everyone.",
    },
    "hosting.data.title": {"ru": "Мои данные", "en": "My data"},
    "hosting.data.usage": {
        "ru": "Занято {used} МБ из {quota} МБ.",
        "en": "{used} MB used of {quota} MB.",
    },
    "hosting.data.confirm": {
        "ru": "Да, удалить все мои статьи, каналы и прогресс",
        "en": "Yes, delete all my papers, channels and progress",
    },
    "hosting.data.delete": {"ru": "Удалить мои данные", "en": "Delete my data"},
    "hosting.data.deleted": {
        "ru": "Ваши данные удалены.",
        "en": "Your data has been deleted.",
    },
    "hosting.settings.invalid": {
        "ru": "Margo не запущена: неверная настройка. {detail}",
        "en": "Margo cannot start: a setting is invalid. {detail}",
    },
    "hosting.rate.question": {
        "ru": "Слишком много вопросов подряд: не больше {n} в минуту. Попробуйте через {wait} с.",
        "en": "Too many questions in a row: at most {n} a minute. Try again in {wait} s.",
    },
    "hosting.rate.import": {
        "ru": "Слишком много загрузок: не больше {n} в час. Попробуйте через {wait} с.",
        "en": "Too many uploads: at most {n} an hour. Try again in {wait} s.",
    },
    "hosting.rate.speech": {
        "ru": "Слишком много запросов к голосу: не больше {n} в минуту. Попробуйте через {wait} с.",
        "en": "Too many voice requests: at most {n} a minute. Try again in {wait} s.",
    },
    "hosting.queue.waiting": {
        "ru": ":material/hourglass_top: Сервер занят чужой загрузкой; ваша задача в очереди: {ahead}-я. "
              "Ответы на вопросы тем временем работают.",
        "en": ":material/hourglass_top: The server is busy with another upload; your job is number {ahead} "
              "in the queue. Questions keep working meanwhile.",
    },
    # ---- published channels (#11h): an administrator publishes a channel to all users ----
    "hosting.publish.pick": {"ru": "Опубликовать канал для всех", "en": "Publish a channel to everyone"},
    "hosting.publish.button": {"ru": "Опубликовать", "en": "Publish"},
    "hosting.publish.withdraw": {"ru": "Снять с публикации", "en": "Withdraw"},
    "hosting.publish.published_item": {"ru": "{name} (опубликован для всех)", "en": "{name} (published to everyone)"},
    "hosting.publish.help": {
        "ru": "Копия канала станет видна всем пользователям (только для поиска); изменить её может только "
              "администратор.",
        "en": "A copy of the channel becomes visible to every user (search only); only an administrator can "
              "change it.",
    },
    "hosting.publish.done": {
        "ru": "Канал «{name}» опубликован для всех ({n} постов).",
        "en": "Channel “{name}” is published to everyone ({n} posts).",
    },
    "hosting.publish.withdrawn": {
        "ru": "Канал «{name}» снят с публикации.",
        "en": "Channel “{name}” is withdrawn.",
    },
    "hosting.publish.shared_list": {
        "ru": ":material/campaign: Опубликованы администратором для всех: {names}.",
        "en": ":material/campaign: Published by an administrator for everyone: {names}.",
    },
    "hosting.save.failed": {
        "ru": "Попытка не сохранена: {detail} Ваш ответ остался в поле — можно отправить ещё раз.",
        "en": "The attempt was not saved: {detail} Your answer is still in the box; you can submit again.",
    },
}
