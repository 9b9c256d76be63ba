"""Shared fixtures: the real public data beside the repository, settings in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as _st_config

from core.settings import PROJECT_ROOT, Settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

# .streamlit/config.toml hides uncaught errors from users (client.showErrorDetails = "none");
# tests want the real message in ``at.exception`` (#10). The file is parsed first, then overridden.
_st_config.get_option("client.showErrorDetails")
_st_config.set_option("client.showErrorDetails", "full")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it are skipped, with the reason shown, when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data not found at ../shared/data (looked in {SHARED_DATA.parent.name}/data)")
    return SHARED_DATA


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Offline settings whose data directory is a fresh temporary folder."""
    return Settings(data_dir=tmp_path / "data", llm_base_url=None, llm_model=None)


@pytest.fixture()
def offline_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Factory of an AppTest of ``app.py`` in offline mode with a fresh data directory.

    ``offline_app("pages/x.py")`` runs the router, switches to that page and returns the
    AppTest; Streamlit's process-global resource cache is cleared before and after.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MARGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("MARGO_LLM_MODEL", raising=False)
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("MARGO_UI_LANG", "en")  # #10: page tests read English labels; test_i18n covers ru
    monkeypatch.setenv("MARGO_LLM_PROBE_LOCAL", "false")  # #10: no probing of this machine's ports
    monkeypatch.setenv("MARGO_SPEECH_BACKGROUND", "false")  # #10: page tests do not synthesize speech
    st.cache_resource.clear()

    def make(page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    yield make
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def open_dev_paper(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """A function ``name -> (ReaderDocument, embedder)`` opening ``../shared/data/qasper_dev/papers/<name>``
    with the default offline embedder into a fresh index folder; skips the test (reason shown) when absent."""
    from core.embeddings import get_embedder
    from core.reader.documents import open_document

    def open_(name: str):
        path = shared_data / "qasper_dev" / "papers" / name
        if not path.exists():
            pytest.skip(f"{path} is absent")
        embedder = get_embedder()
        return open_document(path.read_bytes(), embedder, tmp_path_factory.mktemp("idx")), embedder

    return open_
