"""What the views share: the settings, the store and the query engine of the running app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from kg.config import Settings
from kg.query.engine import QueryEngine
from kg.store import AnyStore
from server.http.auth import is_owner, require_writer


@dataclass
class Newsgraph:
    """What the views need: settings, the store and the query engine over it."""

    settings: Settings
    store: AnyStore
    engine: QueryEngine
    # The token of the store's owner (kg.store.serving): `kg` commands write through it.
    owner_token: str | None = None

    def require_writer(self, authorization: str | None) -> None:
        """Let a write through with the write token or the owner's (server.http.auth)."""
        require_writer(self.settings.write_token, authorization, owner_token=self.owner_token)

    def is_owner(self, authorization: str | None) -> bool:
        """Whether a request carries the owner's bearer token: `kg` on this machine, as the store's owner."""
        return is_owner(authorization, self.owner_token)

    def close(self) -> None:
        """Stop the query workers; the caller that opened the store closes it."""
        self.engine.close()


def state() -> Newsgraph:
    """The Newsgraph state of the current app."""
    return current_app.extensions["newsgraph"]
