"""A per-paper bilingual lexicon built with the document's own embedder (no new model).

A Russian question about an English paper shares no words with it, so BM25 and the
stage-2 word overlap of :func:`core.reader.qa.find_evidence` see only its Latin-script
terms and the glossary's translations. The multilingual embedder (USE v3) places a word
and its translation close together even one word at a time ("памяти" -> "memory" 0.92,
"ошибка" -> "error" 0.89, "механизм" -> "mechanism" 0.97 on 1603.01417), so each
content word of the question is translated into the nearest words of the paper's own
vocabulary: dictionary-based query translation (Ballesteros & Croft, SIGIR 1997) with a
dictionary induced from embeddings (cf. Conneau et al., ICLR 2018, "Word translation
without parallel data", nearest neighbours in a shared space), restricted to the words
the paper actually uses so a translation is always a term BM25 can match.

The paper's vocabulary (one representative surface form per stem, its most frequent one)
is embedded once, lazily, on the first cross-lingual question, and cached on the document
object (not saved with the index): about 1,000-2,000 stems per paper, 2-8 s on the shared
2-core machine with USE v3.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..embeddings import Embedder
from ..text import stem_tokens, stopwords, tokenize
from ..types import Lang
from .chunking import in_references

__all__ = ["PaperLexicon", "paper_lexicon", "question_words", "translate_question"]

_CYR = re.compile(r"[а-яё]")
_LAT_WORD = re.compile(r"[a-z]+")

MIN_WORD_CHARS = 3
"""Shorter tokens (units, "et", "al") are not looked up nor offered as translations."""

MAX_VOCABULARY = 4000
"""At most this many of the paper's most frequent stems are embedded (every qasper_dev paper
has fewer content stems than this, so the cap only bounds a very long document's cost)."""


def _in_script(word: str, lang: Lang) -> bool:
    """True when ``word`` is written in ``lang``'s script (Cyrillic for "ru", Latin letters only for "en")."""
    if lang == "ru":
        return bool(_CYR.search(word))
    return bool(_LAT_WORD.fullmatch(word))


def question_words(question: str, source: Lang) -> list[str]:
    """The content words of ``question`` written in ``source``'s script, in order, each once.

    Stop words (bm25s's RU + EN lists) and words shorter than :data:`MIN_WORD_CHARS` are left out.
    """
    stop = stopwords()
    out: list[str] = []
    for w in tokenize(question):
        if len(w) >= MIN_WORD_CHARS and w not in stop and _in_script(w, source) and w not in out:
            out.append(w)
    return out


@dataclass
class PaperLexicon:
    """The document's vocabulary in its own language, embedded.

    Attributes:
        words: one surface form per stem (its most frequent form in the paper), most frequent stem first.
        stems: the Snowball stem of each word, same order.
        vectors: float32 ``(len(words), dim)``, L2-normalised embeddings of ``words``.
    """

    words: list[str]
    stems: list[str]
    vectors: np.ndarray

    def nearest(self, vectors: np.ndarray, floor: float, per_word: int) -> list[list[tuple[str, float]]]:
        """For each row of ``vectors`` (shape ``(n, dim)``, L2-normalised), its up to
        ``per_word`` nearest vocabulary words with cosine >= ``floor``, best first, as
        ``(word, cosine)`` pairs. Empty lists when the lexicon is empty."""
        if not len(self.words) or not len(vectors) or per_word <= 0:
            return [[] for _ in range(len(vectors))]
        sims = vectors @ self.vectors.T
        k = min(per_word, sims.shape[1])
        out = []
        for row in sims:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.argsort(-row[top])]
            out.append([(self.words[int(j)], float(row[j])) for j in top if row[j] >= floor])
        return out


def _build(doc, embedder: Embedder) -> PaperLexicon:
    """Collect the document's content words (its chunks outside the references) and embed one form per stem."""
    stop = stopwords()
    forms: dict[str, Counter] = {}
    freq: Counter = Counter()
    for node in doc.index.nodes:
        if in_references(node.metadata.get("section") or ""):
            continue
        for w in tokenize(node.get_content()):
            if len(w) < MIN_WORD_CHARS or w in stop or not _in_script(w, doc.lang):
                continue
            stems = stem_tokens(w)
            if not stems:
                continue
            forms.setdefault(stems[0], Counter())[w] += 1
            freq[stems[0]] += 1
    stems = [s for s, _ in freq.most_common(MAX_VOCABULARY)]
    words = [forms[s].most_common(1)[0][0] for s in stems]
    vectors = embedder.embed(words) if words else np.zeros((0, embedder.dim), np.float32)
    return PaperLexicon(words, stems, np.asarray(vectors, np.float32))


def paper_lexicon(doc, embedder: Embedder) -> PaperLexicon:
    """The document's :class:`PaperLexicon`, built on first use and cached on ``doc``
    (per embedder name; a document reopened from disk builds it again)."""
    cache = getattr(doc, "_qa_lexicon", None)
    if cache is None or cache[0] != embedder.name:
        cache = (embedder.name, _build(doc, embedder))
        doc._qa_lexicon = cache
    return cache[1]


def translate_question(doc, question: str, source: Lang, embedder: Embedder, floor: float,
                       per_word: int) -> list[str]:
    """The paper's own words nearest to each content word of ``question`` (a question in
    ``source``, the paper in ``doc.lang``): for every word of :func:`question_words`, its up to
    ``per_word`` nearest vocabulary words with cosine >= ``floor``.

    Returns:
        Surface words of the paper (each once, in question order), ``[]`` when the question
        has no content word in ``source``'s script or none is near enough.
    """
    words = question_words(question, source)
    if not words:
        return []
    lexicon = paper_lexicon(doc, embedder)
    out: list[str] = []
    for cands in lexicon.nearest(embedder.embed(words), floor, per_word):
        for w, _ in cands:
            if w not in out:
                out.append(w)
    return out
