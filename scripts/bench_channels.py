"""Benchmark of channel search; writes section "channels" of docs/BENCHMARKS.md.

Two parts (both by default):

* quality (``--quality``): Recall@5 and nDCG@10 on our query set
  ``data/channel_eval/queries.jsonl`` over the real exports in ``../shared/data/telegram/``,
  for hybrid, dense, BM25 and plain case-insensitive substring search (Telegram's own
  search), RU and EN queries separately; plus the abstention threshold calibration
  (best-post cosine of answerable vs off-topic queries).
* scale (``--scale``): a generated channel of up to ``--max-posts`` realistic RU/EN
  tech-news posts (templates and vocabularies below, fixed seed), imported in steps
  (10k, then incremental imports up to the maximum): throughput (posts/s), index
  size on disk, peak memory, retrieval latency p50/p95. Its numbers are cached in
  ``var/bench_channels_scale.json`` so a quality-only run keeps them in the section.
  When the run stops below 100k posts, the last 100k run (``scripts/bench_channels_100k_2026-11-21.json``,
  before Channel search moved onto ``core.retrieval``) is shown under it, labelled.
* before/after (``--before DIR``): ``DIR`` is a copy of the tree before the move onto
  ``core.retrieval`` (``git archive <commit> core scripts data docs``) on which this
  script ran with the same options; its cached results are stored in
  ``scripts/bench_channels_before_move.json`` and shown beside this run's.

Usage::

    .venv/bin/python scripts/bench_channels.py            # both (100k posts: ~25 min)
    .venv/bin/python scripts/bench_channels.py --quality  # quality only (~1 min)
    .venv/bin/python scripts/bench_channels.py --hybridindex 100000  # core HybridIndex at that size (~2 min)
    .venv/bin/python scripts/bench_channels.py --scale --max-posts 10000 --before /tmp/old  # A/B of the move
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.channels.answer import ABSTAIN_COSINE, ABSTAIN_LEXICAL  # noqa: E402
from core.channels.parsers import parse_export  # noqa: E402
from core.channels.search import ChannelLibrary  # noqa: E402
from core.embeddings import get_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.types import Post  # noqa: E402
from scripts.benchlib import SHARED_DATA, machine_line, peak_rss_mb, percentile_ms, write_section  # noqa: E402

EVAL_DIR = ROOT / "data" / "channel_eval"
SCALE_CACHE = ROOT / "var" / "bench_channels_scale.json"
QUALITY_CACHE = ROOT / "var" / "bench_channels_quality.json"

# ----------------------------------------------------------------- generator
_EN = {
    "org": ["OpenAI", "Google", "Meta", "Microsoft", "Apple", "Amazon", "Nvidia", "Anthropic", "Mistral", "Yandex",
            "Sber", "Tencent", "Alibaba", "IBM", "Intel", "AMD", "Samsung", "Cloudflare", "GitHub", "Hugging Face"],
    "thing": ["language model", "image generator", "video model", "speech recognizer", "code assistant",
              "vector database", "inference server", "GPU cluster", "browser extension", "mobile app",
              "open-source library", "benchmark", "dataset", "robotics platform", "search engine", "chip"],
    "verb": ["released", "announced", "open-sourced", "updated", "delayed", "shut down", "acquired",
             "benchmarked", "patched", "leaked"],
    "topic": ["reasoning", "long context", "quantization", "distillation", "privacy", "ransomware", "phishing",
              "energy use", "latency", "multilingual support", "licensing", "safety evaluation", "fine-tuning",
              "retrieval", "agents", "on-device inference"],
    "detail": ["It runs {n}x faster than the previous version.", "The weights are available under an open licence.",
               "Pricing starts at ${n} per million tokens.", "Researchers found {n} vulnerabilities in it.",
               "It was trained on {n} billion tokens.", "The team says it beats GPT-4 on {n} benchmarks.",
               "Early users report mixed results.", "A paper with details is on arXiv.",
               "The demo is free to try in the browser.", "It needs {n} GB of memory to run locally."],
}
_RU = {
    "org": ["OpenAI", "Google", "Meta", "Microsoft", "Яндекс", "Сбер", "Nvidia", "Anthropic", "Mistral", "VK",
            "Тинькофф", "Касперский", "Alibaba", "DeepSeek", "МТС", "Ozon"],
    "thing": ["языковую модель", "генератор картинок", "видеомодель", "распознаватель речи", "ассистента для кода",
              "векторную базу", "сервер инференса", "кластер GPU", "мобильное приложение", "библиотеку",
              "бенчмарк", "датасет", "поисковик", "чип"],
    "verb": ["выпустила", "анонсировала", "выложила в опенсорс", "обновила", "отложила", "закрыла", "купила",
             "протестировала", "исправила", "случайно слила"],
    "topic": ["рассуждения", "длинный контекст", "квантизацию", "дистилляцию", "приватность", "шифровальщики",
              "фишинг", "энергопотребление", "задержки", "поддержку русского языка", "лицензии", "безопасность",
              "дообучение", "поиск", "агентов", "инференс на устройстве"],
    "detail": ["Работает в {n} раз быстрее прошлой версии.", "Веса доступны под открытой лицензией.",
               "Цена от {n} долларов за миллион токенов.", "Исследователи нашли в ней {n} уязвимостей.",
               "Обучали на {n} миллиардах токенов.", "Авторы утверждают, что она обходит GPT-4 на {n} бенчмарках.",
               "Первые пользователи пишут о смешанных впечатлениях.", "Статья с деталями лежит на arXiv.",
               "Демо можно попробовать бесплатно в браузере.", "Для локального запуска нужно {n} ГБ памяти."],
}


def generate_posts(n: int, seed: int = 7, start_id: int = 1) -> list[Post]:
    """``n`` varied RU/EN tech-news posts (about 60% Russian), deterministic for a seed."""
    rng = random.Random(seed)
    t0 = datetime(2019, 1, 1)
    posts = []
    for i in range(n):
        ru = rng.random() < 0.6
        v = _RU if ru else _EN
        org, thing, verb, topic = (rng.choice(v[k]) for k in ("org", "thing", "verb", "topic"))
        head = (f"{org} {verb} {thing}: главное про {topic}." if ru
                else f"{org} {verb} a new {thing}, with a focus on {topic}.")
        details = [rng.choice(v["detail"]).format(n=rng.randint(2, 90)) for _ in range(rng.randint(1, 4))]
        text = "\n\n".join([head, " ".join(details)])
        if rng.random() < 0.05:  # a few long posts (digests) that get chunked
            text += "\n\n" + " ".join(rng.choice(v["detail"]).format(n=rng.randint(2, 90)) for _ in range(40))
        text += f"\n\n#{topic.split()[0].lower()} https://example.org/news/{start_id + i}"
        date = (t0 + timedelta(minutes=37 * i + rng.randint(0, 30))).isoformat()
        posts.append(Post(channel="generated", post_id=start_id + i, date=date, text=text))
    return posts


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def run_scale(max_posts: int, steps: list[int], keep: bool = False) -> dict:
    emb = get_embedder()
    tmp = Path(tempfile.mkdtemp(prefix="margo-bench-channels-"))
    print(f"data dir: {tmp}", flush=True)
    try:
        lib = ChannelLibrary(Settings(data_dir=tmp), emb)
        all_posts = generate_posts(max_posts)
        queries = ["новая языковая модель с длинным контекстом", "who released an open-source speech recognizer",
                   "утечка уязвимостей в мобильном приложении", "cheap inference pricing per million tokens",
                   "квантизация для запуска на ноутбуке", "ransomware attack news", "дообучение видеомодели",
                   "GPU cluster energy use", "бесплатное демо в браузере", "paper on arXiv about distillation"]
        rows = []
        done = 0
        for step in [s for s in steps if s <= max_posts]:
            batch = all_posts[done:step]
            t = time.perf_counter()
            rep = lib.import_posts(batch, "generated", source="generated")
            secs = time.perf_counter() - t
            done = step
            lib.search("warm up", k=10)  # loads the index (not timed)
            lat, lat_f = [], []
            for rnd in range(10):
                for q in queries:
                    t = time.perf_counter()
                    lib.search(q, k=10)
                    lat.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    lib.search(q, k=10, date_from="2020-01-01", date_to="2021-06-30")
                    lat_f.append(time.perf_counter() - t)
                    _ = rnd
            chunks = lib._loaded(lib.channels()[0].id).index.ntotal  # noqa: SLF001 - benchmark introspection
            rows.append({
                "posts": step, "new_posts": len(batch), "chunks": int(chunks), "import_s": round(secs, 1),
                "posts_per_s": round(len(batch) / secs, 1),
                "index_mb": round(_dir_mb(tmp / "channels" / "index"), 1),
                "sqlite_mb": round(_dir_mb(tmp / "channels") - _dir_mb(tmp / "channels" / "index"), 1),
                "peak_rss_mb": round(peak_rss_mb()),
                "p50_ms": round(percentile_ms(lat, 50), 1), "p95_ms": round(percentile_ms(lat, 95), 1),
                "p95_filtered_ms": round(percentile_ms(lat_f, 95), 1), "added": rep.added,
                "load1": round(os.getloadavg()[0], 1),
            })
            print(rows[-1], flush=True)
        # re-import of the same export: nothing new, nothing embedded
        t = time.perf_counter()
        rep = lib.import_posts(all_posts[:done], "generated", source="generated")
        reimport = {"posts": done, "seconds": round(time.perf_counter() - t, 1), "added": rep.added,
                    "unchanged": rep.unchanged}
        result = {"machine": machine_line(), "rows": rows, "reimport": reimport}
        SCALE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        SCALE_CACHE.write_text(json.dumps(result, indent=1), encoding="utf-8")
        return result
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run_parse(n: int = 100_000) -> dict:
    """Parse throughput of the streaming parsers on a generated ``n``-post export (JSON and CSV)."""
    import csv

    posts = generate_posts(n)
    tmp = Path(tempfile.mkdtemp(prefix="margo-bench-parse-"))
    try:
        export = {"name": "generated", "type": "public_channel", "id": 1, "messages": [
            {"id": p.post_id, "type": "message", "date": p.date, "from": "generated",
             "text": [p.text.split("#")[0], {"type": "hashtag", "text": "#" + p.text.split("#")[-1]}]}
            for p in posts]}
        jpath = tmp / "result.json"
        jpath.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
        cpath = tmp / "dump.csv"
        with open(cpath, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["message_id", "date", "message_text", "message_url"])
            w.writerows([p.post_id, p.date, p.text, f"https://t.me/generated/{p.post_id}"] for p in posts)
        del export
        out = {}
        for label, path in (("Desktop JSON", jpath), ("Telethon CSV", cpath)):
            t = time.perf_counter()
            parsed = parse_export(path)
            secs = time.perf_counter() - t
            out[label] = {"posts": len(parsed.posts), "mb": round(path.stat().st_size / 1e6, 1),
                          "seconds": round(secs, 2), "posts_per_s": round(len(parsed.posts) / secs)}
            del parsed
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


HYBRIDINDEX_CACHE = ROOT / "var" / "bench_channels_hybridindex.json"
HISTORY_100K = ROOT / "scripts" / "bench_channels_100k_2026-11-21.json"
BEFORE_MOVE = ROOT / "scripts" / "bench_channels_before_move.json"


def run_hybridindex(n: int) -> dict:
    """The core's :class:`core.retrieval.HybridIndex` (LlamaIndex docstore + BM25Retriever + RRF) on the
    same generated posts, with precomputed random unit vectors (embedding time excluded), to
    show why channels use their own index: build, persist, size, load, retrieval latency."""
    import numpy as np
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.schema import TextNode

    from core.retrieval import HybridIndex

    LlamaSettings.llm = None
    emb = get_embedder()
    posts = generate_posts(n)
    nodes = [TextNode(id_=f"p{p.post_id}", text=p.text, metadata={"post_id": p.post_id, "order": i})
             for i, p in enumerate(posts)]
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((n, emb.dim)).astype("float32")
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    tmp = Path(tempfile.mkdtemp(prefix="margo-bench-hybridindex-"))
    try:
        t = time.perf_counter()
        index = HybridIndex.build(nodes, emb, embeddings=vecs)
        build = time.perf_counter() - t
        t = time.perf_counter()
        index.persist(tmp / "x")
        persist = time.perf_counter() - t
        del index
        t = time.perf_counter()
        index = HybridIndex.load(tmp / "x", emb)
        load = time.perf_counter() - t
        queries = ["новая языковая модель с длинным контекстом", "who released an open-source speech recognizer",
                   "ransomware attack news", "квантизация для запуска на ноутбуке", "GPU cluster energy use"]
        index.retrieve("warm up", 10)
        lat = []
        for q in queries * 10:
            t = time.perf_counter()
            index.retrieve(q, 10)
            lat.append(time.perf_counter() - t)
        out = {"posts": n, "build_s": round(build, 1), "persist_s": round(persist, 1), "load_s": round(load, 1),
               "disk_mb": round(_dir_mb(tmp / "x"), 1), "p50_ms": round(percentile_ms(lat, 50), 1),
               "p95_ms": round(percentile_ms(lat, 95), 1), "load1": round(os.getloadavg()[0], 1)}
        HYBRIDINDEX_CACHE.parent.mkdir(parents=True, exist_ok=True)
        HYBRIDINDEX_CACHE.write_text(json.dumps(out), encoding="utf-8")
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------- quality
_EXPORTS = {  # channel name used in queries.jsonl -> (path under shared/data/telegram, username)
    "ai_newz": ("ai_newz_ru_telethon_dump/1.json", None),
    "cybersec": ("cybersecurity_privacy_news_en_html", None),
    "guzel": ("ru_public_channel_guzelskie_perezalivy/result.json", None),  # distractor: no queries
}


def _ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, p in enumerate(ranked[:k]) if p in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def _substring(posts: list[Post], query: str, k: int) -> list[int]:
    """Telegram-like search: posts containing the query (case-insensitive), newest first;
    with no exact phrase hit, posts containing every query word."""
    q = query.casefold().strip(" ?!.")
    hits = [p for p in posts if q in p.text.casefold()]
    if not hits:
        words = [w for w in q.split() if len(w) > 2]
        hits = [p for p in posts if words and all(w in p.text.casefold() for w in words)]
    hits.sort(key=lambda p: p.date, reverse=True)
    return [p.post_id for p in hits[:k]]


def run_quality() -> dict:
    emb = get_embedder()
    tmp = Path(tempfile.mkdtemp(prefix="margo-bench-quality-"))
    try:
        lib = ChannelLibrary(Settings(data_dir=tmp), emb)
        posts: dict[str, list[Post]] = {}
        for name, (rel, username) in _EXPORTS.items():
            lib.import_export(SHARED_DATA / "telegram" / rel, name=name, username=username)
            posts[name] = parse_export(SHARED_DATA / "telegram" / rel, name=name).posts
        queries = [json.loads(x) for x in (EVAL_DIR / "queries.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        methods = ["hybrid", "rrf", "dense", "bm25", "substring", "hybrid-all", "rrf-all"]
        per: dict[tuple[str, str], list[tuple[float, float]]] = {}
        cos_pos, cos_neg, lex_pos, lex_neg = [], [], [], []
        for q in queries:
            group = q["lang"] + ("→" + q["post_lang"] if q.get("post_lang", q["lang"]) != q["lang"] else "")
            if q.get("kind") == "keyword":
                group = "keyword"
            rel = set(q["relevant"])
            if not rel:  # off-topic query: only for the abstention calibration
                hits = lib.search(q["query"], channels=[q["channel"]], k=10)
                cos_neg.append(max((h.cosine for h in hits), default=0.0))
                lex_neg.append(max((h.lexical for h in hits), default=0.0))
                continue
            for m in methods:
                if m == "substring":
                    ranked = _substring(posts[q["channel"]], q["query"], 10)
                elif m.endswith("-all"):  # every channel searched at once (the page's default)
                    hits = lib.search(q["query"], k=10, mode=m.removesuffix("-all"))
                    ranked = [h.post_id if h.channel == q["channel"] else -1 for h in hits]
                else:
                    hits = lib.search(q["query"], channels=[q["channel"]], k=10, mode=m)
                    ranked = [h.post_id for h in hits]
                    if m == "hybrid":
                        cos_pos.append(max((h.cosine for h in hits), default=0.0))
                        lex_pos.append(max((h.lexical for h in hits), default=0.0))
                r5 = len(set(ranked[:5]) & rel) / min(len(rel), 5)  # capped Recall@5
                per.setdefault((group, m), []).append((r5, _ndcg(ranked, rel)))
        table = {f"{g}|{m}": {"n": len(v), "recall5": sum(x[0] for x in v) / len(v),
                              "ndcg10": sum(x[1] for x in v) / len(v)} for (g, m), v in per.items()}
        def accuracy(t_cos: float, t_lex: float) -> float:
            ok = sum(c >= t_cos or x >= t_lex for c, x in zip(cos_pos, lex_pos, strict=True))
            ok += sum(c < t_cos and x < t_lex for c, x in zip(cos_neg, lex_neg, strict=True))
            return ok / max(1, len(cos_pos) + len(cos_neg))

        grid = [(a / 100, b / 10) for a in range(10, 61) for b in range(2, 11)]
        best = max(grid, key=lambda tl: (accuracy(*tl), -abs(tl[0] - ABSTAIN_COSINE)))
        calib = {"pos": sorted(round(c, 3) for c in cos_pos), "neg": sorted(round(c, 3) for c in cos_neg),
                 "neg_lexical_max": round(max(lex_neg, default=0.0), 2),
                 "pos_saved_by_lexical": sum(c < ABSTAIN_COSINE and x >= ABSTAIN_LEXICAL
                                             for c, x in zip(cos_pos, lex_pos, strict=True)),
                 "best_threshold": best[0], "best_lexical": best[1], "best_accuracy": accuracy(*best),
                 "current": ABSTAIN_COSINE, "current_lexical": ABSTAIN_LEXICAL,
                 "current_accuracy": accuracy(ABSTAIN_COSINE, ABSTAIN_LEXICAL),
                 "cosine_only_accuracy": accuracy(ABSTAIN_COSINE, 99.0)}
        return {"table": table, "calibration": calib, "n_queries": len(queries), "parse": run_parse()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_METHODS = ["hybrid", "rrf", "dense", "bm25", "substring", "hybrid-all", "rrf-all"]
_LABEL = {"hybrid": "hybrid", "rrf": "RRF", "dense": "dense", "bm25": "BM25", "substring": "substring",
          "hybrid-all": "hybrid (all ch.)", "rrf-all": "RRF (all ch.)"}


def _scale_table(rows: list[dict]) -> list[str]:
    out = ["| posts | chunks | new posts | import s | posts/s | index MB | SQLite MB | peak RSS MB | p50 ms | p95 ms | p95 filtered ms | load avg |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['posts']:,} | {r['chunks']:,} | {r['new_posts']:,} | {r['import_s']} | {r['posts_per_s']} | "
                   f"{r['index_mb']} | {r['sqlite_mb']} | {r['peak_rss_mb']} | {r['p50_ms']} | {r['p95_ms']} | "
                   f"{r['p95_filtered_ms']} | {r.get('load1', 'n/a')} |")
    return out


def _before_after(quality: dict | None, scale: dict | None, before: dict) -> list[str]:
    """Rows comparing this run with the same script on the tree before the move onto core.retrieval."""
    out = ["### Before and after the move onto `core.retrieval`", "",
           f"Channel search now stores its index in `core.retrieval.RowCollection` and fuses through "
           f"`core.retrieval.fuse` (\"linear\" for hybrid, \"rrf\") with typed `core.retrieval.Hit`s. The same script "
           f"ran on a copy of the tree at {before['commit']} (before the move) and on this tree, one after the "
           f"other on the same shared machine; quality rows rest on the queries and posts of the tables below "
           f"(n per row). Quality is unchanged, as it should be: the fused scores are the same arithmetic. "
           f"Speed rows depend mostly on what else ran (load average in brackets, 2 cores shared by nine "
           f"agents; 10,000 posts, not 100,000, for that reason): read them as \"no slower\", not as a gain.", "",
           "| measure | before the move | after the move |", "|---|---|---|"]
    bq, bs = before.get("quality"), before.get("scale")
    if quality and bq:
        for key in sorted(quality["table"]):
            g, m = key.split("|")
            if m not in ("hybrid", "hybrid-all", "rrf") or key not in bq["table"]:
                continue
            a, b = bq["table"][key], quality["table"][key]
            out.append(f"| {_LABEL[m]} R@5 / nDCG@10, {g} (n = {b['n']}) | {a['recall5']:.2f} / {a['ndcg10']:.2f} "
                       f"| {b['recall5']:.2f} / {b['ndcg10']:.2f} |")
        out.append(f"| abstention accuracy (n = {len(quality['calibration']['pos']) + len(quality['calibration']['neg'])}) "
                   f"| {bq['calibration']['current_accuracy']:.2f} | {quality['calibration']['current_accuracy']:.2f} |")
    if scale and bs:
        for a, b in zip(bs["rows"], scale["rows"], strict=False):
            if a["posts"] != b["posts"]:
                continue
            out += [f"| import of {b['posts']:,} posts: posts/s (load avg) | {a['posts_per_s']} ({a.get('load1')}) "
                    f"| {b['posts_per_s']} ({b.get('load1')}) |",
                    f"| search p50 / p95 / p95 with dates, ms, {b['posts']:,} posts | {a['p50_ms']} / {a['p95_ms']} / "
                    f"{a['p95_filtered_ms']} ({a.get('load1')}) | {b['p50_ms']} / {b['p95_ms']} / "
                    f"{b['p95_filtered_ms']} ({b.get('load1')}) |",
                    f"| index MB on disk, {b['posts']:,} posts | {a['index_mb']} | {b['index_mb']} |"]
    return out + [""]


def _markdown(quality: dict | None, scale: dict | None, before: dict | None = None) -> str:
    out = ["## channels", "", f"Channel search (`core/channels` on `core.retrieval`). {machine_line()}.", ""]
    if before:
        out += _before_after(quality, scale, before)
    if quality:
        out += ["### Retrieval quality on real exports",
                "", f"Our {quality['n_queries']} queries (`data/channel_eval/queries.jsonl`): paraphrased RU and EN "
                "questions over the ai_newz Telethon dump (RU, 64 posts) and the Cybersecurity HTML export "
                "(EN, 1,999 posts); the ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ export (RU, 1,201 posts) is imported too, as a "
                "distractor for the all-channels columns. Relevant posts judged by reading them. `ru→en` = Russian question, "
                "English posts. Recall@5 is capped (hits in the top 5 / min(5, relevant posts)); nDCG@10 has binary gains. Substring = case-insensitive phrase match (then all-words match), newest "
                "first, as Telegram's own search. Hybrid = cosine + w x normalised BM25, w = 0.2 (`HYBRID_BM25_WEIGHT`), 1.0 for a one-term "
                "query (`ONE_TERM_BM25_WEIGHT`); both picked on this same set: read them as tuned, not held-out); RRF = reciprocal rank fusion "
                "(k = 60). \"All ch.\" searches the three channels at once, the page's default (a post of "
                "another channel counts as a miss).", "",
                "| queries | n | " + " | ".join(f"{_LABEL[m]} R@5" for m in _METHODS) + " | "
                + " | ".join(f"{_LABEL[m]} nDCG@10" for m in _METHODS) + " |",
                "|---|---|" + "---|" * (2 * len(_METHODS))]
        groups = sorted({k.split("|")[0] for k in quality["table"]})
        for g in groups:
            t = {m: quality["table"].get(f"{g}|{m}") for m in _METHODS}
            n = t["hybrid"]["n"] if t["hybrid"] else 0
            r = " | ".join(f"{t[m]['recall5']:.2f}" if t[m] else "n/a" for m in t)
            d = " | ".join(f"{t[m]['ndcg10']:.2f}" if t[m] else "n/a" for m in t)
            out.append(f"| {g} | {n} | {r} | {d} |")
        c = quality["calibration"]
        out += ["", "### Abstention threshold",
                "", f"Best-post cosine (USE v3) of answerable queries: {c['pos']}.",
                f"Off-topic queries (questions the channel does not answer): {c['neg']}.",
                f"Lexical evidence (`PostHit.lexical`: BM25 / channel ceiling x share of query terms the channel "
                f"knows) is at most {c['neg_lexical_max']} among off-topic queries' results; answerable "
                f"queries below the cosine threshold kept by the lexical rule: {c['pos_saved_by_lexical']}.",
                f"Rule: abstain when cosine < `ABSTAIN_COSINE` = {c['current']:.2f} and lexical evidence < "
                f"`ABSTAIN_LEXICAL` = {c['current_lexical']:.1f} (core/channels/answer.py): accuracy "
                f"{c['current_accuracy']:.2f} (cosine alone: {c['cosine_only_accuracy']:.2f}). Best pair on this "
                f"grid: {c['best_threshold']:.2f} / {c['best_lexical']:.1f} (accuracy {c['best_accuracy']:.2f}).", ""]
    if quality and quality.get("parse"):
        out += ["### Parsing (streaming)", "", "Generated 100,000-post exports, parsed by `parse_export` "
                "(ijson yajl2_c for JSON, the csv module for CSV); no indexing.", "",
                "| format | posts | file MB | seconds | posts/s |", "|---|---|---|---|---|"]
        for label, r in quality["parse"].items():
            out.append(f"| {label} | {r['posts']:,} | {r['mb']} | {r['seconds']} | {r['posts_per_s']:,} |")
        out.append("")
    if scale:
        out += ["### Scale: generated channel", "",
                "Generated RU/EN tech-news posts (fixed seed, `generate_posts` in the script), imported in steps: "
                "the first step is a fresh import, later steps are incremental imports of the new posts only "
                "(BM25 rebuilt over all posts each time). Latency: `ChannelLibrary.search(k=10)`, hybrid, "
                "including the query embedding, 100 queries after a warm-up; \"filtered\" adds a date range. "
                "Peak RSS is the whole process (USE model included), cumulative. The machine was shared with "
                "other work during the run (load average in the last column; 2 cores): import throughput, bound by "
                "embedding (USE, 1 thread, batches of 256), varies with that load, so read it as a lower bound.", ""]
        out += _scale_table(scale["rows"])
        hist = json.loads(HISTORY_100K.read_text(encoding="utf-8")) if HISTORY_100K.exists() else None
        if hist and max(r["posts"] for r in scale["rows"]) < 100_000:
            out += ["", f"This run stopped at {max(r['posts'] for r in scale['rows']):,} posts (the machine was "
                    f"shared with eight other agents). The last 100,000-post run, before the move onto "
                    f"`core.retrieval` ({hist['machine']}):", ""]
            out += _scale_table(hist["rows"])
        h = None
        if HYBRIDINDEX_CACHE.exists():
            h = json.loads(HYBRIDINDEX_CACHE.read_text(encoding="utf-8"))
        elif hist:
            h = hist.get("hybridindex")
        if h:
            out += ["", f"For comparison, the core's `HybridIndex` (LlamaIndex JSON docstore + `BM25Retriever` + "
                    f"`QueryFusionRetriever`) on the same {h['posts']:,} generated posts with precomputed vectors "
                    f"(`--hybridindex`): build {h['build_s']} s without any embedding (the channel index rebuilds "
                    f"only BM25 on an import), persist {h['persist_s']} s, {h['disk_mb']} MB on disk, load "
                    f"{h['load_s']} s, retrieval p50 {h['p50_ms']} ms / p95 {h['p95_ms']} ms including the query "
                    f"embedding (load avg {h['load1']}); it has no date filter and no way to drop an edited "
                    "post but a full rebuild, hence the core's second store, `core.retrieval.RowCollection`, "
                    "that channels use."]
        ri = scale["reimport"]
        out += ["", f"Re-importing the same {ri['posts']:,} posts: {ri['seconds']} s, {ri['added']} added, "
                f"{ri['unchanged']:,} unchanged (hash comparison only, nothing embedded). Scale run: {scale['machine']}."]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--max-posts", type=int, default=100_000)
    ap.add_argument("--keep", action="store_true", help="keep the generated channel's data folder")
    ap.add_argument("--render", action="store_true", help="only rewrite the section from the cached results")
    ap.add_argument("--before", type=Path, default=None, metavar="DIR",
                    help="a copy of the tree before the move onto core.retrieval, benchmarked with the same options")
    ap.add_argument("--hybridindex", type=int, default=0, metavar="N",
                    help="also time core.retrieval.HybridIndex on N generated posts (no embedding)")
    args = ap.parse_args()
    both = not (args.quality or args.scale or args.hybridindex or args.render)
    if args.hybridindex:
        print(run_hybridindex(args.hybridindex), flush=True)
    steps = [s for s in (10_000, 50_000, 100_000) if s < args.max_posts] + [args.max_posts]
    scale = run_scale(args.max_posts, steps, args.keep) if (args.scale or both) else None
    if scale is None and SCALE_CACHE.exists():
        scale = json.loads(SCALE_CACHE.read_text(encoding="utf-8"))
    quality = run_quality() if (args.quality or both) else None
    if quality:
        print(json.dumps(quality, indent=1, ensure_ascii=False))
        QUALITY_CACHE.parent.mkdir(parents=True, exist_ok=True)
        QUALITY_CACHE.write_text(json.dumps(quality), encoding="utf-8")
    elif QUALITY_CACHE.exists():
        quality = json.loads(QUALITY_CACHE.read_text(encoding="utf-8"))
    before = None
    if args.before:
        var = args.before / "var"
        before = {"commit": (args.before / "COMMIT").read_text(encoding="utf-8").strip()
                  if (args.before / "COMMIT").exists() else "an earlier commit"}
        for key, name in (("scale", "bench_channels_scale.json"), ("quality", "bench_channels_quality.json")):
            if (var / name).exists():
                before[key] = json.loads((var / name).read_text(encoding="utf-8"))
        BEFORE_MOVE.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    elif BEFORE_MOVE.exists():
        before = json.loads(BEFORE_MOVE.read_text(encoding="utf-8"))
    write_section("channels", _markdown(quality, scale, before))


if __name__ == "__main__":
    main()
