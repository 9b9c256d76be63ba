""""What next": interview questions from FSRS, weak key points, similar learners and weak topics;
related passages; posts like liked ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.interview.bank import default_bank
from core.recommend.next import grade, next_questions, related_items, similar_to_liked

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _attempt(qid: str, topic: str, score: int, days_ago: float, missed=(), covered=()) -> dict:
    return {"question_id": qid, "topic": topic, "score": score, "ts": (NOW - timedelta(days=days_ago)).timestamp(),
            "missed": list(missed), "covered": list(covered)}


@pytest.fixture(scope="module")
def bank():
    return list(default_bank().questions)


def test_grades() -> None:
    assert [grade(s) for s in (0, 39, 40, 69, 70, 89, 90, 100)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_failed_question_is_due_and_a_mastered_one_is_not(bank) -> None:
    cml = [q for q in bank if q.topic == "classic_ml"]
    attempts = [_attempt(cml[0].id, "classic_ml", 30, 3), _attempt(cml[1].id, "classic_ml", 95, 1)]
    out = next_questions(attempts, bank, k=5, now=NOW)
    assert out[0].id == cml[0].id and out[0].source == "due"
    assert "30" in out[0].reason("en") and "3" in out[0].reason("ru")
    assert cml[1].id not in [s.id for s in out]  # answered well yesterday: FSRS schedules it days later
    assert len({s.id for s in out}) == len(out) == 5


def test_next_question_follows_the_weak_points(bank) -> None:
    a, b = bank[0], bank[30]
    base = [_attempt(a.id, a.topic, 75, 0.01, missed=["point A"], covered=["x"]),
            _attempt(b.id, b.topic, 75, 0.01, covered=["y"])]
    first = next_questions(base, bank, k=1, now=NOW)[0]
    assert first.id == a.id and first.source == "weak_point" and "point A" in first.reason("en")
    flipped = [_attempt(a.id, a.topic, 75, 0.01, covered=["x"]),
               _attempt(b.id, b.topic, 65, 0.01, missed=["point B"], covered=["y"])]
    assert next_questions(flipped, bank, k=1, now=NOW)[0].id == b.id  # other weak point, other question
    learned = [*flipped, _attempt(b.id, b.topic, 90, 0.005, covered=["point B", "y"])]
    assert "weak_point" not in {s.source for s in next_questions(learned, bank, k=3, now=NOW)}  # covered since


def test_similar_learners_failures_and_weak_topics(bank) -> None:
    nlp = [q for q in bank if q.topic == "nlp"]
    me = [_attempt(nlp[0].id, "nlp", 90, 0.01), _attempt(nlp[1].id, "nlp", 40, 0.01, missed=["m"])]
    like_me = [_attempt(nlp[0].id, "nlp", 85, 5), _attempt(nlp[1].id, "nlp", 35, 5), _attempt(nlp[5].id, "nlp", 20, 5)]
    unlike = [_attempt(nlp[0].id, "nlp", 30, 5), _attempt(nlp[1].id, "nlp", 95, 5), _attempt(nlp[6].id, "nlp", 10, 5)]
    out = next_questions(me, bank, k=6, now=NOW, peers=[like_me, unlike], topics=["nlp"])
    ids = [s.id for s in out]
    assert nlp[5].id in ids and nlp[6].id not in [s.id for s in out if s.source == "peers"]
    peer = next(s for s in out if s.id == nlp[5].id)
    assert peer.source == "peers" and "100" in peer.reason("en")
    assert all(s.source != "new" or s.id.startswith("nlp") for s in out)
    # a weak topic brings its untried questions before any other topic's
    weak = next_questions([_attempt(bank[0].id, bank[0].topic, 20, 0.01)], bank, k=4, now=NOW,
                          exclude=[bank[0].id])
    assert {s.source for s in weak} == {"weak_topic"} and {bank[0].topic} == {bank[[q.id for q in bank].index(s.id)].topic
                                                                               for s in weak}


def test_related_passages_and_posts_like_liked_ones() -> None:
    from core.embeddings import get_embedder

    emb = get_embedder("use-multilingual-v3", 1)
    passages = [("p1", "Dropout randomly zeroes activations during training to reduce overfitting."),
                ("p2", "Рецепт борща: свёкла, капуста, картофель."),
                ("p3", "Регуляризация, например dropout, борется с переобучением нейросети.")]
    rel = related_items("How does dropout prevent overfitting?", passages, emb, k=3, exclude=["p1"])
    assert [s.id for s in rel][:1] == ["p3"] and "p2" not in [s.id for s in rel]  # cross-lingual, off-topic cut
    assert "dropout" in rel[0].reason("ru")
    liked = [("10", "Новая диффузионная модель генерирует изображения по тексту")]
    posts = [("10", liked[0][1]), ("11", "A diffusion model that turns text prompts into pictures"),
             ("12", "Курс доллара на бирже вырос"), ("13", "Stable Diffusion 3 released: better image generation")]
    sim = similar_to_liked(liked, posts, emb, k=3)
    ids = [s.id for s in sim]
    assert "10" not in ids and set(ids[:2]) == {"11", "13"} and "12" not in ids
    assert sim[0].reason_key == "recommend.next.liked_post" and "диффузионная" in sim[0].reason("en")


def test_interview_next_over_a_real_progress_store(tmp_path) -> None:
    from core.interview.progress import Attempt, ProgressStore
    from core.recommend.next import interview_next

    bank_obj = default_bank()
    qs = list(bank_obj.questions)
    me = ProgressStore(tmp_path, "me")
    assert interview_next(me, bank_obj) == []  # nothing answered yet: nothing to say
    ts = (NOW - timedelta(days=4)).timestamp()
    me.record(Attempt("s1", qs[0].id, qs[0].topic, qs[0].level, "ru", qs[0].text("ru"), "…", 25, 20, 20, 50,
                      missed=["k1"], covered=[], ts=ts))
    peer = ProgressStore(tmp_path, "peer")
    peer.record(Attempt("s2", qs[0].id, qs[0].topic, qs[0].level, "en", qs[0].text("en"), "…", 30, 30, 30, 50, ts=ts))
    out = interview_next(me, bank_obj, "ru", k=3, now=NOW)
    assert out[0]["id"] == qs[0].id and out[0]["question"] == qs[0].text("ru")
    assert out[0]["reason"].startswith("Пора повторить")
    assert len(out) == 3 and len({o["id"] for o in out}) == 3


def test_channel_posts_like_liked_ones(settings) -> None:
    from core.channels import ChannelLibrary
    from core.embeddings import get_embedder
    from core.recommend.next import channel_liked_suggestions
    from core.types import Post

    lib = ChannelLibrary(settings, get_embedder())
    texts = ["Вышла новая диффузионная модель: генерирует изображения по текстовому описанию",
             "Stable Diffusion 3 is out: better text-to-image generation",
             "Курс доллара на бирже сегодня вырос на два рубля",
             "Рецепт борща: свёкла, капуста и картофель",
             "Midjourney v7 рисует картинки по запросу ещё реалистичнее"]
    lib.import_posts([Post("ch", i + 1, f"2024-05-0{i + 1}T10:00:00", tx) for i, tx in enumerate(texts)], "ch")
    assert channel_liked_suggestions(lib) == []  # nothing liked yet
    qid = lib.store.log_query("диффузия", ["ch"], "…", False, [{"n": 1, "channel": "ch", "post_id": 1, "url": None}],
                              "extractive")
    lib.store.set_vote(qid, 1)
    out = channel_liked_suggestions(lib, k=2)
    assert {s.id for s, _ in out} == {"ch/2", "ch/5"}  # the other image-generation posts, not money or soup
    assert all(s.reason_key == "recommend.next.liked_post" and "диффузионная" in s.reason("ru") for s, _ in out)
    assert out[0][1].text in texts


def test_reader_next_passages_not_quoted_and_related_saved_papers() -> None:
    from types import SimpleNamespace

    from core.embeddings import get_embedder
    from core.reader.chunking import Sentence
    from core.recommend.next import reader_next

    emb = get_embedder("use-multilingual-v3", 1)
    texts = ["We train the model with the Adam optimizer and a warm-up schedule.",
             "The learning rate is increased linearly for the first 4000 steps, then decreased.",
             "The dataset contains 4.5 million sentence pairs.",
             "Figure 2 shows the attention heads."]
    doc = SimpleNamespace(doc_id="d1", sentences=[Sentence(x, page=i + 1, chunk=0, order=i) for i, x in enumerate(texts)],
                          sentence_vectors=emb.embed(texts))
    saved = [{"doc_id": "d1", "title": "Attention is all you need"},
             {"doc_id": "d2", "title": "Adam: a method for stochastic optimization"},
             {"doc_id": "d3", "title": "Рецепты русской кухни"}]
    out = reader_next("Which optimizer and learning rate schedule were used?", doc, [texts[0]], saved, emb, k=2)
    passages = [i for s, i in out if i["kind"] == "passage"]
    papers = [i for s, i in out if i["kind"] == "paper"]
    assert passages[0]["page"] == 2 and all(p["text"] != texts[0] for p in passages)  # the quoted one is skipped
    assert [p["doc_id"] for p in papers][:1] == ["d2"] and "d1" not in [p["doc_id"] for p in papers]
    assert out[0][0].reason("ru").startswith("Близко к вашему вопросу")
