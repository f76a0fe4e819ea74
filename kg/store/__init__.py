"""Where the data lives: open_store picks the embedded Oxigraph store or a remote SPARQL server.

Everything else reads and writes through the contract of kg.store.base.StoreBase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from kg.store.oxigraph import Store
from kg.store.remote import RemoteStore, is_remote

if TYPE_CHECKING:
    from kg.config import Settings

__all__ = ["AnyStore", "RemoteStore", "Store", "open_configured_store", "open_store"]

AnyStore: TypeAlias = Store | RemoteStore



def open_store(
    location: str, *, read_only: bool = False, update_url: str | None = None,
    timeout: float | None = None,
) -> AnyStore:
    """The store at a location: a remote SPARQL server for sparql+http(s):// URLs, else Oxigraph.

    update_url and timeout only apply to a remote store (kg.store.remote).
    :raises StoreError: when the store cannot be opened.
    """
    if is_remote(location):
        return RemoteStore(
            location, read_only=read_only, update_url=update_url, timeout=timeout
        )
    return Store(location, read_only=read_only)


def open_configured_store(settings: Settings, *, read_only: bool = False) -> AnyStore:
    """The store the settings name, with their update URL and query time limit."""
    return open_store(
        settings.store, read_only=read_only, update_url=settings.update_url or None,
        timeout=settings.query_timeout,
    )

