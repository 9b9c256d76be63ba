"""Reader-page glue for #12: arXiv search and import, several open papers, OCR progress,
the routed chat (tool shown, figures displayed). Widgets and session state only; the
logic is in core.papers and core.reader.{ocr,figures,router}."""

from __future__ import annotations

import re

import streamlit as st

from core.errors import MargoError, NetworkError
from core.i18n import t
from core.i18n.reader_answers import page_marks
from core.papers import ArxivClient, fetch_paper
from core.reader.documents import list_documents
from core.reader.ocr import LOW_CONFIDENCE, load_ocr_report
from core.reader.router import OfflineRouter, RoutedAnswer, dispatch, route_with_llm
from pages._common import embedder, error_text, heavy_run, show_error, ui_lang

__all__ = ["answer_markdown", "chat_answer", "citation_prefix", "citation_pdf", "ocr_notes", "ocr_progress", "remember_ocr", "open_papers",
           "search_panel", "turn_extras"]


def _client(cfg) -> ArxivClient:
    return ArxivClient.from_settings(cfg)


def _set_doc(doc) -> None:
    state = st.session_state
    if state.get("reader_doc") is None or state.reader_doc.doc_id != doc.doc_id:
        state.reader_qa = []
        state.reader_summary = None
    state.reader_doc = doc


def _import(reader, cfg, arxiv_id: str) -> None:
    lang = ui_lang()
    try:
        with st.spinner(t("papers.search.importing", lang, id=arxiv_id)):
            paper = heavy_run(fetch_paper, arxiv_id, reader, _client(cfg))  # #11h: download + ingest in the pool
        _set_doc(paper.document)
        st.session_state.papers_imported = t("papers.search.imported", lang, title=paper.document.title,
                                             pages=paper.document.n_pages)
    except NetworkError as exc:
        st.warning(t("papers.search.offline", lang, reason=error_text(exc, lang)), icon=":material/wifi_off:")
    except MargoError as exc:
        show_error(exc)


def _hits(reader, cfg, hits: list[dict], key: str) -> None:
    lang = ui_lang()
    for n, hit in enumerate(hits):
        c1, c2 = st.columns([5, 1])
        authors = ", ".join(hit["authors"][:3]) + (" et al." if len(hit["authors"]) > 3 else "")
        c1.markdown(f"**{hit['title']}**  \n" + t("papers.hit.meta", lang, authors=authors, year=hit["year"],
                                                  id=hit["id"]))
        with c1.expander(hit["abstract"][:80] + "…"):
            st.write(hit["abstract"])
        if c2.button(t("papers.search.import", lang), key=f"{key}_{n}", icon=":material/download:"):
            _import(reader, cfg, hit["id"])
            st.rerun()


def search_panel(reader, cfg) -> None:
    """An expander with a search box; results get one-click "Open" buttons."""
    lang = ui_lang()
    state = st.session_state
    if state.get("papers_imported"):
        st.success(state.pop("papers_imported"), icon=":material/check_circle:")
    with st.expander(t("papers.search.title", lang), icon=":material/travel_explore:",
                     expanded=bool(state.get("papers_hits"))):
        c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
        query = c1.text_input(t("papers.search.input", lang), key="papers_query",
                              placeholder=t("papers.search.placeholder", lang))
        if c2.button(t("papers.search.button", lang), key="papers_search", icon=":material/search:") and query.strip():
            try:
                state.papers_hits = [h.to_json() for h in _client(cfg).search(query, 8)]
                state.papers_hits_query = query
            except NetworkError as exc:
                state.papers_hits = []
                st.warning(t("papers.search.offline", lang, reason=error_text(exc, lang)), icon=":material/wifi_off:")
            except MargoError as exc:
                show_error(exc)
        hits = state.get("papers_hits") or []
        if state.get("papers_hits_query") and not hits and "papers_hits" in state:
            st.info(t("papers.search.none", lang, query=state.papers_hits_query))
        _hits(reader, cfg, hits, "papers_hit")


def open_papers(reader, cfg, doc) -> list:
    """The open papers: the current one first, then the saved ones picked to be open alongside."""
    lang = ui_lang()
    others = {d["doc_id"]: d for d in list_documents(cfg.index_dir) if d["doc_id"] != doc.doc_id}
    if not others:
        return [doc]
    picked = st.multiselect(t("papers.open.label", lang), list(others), key="papers_also_open",
                            format_func=lambda k: f"{others[k]['title'][:60]} ({others[k]['n_pages']} p.)")
    docs = [doc]
    opened = st.session_state.setdefault("papers_open_docs", {})  # doc_id -> document (this session only)
    for doc_id in picked:
        if doc_id not in opened:
            try:
                opened[doc_id] = reader.open((cfg.index_dir / doc_id / "source.pdf").read_bytes())
            except (MargoError, OSError):
                continue
        docs.append(opened[doc_id])
    for stale in set(opened) - set(picked):
        del opened[stale]
    if len(docs) > 1:
        st.caption(t("papers.open.caption", lang, n=len(docs)))
    return docs


def ocr_progress():
    """A progress bar for OCR; returns the ``progress(done, total)`` callback (bar made on first call)."""
    lang = ui_lang()
    holder = st.empty()

    def update(done: int, total: int) -> None:
        holder.progress(done / max(total, 1), text=t("papers.ocr.progress", lang, done=done, total=total))
        if done >= total:
            holder.empty()

    return update


def remember_ocr(cfg, data: bytes, doc) -> None:
    """Keep the OCR report of an upload just opened (None when it had a text layer)."""
    st.session_state.papers_ocr = (doc.doc_id, load_ocr_report(data, cfg.data_dir / "ocr"))


def ocr_notes(doc) -> None:
    """Say the open paper was recognised by OCR, and warn when recognition is unreliable."""
    doc_id, report = st.session_state.get("papers_ocr") or ("", None)
    if doc_id != doc.doc_id or not report:
        return
    lang = ui_lang()
    words = sum(r.words for r in report) or 1
    conf = round(sum(r.confidence * r.words for r in report) / words)
    low = [r.page for r in report if r.confidence < LOW_CONFIDENCE]
    if low:
        st.warning(t("papers.ocr.low", lang, conf=conf, pages=", ".join(map(str, low[:10]))), icon=":material/draw:")
    else:
        st.caption(t("papers.ocr.done", lang, pages=len(report), conf=conf))


@st.cache_resource(show_spinner=False)
def _offline_router() -> OfflineRouter:
    return OfflineRouter(embedder()[0])


_LIST_START = re.compile(r"^(\s*(?:[-*+]\s+)?)(\d{1,9})([.)])(?=\s)", re.MULTILINE)


def answer_markdown(text: str, lang: str) -> str:
    """An answer's text ready for ``st.markdown`` in the interface language ``lang``.

    Margo's ``[p. N]`` marks follow the interface (:func:`core.i18n.reader_answers.page_marks`), and a
    quoted sentence that starts with the paper's own numbering ("1. Если у слоя…") stays text: at the
    start of a line or of a "- " bullet, ``1.`` / ``1)`` would otherwise open a numbered list inside
    the bullet (seen in the summary tool's bullets on the HSE lecture 7 PDF, U1).

    Args:
        text: the answer's Markdown (one paragraph, or "- " bullets one per line).
        lang: ``"ru"`` or ``"en"``.

    Returns:
        The text with those two changes only.
    """
    return _LIST_START.sub(r"\1\2\\\3", page_marks(text, lang))


def chat_answer(reader, cfg, docs: list, message: str, history) -> RoutedAnswer:
    """Route ``message`` (LLM tool call when configured, else offline) and run the tool."""
    offline = _offline_router()
    if reader.llm is not None:
        route = route_with_llm(message, reader.llm, offline, [d.title for d in docs])
    else:
        route = offline.route(message)
    return dispatch(route, message, reader, docs, history, arxiv=_client(cfg),
                    figures_dir=cfg.data_dir / "figures", vision=cfg.llm_vision)


def turn_extras(reader, cfg, answer, i: int, n_docs: int) -> None:
    """What a routed answer adds to the chat: the tool used, a figure, search results."""
    if not isinstance(answer, RoutedAnswer):
        return
    lang = ui_lang()
    st.caption(":material/alt_route: " + t("papers.tool.caption", lang, tool=t(f"papers.tool.{answer.tool}", lang),
                                           source=t(f"papers.source.{answer.route_source}", lang)))
    if answer.tool == "compare" and n_docs < 2:
        st.caption(t("papers.compare.one", lang))
    if answer.figure_png:
        first = answer.citations[0] if answer.citations else None
        st.image(answer.figure_png, caption=t("papers.figure.caption", lang, label=answer.text.split(" (")[0],
                                                page=first.page if first else "?"))
    if answer.hits:
        _hits(reader, cfg, answer.hits, f"papers_chat_hit_{i}")


def citation_pdf(c, doc, docs: list) -> bytes:
    """The PDF a citation points into (its own paper when several are open)."""
    doc_id = getattr(c, "doc_id", "")
    return next((d.pdf_bytes for d in docs if d.doc_id == doc_id), doc.pdf_bytes)


def citation_prefix(c) -> str:
    """``"“Paper” · "`` for a citation that names its paper ("" otherwise): several papers can be open."""
    paper = getattr(c, "paper", "")
    return t("papers.cite.paper", ui_lang(), paper=paper[:40]) if paper else ""
