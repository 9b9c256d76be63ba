"""Lectures: a recording, its subtitles or a YouTube link → key moments, summary, cited answers."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.lectures import (
    LectureIndex,
    answer_question,
    format_time,
    notes_markdown,
    open_lecture,
    summarize,
    youtube_transcript,
)
from core.lectures.inputs import MEDIA_EXTENSIONS, SUBTITLE_EXTENSIONS, VIDEO_EXTENSIONS
from core.lectures.notes import to_webvtt
from core.lectures.qa import strip_time_marks
from core.lectures.service import PartialPreview
from pages._avatar import avatar_panel
from pages._common import (
    embedder,
    heavy_run,
    lang_name,
    llm,
    page_header,
    rate_ok,
    settings,
    workspace,
)

lang = page_header("smart_display", "lectures")

cfg = settings()  # models and limits are shared; the transcript cache lives in the user's workspace
ws = workspace()
state = st.session_state
state.setdefault("lectures_doc", None)  # dict: lecture, summary, media, mime, kind, key
state.setdefault("lectures_start", 0)
state.setdefault("lectures_autoplay", False)
state.setdefault("lectures_qa", [])  # list[(question, LectureAnswer)]


def show_error(exc: MargoError) -> None:
    """The error in the interface language, with the core's detail."""
    if exc.key:  # the raise site's own message in the user's language (core/i18n/errors.py)
        st.error(exc.localized(lang), icon=":material/error:")
        return
    key = f"lectures.error.{type(exc).__name__}"
    text = t(key, lang, detail=str(exc))
    st.error(text if text != key else t("lectures.error", lang, detail=str(exc)), icon=":material/error:")


def jump(seconds: float) -> None:
    """Play from ``seconds`` on the next run."""
    state.lectures_start = int(seconds)
    state.lectures_autoplay = True


def open_doc(transcript, media: str | None, kind: str, key: str) -> None:
    """Index the transcript, find its chapters and keep everything in this session."""
    with st.spinner(t("lectures.indexing", lang)):
        lecture = LectureIndex.build(transcript, embedder()[0])
        summary = summarize(lecture, cfg, llm())
    state.lectures_doc = {"lecture": lecture, "summary": summary, "media": media, "kind": kind, "key": key}
    state.lectures_start, state.lectures_autoplay, state.lectures_qa = 0, False, []


# ------------------------------------------------------------------- input
exts = [e.lstrip(".") for e in MEDIA_EXTENSIONS + SUBTITLE_EXTENSIONS]
uploads = st.file_uploader(t("lectures.upload.label", lang), type=exts, accept_multiple_files=True,
                           key="lectures_upload", help=t("lectures.upload.help", lang),
                           max_upload_size=cfg.lecture_max_upload_mb)
c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
link = c1.text_input(t("lectures.youtube.label", lang), key="lectures_link", placeholder="https://youtu.be/…")
fetch = c2.button(t("lectures.youtube.button", lang), key="lectures_fetch", disabled=not link.strip())

if uploads:
    key = "|".join(sorted(f"{u.name}:{u.size}" for u in uploads))
    doc = state.lectures_doc
    if doc is None or doc["key"] != key:
        subs = [u for u in uploads if Path(u.name).suffix.lower() in SUBTITLE_EXTENSIONS]
        media = [u for u in uploads if Path(u.name).suffix.lower() in MEDIA_EXTENSIONS]
        if len(subs) > 1 or len(media) > 1:
            st.warning(t("lectures.too_many", lang, n=len(uploads)), icon=":material/warning:")
            st.stop()
        try:
            media_path, kind = None, ""
            if media:
                m = media[0]
                data = m.getvalue()
                from core.lectures.inputs import sha256_bytes

                media_path = ws.path("lectures", sha256_bytes(data), "media" + Path(m.name).suffix.lower())
                if not media_path.is_file():
                    media_path.write_bytes(data)
                kind = "video" if Path(m.name).suffix.lower() in VIDEO_EXTENSIONS else "audio"
            if subs:
                with st.spinner(t("lectures.preparing", lang)):
                    transcript = open_lecture(subs[0].getvalue(), subs[0].name, cfg, ws)
            else:
                bar = st.progress(0.0, text=t("lectures.preparing", lang))

                def progress(done: float, total: float, eta: float | None) -> None:
                    fields = {"done": format_time(done), "total": format_time(total)}
                    text = (t("lectures.transcribing_eta", lang, eta=format_time(eta), **fields) if eta is not None
                            else t("lectures.transcribing", lang, **fields))
                    bar.progress(min(1.0, done / total) if total else 0.0, text=text)

                preview_box = st.empty()

                def show_preview(part) -> None:
                    with preview_box.container(border=True):
                        st.markdown(f"**{t('lectures.preview.head', lang, upto=format_time(part.duration_s))}**")
                        st.markdown("  \n".join(f"`{format_time(c.start_s)}` {c.title}" for c in part.chapters))

                transcript = heavy_run(open_lecture, data, media[0].name, cfg, ws, progress=progress,  # #11h: pool
                                       on_segments=PartialPreview(embedder()[0], show_preview),
                                       relay=("progress", "on_segments"))
                bar.empty()
                preview_box.empty()
                kind = transcript.media_kind or kind
            open_doc(transcript, str(media_path) if media_path else None, kind, key)
        except MargoError as exc:
            show_error(exc)
            st.stop()
elif fetch:
    try:
        with st.spinner(t("lectures.preparing", lang)):
            transcript = youtube_transcript(link, cfg)
        open_doc(transcript, link.strip(), "youtube", "yt:" + transcript.name)
    except MargoError as exc:
        show_error(exc)
        st.stop()

doc = state.lectures_doc
if doc is None:
    st.info(t("lectures.start", lang), icon=":material/upload_file:")
    st.stop()

lecture, summary = doc["lecture"], doc["summary"]
tr = lecture.transcript
st.markdown(t("lectures.meta", lang, name=tr.name, duration=format_time(tr.duration_s),
              lang=lang_name(tr.lang, lang),
              source=t(f"lectures.source.{tr.source}", lang)))
if summary.notice:
    st.warning(summary.notice, icon=":material/info:")

# ------------------------------------------------------------------ player
start, autoplay = state.lectures_start, state.lectures_autoplay
state.lectures_autoplay = False
if doc["kind"] == "youtube":
    st.video(doc["media"], start_time=start, autoplay=autoplay)
elif doc["kind"] == "video" and doc["media"]:
    st.video(doc["media"], start_time=start, autoplay=autoplay, subtitles={tr.lang: to_webvtt(tr)})
elif doc["media"]:
    st.audio(doc["media"], start_time=start, autoplay=autoplay)
else:
    st.caption(t("lectures.no_player", lang))

# ---------------------------------------------------------------- chapters
left, right = st.columns([3, 2])
with left:
    st.subheader(t("lectures.chapters.head", lang, n=len(summary.chapters)))
    if summary.mode == "llm":
        st.caption(t("lectures.mode.llm", lang))
    for k, ch in enumerate(summary.chapters):
        with st.container(border=True, key=f"lectures_chapter_{k}"):
            a, b = st.columns([1, 4], vertical_alignment="center")
            a.button(format_time(ch.start_s), key=f"lectures_ch_{k}", width="stretch",
                     help=t("lectures.chapters.play", lang, time=format_time(ch.start_s)),
                     on_click=jump, args=(ch.start_s,), disabled=not doc["media"])
            b.markdown(f"**{ch.title}**")
            b.caption(ch.summary)
with right:
    st.subheader(t("lectures.summary.head", lang))
    for k, point in enumerate(summary.summary):
        a, b = st.columns([1, 3], vertical_alignment="center")
        a.button(format_time(point.start_s), key=f"lectures_sum_{k}", on_click=jump, args=(point.start_s,),
                 width="stretch",
                 disabled=not doc["media"])
        b.markdown(point.text)

# -------------------------------------------------------------------- ask
st.subheader(t("lectures.ask.head", lang))
with st.form("lectures_ask_form", clear_on_submit=False, border=True):
    question = st.text_input(t("lectures.ask.label", lang), key="lectures_question",
                             placeholder=t("lectures.ask.placeholder", lang))
    asked = st.form_submit_button(t("lectures.ask.button", lang), type="primary")
if asked and rate_ok("question"):
    if not question.strip():
        st.warning(t("lectures.ask.type_first", lang), icon=":material/edit:")
    else:
        with st.spinner(t("lectures.ask.thinking", lang)):
            answer = answer_question(lecture, question, llm=llm())
        state.lectures_qa = [*state.lectures_qa, (question, answer)][-20:]

for n, (q, ans) in enumerate(reversed(state.lectures_qa)):
    with st.container(border=True, key=f"lectures_answer_{n}"):
        st.markdown(f"**{q}**")
        if ans.notice:
            st.warning(ans.notice, icon=":material/info:")
        if ans.abstained:
            st.info(ans.text, icon=":material/search_off:")
            continue
        st.markdown(ans.text)
        st.caption(t("lectures.answer.cited", lang))
        cols = st.columns(max(1, len(ans.citations)))
        for i, c in enumerate(ans.citations):
            cols[i].button(f"{format_time(c.start_s)}–{format_time(c.end_s)}", key=f"lectures_cite_{n}_{i}",
                           icon=":material/play_arrow:", on_click=jump, args=(c.start_s,), disabled=not doc["media"])
        mode = t(f"lectures.answer.mode.{ans.mode}", lang)
        st.caption(t("lectures.answer.meta", lang, mode=mode, evidence=f"{ans.evidence:.2f}"))
        if n == 0:
            avatar_panel(strip_time_marks(ans.text), ans.lang, key="lectures_avatar")

# ------------------------------------------------------------- notes, text
st.download_button(t("lectures.notes.download", lang), notes_markdown(tr.name, summary, state.lectures_qa, lang),
                   file_name=f"{Path(tr.name).stem}-notes.md", mime="text/markdown", key="lectures_notes",
                   icon=":material/download:")
with st.expander(t("lectures.transcript.head", lang)):
    st.markdown("  \n".join(f"`{format_time(s.start_s)}` {s.text}" for s in lecture.sentences))
