"""The one place that owns Streamlit caches and the shared sidebar.

Cached resources are read-only and shared by all users (settings, models). Per-user
state (the open paper, chat history, progress) lives in ``st.session_state`` only.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.embeddings import DEFAULT_EMBED_MODEL, Embedder, get_embedder
from core.errors import MargoError, ModelError, RateLimitError, SettingsError
from core.i18n import LANGS, Lang, resolve_ui_lang, t
from core.identity import Identity, resolve_identity, workspace_for
from core.limits import RateLimiter, limiter_from_settings
from core.llm import LLMClient, LocalLLM, llm_from_settings, probe_local_llm
from core.settings import PROJECT_ROOT, Settings, load_settings
from core.speech.stream import SpeechStreamer, delete_user_speech
from core.speech.tts import Speaker
from core.workspace import Workspace, sweep_anonymous


@st.cache_resource(show_spinner=False)
def _settings_or_error() -> tuple[Settings | None, str]:
    """The settings, or None and the one-line error naming the bad setting (#11)."""
    try:
        return load_settings(), ""
    except SettingsError as exc:
        return None, str(exc)


def settings() -> Settings:
    """The app's settings (environment and .streamlit/secrets.toml), read once.

    An invalid setting stops the page with one line naming it (no traceback).
    """
    cfg, error = _settings_or_error()
    if cfg is None:
        if not st.session_state.get(ROUTER_RAN_KEY):
            # Stopped in app.py before the router: register a hidden navigation, or Streamlit
            # lists every file of pages/ in the sidebar (its v1 multipage mode).
            st.navigation([st.Page(lambda: None, title="Margo", url_path="margo")], position="hidden")
        st.error(t("hosting.settings.invalid", ui_lang_safe(), detail=error), icon=":material/error:")
        st.stop()
    return cfg


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
    """The shared speaker (engines, warm festival process); pages pass each user's own
    audio cache (``speech_cache_dir(user_settings())``, #11b).

    The default offline voices (Piper's model, about 0.5-2 s to load; festival's process) are
    loaded in the background right away (#10v: ``Speaker.warm``), so the first sentence is not
    delayed by them; ``pages._avatar.warm_speech`` calls this at app start.
    """
    spk = Speaker(settings())
    if settings().speech_background:  # page tests (no background speech) skip the warm-up
        threading.Thread(target=spk.warm, daemon=False, name="margo-speech-warm").start()
    return spk


SPEECH_STATIC_DIR = PROJECT_ROOT / "static" / "speech"
"""Where streamed sentences are written: Streamlit's static folder (``/app/static/speech/``, #10)."""


@st.cache_resource(show_spinner=False)
def streamer() -> SpeechStreamer:
    """The one background speech worker of this process (sentence files under ``static/speech``)."""
    return SpeechStreamer(speaker(), SPEECH_STATIC_DIR, background=settings().speech_background)


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


UI_LANG_WIDGET_KEY = "ui_lang_switch"
"""Key of the sidebar radio; its value is copied to :data:`UI_LANG_KEY` (widget values are
dropped when the user switches pages, plain session keys are not)."""


def _copy_lang_choice() -> None:
    st.session_state[UI_LANG_KEY] = st.session_state[UI_LANG_WIDGET_KEY]


def lang_name(code: str | None, lang: Lang) -> str:
    """A text's language (ISO 639-1 ``code``: ``"en"``) named in the interface language ("английский");
    a code without a name (``"de"``) is shown in capitals."""
    key = f"common.lang_name.{(code or '').lower()}"
    name = t(key, lang)
    return (code or "?").upper() if name == key else name


def language_switch() -> Lang:
    """The sidebar's language switch (rendered by ``app.py``, before the page)."""
    lang = ui_lang()
    st.sidebar.radio(
        t("app.lang.label", lang), list(LANGS), index=LANGS.index(lang), key=UI_LANG_WIDGET_KEY,
        horizontal=True, on_change=_copy_lang_choice,
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
    """Replace Streamlit's own English file-uploader texts with the interface language's (the
    Lectures uploader, key ``lectures_upload``, states its own larger limit)."""
    drop, limit, browse = (t(k, lang, mb=settings().max_upload_mb) for k in ("upload.drop", "upload.limit",
                                                                            "upload.browse"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {{ content: "{drop}"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{limit}"; display: block; font-size: 0.8em; opacity: 0.7; }}
[data-testid="stFileUploaderDropzone"] button:not([kind="minimal"]):not([kind="borderlessIcon"]) {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button:not([kind="minimal"]):not([kind="borderlessIcon"]) * {{
  font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button:not([kind="minimal"]):not([kind="borderlessIcon"])::after {{
  content: "{browse}"; font-size: 0.9rem; }}
.st-key-lectures_upload [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{t("upload.limit", lang, mb=settings().lecture_max_upload_mb)}"; }}
{_russian_library_css() if lang == "ru" else ""}
</style>""")


def _russian_library_css() -> str:
    """Streamlit's own English texts that a Russian interface hides or replaces (#10u): an uploaded
    file's size in English units ("70.7KB") is hidden; an empty date field's "dd.mm.yyyy" segments
    (react-aria's placeholders) read "дд.мм.гггг" (typing a date replaces them); the keyboard users'
    "Skip to main content" link says it in Russian."""
    seg = '[data-testid="stDateInput"] [role="spinbutton"][data-placeholder="true"]'
    dates = "\n".join(f'{seg}[data-type="{part}"] {{ font-size: 0; }}\n'
                      f'{seg}[data-type="{part}"]::after {{ content: "{t(f"common.date.{part}", "ru")}"; '
                      f'font-size: 0.875rem; }}' for part in ("day", "month", "year"))
    return f"""[data-testid="stFileChipName"] + div {{ display: none; }}
{dates}
[data-testid="stSkipToContent"] {{ font-size: 0; }}
[data-testid="stSkipToContent"]::after {{ content: "{t('common.skip_to_content', 'ru')}"; font-size: 1rem; }}"""


def remembered_tabs(key: str, labels: dict[str, str]) -> list:
    """``st.tabs`` that stay on the tab the user opened when the interface language changes.

    A stateless tab bar's open tab is browser-local, and a tab's label is part of the bar's
    identity, so a switch of language makes a new bar that opens on its first tab (the Reader fell
    back to "Summary" with the question asked in "Ask", U, 2026-12-02). Here the bar is stateful
    (``key`` + ``on_change``): a click reports the open tab, kept under the plain session key
    ``f"{key}_open"`` as its language-free name (a widget's keyed value is dropped when the user
    leaves the page), and a bar whose labels changed is opened on it through
    ``st.session_state[key]``.

    ``default=`` is not used on purpose: Streamlit 1.67 hashes it into the bar's element id
    (``streamlit/elements/layouts.py``, ``compute_and_register_element_id(..., default=default)``),
    which is also the React key of the tab container (the frontend keys a block by its
    ``deltaBlock.id``), so a default that follows the click (ffa8ca2)
    gave the bar a new id on every click and the browser remounted the whole container: the chat
    box under "Ask" was replaced while the click's rerun ran and a question typed right after the
    click was lost (fresh-clone CI run, 2026-12-02; reverted in 0fdc134). Without it the id
    depends only on the labels, so a click's rerun keeps every element in place (the browser
    test checks the chat box is the same DOM node after the click's run) and only a language
    switch builds a new bar.

    Args:
        key: the tab bar's widget key, unique on the page, e.g. ``"reader_tabs"``.
        labels: tab name → label in the interface language, in display order, e.g.
            ``{"summary": "Конспект", "ask": "Вопросы"}``; labels are distinct.

    Returns:
        The tab containers, in the order of ``labels``.
    """
    state, open_key = st.session_state, f"{key}_open"
    names, shown = list(labels), list(labels.values())

    def remember() -> None:
        state[open_key] = names[shown.index(state[key])] if state.get(key) in shown else names[0]

    if state.get(key) not in shown:  # first run, a new language, or back from another page
        state[key] = labels.get(state.get(open_key), shown[0])
    return st.tabs(shown, key=key, on_change=remember)


def page_header(icon: str, feature: str) -> Lang:
    """A page's start: its title (``:material/<icon>:`` and ``<feature>.title``), its caption
    (``<feature>.caption``) and the sidebar status. Returns the interface language.

    Args:
        icon: a Material Symbols name, e.g. ``"menu_book"``.
        feature: the catalogue prefix of the page's strings, e.g. ``"reader"``.
    """
    lang = ui_lang()
    st.title(f":material/{icon}: {t(f'{feature}.title', lang)}")
    st.caption(t(f"{feature}.caption", lang))
    sidebar_status()
    return lang


def sidebar_status() -> None:
    """Show, in the sidebar, whether answers are offline or from a language model (in words)."""
    leave_legacy_pages_mode()
    lang = ui_lang()
    uploader_css(lang)
    client = llm()
    _, notice = embedder()
    with st.sidebar:
        account_panel(lang)  # #11: who you are, your data
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


# --- Hosting for many users (#11): identity, workspace, limits, "delete my data" -----------

ANON_ID_KEY = "_margo_anon_id"
"""Session-state key of this browser session's random id (names an anonymous workspace)."""


def ui_lang_safe() -> Lang:
    """:func:`ui_lang` without reading settings (used while reporting a bad setting)."""
    state = st.session_state
    return state[UI_LANG_KEY] if state.get(UI_LANG_KEY) in LANGS else resolve_ui_lang(None, *_browser_lang())


# ---- errors in the user's language (engineer E) ----
def error_text(exc: BaseException, lang: str | None = None) -> str:
    """``exc``'s message in the interface language (``MargoError.localized``; others: ``str``)."""
    lang = lang or ui_lang_safe()
    return exc.localized(lang) if isinstance(exc, MargoError) else str(exc)


def show_error(exc: BaseException, lang: str | None = None) -> None:
    """``st.error`` with ``exc``'s message in the interface language (see :func:`error_text`)."""
    st.error(error_text(exc, lang), icon=":material/error:")
# ---- end errors (engineer E) ----


def _auth_configured() -> bool:
    """True when ``[auth]`` (OIDC for ``st.login``) is in ``.streamlit/secrets.toml``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _user_info() -> dict:
    try:
        return dict(st.user) if _auth_configured() else {}
    except Exception:
        return {}


def identity() -> Identity:
    """Who this browser session is (local user; signed in with st.login; anonymous)."""
    import secrets as _secrets

    state = st.session_state
    if ANON_ID_KEY not in state:
        state[ANON_ID_KEY] = _secrets.token_urlsafe(18)
    return resolve_identity(settings(), _user_info(), state[ANON_ID_KEY])


@st.cache_resource(show_spinner=False, ttl=3600)
def _sweep() -> int:
    """Remove anonymous workspaces idle for a day (at most once an hour per server)."""
    return sweep_anonymous(settings())


def workspace() -> Workspace:
    """This user's workspace (see core.workspace); anonymous ones idle for a day are swept."""
    who = identity()
    ws = workspace_for(settings(), who)
    if settings().multi_user:
        _sweep()
        ws.touch()
    return ws


def user_settings() -> Settings:
    """Settings whose ``data_dir`` is this user's workspace: pass to stores of per-user data
    (Reader indexes, channel library, interview progress). Models and caches of shared,
    read-only resources keep :func:`settings`."""
    return workspace().scoped(settings())


# ---- bounded long work (#11h): one queue, few workers, lower OS priority ----
def heavy_run(fn, *args, **kwargs):
    """Run long work (ingest, OCR, import, transcription) through the process's one bounded pool
    (:class:`core.jobs.HeavyPool`) and wait; progress callbacks named in ``relay`` update this
    page, and while the job waits its place in the queue is shown."""
    from core.jobs import heavy_pool

    note = st.empty()

    def waiting(pos: int) -> None:
        note.caption(t("hosting.queue.waiting", ui_lang(), ahead=pos))

    try:
        return heavy_pool(settings()).run(fn, *args, on_wait=waiting, **kwargs)
    finally:
        note.empty()
# ---- end bounded long work ----


@st.cache_resource(show_spinner=False)
def limiter() -> RateLimiter:
    """The per-user rate limiter (one per server process)."""
    return limiter_from_settings(settings())


def rate_ok(action: str) -> bool:
    """Count one ``action`` ("question", "import", "speech") for this user; False (and a
    warning shown) when over the limit."""
    try:
        limiter().check(identity().user_id, action)
        return True
    except RateLimitError as exc:
        n, _ = limiter().limits[action]
        st.warning(t(f"hosting.rate.{action}", ui_lang(), n=n, wait=max(1, round(exc.retry_after_s))),
                   icon=":material/hourglass_top:")
        return False


def account_panel(lang: Lang) -> None:
    """The sidebar's "who you are" line, sign in/out, and "delete my data"."""
    who = identity()
    if who.kind == "local":
        st.caption(t("hosting.account.local", lang))
    elif who.kind == "signed_in":
        st.caption(t("hosting.account.signed_in", lang, who=who.display or "—"))
        if who.is_admin:
            st.caption(t("hosting.account.admin", lang))
        if st.button(t("hosting.account.sign_out", lang), key="hosting_logout"):
            st.logout()
    else:
        st.warning(t("hosting.account.anonymous", lang))
        if _auth_configured() and st.button(t("hosting.account.sign_in", lang), key="hosting_login"):
            st.login()
    with st.expander(t("hosting.data.title", lang)):
        ws = workspace()
        used = f"{ws.usage_bytes() / 1e6:.1f}"
        st.caption(t("hosting.data.usage", lang, used=used.replace(".", ",") if lang == "ru" else used,
                     quota=settings().workspace_quota_mb))
        sure = st.checkbox(t("hosting.data.confirm", lang), key="hosting_delete_sure")
        if st.button(t("hosting.data.delete", lang), key="hosting_delete", disabled=not sure, type="primary"):
            try:
                delete_user_speech(SPEECH_STATIC_DIR, ws)  # #11b: streamed audio outside the workspace
                ws.delete()
            except (MargoError, OSError) as exc:
                show_error(exc)
                return
            keep = {UI_LANG_KEY, ANON_ID_KEY, ROUTER_RAN_KEY}
            for key in list(st.session_state):
                if key not in keep:
                    del st.session_state[key]
            st.session_state["hosting_deleted"] = True
            st.rerun()
        if st.session_state.pop("hosting_deleted", False):
            st.success(t("hosting.data.deleted", lang), icon=":material/check:")
