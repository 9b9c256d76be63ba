"""A small Russian-English glossary of ML terms for cross-lingual questions.

Dictionary-based query translation is the classic cross-language retrieval method
(Ballesteros & Croft, SIGIR 1997, "Phrasal translation and query expansion techniques
for cross-language information retrieval"): the question's terms that the glossary
knows are translated into the document's language, so a Russian question about an
English paper can also match words, not only meaning. The glossary is ours; it covers
common ML, NLP, deep-learning, recommender and statistics terms.
"""

from __future__ import annotations

from functools import lru_cache

from ..text import stem_tokens
from ..types import Lang

__all__ = ["GLOSSARY", "translate_terms"]

GLOSSARY: list[tuple[str, str]] = [
    ("внимание", "attention"), ("механизм внимания", "attention mechanism"),
    ("самовнимание", "self-attention"), ("голова внимания", "attention head"), ("головы", "heads"),
    ("трансформер", "transformer"), ("энкодер", "encoder"), ("кодировщик", "encoder"),
    ("декодер", "decoder"), ("декодировщик", "decoder"),
    ("оптимизатор", "optimizer"), ("скорость обучения", "learning rate"), ("прогрев", "warmup"),
    ("сглаживание меток", "label smoothing"), ("регуляризация", "regularization"),
    ("дропаут", "dropout"), ("прореживание", "dropout"), ("переобучение", "overfitting"),
    ("предобучение", "pre-training"),
    ("предобучали", "pre-training"), ("дообучение", "fine-tuning"), ("тонкая настройка", "fine-tuning"),
    ("корпус", "corpus"), ("корпусах", "corpora"), ("словарь", "vocabulary"),
    ("токен", "token"), ("токенизатор", "tokenizer"), ("маскирование", "masking"),
    ("маскируется", "masked"), ("доля", "fraction percent"), ("следующее предложение", "next sentence"),
    ("предсказание следующего предложения", "next sentence prediction"), ("предложение", "sentence"),
    ("позиция", "position"), ("позиционное кодирование", "positional encoding"),
    ("синус", "sine"), ("косинус", "cosine"), ("последовательность", "sequence"),
    ("перевод", "translation"), ("машинный перевод", "machine translation"),
    ("английский", "English"), ("немецкий", "German"), ("французский", "French"),
    ("оборудование", "hardware"), ("видеокарта", "GPU"), ("графический процессор", "GPU"),
    ("сколько времени", "time hours days"), ("дней", "days"), ("часов", "hours"),
    ("параметр", "parameters"), ("параметров", "parameters"), ("размерность", "dimension"),
    ("скалярное произведение", "dot product"), ("корень", "square root"), ("масштабирование", "scaling"),
    ("ключ", "key"), ("запрос", "query"), ("значение", "value"), ("софтмакс", "softmax"),
    ("сеть прямого распространения", "feed-forward network"), ("полносвязный", "fully connected"),
    ("остаточная связь", "residual connection"), ("нормализация", "normalization"),
    ("нормализация слоя", "layer normalization"), ("батч", "batch"), ("пакет", "batch"),
    ("функция активации", "activation function"), ("градиент", "gradient"),
    ("затухание градиентов", "vanishing gradients"), ("сверточный", "convolutional"),
    ("свёрточный", "convolutional"), ("свертка", "convolution"), ("свёртка", "convolution"),
    ("рекуррентный", "recurrent"), ("рекуррентная сеть", "recurrent network"),
    ("нейронная сеть", "neural network"), ("архитектура", "architecture"),
    ("точность", "accuracy"), ("метрика", "metric"),
    ("ответы на вопросы", "question answering"),
    ("классификация", "classification"),
    ("распознавание именованных сущностей", "named entity recognition"), ("сущность", "entity"),
    ("признак", "feature"), ("признаков", "features"), ("эмбеддинг", "embedding"),
    ("представление", "representation"), ("двунаправленный", "bidirectional"),
    ("языковая модель", "language model"), ("выборка", "dataset sample"),
    ("набор данных", "dataset"), ("бенчмарк", "benchmark"),
    ("поиск лучом", "beam search"), ("лучевой поиск", "beam search"), ("длина пути", "path length"),
    ("сложность", "complexity"), ("вычислительная сложность", "computational complexity"),
    ("параллелизация", "parallelization"), ("синтаксический разбор", "parsing"),
    ("рекомендательная система", "recommender system"), ("рекомендация", "recommendation"),
    ("пользователь", "user"), ("товар", "item"), ("рейтинг", "rating"),
    ("коллаборативная фильтрация", "collaborative filtering"), ("сходство", "similarity"),
    ("матричное разложение", "matrix factorization"), ("скрытые факторы", "latent factors"),
    ("неявная обратная связь", "implicit feedback"), ("покрытие", "coverage"),
    ("разнообразие", "diversity"), ("новизна", "novelty"), ("прозорливость", "serendipity"),
    ("ранжирование", "ranking"), ("полнота", "recall"), ("бустинг", "boosting"),
    ("случайный лес", "random forest"), ("дерево решений", "decision tree"),
    ("линейная регрессия", "linear regression"), ("логистическая регрессия", "logistic regression"),
    ("функция потерь", "loss function"), ("кросс-энтропия", "cross-entropy"),
    ("градиентный спуск", "gradient descent"), ("стохастический", "stochastic"),
    ("кластеризация", "clustering"), ("понижение размерности", "dimensionality reduction"),
    ("гиперпараметр", "hyperparameter"), ("валидация", "validation"), ("тест", "test"),
    ("статистика", "statistics"), ("гипотеза", "hypothesis"), ("выборочное среднее", "sample mean"),
    ("дисперсия", "variance"), ("смещение", "bias"), ("распределение", "distribution"),
    ("изображение", "image"), ("изображения", "images"), ("картинка", "image picture"),
    ("речь", "speech"), ("распознавание речи", "speech recognition"), ("стоимость", "cost"),
]
"""(Russian term, English term) pairs; matched on Snowball stems, so word forms vary freely."""


@lru_cache(maxsize=1)
def _entries() -> list[tuple[frozenset[str], frozenset[str]]]:
    out = []
    for ru, en in GLOSSARY:
        ru_stems, en_stems = frozenset(stem_tokens(ru)), frozenset(stem_tokens(en))
        if ru_stems and en_stems:
            out.append((ru_stems, en_stems))
    return out


def translate_terms(question: str, target: Lang) -> set[str]:
    """Stems, in the ``target`` language, of the glossary terms found in ``question``.

    Args:
        question: a question in the other language.
        target: "en" translates Russian terms to English stems; "ru" the reverse.

    Returns:
        A set of Snowball stems (empty when no glossary term occurs).
    """
    q = set(stem_tokens(question))
    found: set[str] = set()
    for ru, en in _entries():
        src, dst = (ru, en) if target == "en" else (en, ru)
        if src <= q:
            found |= dst
    return found
