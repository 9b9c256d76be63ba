"""The Recommendations page: upload, train with evaluation, explained top-10, similar items, bad files."""

from __future__ import annotations

from tests.test_recommend_core import _two_tastes


def _upload(at, key: str, name: str, data: bytes) -> None:
    at.file_uploader(key=key).upload(name, data, "text/csv")


def test_page_trains_and_explains(offline_app) -> None:
    at = offline_app("pages/recommend.py")
    assert not at.exception
    assert any("взаимодействий" in i.value or "interactions" in i.value for i in at.info)
    log, items = _two_tastes()
    _upload(at, "rec_upload_log", "log.csv", log)
    _upload(at, "rec_upload_items", "items.csv", items)
    at.run()
    assert at.selectbox(key="rec_map_user_id").value == "user_id"  # columns guessed
    assert at.selectbox(key="rec_map_timestamp").value == "timestamp"
    at.button(key="rec_train").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value  # evaluation, history, top-10, similar items, in page order
    # every model, in core.recommend.MODEL_NAMES order, under its display name (no code names such as item_knn)
    assert list(table.iloc[:, 0]) == ["most popular", "nearest neighbours", "ALS", "BPR", "EASE", "by text",
                                      "EASE + text"]
    at.selectbox(key="rec_user").set_value("u0").run()
    top = at.dataframe[2].value
    assert len(top) == 8  # 13 catalogue items, 5 seen by u0: only unseen ones are ranked
    assert top.iloc[:, 1].str.len().min() > 5  # every item has a reason
    history = at.dataframe[1].value
    assert len(history) == 5
    assert len(at.dataframe[3].value) > 0


def test_page_bad_file_has_a_clear_message(offline_app) -> None:
    at = offline_app("pages/recommend.py")
    _upload(at, "rec_upload_log", "log.csv", b"user_id,item_id\n1,2\n3,4\n")
    at.run()
    at.button(key="rec_train").click().run()
    assert not at.exception
    assert any("timestamp" in e.value for e in at.error)


def test_interview_progress_shows_what_to_practise_next(offline_app, tmp_path) -> None:
    import time

    from core.interview.bank import default_bank
    from core.interview.progress import Attempt, ProgressStore

    q = default_bank().questions[0]
    store = ProgressStore(tmp_path / "data" / "workspaces" / "local", "default")  # the local user's workspace
    store.record(Attempt("s1", q.id, q.topic, q.level, "en", q.text("en"), "no idea", 20, 20, 20, 50,
                         missed=["a key point"], ts=time.time() - 5 * 86400))
    at = offline_app("pages/interview.py")
    assert not at.exception
    heads = [m.value for m in at.markdown]
    assert any("What to practise next" in h or "Что тренировать дальше" in h for h in heads), heads
    texts = {q.text("en"), q.text("ru")}
    table = next(d.value for d in at.table if len(d.value.columns) == 2 and texts & set(d.value.iloc[:, 0]))
    assert table.iloc[0, 1]  # the first suggestion, the failed question, says why


def test_page_in_russian_after_training(offline_app, monkeypatch) -> None:
    from tests.test_i18n import language_share

    monkeypatch.setenv("MARGO_UI_LANG", "ru")
    at = offline_app("pages/recommend.py")
    assert any("Рекомендации" in x.value for x in at.title)
    log, items = _two_tastes()
    _upload(at, "rec_upload_log", "log.csv", log)
    _upload(at, "rec_upload_items", "items.csv", items)
    at.run()
    at.button(key="rec_train").click().run()
    assert not at.exception and not at.error
    reasons = list(at.dataframe[2].value.iloc[:, 1])
    assert all(any("а" <= ch <= "я" for ch in r.lower()) for r in reasons), reasons  # reasons in Russian too
    _, foreign, n = language_share(at, "ru", skip=("Space film", "Cooking show", "Galaxy voyage"))
    assert n >= 8 and not foreign, "\n".join(foreign)
