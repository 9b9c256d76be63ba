"""Feedback on a scored answer: what was right, what is missing (with the reference's
words for it), concrete hints, a follow-up question, and an optional LLM critique.

The offline feedback is built from the :class:`~core.interview.scoring.ScoreResult`
alone and is always available. The LLM critique is grounded in the reference answer
and key points; the candidate's answer and the reference are delimited and declared
data, not instructions. Any LLM failure or timeout returns the offline feedback with a
``notice`` saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..embeddings import Embedder
from ..errors import LLMError
from ..grounding import strip_unknown_marks
from ..i18n import t
from ..llm import LLMClient
from ..prompts import INTERVIEW_CRITIQUE_SYSTEM
from ..text import split_sentences, stem_tokens
from .bank import Bank, Question, get_bank_embeddings
from .scoring import ScoreResult

__all__ = ["VERDICT_BANDS", "Feedback", "MissedPoint", "build_feedback", "consistent_verdict", "feedback_text",
           "llm_critique", "reference_excerpt", "shown_covered", "verdict"]


@dataclass(frozen=True)
class MissedPoint:
    """A key point the answer missed, with the sentence of the reference that states it.

    Attributes:
        key_point: the key point.
        excerpt: the best-matching sentence of the reference answer.
        contradicted: True when the answer stated it the wrong way round.
        span: for a contradiction, the answer's text that contradicts it.
        why: for a contradiction, what was swapped or negated.
    """

    key_point: str
    excerpt: str
    contradicted: bool = False
    span: str = ""
    why: str = ""


@dataclass
class Feedback:
    """Everything shown to the candidate after an answer.

    Attributes:
        summary: one line with the verdict.
        strengths: key points covered.
        missed: missed or contradicted key points with reference excerpts.
        hints: concrete things to do in the next attempt.
        follow_up: a follow-up question an interviewer would ask.
        critique: the LLM's written critique ("" offline).
        mode: "offline" or "llm".
        notice: what the user should know (e.g. the LLM failed, offline feedback shown).
    """

    summary: str
    strengths: list[str] = field(default_factory=list)
    missed: list[MissedPoint] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    follow_up: str = ""
    critique: str = ""
    mode: str = "offline"
    notice: str = ""


VERDICT_BANDS = ((80, "excellent"), (60, "good"), (35, "partial"), (0, "weak"))
"""Score bands of the one verdict (0-100). The learned score is 100·P(correct); its 2-way
threshold fitted on SemEval train (``scorer_model.json``) falls inside the "partial" band,
so "good" and above are answers the model holds correct with some margin."""


def _t(key: str, lang: str, **fields: str) -> str:
    return t(f"interview_feedback.{key}", "ru" if lang == "ru" else "en", **fields)


def verdict(score: int, lang: str) -> str:
    """The one verdict line for an overall ``score`` (0-100) in ``lang``."""
    name = next(n for lo, n in VERDICT_BANDS if score >= lo)
    return _t(f"verdict.{name}", lang)


def shown_covered(result: ScoreResult) -> list[str]:
    """Key points the feedback calls right: exactly the scorer's covered ones (:attr:`ScoreResult.covered`);
    none for an off-topic or otherwise flagged answer.

    S2b (#9 item 3): one source of truth. S2 hid here, under a "weak" score (below 35), the points covered
    by meaning alone, while the score's completeness still counted them (en ops-022 in a browser:
    "distribution shifts against a reference" counted in completeness 55 and listed as missed). That rule now
    lives in the scorer: the semantic route opens at the "partial" band (``kp_gate_score`` 35 in
    ``calibration.json``), so the list, the completeness number and the verdict read the same decisions."""
    if result.flag:
        return []
    return list(result.covered)


def consistent_verdict(result: ScoreResult, lang: str) -> str:
    """The verdict of ``result``'s score, reworded where the band's sentence would contradict the key points.

    (S2, #9 item 5.) The bands' sentences make claims about the key points ("important points are
    missing", "most of the reference is not covered", "covers the key points"); the covered/missed
    list beside them must not say otherwise:

    The key points called right are :func:`shown_covered`'s.

    * every key point right, band below "excellent": "good" becomes ``verdict.good_complete``;
      "partial" and "weak" become ``verdict.unconvincing`` (the points are touched, the score is low);
    * "weak" with at least half of the key points covered: ``verdict.unconvincing``;
    * "excellent" with under half covered: the "good" sentence (good, with gaps).

    Without key points (none known) the band's sentence is used as is.
    """
    name = next(n for lo, n in VERDICT_BANDS if result.score >= lo)
    n = len(result.key_points)
    if n:
        right = shown_covered(result)
        share = len(right) / n
        all_right = len(right) == n
        if all_right and name == "good":
            name = "good_complete"
        elif (all_right and name in ("partial", "weak")) or (name == "weak" and share >= 0.5):
            name = "unconvincing"
        elif name == "excellent" and share < 0.5:
            name = "good"
    return _t(f"verdict.{name}", lang)


def reference_excerpt(key_point: str, reference: str, lang: str, embedder: Embedder | None = None) -> str:
    """The sentence of ``reference`` that best states ``key_point``.

    Stemmed-token overlap picks it; with an ``embedder`` the cosine is added (0.5/0.5).
    """
    sentences = split_sentences(reference, lang) or [reference]  # type: ignore[arg-type]
    kp = set(stem_tokens(key_point))
    overlap = np.array([len(kp & set(stem_tokens(s))) / max(len(kp), 1) for s in sentences])
    if embedder is not None and len(sentences) > 1:
        vecs = embedder.embed([key_point, *sentences])
        overlap = 0.5 * overlap + 0.5 * (vecs[1:] @ vecs[0])
    return sentences[int(np.argmax(overlap))]


def _related_question(q: Question | None, bank: Bank | None, embedder: Embedder | None, lang: str,
                      exclude: set[str]) -> Question | None:
    if q is None or bank is None or embedder is None or q.id not in bank.by_id:
        return None
    emb = get_bank_embeddings(bank, embedder, lang)
    row = emb.row(q.id)
    sims = emb.combined @ emb.combined[row]
    for j in np.argsort(-sims):
        other = bank.questions[int(j)]
        if other.id != q.id and other.id not in exclude and other.topic == q.topic and lang in other.langs:
            return other
    return None


def build_feedback(result: ScoreResult, reference: str, lang: str, question: Question | None = None,
                   bank: Bank | None = None, embedder: Embedder | None = None,
                   exclude_ids: set[str] | None = None) -> Feedback:
    """Offline feedback for ``result``; it agrees with the score by construction.

    One verdict (the guard's message for a flagged answer, else :func:`consistent_verdict`:
    the score's band, reworded where it would contradict the covered/missed list); no strengths on a flagged (off-topic, empty...) answer; hints and the
    follow-up are built from the missed and contradicted key points (with the reference's
    sentence for each), generic structure hints only after them.

    Args:
        result: the score of the answer.
        reference: the reference answer (excerpts come from it).
        lang: "ru" or "en" (the language of the feedback).
        question: the bank question, to find a related follow-up question.
        bank: the bank to look the follow-up up in.
        embedder: improves excerpt matching and finds the related question.
        exclude_ids: questions not to propose as follow-up (already asked).

    Returns:
        The :class:`Feedback` (mode "offline").
    """
    if result.flag and result.flag != "off_topic":
        return Feedback(summary=result.message, missed=[
            MissedPoint(k.text, reference_excerpt(k.text, reference, lang)) for k in result.key_points
        ], follow_up="")
    off_topic = result.flag == "off_topic"
    summary = result.message if off_topic else consistent_verdict(result, lang)
    right = set(shown_covered(result))
    missed = [
        MissedPoint(k.text, reference_excerpt(k.text, reference, lang, embedder), k.contradicted,
                    k.span if k.contradicted else "", k.why)
        for k in result.key_points if off_topic or k.text not in right
    ]
    hints: list[str] = []
    if off_topic and question is not None:
        hints.append(_t("hint.reread", lang, question=question.text(lang)))
    for m in missed:
        if m.contradicted and not off_topic:
            hint = _t("hint.contra", lang, span=m.span, excerpt=m.excerpt)
            if hint not in hints:  # S2b: two points contradicted by one sentence gave the same hint twice
                hints.append(hint)
    seen_excerpts: set[str] = set()
    for m in [m for m in missed if not m.contradicted or off_topic]:
        if m.excerpt in seen_excerpts:
            continue
        seen_excerpts.add(m.excerpt)
        hints.append(_t("hint.cover", lang, excerpt=m.excerpt))
        if len(seen_excerpts) >= 2:
            break
    if not off_topic:
        words = int(result.features.get("n_words", 0))
        if not result.signals.get("definition"):
            hints.append(_t("hint.definition", lang))
        if words < 25:
            hints.append(_t("hint.short", lang))
        elif words > 300:
            hints.append(_t("hint.long", lang))
        if not result.signals.get("example"):
            hints.append(_t("hint.example", lang))
        if not result.signals.get("tradeoff"):
            hints.append(_t("hint.tradeoff", lang))
    contra = [m for m in missed if m.contradicted]
    if contra and not off_topic:
        follow = _t("follow.contra", lang, kp=contra[0].key_point)
    elif missed:
        follow = _t("follow.missed", lang, kp=missed[0].key_point)
    else:
        related = _related_question(question, bank, embedder, lang, exclude_ids or set())
        follow = _t("follow.related", lang, q=related.text(lang)) if related else _t("follow.generic", lang)
    strengths = [] if off_topic else [k for k in result.covered if k in right]
    return Feedback(summary=summary, strengths=strengths, missed=missed, hints=hints[:5], follow_up=follow)


def feedback_text(fb: Feedback, lang: str = "en") -> str:
    """The feedback as one plain-text paragraph (the command line's ``feedback`` field)."""
    parts = [fb.summary]
    if fb.missed:
        label = _t("text.missing", lang)
        parts.append(f"{label}: " + "; ".join(m.key_point for m in fb.missed) + ".")
    parts.extend(fb.hints[:3])
    if fb.follow_up:
        parts.append(fb.follow_up)
    if fb.critique:
        parts.append(fb.critique)
    return " ".join(p.strip() for p in parts if p.strip())


def llm_critique(client: LLMClient | None, fb: Feedback, question: str, reference: str, key_points: list[str],
                 answer: str, result: ScoreResult, lang: str) -> Feedback:
    """Add an LLM critique to ``fb``; on no client or any LLM failure return ``fb`` with a notice.

    Args:
        client: the configured LLM client, or None (offline: ``fb`` is returned unchanged).
        fb: the offline feedback (kept in full; the critique is added to it).
        question, reference, key_points, answer: the grounding material (sent as delimited data).
        result: the measured score (the LLM sees it but does not change it).
        lang: "ru" or "en".

    Returns:
        A :class:`Feedback`: mode "llm" with ``critique`` set, or the offline one with a
        ``notice`` explaining the fallback.
    """
    if client is None:
        return fb
    lang = "ru" if lang == "ru" else "en"
    user = (
        f"Question:\n<<<\n{question}\n>>>\n\nReference answer:\n<<<\n{reference}\n>>>\n\n"
        f"Key points:\n<<<\n" + "\n".join(f"- {k}" for k in key_points) + "\n>>>\n\n"
        f"Automatic score: {result.score}/100; covered: {', '.join(result.covered) or 'none'}; "
        f"missed: {', '.join(result.missed) or 'none'}.\n\nCandidate's answer:\n<<<\n{answer}\n>>>"
    )
    try:
        text = client.chat([{"role": "system", "content": INTERVIEW_CRITIQUE_SYSTEM[lang]}, {"role": "user", "content": user}],
                           max_tokens=400)
    except LLMError as exc:
        note = ("Критика от LLM недоступна ({e}); показан офлайн-разбор." if lang == "ru"
                else "The LLM critique is unavailable ({e}); showing the offline feedback.")
        return Feedback(**{**fb.__dict__, "notice": note.format(e=exc)})
    # #11: the critique was given no pages or numbered sources, so any citation mark is invented
    text, invented = strip_unknown_marks(text.strip())
    notice = fb.notice
    if invented:
        notice = (f"Из критики удалено ссылок, которых нет в эталоне: {invented}." if lang == "ru"
                  else f"{invented} citation(s) to sources the coach was never given were removed from the critique.")
    return Feedback(**{**fb.__dict__, "critique": text, "mode": "llm", "notice": notice})
