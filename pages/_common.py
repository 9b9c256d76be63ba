"""The one place that owns Streamlit caches and the shared sidebar.

Cached resources are read-only and shared by all users (settings, models). Per-user
state (the open paper, chat history, progress) lives in ``st.session_state`` only.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.embeddings import DEFAULT_EMBED_MODEL, Embedder, get_embedder
from core.errors import ModelError
from core.llm import LLMClient, llm_from_settings
from core.settings import Settings
from core.speech.tts import PiperEngine, Speaker


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The app's settings (environment and .streamlit/secrets.toml), read once."""
    return Settings()


@st.cache_resource(show_spinner="Loading the embedding model…")
def embedder() -> tuple[Embedder, str]:
    """The configured embedder and a notice ("" when it loaded as configured).

    A named model that cannot load (offline, typo) falls back to the offline
    multilingual default, and the notice says so.
    """
    cfg = settings()
    try:
        return get_embedder(cfg.embed_model, cfg.threads, cfg.allow_model_download), ""
    except ModelError as exc:
        return get_embedder(DEFAULT_EMBED_MODEL, cfg.threads), f"{exc} Using the offline multilingual model instead."


@st.cache_resource(show_spinner=False)
def speaker() -> Speaker:
    """The shared speaker (engines, warm festival process, disk cache under data_dir).

    Piper's voice model (about 2 s to load) is loaded in the background right away, so
    the first English sentence is not delayed by it.
    """
    spk = Speaker(settings())
    for engine in spk.engines:
        if isinstance(engine, PiperEngine) and engine.available():
            threading.Thread(target=engine.warm, daemon=False, name="margo-piper-warm").start()
    return spk


def llm() -> LLMClient | None:
    """The configured LLM client, or None in offline mode."""
    return llm_from_settings(settings())


ROUTER_RAN_KEY = "_margo_router_ran"
"""Session-state key ``app.py`` sets when it builds the navigation."""


def leave_legacy_pages_mode() -> None:
    """Make a first visit to a deep link (``/channels``) use ``app.py``'s navigation.

    Streamlit treats a ``pages/`` folder beside the main script as a v1 multipage app
    until ``st.navigation`` first runs: before that, a deep link runs the page file
    directly and the sidebar lists every file of ``pages/`` (``_common``, ``_avatar``
    included). Here, switch Streamlit to ``st.navigation`` mode and rerun once, so the
    router builds the navigation and resolves the same URL. (Streamlit 1.67 internals:
    ``PagesManager.uses_pages_directory``.) A session in which the router already ran
    (``ROUTER_RAN_KEY``, set by ``app.py``) is left alone: AppTest resets that flag on
    every run, and a rerun there would drop the widget event being tested.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get(ROUTER_RAN_KEY):
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar_status() -> None:
    """Show, in the sidebar, whether answers are offline or from an LLM, and the embedder."""
    leave_legacy_pages_mode()
    client = llm()
    model, notice = embedder()
    with st.sidebar:
        if client is None:
            st.caption(
                ":material/cloud_off: **Offline mode**: extractive answers and summaries. "
                "Set `MARGO_LLM_BASE_URL` and `MARGO_LLM_MODEL` for generative ones."
            )
        else:
            st.caption(f":material/cloud: **LLM**: {client.label} (offline fallback on failure)")
        st.caption(f":material/hub: Embeddings: `{model.name}`")
        if notice:
            st.warning(notice)
