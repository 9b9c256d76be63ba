"""Summaries of a document: extractive offline (LexRank), abstractive with an LLM.

Extractive: LexRank (Erkan & Radev, 2004, "LexRank: Graph-based Lexical Centrality
as Salience in Text Summarization", JAIR 22) from the ``sumy`` library, over the
document's prose sentences, with our RU/EN Snowball stemmer and stop words (sumy's
own tokenizer would try to download NLTK data). The abstract (when the paper has
one) and the reference list are left out, so the summary is of the body. Sentences
keep their page and come back in reading order.

Key parts: sentences that carry problem / method / results cue phrases, in Russian
and English, ranked by their LexRank salience.

LLM: an abstractive summary in the chosen language from the top LexRank sentences
and the key parts, citing pages; citations are verified like answers' citations.
"""

from __future__ import annotations

import re

from ..embeddings import Embedder
from ..errors import LLMError
from ..llm import LLMClient
from ..prompts import READER_SUMMARY_SYSTEM
from ..text import stem_tokens, stopwords, tokenize
from ..types import Lang, Summary, SummarySentence
from .chunking import in_references
from .documents import ReaderDocument
from .pdf import find_abstract, parse_pdf
from .qa import verify_citations

__all__ = ["KEY_PART_CUES", "body_sentence_indices", "summarize", "summarize_extractive"]

KEY_PART_CUES: dict[str, re.Pattern[str]] = {
    "problem": re.compile(
        r"\b(problem|challenge|limitation|bottleneck|we address|motivat|difficult|goal|task of"
        r"|проблем|задач[аи]|недостат|ограничен|мотивац|трудност|цель)",
        re.IGNORECASE,
    ),
    "method": re.compile(
        r"\b(we propose|we introduce|we present|our (model|method|approach)|architecture|based (solely |entirely )?on"
        r"|предлага|метод|подход|архитектур|модел[ьи] (состоит|строится)|алгоритм|определени)",
        re.IGNORECASE,
    ),
    "results": re.compile(
        r"\b(achiev|outperform|state[- ]of[- ]the[- ]art|improv|results? (show|demonstrate)|BLEU|accuracy|score"
        r"|достиг|превосход|улучш|результат|показал|ошибк[аи] |точност)",
        re.IGNORECASE,
    ),
}
"""Cue phrases of a paper's key parts (ours; English and Russian stems)."""

_ABSTRACT = re.compile(r"^(abstract|аннотация)$", re.IGNORECASE)


class _Tokenizer:
    """sumy tokenizer interface over our word tokens (no NLTK download)."""

    language = "multi"

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(tokenize(sentence))

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)


def body_sentence_indices(doc: ReaderDocument, abstract: str = "") -> list[int]:
    """Indices of the body's prose sentences: without the abstract and the reference list.

    Args:
        doc: the open document.
        abstract: the abstract's text (:func:`find_abstract`); its sentences are left out.
    """
    out = []
    for i, s in enumerate(doc.sentences):
        if in_references(s.section):
            break
        if _ABSTRACT.match(s.section or "") or (abstract and s.page <= 2 and s.text in abstract):
            continue
        out.append(i)
    return out


def _lexrank(texts: list[str]) -> list[float]:
    """LexRank salience of each text (sumy's implementation), same order."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tok = _Tokenizer()
    sentences = [SumySentence(t, tok) for t in texts]
    model = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = LexRankSummarizer(stem_word)
    summarizer.stop_words = stopwords()
    # sumy's __call__ keeps the ratings to itself; catch them on their way to the selector.
    captured: dict = {}

    def keep(_sentences, _count, rating, *args, **kwargs):
        captured.update(rating)
        return ()

    summarizer._get_best_sentences = keep  # type: ignore[method-assign]
    summarizer(model, len(sentences))
    return [float(captured.get(s, 0.0)) for s in sentences]


def stem_word(word: str) -> str:
    """Snowball stem of one word (Russian for Cyrillic, English otherwise)."""
    stems = stem_tokens(word, drop_stopwords=False)
    return stems[0] if stems else word.lower()


def summarize_extractive(
    doc: ReaderDocument, n_sentences: int = 7, max_candidates: int = 400, abstract: str | None = None
) -> Summary:
    """An extractive LexRank summary of the document's body with page numbers.

    Args:
        doc: the open document.
        n_sentences: sentences in the summary (length control).
        max_candidates: LexRank is quadratic; longer documents are rated on their
            first ``max_candidates`` body sentences of at least 8 words.
        abstract: the abstract to leave out (None: the one found when the document was
            indexed, ``doc.abstract``).

    Returns:
        A :class:`Summary` whose sentences are in reading order, pages 1-based, and
        whose ``key_parts`` map "problem"/"method"/"results" to one or two sentences.
    """
    if abstract is None:
        abstract = doc.abstract if doc.abstract is not None else find_abstract(parse_pdf(doc.pdf_bytes).pages[:2])
    idx = [
        i for i in body_sentence_indices(doc, abstract)
        if len(doc.sentences[i].text.split()) >= 8 and not doc.sentences[i].text.endswith(":")
    ][:max_candidates]
    if not idx:
        idx = list(range(len(doc.sentences)))[:max_candidates]
    if not idx:
        return Summary(text="", notice="The document has no sentences to summarise.")
    ratings = _lexrank([doc.sentences[i].text for i in idx])
    ranked = sorted(zip(ratings, idx, strict=True), reverse=True)
    chosen = sorted(i for _, i in ranked[:n_sentences])
    sentences = [SummarySentence(text=doc.sentences[i].text, page=doc.sentences[i].page) for i in chosen]
    key_parts: dict[str, list[SummarySentence]] = {}
    for part, cue in KEY_PART_CUES.items():
        hits = [i for _, i in ranked if cue.search(doc.sentences[i].text)][:2]
        if hits:
            key_parts[part] = [SummarySentence(doc.sentences[i].text, doc.sentences[i].page) for i in sorted(hits)]
    text = " ".join(f"{s.text} [p. {s.page}]" for s in sentences)
    return Summary(text=text, sentences=sentences, key_parts=key_parts)


def summarize(
    doc: ReaderDocument,
    embedder: Embedder,
    n_sentences: int = 7,
    llm: LLMClient | None = None,
    lang: Lang | None = None,
) -> Summary:
    """Summarise ``doc``: extractive offline, abstractive when an LLM is given.

    Args:
        doc: the open document.
        embedder: used to verify the LLM summary's page citations.
        n_sentences: length of the summary in sentences.
        llm: optional LLM client.
        lang: language of an LLM summary (default: the document's).

    Returns:
        A :class:`Summary`; on LLM failure the extractive one with a ``notice``.
    """
    extractive = summarize_extractive(doc, n_sentences)
    if llm is None or not extractive.sentences:
        return extractive
    lang = lang or doc.lang
    excerpts = {(s.page, s.text) for s in extractive.sentences}
    excerpts |= {(s.page, s.text) for part in extractive.key_parts.values() for s in part}
    extra = summarize_extractive(doc, n_sentences * 2).sentences
    excerpts |= {(s.page, s.text) for s in extra}
    body = "\n".join(f'<excerpt page="{p}">{t}</excerpt>' for p, t in sorted(excerpts))
    messages = [
        {"role": "system", "content": READER_SUMMARY_SYSTEM.format(language="Russian" if lang == "ru" else "English", n=n_sentences)},
        {"role": "user", "content": f"Document title: {doc.title}\n\nExcerpts:\n{body}"},
    ]
    try:
        reply = llm.chat(messages, max_tokens=900)
    except LLMError as exc:
        extractive.notice = f"{exc} Showing the offline summary instead."
        return extractive
    text, citations, dropped = verify_citations(doc, reply, embedder)
    if not citations:
        extractive.notice = "The LLM's summary cited no supporting page; showing the offline summary instead."
        return extractive
    return Summary(
        text=text,
        sentences=[SummarySentence(c.quote, c.page) for c in citations],
        key_parts=extractive.key_parts,
        mode="llm",
        notice=f"{dropped} unsupported citation(s) removed." if dropped else "",
    )
