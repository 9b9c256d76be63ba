"""UI strings shared by every page: navigation, sidebar, language switch, avatar, voice input, help."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # Navigation (app.py).
    "app.nav.reader": {"ru": "Чтение статей", "en": "Reader"},
    "app.nav.channels": {"ru": "Поиск по каналам", "en": "Channel search"},
    "app.nav.interview": {"ru": "Тренажёр собеседований", "en": "Interview coach"},
    "app.nav.help": {"ru": "Справка", "en": "Help"},
    "app.lang.label": {"ru": "Язык интерфейса", "en": "Interface language"},
    # Sidebar status (pages/_common.py).
    "common.sidebar.offline": {
        "ru": ":material/cloud_off: **Офлайн-режим**: ответы и конспекты составляются из фраз самого "
              "текста. Как подключить языковую модель — в «Справке».",
        "en": ":material/cloud_off: **Offline mode**: answers and summaries are built from the text's own "
              "sentences. How to connect a language model: see Help.",
    },
    "common.sidebar.llm": {
        "ru": ":material/cloud: **Языковая модель**: {label} (при сбое — офлайн-ответ)",
        "en": ":material/cloud: **Language model**: {label} (offline answer if it fails)",
    },
    "common.sidebar.llm_local": {
        "ru": ":material/computer: **Найдена локальная модель**: {label}",
        "en": ":material/computer: **Local model found**: {label}",
    },
    "common.sidebar.use_local": {"ru": "Отвечать этой моделью", "en": "Answer with this model"},
    "common.embed.fallback": {
        "ru": "Выбранная модель поиска по смыслу не загрузилась; используется встроенная многоязычная.",
        "en": "The chosen search model did not load; using the built-in multilingual one.",
    },
    "common.embed.loading": {"ru": "Загружаю модель поиска…", "en": "Loading the search model…"},
    "common.error.generic": {
        "ru": "Что-то пошло не так. Попробуйте ещё раз.",
        "en": "Something went wrong. Please try again.",
    },
    # Avatar panel and voice (pages/_avatar.py).
    "avatar.speak": {"ru": "Озвучить", "en": "Speak"},
    "avatar.play": {"ru": "▶ Слушать", "en": "▶ Listen"},
    "avatar.stop": {"ru": "■ Стоп", "en": "■ Stop"},
    "avatar.wait": {"ru": "… Готовлю голос", "en": "… Preparing"},
    "avatar.mute": {"ru": "Без звука", "en": "Mute"},
    "avatar.unmute": {"ru": "Со звуком", "en": "Unmute"},
    "avatar.speed": {"ru": "Скорость", "en": "Speed"},
    "avatar.blocked": {"ru": "Браузер не дал включить звук: нажмите ▶ ещё раз.",
                       "en": "The browser blocked the sound: press ▶ again."},
    "avatar.voice": {"ru": "Голос", "en": "Voice"},
    "avatar.auto": {"ru": "Авто: {voice}", "en": "Auto: {voice}"},
    "avatar.press": {"ru": "Нажмите «Озвучить», чтобы услышать.", "en": "Press Speak to hear it."},
    "avatar.voice_note": {"ru": "Голос: {voice}", "en": "Voice: {voice}"},
    "avatar.silent": {
        "ru": "Голос сейчас недоступен: ответ показан только текстом.",
        "en": "No voice is available right now: the answer is shown as text only.",
    },
    "avatar.fallback": {
        "ru": "Выбранный голос не сработал, говорит другой.",
        "en": "The chosen voice failed; another one speaks instead.",
    },
    "avatar.preparing": {"ru": "Готовлю голос…", "en": "Preparing the voice…"},
    "voice.name.gtts": {"ru": "Google, онлайн", "en": "Google, online"},
    "voice.name.piper": {"ru": "Piper, мужской, нейросетевой", "en": "Piper, male, neural"},
    "voice.name.festival": {"ru": "Festival, мужской", "en": "Festival, male"},
    "voice.name.espeak": {"ru": "eSpeak, женский, синтетический", "en": "eSpeak, female, synthetic"},
    "voice.record": {"ru": "Спросить голосом", "en": "Ask by voice"},
    "voice.transcript": {"ru": "Распознанный текст (можно исправить)", "en": "Transcript (edit it before sending)"},
    "voice.send": {"ru": "Отправить", "en": "Send"},
    "voice.heard": {"ru": "Распознано: {lang} · {seconds} с", "en": "Heard: {lang} · {seconds} s"},
    "voice.transcribing": {"ru": "Распознаю речь…", "en": "Transcribing…"},
    "voice.unavailable": {
        "ru": "Голосовой ввод на этом сервере не установлен; напишите вопрос текстом.",
        "en": "Voice input is not installed on this server; type your question instead.",
    },
    "voice.pace": {"ru": "Темп, слов/мин", "en": "Pace, wpm"},
    "voice.pauses": {"ru": "Длинные паузы", "en": "Long pauses"},
    "voice.fillers": {"ru": "Слова-паразиты", "en": "Filler words"},
    # Streamlit's own uploader texts, replaced (pages/_common.py: uploader_css).
    # Language names in running text ("язык: английский"), by ISO 639-1 code (#10u)
    "common.lang_name.ru": {"ru": "русский", "en": "Russian"},
    "common.lang_name.en": {"ru": "английский", "en": "English"},
    "common.skip_to_content": {"ru": "Перейти к содержанию", "en": "Skip to main content"},
    "common.date.day": {"ru": "дд", "en": "dd"},
    "common.date.month": {"ru": "мм", "en": "mm"},
    "common.date.year": {"ru": "гггг", "en": "yyyy"},
    "upload.drop": {"ru": "Перетащите файл сюда", "en": "Drag and drop a file here"},
    "upload.limit": {"ru": "до {mb} МБ на файл", "en": "up to {mb} MB per file"},
    "upload.browse": {"ru": "Выбрать файл", "en": "Browse files"},
    # Help page (pages/help.py).
    "help.title": {"ru": "Справка", "en": "Help"},
    "help.intro": {
        "ru": "Марго работает без интернета: ищет ответы в ваших статьях, каналах и вопросах собеседований и "
              "всегда показывает, откуда взят ответ. Языковая модель не обязательна — она лишь делает ответы "
              "и конспекты связнее.",
        "en": "Margo works without the internet: she finds answers in your papers, channels and interview "
              "questions and always shows where an answer comes from. A language model is optional: it only "
              "makes answers and summaries more fluent.",
    },
    "help.pages.head": {"ru": "Что где", "en": "What is where"},
    "help.pages.body": {
        "ru": "- **{reader}**: загрузите PDF, скан или фото (или найдите статью на arXiv) — сразу появится "
              "конспект; задавайте вопросы, в каждом ответе указаны страницы.\n"
              "- **{channels}**: загрузите экспорт Telegram-канала (JSON или HTML из Telegram Desktop) и "
              "спрашивайте; ответ ссылается на посты. «Новый разговор» начинает тему заново.\n"
              "- **{interview}**: пробное собеседование по ML — ответ текстом или голосом, оценка по эталону, "
              "что добавить, прогресс по темам.\n"
              "- **{lectures}**: запись лекции, её субтитры или ссылка на YouTube превращаются в ключевые "
              "моменты с временем и ответы, которые проигрываются с нужной секунды.\n"
              "- **{recommend}**: что тренировать и читать дальше, а также рекомендательные модели для вашего "
              "журнала взаимодействий (CSV), честно сравнённые с самым популярным.",
        "en": "- **{reader}**: upload a PDF, a scan or a photo (or find a paper on arXiv) and a summary appears "
              "at once; ask questions, every answer names its pages.\n"
              "- **{channels}**: upload a Telegram channel export (JSON or HTML from Telegram Desktop) and ask; "
              "the answer links its posts. “New conversation” starts a topic afresh.\n"
              "- **{interview}**: a mock ML interview: answer by text or voice, get a score against a reference "
              "answer, what to add, progress by topic.\n"
              "- **{lectures}**: a lecture recording, its subtitles or a YouTube link become key moments with "
              "times and answers that play from the right second.\n"
              "- **{recommend}**: what to practise and read next, and recommender models for your own "
              "interactions log (CSV), compared fairly with the most popular.",
    },
    "help.llm.head": {"ru": "Как подключить языковую модель", "en": "How to connect a language model"},
    "help.llm.local": {
        "ru": "**Своя модель на этом компьютере.** Запустите Ollama, LM Studio или сервер llama.cpp — Марго "
              "сама найдёт его на обычном порту (11434, 1234 или 8080) и предложит в боковой панели.",
        "en": "**A model on this computer.** Start Ollama, LM Studio or a llama.cpp server: Margo finds it on "
              "its usual port (11434, 1234 or 8080) and offers it in the sidebar.",
    },
    "help.llm.remote": {
        "ru": "**Облачная модель (OpenAI, OpenRouter и другие).** Администратор сервера указывает в секретах "
              "приложения три значения: адрес сервиса, название модели и ключ доступа. На Streamlit Cloud это "
              "раздел Settings → Secrets; на своём сервере — файл секретов рядом с приложением (образец лежит "
              "в репозитории). После перезапуска в боковой панели появится название модели.",
        "en": "**A cloud model (OpenAI, OpenRouter and others).** The server's administrator puts three values "
              "into the app's secrets: the service address, the model name and the access key. On Streamlit "
              "Cloud that is Settings → Secrets; on your own server, the secrets file beside the app (an example "
              "is in the repository). After a restart the sidebar names the model.",
    },
    "help.llm.offline": {
        "ru": "**Без модели** всё тоже работает: ответы составляются из предложений источника, с цитатами.",
        "en": "**Without a model** everything still works: answers are made of the source's own sentences, "
              "with citations.",
    },
    "help.voice.head": {"ru": "Голос", "en": "Voice"},
    "help.voice.body": {
        "ru": "Кнопка «{play}» рядом с аватаром читает текст вслух, предложение за предложением. Офлайн-голоса "
              "устанавливаются вместе с приложением; онлайн-голос появляется в списке, только когда есть "
              "интернет. Вопрос можно задать голосом: запишите его, поправьте распознанный текст и отправьте. "
              "Переключатель «{talk}» включает живой разговор: говорите, Марго отвечает вслух, а если вы "
              "заговорите снова, она замолкает.",
        "en": "The “{play}” button beside the avatar reads the text aloud, sentence by sentence. Offline voices "
              "are installed with the app; the online voice is listed only when the internet is reachable. You "
              "can ask by voice: record, correct the transcript, send. The “{talk}” switch starts a live "
              "conversation: speak, Margo answers aloud, and stops when you speak again.",
    },
    "help.lang.head": {"ru": "Язык", "en": "Language"},
    "help.lang.body": {
        "ru": "Язык интерфейса выбирается в боковой панели (по умолчанию — язык браузера). Вопросы можно "
              "задавать по-русски и по-английски: ответ и голос следуют языку вопроса.",
        "en": "Choose the interface language in the sidebar (the browser's language by default). Ask in Russian "
              "or English: the answer and the voice follow the question's language.",
    },
    "help.data.head": {"ru": "Ваши данные", "en": "Your data"},
    "help.data.body": {
        "ru": "Статьи, каналы и прогресс хранятся на сервере, где запущена Марго, и никуда не отправляются. "
              "Языковой модели уходят только вопрос и найденные фрагменты.",
        "en": "Papers, channels and progress are stored on the server that runs Margo and are sent nowhere. "
              "A language model receives only the question and the passages found.",
    },
}
