"""Questions about a lecture, answered with moments cited to the second.

The transcript's sentences are grouped into passages (consecutive sentences covering at
least ``PASSAGE_S`` seconds unless a pause of ``PAUSE_S`` ends them first; one passage
starts at every sentence, so each moment is in a few overlapping passages). The passages are indexed on the shared retrieval core
(:class:`core.retrieval.HybridIndex`: FAISS + BM25 with RU/EN stemming, fused by RRF).

Evidence score of a passage (the Reader's scheme, ``core/reader/qa.py``):
    cosine(question, passage) + ``LEXICAL_WEIGHT`` * share of the question's stemmed
    content words found in it + ``CHUNK_BONUS`` when the hybrid retriever returned it
    (dense only when the question's language differs from the lecture's: BM25 cannot
    match across languages).

The answer quotes the best passage and up to two more within ``MARGIN`` of it that do
not overlap it, in spoken order, each followed by ``[mm:ss]``: the start of the passage's
sentence that best matches the question (:meth:`LectureIndex.moment`), which is also the
citation's span and quote. Below the abstention
threshold it answers "the lecture does not say" instead of an invention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..embeddings import Embedder
from ..errors import LLMError
from ..text import detect_lang, stem_tokens
from .chapters import timed_sentences
from .types import LectureAnswer, LectureCitation, TimedSentence, Transcript, format_time

__all__ = [
    "ABSTAIN_THRESHOLD",
    "ABSTAIN_THRESHOLD_CROSSLINGUAL",
    "CHUNK_BONUS",
    "LEXICAL_WEIGHT",
    "LectureIndex",
    "NOT_IN_LECTURE",
    "PASSAGE_S",
    "answer_question",
    "parse_time_marks",
    "strip_time_marks",
]

PASSAGE_S = 12.0
"""Least seconds a passage covers (about two subtitle cues, or one spoken sentence and
its neighbour); set before measuring, as a citation a student can check by listening."""
PAUSE_S = 3.0
"""A passage never runs across a silence longer than this (seconds): after a pause the
speaker has usually moved on, and a citation spanning it would start too early."""
LEXICAL_WEIGHT = 0.6
"""Weight of stemmed word overlap. Grid 0.3 (the Reader's value) / 0.6 / 1.0 / 1.5 on the dev
half of data/lecture_eval/questions.jsonl: Citation@1 0.69 / 0.73 / 0.73 / 0.73 (n=26); the
smallest of the best kept (spoken questions repeat the lecture's words more than paper questions)."""
CHUNK_BONUS = 0.03
"""Bonus when the fused retriever returned the passage (the Reader's value)."""
MARGIN = 0.12
"""Further passages are quoted only when they score within this of the best."""
ABSTAIN_THRESHOLD = 0.44
"""Abstain below this evidence score (question in the lecture's language): the median of the
thresholds with the best balanced accuracy (0.40-0.48) on the dev half of
data/lecture_eval/questions.jsonl, found by scripts/bench_lectures.py (docs/BENCHMARKS.md)."""
ABSTAIN_THRESHOLD_CROSSLINGUAL = 0.30
"""The same across languages (no shared words; the Reader's cross-lingual value)."""

NOT_IN_LECTURE = {
    "en": "The lecture does not answer this question.",
    "ru": "В лекции нет ответа на этот вопрос.",
}

_MARK = re.compile(r"\[(\d{1,2}(?::\d{2}){1,2})\]")


def strip_time_marks(text: str) -> str:
    """``text`` without its ``[mm:ss]`` marks (what Margo says aloud)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(_MARK.sub("", text).split()))


def parse_time_marks(text: str) -> list[float]:
    """Seconds of every ``[mm:ss]`` / ``[h:mm:ss]`` mark in ``text``, in order."""
    out = []
    for m in _MARK.finditer(text):
        value = 0
        for part in m.group(1).split(":"):
            value = value * 60 + int(part)
        out.append(float(value))
    return out


@dataclass
class LectureIndex:
    """A lecture ready for questions and chapters.

    Attributes:
        transcript: the lecture.
        sentences: its timed sentences.
        vectors: sentence embeddings, float32 ``(len(sentences), dim)``, L2-normalised.
        passages: ``(first, last)`` sentence indices (inclusive) of each passage.
        passage_vectors: float32 ``(len(passages), dim)``, L2-normalised.
        index: the hybrid retrieval index over the passages (node metadata: ``order``,
            ``start_s``, ``end_s``).
        embedder: the embedder of all vectors.
    """

    transcript: Transcript
    sentences: list[TimedSentence]
    vectors: np.ndarray
    passages: list[tuple[int, int]]
    passage_vectors: np.ndarray
    index: object
    embedder: Embedder
    _stems: list[set[str]] = field(default_factory=list, repr=False)

    @classmethod
    def build(cls, transcript: Transcript, embedder: Embedder) -> LectureIndex:
        """Split, embed and index the transcript (about a second for a 10-minute talk).

        Raises:
            NoSpeechError: the transcript has no sentences.
        """
        from llama_index.core.schema import TextNode

        from ..errors import NoSpeechError
        from ..retrieval import HybridIndex

        sentences = timed_sentences(transcript)
        if not sentences:
            raise NoSpeechError(f"{transcript.name} has no text to work with.")
        vectors = embedder.embed([s.text for s in sentences])
        passages = []
        for i in range(len(sentences)):
            j = i
            while (j + 1 < len(sentences) and sentences[j].end_s - sentences[i].start_s < PASSAGE_S
                   and sentences[j + 1].start_s - sentences[j].end_s <= PAUSE_S):
                j += 1
            passages.append((i, j))
        texts = [" ".join(s.text for s in sentences[a:b + 1]) for a, b in passages]
        passage_vectors = embedder.embed(texts)
        nodes = [
            TextNode(text=txt, id_=f"{transcript.doc_id[:12]}-{k}",
                     metadata={"order": k, "start_s": sentences[a].start_s, "end_s": sentences[b].end_s})
            for k, ((a, b), txt) in enumerate(zip(passages, texts, strict=True))
        ]
        index = HybridIndex.build(nodes, embedder, embeddings=passage_vectors)
        stems = [set(stem_tokens(t)) for t in texts]
        return cls(transcript, sentences, vectors, passages, passage_vectors, index, embedder, stems)

    def passage_text(self, k: int) -> str:
        """Text of passage ``k`` (0-based)."""
        a, b = self.passages[k]
        return " ".join(s.text for s in self.sentences[a:b + 1])

    def passage_span(self, k: int) -> tuple[float, float]:
        """``(start_s, end_s)`` of passage ``k``."""
        a, b = self.passages[k]
        return self.sentences[a].start_s, self.sentences[b].end_s

    def moment(self, k: int, question: str) -> int:
        """The sentence of passage ``k`` that best matches ``question`` (0-based sentence index).

        Scored like passages (cosine + ``LEXICAL_WEIGHT`` * stemmed word overlap), so a
        citation starts at the second the answer is said, not at the passage's first sentence.
        """
        a, b = self.passages[k]
        q_vec = self.embedder.embed([question])[0]
        q_stems = set(stem_tokens(question)) if detect_lang(question) == self.transcript.lang else set()
        best, best_score = a, -1e9
        for i in range(a, b + 1):
            score = float(self.vectors[i] @ q_vec)
            if q_stems:
                score += LEXICAL_WEIGHT * len(q_stems & set(stem_tokens(self.sentences[i].text))) / len(q_stems)
            if score > best_score:
                best, best_score = i, score
        return best

    def evidence(self, question: str, top_k: int = 6) -> tuple[list[int], list[float], str, bool]:
        """Score every passage for ``question``.

        Returns:
            ``(passage indices best first, their scores, question language, cross_lingual)``.
        """
        lang = detect_lang(question)
        cross = lang != self.transcript.lang
        q_vec = self.embedder.embed([question])[0]
        cos = self.passage_vectors @ q_vec
        hits = self.index.retrieve(question, top_k=top_k, mode="dense" if cross else "hybrid")
        retrieved = {int(h.node.metadata.get("order", -1)) for h in hits}
        q_stems = set(stem_tokens(question)) if not cross else set()
        scores = []
        for k in range(len(self.passages)):
            score = float(cos[k])
            if q_stems:
                score += LEXICAL_WEIGHT * len(q_stems & self._stems[k]) / len(q_stems)
            if k in retrieved:
                score += CHUNK_BONUS
            scores.append(score)
        order = sorted(range(len(scores)), key=lambda k: -scores[k])
        return order, [scores[k] for k in order], lang, cross


def _extractive(lecture: LectureIndex, order: list[int], scores: list[float], lang: str,
                threshold: float, n_passages: int, question: str = "") -> LectureAnswer:
    best = scores[0] if scores else 0.0
    if best < threshold:
        return LectureAnswer(NOT_IN_LECTURE.get(lang, NOT_IN_LECTURE["en"]), True, lang=lang, evidence=best)
    chosen: list[int] = []
    for k, sc in zip(order, scores, strict=True):
        if sc < max(threshold, best - MARGIN) or len(chosen) >= n_passages:
            break
        a, b = lecture.passages[k]
        if any(not (b < a2 or a > b2) for a2, b2 in (lecture.passages[c] for c in chosen)):
            continue  # overlaps a passage already quoted
        chosen.append(k)
    score_of = dict(zip(order, scores, strict=True))
    chosen.sort(key=lambda k: lecture.passages[k][0])
    citations = []
    parts = []
    for k in chosen:
        i = lecture.moment(k, question) if question else lecture.passages[k][0]
        sent = lecture.sentences[i]
        citations.append(LectureCitation(sent.start_s, sent.end_s, sent.text, round(score_of[k], 4)))
        parts.append(f"{lecture.passage_text(k)} [{format_time(sent.start_s)}]")
    text = " ".join(parts)
    return LectureAnswer(text, False, citations, lang, evidence=best)


def _verify_llm(lecture: LectureIndex, reply: str, allowed: list[int]) -> tuple[str, list[LectureCitation]]:
    """Keep the ``[mm:ss]`` marks that point at a sentence (of a passage given to the LLM)
    supporting the sentence citing it; drop the others.

    Support: cosine(claim, sentence) + ``LEXICAL_WEIGHT`` * share of the claim's stemmed
    words in it (same language) >= ``LLM_SUPPORT``; cosine alone >= ``LLM_SUPPORT_CROSSLINGUAL``
    across languages. The supporting sentence becomes the citation.
    """
    allowed_sentences = sorted({i for k in allowed for i in range(lecture.passages[k][0], lecture.passages[k][1] + 1)})
    kept: list[LectureCitation] = []
    out = []
    for sentence in re.split(r"(?<=[.!?\]])\s+", reply.strip()):
        marks = list(_MARK.finditer(sentence))
        claim = _MARK.sub("", sentence).strip()
        if not marks or not claim:
            out.append(sentence)
            continue
        c_vec = lecture.embedder.embed([claim])[0]
        same = detect_lang(claim) == lecture.transcript.lang
        c_stems = set(stem_tokens(claim)) if same else set()
        need = LLM_SUPPORT if same else LLM_SUPPORT_CROSSLINGUAL
        new = sentence
        for m in marks:
            t = parse_time_marks(m.group(0))[0]
            best, best_score = None, -1.0
            for i in allowed_sentences:
                sent = lecture.sentences[i]
                if not (sent.start_s - 1.0 <= t <= sent.end_s + 1.0):
                    continue
                score = float(lecture.vectors[i] @ c_vec)
                if c_stems:
                    score += LEXICAL_WEIGHT * len(c_stems & set(stem_tokens(sent.text))) / len(c_stems)
                if score > best_score:
                    best, best_score = i, score
            if best is None or best_score < need:
                new = new.replace(m.group(0), "")
            else:
                sent = lecture.sentences[best]
                kept.append(LectureCitation(sent.start_s, sent.end_s, sent.text, round(best_score, 4)))
        out.append(re.sub(r"\s+([.,;:])", r"\1", new).strip())
    unique = {(c.start_s, c.quote): c for c in kept}
    return " ".join(out), sorted(unique.values(), key=lambda c: c.start_s)


LLM_SUPPORT = 0.45
"""Least support score between an LLM sentence and the sentence its ``[mm:ss]`` points at:
the Reader's SUPPORT_THRESHOLD for page citations (core/reader/qa.py), reused."""
LLM_SUPPORT_CROSSLINGUAL = 0.30
"""The same when the answer's language differs from the lecture's (the Reader's value)."""


def answer_question(
    lecture: LectureIndex,
    question: str,
    threshold: float | tuple[float, float] = (ABSTAIN_THRESHOLD, ABSTAIN_THRESHOLD_CROSSLINGUAL),
    llm=None,
    n_passages: int = 3,
    top_k: int = 6,
) -> LectureAnswer:
    """Answer ``question`` from the lecture with ``[mm:ss]`` citations.

    Args:
        lecture: the indexed lecture.
        question: Russian or English.
        threshold: abstention threshold, or ``(same_language, cross_lingual)``.
        llm: optional :class:`core.llm.LLMClient`; None answers extractively (offline).
        n_passages: most passages quoted.
        top_k: passages retrieved by the hybrid index (they get ``CHUNK_BONUS``).

    Returns:
        A :class:`LectureAnswer` (``abstained`` when the lecture does not answer; with an
        LLM that fails, the offline answer with ``notice`` saying so).
    """
    question = " ".join((question or "").split())
    order, scores, lang, cross = lecture.evidence(question, top_k=top_k)
    if isinstance(threshold, tuple):
        threshold = threshold[1] if cross else threshold[0]
    answer = _extractive(lecture, order, scores, lang, threshold, n_passages, question)
    if llm is None or answer.abstained:
        return answer
    from ..prompts import LECTURES_ANSWER_SYSTEM

    allowed = order[:6]
    passages = "\n".join(
        f'<passage time="{format_time(lecture.passage_span(k)[0])}">\n{lecture.passage_text(k)}\n</passage>'
        for k in sorted(allowed, key=lambda k: lecture.passages[k][0])
    )
    messages = [
        {"role": "system", "content": LECTURES_ANSWER_SYSTEM.format(language="Russian" if lang == "ru" else "English")},
        {"role": "user", "content": f"Passages:\n{passages}\n\nQuestion: {question}"},
    ]
    try:
        reply = llm.chat(messages)
    except LLMError as exc:
        answer.notice = f"{exc} Showing the offline answer instead."
        return answer
    if "NOT_IN_LECTURE" in reply:
        return LectureAnswer(NOT_IN_LECTURE.get(lang, NOT_IN_LECTURE["en"]), True, lang=lang, mode="llm",
                             evidence=answer.evidence)
    text, citations = _verify_llm(lecture, reply, allowed)
    if not citations:
        answer.notice = "The LLM's answer cited no supporting moment; showing the offline answer instead."
        return answer
    return LectureAnswer(text, False, citations, lang, mode="llm", evidence=answer.evidence)
