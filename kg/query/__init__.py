"""Running SPARQL: the engine and its killable workers, SPARQL text checks, federation.

open_engine picks where queries run; kg.query.engine defines the engine's contract.
"""

from __future__ import annotations

from kg.config import Settings
from kg.query.engine import InProcessEngine, QueryEngine
from kg.query.workers import ProcessPoolEngine
from kg.store import AnyStore as Store


def open_engine(store: Store, settings: Settings) -> QueryEngine:
    """The engine for a store: worker processes over checkpoints of an on-disk store, in-process
    otherwise (in memory; remote, where the time limit is the store's HTTP timeout)."""
    if not store.can_backup:
        return InProcessEngine(store, settings)
    return ProcessPoolEngine(store, settings)
