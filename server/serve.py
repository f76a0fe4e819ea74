"""Serve the app with a production WSGI server: `kg serve` calls run(settings)."""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import socket
from dataclasses import fields
from typing import Any

from kg.config import Settings, env_name
from kg.errors import ConfigError
from kg.publish.void import DUMP_NAME
from kg.store.serving import ServerNotice, announce, withdraw

# One HTTP process (settings.http_threads threads): it owns the read-write store (an on-disk
# store admits one writer process), while queries run in kg.query's worker processes.


def _open_app(settings: Settings) -> Any:
    from kg.store import open_configured_store
    from server import create_app

    store = open_configured_store(settings, through_server=False)
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

    check_address(settings.host, settings.port)
    # Granian warns of "quite high" thread counts over 2 x cores + 1: ours spend their time
    # waiting for query worker processes, so the warning, shown on every start, is not ours.
    logging.getLogger("_granian").addFilter(lambda record: "quite high" not in record.getMessage())

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
        websockets=False,  # WSGI has none; said so, Granian logs a line on every start
        workers=1,
        blocking_threads=settings.http_threads,
        backlog=1024,
        log_access=False,
        # A worker that dies anyway (a parser crashing on a body) comes back, and the log says so.
        respawn_failed_workers=True,
    )
    server.serve()


def check_address(host: str, port: int) -> None:
    """Refuse an address this server cannot have to itself, before Granian starts.

    Granian binds with SO_REUSEPORT, so a second `kg serve` on a port already served would
    start without a word and the kernel would share the requests between the two stores.
    :raises ConfigError: naming the host or port and what to do.
    """
    if not 0 < port < 65536:
        raise ConfigError(f"port {port}: give a port from 1 to 65535 (--port, NEWSGRAPH_PORT)")
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(
            f"host {host!r}: not an address to listen on ({exc.strerror}); give an address of this "
            "machine, e.g. --host 127.0.0.1 (or 0.0.0.0 for every interface)"
        ) from None
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAIT is no owner
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port}: {exc.strerror}; is another `kg serve` (or another "
                "server) on that port? Stop it or choose another --port"
            ) from None


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
    settings = Settings.from_env()
    app = _open_app(settings)
    state = app.extensions["newsgraph"]
    notice = None
    if state.store.path is not None:
        # Other `kg` commands find the server here and write through it (kg.store.serving).
        here = f"http://{_local_address(settings.host)}:{settings.port}"
        notice = announce(state.store.path, f"{here}/sparql", dump=f"{here}/dumps/{DUMP_NAME}")
        state.owner_token = notice.token
    atexit.register(_close, state, notice)
    return app


def _local_address(host: str) -> str:
    """The address a command on this machine reaches a server bound to host by."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _close(state: Any, notice: ServerNotice | None) -> None:
    # Stop taking writes, stop the query workers and flush the store when the HTTP process exits.
    if notice is not None:
        withdraw(state.store.path, notice)
    state.close()
    state.store.flush()


def main() -> None:
    """`python -m server.serve`: run with settings from NEWSGRAPH_* variables."""
    run(Settings.from_env())


if __name__ == "__main__":
    main()
