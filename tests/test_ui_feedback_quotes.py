"""U1: the Interview coach's "what was right" quotes the answer in the feedback language's
quotation marks (Russian «…», English “…”), as the "what was wrong" items already do."""

from __future__ import annotations

import pytest

from core.interview.bank import default_bank


@pytest.mark.parametrize(("lang", "open_q", "close_q", "other"), [("ru", "«", "»", "“"), ("en", "“", "”", "«")])
def test_right_items_use_the_languages_quotes(offline_app, monkeypatch, lang, open_q, close_q, other):
    monkeypatch.setenv("MARGO_UI_LANG", lang)
    at = offline_app("pages/interview.py")
    at.radio(key="iv_lang_in").set_value(lang)
    at.slider(key="iv_n_in").set_value(1)
    at.button(key="iv_start").click().run()
    assert not at.exception, at.exception
    q = default_bank().get(at.session_state["iv_session"]["asked"][-1])
    at.text_area(key=f"iv_answer_{q.id}").set_value(q.ref(lang)).run()  # the reference covers its key points
    at.button(key="iv_submit").click().run()
    assert not at.exception, at.exception
    right = [m.value for m in at.markdown if m.value.startswith("- :green[✓]")]
    assert right, [m.value for m in at.markdown]
    assert all(f"_{open_q}" in r and f"{close_q}_" in r and other not in r for r in right), right
