"""Shared fixtures: real stores on disk, the shared data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "article-001.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh on-disk store in a temporary folder, ignoring the environment."""
    return Settings(store=str(tmp_path / "store"))
