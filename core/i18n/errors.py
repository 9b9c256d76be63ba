"""Error messages a user reads, in Russian and English (see ``MargoError.localized``).

Two kinds of keys:

* ``errors.<ClassName>``: the per-class fallback shown to a non-English user when the raise
  site gave no key (a short, general sentence: what went wrong and what to do);
* ``errors.<area>.<name>``: a raise site's own message with its fields (sizes, page counts,
  file names), given as ``raise XError("English text", key="errors.…", field=...)``.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # ---- per-class fallbacks (MargoError.localized, nearest class first) ----
    "errors.MargoError": {"ru": "Что-то пошло не так. Попробуйте ещё раз.",
                          "en": "Something went wrong. Please try again."},
    "errors.InputError": {"ru": "Этот файл или текст нельзя использовать. Проверьте его и попробуйте снова.",
                          "en": "This file or text cannot be used. Check it and try again."},
    "errors.NotAPDFError": {"ru": "Это не PDF. Загрузите документ PDF.",
                            "en": "This file is not a PDF. Upload a PDF document."},
    "errors.CorruptPDFError": {"ru": "PDF повреждён и не читается. Скачайте или сохраните его заново.",
                               "en": "The PDF is damaged and cannot be read. Download or export it again."},
    "errors.EncryptedPDFError": {"ru": "PDF защищён паролем. Снимите пароль и загрузите снова.",
                                 "en": "The PDF is password-protected. Remove the password and upload again."},
    "errors.EmptyDocumentError": {"ru": "В файле нет содержимого (нет страниц или текста).",
                                  "en": "The file has no content (no pages or no text)."},
    "errors.NeedsOCRError": {"ru": "Страницы этого PDF — картинки без текстового слоя: сначала нужно "
                                   "распознавание текста (OCR).",
                             "en": "This PDF's pages are images with no text layer: it needs OCR first."},
    "errors.TooLargeError": {"ru": "Файл слишком большой: он больше допустимого размера или числа страниц.",
                             "en": "The file is over the size or page limit."},
    "errors.MalformedExportError": {"ru": "Не удалось прочитать выгрузку канала. Нужен JSON или HTML из "
                                          "Telegram Desktop либо JSON/CSV с полями message_id, date и "
                                          "message_text.",
                                    "en": "The channel export cannot be read. Use Telegram Desktop's JSON or "
                                          "HTML, or a JSON/CSV dump with message_id, date and message_text."},
    "errors.UnsupportedMediaError": {"ru": "Это не аудио, не видео и не субтитры .srt/.vtt.",
                                     "en": "This is neither audio, video nor .srt/.vtt subtitles."},
    "errors.MalformedSubtitlesError": {"ru": "Файл субтитров не читается: проверьте строки времени и кодировку.",
                                       "en": "The subtitle file cannot be read: check its timing lines and "
                                             "encoding."},
    "errors.NoSpeechError": {"ru": "В записи не найдено речи (или в субтитрах нет текста).",
                             "en": "No speech was found in the recording (or the subtitles have no text)."},
    "errors.ModelError": {"ru": "Не удалось загрузить или запустить модель.",
                          "en": "A model could not be loaded or run."},
    "errors.SpeechError": {"ru": "Голос сейчас недоступен: движок речи не сработал.",
                           "en": "Speech is not available now: the speech engine failed."},
    "errors.LLMError": {"ru": "Языковая модель не ответила вовремя. Попробуйте ещё раз позже.",
                        "en": "The language model did not answer in time. Try again later."},
    "errors.NetworkError": {"ru": "Сервис в интернете недоступен или не ответил вовремя. Попробуйте позже.",
                            "en": "A web service could not be reached in time. Try again later."},
    "errors.StorageError": {"ru": "Не удалось сохранить или прочитать данные.",
                            "en": "Saved data could not be read or written."},
    "errors.QuotaError": {"ru": "Ваше хранилище заполнено. Удалите что-нибудь ненужное и попробуйте снова.",
                          "en": "Your storage is full. Delete something you no longer need and try again."},
    "errors.SettingsError": {"ru": "Неверная настройка приложения. Сообщите администратору.",
                             "en": "An application setting is invalid. Tell the administrator."},
    "errors.RateLimitError": {"ru": "Слишком много запросов. Подождите немного и попробуйте снова.",
                              "en": "Too many requests. Wait a little and try again."},
    "errors.AccessError": {"ru": "У вас нет прав изменить это.",
                           "en": "You may not change this."},
    # ---- uploads and PDFs (core/reader/pdf.py, core/reader/ocr.py) ----
    "errors.upload.empty": {"ru": "Файл пустой (0 байт).", "en": "The file is empty (0 bytes)."},
    "errors.upload.too_big": {"ru": "Файл весит {mb} МБ, а можно не больше {limit_mb} МБ.",
                              "en": "The file is {mb} MB; the limit is {limit_mb} MB."},
    "errors.pdf.not_pdf": {"ru": "Это не PDF (файл не начинается с %PDF-). Загрузите документ PDF.",
                           "en": "This file is not a PDF (it does not start with %PDF-). Upload a PDF document."},
    "errors.pdf.corrupt": {"ru": "PDF повреждён и не читается. Скачайте или сохраните его заново.",
                           "en": "The PDF is damaged and cannot be read. Try re-downloading or re-exporting it."},
    "errors.pdf.encrypted": {"ru": "PDF защищён паролем. Снимите пароль (или распечатайте в новый PDF) и "
                                   "загрузите снова.",
                             "en": "The PDF is password-protected. Remove the password (or print it to a new "
                                   "PDF) and upload again."},
    "errors.pdf.no_pages": {"ru": "В PDF нет страниц.", "en": "The PDF has no pages."},
    "errors.pdf.too_many_pages": {"ru": "В PDF {pages} стр., а можно не больше {limit}.",
                                  "en": "The PDF has {pages} pages; the limit is {limit}."},
    "errors.pdf.unreadable": {"ru": "Ни одна страница этого PDF не читается: файл повреждён.",
                              "en": "No page of this PDF could be read; the file is damaged."},
    "errors.pdf.needs_ocr": {"ru": "В этом PDF нет текстового слоя: страницы — картинки (скан или рукопись). "
                                   "Сначала распознайте текст, например `ocrmypdf -l rus+eng in.pdf out.pdf`, "
                                   "и загрузите результат.",
                             "en": "This PDF has no text layer: its pages are images (a scan or handwriting). "
                                   "It needs OCR first, e.g. `ocrmypdf -l rus+eng in.pdf out.pdf`, then upload "
                                   "the result."},
    "errors.pdf.no_text": {"ru": "В PDF нет текста.", "en": "The PDF contains no text."},
    "errors.pdf.no_words": {"ru": "В тексте нет слов для поиска (только знаки препинания, символы или служебные "
                                  "слова вроде «и», «the»). Если в PDF виден текст, шрифт может кодировать буквы "
                                  "странными кодами: распечатайте его в новый PDF или распознайте текст "
                                  "(ocrmypdf -l rus+eng in.pdf out.pdf).",
                            "en": "The text has no searchable words (only punctuation, symbols or common words such "
                                  "as 'the'). If the PDF shows text, its font may map letters to odd codes: "
                                  "print it to a new PDF or run OCR (ocrmypdf -l rus+eng in.pdf out.pdf)."},
    "errors.pdf.no_such_page": {"ru": "Страницы {page} нет (в PDF {pages} стр.).",
                                "en": "Page {page} does not exist (the PDF has {pages} pages)."},
    "errors.ocr.not_image": {"ru": "Это не изображение PNG или JPEG.", "en": "This file is not a PNG or JPEG image."},
    "errors.ocr.bad_image": {"ru": "Изображение повреждено и не читается.",
                             "en": "The image is damaged and cannot be read."},
    "errors.ocr.timeout": {"ru": "Распознавание страницы {page} заняло больше {limit_s} с и было остановлено.",
                           "en": "OCR of page {page} took over {limit_s} s and was stopped."},
    "errors.ocr.no_text": {"ru": "Распознавание не нашло в файле читаемого текста (картинка без слов?).",
                           "en": "OCR found no readable text in this file (a picture without words?)."},
    # ---- channel exports (core/channels/parsers.py) ----
    "errors.export.bad_username": {"ru": "«{username}» — не имя пользователя Telegram (5–32 латинские буквы, "
                                         "цифры или _, начинается с буквы).",
                                   "en": "'{username}' is not a Telegram username (5-32 letters, digits or _, "
                                         "starting with a letter)."},
    "errors.export.empty": {"ru": "Файл «{file}» пустой.", "en": "'{file}' is empty."},
    "errors.export.utf16": {"ru": "Файл «{file}» в кодировке UTF-16, а выгрузки Telegram — в UTF-8. "
                                  "Пересохраните его в UTF-8.",
                            "en": "'{file}' is UTF-16 encoded; Telegram exports are UTF-8. Re-save it as UTF-8."},
    "errors.export.not_utf8": {"ru": "Файл «{file}» — не текст в UTF-8 (выгрузки Telegram — в UTF-8). "
                                     "Пересохраните его в UTF-8.",
                               "en": "'{file}' is not UTF-8 text (Telegram exports are UTF-8); re-save it "
                                     "as UTF-8."},
    "errors.export.unknown_kind": {"ru": "«{file}» — не выгрузка Telegram: нужен JSON или HTML из Telegram "
                                         "Desktop либо JSON/CSV с полями message_id, date и message_text.",
                                   "en": "'{file}' is not a Telegram export: expected Telegram Desktop JSON or "
                                         "HTML, or a JSON/CSV dump with message_id, date and message_text."},
    "errors.export.incomplete_json": {"ru": "«{file}» — неполный JSON (файл обрезан или повреждён). "
                                            "Выгрузите чат заново или скачайте файл ещё раз.",
                                      "en": "'{file}' is not complete JSON (cut off or damaged). Export the chat "
                                            "again or re-download the file."},
    "errors.export.too_deep": {"ru": "В «{file}» вложенность глубже {max_depth} уровней, а выгрузка Telegram "
                                     "вложена примерно на 5. Это не выгрузка, или файл повреждён.",
                               "en": "'{file}' is nested more than {max_depth} levels deep; a Telegram export nests "
                                     "about 5. The file is not an export, or it is damaged."},
    "errors.export.csv_columns": {"ru": "В «{file}» нет столбцов с id и текстом (нужны message_id или id и "
                                        "message_text или text; найдены: {found}).",
                                  "en": "'{file}' has no id and text columns (expected message_id or id, and "
                                        "message_text or text; found: {found})."},
    "errors.export.bad_csv": {"ru": "«{file}» — не читаемый CSV.", "en": "'{file}' is not a readable CSV."},
    "errors.export.html_tag": {"ru": "В «{file}» тег не закрывается в пределах {limit_mb} МБ: это не страница "
                                     "выгрузки Telegram.",
                               "en": "'{file}' has a tag that does not end within {limit_mb} MB: not a Telegram "
                                     "export page."},
    "errors.export.not_html_export": {"ru": "«{file}» — не HTML-выгрузка Telegram Desktop (блоков сообщений нет).",
                                      "en": "'{file}' is not a Telegram Desktop HTML export (no message blocks "
                                            "found)."},
    "errors.export.no_html_pages": {"ru": "В папке «{file}» нет файлов messages*.html выгрузки Telegram.",
                                    "en": "The folder '{file}' holds no messages*.html files of a Telegram export."},
    "errors.export.unreadable": {"ru": "Файл «{file}» не читается.", "en": "'{file}' cannot be read."},
    "errors.export.no_messages": {"ru": "В «{file}» нет сообщений.", "en": "'{file}' holds no messages."},
    "errors.export.missing": {"ru": "Файла «{file}» нет.", "en": "'{file}' does not exist."},
    "errors.export.no_text_posts": {"ru": "В «{file}» нет постов с текстом ({skipped} сообщений — служебные "
                                          "или только медиа).",
                                    "en": "'{file}' has no posts with text ({skipped} messages were service "
                                          "messages or media only)."},
    # ---- channel search (core/channels/search.py) ----
    "errors.channels.bad_date": {"ru": "«{value}» — не дата (формат ГГГГ-ММ-ДД).",
                                 "en": "'{value}' is not a date (use YYYY-MM-DD)."},
    "errors.channels.unknown": {"ru": "Канала «{name}» нет. Загруженные каналы: {known}.",
                                "en": "No channel called '{name}'. Imported channels: {known}."},
    "errors.channels.no_posts": {"ru": "Нет постов для импорта.", "en": "There are no posts to import."},
    "errors.channels.empty_query": {"ru": "Напишите вопрос или ключевые слова для поиска.",
                                    "en": "Type a question or some keywords to search for."},
    # ---- public channels by @username (core/channels/web.py) ----
    "errors.web.timeout": {"ru": "t.me не ответил за {timeout_s} с; ничего не импортировано. Попробуйте позже.",
                           "en": "t.me did not answer within {timeout_s} s; nothing was imported. "
                                 "Try again later."},
    "errors.web.unreachable": {"ru": "Не удалось связаться с t.me; ничего не импортировано.",
                               "en": "Could not reach t.me; nothing was imported."},
    "errors.web.slow_down": {"ru": "t.me просит не торопиться (HTTP 429); ничего не импортировано. "
                                   "Попробуйте через несколько минут.",
                             "en": "t.me asks to slow down (HTTP 429); nothing was imported. Try again in a few "
                                   "minutes."},
    "errors.web.http": {"ru": "t.me ответил HTTP {status}; ничего не импортировано. Попробуйте позже.",
                        "en": "t.me answered HTTP {status}; nothing was imported. Try again later."},
    "errors.web.bad_username": {"ru": "«{username}» — не имя публичного канала: укажите @имя или t.me/имя "
                                      "(5–32 латинские буквы, цифры или _, начинается с буквы).",
                                "en": "'{username}' is not a public channel's username: give @name or t.me/name "
                                      "(5-32 letters, digits or _, starting with a letter)."},
    "errors.web.not_public": {"ru": "У @{user} нет открытого веб-просмотра: это не публичный канал (или его нет). "
                                    "Загрузите выгрузку из Telegram Desktop.",
                              "en": "@{user} has no public web preview: it is not a public channel (or it does not "
                                    "exist). Import an export from Telegram Desktop instead."},
    "errors.web.no_channel": {"ru": "По адресу t.me/s/{user} нет канала: проверьте имя.",
                              "en": "t.me/s/{user} shows no channel: check the username."},
    "errors.web.no_text": {"ru": "В открытом просмотре @{user} нет текстовых постов.",
                           "en": "@{user} has no text posts in its public preview."},
    # ---- workspaces and identity (core/workspace.py, core/identity.py) ----
    "errors.quota.full": {"ru": "Ваши сохранённые данные занимают {used_mb} МБ из {quota_mb} МБ; для этого нужно "
                                "ещё {need_mb} МБ. Сначала удалите статью или канал.",
                          "en": "Your saved data uses {used_mb} MB of {quota_mb} MB; this would need {need_mb} MB "
                                "more. Delete a paper or a channel first."},
    "errors.access.outside_workspace": {"ru": "Этот путь вне вашего рабочего пространства.",
                                        "en": "That path is outside your workspace."},
    "errors.access.admin_only": {"ru": "Это может сделать только администратор.",
                                 "en": "Only an administrator can do this."},
    "errors.access.no_session": {"ru": "У этой сессии браузера нет пригодного идентификатора; обновите страницу.",
                                 "en": "This browser session has no usable id; reload the page."},
    "errors.access.published": {"ru": "Опубликованный канал общий для всех пользователей; убрать его может "
                                      "только администратор.",
                                "en": "A published channel is shared by all users; only an administrator can "
                                      "withdraw it."},  # #11h
    # ---- settings (core/settings.py; the setting's name and pydantic's reason stay as they are) ----
    "errors.settings.invalid": {"ru": "Неверная настройка: {detail}.", "en": "Invalid setting: {detail}."},
    # ---- rate limits (core/limits.py) ----
    "errors.limits.question": {"ru": "Слишком много вопросов: не больше {n} за {window_min} мин. "
                                     "Попробуйте снова через {wait_s} с.",
                               "en": "Too many questions: the limit is {n} per {window_min} min. "
                                     "Try again in {wait_s} s."},
    "errors.limits.import": {"ru": "Слишком много загрузок и импортов: не больше {n} за {window_min} мин. "
                                   "Попробуйте снова через {wait_s} с.",
                             "en": "Too many uploads and imports: the limit is {n} per {window_min} min. "
                                   "Try again in {wait_s} s."},
    "errors.limits.speech": {"ru": "Слишком много запросов озвучки: не больше {n} за {window_min} мин. "
                                   "Попробуйте снова через {wait_s} с.",
                             "en": "Too many speech requests: the limit is {n} per {window_min} min. "
                                   "Try again in {wait_s} s."},
    "errors.limits.other": {"ru": "Слишком много запросов: не больше {n} за {window_min} мин. "
                                  "Попробуйте снова через {wait_s} с.",
                            "en": "Too many requests: the limit is {n} per {window_min} min. "
                                  "Try again in {wait_s} s."},
    # ---- question-bank uploads (core/interview/bank.py) ----
    "errors.bank.empty": {"ru": "Файл с вопросами пустой.", "en": "The question file is empty."},
    "errors.bank.too_big": {"ru": "Файл с вопросами больше 5 МБ.", "en": "The question file is larger than 5 MB."},
    "errors.bank.not_utf8": {"ru": "Файл с вопросами — не текст в UTF-8.", "en": "The question file is not UTF-8 text."},
    "errors.bank.bad_json": {"ru": "JSON не разбирается: {error}, строка {line}.",
                             "en": "The JSON file cannot be parsed: {error} at line {line}."},
    "errors.bank.csv_header": {"ru": "В CSV нужна строка заголовка со столбцами {columns}.",
                               "en": "The CSV needs a header with the columns {columns}."},
    "errors.bank.too_deep": {"ru": "Вложенность JSON слишком глубокая для банка вопросов.",
                             "en": "The JSON file is nested too deeply to be a question bank."},
    "errors.bank.json_shape": {"ru": "JSON должен быть списком вопросов или {{\"questions\": [...]}}.",
                               "en": "The JSON file must be a list of questions or {{\"questions\": [...]}}."},
    "errors.bank.wrong_type": {"ru": "Загрузите файл .csv или .json в формате банка вопросов.",
                               "en": "Upload a .csv or .json file in the question-bank schema."},
    "errors.bank.no_questions": {"ru": "В файле нет вопросов.", "en": "The question file has no questions."},
    # ---- lectures (core/lectures/inputs.py) ----
    "errors.lectures.too_big": {"ru": "Файл весит {mb} МБ, а можно не больше {limit_mb} МБ.",
                                "en": "The file is {mb} MB; the limit is {limit_mb} MB."},
    "errors.lectures.subs_encoding": {"ru": "Файл субтитров не в UTF-8 и не в Windows-1251.",
                                      "en": "The subtitle file is neither UTF-8 nor Windows-1251 text."},
    "errors.lectures.bad_subs": {"ru": "«{file}» — не корректный файл {kind}: проверьте строки времени.",
                                 "en": "{file} is not a valid {kind} file: check its timing lines."},
    "errors.lectures.subs_type": {"ru": "«{file}»: субтитры должны быть в формате .srt или .vtt.",
                                  "en": "{file}: subtitles must be .srt or .vtt."},
    "errors.lectures.subs_empty": {"ru": "В «{file}» нет текста субтитров.", "en": "{file} has no subtitle text."},
    "errors.lectures.not_youtube": {"ru": "Это не ссылка на YouTube (https://www.youtube.com/watch?v=… или "
                                          "https://youtu.be/…).",
                                    "en": "This is not a YouTube link (https://www.youtube.com/watch?v=... or "
                                          "https://youtu.be/...)."},
    "errors.lectures.not_media": {"ru": "«{file}» — не аудио и не видео, которое может прочитать ffmpeg.",
                                  "en": "{file} is not an audio or video file ffmpeg can read."},
    "errors.lectures.too_long": {"ru": "Запись длится {minutes} мин, а можно не больше {limit_min} мин.",
                                 "en": "The recording is {minutes} min long; the limit is {limit_min} min."},
    "errors.lectures.unavailable": {"ru": "Видео {video_id} недоступно.", "en": "The video {video_id} is unavailable."},
    "errors.lectures.youtube_unreachable": {"ru": "YouTube не ответил за {timeout_s} с (нет интернета?). "
                                                  "Загрузите запись или её субтитры.",
                                            "en": "YouTube could not be reached within {timeout_s} s (offline?). "
                                                  "Upload the recording or its subtitles instead."},
    "errors.lectures.no_captions": {"ru": "У видео {video_id} нет субтитров на языках: {languages}.",
                                    "en": "The video {video_id} has no captions in {languages}."},
    # ---- recommendations (core/recommend/data.py) ----
    "errors.recommend.no_rows": {"ru": "В файле «{what}» нет строк.", "en": "The {what} file has no rows."},
    "errors.recommend.not_csv": {"ru": "Файл «{what}» — не читаемый CSV.", "en": "The {what} file is not a readable CSV."},
    "errors.recommend.no_column": {"ru": "В файле «{what}» нет столбца {missing} (найдены: {found}). "
                                         "Переименуйте столбцы или укажите их вручную.",
                                   "en": "The {what} file has no {missing} column (columns found: {found}). "
                                         "Name the columns or map them by hand."},
    "errors.recommend.missing_column": {"ru": "В файле «{what}» нет столбца «{column}» ({role}).",
                                        "en": "Column '{column}' (for {role}) is not in the {what} file."},
    # ---- arXiv (core/papers/arxiv.py) ----
    "errors.papers.timeout": {"ru": "arXiv не ответил за {timeout_s} с; для поиска статей нужен интернет.",
                              "en": "arXiv did not answer within {timeout_s} s; paper search needs the internet."},
    "errors.papers.unreachable": {"ru": "Не удалось связаться с arXiv; для поиска статей нужен интернет. "
                                        "Всё остальное работает без сети.",
                                  "en": "Could not reach arXiv; paper search needs the internet. "
                                        "Everything else works offline."},
    "errors.papers.empty_query": {"ru": "Напишите несколько слов для поиска в arXiv.",
                                  "en": "Type a few words to search arXiv for."},
    "errors.papers.http": {"ru": "arXiv ответил HTTP {status}; попробуйте позже.",
                           "en": "arXiv answered HTTP {status}; try again later."},
    "errors.papers.no_paper": {"ru": "В arXiv нет статьи {paper_id}.", "en": "arXiv has no paper {paper_id}."},
    # ---- bot admin commands (core/bot/app.py) ----
    "errors.bot.admin_only": {"ru": "Добавлять каналы в общий список бота могут только администраторы.",
                              "en": "Only administrators may add channels to the bot's shared list."},
}
