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
import re
import sys
import tempfile
from collections import Counter
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
    from core.reader.qa import answer_extractive, find_evidence

    out = []
    for it in items:
        doc = docs[it.paper]
        ev = find_evidence(doc, it.question, embedder)
        ans = answer_extractive(doc, ev, threshold=-10.0)
        section = {s.text: s.section for s in doc.sentences}
        quotes = [(c.page, c.quote, section.get(c.quote, "")) for c in ans.citations]
        plain = " ".join(f"{c.quote} [p. {c.page}]" for c in ans.citations)
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
            key = f"{part}_{lang}"
            summary[key] = {"answers": len(sub), "quotes": len(quotes), "bad": bad, "kinds": dict(kinds),
                            "hit": hit, "n_hit": len(ans)}
            print(f"{key:11s} answers {len(sub):3d} quoted {len(quotes):3d} defective {bad:3d} "
                  f"({bad / max(1, len(quotes)):.3f}) {dict(kinds)} | page-hit {hit}/{len(ans)} "
                  f"({hit / max(1, len(ans)):.3f})")
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


def main() -> None:
    from core.embeddings import get_embedder
    from core.reader.documents import open_document
    from scripts.qasper_eval import load_set

    ap = argparse.ArgumentParser()
    ap.add_argument("--index-dir", default="", help="saved indexes to reuse (default: a new temporary folder)")
    ap.add_argument("--examples", type=int, default=40)
    args = ap.parse_args()
    embedder = get_embedder()
    items = load_set("qasper_dev") + load_set("inhouse")
    index_dir = Path(args.index_dir) if args.index_dir else Path(tempfile.mkdtemp())
    docs = {p: open_document(p.read_bytes(), embedder, index_dir) for p in sorted({it.paper for it in items})}
    report(items, run(docs, items, embedder), args.examples)


if __name__ == "__main__":
    sys.exit(main())
