"""Choosing the next interview question by retrieval over the bank.

Every question is indexed in a FAISS inner-product index (``faiss.IndexFlatIP``; on
L2-normalised vectors inner product is cosine) by the normalised mean of its question
and reference-answer embeddings. The next question:

1. is drawn from the questions that match the chosen topics, levels and language and
   were not asked in this session;
2. comes from a topic sampled by weight: uniform over the chosen topics, shifted toward
   the topics a pasted job description or CV retrieves (the topic shares among its
   top-k retrieved questions), and damped for topics already asked in this session;
3. within the topic, is the question most similar to the candidate's weak key points
   (retrieved from the same index) and to the job description, with a small random
   jitter so two sessions differ.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..text import split_sentences
from .bank import TOPIC_TITLES, Bank, Question, get_bank_embeddings

__all__ = ["Pick", "QuestionSelector"]


@dataclass(frozen=True)
class Pick:
    """The chosen question and why.

    Attributes:
        question: the next question.
        reason: a short explanation for the candidate ("" when the choice was plain).
        topic_weights: the topic mix the choice was drawn from (sums to 1).
    """

    question: Question
    reason: str = ""
    topic_weights: dict[str, float] | None = None


class QuestionSelector:
    """Retrieval-based choice of the next question.

    Args:
        bank: the questions (user questions may be merged in).
        embedder: the app's embedder.
        cache_dir: where bank embeddings are cached.
    """

    def __init__(self, bank: Bank, embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.bank = bank
        self.embedder = embedder
        self.cache_dir = cache_dir
        self._indexes: dict[str, object] = {}
        self._lock = threading.Lock()

    def _index(self, lang: str):
        import faiss

        with self._lock:
            if lang not in self._indexes:
                emb = get_bank_embeddings(self.bank, self.embedder, lang, self.cache_dir)
                index = faiss.IndexFlatIP(emb.combined.shape[1])
                index.add(np.ascontiguousarray(emb.combined, dtype=np.float32))
                self._indexes[lang] = index
            return self._indexes[lang]

    def similarities(self, texts: list[str], lang: str) -> np.ndarray:
        """Max cosine of each bank question to any of ``texts``: ``(n_questions,)`` (zeros if no texts)."""
        n = len(self.bank)
        texts = [t for t in texts if t and t.strip()]
        if not texts:
            return np.zeros(n, dtype=np.float32)
        index = self._index(lang)
        scores, ids = index.search(np.ascontiguousarray(self.embedder.embed(texts), dtype=np.float32), n)
        out = np.full(n, -1.0, dtype=np.float32)
        for row_s, row_i in zip(scores, ids, strict=True):
            for s, i in zip(row_s, row_i, strict=True):
                if i >= 0 and s > out[i]:
                    out[i] = s
        return out

    def topic_mix(self, profile_text: str, lang: str, topics: list[str], top_k: int = 30) -> dict[str, float]:
        """Topic weights (sum 1) for ``topics``; a job description or CV shifts them.

        Args:
            profile_text: pasted job description or CV ("" for the uniform mix).
            lang: bank language to retrieve in (USE is cross-lingual, so an English CV
                works with a Russian interview).
            topics: the chosen topics.
            top_k: bank questions retrieved per chunk of the text.

        Returns:
            ``{topic: weight}``: 30% uniform plus 70% the topic shares among the
            questions the text retrieves (uniform when no text).
        """
        if not topics:
            return {}
        uniform = {t: 1 / len(topics) for t in topics}
        chunks = [s for s in split_sentences(profile_text or "") if len(s.split()) >= 3][:40]
        if not chunks:
            return uniform
        index = self._index(lang)
        scores, ids = index.search(np.ascontiguousarray(self.embedder.embed(chunks), dtype=np.float32),
                                   min(top_k, len(self.bank)))
        mass: Counter[str] = Counter()
        for row_s, row_i in zip(scores, ids, strict=True):
            for s, i in zip(row_s[:5], row_i[:5], strict=True):
                topic = self.bank.questions[int(i)].topic
                if topic in uniform and s > 0.2:
                    mass[topic] += float(s)
        total = sum(mass.values())
        if total <= 0:
            return uniform
        return {t: 0.3 * uniform[t] + 0.7 * mass[t] / total for t in topics}

    def next_question(self, lang: str, topics: list[str] | None = None, levels: list[str] | None = None,
                      asked: list[str] | tuple[str, ...] = (), weak_key_points: list[str] | None = None,
                      profile_text: str = "", seed: int | None = None) -> Pick | None:
        """Choose the next question.

        Args:
            lang: "ru" or "en"; only questions available in it are asked.
            topics: allowed topics (None: all).
            levels: allowed levels (None: all).
            asked: ids already asked in this session (never repeated).
            weak_key_points: key points the candidate missed before (from progress).
            profile_text: pasted job description or CV.
            seed: random seed (tests, reproducible sessions).

        Returns:
            The :class:`Pick`, or None when every matching question has been asked.
        """
        rng = random.Random(seed)
        asked_set = set(asked)
        cands = [i for i, q in enumerate(self.bank.questions)
                 if lang in q.langs and q.id not in asked_set
                 and (not topics or q.topic in topics) and (not levels or q.level in levels)]
        if not cands:
            return None
        cand_topics = sorted({self.bank.questions[i].topic for i in cands})
        weights = self.topic_mix(profile_text, lang, cand_topics)
        asked_topics = Counter(self.bank.by_id[q].topic for q in asked_set if q in self.bank.by_id)
        damped = {t: w / (1 + asked_topics[t]) for t, w in weights.items()}
        total = sum(damped.values())
        damped = {t: w / total for t, w in damped.items()}
        topic = rng.choices(list(damped), weights=list(damped.values()))[0]
        in_topic = [i for i in cands if self.bank.questions[i].topic == topic]
        weak = self.similarities(weak_key_points or [], lang)
        jd = self.similarities([profile_text[:2000]] if profile_text.strip() else [], lang)
        best, best_val, reason = in_topic[0], -1e9, ""
        for i in in_topic:
            value = 1.0 * max(float(weak[i]), 0.0) + 0.5 * max(float(jd[i]), 0.0) + 0.15 * rng.random()
            if value > best_val:
                best, best_val = i, value
        q = self.bank.questions[best]
        if weak_key_points and weak[best] >= 0.45:
            reason = ("Практика слабого места из прошлых попыток." if lang == "ru"
                      else "Practises a weak point from your earlier attempts.")
        elif profile_text.strip() and weights.get(topic, 0) > 1.2 / max(len(weights), 1):
            title = TOPIC_TITLES.get(topic, {}).get(lang, topic)
            reason = (f"Тема «{title}» важна для вакансии/резюме." if lang == "ru"
                      else f"The topic '{title}' matters for the job description/CV.")
        return Pick(q, reason, weights)
