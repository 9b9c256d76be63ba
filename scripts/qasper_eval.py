"""QASPER evaluation of the Reader beside a LlamaIndex starter pipeline and BM25 (used by
scripts/bench_reader.py).

Question sets (each item: ``paper``, ``question``, ``answerable``, ``pages`` 1-based,
``evidence`` paragraphs, ``answers``):

* ``qasper_dev``: ../shared/data/qasper_dev (tuning). It has no unanswerable questions, so
  each dev question is also asked of the next dev paper (questions written for other
  papers, as the test split's unanswerable ones were made); a few generic ones ("What
  dataset did they use?") may be answerable there, so dev abstention is a lower bound.
  When present, #8a's on-topic unanswerable questions (data/eval/qasper_dev_unanswerable.jsonl:
  questions about a dev paper that it does not answer, EN + our RU) are added as further
  unanswerable rows (ids ``unans-<n>``).
  When present, R1's extra pool (data/eval/qasper_dev_extra.jsonl: questions written from each
  dev paper's title and abstract only, as QASPER's were, then located in the full text; EN +
  our RU; answerable ones with pages and a short evidence quote, unanswerable ones with
  ``answerable`` false) is added too (ids ``extra-<n>``, ``extra-<n>-ru``).
* ``qasper_test``: ../shared/data/benchmarks/qasper_test (report only, never tuned on).
* ``inhouse``: data/eval/reader_questions.jsonl (the team's own questions).
* ``inhouse_blind``: data/eval/reader_questions_blind.jsonl (R2b: questions written from each
  paper's title and abstract, or lecture's table of contents, only, then located; each in the
  document's language and translated; ``answerable`` false rows are on-topic unanswerables;
  the evidence quote is the item's ``evidence``). Report only, never tuned on.

Russian versions of the QASPER questions come from data/eval/qasper_{dev,test}_ru.jsonl
(our translations).

Systems, all with the same multilingual USE embedder:

* ``margo``: :func:`core.reader.qa.find_evidence` + :func:`answer_extractive` (answer
  sentences, cited with their passages plus the best retrieved passages not already cited;
  abstention by threshold).
* ``starter``: the LlamaIndex starter: one ``Document`` per PDF page
  (``page.get_text()``), default ``SentenceSplitter``, ``VectorStoreIndex``, top-3 nodes;
  their 3 pages are cited, their text is the answer.
* ``bm25``: LlamaIndex ``BM25Retriever`` (its default English stemmer) over the same
  nodes, top-3.
"""

from __future__ import annotations

import json
import re
import string
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scripts.benchlib import ROOT, SHARED_DATA

DEV_DIR = SHARED_DATA / "qasper_dev"
TEST_DIR = SHARED_DATA / "benchmarks" / "qasper_test"
INHOUSE = ROOT / "data" / "eval" / "reader_questions.jsonl"
INHOUSE_BLIND = ROOT / "data" / "eval" / "reader_questions_blind.jsonl"
RU_FILES = {"qasper_dev": ROOT / "data" / "eval" / "qasper_dev_ru.jsonl",
            "qasper_test": ROOT / "data" / "eval" / "qasper_test_ru.jsonl"}
DEV_UNANSWERABLE = ROOT / "data" / "eval" / "qasper_dev_unanswerable.jsonl"
DEV_EXTRA = ROOT / "data" / "eval" / "qasper_dev_extra.jsonl"
_PLACEHOLDER = re.compile(r"(BIBREF|TABREF|FIGREF|SECREF|INLINEFORM|DISPLAYFORM)\d*|\$[^$]*\$")


@dataclass
class Item:
    """One question to ask one paper."""

    id: str
    paper: Path
    question: str
    lang: str  # language of the question
    answerable: bool
    pages: list[int]
    evidence: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    cross: bool = False  # the question's language is not the paper's


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def load_set(name: str) -> list[Item]:
    """The items of one set, English questions first, then their Russian versions."""
    if name == "inhouse":
        papers = SHARED_DATA / "papers"
        out = []
        for q in _jsonl(INHOUSE):
            out.append(Item(q["id"], papers / q["paper"], q["question"], q["lang"], bool(q["pages"]), q["pages"],
                            cross=q["kind"] in ("ru->en", "en->ru")))
        return out
    if name == "inhouse_blind":
        papers = SHARED_DATA / "papers"
        return [Item(q["id"], papers / q["paper"], q["question"], q["lang"], bool(q["answerable"]), q["pages"],
                     [q["evidence_quote"]] if q["evidence_quote"] else [], cross="->" in q["kind"])
                for q in _jsonl(INHOUSE_BLIND)]
    base = DEV_DIR if name == "qasper_dev" else TEST_DIR
    rows = _jsonl(base / "questions.jsonl")
    ru = {r["id"]: r["question"] for r in _jsonl(RU_FILES[name])}
    items = []
    for q in rows:
        paper = base / "papers" / (q.get("paper") or q.get("doc"))
        answers = q.get("answers") or ([q["answer"]] if q.get("answer") else [])
        items.append(Item(q["id"], paper, q["question"], "en", bool(q["answerable"]), q.get("pages") or [],
                          q.get("evidence") or [], answers))
    if name == "qasper_dev":
        papers = sorted({i.paper for i in items})
        extra = []
        for it in items:
            other = papers[(papers.index(it.paper) + 1) % len(papers)]
            extra.append(Item(it.id + "-other", other, it.question, "en", False, []))
        items += extra
    items += [Item(i.id + "-ru", i.paper, ru[i.id.removesuffix("-other")], "ru", i.answerable, i.pages, i.evidence,
                   i.answers, cross=True) for i in list(items)]
    if name == "qasper_dev" and DEV_UNANSWERABLE.is_file():
        for n, q in enumerate(_jsonl(DEV_UNANSWERABLE)):
            items.append(Item(f"unans-{n}", base / "papers" / q["paper"], q["question"], "en", False, []))
            if q.get("question_ru"):
                items.append(Item(f"unans-{n}-ru", base / "papers" / q["paper"], q["question_ru"], "ru", False, [],
                                  cross=True))
    if name == "qasper_dev" and DEV_EXTRA.is_file():
        for n, q in enumerate(_jsonl(DEV_EXTRA)):
            ok = bool(q.get("answerable", True))
            pages = q["pages"] if ok else []
            evidence = [q["evidence_quote"]] if ok and q.get("evidence_quote") else []
            paper = base / "papers" / q["paper"]
            items.append(Item(f"extra-{n}", paper, q["question"], "en", ok, pages, evidence))
            items.append(Item(f"extra-{n}-ru", paper, q["question_ru"], "ru", ok, pages, evidence, cross=True))
    return items


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"[^0-9a-zа-яё]+", " ", text.lower()).strip()


def evidence_hit(cited: list[str], evidence: list[str]) -> bool:
    """Some 8-word window of an evidence paragraph (cut at S2ORC placeholders) occurs in
    a cited passage, or some 8-word window of a cited passage occurs in the evidence."""
    cited_n = [" " + _norm(c) + " " for c in cited]
    ev_n = []
    for para in evidence:
        for piece in _PLACEHOLDER.split(para.replace("FLOAT SELECTED:", "")):
            if piece and len(_norm(piece).split()) >= 5:
                ev_n.append(_norm(piece))
    for piece in ev_n:
        words = piece.split()
        for i in range(0, max(1, len(words) - 7), 2):
            window = " " + " ".join(words[i : i + 8]) + " "
            if any(window in c for c in cited_n):
                return True
    joined = " " + " | ".join(ev_n) + " "
    for c in cited_n:
        words = c.split()
        for i in range(0, max(1, len(words) - 7), 2):
            if len(words) >= 5 and " " + " ".join(words[i : i + 8]) + " " in joined:
                return True
    return False


def _f1_tokens(text: str) -> list[str]:
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def token_f1(prediction: str, answers: list[str]) -> float:
    """SQuAD-style token F1 (Rajpurkar et al. 2016), the best over the gold answers."""
    pred = _f1_tokens(re.sub(r"\[p\. [\d, ]+\]", "", prediction))
    best = 0.0
    for ans in answers:
        gold = _f1_tokens(ans)
        common = Counter(pred) & Counter(gold)
        same = sum(common.values())
        if same == 0 or not pred or not gold:
            continue
        p, r = same / len(pred), same / len(gold)
        best = max(best, 2 * p * r / (p + r))
    return best


@dataclass
class Result:
    """One system's output for one item."""

    pages: list[int]
    texts: list[str]  # what is shown as evidence (passages)
    answer: str
    score: float  # evidence score (margo) or nan
    seconds: float
    support_pages: list[int] = field(default_factory=list)  # pages cited besides the answer's (margo)
    abstained: bool | None = None  # the Reader's own abstention decision (margo), None when unknown


class Starter:
    """The LlamaIndex starter pipeline and BM25 over its nodes, for one paper."""

    def __init__(self, data: bytes, embedder) -> None:
        import pymupdf
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.retrievers.bm25 import BM25Retriever

        from core.embeddings import LlamaIndexEmbedding

        t = time.perf_counter()
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            docs = [Document(text=p.get_text(), metadata={"page": i + 1}) for i, p in enumerate(doc)]
            self.n_pages = doc.page_count
        nodes = SentenceSplitter().get_nodes_from_documents(docs)
        self.index = VectorStoreIndex(nodes, embed_model=LlamaIndexEmbedding(embedder), show_progress=False)
        self.ingest_s = time.perf_counter() - t
        self.dense = self.index.as_retriever(similarity_top_k=3)
        self.bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=3)

    def ask(self, question: str, which: str) -> Result:
        t = time.perf_counter()
        hits = (self.dense if which == "starter" else self.bm25).retrieve(question)
        dt = time.perf_counter() - t
        texts = [h.node.get_content() for h in hits]
        return Result([int(h.node.metadata["page"]) for h in hits], texts, " ".join(texts), float("nan"), dt)


def ask_margo(doc, item: Item, embedder, params=None, **answer_kw) -> Result:
    """Margo's offline answer without abstention (the threshold is applied afterwards)."""
    from core.reader.qa import DEFAULT_PARAMS, answer_extractive, find_evidence

    t = time.perf_counter()
    ev = find_evidence(doc, item.question, embedder, params=params or DEFAULT_PARAMS)
    ans = answer_extractive(doc, ev, threshold=-10.0, **answer_kw)
    try:  # the product's calibrated decision (#8a), without re-scoring
        from core.reader.abstain import should_abstain
    except ImportError:
        abstained = None
    else:
        abstained = bool(should_abstain(doc, ev, None))
    dt = time.perf_counter() - t
    cited = ans.citations + ans.support
    return Result([c.page for c in ans.citations], [c.passage or c.quote for c in cited],
                  " ".join(c.quote for c in ans.citations), ev.confidence, dt, [c.page for c in ans.support],
                  abstained)


def calibrate(answerable: list[list[float]], unanswerable: list[float], budget: float = 0.10) -> float:
    """The threshold with the most abstention on unanswerable items while false abstention
    stays within ``budget`` on EACH list of answerable scores (one list per tuning set, so a
    set whose questions score higher cannot push the threshold past another's budget).
    Abstain when score < threshold."""
    non = np.array(unanswerable)
    every = np.concatenate([*(np.array(a) for a in answerable), non, [-10.0]])
    best_t, best_rate = -10.0, -1.0
    for t in np.unique(every):
        if any(len(a) and float(np.mean(np.array(a) < t)) > budget for a in answerable):
            continue
        rate = float(np.mean(non < t)) if len(non) else 0.0
        if rate > best_rate or (rate == best_rate and t < best_t):
            best_t, best_rate = float(t), rate
    return best_t


def summarize_rows(items: list[Item], results: dict[str, list[Result]], thresholds, cross_of) -> dict:
    """Per-system measures over ``items`` (``cross_of(item)`` -> "en" / "ru" row group).

    ``thresholds``: None (no abstention), ``"product"`` (each result's own ``abstained``: the
    Reader's calibrated decision), ``{"en": t, "ru": t}`` by row group, or one threshold per
    item (a list).
    """
    product = thresholds == "product"
    if product:
        thresholds = None
    per_item = thresholds if isinstance(thresholds, list) else None
    out: dict[str, dict] = {}
    for system, res in results.items():
        m: dict = {}
        for lang in ("en", "ru"):
            sub = [(it, r, per_item[n] if per_item else thresholds[lang] if thresholds else None)
                   for n, (it, r) in enumerate(zip(items, res, strict=True)) if cross_of(it) == lang]
            limit = {id(r): t for _, r, t in sub}
            sub = [(it, r) for it, r, _ in sub]
            ans = [(it, r) for it, r in sub if it.answerable]
            non = [(it, r) for it, r in sub if not it.answerable]

            def abstains(r: Result, limit=limit, system=system) -> bool:
                if system != "margo":
                    return False
                if product:
                    return bool(r.abstained)
                return limit.get(id(r)) is not None and r.score < limit[id(r)]

            m[f"n_ans_{lang}"] = len(ans)
            m[f"n_non_{lang}"] = len(non)
            m[f"hit_{lang}"] = _mean([bool(set(r.pages) & set(it.pages)) and not abstains(r)
                                      for it, r in ans if it.pages])
            m[f"n_hit_{lang}"] = sum(1 for it, _ in ans if it.pages)
            m[f"hit1_{lang}"] = _mean([bool(r.pages[:1]) and r.pages[0] in it.pages and not abstains(r)
                                       for it, r in ans if it.pages])  # what is read first: best sentence / top node
            m[f"anyhit_{lang}"] = _mean([bool(set(r.pages + r.support_pages) & set(it.pages)) and not abstains(r)
                                         for it, r in ans if it.pages])
            m[f"evid_{lang}"] = _mean([evidence_hit(r.texts, it.evidence) and not abstains(r)
                                       for it, r in ans if it.evidence])
            m[f"n_evid_{lang}"] = sum(1 for it, _ in ans if it.evidence)
            m[f"abst_{lang}"] = _mean([abstains(r) for _, r in non]) if system == "margo" else float("nan")
            m[f"false_{lang}"] = _mean([abstains(r) for _, r in ans]) if system == "margo" else float("nan")
            m[f"f1_{lang}"] = _mean([token_f1(r.answer, it.answers) if not abstains(r) else 0.0
                                     for it, r in ans if it.answers])
            m[f"n_f1_{lang}"] = sum(1 for it, _ in ans if it.answers)
            m[f"words_{lang}"] = _mean([len(r.answer.split()) for _, r in ans])
            m[f"shown_{lang}"] = _mean([sum(len(x.split()) for x in r.texts) for _, r in ans])
        m["lat"] = [r.seconds for r in res]
        out[system] = m
    return out


def _mean(xs) -> float:
    xs = list(xs)
    return float(np.mean(xs)) if xs else float("nan")
