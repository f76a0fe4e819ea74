"""Where the data lives: open_store picks the embedded Oxigraph store or a remote SPARQL server.

Everything else reads and writes through the contract of kg.store.base.StoreBase.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from kg.store.oxigraph import Store
from kg.store.remote import RemoteStore, is_remote
from kg.store.serving import NOTICE_NAME, running_server

if TYPE_CHECKING:
    from kg.config import Settings

__all__ = ["AnyStore", "RemoteStore", "Store", "open_configured_store", "open_store"]

AnyStore: TypeAlias = Store | RemoteStore



def open_store(
    location: str, *, read_only: bool = False, update_url: str | None = None,
    timeout: float | None = None, through_server: bool = True,
) -> AnyStore:
    """The store at a location: a remote SPARQL server for sparql+http(s):// URLs, else Oxigraph.

    An on-disk store held by a running `kg serve` is reached through that server
    (kg.store.serving), unless through_server is off. update_url and timeout only apply to
    a remote store (kg.store.remote).
    :raises StoreError: when the store cannot be opened.
    """
    if is_remote(location):
        return RemoteStore(
            location, read_only=read_only, update_url=update_url, timeout=timeout
        )
    # Asked first, even to read: opening a store read-only while a server writes to it is
    # undefined behaviour in RocksDB.
    server = running_server(location) if through_server and location != ":memory:" else None
    if server is not None:
        return RemoteStore(f"sparql+{server.endpoint}", read_only=read_only, timeout=timeout,
                           token=server.token, notice_file=str(Path(location) / NOTICE_NAME),
                           dump_url=server.dump)
    return Store(location, read_only=read_only)


def open_configured_store(
    settings: Settings, *, read_only: bool = False, through_server: bool = True
) -> AnyStore:
    """The store the settings name, with their update URL and query time limit."""
    return open_store(
        settings.store, read_only=read_only, update_url=settings.update_url or None,
        timeout=settings.query_timeout, through_server=through_server,
    )

