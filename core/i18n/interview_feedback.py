"""UI strings of the interview coach's feedback and score display (engineer #9's catalogue)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # Verdicts: one per answer, chosen from the overall score alone (bands in core/interview/feedback.py).
    "interview_feedback.verdict.excellent": {
        "ru": "Сильный ответ: совпадает с эталоном и покрывает ключевые пункты.",
        "en": "Strong answer: it matches the reference and covers the key points.",
    },
    "interview_feedback.verdict.good": {"ru": "Хороший ответ, но с пробелами.", "en": "Good answer with some gaps."},
    "interview_feedback.verdict.partial": {
        "ru": "Отчасти верно: не хватает важных пунктов.",
        "en": "Partly right: important points are missing.",
    },
    "interview_feedback.verdict.weak": {
        "ru": "Слабый ответ: большая часть эталона не раскрыта или сказана неверно.",
        "en": "Weak answer: most of the reference is not covered or is stated wrongly.",
    },
    # S2 (#9 item 5): the verdict when the band's sentence would contradict the covered/missed list.
    "interview_feedback.verdict.good_complete": {
        "ru": "Хороший ответ: все ключевые пункты на месте; добавьте точности, пример или компромисс.",
        "en": "Good answer: every key point is there; add precision, an example or a trade-off.",
    },
    "interview_feedback.verdict.unconvincing": {
        "ru": "Ответ затрагивает ключевые пункты, но оценка низкая: проверьте, что каждый сказан верно и точно, по эталону ниже.",
        "en": "The answer touches the key points, but the score is low: check against the reference below that each is stated correctly and precisely.",
    },
    "interview_feedback.hint.contra": {
        "ru": "Вы написали «{span}», а верно так: {excerpt}",
        "en": "You wrote “{span}”, but it is the other way round: {excerpt}",
    },
    "interview_feedback.hint.cover": {"ru": "Добавьте: {excerpt}", "en": "Add this: {excerpt}"},
    "interview_feedback.hint.definition": {
        "ru": "Начните с определения понятия в одном предложении.",
        "en": "Start with a one-sentence definition of the concept.",
    },
    "interview_feedback.hint.example": {
        "ru": "Добавьте конкретный пример или интуицию.",
        "en": "Add a concrete example or the intuition behind it.",
    },
    "interview_feedback.hint.tradeoff": {
        "ru": "Упомяните компромисс, ограничение или подводный камень: на собеседовании это ждут.",
        "en": "Mention a trade-off, limitation or pitfall: interviewers look for it.",
    },
    "interview_feedback.hint.short": {
        "ru": "Раскройте ответ подробнее: для этого вопроса хорошо 4-6 предложений.",
        "en": "Expand the answer: 4-6 sentences is a good length for this question.",
    },
    "interview_feedback.hint.long": {
        "ru": "Сократите ответ: сначала главная идея, затем детали.",
        "en": "Tighten the answer: lead with the main idea, then details.",
    },
    "interview_feedback.hint.reread": {
        "ru": "Ответьте именно на заданный вопрос: «{question}»",
        "en": "Answer the question that was asked: “{question}”",
    },
    "interview_feedback.follow.contra": {
        "ru": "Уточним: {kp}? Почему именно так, а не наоборот?",
        "en": "Let us check: {kp}? Why this way and not the other way round?",
    },
    "interview_feedback.follow.missed": {
        "ru": "Вы не упомянули: {kp}. Как это связано с вашим ответом?",
        "en": "You did not mention this: {kp}. How does it fit into your answer?",
    },
    "interview_feedback.follow.generic": {
        "ru": "Где этот подход ломается на практике и что бы вы сделали вместо него?",
        "en": "Where does this approach break down in practice, and what would you do instead?",
    },
    "interview_feedback.follow.related": {"ru": "Дополнительный вопрос: {q}", "en": "Follow-up: {q}"},
    "interview_feedback.text.missing": {"ru": "Не хватает", "en": "Missing"},
    "interview_feedback.page.right": {"ru": "Что верно", "en": "What was right"},
    "interview_feedback.page.missing": {"ru": "Чего не хватает или что неверно", "en": "What was missing or wrong"},
    "interview_feedback.page.contra_item": {
        "ru": "{kp} — вы написали _«{span}»_ ({why}). Эталон: _{excerpt}_",
        "en": "{kp} — you wrote _“{span}”_ ({why}). Reference: _{excerpt}_",
    },
    # Why a key point counts as contradicted (core/interview/scoring.py:_contradiction); {got}/{want} quote
    # the answer's and the key point's own words.
    "interview_feedback.why.swap": {
        "ru": "в ответе «{got}» вместо «{want}»",
        "en": "the answer says “{got}” where the point needs “{want}”",
    },
    "interview_feedback.why.pairing": {
        "ru": "«{a}» и «{b}» связаны в ответе наоборот",
        "en": "“{a}” and “{b}” are paired the wrong way round",
    },
    "interview_feedback.why.negates": {"ru": "ответ отрицает этот пункт", "en": "the answer negates this point"},
    "interview_feedback.why.opposite": {
        "ru": "в ответе противоположное: «{got}» вместо «{want}»",
        "en": "the answer says the opposite: “{got}” instead of “{want}”",
    },
    "interview_feedback.why.dropped_negation": {
        "ru": "ответ повторяет слова пункта, но теряет его отрицание",
        "en": "the answer reuses the point's words but drops its negation",
    },
    # U1: the quoted span in the user's language's quotation marks, as in contra_item (RU «…», EN “…”).
    "interview_feedback.page.right_item": {"ru": "{kp} — _«{span}»_", "en": "{kp} — _“{span}”_"},
    "interview_feedback.page.missed_item": {"ru": "{kp}. Эталон: _{excerpt}_", "en": "{kp}. Reference: _{excerpt}_"},
    "interview_feedback.page.improve": {"ru": "Как улучшить", "en": "How to improve"},
    "interview_feedback.page.follow_up": {"ru": "Дополнительный вопрос", "en": "Follow-up question"},
    # Engineer W: the remaining labels of the score/feedback block on pages/interview.py.
    "interview_feedback.page.score": {"ru": "Оценка", "en": "Score"},
    "interview_feedback.page.correctness": {"ru": "Верность", "en": "Correctness"},
    "interview_feedback.page.completeness": {"ru": "Полнота", "en": "Completeness"},
    "interview_feedback.page.structure": {"ru": "Структура", "en": "Structure"},
    "interview_feedback.page.delivery": {"ru": "Подача устного ответа", "en": "Delivery of your spoken answer"},
    "interview_feedback.page.critique": {
        "ru": "Разбор тренера (языковая модель, по эталонному ответу):",
        "en": "Coach's critique (LLM, grounded in the reference):",
    },
    "interview_feedback.page.reference": {"ru": "Эталонный ответ", "en": "Reference answer"},
    "interview_feedback.page.resubmit": {
        "ru": "Исправьте ответ выше и отправьте снова, чтобы увидеть, как меняется оценка.",
        "en": "Edit your answer above and submit again to see the score change.",
    },
}
