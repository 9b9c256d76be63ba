"""Share of the Reader's quoted answer sentences that are not sentences (R4, issue #8), dev data only.

Issue #8 asks that the Reader "quotes sentences rather than titles, headings or fragments". For every
answer Margo gives (extractive, before abstention, as :func:`scripts.crosslingual_dev._run`) on the dev
pool -- ``load_set("qasper_dev")`` of scripts/qasper_eval.py (the 32 QASPER dev questions, their
unanswerable rows and data/eval/qasper_dev_extra.jsonl, in English and our Russian) plus the in-house
set data/eval/reader_questions.jsonl (Attention, BERT, HSE lectures 7 and 19) -- each quoted sentence is
checked by :func:`defects` and the share of defective quoted sentences is printed with examples, next
to the answer page-hit (a quoted sentence's page is a gold page; answerable items with pages).
Nothing from qasper_test is read.

Usage: ``nice .venv/bin/python -m scripts.answer_quality_dev [--index-dir DIR] [--examples N]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import replace
from pathlib import Path

_LABEL = re.compile(r"^(?:figure|fig\.|table|tab\.|рис\.|рисунок|таблица|табл\.)\s*[\dIVX]+[a-z]?\s*[:.|—–-]?",
                    re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*(?:[•·▪◦‣∗*–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-H](?:\.\d+)+\.?)\s+[A-ZА-Я]")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)[a-z]?\b")
_BIB = re.compile(r"\bIn Proceedings\b|\bProc\.|\barXiv preprint\b|\barXiv:\d|\bpp\.\s*\d|\bvol\.|"
                  r"\bJournal of\b|\bConference on\b|\bUniversity\b|\bInstitute\b|\bУниверситет|\bинститут")
_BIB_START = re.compile(r"^(?:\[\d{1,3}\]\s|[A-ZА-Я][\w'’-]+,\s+[A-ZА-Я]\.)")
_OWN_VOICE = re.compile(r"\b(?:we|our|us|мы|наш\w*)\b", re.IGNORECASE)


def defects(text: str, section: str = "") -> list[str]:
    """What makes a quoted sentence not a sentence ([] for a good one).

    Args:
        text: the quoted sentence.
        section: the title of its section ("" when none).

    Returns:
        Zero or more of: ``heading`` (the sentence is its section's title, or starts with it and the
        title is followed by a capitalised sentence start: a heading merged with the first sentence;
        or a numbered heading start of at most 12 words), ``label`` (a figure/table label with fewer than 5 words after
        it), ``list_stub`` (a list marker and fewer than 6 words), ``colon`` (ends with ':'),
        ``short`` (fewer than 5 words), ``biblio`` (an e-mail, or a year with an entry start or venue /
        affiliation words and no 'we'/'our').
        The bounds (5 words, 6 for a list item) follow the task's "fewer than 5 words" fragment rule.
    """
    t = text.strip()
    words = t.split()
    out = []
    sec = section.strip()
    if sec and len(sec.split()) <= 12:
        if t.rstrip(".:") == sec.rstrip(".:"):
            out.append("heading")
        elif t.startswith(sec) and t[len(sec):].lstrip()[:1].isupper():
            out.append("heading")
    if ("heading" not in out and _NUMBERED_HEADING.match(t) and len(words) <= 12
            and not re.match(r"^\d+(\.\d+)?\s*%", t)):
        out.append("heading")
    m = _LABEL.match(t)
    if m and len(t[m.end():].split()) < 5:
        out.append("label")
    if _LIST_MARK.match(t) and len(words) < 6:
        out.append("list_stub")
    if t.endswith(":"):
        out.append("colon")
    if len(words) < 5:
        out.append("short")
    if re.search(r"\w@\w+\.\w", t) or _YEAR.search(t) and (_BIB_START.match(t) or _BIB.search(t)) and not _OWN_VOICE.search(t):
        out.append("biblio")  # an entry or affiliation line; in-text citations ("Kumar et al. (2015)") are prose
    return out


def run(docs, items, embedder) -> list[dict]:
    """Margo's extractive answer for every item (threshold -10: no abstention)."""
    from core.reader.qa import answer_extractive, find_evidence, join_answer_parts

    out = []
    for it in items:
        doc = docs[it.paper]
        ev = find_evidence(doc, it.question, embedder)
        ans = answer_extractive(doc, ev, threshold=-10.0)
        section = {s.text: s.section for s in doc.sentences}
        quotes = [(c.page, c.quote, section.get(c.quote, "")) for c in ans.citations]
        plain = join_answer_parts([f"{c.quote} [p. {c.page}]" for c in ans.citations])
        out.append({"pages": [c.page for c in ans.citations], "quotes": quotes,
                    "listed": ans.text if ans.text != plain else "", "words": len(ans.text.split())})
    return out


def report(items, res, n_examples: int = 12) -> dict:
    """Print and return the defect shares and page-hit by part (qasper_dev pool / in-house) and language."""
    summary = {}
    examples = []
    for part, sel in (("dev", lambda it: it.paper.parent.parent.name == "qasper_dev"),
                      ("inhouse", lambda it: it.paper.parent.parent.name != "qasper_dev")):
        for lang in ("en", "ru"):
            sub = [(it, r) for it, r in zip(items, res, strict=True) if sel(it) and it.lang == lang]
            quotes = [(it, q) for it, r in sub for q in r["quotes"]]
            kinds = Counter()
            bad = 0
            for it, (page, text, sec) in quotes:
                d = defects(text, sec)
                kinds.update(d)
                if d:
                    bad += 1
                    examples.append((part, lang, it.id, page, d, text[:140]))
            ans = [(it, r) for it, r in sub if it.answerable and it.pages]
            hit = sum(bool(set(r["pages"]) & set(it.pages)) for it, r in ans)
            hit1 = sum(bool(r["pages"][:1] and r["pages"][0] in it.pages) for it, r in ans)
            key = f"{part}_{lang}"
            summary[key] = {"answers": len(sub), "quotes": len(quotes), "bad": bad, "kinds": dict(kinds),
                            "hit": hit, "hit1": hit1, "n_hit": len(ans)}
            print(f"{key:11s} answers {len(sub):3d} quoted {len(quotes):3d} defective {bad:3d} "
                  f"({bad / max(1, len(quotes)):.3f}) {dict(kinds)} | page-hit {hit}/{len(ans)} "
                  f"({hit / max(1, len(ans)):.3f}), first sentence {hit1}/{len(ans)}")
    tq = sum(v["quotes"] for v in summary.values())
    tb = sum(v["bad"] for v in summary.values())
    th = sum(v["hit"] for v in summary.values())
    tn = sum(v["n_hit"] for v in summary.values())
    words = sum(r["words"] for r in res) / max(1, len(res))
    print(f"all         quoted {tq} defective {tb} ({tb / max(1, tq):.3f}) | page-hit {th}/{tn} ({th / max(1, tn):.3f})"
          f" | answer text {words:.1f} words on average")
    for ex in examples[:n_examples]:
        print("  ", *ex)
    listed = [(it.id, it.question, r["listed"]) for it, r in zip(items, res, strict=True) if r["listed"]]
    print(f"answers with a list after a lead-in (list questions): {len(listed)}")
    for ex in listed:
        print("  ", *ex)
    summary["listed"] = len(listed)
    return summary


TYPED = Path(__file__).resolve().parent.parent / "data" / "eval" / "reader_typed.jsonl"
TYPED_R2 = Path(__file__).resolve().parent.parent / "data" / "eval" / "qasper_dev_typed.jsonl"


def typed_items() -> list:
    """data/eval/reader_typed.jsonl as :class:`scripts.qasper_eval.Item` rows, each in English and Russian
    (``id`` ``typed-NN-en`` / ``-ru``; ``evidence`` = the gold sentences; ``answers`` = ``[type, split]``)."""
    from scripts.benchlib import SHARED_DATA
    from scripts.qasper_eval import Item

    out = []
    for line in TYPED.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        paper = SHARED_DATA / ("qasper_dev/papers" if q["source"] == "qasper_dev" else "papers") / q["paper"]
        doc_ru = q["paper"].startswith("sokolov")
        for lang, text in (("en", q["question"]), ("ru", q["question_ru"])):
            out.append(Item(f"{q['id']}-{lang}", paper, text, lang, True, q["pages"], q["gold_sentences"],
                            [q["type"], q["split"]], cross=(lang == "ru") != doc_ru))
    return out


def r2_typed_items() -> list:
    """R2's data/eval/qasper_dev_typed.jsonl (hardware, time, code questions; answerable), EN and RU."""
    from scripts.benchlib import SHARED_DATA
    from scripts.qasper_eval import Item

    out = []
    for n, line in enumerate(TYPED_R2.read_text(encoding="utf-8").splitlines()):
        q = json.loads(line)
        paper = SHARED_DATA / "qasper_dev" / "papers" / q["paper"]
        out += [Item(f"r2typed-{n}", paper, q["question"], "en", True, q["pages"], [q["evidence_quote"]]),
                Item(f"r2typed-{n}-ru", paper, q["question_ru"], "ru", True, q["pages"], [q["evidence_quote"]],
                     cross=True)]
    return out


def typed_variants() -> dict:
    """Name -> :class:`core.reader.qa.TypedParams` compared by ``--typed`` (``off`` is the baseline)."""
    from core.reader.qa import TYPED_OFF

    v = {"off": TYPED_OFF}
    for w in (0.05, 0.1, 0.15, 0.2, 0.3):
        v[f"all{w}"] = replace(TYPED_OFF, value=w, formula=w, unit=w, dataset=w, name=w, definition=w)
        v[f"number{w}"] = replace(TYPED_OFF, value=w, formula=w, unit=w)
        v[f"value{w}"] = replace(TYPED_OFF, value=w)
        v[f"names{w}"] = replace(TYPED_OFF, dataset=w, name=w)
        v[f"definition{w}"] = replace(TYPED_OFF, definition=w)
    for w in (0.1, 0.2):
        v[f"all{w}+next"] = replace(v[f"all{w}"], definition_next=True)
    v["next"] = replace(TYPED_OFF, definition_next=True)
    for r in (0.7, 0.8, 0.9):
        v[f"rel{r}"] = replace(TYPED_OFF, relative_floor=r)
    return v


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zа-яё]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def typed_report(docs, embedder, names: list[str]) -> None:
    """Print, per variant: the typed set's page-hit and sentence-hit (a gold sentence in the answer text) by
    split and language, the dev pool's answer page-hit (qasper_dev + extra; in-house) and words shown,
    before abstention; then the unit refusal's decisions on every dev question (answerable ones must not
    be refused)."""
    from core.reader.abstain import missing_unit
    from core.reader.qa import answer_extractive, find_evidence
    from scripts.qasper_eval import load_set

    typed = typed_items()
    pool = load_set("qasper_dev") + load_set("inhouse")
    r2 = r2_typed_items()
    for it in typed + pool + r2:
        if it.paper not in docs:
            docs[it.paper] = open_document_cached(it.paper, embedder)
    evs = {id(it): find_evidence(docs[it.paper], it.question, embedder) for it in typed + pool}
    variants = typed_variants()
    for name in names:
        v = variants[name]
        row = []
        for split in ("dev", "check"):
            for lang in ("en", "ru"):
                sub = [it for it in typed if it.answers[1] == split and it.lang == lang]
                ans = [answer_extractive(docs[it.paper], evs[id(it)], -10.0, typed=v) for it in sub]
                ph = sum(bool({c.page for c in a.citations} & set(it.pages)) for it, a in zip(sub, ans, strict=True))
                sh = sum(any(_norm(g) in _norm(a.text) for g in it.evidence) for it, a in zip(sub, ans, strict=True))
                row.append(f"{split}-{lang} page {ph}/{len(sub)} sent {sh}/{len(sub)}")
        for part, sel in (("pool", lambda it: it.paper.parent.parent.name == "qasper_dev"),
                          ("inhouse", lambda it: it.paper.parent.parent.name != "qasper_dev")):
            for lang, cross in (("en", False), ("ru", True)):
                sub = [it for it in pool if sel(it) and it.cross == cross and it.answerable and it.pages]
                ans = [answer_extractive(docs[it.paper], evs[id(it)], -10.0, typed=v) for it in sub]
                ph = sum(bool({c.page for c in a.citations} & set(it.pages)) for it, a in zip(sub, ans, strict=True))
                words = sum(len(a.text.split()) for a in ans) / max(1, len(ans))
                row.append(f"{part}-{lang} {ph}/{len(sub)} {words:.1f}w")
        print(f"{name:16s} " + " | ".join(row), flush=True)
    print("unit refusal (missing_unit) on every dev question:")
    for group, items in (("typed", typed), ("pool", pool), ("r2typed", r2)):
        refused = [(it.id, it.answerable, missing_unit(docs[it.paper], it.question), it.question) for it in items
                   if missing_unit(docs[it.paper], it.question)]
        false = [r for r in refused if r[1]]
        print(f"  {group}: answerable {sum(it.answerable for it in items)}, refused among them {len(false)}; "
              f"unanswerable {sum(not it.answerable for it in items)}, refused {len(refused) - len(false)}")
        for r in refused:
            print("    ", *r)


_DOCS: dict = {}


def open_document_cached(path: Path, embedder, index_dir: Path | None = None):
    """:func:`core.reader.documents.open_document` of ``path``, once per process."""
    from core.reader.documents import open_document

    if path not in _DOCS:
        _DOCS[path] = open_document(path.read_bytes(), embedder, index_dir or _INDEX_DIR[0])
    return _DOCS[path]


_INDEX_DIR: list[Path] = []


def main() -> None:
    from core.embeddings import get_embedder
    from scripts.qasper_eval import load_set

    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", default="", help="saved indexes to reuse (default: a new temporary folder)")
    ap.add_argument("--examples", type=int, default=40)
    ap.add_argument("--typed", default="", help="comma-separated typed variants (or 'all'): the typed-answer round")
    args = ap.parse_args()
    embedder = get_embedder()
    index_dir = Path(args.index_dir) if args.index_dir else Path(tempfile.mkdtemp())
    _INDEX_DIR.append(index_dir)
    if args.typed:
        names = list(typed_variants()) if args.typed == "all" else args.typed.split(",")
        typed_report({}, embedder, names)
        return
    items = load_set("qasper_dev") + load_set("inhouse")
    docs = {p: open_document_cached(p, embedder) for p in sorted({it.paper for it in items})}
    report(items, run(docs, items, embedder), args.examples)


if __name__ == "__main__":
    sys.exit(main())
