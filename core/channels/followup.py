"""Is a question a follow-up of the previous one? A small rule, measured on a labelled set.

A follow-up is a question that cannot be searched on its own: it refers back ("А когда он
выйдет?", "Is it free?") or leaves the subject out ("А у Qwen?", "Why?", "Which telecoms
were hit?"). A new question names its own subject ("Что писали про генерацию видео?",
"Was LastPass breached?") and must be searched alone, or the previous question's words drag
the search back to the old topic.

The rule, in order (first match decides):

1. an anaphoric pronoun or deictic word ("он", "этого", "там", "it", "they", "those") → follow-up;
2. at most one content word ("Почему?", "Tell me more", "Does Chrome?") → follow-up;
3. opens with a connective ("а", "и", "ещё", "and", "what about") and has at most three
   content words → follow-up;
4. names something the previous question did not (a capitalised or alphanumeric token such as
   "LastPass", "H100", "GPT-4o"), or states its topic ("… про X", "что такое X", "about X",
   "what is a X") → new question;
5. at most two content words (an elliptic question: "Сколько человек пострадало?") → follow-up;
6. otherwise → new question.

Content words are the question's words minus RU/EN stop words and question-frame words
("что", "писали", "what", "said"). The word lists are ordinary Russian and English grammar
(personal and demonstrative pronouns, connectives), not fitted; the two count limits (1, 3
and 2 content words) were chosen on the ``dev`` half of ``data/channel_eval/followups.jsonl``
and are reported on its ``test`` half by ``scripts/bench_ui.py`` (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re

from ..text import stopwords, tokenize

__all__ = ["content_words", "is_follow_up"]

ANAPHORA = frozenset(
    # Russian personal pronouns of the 3rd person in all cases, demonstratives, pro-adverbs.
    "он она оно они его её ее их него неё нее них ему ей им ним ней нему нём нем ими "
    "этот эта это эти этого этой этому этим этих этом эту тот та те того той тому тем тех том ту "
    "там туда оттуда тогда такой такая такое такие таких такого тоже также "
    # English 3rd-person pronouns, demonstratives, pro-forms.
    "it its itself they them their theirs themselves he him his she her this that these those "
    "such same too either".split()
)
"""Words that point back to something said before."""

CONNECTIVES = ("а ", "и ", "ещё", "еще", "тогда", "то есть", "кроме того", "подробнее", "а если",
               "and ", "also", "what about", "how about", "then ", "so ", "any other", "more ")
"""Openings that continue the previous question (Russian "а"/"и", English "and"/"what about")."""

QUESTION_FRAME = frozenset(
    "что кто где когда как какой какая какое какие каких каким почему зачем сколько скольких ли "
    "ли можно нужно есть был была было были будет писали пишут написали сказали говорили известно "
    "расскажи расскажите покажи покажите объясни подробнее именно вообще ещё новости новое новые "
    "what who whom where when why how which whose is are was were do does did can could will would "
    "should any tell show give explain me more said say says written write wrote known news new "
    "about there please many much from examples example "
    # The app's own nouns: a question "from the channel" is not about channels.
    "канал канале канала каналы пост посты постов посте channel channels post posts".split()
)
"""Question words and light verbs that carry no subject ("What was said about …")."""

_NAME = re.compile(r"(?<![\w-])(?:[A-ZА-ЯЁ][\w.+-]*|\w*\d\w*)")
_TOPIC = re.compile(r"(?:\bпро\b|\bоб?\b|что так(?:ое|ая|ой)|\babout\b|what (?:is|are) (?:an?|the)?)\s*\w",
                    re.IGNORECASE)
_SET_PHRASES = re.compile(r"\b(?:(?:is|are|was|were) there|что так(?:ое|ая|ой|ие))\b", re.IGNORECASE)
"""Pronoun-looking words that point nowhere: "is there", "что такое"."""


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words, pronouns and question-frame words."""
    drop = stopwords() | QUESTION_FRAME | ANAPHORA
    return [w for w in tokenize(text) if w not in drop]


def _names(text: str) -> set[str]:
    """Capitalised or alphanumeric tokens, the first word of the text excluded (sentence case)."""
    words = text.strip().split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    return {m.group(0).lower().strip(".-") for m in _NAME.finditer(rest)} - {""}


def is_follow_up(question: str, previous: str | None) -> bool:
    """True when ``question`` needs ``previous`` to be understood (see the module's rule).

    Args:
        question: the new question, RU or EN.
        previous: the previous question of the conversation (None or "" when there is none).

    Returns:
        False without a previous question.
    """
    if not previous or not previous.strip() or not question.strip():
        return False
    low = " ".join(tokenize(_SET_PHRASES.sub(" ", question)))
    tokens = low.split()
    if any(tok in ANAPHORA for tok in tokens):
        return True
    content = content_words(question)
    if len(content) <= 1:
        return True
    opening = question.strip().lower()
    if opening.startswith(CONNECTIVES) and len(content) <= 3:
        return True
    if _names(question) - _names(previous) - {w.lower() for w in tokenize(previous)}:
        return False
    if _TOPIC.search(question):  # "Что писали про X", "What is a X": the subject is stated
        return False
    return len(content) <= 2
