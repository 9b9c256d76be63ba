"""Margo's router: page config once, the language switch, then navigation over ``pages/``."""

import streamlit as st

from core.i18n import t
from pages._avatar import warm_speech
from pages._common import language_switch

st.set_page_config(page_title="Margo", page_icon="assets/favicon.png", layout="wide")
lang = language_switch()  # here, in the entry script, so the choice persists across pages
warm_speech()  # #10v: offline voices load in the background at start, not on the first sentence

PAGES = [
    st.Page("pages/reader.py", title=t("app.nav.reader", lang), icon=":material/menu_book:", default=True),
    st.Page("pages/channels.py", title=t("app.nav.channels", lang), icon=":material/forum:"),
    st.Page("pages/interview.py", title=t("app.nav.interview", lang), icon=":material/record_voice_over:"),
    st.Page("pages/lectures.py", title=t("lectures.nav.title", lang), icon=":material/smart_display:"),
    st.Page("pages/recommend.py", title=t("recommend.page.title", lang), icon=":material/recommend:"),  # #13
    st.Page("pages/help.py", title=t("app.nav.help", lang), icon=":material/help:"),
]

st.session_state["_margo_router_ran"] = True  # see pages/_common.py: leave_legacy_pages_mode
st.navigation(PAGES).run()
