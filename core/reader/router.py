"""The Reader's chat router (the "supervisor"): one message → one tool.

Tools: ``search_papers`` (find papers on arXiv), ``summarize`` (the open paper or a
section), ``answer`` (a question about the open papers), ``compare`` (two or more open
papers), ``explain_figure`` (a named figure or table).

Offline (:class:`OfflineRouter`), two stages, both ours and measured on the labelled
RU+EN set ``data/router_eval/requests.jsonl`` (written by us; dev split for tuning,
held-out test split for reporting, see docs/BENCHMARKS.md, scripts/bench_papers.py):

1. Cue rules: stems and phrases that name a tool ("найди статьи", "compare", "рис. 2",
   "tl;dr"), checked in a fixed order (figure, compare, search, summarize).
2. When no rule fires: k-nearest-neighbour vote over the multilingual sentence vectors
   of the dev requests (USE v3, cosine), taken only when the vote is clear (a 3-of-5 share,
   a 2-vote lead and a similarity floor); else ``answer``, so a question the rules do not
   claim stays a question (issue #8).

Online (:func:`route_with_llm`): the LLM is offered the tools as OpenAI-compatible
``tools`` (function calling) and must call one; any failure, or a reply without a valid
tool call, falls back to the offline router and says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from ..embeddings import Embedder
from ..settings import PROJECT_ROOT
from ..text import detect_lang, stem_tokens
from ..types import Answer, Citation
from .figures import parse_figure_request

__all__ = [
    "TOOLS",
    "OfflineRouter",
    "PaperCitation",
    "Route",
    "RoutedAnswer",
    "dispatch",
    "find_section",
    "knn_vote",
    "load_router_set",
    "route_with_llm",
    "search_query_from",
]

Tool = Literal["search_papers", "summarize", "answer", "compare", "explain_figure"]
TOOLS: tuple[Tool, ...] = ("search_papers", "summarize", "answer", "compare", "explain_figure")

ROUTER_SET = PROJECT_ROOT / "data" / "router_eval" / "requests.jsonl"

KNN_K = 5
KNN_MIN_SHARE = 0.6
"""kNN vote: ``KNN_K`` neighbours, and the kNN tool is taken only when at least
``KNN_MIN_SHARE`` of them agree (3 of 5), else the default ``answer``. Chosen by
leave-one-out on the dev split (112 requests) of the rules+kNN router: k=3/5/7 with share
0, 0.6, 0.8 gave 108/109/110, 108/111/111 and 106/110/108 correct; k=5, 0.6 is the
smallest setting at the best score."""
KNN_MIN_MARGIN = 2
KNN_FLOOR = 0.3
"""... and the winner must lead the runner-up by ``KNN_MIN_MARGIN`` votes (3-2 is not enough)
with its nearest neighbour at cosine >= ``KNN_FLOOR``; otherwise ``answer``. (Issue #8, "What
is backpropagation?" sent to summarize, was a 3-1-1 vote of the 112-request memory, which this
lead would still pass: that question is answered because #8's what-is/which/how-many rows are
now in the memory; the lead stops 3-2 votes.) Chosen by the rule fixed before the
runs in scripts/router_dev.py (leave-one-out over the 168 dev requests: the 112 + 56 written
for #8; most correct, then answer-class accuracy, then fewer parts): margin 2 with floor 0.3
got 160/168 (answer 52/52, summarize 25/30) against 159/168 (answer 48/52, summarize 28/30)
for the old vote and 143/168 for rules alone; floors 0.3-0.6 tie at margin 2 (0.3 is the
smallest), margin 3 drops to 155/168, and routing every question-form message to ``answer``
unless a cue fires got 146/168. See docs/BENCHMARKS.md "Chat router"."""


@dataclass
class Route:
    """The router's decision.

    Attributes:
        tool: the chosen tool.
        args: its arguments: ``query`` (search_papers), ``kind`` and ``number``
            (explain_figure), ``question`` (answer, compare, summarize).
        source: "rules", "knn", "default", "llm" or "fallback" (offline after an LLM failure).
        notice: what the user should know (why the LLM was not used).
    """

    tool: Tool
    args: dict = field(default_factory=dict)
    source: str = "rules"
    notice: str = ""


# --- cue rules -------------------------------------------------------------------------

_FIGURE_WORDS = re.compile(
    r"\b(figures?|fig\.?|diagram|plot|chart|picture|image|tables?|"
    r"рис\.?|рисун\w*|схем\w*|график\w*|картинк\w*|диаграмм\w*|изображ\w*|таблиц\w*|табл\.?)(?!\w)",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(compar\w*|contrast(?!ive)\w*|differ\w*|versus|vs\.?|in common|side by side|similarit\w*|"
    r"both (papers|documents|works|articles)|the two papers|"
    r"сравн\w*|сопостав\w*|отлича\w*|различ\w*|общего|обеих|обоих|против|рядом)\b",
    re.IGNORECASE,
)
_SEARCH = re.compile(
    r"(\b(find|search|look up|look for|recommend|get me)\b.*\b(papers?|articles?|work|literature|publications?|"
    r"surveys?|results|something)\b"
    r"|\b(search|find)\b\s*(arxiv|for|:)|\barxiv\b|\bpapers (on|about)\b|\bpublications\b|\bliterature\b"
    r"|\bany (new|recent) (work|papers?)\b|\brelated work\b"
    r"|\b(найди|найти|поищи|подбери|ищу|загрузи)\b|\bпоиск (статей|работ|публикаций)\b|\bпоиск:|\bнаучные статьи\b|\bлитератур\w*"
    r"|\b(статьи|работы|публикации|исследования|обзор)\s+(про|о|об|по)\b|\bна архиве\b|\bчто почитать\b"
    r"|\bкакие есть статьи\b|\bесть ли (свежие )?статьи\b)",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"(\bsumm\w*|\bsum up\b|\btl;?dr\b|\boverview\b|\bgist\b|\b(key|main) (points|contributions|takeaways|ideas)\b"
    r"|\btakeaways\b|\boutline\b|\brecap\b|\bhighlights\b|\bwhat is (this|the) (paper|article|lecture|document) about\b"
    r"|\bwhat'?s the gist\b|\bin plain words\b|\babstract of\b|\bbriefly\b"
    r"|кратк\w*|перескаж\w*|пересказ\w*|\bсуть\b|резюме|конспект|выжимк\w*|аннотаци\w*|суммариз\w*"
    r"|\bо ч[её]м\b|\bпро что\b|главные мысли|основные (выводы|вклады|идеи)|в двух словах)",
    re.IGNORECASE,
)


def _rules(text: str) -> Tool | None:
    if parse_figure_request(text) or _FIGURE_WORDS.search(text):
        return "explain_figure"
    if _COMPARE.search(text):
        return "compare"
    if _SEARCH.search(text):
        return "search_papers"
    if _SUMMARY.search(text):
        return "summarize"
    return None


# --- search query ------------------------------------------------------------------------

_COMMAND_WORDS = set(
    "find me search look up for get show recommend any are there is new recent some something can you please "
    "papers paper articles article work works literature publications surveys survey on about of the a an "
    "i need to read what key original that introduced arxiv results related results: search: "
    "найди найти мне поищи поиск подбери ищу покажи загрузи с на arxiv архиве архив есть ли свежие статьи статью "
    "статей работы работ публикации исследования обзор научные нужны про о об по какие что почитать подскажи "
    "что-нибудь в которой придумали литературу литература".split()
)


SEARCH_TERMS: list[tuple[str, str]] = [
    ("спекулятивное декодирование", "speculative decoding"), ("декодирование", "decoding"),
    ("диффузионные модели", "diffusion models"), ("графовые нейросети", "graph neural networks"),
    ("графовые нейронные сети", "graph neural networks"), ("дистилляция знаний", "knowledge distillation"),
    ("дистилляция", "distillation"), ("квантизация", "quantization"), ("квантование", "quantization"),
    ("рекомендательные системы", "recommender systems"), ("контрастивное обучение", "contrastive learning"),
    ("федеративное обучение", "federated learning"), ("обучение с подкреплением", "reinforcement learning"),
    ("большие языковые модели", "large language models"), ("языковые модели", "language models"),
    ("длинный контекст", "long context"), ("смесь экспертов", "mixture of experts"),
    ("поиск по векторам", "vector search"), ("распознавание речи", "speech recognition"),
    ("синтез речи", "speech synthesis"), ("компьютерное зрение", "computer vision"),
    ("генерация с извлечением", "retrieval augmented generation"), ("сегментация", "segmentation"),
    ("детекция объектов", "object detection"), ("классификация текстов", "text classification"),
]
"""Russian topic phrases → English search words for arXiv (ours; ML topics a student searches
for that the Reader's glossary, made for questions about a paper, does not cover)."""


def search_query_from(text: str) -> str:
    """The topic words of a search request (command words removed; Russian ML terms that the
    glossary knows are added in English, since arXiv's records are English).

    ``"find papers about speculative decoding"`` → ``"speculative decoding"``;
    ``"найди статьи про трансформер"`` → ``"трансформер transformer"``.
    """
    from .glossary import GLOSSARY

    words = re.findall(r"[\w][\w+-]*", text)
    kept = [w for w in words if w.lower() not in _COMMAND_WORDS]
    latin = [w for w in kept if not re.search(r"[а-яё]", w, re.IGNORECASE)]
    if detect_lang(text) == "ru":
        stems = set(stem_tokens(text))
        english = []
        for ru, en in SEARCH_TERMS + GLOSSARY:
            ru_stems = set(stem_tokens(ru))
            if ru_stems and ru_stems <= stems and not any(en in e for e in english):
                english.append(en)
                if (ru, en) in SEARCH_TERMS:
                    stems -= ru_stems  # "спекулятивное декодирование" is not also "decoding"
        # Latin words (RAG, LoRA, mixture of experts) and translated terms; Cyrillic words are
        # dropped when something English is left (arXiv finds little by Russian words).
        query = " ".join(dict.fromkeys(latin + " ".join(english).split()))
        return query or " ".join(kept) or text.strip()
    return " ".join(kept) or text.strip()


# --- offline router ----------------------------------------------------------------------


def load_router_set(path: Path = ROUTER_SET, split: str | None = None) -> list[dict]:
    """The labelled requests ``[{"id", "text", "lang", "tool", "split"}]`` (optionally one split)."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


@lru_cache(maxsize=4)
def _dev_vectors(embedder: Embedder, path: str) -> tuple[list[str], np.ndarray]:
    rows = load_router_set(Path(path), "dev")
    return [r["tool"] for r in rows], embedder.embed([r["text"] for r in rows])


def knn_vote(sims: np.ndarray, labels: list[str], k: int = KNN_K, min_share: float = KNN_MIN_SHARE,
             min_margin: int = KNN_MIN_MARGIN, floor: float = KNN_FLOOR) -> Tool | None:
    """The kNN stage's tool, or None (the caller's default) when the vote is not clear.

    Args:
        sims: cosine similarities ``(n,)`` of the message to the ``n`` memory requests.
        labels: their tools, ``n`` strings, same order.
        k: neighbours voting (the ``k`` most similar).
        min_share: the winner needs at least this share of the ``k`` votes.
        min_margin: ... and at least this many more votes than the runner-up.
        floor: ... and its most similar neighbour must have cosine >= ``floor``.

    Ties between tools with equal votes go to the one with the nearer neighbour.
    """
    top = np.argsort(-sims, kind="stable")[:k]
    votes: dict[str, int] = {}
    for i in top:
        votes[labels[i]] = votes.get(labels[i], 0) + 1
    best = max(votes, key=lambda t: (votes[t], -min(j for j, i in enumerate(top) if labels[i] == t)))
    runner_up = max((v for t, v in votes.items() if t != best), default=0)
    nearest = max(float(sims[i]) for i in top if labels[i] == best)
    if votes[best] / k >= min_share and votes[best] - runner_up >= min_margin and nearest >= floor:
        return best  # type: ignore[return-value]
    return None


class OfflineRouter:
    """Cue rules, then a kNN vote over the dev requests' vectors, then ``answer``.

    Args:
        embedder: the multilingual embedder (USE v3 offline).
        examples: the labelled file whose dev split the kNN votes with.
        use_rules: False gives the kNN-only router (benchmark ablation).
        use_knn: False gives the rules-only router (benchmark ablation).
        min_margin: the kNN winner's lead in votes (``KNN_MIN_MARGIN``; 0 gives the
            share-only vote of the router before #8, a benchmark ablation).
        floor: the cosine its nearest neighbour needs (``KNN_FLOOR``; -1 turns it off).
    """

    def __init__(self, embedder: Embedder | None, examples: Path = ROUTER_SET, use_rules: bool = True,
                 use_knn: bool = True, min_margin: int = KNN_MIN_MARGIN, floor: float = KNN_FLOOR) -> None:
        self.embedder = embedder
        self.examples = examples
        self.use_rules = use_rules
        self.use_knn = use_knn and embedder is not None
        self.min_margin = min_margin
        self.floor = floor

    def classify(self, text: str) -> tuple[Tool, str]:
        """``(tool, source)`` for one message; source is "rules", "knn" or "default"."""
        if self.use_rules:
            tool = _rules(text)
            if tool:
                return tool, "rules"
        if self.use_knn:
            labels, vectors = _dev_vectors(self.embedder, str(self.examples))
            sims = vectors @ self.embedder.embed([text])[0]
            tool = knn_vote(sims, labels, min_margin=self.min_margin, floor=self.floor)
            if tool:
                return tool, "knn"
        return "answer", "default"

    def route(self, text: str) -> Route:
        """Choose the tool for ``text`` and fill its arguments."""
        tool, source = self.classify(text)
        return Route(tool=tool, args=_args(tool, text), source=source)


def _args(tool: Tool, text: str) -> dict:
    if tool == "search_papers":
        return {"query": search_query_from(text)}
    if tool == "explain_figure":
        kind, number = parse_figure_request(text) or (("table", 1) if re.search(r"table|таблиц|табл", text, re.I)
                                                     else ("figure", 1))
        return {"kind": kind, "number": number}
    return {"question": text.strip()}


# --- LLM router --------------------------------------------------------------------------

TOOL_SPECS = [
    {"type": "function", "function": {
        "name": "search_papers", "description": "Search arXiv for papers on a topic.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string", "description":
                       "English search words"}}, "required": ["query"]}}},
    {"type": "function", "function": {
        "name": "summarize", "description": "Summarise the open paper(s) or one section.",
        "parameters": {"type": "object", "properties": {"section": {"type": "string"}}}}},
    {"type": "function", "function": {
        "name": "answer", "description": "Answer a question from the open paper(s), citing pages.",
        "parameters": {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}}},
    {"type": "function", "function": {
        "name": "compare", "description": "Compare two or more open papers.",
        "parameters": {"type": "object", "properties": {"aspect": {"type": "string"}}}}},
    {"type": "function", "function": {
        "name": "explain_figure", "description": "Explain a figure or table of the open paper.",
        "parameters": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["figure", "table"]}, "number": {"type": "integer"}},
            "required": ["kind", "number"]}}},
]


def route_with_llm(text: str, llm, offline: OfflineRouter, papers: list[str] | None = None) -> Route:
    """Route with the LLM's tool call (OpenAI ``tools``, ``tool_choice="required"``); offline on failure.

    Args:
        text: the user's message.
        llm: a :class:`core.llm.LLMClient` (its base URL, model, key and timeout are used).
        offline: the fallback router.
        papers: titles of the open papers (told to the LLM).

    Returns:
        The LLM's route (``source="llm"``), or the offline one with ``source="fallback"``
        and a notice saying why.
    """
    import httpx

    from ..prompts import PAPERS_ROUTER_SYSTEM

    body = {
        "model": llm.model,
        "messages": [
            {"role": "system", "content": PAPERS_ROUTER_SYSTEM.format(papers="; ".join(papers or []) or "none")},
            {"role": "user", "content": text},
        ],
        "tools": TOOL_SPECS,
        "tool_choice": "required",
        "temperature": 0,
    }
    headers = {"Authorization": f"Bearer {llm.api_key}"} if llm.api_key else {}
    reason = ""
    try:
        with httpx.Client(timeout=llm.timeout_s, transport=llm.transport) as client:
            response = client.post(llm.base_url.rstrip("/") + "/chat/completions", json=body, headers=headers)
        if response.status_code >= 400:
            reason = f"the LLM answered HTTP {response.status_code}"
        else:
            call = response.json()["choices"][0]["message"]["tool_calls"][0]["function"]
            name = call["name"]
            args = call.get("arguments") or "{}"
            args = json.loads(args) if isinstance(args, str) else dict(args)
            if name in TOOLS:
                base = _args(name, text)
                base.update({k: v for k, v in args.items() if v not in (None, "")})
                if name == "explain_figure":
                    base["number"] = int(base.get("number", 1))
                    base["kind"] = "table" if str(base.get("kind")).lower() == "table" else "figure"
                return Route(tool=name, args=base, source="llm")
            reason = f"the LLM called an unknown tool {name!r}"
    except httpx.TimeoutException:
        reason = f"the LLM did not answer within {llm.timeout_s:g} s"
    except httpx.HTTPError as exc:
        reason = f"the LLM could not be reached ({type(exc).__name__})"
    except (ValueError, KeyError, IndexError, TypeError):
        reason = "the LLM did not call a tool"
    route = offline.route(text)
    route.source = "fallback"
    route.notice = f"Offline routing: {reason}."
    return route


# --- running the chosen tool -------------------------------------------------------------


@dataclass(frozen=True)
class PaperCitation(Citation):
    """A citation that also names its paper (several papers can be open at once).

    Attributes:
        doc_id: the cited paper's document id (SHA-256 of its file).
        paper: its title.
    """

    doc_id: str = ""
    paper: str = ""


@dataclass
class RoutedAnswer(Answer):
    """An :class:`Answer` plus what the router did.

    Attributes:
        tool: the tool that produced it.
        route_source: how the tool was chosen ("rules", "knn", "default", "llm", "fallback").
        figure_png: the explained figure's picture (explain_figure), else None.
        figure_doc_id: the paper that figure is from.
        hits: arXiv results (search_papers), ``[PaperHit.to_json() ...]``.
        query: the search words sent to arXiv.
    """

    tool: str = "answer"
    route_source: str = ""
    figure_png: bytes | None = None
    figure_doc_id: str = ""
    hits: list[dict] = field(default_factory=list)
    query: str = ""


_SECTION_NO = re.compile(r"\b(?:section|раздел\w*|глав\w*|§)\s*(\d+(?:\.\d+)*)", re.IGNORECASE)
_SECTION_ALIASES = {"введен": "introduction", "заключен": "conclusion", "вывод": "conclusion",
                    "результат": "results", "эксперимент": "experiments", "метод": "method"}


def find_section(doc, message: str) -> list[str]:
    """The section titles of ``doc`` a summary request names, or ``[]``.

    "section 3" takes section 3 with its subsections (3.1, 3.2.1, ...); otherwise the section
    whose title shares the most stemmed words with the request ("the introduction",
    «раздел про Batch Normalization»; Russian names of the usual sections are mapped to
    English ones).
    """
    titles = list(dict.fromkeys(s.section for s in doc.sentences if s.section))
    m = _SECTION_NO.search(message)
    if m:
        number = re.escape(m.group(1))
        return [t for t in titles if re.match(rf"{number}(\.|\s)", t + " ")]
    words = set(stem_tokens(message)) - set(stem_tokens("summarize summary summarise section paper раздел "
                                                         "перескажи кратко резюме статья сделай"))
    for ru, en in _SECTION_ALIASES.items():
        if any(w.startswith(ru) for w in words):
            words |= set(stem_tokens(en))
    best, score = [], 0
    for title in titles:
        overlap = len(words & set(stem_tokens(title)))
        if overlap > score:
            best, score = [title], overlap
    return best


def _section_summary(doc, sections: list[str], n: int = 5) -> list[int]:
    """Indices of the ``n`` sentences of ``sections`` closest to their centroid, in reading order
    (centroid-based extractive summarisation, Radev et al. 2004, "Centroid-based summarization
    of multiple documents"; the sentence vectors are the document's own)."""
    idx = [i for i, s in enumerate(doc.sentences) if s.section in sections]
    if len(idx) <= n:
        return idx
    vecs = doc.sentence_vectors[idx]
    centroid = vecs.mean(axis=0)
    ranked = np.argsort(-(vecs @ centroid))[:n]
    return sorted(idx[int(j)] for j in ranked)


def _tag(citations, doc) -> list[PaperCitation]:
    return [PaperCitation(page=c.page, quote=c.quote, score=c.score, doc_id=doc.doc_id, paper=doc.title)
            for c in citations]


def _from(answer: Answer, route: Route, **extra) -> RoutedAnswer:
    notice = " ".join(x for x in (route.notice, answer.notice) if x)
    return RoutedAnswer(text=answer.text, abstained=answer.abstained, citations=list(answer.citations),
                        lang=answer.lang, mode=answer.mode, notice=notice, evidence=answer.evidence,
                        support=list(answer.support), tool=route.tool, route_source=route.source, **extra)


def dispatch(route: Route, message: str, reader, docs: list, history: list[tuple[str, str]] | None = None,
             arxiv=None, figures_dir: Path | None = None, vision: bool = False) -> RoutedAnswer:
    """Run the routed tool over the open papers.

    Args:
        route: the router's decision.
        message: the user's message.
        reader: the :class:`core.reader.Reader`.
        docs: the open papers (:class:`ReaderDocument`), the current one first; may be empty.
        history: earlier ``(question, answer)`` pairs (for follow-up questions).
        arxiv: a :class:`core.papers.ArxivClient` (search_papers).
        figures_dir: where extracted figures are cached (explain_figure).
        vision: the LLM accepts images (the figure is attached).

    Returns:
        A :class:`RoutedAnswer`; its citations are :class:`PaperCitation` (paper and 1-based page).
        A network failure of search becomes an answer with ``abstained=True`` and the reason.
    """
    from ..errors import InputError, NetworkError
    from ..i18n import t
    from .figures import (
        explain_figure,
        explain_figure_llm,
        figures_for_pdf,
        find_figure,
        render_figure,
    )

    lang = detect_lang(message)
    tool = route.tool
    if tool != "search_papers" and not docs:
        return _from(Answer(text=t("papers.no_paper", lang), abstained=True, lang=lang), route)
    if tool == "search_papers":
        query = route.args.get("query") or search_query_from(message)
        try:
            hits = [h.to_json() for h in arxiv.search(query, 5)] if arxiv is not None else []
        except NetworkError as exc:
            return _from(Answer(text=t("papers.search.offline", lang, reason=str(exc)), abstained=True, lang=lang),
                         route, query=query)
        except InputError as exc:
            return _from(Answer(text=str(exc), abstained=True, lang=lang), route, query=query)
        if not hits:
            return _from(Answer(text=t("papers.search.none", lang, query=query), abstained=True, lang=lang),
                         route, query=query)
        listing = "\n".join(f"{n}. {h['title']} ({h['year']}, arXiv:{h['id']})" for n, h in enumerate(hits, 1))
        return _from(Answer(text=t("papers.search.found", lang, query=query) + "\n\n" + listing, abstained=False,
                            lang=lang), route, hits=hits, query=query)
    if tool == "explain_figure":
        kind, number = route.args.get("kind", "figure"), int(route.args.get("number", 1))
        for doc in docs:
            figures = figures_for_pdf(doc.pdf_bytes, doc.doc_id, figures_dir or reader.settings.data_dir / "figures",
                                      ocr_langs=reader.settings.ocr_langs)
            fig = find_figure(figures, kind, number)
            if fig is None:
                continue
            png = render_figure(doc.pdf_bytes, fig)
            if reader.llm is not None:
                answer = explain_figure_llm(fig, reader.llm, message, lang, image_png=png if vision else None)
            else:
                answer = explain_figure([fig], kind, number, lang)
            answer.citations = _tag(answer.citations, doc)
            return _from(answer, route, figure_png=png, figure_doc_id=doc.doc_id)
        return _from(explain_figure([], kind, number, lang), route)
    if tool == "summarize":
        doc = docs[0]
        sections = find_section(doc, message)
        if sections:
            chosen = [doc.sentences[i] for i in _section_summary(doc, sections)]
            text = f"**{sections[0]}**\n\n" + "\n".join(f"- {s.text} [p. {s.page}]" for s in chosen)
            cites = [PaperCitation(page=s.page, quote=s.text, doc_id=doc.doc_id, paper=doc.title) for s in chosen]
            return _from(Answer(text=text, abstained=False, citations=cites, lang=lang), route)
        summary = reader.summarize(doc, None, lang)
        if summary.mode == "llm":
            text = summary.text
        else:
            text = "\n".join(f"- {s.text} [p. {s.page}]" for s in summary.sentences)
        cites = [PaperCitation(page=s.page, quote=s.text, doc_id=doc.doc_id, paper=doc.title)
                 for s in summary.sentences]
        return _from(Answer(text=text, abstained=False, citations=cites, lang=lang, mode=summary.mode,
                             notice=summary.notice), route)
    if tool == "compare" and len(docs) >= 2:
        parts, cites, notices = [], [], []
        for doc in docs:
            ans = reader.ask(doc, message, history)
            if ans.abstained:  # no passage on this aspect: the paper's own summary stands in
                summary = reader.summarize(doc, 3, lang)
                sents = summary.sentences[:3]
                body = " ".join(f"{s.text} [p. {s.page}]" for s in sents)
                cites += [PaperCitation(page=s.page, quote=s.text, doc_id=doc.doc_id, paper=doc.title) for s in sents]
            else:
                body = ans.text
                cites += _tag(ans.citations, doc)
            if ans.notice:
                notices.append(ans.notice)
            parts.append(f"**{doc.title}**\n\n{body}")
        return _from(Answer(text="\n\n".join(parts), abstained=False, citations=cites, lang=lang,
                             notice=" ".join(dict.fromkeys(notices))), route)
    # answer (and compare with one paper open): every open paper is asked; answers that do
    # not abstain are kept, each cited to its paper and page.
    answers = [(doc, reader.ask(doc, message, history)) for doc in docs]
    good = [(d, a) for d, a in answers if not a.abstained]
    if not good:
        best = answers[0][1]
        return _from(best, route)
    if len(good) == 1:
        doc, ans = good[0]
        out = _from(ans, route)
        out.citations = _tag(ans.citations, doc)
        return out
    good.sort(key=lambda da: -da[1].evidence)
    text = "\n\n".join(f"**{d.title}**\n\n{a.text}" for d, a in good)
    cites = [c for d, a in good for c in _tag(a.citations, d)]
    return _from(Answer(text=text, abstained=False, citations=cites, lang=lang, mode=good[0][1].mode,
                         evidence=good[0][1].evidence, notice=" ".join({a.notice for _, a in good if a.notice})),
                 route)
