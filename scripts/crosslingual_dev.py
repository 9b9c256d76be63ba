"""Cross-lingual retrieval variants of the Reader on development data only (R1, issue #8).

Pool: ``load_set("qasper_dev")`` of scripts/qasper_eval.py (the 32 QASPER dev questions, their
next-paper and on-topic unanswerable rows, and the extra pool data/eval/qasper_dev_extra.jsonl),
each asked in English and in our Russian, plus the in-house set (data/eval/reader_questions.jsonl).
Nothing from qasper_test is read.

Measures, per variant of :class:`core.reader.qa.EvidenceParams` (before abstention unless said):

* ``hit``: a page of the answer sentences is a gold page (answerable questions with pages).
* ``any``: the same with the 2 supporting passages' pages added.
* ``evid``: a QASPER evidence paragraph / our evidence quote is in a cited passage
  (:func:`scripts.qasper_eval.evidence_hit`).
* ``agree3``: label-free RU/EN agreement: for every question asked in both languages, the share of
  the EN question's top-3 retrieved passages that the RU question also retrieves in its top 3.
* ``agreep``: the share of the EN answer's pages that the RU answer also cites.
* ``hit_abst``: ``hit`` with the product's calibrated abstention counted as a miss.
* grouped-by-paper CV: for each dev paper, the variant best on the other papers (by RU ``hit``,
  ties to the simpler = earlier variant) is scored on that paper; the pooled held-out RU ``hit``
  estimates what choosing among these variants is worth.

Usage: ``nice .venv/bin/python -m scripts.crosslingual_dev [--variants round2|round3|a,b] [--starter]``
(no ``--variants``: every variant, round 1's grid included; ``before`` is the baseline; results of
the rounds are in the :class:`core.reader.qa.EvidenceParams` docstring).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from scripts.qasper_eval import Starter, evidence_hit, load_set


def variants() -> dict:
    """Name -> EvidenceParams. ``before``: the scorer before R1 (no lexicon, cross passage weight
    0.3), which rounds 1-3's variants modify; ``r3``: R1-R3's scorer (no page nodes), which rounds
    4-6's variants modify (their runs called it ``shipped``); ``shipped``: the current DEFAULT_PARAMS
    (round 6's ``union3 slot2``)."""
    from core.reader.qa import DEFAULT_PARAMS

    S = replace(DEFAULT_PARAMS, page_nodes=0, page_candidates="chunks", page_slot=0)  # R1-R3's scorer
    D = replace(S, lexicon_floor=0.0, lexicon_words=1, lexicon_stage2=False, lexicon_dense=0.0,
                cross_passage=0.3, cross_level=0.0)
    v = {"before": D, "shipped": DEFAULT_PARAMS, "r3": S}
    for floor in (0.5, 0.6, 0.7):
        for n in (1, 2, 3):
            v[f"lex{floor}x{n}"] = replace(D, lexicon_floor=floor, lexicon_words=n)
            v[f"lex{floor}x{n}+s2"] = replace(D, lexicon_floor=floor, lexicon_words=n, lexicon_stage2=True)
    v["lex0.6x2+s2-gloss"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, glossary=False)
    v["lex0.6x2+s2-prf"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, prf_terms=0)
    v["lex0.6x2+s2-gloss-prf"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, glossary=False,
                                         prf_terms=0)
    for a in (0.5, 1.0, 2.0):
        v[f"lex0.6x2 dense{a}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_dense=a)
        v[f"lex0.6x2+s2 dense{a}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                             lexicon_dense=a)
    for w in ((1.0, 1.0), (0.5, 1.0), (1.0, 0.25)):
        v[f"lex0.6x2+s2 w{w[0]},{w[1]}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                   cross_weights=w)
    for k in (4, 8, 10):
        v[f"lex0.6x2+s2 k{k}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, top_k=k)
    for pw in (0.0, 0.6):
        v[f"lex0.6x2+s2 pw{pw}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                           cross_passage=pw)
    # round 2: the passage weight across languages (round 1: 0.0 beat 0.3 and 0.6 by far)
    for pw in (0.0, 0.1, 0.2):
        v[f"pw{pw}"] = replace(D, cross_passage=pw)
        v[f"lex0.6x2 pw{pw}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, cross_passage=pw)
        v[f"lex0.6x2 dense1.0 pw{pw}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_dense=1.0,
                                                 cross_passage=pw)
        v[f"lex0.6x2+s2 dense1.0 pw{pw}"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                    lexicon_dense=1.0, cross_passage=pw)
    for a in (0.5, 2.0):
        v[f"lex0.6x2+s2 dense{a} pw0.0"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                   lexicon_dense=a, cross_passage=0.0)
    v["lex0.6x1+s2 dense1.0 pw0.0"] = replace(D, lexicon_floor=0.6, lexicon_words=1, lexicon_stage2=True,
                                              lexicon_dense=1.0, cross_passage=0.0)
    v["lex0.5x2+s2 dense1.0 pw0.0"] = replace(D, lexicon_floor=0.5, lexicon_words=2, lexicon_stage2=True,
                                              lexicon_dense=1.0, cross_passage=0.0)
    v["lex0.7x2+s2 dense1.0 pw0.0"] = replace(D, lexicon_floor=0.7, lexicon_words=2, lexicon_stage2=True,
                                              lexicon_dense=1.0, cross_passage=0.0)
    v["lex0.6x2+s2 dense1.0 pw0.0 w1,1"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                   lexicon_dense=1.0, cross_passage=0.0, cross_weights=(1.0, 1.0))
    v["lex0.6x2+s2 dense1.0 pw0.0 -prf"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                   lexicon_dense=1.0, cross_passage=0.0, prf_terms=0)
    v["lex0.6x2+s2 dense1.0 pw0.0 -gloss"] = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True,
                                                     lexicon_dense=1.0, cross_passage=0.0, glossary=False)
    # round 3: around round 2's best (lex0.6x2+s2 dense1.0 pw0.0)
    best = replace(D, lexicon_floor=0.6, lexicon_words=2, lexicon_stage2=True, lexicon_dense=1.0, cross_passage=0.0)
    v["best2"] = best
    for k in (8, 10):
        v[f"best2 k{k}"] = replace(best, top_k=k)
    v["best2 lexical1.0"] = replace(best, cross_lexical=1.0)
    v["best2 lexical0.25"] = replace(best, cross_lexical=0.25)
    v["best2 x3"] = replace(best, lexicon_words=3)
    v["shipped level0"] = replace(S, cross_level=0.0)
    # round 4 (#8, X): the starter's page-sized dense nodes (EvidenceParams.page_*) across languages, on r3
    for w in (0.1, 0.2):
        v[f"prior{w}"] = replace(S, page_nodes=3, page_prior=w)
        v[f"union3 prior{w}"] = replace(S, page_nodes=3, page_candidates="union", page_prior=w)
    v["prior0.2 q"] = replace(S, page_nodes=3, page_prior=0.2, page_query="question")
    v["first3"] = replace(S, page_nodes=3, page_candidates="pages")
    v["union3"] = replace(S, page_nodes=3, page_candidates="union")
    for w in (0.5, 1.0):
        v[f"voter{w}"] = replace(S, page_nodes=3, page_voter=w)
    # round 5: round 4's best (union3) with the starter's own query vector, more pages, a graded page score
    u3 = replace(S, page_nodes=3, page_candidates="union")
    v["union3 q"] = replace(u3, page_query="question")
    v["union5"] = replace(u3, page_nodes=5)
    v["graded0.5"] = replace(S, page_nodes=3, page_graded=0.5)
    for w in (0.5, 1.0):
        v[f"union3 graded{w}"] = replace(u3, page_graded=w)
    v["union3 q graded0.5"] = replace(u3, page_query="question", page_graded=0.5)
    # round 6: the best page node's page interleaved into the answer's pages (EvidenceParams.page_slot)
    for k in (2, 3):
        v[f"slot{k}"] = replace(S, page_nodes=3, page_slot=k)
        v[f"slot{k} q"] = replace(S, page_nodes=3, page_slot=k, page_query="question")
        v[f"union3 slot{k}"] = replace(u3, page_slot=k)
        v[f"union3 q slot{k}"] = replace(u3, page_slot=k, page_query="question")
    # round 7 (#8, lead): a same-language question's interrogative words out of its BM25 query and word share
    v["shipped qwords"] = replace(DEFAULT_PARAMS, question_words=True)
    return v


ROUND4 = ["r3", "prior0.1", "prior0.2", "prior0.2 q", "voter0.5", "voter1.0", "first3", "union3",
          "union3 prior0.1", "union3 prior0.2"]
"""Round 4's variants (``--variants round4``, issue #8, X): the LlamaIndex starter's page-sized dense
nodes (:func:`core.reader.qa.page_nodes`) across languages as a sentence prior (``prior``: + w for a
sentence on the pages of the top-3 page nodes; ``q``: ranked by the question's own vector, not the
lexicon-augmented one), a third fusion voter (``voter``: every chunk scored by its page's best node
cosine), the only candidates (``first3``: two-stage, page first) or added candidates (``union3``)."""

ROUND5 = ["r3", "union3", "union3 q", "union5", "graded0.5", "union3 graded0.5", "union3 graded1.0",
          "union3 q graded0.5"]
"""Round 5's variants (``--variants round5``): round 4's best (``union3``), its pages ranked by the
question's own vector as the starter does (``q``), the top-5 page nodes, and a graded page score:
+ w * (the sentence's page's best node cosine - the best page's), Callan (SIGIR 1994)'s passage +
document evidence turned to sentence + page."""

ROUND6 = ["r3", "slot2", "slot3", "slot2 q", "slot3 q", "union3 slot2", "union3 slot3", "union3 q slot2",
          "union3 q slot3"]
"""Round 6's variants (``--variants round6``): the best page node's page (``q``: ranked by the question's
own vector, the starter's first page) interleaved as the 2nd / 3rd answer page (``slotK``,
:func:`core.reader.qa._page_slot`), alone or with round 4's ``union3`` candidates."""

ROUND3 = ["before", "best2", "best2 k8", "best2 k10", "best2 lexical1.0", "best2 lexical0.25", "best2 x3"]
"""Round 3's variants (``--variants round3``)."""

ROUND2 = ["before", "pw0.0", "pw0.1", "pw0.2", "lex0.6x2 pw0.0", "lex0.6x2 pw0.1", "lex0.6x2 pw0.2",
          "lex0.6x2 dense1.0 pw0.0", "lex0.6x2 dense1.0 pw0.1", "lex0.6x2 dense1.0 pw0.2",
          "lex0.6x2+s2 dense1.0 pw0.0", "lex0.6x2+s2 dense1.0 pw0.1", "lex0.6x2+s2 dense1.0 pw0.2",
          "lex0.6x2+s2 dense0.5 pw0.0", "lex0.6x2+s2 dense2.0 pw0.0", "lex0.6x1+s2 dense1.0 pw0.0",
          "lex0.5x2+s2 dense1.0 pw0.0", "lex0.7x2+s2 dense1.0 pw0.0", "lex0.6x2+s2 dense1.0 pw0.0 w1,1",
          "lex0.6x2+s2 dense1.0 pw0.0 -prf", "lex0.6x2+s2 dense1.0 pw0.0 -gloss"]
"""Round 2's variants (``--variants round2``), in order of simplicity for the CV's ties."""


def _dev(it) -> bool:
    """True for a qasper_dev item (its paper is one of ../shared/data/qasper_dev/papers)."""
    return it.paper.parent.parent.name == "qasper_dev"


def _pairs(items, embedder) -> list[tuple[int, int]]:
    """(EN index, RU index) pairs of the same question. qasper_dev: ids ``X`` / ``X-ru``; in-house:
    each RU->EN question with the EN question of the same paper and gold pages that is nearest
    by cosine (>= 0.5)."""
    by_id = {it.id: n for n, it in enumerate(items)}
    out = []
    for n, it in enumerate(items):
        if it.lang == "en" and not it.cross and it.id + "-ru" in by_id:
            out.append((n, by_id[it.id + "-ru"]))
    inh_ru = [n for n, it in enumerate(items) if not _dev(it) and it.cross and it.lang == "ru"]
    inh_en = [n for n, it in enumerate(items) if not _dev(it) and not it.cross and it.lang == "en"]
    if inh_ru and inh_en:
        v_ru = embedder.embed([items[n].question for n in inh_ru])
        v_en = embedder.embed([items[n].question for n in inh_en])
        for a, n in enumerate(inh_ru):
            cands = [(float(v_ru[a] @ v_en[b]), m) for b, m in enumerate(inh_en)
                     if items[m].paper == items[n].paper and items[m].pages == items[n].pages]
            if cands and max(cands)[0] >= 0.5:
                out.append((max(cands)[1], n))
    return out


def _run(docs, items, embedder, params) -> list[dict]:
    """Margo's offline answer for every item (as :func:`scripts.qasper_eval.ask_margo`, plus the top-3 passages)."""
    from core.reader.abstain import should_abstain
    from core.reader.qa import answer_extractive, find_evidence

    out = []
    for it in items:
        doc = docs[it.paper]
        t = time.perf_counter()
        ev = find_evidence(doc, it.question, embedder, params=params)
        ans = answer_extractive(doc, ev, threshold=-10.0)
        abstained = bool(should_abstain(doc, ev, None))
        top3 = [int(h.node.metadata.get("order", -1)) for h in ev.hits[:3]]
        out.append({"pages": [c.page for c in ans.citations], "support": [c.page for c in ans.support],
                    "texts": [c.passage or c.quote for c in ans.citations + ans.support], "top3": top3,
                    "abstained": abstained, "seconds": time.perf_counter() - t})
    return out


def _mean(xs) -> float:
    xs = list(xs)
    return float(np.mean(xs)) if xs else float("nan")


def measures(items, res, pairs, select=lambda it: True) -> dict:
    """The measures above over the items ``select`` keeps (pairs: both ends kept)."""
    m = {}
    for lang, cross in (("en", False), ("ru", True)):
        sub = [(it, r) for it, r in zip(items, res, strict=True) if select(it) and it.cross == cross
               and it.answerable and it.pages]
        m[f"hit_{lang}"] = _mean(bool(set(r["pages"]) & set(it.pages)) for it, r in sub)
        m[f"hit_abst_{lang}"] = _mean(bool(set(r["pages"]) & set(it.pages)) and not r["abstained"] for it, r in sub)
        m[f"any_{lang}"] = _mean(bool(set(r["pages"] + r["support"]) & set(it.pages)) for it, r in sub)
        m[f"n_{lang}"] = len(sub)
        ev = [(it, r) for it, r in sub if it.evidence]
        m[f"evid_{lang}"] = _mean(evidence_hit(r["texts"], it.evidence) for it, r in ev)
        m[f"n_evid_{lang}"] = len(ev)
        non = [r for it, r in zip(items, res, strict=True) if select(it) and it.cross == cross and not it.answerable]
        m[f"abst_non_{lang}"] = _mean(bool(r["abstained"]) for r in non)
        m[f"n_non_{lang}"] = len(non)
    ps = [(a, b) for a, b in pairs if select(items[a]) and select(items[b])]
    m["agree3"] = _mean(len(set(res[a]["top3"]) & set(res[b]["top3"])) / max(1, len(res[a]["top3"])) for a, b in ps)
    m["agreep"] = _mean(len(set(res[a]["pages"]) & set(res[b]["pages"])) / len(set(res[a]["pages"]))
                        for a, b in ps if res[a]["pages"])
    m["n_pairs"] = len(ps)
    return m


def _counts(m: dict, part: str) -> str:
    """One part's answer page-hits as counts (before / after abstention) and evidence, EN and RU."""
    def c(key: str, n: str) -> str:
        return f"{round(m[key] * m[n]) if m[n] else 0}/{m[n]}"
    return (f"{part}: hit EN {c('hit_en', 'n_en')} RU {c('hit_ru', 'n_ru')}, abst-hit EN {c('hit_abst_en', 'n_en')} "
            f"RU {c('hit_abst_ru', 'n_ru')}, evid EN {c('evid_en', 'n_evid_en')} RU {c('evid_ru', 'n_evid_ru')}")


def _paper_cv(items, results: dict, names: list[str]) -> tuple[float, dict]:
    """Grouped-by-paper CV of choosing the variant with the best RU hit (ties: earlier name)."""
    papers = sorted({it.paper for it in items if it.cross and it.answerable and it.pages})
    held, chosen = [], {}
    for p in papers:
        def score(name, p=p):
            return measures(items, results[name], [], lambda x, p=p: x.paper != p)["hit_ru"]
        best = max(names, key=lambda n: (score(n), -names.index(n)))
        chosen[p.name] = best
        held += [bool(set(r["pages"]) & set(it.pages)) for it, r in zip(items, results[best], strict=True)
                 if it.paper == p and it.cross and it.answerable and it.pages]
    return _mean(held), chosen


def main() -> None:
    from core.embeddings import get_embedder
    from core.reader.documents import open_document

    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", default="", help="comma-separated names (default: all)")
    ap.add_argument("--starter", action="store_true", help="also the LlamaIndex starter (dense, page docs, top-3)")
    ap.add_argument("--index-dir", default="", help="saved indexes to reuse (default: a new temporary folder)")
    ap.add_argument("--out", default="", help="write the per-variant measures as JSON here")
    ap.add_argument("--dump", default="", help="pickle the items and per-item results here (for inspection)")
    args = ap.parse_args()
    embedder = get_embedder()
    items = load_set("qasper_dev") + load_set("inhouse")
    index_dir = Path(args.index_dir) if args.index_dir else Path(tempfile.mkdtemp())
    docs = {p: open_document(p.read_bytes(), embedder, index_dir) for p in sorted({it.paper for it in items})}
    pairs = _pairs(items, embedder)
    allv = variants()
    names = {"round2": ROUND2, "round3": ROUND3, "round4": ROUND4, "round5": ROUND5,
             "round6": ROUND6}.get(args.variants) or [n for n in args.variants.split(",") if n] or list(allv)
    results, table = {}, {}
    t0 = time.perf_counter()
    for name in names:
        results[name] = _run(docs, items, embedder, allv[name])
        row = {"dev": measures(items, results[name], pairs, _dev),
               "extra": measures(items, results[name], pairs, lambda it: it.id.startswith("extra")),
               "qasper": measures(items, results[name], pairs,
                                  lambda it: _dev(it) and not it.id.startswith(("extra", "unans")) and "-other" not in it.id),
               "inhouse": measures(items, results[name], pairs, lambda it: not _dev(it))}
        table[name] = row
        d, h = row["dev"], row["inhouse"]
        print(f"{name:28s} dev hit EN {d['hit_en']:.3f} RU {d['hit_ru']:.3f} (n={d['n_ru']}) | any {d['any_en']:.3f}/"
              f"{d['any_ru']:.3f} | evid {d['evid_en']:.3f}/{d['evid_ru']:.3f} (n={d['n_evid_ru']}) | abst-hit "
              f"{d['hit_abst_en']:.3f}/{d['hit_abst_ru']:.3f} abst-unans {d['abst_non_en']:.2f}/{d['abst_non_ru']:.2f} | agree3 {d['agree3']:.3f} agreep {d['agreep']:.3f} "
              f"(pairs {d['n_pairs']}) | inhouse RU {h['hit_ru']:.3f} (n={h['n_ru']}) EN {h['hit_en']:.3f} "
              f"agree3 {h['agree3']:.3f} (pairs {h['n_pairs']}) | {time.perf_counter() - t0:.0f}s", flush=True)
        print("    " + " | ".join(_counts(row[part], part) for part in ("qasper", "extra", "dev")), flush=True)
    if len(names) > 1:
        cv, chosen = _paper_cv([it for it in items if _dev(it)],
                               {n: [r for it, r in zip(items, results[n], strict=True) if _dev(it)]
                                for n in names}, names)
        print(f"grouped-by-paper CV of the choice, held-out RU hit: {cv:.3f}; chosen per held-out paper: {chosen}")
        table["_cv"] = {"held_out_hit_ru": cv, "chosen": chosen}
    if args.starter:
        starters = {p: Starter(p.read_bytes(), embedder) for p in docs}
        sres = []
        for it in items:
            r = starters[it.paper].ask(it.question, "starter")
            sres.append({"pages": r.pages, "support": [], "texts": r.texts, "top3": [], "abstained": False,
                         "seconds": r.seconds})
        for part, sel in (("dev", _dev), ("inhouse", lambda it: not _dev(it)),
                          ("qasper", lambda it: _dev(it) and not it.id.startswith(("extra", "unans"))
                           and "-other" not in it.id), ("extra", lambda it: it.id.startswith("extra"))):
            s = measures(items, sres, [], sel)
            print(f"starter {part}: hit EN {s['hit_en']:.3f} RU {s['hit_ru']:.3f} (n={s['n_ru']}) evid "
                  f"{s['evid_en']:.3f}/{s['evid_ru']:.3f} (n={s['n_evid_ru']}) | {_counts(s, part)}")
            table.setdefault("_starter", {})[part] = s
    if args.out:
        Path(args.out).write_text(json.dumps(table, indent=1))
    if args.dump:
        import pickle

        Path(args.dump).write_bytes(pickle.dumps({"items": items, "results": results, "pairs": pairs}))


if __name__ == "__main__":
    sys.exit(main())
