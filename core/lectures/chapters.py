"""Timed sentences and key moments (chapters) of a lecture transcript.

Sentences: the segments' (or Whisper words') text is joined and split into sentences
(razdel for Russian, pysbd for English, as everywhere in Margo); each sentence takes the
start of the segment holding its first character and the end of the one holding its
last. Captions without punctuation would give one endless "sentence", so a sentence
longer than ``MAX_SENTENCE_S`` is cut at segment boundaries.

Chapters: topic shifts found as valleys of embedding similarity, the TextTiling scheme
(Hearst, "TextTiling: Segmenting Text into Multi-paragraph Subtopic Passages",
Computational Linguistics 23(1), 1997) with sentence embeddings in place of word counts
(as in Solbiati et al., "Unsupervised Topic Segmentation of Meetings with BERT
Embeddings", arXiv:2106.12978, 2021):

1. Embed every sentence (the lecture's embedder; USE v3 offline), L2-normalised.
2. For each gap between sentences, the cosine between the mean vector of the ``window``
   sentences before it and of the ``window`` after it.
3. Depth score of a gap (Hearst): (highest similarity climbing left - its similarity)
   + (highest climbing right - its similarity).
4. Boundaries: gaps whose depth exceeds mean(depth) - std(depth) / 2 (Hearst's cutoff),
   deepest first, never closer than ``min_chapter_s`` to another boundary or to either end.

Each chapter's title is its most central sentence (largest cosine to the chapter's mean
vector), shortened to ``TITLE_CHARS``; its summary is the next most central sentences, in
spoken order. The whole-lecture summary takes the chapters' most central sentences
(one per chapter first, then second ones, up to ``max_points``), in spoken order.
"""

from __future__ import annotations

import numpy as np

from ..text import split_sentences
from .types import Chapter, KeyPoint, LectureSummary, Segment, TimedSentence, Transcript

__all__ = [
    "DEPTH_CUTOFF_SD",
    "MAX_SENTENCE_S",
    "MIN_CHAPTER_S",
    "WINDOW_SENTENCES",
    "boundary_f1",
    "speaker_boundaries",
    "build_chapters",
    "find_boundaries",
    "summarize_lecture",
    "timed_sentences",
    "uniform_boundaries",
]

MAX_SENTENCE_S = 20.0
"""Longest sentence kept whole (seconds); longer ones are cut at segment boundaries.
Subtitle cues run 2-7 s here (media/README), so a cut never splits a cue."""
WINDOW_SENTENCES = 3
"""Sentences on each side of a gap that are averaged (TextTiling's block, in sentences).
Best of 2/3/4 on the Choi-style dev set of scripts/bench_lectures.py (docs/BENCHMARKS.md)."""
DEPTH_CUTOFF_SD = 0.5
"""Boundary when depth > mean - DEPTH_CUTOFF_SD * std: Hearst's (1997) cutoff."""
MIN_CHAPTER_S = 10.0
"""Shortest chapter in seconds (no two boundaries closer). Best of 10/20/30 s on the
Choi-style dev set (docs/BENCHMARKS.md); also YouTube's shortest chapter. Long lectures use
``duration / MAX_CHAPTERS`` when larger."""
MAX_CHAPTERS = 20
"""Most chapters for a long lecture (a design choice: a list a student can scan)."""
TITLE_CHARS = 90
"""Longest title shown (characters); longer central sentences are cut at a word."""


def timed_sentences(transcript: Transcript) -> list[TimedSentence]:
    """The transcript's sentences with their time spans, in order.

    Returns:
        ``TimedSentence`` list, ``index`` 0-based.
    """
    units: list[Segment] = transcript.words or transcript.segments
    if not units:
        return []
    lang = transcript.lang if transcript.lang in ("ru", "en") else None
    pieces: list[str] = []
    starts: list[int] = []  # char offset of each unit in the joined text
    pos = 0
    for u in units:
        starts.append(pos)
        pieces.append(u.text)
        pos += len(u.text) + 1
    text = " ".join(pieces)
    ends = [s + len(u.text) for s, u in zip(starts, units, strict=True)]

    def unit_at(offset: int) -> int:
        return max(0, int(np.searchsorted(np.asarray(starts), offset, side="right")) - 1)

    out: list[TimedSentence] = []
    cursor = 0
    for sent in split_sentences(text, lang):
        at = text.find(sent, cursor)
        if at < 0:
            at = text.find(sent[:20], cursor)
        if at < 0:
            at = cursor
        a = unit_at(at)
        b = unit_at(at + len(sent) - 1)
        cursor = at + len(sent)
        # Cut sentences longer than MAX_SENTENCE_S at unit boundaries.
        first = a
        while first <= b:
            last = first
            while last < b and units[last + 1].end_s - units[first].start_s <= MAX_SENTENCE_S:
                last += 1
            if first == a and last == b:
                piece = sent
            else:
                lo = max(starts[first], at) if first == a else starts[first]
                hi = min(ends[last], at + len(sent)) if last == b else ends[last]
                piece = text[lo:hi].strip()
            if piece:
                out.append(TimedSentence(len(out), units[first].start_s, units[last].end_s, piece,
                                         units[first].speaker))
            first = last + 1
    return out


def _gap_similarities(vectors: np.ndarray, window: int) -> np.ndarray:
    """Cosine between the mean of ``window`` vectors before and after each gap; ``(n - 1,)``."""
    n = len(vectors)
    sims = np.zeros(max(0, n - 1), dtype=np.float32)
    for g in range(1, n):
        left = vectors[max(0, g - window):g].mean(axis=0)
        right = vectors[g:g + window].mean(axis=0)
        denom = float(np.linalg.norm(left) * np.linalg.norm(right)) or 1.0
        sims[g - 1] = float(left @ right) / denom
    return sims


def _depth_scores(sims: np.ndarray) -> np.ndarray:
    """Hearst's depth score of every gap (climb to the highest point on each side)."""
    depth = np.zeros_like(sims)
    for i, s in enumerate(sims):
        left = s
        for j in range(i - 1, -1, -1):
            if sims[j] < left:
                break
            left = sims[j]
        right = s
        for j in range(i + 1, len(sims)):
            if sims[j] < right:
                break
            right = sims[j]
        depth[i] = (left - s) + (right - s)
    return depth


def find_boundaries(
    sentences: list[TimedSentence],
    vectors: np.ndarray,
    duration_s: float,
    window: int = WINDOW_SENTENCES,
    cutoff_sd: float = DEPTH_CUTOFF_SD,
    min_chapter_s: float = MIN_CHAPTER_S,
) -> list[int]:
    """Sentence indices where a new chapter starts (0 excluded), in order.

    Args:
        sentences: the timed sentences.
        vectors: float32 ``(len(sentences), dim)``, L2-normalised.
        duration_s: length of the lecture (limits the last chapter).
        window: sentences averaged on each side of a gap.
        cutoff_sd: depth cutoff in standard deviations below the mean (Hearst: 0.5).
        min_chapter_s: least seconds between two boundaries (and from either end).
    """
    n = len(sentences)
    min_chapter_s = max(min_chapter_s, duration_s / MAX_CHAPTERS)
    if n < 2 * window or duration_s < 2 * min_chapter_s:
        return []
    sims = _gap_similarities(vectors, window)
    depth = _depth_scores(sims)
    cutoff = float(depth.mean() - cutoff_sd * depth.std())
    # Only local minima of the similarity curve are valleys.
    candidates = [
        g for g in range(len(sims))
        if depth[g] > cutoff and depth[g] > 0
        and (g == 0 or sims[g] <= sims[g - 1]) and (g == len(sims) - 1 or sims[g] <= sims[g + 1])
    ]
    chosen: list[float] = []
    picked: list[int] = []
    for g in sorted(candidates, key=lambda g: -depth[g]):
        t = sentences[g + 1].start_s
        if t < min_chapter_s or duration_s - t < min_chapter_s:
            continue
        if any(abs(t - c) < min_chapter_s for c in chosen):
            continue
        chosen.append(t)
        picked.append(g + 1)
    return sorted(picked)


def speaker_boundaries(sentences: list[TimedSentence], duration_s: float,
                       min_chapter_s: float = MIN_CHAPTER_S) -> list[int]:
    """Sentence indices where the speaker changes (WebVTT ``<v Name>`` tags), 0 excluded.

    A turn change closer than ``min_chapter_s`` to the previous boundary or to the end is
    skipped. Returns ``[]`` when fewer than two speakers are named.
    """
    if len({s.speaker for s in sentences if s.speaker}) < 2:
        return []
    out: list[int] = []
    last_t = 0.0
    for i in range(1, len(sentences)):
        cur, prev = sentences[i].speaker, sentences[i - 1].speaker
        t = sentences[i].start_s
        if cur and cur != prev and t - last_t >= min_chapter_s and duration_s - t >= min_chapter_s:
            out.append(i)
            last_t = t
    return out


def uniform_boundaries(sentences: list[TimedSentence], duration_s: float, n_chapters: int) -> list[int]:
    """Baseline: ``n_chapters`` chapters of equal length, each starting at the first sentence
    that starts after its nominal time. Returns sentence indices (0 excluded)."""
    if n_chapters <= 1 or not sentences:
        return []
    starts = np.array([s.start_s for s in sentences])
    out = []
    for k in range(1, n_chapters):
        i = int(np.searchsorted(starts, duration_s * k / n_chapters))
        if 0 < i < len(sentences) and i not in out:
            out.append(i)
    return out


def boundary_f1(predicted_s: list[float], gold_s: list[float], tolerance_s: float = 15.0) -> tuple[float, float, float]:
    """Precision, recall and F1 of boundary times matched one-to-one within ``tolerance_s``.

    Greedy matching by closeness (each gold boundary matches at most one prediction).
    Empty prediction and empty gold give (1, 1, 1); one of them empty gives zeros.
    """
    if not predicted_s and not gold_s:
        return 1.0, 1.0, 1.0
    pairs = sorted((abs(p - g), i, j) for i, p in enumerate(predicted_s) for j, g in enumerate(gold_s))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for dist, i, j in pairs:
        if dist > tolerance_s:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
    hits = len(used_p)
    precision = hits / len(predicted_s) if predicted_s else 0.0
    recall = hits / len(gold_s) if gold_s else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _shorten(text: str, limit: int = TITLE_CHARS) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text.rstrip(".")
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"


TITLE_MIN_WORDS = 4
"""Sentences shorter than this ("banana", "Right.") are placed after longer ones when
choosing titles and key points: they are central only because they say little."""


def _by_centrality(sentences: list[TimedSentence], idx: list[int], centrality: np.ndarray) -> list[int]:
    """``idx`` sorted by centrality, sentences of fewer than TITLE_MIN_WORDS words last."""
    ranked = [idx[i] for i in np.argsort(-centrality)]
    return sorted(ranked, key=lambda i: len(sentences[i].text.split()) < TITLE_MIN_WORDS)


def build_chapters(
    sentences: list[TimedSentence], vectors: np.ndarray, boundaries: list[int], duration_s: float,
    summary_sentences: int = 2,
) -> list[Chapter]:
    """Chapters from boundary sentence indices, each with a title and an extractive summary.

    Args:
        sentences: the timed sentences.
        vectors: their embeddings, ``(n, dim)``, L2-normalised.
        boundaries: sentence indices where chapters start (0 excluded), sorted.
        duration_s: the lecture's length (end of the last chapter).
        summary_sentences: most sentences in a chapter's summary.
    """
    if not sentences:
        return []
    starts = [0, *boundaries]
    chapters = []
    for k, a in enumerate(starts):
        b = starts[k + 1] if k + 1 < len(starts) else len(sentences)
        idx = list(range(a, b))
        block = vectors[a:b]
        centroid = block.mean(axis=0)
        centrality = block @ centroid
        order = _by_centrality(sentences, idx, centrality)
        title = _shorten(sentences[order[0]].text)
        rest = sorted(order[1:1 + summary_sentences]) or [order[0]]
        summary = " ".join(sentences[i].text for i in rest)
        start = 0.0 if k == 0 else sentences[a].start_s
        end = sentences[b].start_s if b < len(sentences) else max(duration_s, sentences[-1].end_s)
        chapters.append(Chapter(start, end, title, summary, idx))
    return chapters


def summarize_lecture(
    transcript: Transcript, sentences: list[TimedSentence], vectors: np.ndarray, max_points: int = 7,
    use_speakers: bool = True,
) -> LectureSummary:
    """Chapters and a whole-lecture summary (one key sentence per chapter, longest chapters
    first when there are more than ``max_points``), all with times.

    Args:
        transcript: the lecture.
        sentences: its timed sentences (:func:`timed_sentences`).
        vectors: their embeddings ``(n, dim)``, L2-normalised.
        max_points: most key points in the summary.
        use_speakers: where the subtitles name speakers, chapters follow the speaker turns
            (a panel, an interview); otherwise, or when False, topic-shift valleys.
    """
    boundaries = speaker_boundaries(sentences, transcript.duration_s) if use_speakers else []
    if not boundaries:
        boundaries = find_boundaries(sentences, vectors, transcript.duration_s)
    chapters = build_chapters(sentences, vectors, boundaries, transcript.duration_s)
    # Key points: chapters' most central sentences, round-robin by rank (all first-ranked
    # sentences, then second-ranked, ...), so a short one-chapter talk still gets several.
    ranked = []
    for ch in chapters:
        block = vectors[ch.sentences]
        ranked.append(_by_centrality(sentences, ch.sentences, block @ block.mean(axis=0)))
    if len(chapters) > max_points:  # the longest chapters speak for the lecture
        keep = set(sorted(range(len(chapters)), key=lambda k: -(chapters[k].end_s - chapters[k].start_s))[:max_points])
        ranked = [r for k, r in enumerate(ranked) if k in keep]
    target = min(max_points, max(1, len(sentences) // 3))
    picked: list[int] = []
    depth = 0
    while len(picked) < target and any(depth < len(r) for r in ranked):
        for r in ranked:
            if depth < len(r) and len(picked) < target:
                picked.append(r[depth])
        depth += 1
    points = [KeyPoint(sentences[i].text, sentences[i].start_s) for i in sorted(picked)]
    return LectureSummary(transcript.lang, transcript.duration_s, chapters, points)
