"""AppTest of the Interview page: a short session end to end, feedback, resubmit, summary, dashboard."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.interview.bank import default_bank
from core.settings import PROJECT_ROOT


@pytest.fixture()
def app(offline_app):
    return offline_app("pages/interview.py")


def _current_question(at):
    qid = next(k for k in at.session_state["iv_session"]["asked"][-1:])
    return default_bank().get(qid)


def test_short_session_end_to_end(app):
    at = app
    assert not at.exception, at.exception
    at.radio(key="iv_lang_in").set_value("en")
    at.slider(key="iv_n_in").set_value(2)
    at.button(key="iv_start").click().run()
    assert not at.exception, at.exception

    q = _current_question(at)
    assert any(q.text("en") == h.value for h in at.subheader)
    answer = at.text_area(key=f"iv_answer_{q.id}")
    answer.set_value("It is something about models, I think it helps.").run()
    at.button(key="iv_submit").click().run()
    assert not at.exception, at.exception
    first = at.session_state["iv_session"]["results"][q.id][-1]["result"].score
    assert any(m.label == "Score" for m in at.metric)
    texts = " ".join(m.value for m in at.markdown)
    assert "What was missing or wrong" in texts and "Follow-up question" in texts

    # Revise and resubmit with the reference: the score goes up and the delta is shown.
    at.text_area(key=f"iv_answer_{q.id}").set_value(q.ref("en")).run()
    at.button(key="iv_submit").click().run()
    assert not at.exception, at.exception
    results = at.session_state["iv_session"]["results"][q.id]
    assert len(results) == 2 and results[-1]["result"].score > first
    assert "What was right" in " ".join(m.value for m in at.markdown)

    at.button(key="iv_next").click().run()
    q2 = _current_question(at)
    assert q2.id != q.id
    at.text_area(key=f"iv_answer_{q2.id}").set_value("не знаю").run()
    at.button(key="iv_submit").click().run()
    assert not at.exception
    assert at.session_state["iv_session"]["results"][q2.id][-1]["result"].flag == "idk"
    assert any("don't know" in w.value for w in at.warning)
    at.button(key="iv_finish").click().run()
    assert not at.exception, at.exception
    assert any(h.value == "Interview summary" for h in at.subheader)
    assert any(m.label == "Mean best score" for m in at.metric)

    # Progress dashboard: chart, weakest key points, CSV export.
    assert at.get("vega_lite_chart"), "the progress chart is rendered"
    assert any("Weakest key points" in m.value for m in at.markdown)
    assert at.get("download_button")


def test_page_survives_a_restart_with_progress(app, tmp_path):
    at = app
    at.radio(key="iv_lang_in").set_value("ru")
    at.slider(key="iv_n_in").set_value(1)
    at.button(key="iv_start").click().run()
    q = _current_question(at)
    at.text_area(key=f"iv_answer_{q.id}").set_value(q.ref("ru")).run()
    at.button(key="iv_submit").click().run()
    assert not at.exception
    # A fresh app (new session, same data folder) shows the saved attempt on the dashboard.
    st.cache_resource.clear()
    at2 = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at2.run()
    at2.switch_page("pages/interview.py").run()
    assert not at2.exception
    assert at2.get("vega_lite_chart")
    assert not any("No attempts yet" in i.value for i in at2.info)
