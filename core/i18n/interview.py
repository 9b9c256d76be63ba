"""UI strings of the Interview coach page (pages/interview.py), apart from the score and feedback
display (``core/i18n/interview_feedback.py``)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "interview.title": {"ru": "Тренажёр собеседований", "en": "Interview coach"},
    "interview.caption": {
        "ru": "Пробное собеседование по ML на русском или английском: ответьте, получите оценку по эталонному "
              "ответу, посмотрите, чего не хватило, исправьте и следите за прогрессом. Оценка ставится без "
              "интернета; языковая модель, если подключена, только добавляет письменный разбор.",
        "en": "A mock ML interview in Russian or English: answer, get a score against a reference answer, see what "
              "was missing, revise, and track your progress. Scoring is offline; a language model, if connected, "
              "only adds a written critique.",
    },
    "interview.tab.interview": {"ru": "Собеседование", "en": "Interview"},
    "interview.tab.progress": {"ru": "Прогресс", "en": "Progress"},
    # Setup.
    "interview.setup.profile": {"ru": "Профиль", "en": "Profile"},
    "interview.setup.profile_help": {"ru": "Прогресс хранится отдельно для каждого профиля.",
                                     "en": "Progress is kept separately for each profile."},
    "interview.setup.lang": {"ru": "Язык собеседования", "en": "Interview language"},
    "interview.setup.role": {"ru": "Роль", "en": "Role"},
    "interview.setup.level": {"ru": "Уровень", "en": "Level"},
    "interview.setup.topics": {"ru": "Темы", "en": "Topics"},
    "interview.setup.n": {"ru": "Вопросов в собеседовании", "en": "Questions in this interview"},
    "interview.setup.jd": {
        "ru": "Необязательно: вставьте описание вакансии или резюме, чтобы подобрать темы",
        "en": "Optional: paste a job description or your CV to shift the topic mix",
    },
    "interview.setup.upload": {
        "ru": "Необязательно: свои вопросы (CSV или JSON в формате банка вопросов)",
        "en": "Optional: your own questions (CSV or JSON in the bank's format)",
    },
    "interview.setup.added": {
        "ru": "Добавлено ваших вопросов: {n} (тема «свои» или их собственная тема).",
        "en": "Added {n} of your questions (topic “custom” or their own topic).",
    },
    "interview.setup.start": {"ru": "Начать собеседование", "en": "Start the interview"},
    "interview.setup.no_topic": {"ru": "Выберите хотя бы одну тему.", "en": "Choose at least one topic."},
    "interview.setup.info": {
        "ru": "Выберите роль, уровень, темы и язык и начните. Отвечать можно текстом или голосом; оценка "
              "ставится без интернета.",
        "en": "Choose a role, level, topics and language, then start. Answer by typing or by voice; scoring is "
              "offline.",
    },
    "interview.topic.custom": {"ru": "Свои вопросы", "en": "Custom"},
    "interview.level.junior": {"ru": "джуниор", "en": "junior"},
    "interview.level.middle": {"ru": "мидл", "en": "middle"},
    "interview.level.senior": {"ru": "сеньор", "en": "senior"},
    "interview.role.ml": {"ru": "ML-инженер", "en": "ML engineer"},
    "interview.role.ds": {"ru": "Data scientist", "en": "Data scientist"},
    "interview.role.nlp": {"ru": "NLP-инженер", "en": "NLP engineer"},
    "interview.role.cv": {"ru": "Инженер компьютерного зрения", "en": "Computer vision engineer"},
    "interview.role.recsys": {"ru": "Инженер рекомендательных систем", "en": "Recommender systems engineer"},
    "interview.role.mlops": {"ru": "MLOps-инженер", "en": "MLOps engineer"},
    "interview.role.analyst": {"ru": "Продуктовый аналитик (A/B-тесты)", "en": "Product analyst (A/B tests)"},
    # Running interview.
    "interview.choosing": {"ru": "Подбираю следующий вопрос…", "en": "Choosing the next question…"},
    "interview.progress": {"ru": "Вопрос {n} из {total}", "en": "Question {n} of {total}"},
    "interview.answer.label": {"ru": "Ваш ответ", "en": "Your answer"},
    "interview.answer.placeholder": {
        "ru": "Отвечайте как на собеседовании: определение, объяснение, пример, компромиссы.",
        "en": "Answer as you would in an interview: define, explain, give an example, mention trade-offs.",
    },
    "interview.submit": {"ru": "Отправить ответ", "en": "Submit answer"},
    "interview.next": {"ru": "Следующий вопрос", "en": "Next question"},
    "interview.finish": {"ru": "Завершить", "en": "Finish interview"},
    "interview.scoring": {"ru": "Оцениваю…", "en": "Scoring…"},
    # Summary.
    "interview.summary.head": {"ru": "Итоги собеседования", "en": "Interview summary"},
    "interview.summary.question": {"ru": "Вопрос", "en": "Question"},
    "interview.summary.topic": {"ru": "Тема", "en": "Topic"},
    "interview.summary.first": {"ru": "Первая оценка", "en": "First score"},
    "interview.summary.best": {"ru": "Лучшая оценка", "en": "Best score"},
    "interview.summary.attempts": {"ru": "Попыток", "en": "Attempts"},
    "interview.summary.none": {"ru": "В этом собеседовании ответов не было.",
                               "en": "No answers were submitted in this interview."},
    "interview.summary.mean": {"ru": "Средняя лучшая оценка", "en": "Mean best score"},
    "interview.summary.strengths": {"ru": "**Сильные стороны:** {items}", "en": "**Strengths:** {items}"},
    "interview.summary.no_strengths": {"ru": "пока нет — продолжайте тренироваться",
                                       "en": "none yet — keep practising"},
    "interview.summary.weaknesses": {"ru": "**Слабые места:** {items}", "en": "**Weaknesses:** {items}"},
    "interview.summary.no_weaknesses": {"ru": "**Слабые места:** ничего ниже 70 в этом собеседовании",
                                        "en": "**Weaknesses:** none below 70 in this interview"},
    "interview.summary.read_next": {
        "ru": "**Что почитать** (эталонные ответы по тому, что было упущено):",
        "en": "**What to read next** (the reference answers for what you missed):",
    },
    "interview.summary.missed": {"ru": "{question} — упущено: {items}", "en": "{question} — missed: {items}"},
    "interview.new": {"ru": "Новое собеседование", "en": "New interview"},
    # Progress.
    "interview.progress.profile": {"ru": "Профиль **{profile}**", "en": "Profile **{profile}**"},
    "interview.progress.default_profile": {"ru": "основной", "en": "main"},
    "interview.progress.none": {
        "ru": "Попыток пока нет: здесь появятся ваши оценки по темам.",
        "en": "No attempts yet: your scores by topic will appear here.",
    },
    "interview.progress.by_topic": {"ru": "**Оценки по темам** (последние 5 попыток)",
                                    "en": "**Scores by topic** (last 5 attempts)"},
    "interview.progress.trend": {"ru": "**Динамика**: средняя оценка по дням", "en": "**Trend**: mean score by day"},
    "interview.progress.day": {"ru": "День", "en": "Day"},
    "interview.progress.score": {"ru": "Оценка", "en": "Score"},
    "interview.progress.review": {"ru": "**Что повторить** (сначала самые слабые недавние оценки)",
                                  "en": "**Topics to review** (weakest recent scores first)"},
    "interview.progress.mean": {"ru": "Средняя", "en": "Mean score"},
    "interview.progress.recent": {"ru": "Средняя за 5 последних", "en": "Last 5 mean"},
    "interview.progress.weakest": {"ru": "**Самые слабые ключевые пункты**", "en": "**Weakest key points**"},
    "interview.progress.key_point": {"ru": "Ключевой пункт", "en": "Key point"},
    "interview.progress.missed": {"ru": "Упущен", "en": "Missed"},
    "interview.progress.seen": {"ru": "Встречался", "en": "Seen"},
    "interview.progress.export": {"ru": "Скачать попытки (CSV)", "en": "Export attempts (CSV)"},
    "interview.progress.attempts": {"ru": "Попыток", "en": "Attempts"},
}
