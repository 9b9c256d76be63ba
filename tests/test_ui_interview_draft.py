"""U1: an interview answer typed but not yet submitted survives a visit to another page (in a real
browser the box came back empty after Reader → Interview: Streamlit drops the state of a widget that
a run does not draw)."""

from __future__ import annotations

DRAFT = "Черновик: порог выбирают по валидации под нужную точность или полноту"


def test_typed_answer_survives_a_page_switch(offline_app):
    at = offline_app("pages/interview.py")
    at.radio(key="iv_lang_in").set_value("ru")
    at.slider(key="iv_n_in").set_value(2)
    at.button(key="iv_start").click().run()
    assert not at.exception, at.exception
    qid = at.session_state["iv_session"]["asked"][-1]
    at.text_area(key=f"iv_answer_{qid}").set_value(DRAFT).run()
    at.switch_page("pages/reader.py").run()
    assert not at.exception, at.exception
    at.switch_page("pages/interview.py").run()
    assert not at.exception, at.exception
    assert at.session_state["iv_session"]["asked"][-1] == qid  # the same question is still open
    assert at.text_area(key=f"iv_answer_{qid}").value == DRAFT
    # submitting it scores that text, and the next question starts with an empty box
    at.button(key="iv_submit").click().run()
    assert at.session_state["iv_session"]["results"][qid][-1]["answer"] == DRAFT
    at.button(key="iv_next").click().run()
    nxt = at.session_state["iv_session"]["asked"][-1]
    assert nxt != qid and not at.text_area(key=f"iv_answer_{nxt}").value
