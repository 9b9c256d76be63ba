"""data/eval/reader_questions_blind.jsonl (R2b, issue #8): the set's shape and its evidence.

Every answerable question's evidence quote must occur, normalised as in
``../shared/data/qasper_dev/README.md`` (NFKC, soft hyphens dropped, hyphenated line breaks
joined, lower-cased, every run of other characters one space), on one of its listed 1-based
pages of the real PDF; every question comes in the document's language and translated.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT

BLIND = PROJECT_ROOT / "data" / "eval" / "reader_questions_blind.jsonl"
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_])")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = _HYPHEN_BREAK.sub("", text)
    return " " + re.sub(r"[^0-9a-zа-яё]+", " ", text.lower()).strip() + " "


def _rows() -> list[dict]:
    return [json.loads(x) for x in BLIND.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_shape_and_pairs() -> None:
    rows = _rows()
    assert len({r["id"] for r in rows}) == len(rows)
    doc_lang = {}
    for r in rows:
        assert set(r) >= {"id", "paper", "lang", "kind", "question", "pages", "answerable", "evidence_quote"}
        assert r["answerable"] == bool(r["pages"])
        assert bool(r["evidence_quote"]) == r["answerable"]
        if "->" not in r["kind"]:
            assert r["kind"] == r["lang"]
            doc_lang[r["paper"]] = r["lang"]
    for r in rows:  # cross-lingual kinds are "<question language>-><document language>"
        if "->" in r["kind"]:
            assert r["kind"] == f"{r['lang']}->{doc_lang[r['paper']]}"
    # each question once in the document's language and once translated, same pages and quote
    pairs = Counter(r["id"].rsplit("-", 1)[0] for r in rows)
    assert set(pairs.values()) == {2}
    by_key: dict[str, list[dict]] = {}
    for r in rows:
        by_key.setdefault(r["id"].rsplit("-", 1)[0], []).append(r)
    for a, b in by_key.values():
        assert {a["lang"], b["lang"]} == {"en", "ru"}
        assert a["pages"] == b["pages"] and a["evidence_quote"] == b["evidence_quote"]
    per_paper = Counter(r["paper"] for r in rows)
    assert len(per_paper) == 4 and all(20 <= n <= 24 for n in per_paper.values())


def test_quotes_are_on_their_pages(shared_data: Path) -> None:
    import pymupdf

    texts: dict[str, list[str]] = {}
    for r in _rows():
        if r["paper"] not in texts:
            with pymupdf.open(shared_data / "papers" / r["paper"]) as doc:
                texts[r["paper"]] = [_norm(p.get_text()) for p in doc]
        pages = texts[r["paper"]]
        assert all(1 <= p <= len(pages) for p in r["pages"]), r["id"]
        if r["answerable"]:
            quote = _norm(r["evidence_quote"])
            assert len(quote.split()) >= 8, r["id"]
            assert any(quote in pages[p - 1] for p in r["pages"]), r["id"]


@pytest.mark.parametrize("term", ["dropout", "холодн"])
def test_unanswerable_terms_absent(shared_data: Path, term: str) -> None:
    """Two of the lecture unanswerables hinge on a term that the lecture never uses."""
    import pymupdf

    name = "sokolov_hse_lecture07_deeplearning_ru.pdf" if term == "dropout" else "sokolov_hse_lecture19_recommender_ru.pdf"
    with pymupdf.open(shared_data / "papers" / name) as doc:
        text = " ".join(_norm(p.get_text()) for p in doc)
    assert term not in text


def test_qasper_eval_loads_it() -> None:
    """scripts/qasper_eval.py's ``inhouse_blind`` set: one item per row, quote as evidence."""
    from scripts.qasper_eval import load_set

    items = load_set("inhouse_blind")
    rows = _rows()
    assert [i.id for i in items] == [r["id"] for r in rows]
    assert sum(i.answerable for i in items) == sum(r["answerable"] for r in rows)
    assert all(bool(i.evidence) == i.answerable and i.paper.name == r["paper"] for i, r in zip(items, rows, strict=True))
    assert sum(i.cross for i in items) == len(rows) // 2
    assert {i.lang for i in items if i.cross and i.paper.name.startswith("sokolov")} == {"en"}
