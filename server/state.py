"""What the views share: the settings, the store and the query engine of the running app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from kg.config import Settings
from kg.query.engine import QueryEngine
from kg.store import AnyStore


@dataclass
class Newsgraph:
    """What the views need: settings, the store and the query engine over it."""

    settings: Settings
    store: AnyStore
    engine: QueryEngine

    def close(self) -> None:
        """Stop the query workers; the caller that opened the store closes it."""
        self.engine.close()


def state() -> Newsgraph:
    """The Newsgraph state of the current app."""
    return current_app.extensions["newsgraph"]
