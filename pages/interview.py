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
    build_feedback,
    llm_critique,
    load_user_questions,
)
from core.interview.bank import default_bank
from pages._avatar import avatar_panel, show_delivery, speech_input, spoken_delivery
from pages._common import embedder, llm, rate_ok, settings, sidebar_status, ui_lang, user_settings

st.title(":material/record_voice_over: Interview coach")
st.caption("A mock ML interview in Russian or English: answer, get a score against a reference answer, "
           "see what was missing, revise, and track your progress. Scoring is offline; an LLM, if configured, "
           "only adds a written critique.")
sidebar_status()

cfg = settings()
state = st.session_state
state.setdefault("iv_session", None)  # plain copy of the running session (survives page switches)
state.setdefault("iv_profile", "default")
state.setdefault("iv_user_questions", [])

ROLES = {
    "ML engineer": ["classic_ml", "metrics_validation", "deep_learning", "mlops", "system_design"],
    "Data scientist": ["classic_ml", "metrics_validation", "stats_ab"],
    "NLP engineer": ["nlp", "deep_learning", "metrics_validation"],
    "Computer vision engineer": ["computer_vision", "deep_learning", "metrics_validation"],
    "Recommender systems engineer": ["recsys", "metrics_validation", "system_design"],
    "MLOps engineer": ["mlops", "system_design"],
    "Product analyst (A/B tests)": ["stats_ab", "metrics_validation"],
}
CACHE_DIR = cfg.data_dir / "interview" / "cache"


def topic_title(topic: str, lang: str = "en") -> str:
    return TOPIC_TITLES.get(topic, {}).get(lang, topic)


def current_bank():
    bank = default_bank()
    return bank.merged(state.iv_user_questions) if state.iv_user_questions else bank


try:
    store = ProgressStore(user_settings().data_dir, state.iv_profile)  # #11: this user's workspace
except MargoError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

tab_iv, tab_progress = st.tabs([":material/record_voice_over: Interview", ":material/monitoring: Progress"])

# ----------------------------------------------------------------------------- interview
def interview_tab() -> None:
    """Setup form, the running interview, or its summary (returns early instead of return,
    so the Progress tab always renders)."""
    session = state.iv_session
    if session is None:
        with st.container(border=True):
            c1, c2 = st.columns(2)
            profile = c1.text_input("Local profile", value=state.iv_profile, key="iv_profile_in",
                                    help="Progress is stored per profile on this machine.")
            lang = c2.radio("Language", ["ru", "en"], horizontal=True, key="iv_lang_in",
                            format_func=lambda x: {"ru": "Русский", "en": "English"}[x])
            role = c1.selectbox("Role", list(ROLES), key="iv_role_in")
            levels = c2.multiselect("Level", list(LEVELS), default=["junior", "middle"], key="iv_levels_in")
            topics = st.multiselect("Topics", list(TOPICS) + (["custom"] if state.iv_user_questions else []),
                                    default=ROLES[role], key=f"iv_topics_in_{role}",
                                    format_func=topic_title)
            n_questions = st.slider("Questions in this interview", 1, 15, 5, key="iv_n_in")
            jd = st.text_area("Optional: paste a job description or your CV to shift the topic mix",
                              key="iv_jd_in", height=100)
            upload = st.file_uploader("Optional: your own questions (CSV or JSON in the bank's schema)",
                                      type=["csv", "json"], key="iv_upload")
            if upload is not None and state.get("iv_upload_id") != upload.file_id:
                try:
                    state.iv_user_questions = load_user_questions(upload.getvalue(), upload.name)
                    state.iv_upload_id = upload.file_id
                    st.success(f"Added {len(state.iv_user_questions)} of your questions (topic 'custom' "
                               "or their own topic).", icon=":material/check:")
                except MargoError as exc:
                    st.error(str(exc), icon=":material/error:")
            if st.button("Start the interview", key="iv_start", type="primary"):
                if not topics:
                    st.warning("Choose at least one topic.", icon=":material/warning:")
                    return
                state.iv_profile = profile.strip() or "default"
                state.iv_session = {
                    "id": uuid.uuid4().hex[:12], "lang": lang, "role": role, "levels": levels or list(LEVELS),
                    "topics": topics, "n": n_questions, "jd": jd, "asked": [], "current": None, "reason": "",
                    "results": {}, "finished": False, "seed": int(time.time()),
                }
                st.rerun()
        st.info("Choose a role, level, topics and language, then start. Answers are typed; scoring is offline.",
                icon=":material/info:")
        return

    bank = current_bank()
    lang = session["lang"]
    scorer = Scorer(embedder()[0], bank, CACHE_DIR)
    selector = QuestionSelector(bank, embedder()[0], CACHE_DIR)

    def pick_next() -> None:
        weak = [w["key_point"] for w in store.weakest_key_points(8)]
        with st.spinner("Choosing the next question…"):
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
            st.error(str(exc), icon=":material/error:")
            return

    if not session["finished"] and session["current"] is not None:
        q = bank.get(session["current"])
        n_done = len(session["asked"])
        st.progress(min(1.0, (n_done - 1) / session["n"]), text=f"Question {n_done} of {session['n']}")
        st.markdown(f"**{topic_title(q.topic, lang)}** · {q.level}")
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
        answer = st.text_area("Your answer", key=f"iv_answer_{q.id}", height=180,
                              placeholder="Answer as you would in an interview: define, explain, give an example, "
                                          "mention trade-offs.")
        c1, c2, c3 = st.columns([1, 1, 1])
        submitted = c1.button("Submit answer", key="iv_submit", type="primary")
        attempts = session["results"].setdefault(q.id, [])
        next_clicked = c2.button("Next question", key="iv_next", disabled=not attempts)
        finish_clicked = c3.button("Finish interview", key="iv_finish")
        if submitted and rate_ok("question"):  # #11: per-user limit
            saved = False
            try:
                with st.spinner("Scoring…"):
                    result = scorer.score_question(q, answer, lang)
                    fb = build_feedback(result, q.ref(lang), lang, q, bank, embedder()[0], set(session["asked"]))
                    fb = llm_critique(llm(), fb, q.text(lang), q.ref(lang), list(q.kps(lang)), answer, result, lang)
                attempts.append({"answer": answer, "result": result, "feedback": fb})
            except MargoError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                try:  # #11: a failed save is shown (no rerun that would hide it); the answer stays in its box
                    store.record(Attempt(session["id"], q.id, q.topic, q.level, lang, q.text(lang), answer,
                                         result.score, result.correctness, result.completeness, result.structure,
                                         result.off_topic, result.flag, len(attempts), result.covered, result.missed))
                    saved = True
                except MargoError as exc:
                    st.error(t("hosting.save.failed", ui_lang(), detail=str(exc)), icon=":material/error:")
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
                m = st.columns(4)
                m[0].metric("Score", f"{result.score}/100", delta=delta)
                m[1].metric("Correctness", result.correctness)
                m[2].metric("Completeness", result.completeness)
                m[3].metric("Structure", result.structure)
                delivery = spoken_delivery(f"iv_voice_{q.id}")
                if delivery is not None:
                    st.markdown("**Delivery of your spoken answer**" if lang == "en" else "**Подача устного ответа**")
                    show_delivery(delivery, lang)
                if result.flag:
                    st.warning(result.message, icon=":material/warning:")
                if not result.flag:
                    st.markdown(f"**{fb.summary}**")
                if fb.notice:
                    st.info(fb.notice, icon=":material/cloud_off:")
                if fb.critique:
                    st.markdown("**Coach's critique (LLM, grounded in the reference):**")
                    st.write(fb.critique)
                covered = [k for k in result.key_points if k.covered]
                if covered:
                    st.markdown("**What was right**")
                    for k in covered:
                        st.markdown(f"- :green[✓] {k.text} — _“{k.span}”_")
                if fb.missed:
                    st.markdown("**What was missing or wrong**")
                    for mp in fb.missed:
                        if mp.contradicted:
                            st.markdown(f"- :red[✗] {mp.key_point} — you wrote _“{mp.span}”_ ({mp.why}). "
                                        f"Reference: _{mp.excerpt}_")
                        else:
                            st.markdown(f"- :orange[○] {mp.key_point}. Reference: _{mp.excerpt}_")
                if fb.hints:
                    st.markdown("**How to improve**")
                    for h in fb.hints:
                        st.markdown(f"- {h}")
                if fb.follow_up:
                    st.markdown(f"**Follow-up question:** {fb.follow_up}")
                with st.expander("Reference answer"):
                    st.write(q.ref(lang))
                st.caption("Edit your answer above and submit again to see the score change.")
        return

    # Session summary.
    st.subheader("Interview summary")
    rows, missed_all = [], []
    for qid, attempts in session["results"].items():
        if not attempts:
            continue
        q = bank.get(qid)
        best = max(attempts, key=lambda a: a["result"].score)["result"]
        rows.append({"Question": q.text(lang), "Topic": topic_title(q.topic, lang), "First score":
                     attempts[0]["result"].score, "Best score": best.score, "Attempts": len(attempts)})
        missed_all += [(q, k) for k in best.missed]
    if not rows:
        st.info("No answers were submitted in this interview.", icon=":material/info:")
    else:
        df = pd.DataFrame(rows)
        st.metric("Mean best score", f"{df['Best score'].mean():.0f}/100")
        st.dataframe(df, hide_index=True, width="stretch")
        strong = df[df["Best score"] >= 70]["Topic"].unique().tolist()
        weak_topics = df.groupby("Topic")["Best score"].mean().sort_values().head(3)
        st.markdown("**Strengths:** " + (", ".join(strong) if strong else "none yet — keep practising"))
        st.markdown("**Weaknesses:** " + ", ".join(f"{t} ({s:.0f})" for t, s in weak_topics.items() if s < 70)
                    if (weak_topics < 70).any() else "**Weaknesses:** none below 70 in this interview")
        if missed_all:
            st.markdown("**What to read next** (the reference answers for what you missed):")
            by_question: dict[str, list[str]] = {}
            for q, kp in missed_all:
                by_question.setdefault(q.id, []).append(kp)
            for qid, kps in list(by_question.items())[:5]:
                q = bank.get(qid)
                with st.expander(f"{q.text(lang)} — missed: {'; '.join(kps[:3])}"):
                    st.write(q.ref(lang))
    if st.button("New interview", key="iv_new", type="primary"):
        state.iv_session = None
        st.rerun()


with tab_iv:
    interview_tab()

# ----------------------------------------------------------------------------- progress
with tab_progress:
    st.caption(f"Profile **{store.profile}** · stored in `{store.path.name}` under the data folder")
    try:
        history = store.topic_history()
        summary = store.topic_summary()
        weakest = store.weakest_key_points(10)
    except MargoError as exc:
        st.error(str(exc), icon=":material/error:")
        history, summary, weakest = [], [], []
    if not history:
        st.info("No attempts yet: your scores by topic over time will appear here.", icon=":material/monitoring:")
    else:
        hist = pd.DataFrame(history)
        hist["topic"] = hist["topic"].map(topic_title)
        chart = alt.Chart(hist).mark_line(point=True).encode(
            x=alt.X("day:T", title="Day"), y=alt.Y("score:Q", title="Mean score", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("topic:N", title="Topic"), tooltip=["day:T", "topic:N", "score:Q", "attempts:Q"])
        st.markdown("**Scores by topic over time**")
        st.altair_chart(chart, width="stretch")
        summ = pd.DataFrame(summary)
        summ["topic"] = summ["topic"].map(topic_title)
        st.markdown("**Topics to review** (weakest recent scores first)")
        st.dataframe(summ.rename(columns={"topic": "Topic", "attempts": "Attempts", "mean": "Mean score",
                                          "recent": "Last 5 mean"}).round(1), hide_index=True, width="stretch")
        if weakest:
            st.markdown("**Weakest key points**")
            weak_df = pd.DataFrame(weakest)
            weak_df["topic"] = weak_df["topic"].map(topic_title)
            st.dataframe(weak_df[["key_point", "topic", "missed", "seen"]].rename(
                columns={"key_point": "Key point", "topic": "Topic", "missed": "Missed", "seen": "Seen"}),
                hide_index=True, width="stretch")
        st.download_button("Export attempts (CSV)", data=store.export_csv(), file_name=f"interview_{store.profile}.csv",
                           mime="text/csv", key="iv_export")
