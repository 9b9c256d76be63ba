"""One grounding check for every generated text (channel answers, critiques, summaries).

The Reader checks an LLM answer's page citations sentence by sentence
(:func:`core.reader.qa.verify_citations`): a citation stays only when the cited page
holds a sentence whose support score with the citing sentence reaches
``SUPPORT_THRESHOLD`` (cosine of the multilingual embeddings + ``LEXICAL_WEIGHT`` x the
share of the claim's stemmed words found in it; ``SUPPORT_THRESHOLD_CROSSLINGUAL`` on the
cosine alone when the text is in the other language). The thresholds are the Reader's,
calibrated on qasper_dev (see docs/BENCHMARKS.md, Reader section); this module applies
the same rule to any numbered sources:

* :func:`ground_numbered` — text citing ``[n]`` against ``sources[n-1]`` (channel posts):
  an unsupported mark is removed; :attr:`GroundingReport.grounded` says whether anything
  was removed or left uncited.
* :func:`strip_unknown_marks` — text that was given nothing to cite (an interview
  critique, grounded in a reference answer without pages): every citation-like mark
  (``[p. 99]``, ``[3]``) is an invention and is removed.
* :func:`neutralize_marks` — source text shown as evidence (a PDF sentence that itself
  contains "[p. 99]"): its marks become ``(p. 99)`` so they cannot pass for ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .embeddings import Embedder
from .text import detect_lang, split_sentences, stem_tokens

__all__ = ["GroundingReport", "ground_numbered", "neutralize_marks", "strip_unknown_marks"]

_NUM_MARK = re.compile(r"\[(\d{1,3})\]")
_ANY_MARK = re.compile(r"\s?\[(?:(?:p|pp|с|стр)\.?\s*[\d,\s–-]+|\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]", re.IGNORECASE)


def _thresholds() -> tuple[float, float, float]:
    """The Reader's calibrated support thresholds (imported late: core.reader is heavy)."""
    from .reader.qa import LEXICAL_WEIGHT, SUPPORT_THRESHOLD, SUPPORT_THRESHOLD_CROSSLINGUAL

    return SUPPORT_THRESHOLD, SUPPORT_THRESHOLD_CROSSLINGUAL, LEXICAL_WEIGHT


@dataclass
class GroundingReport:
    """What the check kept and removed.

    Attributes:
        text: the text with unsupported marks removed.
        kept: ``(sentence index, source number)`` of each supported mark (1-based source).
        dropped: marks removed (unsupported by the cited source, or citing no source).
        uncited: sentences that cite nothing (0-based indexes), as a signal for callers.
        scores: best support score of each checked mark, in order.
    """

    text: str
    kept: list[tuple[int, int]] = field(default_factory=list)
    dropped: int = 0
    uncited: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    @property
    def grounded(self) -> bool:
        """True when at least one mark was supported and none was removed."""
        return bool(self.kept) and self.dropped == 0


def _support(claim: str, source_sentences: list[str], embedder: Embedder, same_lang: bool) -> float:
    """Best support score of ``claim`` over ``source_sentences`` (the Reader's formula)."""
    if not claim.strip() or not source_sentences:
        return 0.0
    _, _, lexical_weight = _thresholds()
    vecs = embedder.embed([claim, *source_sentences])
    sims = vecs[1:] @ vecs[0]
    if same_lang:
        stems = set(stem_tokens(claim))
        if stems:
            sims = sims + lexical_weight * np.array(
                [len(stems & set(stem_tokens(s))) / len(stems) for s in source_sentences])
    return float(sims.max())


def ground_numbered(text: str, sources: Sequence[str], embedder: Embedder, lang: str | None = None) -> GroundingReport:
    """Keep a ``[n]`` mark only when ``sources[n-1]`` supports the sentence that cites it.

    Args:
        text: generated text with marks ``[1]``, ``[2]``, ... (1-based into ``sources``).
        sources: the numbered source texts as given to the generator (post texts).
        embedder: the multilingual embedder (the Reader's).
        lang: the text's language (detected when None); sources in another language are
            held to the cross-lingual threshold.

    Returns:
        A :class:`GroundingReport`; ``text`` keeps the supported marks only.
    """
    support_same, support_cross, _ = _thresholds()
    lang = lang or detect_lang(text)
    report = GroundingReport(text="")
    split_cache: dict[int, list[str]] = {}
    out = []
    for si, sentence in enumerate(split_sentences(text, lang) or [text]):
        marks = list(_NUM_MARK.finditer(sentence))
        if not marks:
            out.append(sentence)
            if sentence.strip():
                report.uncited.append(si)
            continue
        claim = _NUM_MARK.sub("", sentence).strip()
        new = sentence
        for m in marks:
            n = int(m.group(1))
            ok = False
            if 1 <= n <= len(sources):
                src = sources[n - 1]
                if n not in split_cache:
                    split_cache[n] = split_sentences(src, detect_lang(src)) or [src]
                same = detect_lang(src) == lang
                score = _support(claim, split_cache[n], embedder, same)
                report.scores.append(round(score, 4))
                ok = score >= (support_same if same else support_cross)
            if ok:
                report.kept.append((si, n))
            else:
                report.dropped += 1
                new = new.replace(m.group(0), "", 1)
        out.append(re.sub(r"\s+([.,;:!?])", r"\1", new).strip())
    report.text = " ".join(s for s in out if s).strip()
    return report


def strip_unknown_marks(text: str) -> tuple[str, int]:
    """Remove every citation-like mark from a text that was given nothing to cite.

    Returns:
        ``(text without marks, number removed)``.
    """
    found = len(_ANY_MARK.findall(text))
    if not found:
        return text, 0
    cleaned = _ANY_MARK.sub("", text)
    cleaned = re.sub(r"\s*,\s*([.;:!?]|$)", r"\1", cleaned)  # a comma left between removed marks
    return re.sub(r"\s+([.,;:!?])", r"\1", cleaned), found


def neutralize_marks(source_text: str) -> str:
    """A source's own ``[p. 99]`` / ``[3]`` written as ``(p. 99)`` / ``(3)``, so quoted
    evidence cannot show a citation Margo did not check."""
    return _ANY_MARK.sub(lambda m: m.group(0).replace("[", "(").replace("]", ")"), source_text)
