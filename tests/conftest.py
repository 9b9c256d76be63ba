"""Shared fixtures: the real public data beside the repository, settings in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, Settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


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
