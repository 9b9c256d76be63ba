"""UI strings of paper search, OCR, figures and the routed chat on the Reader page (#12)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "papers.search.title": {"ru": "Найти статьи на arXiv", "en": "Find papers on arXiv"},
    "papers.search.input": {"ru": "Тема поиска", "en": "What to look for"},
    "papers.search.placeholder": {"ru": "например: speculative decoding", "en": "e.g. speculative decoding"},
    "papers.search.button": {"ru": "Искать", "en": "Search"},
    "papers.search.offline": {
        "ru": "Поиск статей работает только через интернет; всё остальное работает без него. {reason}",
        "en": "Paper search needs the internet; everything else works offline. {reason}",
    },
    "papers.search.none": {"ru": "На arXiv ничего не нашлось по запросу «{query}».",
                           "en": "arXiv found nothing for “{query}”."},
    "papers.search.found": {"ru": "Нашлось на arXiv по запросу «{query}»:", "en": "Found on arXiv for “{query}”:"},
    "papers.search.import": {"ru": "Открыть", "en": "Open"},
    "papers.search.importing": {"ru": "Загружаю и читаю {id}…", "en": "Downloading and reading {id}…"},
    "papers.search.imported": {"ru": "Открыта статья «{title}» ({pages} стр.)",
                               "en": "Opened “{title}” ({pages} pages)"},
    "papers.hit.meta": {"ru": "{authors} · {year} · arXiv:{id}", "en": "{authors} · {year} · arXiv:{id}"},
    "papers.open.label": {"ru": "Открыть рядом (вопросы — по всем открытым статьям)",
                          "en": "Also open (questions span every open paper)"},
    "papers.open.caption": {"ru": "Открыто статей: {n}. Ссылки называют статью и страницу.",
                            "en": "{n} papers open. Citations name the paper and the page."},
    "papers.ocr.progress": {"ru": "Распознаю страницу {done} из {total} (OCR)…",
                            "en": "Recognising page {done} of {total} (OCR)…"},
    "papers.ocr.done": {"ru": "Текст распознан с помощью OCR: {pages} стр., средняя уверенность {conf}%.",
                        "en": "Text recognised by OCR: {pages} pages, mean confidence {conf}%."},
    "papers.ocr.low": {
        "ru": "Распознавание ненадёжно (уверенность {conf}% на стр. {pages}): похоже на рукопись — ответы могут "
              "быть неверными.",
        "en": "Recognition is unreliable (confidence {conf}% on p. {pages}): this looks like handwriting, "
              "answers may be wrong.",
    },
    "papers.tool.caption": {"ru": "Инструмент: {tool} · выбран {source}", "en": "Tool: {tool} · chosen {source}"},
    "papers.tool.search_papers": {"ru": "поиск статей", "en": "paper search"},
    "papers.tool.summarize": {"ru": "краткое содержание", "en": "summary"},
    "papers.tool.answer": {"ru": "ответ по статье", "en": "answer from the paper"},
    "papers.tool.compare": {"ru": "сравнение статей", "en": "comparison of papers"},
    "papers.tool.explain_figure": {"ru": "объяснение рисунка", "en": "figure explanation"},
    "papers.source.rules": {"ru": "по правилам", "en": "by rules"},
    "papers.source.knn": {"ru": "по похожим запросам", "en": "by similar requests"},
    "papers.source.default": {"ru": "по умолчанию", "en": "by default"},
    "papers.source.llm": {"ru": "языковой моделью", "en": "by the LLM"},
    "papers.source.fallback": {"ru": "офлайн (LLM недоступна)", "en": "offline (LLM unavailable)"},
    "papers.compare.one": {"ru": "Для сравнения откройте вторую статью (поле «Открыть рядом»); пока отвечаю по одной.",
                           "en": "To compare, open a second paper (“Also open”); answering from this one for now."},
    "papers.no_paper": {"ru": "Сначала откройте статью: загрузите PDF или найдите её на arXiv.",
                        "en": "Open a paper first: upload a PDF or find one on arXiv."},
    "papers.figure.caption": {"ru": "{label}, с. {page}", "en": "{label}, p. {page}"},
    "papers.cite.paper": {"ru": "«{paper}» · ", "en": "“{paper}” · "},
}
