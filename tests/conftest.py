"""Shared fixtures: real stores on disk, the shared data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "article-001.txt"

# The smallest useful facts file: one article, one meeting of two gazetteer persons.
MEETING_FACTS = """
article: {id: test-1, title: A test article, publisher: Reuters, published: 2025-06-23}
facts:
  - key: meeting
    type: Meeting
    label: Putin meets Araghchi
    date: Monday
    participant: [Vladimir Putin, Abbas Araghchi]
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh on-disk store in a temporary folder, ignoring the environment."""
    return Settings(store=str(tmp_path / "store"))


@pytest.fixture(scope="session")
def seeded_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store initialised once with the ontology, reference data and seed articles."""
    from kg.ingest.bootstrap import initialize
    from kg.store import Store

    path = tmp_path_factory.mktemp("seeded") / "store"
    store = Store(str(path))
    summary = initialize(store, Settings(store=str(path)))
    assert summary.errors == [], summary.errors
    del store  # release the lock: tests reopen it
    return path


@pytest.fixture(scope="module")
def seeded(seeded_store_path: Path):
    """The seeded store, opened read-only (several modules share it)."""
    from kg.store import Store

    return Store(str(seeded_store_path), read_only=True)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")
