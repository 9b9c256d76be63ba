"""Margo's router: page config once, then navigation over the pages in ``pages/``."""

import streamlit as st

st.set_page_config(page_title="Margo", page_icon=":material/school:", layout="wide")

PAGES = [
    st.Page("pages/reader.py", title="Reader", icon=":material/menu_book:", default=True),
    st.Page("pages/channels.py", title="Channel search", icon=":material/forum:"),
    st.Page("pages/interview.py", title="Interview coach", icon=":material/record_voice_over:"),
]

st.session_state["_margo_router_ran"] = True  # see pages/_common.py: leave_legacy_pages_mode
st.navigation(PAGES).run()
