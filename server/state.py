"""What the views share: the settings, the store, the query engine and the page caches of the running app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from flask import current_app

from kg.config import Settings
from kg.model.iris import Iris
from kg.publish.activity import ActivityCache
from kg.publish.instances import InstanceCache
from kg.publish.search import SearchCache
from kg.publish.stats import OverviewCache
from kg.publish.void import DumpCache, VoidCache
from kg.query.engine import QueryEngine
from kg.store import AnyStore
from server.http.auth import is_owner, require_writer


class PageCaches(NamedTuple):
    """What pages count over the whole store, kept per data version (kg.publish.refresh)."""

    activity: ActivityCache  # an entity's events
    overview: OverviewCache  # the home page's figures
    void: VoidCache  # the VoID description's
    instances: InstanceCache  # a class page's sorted instances
    search: SearchCache  # the label index of the search box
    dumps: DumpCache  # the gzipped N-Quads of /dumps


@dataclass
class Newsgraph:
    """What the views need: settings, the store, the query engine over it and the page caches."""

    settings: Settings
    store: AnyStore
    engine: QueryEngine
    # The token of the store's owner (kg.store.serving): `kg` commands write through it.
    owner_token: str | None = None
    caches: PageCaches = field(init=False)

    def __post_init__(self) -> None:
        store = self.store
        self.caches = PageCaches(ActivityCache(store), OverviewCache(store),
                                 VoidCache(store, Iris(self.settings.base_iri)), InstanceCache(store),
                                 SearchCache(), DumpCache())

    def require_writer(self, authorization: str | None) -> None:
        """Let a write through with the write token or the owner's (server.http.auth)."""
        require_writer(self.settings.write_token, authorization, owner_token=self.owner_token)

    def is_owner(self, authorization: str | None) -> bool:
        """Whether a request carries the owner's bearer token: `kg` on this machine, as the store's owner."""
        return is_owner(authorization, self.owner_token)

    def close(self) -> None:
        """Stop the query workers and remove the dump files; the caller that opened the store closes it."""
        self.engine.close()
        self.caches.dumps.close()


def state() -> Newsgraph:
    """The Newsgraph state of the current app."""
    return current_app.extensions["newsgraph"]
