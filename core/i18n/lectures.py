"""UI strings of the Lectures page (pages/lectures.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "lectures.nav.title": {"ru": "Лекции и видео", "en": "Lectures"},
    "lectures.title": {"ru": "Лекции и видео", "en": "Lectures and videos"},
    "lectures.caption": {
        "ru": "Загрузите запись лекции (аудио или видео) или её субтитры: Марго найдёт ключевые моменты, "
              "составит краткое содержание и ответит на вопросы со ссылками на секунду записи. Всё работает "
              "без интернета.",
        "en": "Upload a lecture recording (audio or video) or its subtitles: Margo finds the key moments, "
              "summarises it and answers questions citing the second they come from. Everything works offline.",
    },
    "lectures.upload.label": {
        "ru": "Запись (mp3, m4a, wav, ogg, flac, mp4, webm, mkv) и/или субтитры (.srt, .vtt)",
        "en": "Recording (mp3, m4a, wav, ogg, flac, mp4, webm, mkv) and/or subtitles (.srt, .vtt)",
    },
    "lectures.upload.help": {
        "ru": "Можно загрузить запись вместе с её субтитрами: текст возьмём из субтитров, а играть будем запись.",
        "en": "You can upload a recording together with its subtitles: the text comes from the subtitles, "
              "the player plays the recording.",
    },
    "lectures.youtube.label": {"ru": "…или ссылка на YouTube (нужен интернет)", "en": "…or a YouTube link (needs the internet)"},
    "lectures.youtube.button": {"ru": "Загрузить субтитры", "en": "Fetch captions"},
    "lectures.start": {
        "ru": "Загрузите запись или субтитры лекции, чтобы начать.",
        "en": "Upload a recording or subtitles of a lecture to begin.",
    },
    "lectures.too_many": {
        "ru": "Загрузите одну запись и/или один файл субтитров (сейчас: {n} файлов).",
        "en": "Upload one recording and/or one subtitle file (now: {n} files).",
    },
    "lectures.transcribing": {"ru": "Распознаю речь: {done} из {total}", "en": "Transcribing: {done} of {total}"},
    "lectures.transcribing_eta": {
        "ru": "Распознаю речь: {done} из {total}, осталось около {eta}",
        "en": "Transcribing: {done} of {total}, about {eta} left",
    },
    "lectures.preview.head": {
        "ru": "Ключевые моменты первых {upto} (запись ещё распознаётся)",
        "en": "Key moments of the first {upto} (still recognising the recording)",
    },
    "lectures.preparing": {"ru": "Читаю файл…", "en": "Reading the file…"},
    "lectures.indexing": {"ru": "Ищу ключевые моменты…", "en": "Finding the key moments…"},
    "lectures.meta": {
        "ru": "**{name}** · {duration} · язык: {lang} · текст: {source}",
        "en": "**{name}** · {duration} · language: {lang} · text: {source}",
    },
    "lectures.source.whisper": {"ru": "распознан офлайн (Whisper)", "en": "recognised offline (Whisper)"},
    "lectures.source.subtitles": {"ru": "из субтитров", "en": "from the subtitles"},
    "lectures.source.embedded": {"ru": "из дорожки субтитров в видео", "en": "from the video's subtitle track"},
    "lectures.source.youtube": {"ru": "субтитры YouTube", "en": "YouTube captions"},
    "lectures.no_player": {
        "ru": "Загружены только субтитры: время указано, но проигрывать нечего. Добавьте запись, чтобы переходить к моментам.",
        "en": "Only subtitles were uploaded: times are shown, but there is nothing to play. Add the recording "
              "to jump to moments.",
    },
    "lectures.chapters.head": {"ru": "Ключевые моменты ({n})", "en": "Key moments ({n})"},
    "lectures.chapters.play": {"ru": "Перейти к {time}", "en": "Play from {time}"},
    "lectures.summary.head": {"ru": "Краткое содержание", "en": "Summary"},
    "lectures.mode.llm": {"ru": "Названия глав написала языковая модель.", "en": "Chapter titles written by the language model."},
    "lectures.ask.head": {"ru": "Вопрос по лекции", "en": "Ask the lecture"},
    "lectures.ask.label": {"ru": "Ваш вопрос", "en": "Your question"},
    "lectures.ask.placeholder": {"ru": "Например: какая модель приводится как пример?", "en": "e.g. Which model is given as an example?"},
    "lectures.ask.button": {"ru": "Спросить", "en": "Ask"},
    "lectures.ask.type_first": {"ru": "Сначала введите вопрос.", "en": "Type a question first."},
    "lectures.ask.thinking": {"ru": "Ищу ответ в лекции…", "en": "Looking for the answer in the lecture…"},
    "lectures.answer.cited": {"ru": "Моменты записи:", "en": "Moments in the recording:"},
    "lectures.answer.meta": {
        "ru": "Ответ: {mode} · уверенность {evidence}",
        "en": "Answer: {mode} · evidence {evidence}",
    },
    "lectures.answer.mode.llm": {"ru": "языковая модель по фрагментам записи", "en": "language model over the transcript"},
    "lectures.answer.mode.extractive": {"ru": "фразы из записи", "en": "quotes from the transcript"},
    "lectures.notes.download": {"ru": "Скачать конспект (Markdown)", "en": "Download notes (Markdown)"},
    "lectures.transcript.head": {"ru": "Полный текст с временем", "en": "Full transcript with times"},
    "lectures.error": {"ru": "Не получилось: {detail}", "en": "That did not work: {detail}"},
    "lectures.error.UnsupportedMediaError": {
        "ru": "Этот файл не похож на запись или субтитры. {detail}",
        "en": "This file is not a recording or subtitles. {detail}",
    },
    "lectures.error.MalformedSubtitlesError": {
        "ru": "Файл субтитров повреждён или в неизвестном формате. {detail}",
        "en": "The subtitle file is damaged or in an unknown format. {detail}",
    },
    "lectures.error.NoSpeechError": {
        "ru": "В файле не найдено ни речи, ни текста. {detail}",
        "en": "No speech or text was found in the file. {detail}",
    },
    "lectures.error.TooLargeError": {"ru": "Файл слишком большой или длинный. {detail}", "en": "The file is too large or too long. {detail}"},
    "lectures.error.NetworkError": {
        "ru": "YouTube недоступен (нет интернета?). Загрузите запись или её субтитры. {detail}",
        "en": "YouTube cannot be reached (offline?). Upload the recording or its subtitles instead. {detail}",
    },
    "lectures.error.SpeechError": {
        "ru": "Распознавание речи недоступно. Загрузите субтитры вместо записи. {detail}",
        "en": "Speech recognition is unavailable. Upload subtitles instead of the recording. {detail}",
    },
}
