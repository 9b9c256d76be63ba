"""Shared objects for the interview tests: one scorer per test session (real offline USE model)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.embeddings import get_embedder
from core.interview.bank import default_bank
from core.interview.scoring import Scorer


@lru_cache(maxsize=1)
def scorer(cache_dir: str = "") -> Scorer:
    """A scorer over the shipped bank; bank embeddings are computed once per process."""
    return Scorer(get_embedder(), default_bank(), Path(cache_dir) if cache_dir else None)
