"""Reader: open a paper, read its summary, ask questions answered with page citations."""

from __future__ import annotations

import re

import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.i18n.reader_answers import page_marks
from core.reader import Reader
from core.reader.documents import list_documents
from core.reader.notes import notes_markdown
from core.reader.pdf import render_page_highlight
from core.reader.qa import NOT_IN_DOCUMENT
from core.recommend.next import reader_next
from core.text import detect_lang
from pages import _papers  # #12: arXiv search, OCR, several papers, routed chat
from pages._avatar import avatar_panel, speech_input
from pages._common import (
    embedder,
    heavy_run,
    lang_name,
    llm,
    page_header,
    rate_ok,
    remembered_tabs,
    show_error,
    user_settings,
    workspace,
)
from pages._talk import live_talk, margo_autoplay

ui = page_header("menu_book", "reader")

cfg = user_settings()  # #11: this user's workspace (papers and their indexes)
reader = Reader(settings=cfg, embedder=embedder()[0], llm=llm())
state = st.session_state
state.setdefault("reader_doc", None)
state.setdefault("reader_qa", [])
state.setdefault("reader_summary", None)


def _md(text: str) -> str:
    """A PDF sentence safe inside a Markdown bullet (a leading "1." or "-" stays literal)."""
    return re.sub(r"^(\d+)\.", r"\1\\.", text).replace("\n", " ").lstrip("-*+# ")


PARTS = ("problem", "method", "results")


def _open(data: bytes) -> None:
    with st.spinner(t("reader.reading", ui)):
        doc = heavy_run(reader.open, data, ocr_progress=_papers.ocr_progress(),  # #11h: bounded pool
                        light=reader.is_saved(data))
    _papers.remember_ocr(cfg, data, doc)
    if state.reader_doc is None or state.reader_doc.doc_id != doc.doc_id:
        state.reader_qa = []
        state.reader_summary = None
    state.reader_doc = doc


with st.container(border=True):
    upload = st.file_uploader(t("reader.upload.label", ui), type=["pdf", "png", "jpg", "jpeg"], key="reader_upload",
                              help=t("reader.upload.help", ui, mb=cfg.max_upload_mb, pages=cfg.max_pages))
    saved = list_documents(cfg.index_dir)
    if saved:
        labels = {d["doc_id"]: t("reader.saved.item", ui, title=d["title"][:80], n=d["n_pages"]) for d in saved}
        pick = st.selectbox(t("reader.saved.label", ui), options=[""] + list(labels), key="reader_saved",
                            format_func=lambda k: labels.get(k, "—"))
    else:
        pick = ""
    try:
        if upload is not None and (state.reader_doc is None or state.get("reader_upload_id") != upload.file_id):
            state.reader_upload_id = upload.file_id
            if rate_ok("import"):  # #11: per-user limit and storage quota
                workspace().check_quota(cfg, upload.size)
                _open(upload.getvalue())
        elif pick and (state.reader_doc is None or state.reader_doc.doc_id != pick):
            _open((cfg.index_dir / pick / "source.pdf").read_bytes())
    except MargoError as exc:
        show_error(exc)
    except OSError:
        st.error(t("reader.saved.unreadable", ui), icon=":material/error:")

_papers.search_panel(reader, cfg)
doc = state.reader_doc
if doc is None:
    st.info(t("reader.start", ui), icon=":material/upload_file:")
    st.stop()

st.subheader(doc.title)
st.caption(t("reader.doc.meta", ui, n=doc.n_pages, lang=lang_name(doc.lang, ui),
             how=t("reader.doc.reopened" if doc.loaded_from_disk else "reader.doc.indexed", ui)))

docs = _papers.open_papers(reader, cfg, doc)
_papers.ocr_notes(doc)

tab_summary, tab_ask = remembered_tabs("reader_tabs", {  # the open tab survives a switch of language
    "summary": f":material/summarize: {t('reader.tab.summary', ui)}",
    "ask": f":material/forum: {t('reader.tab.ask', ui)}"})

with tab_summary:
    c1, c2 = st.columns([3, 1])
    n = c1.slider(t("reader.summary.length", ui), 3, 15, cfg.summary_sentences, key="reader_summary_len")
    if reader.llm is not None:
        lang = c2.selectbox(t("reader.summary.lang", ui), ["ru", "en"], index=0 if doc.lang == "ru" else 1,
                            key="reader_summary_lang", format_func=lambda x: lang_name(x, ui).capitalize())
    else:  # no greyed-out box: say why the summary is in the paper's language
        lang = doc.lang
        c2.caption(t("reader.summary.offline_lang", ui, lang=lang_name(doc.lang, ui)))
    if st.button(t("reader.summary.button", ui), key="reader_summarise", type="primary"):
        with st.spinner(t("reader.summary.working", ui)):
            state.reader_summary = reader.summarize(doc, n, lang)
    elif state.reader_summary is None:  # shown on upload, with a visible progress indicator
        with st.status(t("reader.summary.auto", ui), expanded=False) as status:
            state.reader_summary = reader.summarize(doc, n, lang)
            status.update(label=t("reader.summary.done", ui), state="complete")
    summary = state.reader_summary
    if summary is not None:
        if summary.notice:
            st.warning(summary.notice, icon=":material/info:")
        if summary.mode == "llm":
            st.markdown(page_marks(summary.text, ui))
        else:
            for s in summary.sentences:
                st.markdown(f"- {_md(s.text)} *({t('reader.page_ref', ui, page=s.page)})*")
        if summary.key_parts:
            with st.expander(t("reader.summary.key_parts", ui)):
                for part, sentences in summary.key_parts.items():
                    st.markdown(f"**{t(f'reader.part.{part}', ui) if part in PARTS else part.capitalize()}**")
                    for s in sentences:
                        st.markdown(f"- {_md(s.text)} *({t('reader.page_ref', ui, page=s.page)})*")
        # AVATAR: speak the summary here
        spoken = summary.text if summary.mode == "llm" else " ".join(s.text for s in summary.sentences)
        avatar_panel(spoken, detect_lang(spoken), key="reader_avatar_summary")

with tab_ask:
    for i, (question, answer) in enumerate(state.reader_qa):
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant", avatar=":material/school:"):
            if answer.notice:
                st.caption(f":material/info: {answer.notice}")
            _papers.turn_extras(reader, cfg, answer, i, len(docs))
            if answer.abstained:
                st.markdown(f"**{answer.text}**")
                if answer.text in NOT_IN_DOCUMENT.values():  # U1: say why nothing is quoted, what to try
                    st.caption(f":material/info: {t('reader.abstain.hint', ui)}")
            else:
                st.markdown(_papers.answer_markdown(answer.text, ui))  # U1: "[с. N]" in Russian; "1." stays text
                for j, c in enumerate(answer.citations):
                    quote = f"{c.quote[:90]}…" if len(c.quote) > 90 else c.quote
                    with st.expander(f"{_papers.citation_prefix(c)}{t('reader.page_ref', ui, page=c.page)}: {quote}"):
                        if c.passage:  # #8: the quote inside the passage it was chosen from
                            st.caption(t("reader_answers.passage", ui))
                            st.markdown(c.passage.replace(c.quote, f"**{c.quote}**"))
                        if st.toggle(t("reader.show_page", ui), key=f"reader_show_{i}_{j}"):
                            png, found = render_page_highlight(_papers.citation_pdf(c, doc, docs), c.page, c.quote)
                            st.image(png, caption=t("reader.page_caption", ui, page=c.page)
                                     + ("" if found else t("reader.page_inexact", ui)))
                if getattr(answer, "support", None):  # #8: the best passages the answer does not quote
                    with st.expander(t("reader_answers.support", ui, n=len(answer.support))):
                        for c in answer.support:
                            st.caption(t("reader.page_ref", ui, page=c.page))
                            passage = _md(c.passage)
                            st.markdown(passage.replace(c.quote, f"**{c.quote}**") if c.quote else passage)
            # AVATAR: speak the answer here
            if i == len(state.reader_qa) - 1:
                avatar_panel(answer.text, detect_lang(answer.text), key=f"reader_avatar_answer_{i}",
                             expression="concerned" if answer.abstained else "neutral",
                             autoplay=margo_autoplay("reader_talk"))  # W: live talk answers aloud
            if i == len(state.reader_qa) - 1 and not answer.abstained:  # #13: what to read next, with reasons
                read_next = reader_next(question, doc, [c.quote for c in answer.citations],
                                        list_documents(cfg.index_dir), embedder()[0])
                if read_next:
                    with st.expander(f":material/recommend: {t('recommend.reader.title', ui)}"):
                        for sug, info in read_next:
                            where = (t("recommend.reader.passage", ui, page=info["page"]) if info["kind"] == "passage"
                                     else t("recommend.reader.paper", ui))
                            st.markdown(f"*{where}:* {_md(info.get('text') or info['title'])}")
                            st.caption(sug.reason(ui))
    # SPEECH-INPUT: a spoken question recorder goes here
    if state.reader_qa and st.button(t("reader.new_conversation", ui), key="reader_reset",
                                     icon=":material/add_comment:"):
        state.reader_qa = []  # a conversation is explicit: earlier questions no longer steer answers
        st.rerun()
    spoken_question = speech_input("reader_voice", lang_hint=doc.lang)
    live_question = live_talk("reader_talk", lang_hint=doc.lang)  # W: live conversation (WebRTC, VAD, offline STT)
    question = (st.chat_input(t("reader.ask.placeholder", ui), key="reader_question") or spoken_question
                or live_question)
    if question and question.strip() and rate_ok("question"):
        history = [(q, a.text) for q, a in state.reader_qa if not a.abstained]
        with st.spinner(t("reader.ask.working", ui)):
            state.reader_qa.append((question.strip(), _papers.chat_answer(reader, cfg, docs, question.strip(), history)))
        st.rerun()

st.download_button(
    f":material/download: {t('reader.notes', ui)}",
    data=notes_markdown(doc.title, state.reader_summary, state.reader_qa, lang=ui),  # U1: in the interface language
    file_name="margo-notes.md",
    mime="text/markdown",
    key="reader_notes",
)
