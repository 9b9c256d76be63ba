"""Interview coach: a mock ML interview scored offline against reference answers."""

from __future__ import annotations

import time
import uuid

import altair as alt
import pandas as pd
import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.interview import (
    LEVELS,
    TOPIC_TITLES,
    TOPICS,
    Attempt,
    ProgressStore,
    QuestionSelector,
    Scorer,
    load_user_questions,
)
from core.interview.bank import default_bank
from core.interview.session import InterviewSession
from core.recommend.next import interview_next
from pages._avatar import avatar_panel, show_delivery, speech_input, spoken_delivery
from pages._common import (
    embedder,
    error_text,
    llm,
    page_header,
    rate_ok,
    remembered_tabs,
    settings,
    show_error,
    ui_lang,
    user_settings,
)
from pages._talk import live_talk, margo_autoplay

ui = page_header("record_voice_over", "interview")

cfg = settings()
state = st.session_state
state.setdefault("iv_session", None)  # plain copy of the running session (survives page switches)
state.setdefault("iv_profile", "default")
state.setdefault("iv_user_questions", [])

ROLES = {  # role id (catalogue key interview.role.<id>) -> its default topics
    "ml": ["classic_ml", "metrics_validation", "deep_learning", "mlops", "system_design"],
    "ds": ["classic_ml", "metrics_validation", "stats_ab"],
    "nlp": ["nlp", "deep_learning", "metrics_validation"],
    "cv": ["computer_vision", "deep_learning", "metrics_validation"],
    "recsys": ["recsys", "metrics_validation", "system_design"],
    "mlops": ["mlops", "system_design"],
    "analyst": ["stats_ab", "metrics_validation"],
}
CACHE_DIR = cfg.data_dir / "interview" / "cache"
SCORES_CSS = """<style>
@media (max-width: 640px) {
  .st-key-iv_scores [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 0.25rem; }
  .st-key-iv_scores [data-testid="stColumn"] { flex: 1 1 calc(50% - 1rem) !important;
    min-width: calc(50% - 1rem) !important; width: calc(50% - 1rem) !important; }
}
</style>"""
# U1: on a phone the four score numbers sit two by two, not in a column of four (at 390x844 the
# column pushed the verdict below the first screen); 640 px is where Streamlit stacks columns
# (its theme: breakpoints.columns = "640px", streamlit 1.67 static/js/utils.*.js).
# (A comment, not a string: Streamlit's magic would show a bare string on the page.)


def topic_title(topic: str, lang: str | None = None) -> str:
    lang = lang or ui
    if topic == "custom":
        return t("interview.topic.custom", lang)
    return TOPIC_TITLES.get(topic, {}).get(lang, topic)


def level_title(level: str) -> str:
    return t(f"interview.level.{level}", ui) if level in ("junior", "middle", "senior") else level


def current_bank():
    bank = default_bank()
    return bank.merged(state.iv_user_questions) if state.iv_user_questions else bank


try:
    store = ProgressStore(user_settings().data_dir, state.iv_profile)  # #11: this user's workspace
except MargoError as exc:
    show_error(exc)
    st.stop()

tab_iv, tab_progress = remembered_tabs("iv_tabs", {  # the open tab survives a switch of language
    "interview": f":material/record_voice_over: {t('interview.tab.interview', ui)}",
    "progress": f":material/monitoring: {t('interview.tab.progress', ui)}"})

# ----------------------------------------------------------------------------- interview
def interview_tab() -> None:
    """Setup form, the running interview, or its summary (returns early instead of return,
    so the Progress tab always renders)."""
    session = state.iv_session
    if session is None:
        with st.container(border=True):
            c1, c2 = st.columns(2)
            profile = c1.text_input(t("interview.setup.profile", ui), value=state.iv_profile, key="iv_profile_in",
                                    help=t("interview.setup.profile_help", ui))
            lang = c2.radio(t("interview.setup.lang", ui), ["ru", "en"], horizontal=True, key="iv_lang_in",
                            index=0 if ui == "ru" else 1,  # the interface's language by default
                            format_func=lambda x: {"ru": "Русский", "en": "English"}[x])
            role = c1.selectbox(t("interview.setup.role", ui), list(ROLES), key="iv_role_in",
                                format_func=lambda r: t(f"interview.role.{r}", ui))
            levels = c2.multiselect(t("interview.setup.level", ui), list(LEVELS), default=["junior", "middle"],
                                    key="iv_levels_in", format_func=level_title)
            topics = st.multiselect(t("interview.setup.topics", ui),
                                    list(TOPICS) + (["custom"] if state.iv_user_questions else []),
                                    default=ROLES[role], key=f"iv_topics_in_{role}",
                                    format_func=topic_title)
            n_questions = st.slider(t("interview.setup.n", ui), 1, 15, 5, key="iv_n_in")
            jd = st.text_area(t("interview.setup.jd", ui), key="iv_jd_in", height=100)
            upload = st.file_uploader(t("interview.setup.upload", ui), type=["csv", "json"], key="iv_upload")
            if upload is not None and state.get("iv_upload_id") != upload.file_id:
                try:
                    state.iv_user_questions = load_user_questions(upload.getvalue(), upload.name)
                    state.iv_upload_id = upload.file_id
                    st.success(t("interview.setup.added", ui, n=len(state.iv_user_questions)),
                               icon=":material/check:")
                except MargoError as exc:
                    show_error(exc)
            if st.button(t("interview.setup.start", ui), key="iv_start", type="primary"):
                if not topics:
                    st.warning(t("interview.setup.no_topic", ui), icon=":material/warning:")
                    return
                state.iv_profile = profile.strip() or "default"
                state.iv_session = {
                    "id": uuid.uuid4().hex[:12], "lang": lang, "role": role, "levels": levels or list(LEVELS),
                    "topics": topics, "n": n_questions, "jd": jd, "asked": [], "current": None, "reason": "",
                    "results": {}, "finished": False, "seed": int(time.time()),
                }
                st.rerun()
        st.info(t("interview.setup.info", ui), icon=":material/info:")
        return

    bank = current_bank()
    lang = session["lang"]
    scorer = Scorer(embedder()[0], bank, CACHE_DIR)
    selector = QuestionSelector(bank, embedder()[0], CACHE_DIR)

    def pick_next() -> None:
        weak = [w["key_point"] for w in store.weakest_key_points(8)]
        with st.spinner(t("interview.choosing", ui)):
            pick = selector.next_question(lang, session["topics"], session["levels"], session["asked"], weak,
                                          session["jd"], seed=session["seed"] + len(session["asked"]))
        if pick is None:
            session["finished"] = True
            session["current"] = None
            return
        session["current"] = pick.question.id
        session["reason"] = pick.reason
        session["asked"].append(pick.question.id)

    if session["current"] is None and not session["finished"]:
        try:
            pick_next()
        except MargoError as exc:
            show_error(exc)
            return

    if not session["finished"] and session["current"] is not None:
        q = bank.get(session["current"])
        n_done = len(session["asked"])
        st.progress(min(1.0, (n_done - 1) / session["n"]), text=t("interview.progress", ui, n=n_done,
                                                                 total=session["n"]))
        st.markdown(f"**{topic_title(q.topic)}** · {level_title(q.level)}")
        st.subheader(q.text(lang))
        if session["reason"]:
            st.caption(session["reason"])
        last_score = (session["results"].get(q.id) or [{}])[-1].get("result")
        expression = "thinking" if last_score is None else ("pleased" if last_score.score >= 70 else "concerned")
        avatar_panel(q.text(lang), lang, expression=expression, key=f"iv_avatar_{q.id}")
        # A spoken answer: its (editable) transcript fills the answer box, the same Submit scores it.
        spoken = speech_input(f"iv_voice_{q.id}", lang_hint=lang)
        if spoken:
            st.session_state[f"iv_answer_{q.id}"] = spoken
        # W: live conversation: a spoken answer (VAD-ended) is scored at once; Margo says the verdict aloud.
        live_answer = live_talk("iv_talk", lang_hint=lang)
        if live_answer:
            st.session_state[f"iv_answer_{q.id}"] = live_answer
        # U1: a typed, unsent answer survives a visit to another page (Streamlit drops the state of a
        # widget a run does not draw; the draft is kept apart, per session and question).
        draft_key = f"iv_draft_{session['id']}_{q.id}"
        if f"iv_answer_{q.id}" not in st.session_state and state.get(draft_key):
            st.session_state[f"iv_answer_{q.id}"] = state[draft_key]
        answer = st.text_area(t("interview.answer.label", ui), key=f"iv_answer_{q.id}", height=180,
                              placeholder=t("interview.answer.placeholder", ui))
        state[draft_key] = answer
        c1, c2, c3 = st.columns([1, 1, 1])
        submitted = c1.button(t("interview.submit", ui), key="iv_submit", type="primary")
        attempts = session["results"].setdefault(q.id, [])
        next_clicked = c2.button(t("interview.next", ui), key="iv_next", disabled=not attempts)
        finish_clicked = c3.button(t("interview.finish", ui), key="iv_finish")
        submitted = submitted or bool(live_answer)
        if submitted and rate_ok("question"):  # #11: per-user limit
            saved = False
            try:
                with st.spinner(t("interview.scoring", ui)):
                    # #9: the session object scores and builds the feedback (the page records the attempt below).
                    turn = InterviewSession(scorer, selector, lang=lang, llm=llm(), asked=list(session["asked"]),
                                            current=q.id).submit(answer)
                    result, fb = turn.result, turn.feedback
                attempts.append({"answer": answer, "result": result, "feedback": fb})
            except MargoError as exc:
                show_error(exc)
            else:
                try:  # #11: a failed save is shown (no rerun that would hide it); the answer stays in its box
                    store.record(Attempt(session["id"], q.id, q.topic, q.level, lang, q.text(lang), answer,
                                         result.score, result.correctness, result.completeness, result.structure,
                                         result.off_topic, result.flag, len(attempts), result.covered, result.missed))
                    saved = True
                except MargoError as exc:
                    st.error(t("hosting.save.failed", ui_lang(), detail=error_text(exc)), icon=":material/error:")
            if saved:
                st.rerun()
        if next_clicked:
            if len(session["asked"]) >= session["n"]:
                session["finished"] = True
            else:
                session["current"] = None
            st.rerun()
        if finish_clicked:
            session["finished"] = True
            st.rerun()
        if attempts:
            last = attempts[-1]
            result, fb = last["result"], last["feedback"]
            with st.container(border=True):
                delta = result.score - attempts[-2]["result"].score if len(attempts) > 1 else None
                st.html(SCORES_CSS)
                m = st.container(key="iv_scores").columns(4)
                m[0].metric(t("interview_feedback.page.score", lang), f"{result.score}/100", delta=delta)
                m[1].metric(t("interview_feedback.page.correctness", lang), result.correctness)
                m[2].metric(t("interview_feedback.page.completeness", lang), result.completeness)
                m[3].metric(t("interview_feedback.page.structure", lang), result.structure)
                delivery = spoken_delivery(f"iv_voice_{q.id}")
                if delivery is not None:
                    st.markdown(f"**{t('interview_feedback.page.delivery', lang)}**")
                    show_delivery(delivery, lang)
                if result.flag:
                    st.warning(result.message, icon=":material/warning:")
                if not result.flag:
                    st.markdown(f"**{fb.summary}**")
                if margo_autoplay("iv_talk"):  # W: in a live conversation Margo says the verdict
                    avatar_panel(" ".join(x for x in (result.message if result.flag else fb.summary, fb.follow_up)
                                          if x), lang, expression=expression, key=f"iv_avatar_fb_{q.id}",
                                 autoplay=True)
                if fb.notice:
                    st.info(fb.notice, icon=":material/cloud_off:")
                if fb.critique:
                    st.markdown(f"**{t('interview_feedback.page.critique', lang)}**")
                    st.write(fb.critique)
                # #9: "what was right" comes from the feedback, which has none for an off-topic answer.
                covered = [k for k in result.key_points if k.covered and k.text in fb.strengths]
                if covered:
                    st.markdown(f"**{t('interview_feedback.page.right', lang)}**")
                    for k in covered:
                        st.markdown("- :green[✓] " + t("interview_feedback.page.right_item", lang, kp=k.text, span=k.span))
                if fb.missed:
                    st.markdown(f"**{t('interview_feedback.page.missing', lang)}**")
                    for mp in fb.missed:
                        if mp.contradicted:
                            st.markdown("- :red[✗] " + t("interview_feedback.page.contra_item", lang, kp=mp.key_point,
                                                                      span=mp.span, why=mp.why, excerpt=mp.excerpt))
                        else:
                            st.markdown("- :orange[○] " + t("interview_feedback.page.missed_item", lang, kp=mp.key_point,
                                                                         excerpt=mp.excerpt))
                if fb.hints:
                    st.markdown(f"**{t('interview_feedback.page.improve', lang)}**")
                    for h in fb.hints:
                        st.markdown(f"- {h}")
                if fb.follow_up:
                    st.markdown(f"**{t('interview_feedback.page.follow_up', lang)}:** {fb.follow_up}")
                with st.expander(t("interview_feedback.page.reference", lang)):
                    st.write(q.ref(lang))
                st.caption(t("interview_feedback.page.resubmit", lang))
        return

    # Session summary.
    st.subheader(t("interview.summary.head", ui))
    rows, missed_all = [], []
    for qid, attempts in session["results"].items():
        if not attempts:
            continue
        q = bank.get(qid)
        best = max(attempts, key=lambda a: a["result"].score)["result"]
        rows.append({"Question": q.text(lang), "Topic": topic_title(q.topic), "First score":
                     attempts[0]["result"].score, "Best score": best.score, "Attempts": len(attempts)})
        missed_all += [(q, k) for k in best.missed]
    if not rows:
        st.info(t("interview.summary.none", ui), icon=":material/info:")
    else:
        df = pd.DataFrame(rows)
        st.metric(t("interview.summary.mean", ui), f"{df['Best score'].mean():.0f}/100")
        st.dataframe(df.rename(columns={c: t(f"interview.summary.{k}", ui) for c, k in (
            ("Question", "question"), ("Topic", "topic"), ("First score", "first"), ("Best score", "best"),
            ("Attempts", "attempts"))}), hide_index=True, width="stretch")
        strong = df[df["Best score"] >= 70]["Topic"].unique().tolist()
        weak_topics = df.groupby("Topic")["Best score"].mean().sort_values().head(3)
        st.markdown(t("interview.summary.strengths", ui,
                      items=", ".join(strong) if strong else t("interview.summary.no_strengths", ui)))
        st.markdown(t("interview.summary.weaknesses", ui,
                      items=", ".join(f"{name} ({s:.0f})" for name, s in weak_topics.items() if s < 70))
                    if (weak_topics < 70).any() else t("interview.summary.no_weaknesses", ui))
        if missed_all:
            st.markdown(t("interview.summary.read_next", ui))
            by_question: dict[str, list[str]] = {}
            for q, kp in missed_all:
                by_question.setdefault(q.id, []).append(kp)
            for qid, kps in list(by_question.items())[:5]:
                q = bank.get(qid)
                with st.expander(t("interview.summary.missed", ui, question=q.text(lang), items="; ".join(kps[:3]))):
                    st.write(q.ref(lang))
    if st.button(t("interview.new", ui), key="iv_new", type="primary"):
        state.iv_session = None
        st.rerun()


with tab_iv:
    interview_tab()

# ----------------------------------------------------------------------------- progress
with tab_progress:
    st.caption(t("interview.progress.profile", ui, profile=store.profile if store.profile != "default"
                 else t("interview.progress.default_profile", ui)))
    try:
        history = store.topic_history()
        summary = store.topic_summary()
        weakest = store.weakest_key_points(10)
    except MargoError as exc:
        show_error(exc)
        history, summary, weakest = [], [], []
    if not history:
        st.info(t("interview.progress.none", ui), icon=":material/monitoring:")
    else:
        summ = pd.DataFrame(summary)
        summ["topic"] = summ["topic"].map(topic_title)
        topic_col, score_col = t("interview.summary.topic", ui), t("interview.progress.score", ui)
        # Per-topic bars (readable with one day or a hundred), then one trend line over days.
        bars = alt.Chart(summ.rename(columns={"topic": topic_col, "recent": score_col})).mark_bar(
            color="#7C4DFF").encode(
            x=alt.X(f"{score_col}:Q", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y(f"{topic_col}:N", sort="x", title=None),
            tooltip=[f"{topic_col}:N", alt.Tooltip(f"{score_col}:Q", format=".0f"), "attempts:Q"])
        st.markdown(t("interview.progress.by_topic", ui))
        # Streamlit fits the axis inside the height: 34 px a bar plus 70 for the score axis and its title
        # (at 80 px in all, two topics drew as a flat line under overlapping labels; seen in Chromium)
        st.altair_chart(bars.properties(height=70 + 34 * len(summ)), width="stretch")
        hist = pd.DataFrame(history)
        day_col = t("interview.progress.day", ui)
        daily = hist.groupby("day", as_index=False)["score"].mean().rename(columns={"day": day_col,
                                                                                  "score": score_col})
        trend = alt.Chart(daily).mark_line(point=alt.OverlayMarkDef(size=70), color="#7C4DFF").encode(
            x=alt.X(f"{day_col}:T", axis=alt.Axis(format="%d.%m", tickCount=min(10, max(1, len(daily))))),
            y=alt.Y(f"{score_col}:Q", scale=alt.Scale(domain=[0, 100])),
            tooltip=[alt.Tooltip(f"{day_col}:T", format="%d.%m.%Y"), alt.Tooltip(f"{score_col}:Q", format=".0f")])
        st.markdown(t("interview.progress.trend", ui))
        st.altair_chart(trend.properties(height=180), width="stretch")
        st.markdown(t("interview.progress.review", ui))
        st.dataframe(summ.rename(columns={"topic": topic_col, "attempts": t("interview.progress.attempts", ui),
                                          "mean": t("interview.progress.mean", ui),
                                          "recent": t("interview.progress.recent", ui)}).round(1),
                     hide_index=True, width="stretch")
        if weakest:
            st.markdown(t("interview.progress.weakest", ui))
            weak_df = pd.DataFrame(weakest)
            weak_df["topic"] = weak_df["topic"].map(topic_title)
            st.dataframe(weak_df[["key_point", "topic", "missed", "seen"]].rename(
                columns={"key_point": t("interview.progress.key_point", ui), "topic": topic_col,
                         "missed": t("interview.progress.missed", ui), "seen": t("interview.progress.seen", ui)}),
                hide_index=True, width="stretch")
        try:  # #13: what to practise next (FSRS reviews, weak key points, other profiles), each with a reason
            nxt = interview_next(store, current_bank(), ui)
        except MargoError:
            nxt = []
        if nxt:
            st.markdown(t("recommend.next.title", ui))
            # a static table wraps its text: in a data frame the reasons were cut at half width (#10u)
            st.table(pd.DataFrame([{t("recommend.next.col.question", ui): n["question"],
                                    t("recommend.next.col.why", ui): n["reason"]} for n in nxt]),
                     hide_index=True, border="horizontal")
        st.download_button(t("interview.progress.export", ui), data=store.export_csv(),
                           file_name=f"interview_{store.profile}.csv", mime="text/csv", key="iv_export")
