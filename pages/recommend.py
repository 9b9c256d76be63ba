"""Recommendations: bring an interactions log, compare models with popularity, see explained top-10 lists."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.errors import MargoError
from core.i18n import t
from core.recommend import (
    MODEL_NAMES,
    SPLITS,
    Recommender,
    evaluate,
    load_dataset,
    read_interactions,
    read_items,
)
from core.recommend.data import guess_columns, peek_columns
from pages._common import embedder, page_header, show_error

lang = page_header("recommend", "recommend.page")
state = st.session_state
state.setdefault("rec_trained", None)  # {"data", "emb", "results"}
state.setdefault("rec_fitted", {})  # model name -> Recommender fitted on all interactions

c1, c2 = st.columns(2)
up_log = c1.file_uploader(t("recommend.upload.interactions", lang), type=["csv", "tsv", "txt"], key="rec_upload_log")
up_items = c2.file_uploader(t("recommend.upload.items", lang), type=["csv", "tsv", "txt"], key="rec_upload_items")
if up_log is None and state.rec_trained is None:
    st.info(t("recommend.upload.need", lang), icon=":material/upload_file:")
    st.stop()

none = t("recommend.map.none", lang)
if up_log is not None:
    try:
        log_cols = peek_columns(up_log.getvalue(), "interactions")
        item_cols = peek_columns(up_items.getvalue(), "items") if up_items is not None else []
    except MargoError as exc:
        show_error(exc)
        st.stop()
    with st.expander(":material/table_chart: " + t("recommend.map.title", lang)):
        guess = guess_columns(log_cols, ("user_id", "item_id", "timestamp", "rating"))
        m1, m2, m3, m4 = st.columns(4)
        mapping = {}
        for col, role in zip((m1, m2, m3, m4), ("user_id", "item_id", "timestamp", "rating"), strict=True):
            options = [none, *log_cols]
            pick = col.selectbox(t(f"recommend.map.{role}", lang), options, key=f"rec_map_{role}",
                                 index=options.index(guess[role]) if guess[role] else 0)
            mapping[role] = None if pick == none else pick
        item_mapping = {}
        if item_cols:
            iguess = guess_columns(item_cols, ("item_id", "title", "text"))
            n1, n2, n3 = st.columns(3)
            for col, role, label in ((n1, "item_id", "recommend.map.item_id"), (n2, "title", "recommend.map.title_col"),
                                     (n3, "text", "recommend.map.text")):
                options = [none, *item_cols]
                pick = col.selectbox(t(label, lang), options, key=f"rec_imap_{role}",
                                     index=options.index(iguess[role]) if iguess[role] else 0)
                item_mapping[role] = None if pick == none else pick
    s1, s2 = st.columns(2)
    min_rating = s1.number_input(t("recommend.train.min_rating", lang), value=4.0, step=0.5, key="rec_min_rating",
                                 disabled=not mapping.get("rating"), help=t("recommend.train.min_rating_help", lang))
    split = s2.selectbox(t("recommend.train.split", lang), SPLITS, key="rec_split",
                         format_func=lambda s: t(f"recommend.split.{s}", lang))
    if st.button(t("recommend.train.button", lang), key="rec_train", type="primary"):
        try:
            log = read_interactions(up_log.getvalue(), mapping)
            items = read_items(up_items.getvalue(), item_mapping) if up_items is not None else None
            data = load_dataset(log, items, min_rating=min_rating if mapping.get("rating") else None)
            bar = st.progress(0.0, text=t("recommend.train.embedding", lang))
            emb = embedder()[0].embed(data.texts) if items is not None else None
            results = evaluate(data, split, MODEL_NAMES, emb, k=10,
                               progress=lambda f, m: bar.progress(f, text=t("recommend.train.model", lang, model=m)))
            bar.empty()
            state.rec_trained = {"data": data, "emb": emb, "results": results}
            state.rec_fitted = {}
            st.success(t("recommend.train.done", lang, n=len(data), users=data.n_users, items=data.n_items),
                       icon=":material/check_circle:")
        except MargoError as exc:
            show_error(exc)

trained = state.rec_trained
if trained is None:
    st.stop()
data, emb, results = trained["data"], trained["emb"], trained["results"]

# ------------------------------------------------------------------ evaluation
def model_label(name: str) -> str:
    """A model's name on the page, in the interface language (``item_knn`` is a code name)."""
    return t(f"recommend.model.{name}", lang)


st.subheader(t("recommend.eval.title", lang))
metric_cols = {m: t(f"recommend.eval.col.{m}", lang) for m in ("map", "ndcg", "recall")}
rows = [{t("recommend.eval.col.model", lang): model_label(r.model), metric_cols["map"]: r.metrics["map@10"],
         metric_cols["ndcg"]: r.metrics["ndcg@10"], metric_cols["recall"]: r.metrics["recall@10"],
         t("recommend.eval.col.coverage", lang): r.metrics["coverage"],
         t("recommend.eval.col.pop_bias", lang): r.metrics["pop_bias"],
         t("recommend.eval.col.train_s", lang): r.train_s} for r in results]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="rec_eval_table",
             column_config={**{k: st.column_config.NumberColumn(format="%.4f") for k in metric_cols.values()},
                            t("recommend.eval.col.coverage", lang): st.column_config.NumberColumn(format="%.3f"),
                            t("recommend.eval.col.pop_bias", lang): st.column_config.NumberColumn(format="%.1f"),
                            t("recommend.eval.col.train_s", lang): st.column_config.NumberColumn(format="%.2f")})
pop = results[0].metrics["ndcg@10"] or 1e-12
best = max(results, key=lambda r: r.metrics["ndcg@10"])
ratio = f"{best.metrics['ndcg@10'] / pop:.2f}"
st.caption(t("recommend.eval.caption", lang, users=results[0].metrics["users"]))
st.markdown(t("recommend.eval.best", lang, model=f"**{model_label(best.model)}**",
              ratio=ratio.replace(".", ",") if lang == "ru" else ratio))
axis_model, axis_ndcg = t("recommend.eval.col.model", lang), metric_cols["ndcg"]
chart = pd.DataFrame({"model": [model_label(r.model) for r in results], "ndcg": [r.metrics["ndcg@10"] for r in results],
                      "baseline": [r.model == "popularity" for r in results]})
st.altair_chart(alt.Chart(chart, height=70 + 28 * len(results)).mark_bar().encode(  # across: names read on a phone
    y=alt.Y("model:N", sort=None, title=None, axis=alt.Axis(labelLimit=240)),
    x=alt.X("ndcg:Q", title=axis_ndcg),
    color=alt.condition(alt.datum.baseline, alt.value("#999999"), alt.value("#4c78a8")),
    tooltip=[alt.Tooltip("model:N", title=axis_model), alt.Tooltip("ndcg:Q", title=axis_ndcg, format=".4f")]),
    width="stretch")


def fitted(name: str) -> Recommender:
    """The named model fitted on every interaction, kept in this session."""
    if name not in state.rec_fitted:
        params = next((r.params for r in results if r.model == name), None)
        state.rec_fitted[name] = Recommender(data, name, params, embeddings=emb)
    return state.rec_fitted[name]


# ------------------------------------------------------------------ one user
st.subheader(t("recommend.user.title", lang))
names = [r.model for r in results]
u1, u2 = st.columns(2)
user = u1.selectbox(t("recommend.user.pick", lang), sorted(data.user_ids, key=lambda u: (len(u), u)),  # 2 before 10
                    key="rec_user")
model = u2.selectbox(t("recommend.user.model", lang), names, index=names.index(best.model), key="rec_model",
                     format_func=model_label)
try:
    with st.spinner():
        rec = fitted(model)
        history = rec.history(user, limit=20)
        top = rec.recommend(user, 10)
except MargoError as exc:
    show_error(exc)
    st.stop()
# one above the other, full width: a reason quotes a title and does not fit half a page (seen at 1440 px)
h, r = st.container(), st.container()
h.markdown("**" + t("recommend.user.history", lang) + "**")
h.dataframe(pd.DataFrame([{t("recommend.col.title", lang): x["title"], t("recommend.col.rating", lang): x["rating"],
                           t("recommend.col.when", lang): pd.to_datetime(x["ts"], unit="s").strftime("%Y-%m-%d")}
                          for x in history]), hide_index=True, width="stretch", key="rec_history")
r.markdown("**" + t("recommend.user.top", lang) + "**")
r.dataframe(pd.DataFrame([{t("recommend.col.title", lang): x.title, t("recommend.col.reason", lang): x.reason(lang)}
                          for x in top]), hide_index=True, width="stretch", key="rec_top")

# ------------------------------------------------------------------ similar items
st.subheader(t("recommend.similar.title", lang))
popular_first = sorted(range(data.n_items), key=lambda i: -rec.popularity[i])
item = st.selectbox(t("recommend.similar.pick", lang), popular_first, key="rec_item",
                    format_func=lambda i: data.titles[i])
similar = rec.similar_items(data.item_ids[item], 10)
st.dataframe(pd.DataFrame([{t("recommend.col.title", lang): x.title, t("recommend.col.reason", lang): x.reason(lang),
                            t("recommend.col.score", lang): round(x.score, 3)} for x in similar]),
             hide_index=True, width="stretch", key="rec_similar")
