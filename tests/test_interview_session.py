"""The interview session object and the headless ``python -m core.interview run`` flow."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.interview.bank import default_bank
from core.interview.progress import ProgressStore
from core.interview.session import InterviewSession
from core.settings import PROJECT_ROOT
from tests.interview_helpers import scorer

GOOD = ("Overfitting is when the model memorises the training data including its noise, so training error is low "
        "but validation error is much higher. Fix it with more data, regularization, a simpler model or early stopping.")


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    return scorer(str(tmp_path_factory.mktemp("iv-cache-session")))


def test_session_start_submit_next_finish(sc, tmp_path):
    store = ProgressStore(tmp_path, "tester")
    s = InterviewSession(sc, None, lang="en", n_questions=2, questions=["cml-001", "cml-003"], store=store, seed=1)
    q = s.start()
    assert q is not None and q.id == "cml-001" and s.current == "cml-001"
    t1 = s.submit("I don't know")
    assert t1.result.flag == "idk" and t1.revision == 1
    t2 = s.submit(GOOD)
    assert t2.revision == 2 and t2.result.score > t1.result.score and not t2.result.flag
    q2 = s.next_question()
    assert q2 is not None and q2.id == "cml-003"
    assert s.next_question() is None and s.finished
    summ = s.summary()
    assert [r["question_id"] for r in summ.rows] == ["cml-001", "cml-003"]
    assert summ.rows[0]["best"] == t2.result.score and summ.rows[0]["attempts"] == 2
    assert summ.rows[1]["best"] is None and summ.mean_best == t2.result.score
    assert len(store.attempts()) == 2


def test_session_with_selector_never_repeats(sc):
    from core.interview.selection import QuestionSelector

    bank = default_bank()
    s = InterviewSession(sc, QuestionSelector(bank, sc.embedder), lang="ru", topics=["classic_ml"], n_questions=3,
                         seed=5)
    seen = []
    q = s.start()
    while q is not None:
        assert q.topic == "classic_ml" and q.id not in seen
        seen.append(q.id)
        q = s.next_question()
    assert len(seen) == 3 and s.finished


def test_submit_without_question_raises(sc):
    with pytest.raises(ValueError):
        InterviewSession(sc, None, questions=["cml-001"]).submit("x")


def _cli(args, tmp_path):
    env = {**os.environ, "MARGO_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "core.interview", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_run_cli_plays_an_interview_headless(tmp_path):
    f = tmp_path / "answers.jsonl"
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"question_id": "cml-001", "answer": "не знаю"},
        {"question_id": "cml-001", "answer": "Переобучение — модель запоминает шум обучающих данных: ошибка на "
                                            "обучении низкая, а на валидации высокая. Помогают регуляризация и "
                                            "больше данных."},
        {"question_id": "cml-003", "answer": "L1 зануляет веса, L2 их плавно уменьшает."},
    ]) + "\n", encoding="utf-8")
    p = _cli(["run", str(f), "--lang", "ru"], tmp_path)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(lines) == 4 and "summary" in lines[-1]
    assert lines[0]["flag"] == "idk" and lines[1]["revision"] == 2 and lines[1]["score"] > lines[0]["score"]
    assert lines[-1]["summary"]["rows"][0]["best"] == lines[1]["score"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question_id": "nope", "answer": "x"}\n', encoding="utf-8")
    p = _cli(["run", str(bad)], tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("error:") and "unknown question_id" in p.stderr
