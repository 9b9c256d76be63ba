"""The shipped question bank validates, and user question files load or fail clearly."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from core.errors import InputError
from core.interview.bank import (
    BANK_DIR,
    LEVELS,
    TOPICS,
    derive_key_points,
    load_bank,
    load_user_questions,
)
from core.text import cyrillic_ratio


def test_whole_bank_is_valid_and_bilingual():
    bank = load_bank()
    assert len(bank) >= 200
    assert set(Counter(q.topic for q in bank.questions)) == set(TOPICS)
    assert set(Counter(q.level for q in bank.questions)) == set(LEVELS)
    assert min(Counter(q.topic for q in bank.questions).values()) >= 15
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    for lang in ("ru", "en"):
        texts = [q.question[lang].strip().lower() for q in bank.questions]
        assert len(texts) == len(set(texts)), f"duplicate {lang} question text"
    for q in bank.questions:
        assert q.langs == ("ru", "en")
        assert 3 <= len(q.key_points["ru"]) == len(q.key_points["en"]) <= 7
        assert cyrillic_ratio(q.reference["ru"]) > 0.6 and cyrillic_ratio(q.question["ru"]) >= 0.3, q.id
        assert cyrillic_ratio(q.reference["en"]) < 0.05 and cyrillic_ratio(q.question["en"]) == 0, q.id
        assert 2 <= q.reference["en"].count(". ") + 1 <= 7


def test_bank_files_declare_their_topic():
    for f in BANK_DIR.glob("*.json"):
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert {q["topic"] for q in doc["questions"]} == {doc["topic"]} == {f.stem}


def test_strict_validation_names_the_broken_record(tmp_path):
    good = json.loads(next(BANK_DIR.glob("*.json")).read_text(encoding="utf-8"))["questions"][:2]
    broken = [dict(good[0]), dict(good[1])]
    broken[1]["key_points"] = {"ru": ["a", "b"], "en": ["a", "b"]}
    (tmp_path / "x.json").write_text(json.dumps({"questions": broken}), encoding="utf-8")
    with pytest.raises(InputError, match="3-7 key points"):
        load_bank(tmp_path)
    dup = [good[0], dict(good[0])]
    (tmp_path / "x.json").write_text(json.dumps(dup), encoding="utf-8")
    with pytest.raises(InputError, match="duplicate id"):
        load_bank(tmp_path)
    missing_ru = [dict(good[0], question={"en": "Only English?"})]
    (tmp_path / "x.json").write_text(json.dumps(missing_ru), encoding="utf-8")
    with pytest.raises(InputError, match="both 'ru' and 'en'"):
        load_bank(tmp_path)


def test_user_questions_from_csv_and_json():
    csv_text = (
        "id,topic,level,question_en,reference_en,key_points_en\n"
        "my-1,custom,middle,What is early stopping?,Early stopping ends training when validation loss stops "
        "improving. It prevents overfitting.,stop when validation loss stops improving; prevents overfitting\n"
        "my-2,,,Что такое ансамбль?,,\n"
    )
    with pytest.raises(InputError, match="at least one language"):
        load_user_questions(csv_text.encode(), "mine.csv")
    qs = load_user_questions(csv_text.splitlines(True)[0].encode() + csv_text.splitlines(True)[1].encode(), "mine.csv")
    assert qs[0].id == "my-1" and qs[0].langs == ("en",) and qs[0].source == "user"
    assert qs[0].kps("en") == ("stop when validation loss stops improving", "prevents overfitting")
    js = json.dumps([{"id": "u1", "question": {"ru": "Что такое бэггинг?"},
                      "reference": {"ru": "Бэггинг обучает модели на бутстреп-выборках. Их ответы затем усредняются."}}],
                    ensure_ascii=False).encode()
    q = load_user_questions(js, "q.json")[0]
    assert q.topic == "custom" and q.level == "middle"
    assert q.kps("ru") == ("Бэггинг обучает модели на бутстреп-выборках", "Их ответы затем усредняются")


@pytest.mark.parametrize("data,name,msg", [
    (b"", "a.csv", "empty"),
    (b"\xff\xfe\x00garbage", "a.json", "UTF-8"),
    (b"{not json", "a.json", "cannot be parsed"),
    (b"[]", "a.json", "no questions"),
    (b"id,question_en\n", "a.csv", "no questions"),
    (b"hello", "a.txt", ".csv or .json"),
])
def test_bad_user_files_raise_input_error(data, name, msg):
    with pytest.raises(InputError, match=msg):
        load_user_questions(data, name)


def test_derive_key_points_splits_sentences():
    pts = derive_key_points("Dropout zeroes activations at random. It is turned off at inference; it acts as regularization.", "en")
    assert pts == ["Dropout zeroes activations at random", "It is turned off at inference", "it acts as regularization"]
