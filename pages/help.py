"""Help: how Margo works offline, how to connect a language model, voice, language, data."""

from __future__ import annotations

import streamlit as st

from core.i18n import t
from pages._common import sidebar_status, ui_lang

lang = ui_lang()
st.title(f":material/help: {t('help.title', lang)}")
sidebar_status()
st.markdown(t("help.intro", lang))
st.subheader(t("help.pages.head", lang))
st.markdown(t("help.pages.body", lang, reader=t("app.nav.reader", lang), channels=t("app.nav.channels", lang),
              interview=t("app.nav.interview", lang), lectures=t("lectures.nav.title", lang),
              recommend=t("recommend.page.title", lang)))
for part in ("llm", "voice", "lang", "data"):
    st.subheader(t(f"help.{part}.head", lang))
    if part == "llm":
        for key in ("help.llm.local", "help.llm.remote", "help.llm.offline"):
            st.markdown(t(key, lang))
    else:  # the voice part names the buttons as the avatar panel shows them
        st.markdown(t(f"help.{part}.body", lang, play=t("avatar.play", lang).lstrip("▶ "),
                      talk=t("talk.toggle", lang)))
