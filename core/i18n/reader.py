"""UI strings of the Reader page (pages/reader.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "reader.title": {"ru": "Чтение статей", "en": "Reader"},
    "reader.caption": {
        "ru": "Откройте статью, получите конспект, задавайте вопросы по-русски или по-английски. Каждый ответ "
              "ссылается на страницы; чего в статье нет, на то Марго не отвечает.",
        "en": "Open a paper, get a summary, ask in Russian or English. Every answer cites its pages; what the "
              "paper does not say, Margo does not answer.",
    },
    "reader.upload.label": {"ru": "Загрузите PDF", "en": "Upload a PDF"},
    "reader.upload.help": {"ru": "До {mb} МБ и {pages} страниц.", "en": "Up to {mb} MB and {pages} pages."},
    "reader.saved.label": {"ru": "…или откройте сохранённую статью", "en": "…or reopen a saved paper"},
    "reader.saved.item": {"ru": "{title} ({n} стр.)", "en": "{title} ({n} p.)"},
    "reader.reading": {"ru": "Читаю статью (в первый раз — около 5 с)…",
                       "en": "Reading the paper (first time: about 5 s)…"},
    "reader.saved.unreadable": {"ru": "Не удалось прочитать сохранённую статью.",
                                "en": "Could not read the saved paper."},
    "reader.start": {
        "ru": "Загрузите PDF с текстовым слоем (статью, конспект лекции), чтобы начать.",
        "en": "Upload a PDF with a text layer (a paper, lecture notes) to begin.",
    },
    "reader.doc.meta": {"ru": "{n} стр. · язык: {lang} · {how}", "en": "{n} pages · language: {lang} · {how}"},
    "reader.doc.reopened": {"ru": "открыта из сохранённых", "en": "reopened from the saved index"},
    "reader.doc.indexed": {"ru": "прочитана сейчас и сохранена", "en": "indexed now and saved"},
    "reader.tab.summary": {"ru": "Конспект", "en": "Summary"},
    "reader.tab.ask": {"ru": "Вопросы", "en": "Ask"},
    "reader.summary.length": {"ru": "Длина (предложений)", "en": "Length (sentences)"},
    "reader.summary.lang": {"ru": "Язык конспекта", "en": "Summary language"},
    "reader.summary.offline_lang": {
        "ru": "Без языковой модели конспект цитирует статью на её языке ({lang}).",
        "en": "Without a language model the summary quotes the paper in its own language ({lang}).",
    },
    "reader.summary.button": {"ru": "Пересобрать конспект", "en": "Summarise"},
    "reader.summary.working": {"ru": "Составляю конспект…", "en": "Summarising…"},
    "reader.summary.auto": {"ru": "Составляю конспект статьи…", "en": "Summarising the paper…"},
    "reader.summary.done": {"ru": "Конспект готов", "en": "Summary ready"},
    "reader.summary.key_parts": {"ru": "Главное: задача, метод, результаты", "en": "Key parts: problem, method, results"},
    "reader.part.problem": {"ru": "Задача", "en": "Problem"},
    "reader.part.method": {"ru": "Метод", "en": "Method"},
    "reader.part.results": {"ru": "Результаты", "en": "Results"},
    "reader.page_ref": {"ru": "с. {page}", "en": "p. {page}"},
    # U1: under "the document does not answer this": why nothing is shown and what to try (interface language).
    "reader.abstain.hint": {
        "ru": "Марго не нашла в статье фрагмента, который отвечает на этот вопрос, и не стала придумывать ответ. "
              "Спросите другими словами, ближе к словам статьи, или о том, о чём в ней говорится.",
        "en": "Margo found no passage in this paper that answers the question, so she does not make an answer up. "
              "Ask in other words, closer to the paper's own, or about something the paper covers.",
    },
    "reader.show_page": {"ru": "Показать страницу", "en": "Show the page"},
    "reader.page_caption": {"ru": "Страница {page}", "en": "Page {page}"},
    "reader.page_inexact": {"ru": " (фрагмент найден неточно)", "en": " (passage not located exactly)"},
    "reader.ask.placeholder": {"ru": "Спросите о статье по-русски или по-английски",
                               "en": "Ask about this paper, in Russian or English"},
    "reader.ask.working": {"ru": "Ищу ответ в статье…", "en": "Looking for the answer in the paper…"},
    "reader.new_conversation": {"ru": "Новый разговор", "en": "New conversation"},
    "reader.notes": {"ru": "Заметки (Markdown)", "en": "Notes (Markdown)"},
    # U1: the downloaded notes' own headings (core.reader.notes.notes_markdown, lang=the interface's).
    "reader.notes.title": {"ru": "Заметки: {title}", "en": "Notes: {title}"},
    "reader.notes.made": {"ru": "Составлено с помощью Марго, {when}.", "en": "Made with Margo, {when}."},
    "reader.notes.summary": {"ru": "Конспект", "en": "Summary"},
    "reader.notes.qa": {"ru": "Вопросы и ответы", "en": "Questions and answers"},
    "reader.notes.page": {"ru": "с.", "en": "p."},
}
