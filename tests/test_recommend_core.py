"""The recommender core: reading logs, splits, metrics, models, reasons, command line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core.errors import InputError
from core.recommend import (
    Recommender,
    evaluate,
    load_dataset,
    make_split,
    ranking_metrics,
    read_interactions,
    read_items,
)
from core.settings import PROJECT_ROOT


def _log_csv(rows: list[tuple[str, str, float, float]]) -> bytes:
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp", "rating"])
    return frame.to_csv(index=False).encode()


def _two_tastes() -> tuple[bytes, bytes]:
    """12 users: even ones like sci-fi items s0..s5, odd ones like cooking items c0..c5."""
    rng = np.random.default_rng(0)
    rows = []
    for u in range(12):
        pool = [f"s{i}" for i in range(6)] if u % 2 == 0 else [f"c{i}" for i in range(6)]
        for n, item in enumerate(rng.permutation(pool)[:5]):
            rows.append((f"u{u}", item, 1_700_000_000 + u * 100 + n, 5.0))
    items = ["item_id,title,text"]
    items += [f"s{i},Space film {i},a science fiction film about starships and aliens" for i in range(6)]
    items += [f"c{i},Cooking show {i},a television show about cooking pasta and soup" for i in range(6)]
    items.append("s_new,Galaxy voyage,science fiction about starships crossing the galaxy")
    return _log_csv(rows), ("\n".join(items) + "\n").encode()


def test_metrics_by_hand() -> None:
    pop = np.ones(5)
    perfect = ranking_metrics(np.array([[0, 1, 2]]), [np.array([0, 1])], 3, 5, pop)
    assert perfect["ndcg@3"] == pytest.approx(1.0) and perfect["map@3"] == pytest.approx(1.0)
    # hit at rank 2 only: AP = (1/2) / min(2, 3); NDCG = (1/log2 3) / (1 + 1/log2 3)
    one = ranking_metrics(np.array([[4, 0, 3]]), [np.array([0, 1])], 3, 5, pop)
    assert one["map@3"] == pytest.approx(0.25)
    assert one["ndcg@3"] == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)))
    assert one["recall@3"] == pytest.approx(0.5)
    assert one["coverage"] == pytest.approx(3 / 5)


def test_user_temporal_split_holds_out_each_users_latest_fifth() -> None:
    rows = [("a", f"i{n}", 1000 + n, 5.0) for n in range(10)] + [("b", f"i{n}", 2000 - n, 5.0) for n in range(5)]
    rows += [("c", "i0", 5, 5.0)] + [("d", f"i{n}", 3000 + n, 5.0) for n in range(10)]
    data = load_dataset(read_interactions(_log_csv(rows)))
    split = make_split(data, "user_temporal")
    a, b = data.user_index("a"), data.user_index("b")
    assert sorted(data.item_ids[split.test[a]]) == ["i8", "i9"]  # 20% of 10, the latest
    assert list(data.item_ids[split.test[b]]) == ["i0"]  # b's timestamps run backwards: i0 is latest
    assert data.user_index("c") not in split.test  # a single interaction stays in training
    last = make_split(data, "leave_last_one")
    assert list(data.item_ids[last.test[a]]) == ["i9"]
    cut = make_split(data, "global_time")
    assert set(cut.test) == {data.user_index("d")}  # only d acts in the last fifth of time


def test_bad_files_get_clear_errors() -> None:
    with pytest.raises(InputError, match="no timestamp column"):
        read_interactions(b"user_id,item_id\n1,2\n")
    with pytest.raises(InputError, match="No readable timestamps"):
        read_interactions(("user_id,item_id,timestamp\n" + "1,2,yesterday\n" * 30).encode())
    with pytest.raises(InputError, match="at least 20"):
        read_interactions(b"user_id,item_id,timestamp\n1,2,1700000000\n")
    with pytest.raises(InputError, match="no title column"):
        read_items(b"item_id,name_of_thing\n1,x\n")
    with pytest.raises(InputError, match="rating"):
        rows = [("u1", f"i{n}", 1, 1.0) for n in range(30)]
        load_dataset(read_interactions(_log_csv(rows)), min_rating=4.0)


def test_dates_and_milliseconds_are_read() -> None:
    text = "userId,movieId,date\n" + "".join(f"{u},{i},2024-05-0{1 + i % 9} 12:00\n" for u in range(5) for i in range(6))
    log = read_interactions(text.encode())
    assert log["ts"].min() == pd.Timestamp("2024-05-01 12:00", tz="UTC").timestamp()
    ms = "user_id,item_id,timestamp\n" + "".join(f"{u},{i},{1_700_000_000_000 + i}\n" for u in range(5) for i in range(6))
    assert read_interactions(ms.encode())["ts"].max() == pytest.approx(1_700_000_000.005)


def test_models_learn_tastes_and_explain() -> None:
    log, items = _two_tastes()
    data = load_dataset(read_interactions(log), read_items(items))
    for model in ("item_knn", "ease", "als"):
        rec = Recommender(data, model, threads=1)
        top = rec.recommend("u0", k=1)[0]
        assert top.item_id.startswith("s"), (model, top)  # a sci-fi fan gets the one sci-fi film left
        assert top.reason_key in {"recommend.reason.rated", "recommend.reason.liked"}
        assert "5" in top.reason("en") and "«" in top.reason("ru")
    pop = Recommender(data, "popularity").recommend("u0", k=3)
    assert all(r.reason_key == "recommend.reason.popular" for r in pop)
    with pytest.raises(InputError, match="not in the interactions log"):
        Recommender(data, "ease").recommend("nobody")


def test_cold_item_reached_by_text() -> None:
    from core.embeddings import get_embedder

    log, items = _two_tastes()
    data = load_dataset(read_interactions(log), read_items(items))
    emb = get_embedder("use-multilingual-v3", 1).embed(data.texts)
    content = Recommender(data, "content", embeddings=emb).recommend("u0", k=2)  # u0 has seen 5 of 6
    ids = [r.item_id for r in content]
    assert "s_new" in ids and not any(i.startswith("c") for i in ids)  # never-seen item, found by its text
    assert next(r for r in content if r.item_id == "s_new").reason_key == "recommend.reason.similar_text"
    similar = Recommender(data, "ease", embeddings=emb).similar_items("s_new", k=3)
    assert [r.item_id[0] for r in similar] == ["s", "s", "s"]  # a cold item still has neighbours, by text
    results = evaluate(data, "user_temporal", ["popularity", "ease", "content", "hybrid"], emb, k=5)
    assert [r.model for r in results] == ["popularity", "ease", "content", "hybrid"]
    assert results[-1].params["weight"] in (0.1, 0.3, 1.0)


@pytest.mark.shared
def test_movielens_learned_model_beats_popularity(shared_data) -> None:
    base = shared_data / "interactions" / "ml-latest-small"
    data = load_dataset(read_interactions(base / "ratings.csv"), read_items(base / "movies.csv"), min_rating=4.0)
    assert (data.n_users, len(data)) == (609, 48580)  # ratings >= 4 of the 100,836
    results = {r.model: r for r in evaluate(data, "user_temporal", ["popularity", "ease"], tune_params=False,
                                            threads=1)}
    pop, ease = results["popularity"].metrics["ndcg@10"], results["ease"].metrics["ndcg@10"]
    assert ease > 1.3 * pop, (ease, pop)
    assert results["ease"].metrics["coverage"] > results["popularity"].metrics["coverage"]
    assert results["ease"].metrics["pop_bias"] < results["popularity"].metrics["pop_bias"]
    top = Recommender(data, "item_knn").recommend("1", k=10)
    seen = {h["item_id"] for h in Recommender(data, "popularity").history("1", limit=10_000)}
    assert len(top) == 10 and not seen & {r.item_id for r in top}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core.recommend", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=120)


def test_cli(tmp_path) -> None:
    log, items = _two_tastes()
    (tmp_path / "log.csv").write_bytes(log)
    (tmp_path / "items.csv").write_bytes(items)
    out = _cli("recommend", "--interactions", str(tmp_path / "log.csv"), "--items", str(tmp_path / "items.csv"),
               "--user", "u1", "--k", "2", "--no-text", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["user"] == "u1" and len(doc["items"]) == 2
    assert set(doc["items"][0]) == {"item_id", "title", "score", "reason"} and doc["items"][0]["item_id"][0] == "c"
    ev = _cli("evaluate", "--interactions", str(tmp_path / "log.csv"), "--no-text", "--no-tune",
              "--models", "popularity,item_knn", "--k", "3", "--json")
    assert ev.returncode == 0, ev.stderr
    assert [r["model"] for r in json.loads(ev.stdout)] == ["popularity", "item_knn"]
    assert {"map@3", "ndcg@3", "recall@3", "coverage", "train_s"} <= set(json.loads(ev.stdout)[0])
    bad = _cli("recommend", "--interactions", str(tmp_path / "items.csv"), "--user", "u1")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1


def test_public_api_is_pinned() -> None:
    import core.recommend as rec
    import core.recommend.next as nxt

    assert sorted(rec.__all__) == sorted([
        "MODEL_NAMES", "SPLITS", "Dataset", "EvalResult", "Recommendation", "Recommender", "Split", "evaluate",
        "load_dataset", "make_split", "ranking_metrics", "read_interactions", "read_items"])
    assert {"next_questions", "interview_next", "reader_next", "channel_liked_suggestions", "related_items",
            "similar_to_liked", "Suggestion"} <= set(nxt.__all__)
    assert all(hasattr(rec, name) for name in rec.__all__) and all(hasattr(nxt, name) for name in nxt.__all__)
