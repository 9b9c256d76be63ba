"""Channel search: import Telegram channel exports, ask them questions, get cited answers."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from core.channels import ChannelLibrary, Turn, answer_question, log_answer, record_vote, stats
from core.channels.search import highlight
from core.errors import MargoError
from pages._avatar import avatar_panel, speech_input
from pages._common import embedder, llm, settings, sidebar_status

st.title(":material/forum: Channel search")
st.caption("Import a Telegram channel's export and ask it questions in Russian or English. Margo finds posts "
           "by meaning, not only by words, answers from them and links every claim to its post.")
sidebar_status()

cfg = settings()
state = st.session_state
state.setdefault("channels_turns", [])  # list[Turn]
state.setdefault("channels_last", None)  # (answer, hits, query id)
state.setdefault("channels_votes", {})  # query id -> True/False

try:
    library = ChannelLibrary(cfg, embedder()[0])
except MargoError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

# ------------------------------------------------------------------- import
with st.expander(":material/upload_file: Import a channel", expanded=not library.channels()):
    st.caption("Telegram Desktop → channel → ⋮ → Export chat history, as JSON (`result.json`) or HTML "
               "(upload every `messages*.html`), or a JSON/CSV dump from a Telethon script. "
               "Importing a newer export of the same channel adds only new and edited posts.")
    uploads = st.file_uploader("Export files", type=["json", "html", "csv"], accept_multiple_files=True,
                               key="channels_upload")
    c1, c2 = st.columns(2)
    name = c1.text_input("Channel name (optional)", key="channels_name",
                         help="Default: the name in the export. Use the same name to update a channel.")
    username = c2.text_input("Public username (optional)", key="channels_username", placeholder="ai_newz",
                             help="Used for post links https://t.me/<username>/<id>.")
    if st.button("Import", key="channels_import", type="primary", disabled=not uploads):
        total_mb = sum(u.size for u in uploads) / 1e6
        if total_mb > cfg.max_upload_mb:
            st.error(f"The files are {total_mb:.0f} MB; the limit is {cfg.max_upload_mb} MB "
                     "(MARGO_MAX_UPLOAD_MB). For larger exports use `python -m core.channels import PATH`.")
        else:
            try:
                with tempfile.TemporaryDirectory(prefix="margo-upload-") as tmp:
                    for u in uploads:
                        (Path(tmp) / Path(u.name).name).write_bytes(u.getvalue())
                    target = Path(tmp) if len(uploads) > 1 else Path(tmp) / Path(uploads[0].name).name
                    bar = st.progress(0.0, text="Embedding posts…")
                    report = library.import_export(
                        target, name=name or None, username=username or None,
                        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done}/{total}…"))
                    bar.empty()
                st.success(f"**{report.channel}**: {report.added} new, {report.edited} edited, "
                           f"{report.unchanged} unchanged posts ({report.skipped} messages without text skipped); "
                           f"{report.total_posts} posts in total.", icon=":material/check_circle:")
            except MargoError as exc:
                st.error(str(exc), icon=":material/error:")

channels = library.channels()
if not channels:
    st.info("Import a channel export to begin.", icon=":material/upload_file:")
    st.stop()

with st.expander(f":material/list: Channels ({len(channels)})"):
    st.dataframe(
        [{"channel": c.name, "posts": c.n_posts, "from": c.first_date[:10], "to": c.last_date[:10],
          "username": c.username or "—", "source": c.source} for c in channels],
        hide_index=True, width="stretch", key="channels_table",
    )
    d1, d2 = st.columns([3, 1])
    doomed = d1.selectbox("Remove a channel", [""] + [c.name for c in channels], key="channels_delete_pick",
                          format_func=lambda n: n or "—")
    if d2.button("Remove", key="channels_delete", disabled=not doomed):
        try:
            library.delete_channel(doomed)
            state.channels_last = None
            state.channels_turns = []
            st.rerun()
        except MargoError as exc:
            st.error(str(exc), icon=":material/error:")

# ------------------------------------------------------------------- search
with st.container(border=True):
    # SPEECH-INPUT: a spoken-question recorder goes here; put its transcript into state["channels_query"].
    spoken_query = speech_input("channels_voice")
    if spoken_query:
        state["channels_query"] = spoken_query
    query = st.text_input("Your question", key="channels_query",
                          placeholder="Что писали про генерацию видео? / What was said about data breaches?")
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    names = [c.name for c in channels]
    chosen = c1.multiselect("Channels", names, key="channels_pick", placeholder="All channels")
    dates = c2.date_input("Date range", value=(), key="channels_dates", min_value=date(2013, 1, 1),
                          help="Leave empty for all dates.")
    sort = c3.radio("Sort", ["relevance", "date"], key="channels_sort")
    k = c4.number_input("Posts", 1, 30, 8, key="channels_k")
    b1, b2 = st.columns([1, 5])
    ask = b1.button("Ask", key="channels_ask", type="primary")
    if b2.button("New conversation", key="channels_reset", disabled=not state.channels_turns):
        state.channels_turns = []
        state.channels_last = None
    if state.channels_turns:
        st.caption("Follow-up questions use this conversation: "
                   + " → ".join(f"“{t.question[:40]}”" for t in state.channels_turns[-3:]))

if ask:
    if not query.strip():
        st.warning("Type a question first.", icon=":material/edit:")
    else:
        date_from = dates[0] if len(dates) >= 1 else None
        date_to = dates[1] if len(dates) == 2 else None
        try:
            with st.spinner("Searching…"):
                ans, hits = answer_question(library, query, channels=chosen or None, k=int(k),
                                            history=state.channels_turns, llm=llm(),
                                            date_from=date_from, date_to=date_to, sort=sort)
            qid = log_answer(library.store, query, chosen or names, ans)
            state.channels_last = (ans, hits, qid)
            state.channels_turns = [*state.channels_turns, Turn(query, ans.text)][-6:]
        except MargoError as exc:
            st.error(str(exc), icon=":material/error:")

if state.channels_last is not None:
    ans, hits, qid = state.channels_last
    with st.container(border=True):
        if ans.notice:
            st.warning(ans.notice, icon=":material/info:")
        if ans.abstained:
            st.info(ans.text, icon=":material/search_off:")
        else:
            st.markdown(ans.text)
            # AVATAR: the answer text (ans.text, language ans.lang) could be spoken here.
            avatar_panel(ans.text, ans.lang, key="channels_avatar")
            refs = []
            for i in ans.cited:
                h = ans.citations[i - 1]
                label = f"{h.channel} · {h.date[:10]} · post {h.post_id}"
                refs.append(f"[{i}] [{label}]({h.url})" if h.url else f"[{i}] {label}")
            st.caption("  \n".join(refs))
        mode = "LLM" if ans.mode == "llm" else "offline extractive"
        st.caption(f"Answer: {mode} · best match {ans.evidence:.2f}"
                   + (f" · searched: “{ans.query}”" if ans.query != query else ""))
        vote = state.channels_votes.get(qid)
        v1, v2, v3 = st.columns([1, 1, 8])
        if v1.button(":material/thumb_up:", key=f"channels_up_{qid}", type="primary" if vote is True else "secondary"):
            record_vote(library.store, qid, True)
            state.channels_votes[qid] = True
            st.rerun()
        if v2.button(":material/thumb_down:", key=f"channels_down_{qid}",
                     type="primary" if vote is False else "secondary"):
            record_vote(library.store, qid, False)
            state.channels_votes[qid] = False
            st.rerun()
        if vote is not None:
            v3.caption("Thanks, noted.")

    st.subheader(f"Posts ({len(hits)})")
    if not hits:
        st.caption("No posts matched.")
    for i, h in enumerate(hits):
        with st.container(border=True, key=f"channels_card_{i}"):
            head = f"**[{i + 1}]** **{h.channel}** · {h.date[:16].replace('T', ' ')} · score {h.score:.3f}"
            if h.url:
                head += f" · [open post]({h.url})"
            st.markdown(head)
            st.markdown(highlight(h.chunk, query or ans.query))

# ------------------------------------------------------------------ statistics
with st.expander(":material/bar_chart: Statistics"):
    s = stats(library.store)
    m1, m2, m3 = st.columns(3)
    m1.metric("Questions asked", s.queries)
    m2.metric("Liked answers", f"{s.liked_share:.0%}" if s.voted else "—", help=f"{s.liked} of {s.voted} votes")
    m3.metric("No answer found", s.no_answer)
    if s.recent_disliked:
        st.caption("Recent answers voted down: " + "; ".join(f"“{q[:60]}”" for q in s.recent_disliked))
