"""Recommender benchmark on MovieLens ml-latest-small: quality per split, training time, latency, memory.

Usage::

    .venv/bin/python -m scripts.bench_recommend [--users 200] [--no-write]

Writes the ``recommend`` section of ``docs/BENCHMARKS.md``. Every model is tuned on a validation
split carved from the training part (``core.recommend.service.evaluate``); the test part chooses
nothing. Takes about 5-10 minutes on 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from core.embeddings import get_embedder
from core.recommend import Recommender, evaluate, load_dataset, read_interactions, read_items
from core.recommend.evaluation import SPLITS, make_split, top_k
from core.recommend.service import MODEL_NAMES, build_model
from scripts.benchlib import SHARED_DATA, machine_line, peak_rss_mb, percentile_ms, write_section

ML = SHARED_DATA / "interactions" / "ml-latest-small"

PUBLISHED = """\
**Published figures (protocols differ; none uses ml-latest-small with this exact split):**

| source | data and protocol | Pop | ItemKNN | BPR-MF | EASE | metric |
|---|---|---|---|---|---|---|
| DaisyRec ranking results (Sun et al., RecSys 2020 "Are we evaluating rigorously?"), BPRMF page, `tsbr` | ML-1M, time-aware split by ratio, "origin" view | – | – | 0.0819 | – | Recall@10 |
| same | same | – | – | 0.1924 | – | MAP@10 |
| IntentAwareRS reproducibility tables (faisalse.github.io), ML-100k | ML-100k (943 users), the provided train/test files | 0.087 | 0.141 | – | 0.185 | Recall@10 |

Ratios are what carries over: on ML-100k EASE reached 2.1× popularity's Recall@10 and item-kNN
1.6×; here (per-user temporal) the best model reaches the ratio in the table above. DaisyRec's
ML-1M has 6,040 users with about 165 ratings each (ml-latest-small: 610 users), so absolute
recall is not comparable. RecBole and RecTools publish MovieLens-1M/20M tables with random or
leave-one-out splits and sampled or full ranking; we found no figure for ml-latest-small with a
per-user temporal 80/20 split, so none is quoted. LightFM's MovieLens example reports precision@k
on ML-100k with 5-star positives and a random split: a different protocol and metric.
"""


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def cold_items(data, emb, results, k: int = 10) -> str:
    """Recall@k on held-out positives whose item had no training interaction (cold items)."""
    split = make_split(data, "user_temporal")
    train = data.matrix(split.train)
    popularity = np.asarray(train.sum(axis=0)).ravel()
    truth = {u: its[popularity[its] == 0] for u, its in split.test.items()}
    truth = {u: its for u, its in truth.items() if len(its)}
    users = np.array(sorted(truth), dtype=np.int64)
    n_pos = sum(len(v) for v in split.test.values())
    n_cold = sum(len(v) for v in truth.values())
    lines = [f"**Cold items** (per-user temporal split): {n_cold} of {n_pos} held-out positives "
             f"({100 * n_cold / n_pos:.1f}%) are items nobody interacted with in training, held out for {len(users)} users. "
             f"Recall@{k} on those alone (the full top-{k} list, all items ranked):", "",
             f"| model | Recall@{k} on cold items |", "|---|---|"]
    for r in results:
        model = build_model(r.model, r.params, emb).fit(train)
        lists = top_k(np.array(model.score(users), dtype=np.float32), k, train[users])
        rec = np.mean([np.isin(lists[n], truth[int(u)]).sum() / len(truth[int(u)]) for n, u in enumerate(users)])
        lines.append(f"| {r.model} | {rec:.4f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200, help="users timed for top-N latency")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    log = read_interactions(ML / "ratings.csv")
    items = read_items(ML / "movies.csv")
    data = load_dataset(log, items, min_rating=4.0)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb = get_embedder("use-multilingual-v3", 1).embed(data.texts)
    embed_s = time.perf_counter() - t0
    print(f"loaded {len(log)} rows -> {len(data)} positives, {data.n_users} users, {data.n_items} items "
          f"in {load_s:.1f}s; embedded {data.n_items} titles in {embed_s:.1f}s", flush=True)

    tables = []
    summary: dict[str, dict[str, float]] = {}
    cold = ""
    for split in SPLITS:
        t0 = time.perf_counter()
        results = evaluate(data, split, MODEL_NAMES, emb, k=10)
        if split == "user_temporal":
            cold = cold_items(data, emb, results)
            print(cold, flush=True)
        wall = time.perf_counter() - t0
        pop = results[0].metrics["ndcg@10"]
        best = max(results[1:], key=lambda r: r.metrics["ndcg@10"])
        summary[split] = {"best": best.model, "ratio": best.metrics["ndcg@10"] / pop, "users": results[0].metrics["users"]}
        lines = [f"**{split}** ({results[0].metrics['users']} test users; tuning + evaluation of all models "
                 f"took {wall:.0f} s)", "",
                 "| model | MAP@10 | NDCG@10 | Recall@10 | NDCG ÷ popularity | coverage | popularity bias (ARP ÷ mean) | train s | chosen on validation |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for r in results:
            m = r.metrics
            lines.append(f"| {r.model} | {_fmt(m['map@10'])} | {_fmt(m['ndcg@10'])} | {_fmt(m['recall@10'])} | "
                         f"{m['ndcg@10'] / pop:.2f}× | {m['coverage']:.3f} | {m['pop_bias']:.1f} | {r.train_s:.2f} | "
                         f"`{json.dumps(r.params)}` |")
        tables.append("\n".join(lines))
        print(tables[-1], flush=True)

    # top-N latency per user (scores + masking + top-k + reasons), models fitted on all positives
    rng = np.random.default_rng(0)
    users = rng.choice(data.user_ids, size=min(args.users, data.n_users), replace=False)
    lat_lines = ["| model | fit on all 48,580 positives, s | top-10 with reasons p50 ms | p95 ms | CPU time p50 ms | CPU p95 ms |",
                 "|---|---|---|---|---|---|"]
    for name in MODEL_NAMES:
        rec = Recommender(data, name, embeddings=emb)
        times, cpu = [], []
        for u in users:
            t0, c0 = time.perf_counter(), time.thread_time()
            rec.recommend(u, 10)
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        lat_lines.append(f"| {name} | {rec.train_s:.2f} | {percentile_ms(times, 50):.1f} | {percentile_ms(times, 95):.1f} | "
                         f"{percentile_ms(cpu, 50):.1f} | {percentile_ms(cpu, 95):.1f} |")
        print(lat_lines[-1], flush=True)

    # a 100,000-row log: every rating as an interaction
    full = load_dataset(log, items, min_rating=None)
    fit_lines = ["| model | train s on 100,836 interactions |", "|---|---|"]
    full_emb = get_embedder("use-multilingual-v3", 1).embed(full.texts)
    for name in MODEL_NAMES:
        rec = Recommender(full, name, embeddings=full_emb)
        fit_lines.append(f"| {name} | {rec.train_s:.2f} |")
        print(fit_lines[-1], flush=True)

    load = f"{os.getloadavg()[0]:.0f}"
    ut = summary["user_temporal"]
    gt = summary["global_time"]
    md = f"""## Recommendations (MovieLens ml-latest-small)

`scripts/bench_recommend.py`. {machine_line()}. Latency and training times were taken while other
agents loaded the same 2 cores, so they are upper bounds.

Data: `../shared/data/interactions/ml-latest-small` ({len(log):,} ratings; ratings ≥ 4 are positives:
{len(data):,} interactions, {data.n_users} users, {data.n_items:,} catalogue items). Reading both CSVs took
{load_s:.1f} s; embedding every title + genres with USE v3 {embed_s:.1f} s. Items of the catalogue nobody
rated stay rankable (coverage is over all {data.n_items:,}). Hyper-parameters of every model were chosen by
NDCG@10 on a validation split carved from the training part with the same protocol; the test part chose
nothing. Popularity bias is the mean training popularity of recommended items divided by the catalogue's
mean (ARP, Abdollahpouri et al. 2019): 1.0 is neutral, popularity's own value is the ceiling.

**Target check:** best model on the per-user temporal split: **{ut['best']}**, NDCG@10
**{ut['ratio']:.2f}× popularity's** (target ≥ 1.5×; {int(ut['users'])} test users). On the global time cut:
{gt['best']}, {gt['ratio']:.2f}× ({int(gt['users'])} test users only: few MovieLens users are still active in the last
fifth of the time range, so that row is noisy).

{chr(10).join(chr(10) + t + chr(10) for t in tables)}
{cold}

**Top-N latency** ({len(users)} random users, one at a time, including masking of seen items and the reason
for each of the 10 items; the source document allows 5 s, the target is p95 ≤ 100 ms). Wall-clock
times include waiting for a core on the shared machine (load average {load} on 2 cores at the end of the run); the CPU-time columns
are this thread's own work:

{chr(10).join(lat_lines)}

**Training time on the whole 100,836-row log** (every rating an interaction; target < 60 s):

{chr(10).join(fit_lines)}

Peak resident memory of the benchmark process: {peak_rss_mb():.0f} MB (USE v3 model, three splits, EASE's
dense item-item matrix over items with ≥ 2 interactions).

{PUBLISHED}
**Weak spots:** the content model (USE v3 over title + genres only) is far below collaborative models
on this data: titles and genres say little about taste. Only the content model itself reaches cold
items (table above); in the hybrid the collaborative part dominates the top 10, so the hybrid is
no better than EASE here. Tried and left out: letting a cold item borrow the EASE score of its 20
nearest items by text lowered the hybrid's NDCG@10 from 0.104 to 0.099 while its cold-item
Recall@10 rose only from 0 to 0.002. The global time cut rests on 26 users, and there popularity is
not beaten. ALS/BPR use one seed. Only one dataset was measured.
"""
    if not args.no_write:
        write_section("recommend", md)
    print(md)


if __name__ == "__main__":
    main()
