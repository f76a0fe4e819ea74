"""Serve the app with a production WSGI server: `kg serve` calls run(settings)."""

from __future__ import annotations

import atexit
import multiprocessing
import os
from dataclasses import fields
from typing import Any

from kg.config import Settings, env_name

# One HTTP process (settings.http_threads threads): it owns the read-write store (an on-disk
# store admits one writer process), while queries run in kg.query's worker processes.


def _open_app(settings: Settings) -> Any:
    from kg.store import open_configured_store
    from server import create_app

    store = open_configured_store(settings)
    _bootstrap(store, settings)
    return create_app(settings, store=store)


def _bootstrap(store: Any, settings: Settings) -> None:
    """Load the demo data into an empty store (when settings.autoload is on)."""
    from kg.ingest import bootstrap

    bootstrap.ensure_initialized(store, settings)


def run(settings: Settings) -> None:
    """Serve the SPARQL endpoint on settings.host:settings.port until interrupted.

    Granian (a Rust HTTP server) measured about twice gunicorn gthread's requests per second
    here (one connection: 2,560 vs 1,410 req/s on a cached query; 3,230 vs 1,810 on a 404).
    Its worker is a fresh process: the settings travel as NEWSGRAPH_* variables.
    """
    from granian import Granian
    from granian.constants import Interfaces

    # The worker must start as a fresh interpreter, not a fork: `kg serve` has used the
    # store in this process, and RocksDB's background threads do not survive a fork, so in
    # a forked worker the first flush after a write (a checkpoint's) waited for ever.
    multiprocessing.set_start_method("spawn", force=True)
    os.environ.update(settings_environment(settings))
    server = Granian(
        "server.serve:app_from_environment",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=settings.http_threads,
        backlog=1024,
        log_access=False,
        # A worker that dies anyway (a parser crashing on a body) comes back, and the log says so.
        respawn_failed_workers=True,
    )
    server.serve()


def settings_environment(settings: Settings) -> dict[str, str]:
    """NEWSGRAPH_* variables that Settings.from_env reads back as these settings."""
    environment = {}
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if isinstance(value, tuple):
            value = " ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        environment[env_name(field.name)] = str(value)
    return environment


def app_from_environment() -> Any:
    """The WSGI app for the server's worker process, from NEWSGRAPH_* variables."""
    from kg.query.workers import follow_parent

    # Granian does not stop its worker when `kg serve` is killed (kill -9, the OOM killer):
    # this worker ends with it, and its query workers end with this one.
    follow_parent(os.getppid(), "newsgraph: the server process is gone; this worker stops too")
    app = _open_app(Settings.from_env())
    state = app.extensions["newsgraph"]
    atexit.register(_close, state)
    return app


def _close(state: Any) -> None:
    # Stop the query workers and flush the store when the HTTP process exits.
    state.close()
    state.store.flush()


def main() -> None:
    """`python -m server.serve`: run with settings from NEWSGRAPH_* variables."""
    run(Settings.from_env())


if __name__ == "__main__":
    main()
