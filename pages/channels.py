"""Channel search: import Telegram channel exports, ask them questions, get cited answers."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.channels import Turn, answer_question, log_answer, record_vote, stats
from core.channels.highlight import highlight
from core.channels.published import (
    catalog_for,
    publish_channel,
    published_library,
    unpublish_channel,
)
from core.channels.uploads import import_uploads
from core.errors import MargoError
from core.i18n import catalogue, t
from core.recommend.next import channel_liked_suggestions
from core.safe_md import md_link, md_text, safe_url
from pages._avatar import avatar_panel, speech_input
from pages._common import (
    embedder,
    error_text,
    heavy_run,
    identity,
    llm,
    page_header,
    rate_ok,
    settings,
    show_error,
    user_settings,
)

lang = page_header("forum", "channels")

cfg = user_settings()  # #11: this user's workspace (channels, posts, votes)
state = st.session_state
state.setdefault("channels_turns", [])  # list[Turn]
state.setdefault("channels_last", None)  # (answer, hits, query id)
state.setdefault("channels_votes", {})  # query id -> True/False

try:
    library = catalog_for(settings(), cfg, embedder()[0])  # #11: own channels + those an admin published
except MargoError as exc:
    show_error(exc)
    st.stop()

# ------------------------------------------------------------------- import
with st.expander(f":material/upload_file: {t('channels.import.head', lang)}", expanded=not library.channels()):
    st.caption(t("channels.import.how", lang))
    uploads = st.file_uploader(t("channels.import.files", lang), type=["json", "html", "csv"],
                               accept_multiple_files=True, key="channels_upload")
    c1, c2 = st.columns(2)
    name = c1.text_input(t("channels.import.name", lang), key="channels_name",
                         help=t("channels.import.name_help", lang))
    username = c2.text_input(t("channels.import.username", lang), key="channels_username", placeholder="ai_newz",
                             help=t("channels.import.username_help", lang))
    if (st.button(t("channels.import.button", lang), key="channels_import", type="primary", disabled=not uploads)
            and rate_ok("import")):  # #11: per-user limit
        total_mb = sum(u.size for u in uploads) / 1e6
        if total_mb > cfg.max_upload_mb:
            st.error(t("channels.import.too_big", lang, mb=f"{total_mb:.0f}", limit=cfg.max_upload_mb))
        else:
            bar = st.progress(0.0, text=t("channels.import.embedding", lang))
            results = heavy_run(  # #11h: long work through the bounded pool
                import_uploads,
                library, [(u.name, u.getvalue()) for u in uploads], name=name or None, username=username or None,
                progress=lambda label, done, total: bar.progress(
                    done / max(total, 1), text=t("channels.import.progress", lang, file=label, done=done, total=total)))
            bar.empty()
            for res in results:  # one visible line per export: nothing is dropped silently
                rep = res.report
                if rep is None:
                    reason = (res.exc.localized(lang) if res.exc is not None else
                              t(f"channels.error.{res.kind}", lang) if f"channels.error.{res.kind}" in catalogue()
                              and lang == "ru" else res.error)
                    st.error(t("channels.import.failed", lang, file=res.label, error=reason), icon=":material/error:")
                elif rep.added or rep.edited:
                    st.success(t("channels.import.done", lang, file=res.label, channel=rep.channel, added=rep.added,
                                 edited=rep.edited, unchanged=rep.unchanged, skipped=rep.skipped,
                                 total=rep.total_posts), icon=":material/check_circle:")
                else:
                    st.info(t("channels.import.nothing_new", lang, file=res.label, channel=rep.channel,
                              unchanged=rep.unchanged), icon=":material/check:")

# #15: a public channel by its @username (t.me/s web preview), same import path as an export
with st.expander(f":material/alternate_email: {t('channels_web.head', lang)}", expanded=not library.channels()):
    st.caption(t("channels_web.how", lang))
    w1, w2 = st.columns([3, 1])
    web_name = w1.text_input(t("channels_web.username", lang), key="channels_web_username", placeholder="@ai_newz")
    web_pages = w2.number_input(t("channels_web.pages", lang), 1, 200, 10, key="channels_web_pages")
    if (st.button(t("channels_web.button", lang), key="channels_web_add", disabled=not web_name.strip())
            and rate_ok("import")):
        from core.channels.web import import_public_channel

        bar = st.progress(0.0, text=t("channels_web.fetching", lang, done=0, total=web_pages))

        def web_progress(stage: str, done: int, total: int) -> None:
            key = "channels_web.fetching" if stage == "fetch" else "channels_web.embedding"
            bar.progress(min(done / max(total, 1), 1.0), text=t(key, lang, done=done, total=total))

        try:
            rep, fetched = heavy_run(import_public_channel, library.own, web_name, max_pages=int(web_pages),
                                     progress=web_progress)  # #11h: bounded pool
            st.success(t("channels_web.done", lang, channel=rep.channel, added=rep.added, edited=rep.edited,
                         unchanged=rep.unchanged, total=rep.total_posts, pages=fetched.pages),
                       icon=":material/check_circle:")
        except MargoError as exc:
            st.error(t("channels_web.failed", lang, error=error_text(exc, lang)), icon=":material/error:")
        bar.empty()

channels = library.channels()
if not channels:
    st.info(t("channels.start", lang), icon=":material/upload_file:")
    st.stop()

with st.expander(f":material/list: {t('channels.list.head', lang, n=len(channels))}"):
    st.dataframe(
        [{t("channels.list.channel", lang): c.name, t("channels.list.posts", lang): c.n_posts,
          t("channels.list.from", lang): c.first_date[:10], t("channels.list.to", lang): c.last_date[:10],
          t("channels.list.username", lang): c.username or "—",
          t("channels.list.format", lang): c.source.split(":")[0]} for c in channels],
        hide_index=True, width="stretch", key="channels_table",
    )
    d1, d2 = st.columns([3, 1])
    doomed = d1.selectbox(t("channels.remove.pick", lang), [""] + [c.name for c in channels if not c.published],
                          key="channels_delete_pick",
                          format_func=lambda n: n or "—")
    if d2.button(t("channels.remove.button", lang), key="channels_delete", disabled=not doomed):
        try:
            library.delete_channel(doomed)
            state.channels_last = None
            state.channels_turns = []
            st.rerun()
        except MargoError as exc:
            show_error(exc)
    if library.published_names():
        st.caption(t("hosting.publish.shared_list", lang, names=", ".join(library.published_names())))
    if identity().is_admin and settings().multi_user:  # #11: an admin publishes a channel to all users
        p1, p2, p3 = st.columns([3, 1, 1])
        # own channels to publish; every published one (also those the admin's own copy hides) to withdraw
        everyone = [c.name for c in library.shared.channels()] if library.shared else []
        options = [""] + [f"own:{c.name}" for c in channels if not c.published] + [f"pub:{n}" for n in everyone]
        to_publish = p1.selectbox(
            t("hosting.publish.pick", lang), options, key="channels_publish_pick",
            format_func=lambda v: "—" if not v else v[4:] if v.startswith("own:")
            else t("hosting.publish.published_item", lang, name=v[4:]))
        withdraw = to_publish.startswith("pub:")
        if p2.button(t("hosting.publish.withdraw" if withdraw else "hosting.publish.button", lang),
                     key="channels_publish", disabled=not to_publish):
            try:
                shared = library.shared or published_library(settings(), library.embedder)
                if withdraw:
                    unpublish_channel(identity(), shared, to_publish[4:])
                    st.success(t("hosting.publish.withdrawn", lang, name=to_publish[4:]), icon=":material/check:")
                else:
                    info = publish_channel(identity(), library.own, shared, to_publish[4:])
                    st.success(t("hosting.publish.done", lang, name=info.name, n=info.n_posts),
                               icon=":material/campaign:")
            except MargoError as exc:
                show_error(exc)
        p3.caption(t("hosting.publish.help", lang))

# ------------------------------------------------------------------- search
with st.container(border=True):
    # SPEECH-INPUT: a spoken-question recorder goes here; put its transcript into state["channels_query"].
    spoken_query = speech_input("channels_voice", lang_hint=lang)
    if spoken_query:
        state["channels_query"] = spoken_query
    query = st.text_input(t("channels.query.label", lang), key="channels_query",
                          placeholder=t("channels.query.placeholder", lang))
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    names = [c.name for c in channels]
    chosen = c1.multiselect(t("channels.filter.channels", lang), names, key="channels_pick",
                            placeholder=t("channels.filter.all", lang))
    dates = c2.date_input(t("channels.filter.dates", lang), value=(), key="channels_dates",
                          min_value=date(2013, 1, 1), help=t("channels.filter.dates_help", lang),
                          format="DD.MM.YYYY" if lang == "ru" else "YYYY/MM/DD")
    sort = c3.radio(t("channels.sort.label", lang), ["relevance", "date"], key="channels_sort",
                    format_func=lambda v: t(f"channels.sort.{v}", lang))
    k = c4.number_input(t("channels.k.label", lang), 1, 30, 8, key="channels_k")
    b1, b2 = st.columns([1, 3])
    ask = b1.button(t("channels.ask", lang), key="channels_ask", type="primary", use_container_width=True)
    if b2.button(t("channels.new_conversation", lang), key="channels_reset", icon=":material/add_comment:"):
        state.channels_turns = []  # always possible: a conversation is explicit
        state.channels_last = None

if ask and rate_ok("question"):  # #11: per-user limit
    if not query.strip():
        st.warning(t("channels.type_first", lang), icon=":material/edit:")
    else:
        date_from = dates[0] if len(dates) >= 1 else None
        date_to = dates[1] if len(dates) == 2 else None
        try:
            with st.spinner(t("channels.searching", lang)):
                ans, hits = answer_question(library, query, channels=chosen or None, k=int(k),
                                            history=state.channels_turns, llm=llm(),
                                            date_from=date_from, date_to=date_to, sort=sort)
            qid = log_answer(library.store, query, chosen or names, ans)
            state.channels_last = (ans, hits, qid)
            state.channels_turns = [*state.channels_turns, Turn(query, ans.text, ans.query)][-6:]
        except MargoError as exc:
            show_error(exc)

if state.channels_last is not None:
    ans, hits, qid = state.channels_last
    with st.container(border=True):
        if state.channels_turns:  # drawn after this run's question joined the conversation
            st.caption(t("channels.conversation", lang,
                         chain=" → ".join(f"“{turn.question[:40]}”" for turn in state.channels_turns[-3:])))
        if ans.notice:
            st.warning(ans.notice, icon=":material/info:")
        if ans.abstained:
            st.info(ans.text, icon=":material/search_off:")
        else:
            st.markdown(md_text(ans.text))  # #11: post/model text as text (no live links, images, HTML)
            # AVATAR: the answer text (ans.text, language ans.lang) could be spoken here.
            avatar_panel(ans.text, ans.lang, key="channels_avatar")
            refs = []
            for i in ans.cited:
                h = ans.citations[i - 1]
                label = t("channels.post_ref", lang, channel=h.channel, date=h.date[:10], post=h.post_id)
                refs.append(f"\\[{i}\\] " + md_link(label, h.url))  # #11: only a plain http(s) URL is linked
            st.caption("  \n".join(refs))
        mode = t("channels.mode.llm" if ans.mode == "llm" else "channels.mode.extractive", lang)
        st.caption(t("channels.answer.meta", lang, mode=mode, evidence=f"{ans.evidence:.2f}")
                   + (t("channels.answer.followup", lang, query=ans.query) if ans.query.strip() != query.strip() else ""))
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
            v3.caption(t("channels.vote.thanks", lang))

    shown = [] if ans.abstained else hits  # an abstention lists no posts: none is close enough
    if shown:
        st.subheader(t("channels.posts.head", lang, n=len(shown)))
    elif not ans.abstained:
        st.caption(t("channels.posts.none", lang))
    for i, h in enumerate(shown):
        with st.container(border=True, key=f"channels_card_{i}"):
            head = (f"**\\[{i + 1}\\]** **{md_text(h.channel)}** · {h.date[:16].replace('T', ' ')} · "
                    + t("channels.posts.score", lang, score=f"{h.score:.3f}"))
            if safe_url(h.url):  # #11
                head += f" · [{t('channels.posts.open', lang)}]({h.url})"
            st.markdown(head)
            st.markdown(highlight(h.chunk, ans.query or query))

# ------------------------------------------------------------------ statistics
with st.expander(f":material/bar_chart: {t('channels.stats.head', lang)}"):
    s = stats(library.store)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("channels.stats.asked", lang), s.queries)
    m2.metric(t("channels.stats.liked", lang), f"{s.liked_share:.0%}" if s.voted else "—",
              help=t("channels.stats.liked_help", lang, liked=s.liked, voted=s.voted))
    m3.metric(t("channels.stats.no_answer", lang), s.no_answer)
    if s.recent_disliked:
        st.caption(t("channels.stats.disliked", lang, items="; ".join(f"“{q[:60]}”" for q in s.recent_disliked)))

# ------------------------------------------------------------------ what next (#13)
try:
    liked_next = channel_liked_suggestions(library, k=5)
except MargoError:
    liked_next = []
if liked_next:
    with st.expander(f":material/recommend: {t('recommend.liked.title', lang)}"):
        for sug, hit in liked_next:
            link = f" · [{t('channels.posts.open', lang)}]({hit.url})" if safe_url(hit.url) else ""  # #11
            st.markdown(f"**{md_text(hit.channel)}** · {hit.date[:10]}{link}  \n{md_text(hit.chunk)}")
            st.caption(sug.reason(lang))
