"""Serve the app with a production WSGI server: `kg serve` calls run(settings)."""

from __future__ import annotations

import sys
from typing import Any

from kg.config import Settings

# One HTTP process: it owns the read-write store (an on-disk store admits one writer
# process), while queries run in kg.query's worker processes, which use the other cores.
THREADS = 16


def _open_app(settings: Settings) -> Any:
    from kg.store import Store
    from server import create_app

    store = Store(settings.store)
    _bootstrap(store, settings)
    return create_app(settings, store=store)


def _bootstrap(store: Any, settings: Settings) -> None:
    """Load the demo data into an empty store (when settings.autoload is on)."""
    from kg import bootstrap

    bootstrap.ensure_initialized(store, settings)


def run(settings: Settings) -> None:
    """Serve the SPARQL endpoint on settings.host:settings.port until interrupted."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", [f"{settings.host}:{settings.port}"])
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", THREADS)
            self.cfg.set("keepalive", 30)
            # Queries have their own time limit in kg.query; this one only catches a hung
            # HTTP process, so it must be longer.
            self.cfg.set("timeout", int(settings.query_timeout) + 60)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("accesslog", None)
            self.cfg.set("control_socket_disable", True)
            self.cfg.set("worker_exit", _worker_exit)

        def load(self) -> Any:
            # Runs in the worker after the fork: the store must be opened there, not in
            # the arbiter, or the forked process would share RocksDB's state.
            return _open_app(settings)

    sys.argv = sys.argv[:1]  # gunicorn reads sys.argv; our flags are not its flags
    Application().run()


def _worker_exit(server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    state = getattr(app, "extensions", {}).get("newsgraph") if app is not None else None
    if state is not None:
        state.close()
        state.store.flush()


def main() -> None:
    """`python -m server.serve`: run with settings from NEWSGRAPH_* variables."""
    run(Settings.from_env())


if __name__ == "__main__":
    main()
