"""Reader: open a paper, read its summary, ask questions answered with page citations."""

from __future__ import annotations

import re

import streamlit as st

from core.errors import MargoError
from core.reader import Reader
from core.reader.documents import list_documents
from core.reader.notes import notes_markdown
from core.reader.pdf import render_page_highlight
from core.text import detect_lang
from pages._avatar import avatar_panel, speech_input
from pages._common import embedder, llm, rate_ok, sidebar_status, user_settings, workspace

st.title(":material/menu_book: Reader")
st.caption("Open a paper, get a summary, ask in Russian or English. Every answer cites its pages; "
           "what the paper does not say, Margo does not answer.")
sidebar_status()

cfg = user_settings()  # #11: this user's workspace (papers and their indexes)
reader = Reader(settings=cfg, embedder=embedder()[0], llm=llm())
state = st.session_state
state.setdefault("reader_doc", None)
state.setdefault("reader_qa", [])
state.setdefault("reader_summary", None)


def _md(text: str) -> str:
    """A PDF sentence safe inside a Markdown bullet (a leading "1." or "-" stays literal)."""
    return re.sub(r"^(\d+)\.", r"\1\\.", text).replace("\n", " ").lstrip("-*+# ")


def _open(data: bytes) -> None:
    with st.spinner("Reading the paper (first time: about 5 s)…"):
        doc = reader.open(data)
    if state.reader_doc is None or state.reader_doc.doc_id != doc.doc_id:
        state.reader_qa = []
        state.reader_summary = None
    state.reader_doc = doc


with st.container(border=True):
    upload = st.file_uploader("Upload a PDF", type=["pdf"], key="reader_upload",
                              help=f"Up to {cfg.max_upload_mb} MB and {cfg.max_pages} pages.")
    saved = list_documents(cfg.index_dir)
    if saved:
        labels = {d["doc_id"]: f"{d['title'][:80]} ({d['n_pages']} p.)" for d in saved}
        pick = st.selectbox("…or reopen a saved paper", options=[""] + list(labels), key="reader_saved",
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
        st.error(str(exc), icon=":material/error:")
    except OSError as exc:
        st.error(f"Could not read the saved paper: {exc.strerror or exc}", icon=":material/error:")

doc = state.reader_doc
if doc is None:
    st.info("Upload a PDF with a text layer (a paper, lecture notes) to begin.", icon=":material/upload_file:")
    st.stop()

st.subheader(doc.title)
st.caption(f"{doc.n_pages} pages · language: {doc.lang.upper()} · "
           + ("reopened from the saved index" if doc.loaded_from_disk else "indexed now and saved"))

tab_summary, tab_ask = st.tabs([":material/summarize: Summary", ":material/forum: Ask"])

with tab_summary:
    c1, c2 = st.columns([3, 1])
    n = c1.slider("Length (sentences)", 3, 15, cfg.summary_sentences, key="reader_summary_len")
    lang = c2.selectbox("Language", ["ru", "en"], index=0 if doc.lang == "ru" else 1, key="reader_summary_lang",
                        disabled=reader.llm is None, help="The offline summary quotes the paper in its own language.")
    if st.button("Summarise", key="reader_summarise", type="primary"):
        with st.spinner("Summarising…"):
            state.reader_summary = reader.summarize(doc, n, lang)
    summary = state.reader_summary
    if summary is not None:
        if summary.notice:
            st.warning(summary.notice, icon=":material/info:")
        if summary.mode == "llm":
            st.markdown(summary.text)
        else:
            for s in summary.sentences:
                st.markdown(f"- {_md(s.text)} *(p. {s.page})*")
        if summary.key_parts:
            with st.expander("Key parts: problem, method, results"):
                for part, sentences in summary.key_parts.items():
                    st.markdown(f"**{part.capitalize()}**")
                    for s in sentences:
                        st.markdown(f"- {_md(s.text)} *(p. {s.page})*")
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
            if answer.abstained:
                st.markdown(f"**{answer.text}**")
            else:
                st.markdown(answer.text)
                for j, c in enumerate(answer.citations):
                    with st.expander(f"p. {c.page}: {c.quote[:90]}…" if len(c.quote) > 90 else f"p. {c.page}: {c.quote}"):
                        if st.toggle("Show the page", key=f"reader_show_{i}_{j}"):
                            png, found = render_page_highlight(doc.pdf_bytes, c.page, c.quote)
                            st.image(png, caption=f"Page {c.page}" + ("" if found else " (passage not located exactly)"))
            # AVATAR: speak the answer here
            if i == len(state.reader_qa) - 1:
                avatar_panel(answer.text, detect_lang(answer.text), key=f"reader_avatar_answer_{i}",
                             expression="concerned" if answer.abstained else "neutral")
    # SPEECH-INPUT: a spoken question recorder goes here
    spoken_question = speech_input("reader_voice", lang_hint=doc.lang)
    question = st.chat_input("Ask about this paper, in Russian or English", key="reader_question") or spoken_question
    if question and question.strip() and rate_ok("question"):
        history = [(q, a.text) for q, a in state.reader_qa if not a.abstained]
        with st.spinner("Looking for the answer in the paper…"):
            state.reader_qa.append((question.strip(), reader.ask(doc, question.strip(), history)))
        st.rerun()

st.download_button(
    ":material/download: Notes (Markdown)",
    data=notes_markdown(doc.title, state.reader_summary, state.reader_qa),
    file_name="margo-notes.md",
    mime="text/markdown",
    key="reader_notes",
)
