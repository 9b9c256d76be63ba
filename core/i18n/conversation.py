"""UI strings of the live conversation with Margo (pages/_talk.py; engineer W)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "talk.toggle": {"ru": "Разговор с Марго вживую", "en": "Talk with Margo live"},
    "talk.help": {
        "ru": "Включите микрофон и говорите: Марго сама поймёт, когда вы закончили, и ответит вслух. "
              "Заговорите, пока она отвечает, — она замолчит. Распознавание речи работает без интернета.",
        "en": "Turn the microphone on and speak: Margo notices when you have finished and answers aloud. "
              "Speak while she answers and she stops. Speech recognition works offline.",
    },
    "talk.start": {"ru": "Включить микрофон", "en": "Start the microphone"},
    "talk.stop": {"ru": "Выключить микрофон", "en": "Stop the microphone"},
    "talk.select_device": {"ru": "Выбрать микрофон", "en": "Select a microphone"},
    "talk.media_api_not_available": {"ru": "Этот браузер не даёт доступа к микрофону.",
                                     "en": "This browser gives no access to a microphone."},
    "talk.device_ask_permission": {"ru": "Разрешите доступ к микрофону.", "en": "Allow access to the microphone."},
    "talk.device_not_available": {"ru": "Микрофон не найден.", "en": "No microphone found."},
    "talk.device_access_denied": {"ru": "Доступ к микрофону запрещён в настройках браузера.",
                                  "en": "Microphone access is blocked in the browser settings."},
    "talk.state.off": {"ru": "Нажмите «Включить микрофон» и говорите.", "en": "Press “Start the microphone” and speak."},
    "talk.state.listening": {"ru": "Слушаю…", "en": "Listening…"},
    "talk.state.user_speaking": {"ru": "Вы говорите…", "en": "You are speaking…"},
    "talk.state.thinking": {"ru": "Распознаю и думаю…", "en": "Recognising and thinking…"},
    "talk.state.margo_speaking": {"ru": "Марго отвечает — заговорите, чтобы перебить.",
                                  "en": "Margo is answering — speak to interrupt her."},
    "talk.heard": {"ru": "Услышала: «{text}»", "en": "Heard: “{text}”"},
    "talk.nothing": {"ru": "Не разобрала слов — повторите, пожалуйста.", "en": "No words recognised — please say it again."},
    "talk.error": {"ru": "Живой разговор сейчас недоступен; можно записать вопрос кнопкой выше.",
                   "en": "Live talk is not available right now; you can record with the button above."},
}
