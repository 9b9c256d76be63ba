"""The one place that owns Streamlit caches and the shared sidebar.

Cached resources are read-only and shared by all users (settings, models). Per-user
state (the open paper, chat history, progress) lives in ``st.session_state`` only.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.embeddings import DEFAULT_EMBED_MODEL, Embedder, get_embedder
from core.errors import ModelError
from core.i18n import LANGS, Lang, resolve_ui_lang, t
from core.llm import LLMClient, LocalLLM, llm_from_settings, probe_local_llm
from core.settings import Settings
from core.speech.tts import PiperEngine, Speaker


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The app's settings (environment and .streamlit/secrets.toml), read once."""
    return Settings()


@st.cache_resource(show_spinner=False)
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
    """The configured LLM client, else the local server found (unless the user turned it off), else None."""
    client = llm_from_settings(settings())
    if client is None and st.session_state.get(LOCAL_LLM_KEY, True):
        found = local_llm()
        client = found.client(settings()) if found is not None else None
    return client


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


# --- Interface language, sidebar status, local LLM (#10) ----------------------------------

UI_LANG_KEY = "ui_lang"
"""Session-state key (and the key of the sidebar switch in ``app.py``) of the interface language."""

LOCAL_LLM_KEY = "llm_use_local"
"""Session-state key of the sidebar toggle "answer with the local model found"."""


def _browser_lang() -> tuple[str | None, str | None]:
    """``(navigator.language, Accept-Language)`` of this session's browser (None outside one)."""
    try:
        return st.context.locale, st.context.headers.get("Accept-Language")
    except Exception:  # no browser context (bare script run, some AppTest paths)
        return None, None


def ui_lang() -> Lang:
    """This session's interface language: the sidebar choice, else ``MARGO_UI_LANG``, else the browser's."""
    state = st.session_state
    if state.get(UI_LANG_KEY) not in LANGS:
        state[UI_LANG_KEY] = resolve_ui_lang(settings().ui_lang, *_browser_lang())
    return state[UI_LANG_KEY]


def language_switch() -> Lang:
    """The sidebar's language switch (rendered by ``app.py`` so it persists across pages)."""
    lang = ui_lang()
    st.sidebar.radio(
        t("app.lang.label", lang), list(LANGS), key=UI_LANG_KEY, horizontal=True,
        format_func=lambda code: {"ru": "Русский", "en": "English"}[code],
    )
    return ui_lang()


@st.cache_resource(show_spinner=False, ttl=60)
def local_llm() -> LocalLLM | None:
    """A local OpenAI-compatible server on loopback (probed at most once a minute), or None."""
    cfg = settings()
    if cfg.llm_enabled or not cfg.llm_probe_local:
        return None
    return probe_local_llm(timeout_s=cfg.llm_probe_timeout_s)


def uploader_css(lang: Lang) -> None:
    """Replace Streamlit's own English file-uploader texts with the interface language's."""
    drop, limit, browse = (t(k, lang, mb=settings().max_upload_mb) for k in ("upload.drop", "upload.limit",
                                                                            "upload.browse"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {{ content: "{drop}"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{limit}"; display: block; font-size: 0.8em; opacity: 0.7; }}
[data-testid="stFileUploaderDropzone"] button {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "{browse}"; font-size: 0.9rem; }}
</style>""")


def sidebar_status() -> None:
    """Show, in the sidebar, whether answers are offline or from a language model (in words)."""
    leave_legacy_pages_mode()
    lang = ui_lang()
    uploader_css(lang)
    client = llm()
    _, notice = embedder()
    with st.sidebar:
        found = local_llm()
        if client is None and found is None:
            st.caption(t("common.sidebar.offline", lang))
        elif found is not None and not settings().llm_enabled:
            st.caption(t("common.sidebar.llm_local", lang, label=f"{found.model} @ 127.0.0.1"))
            st.toggle(t("common.sidebar.use_local", lang), value=True, key=LOCAL_LLM_KEY)
        else:
            st.caption(t("common.sidebar.llm", lang, label=client.label))
        if notice:
            st.warning(t("common.embed.fallback", lang))
