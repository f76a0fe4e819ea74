"""A real Newsgraph server on 127.0.0.1 for the endpoint tests (`kg serve` in a subprocess)."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATASET = Path(__file__).resolve().parent / "data" / "endpoint.trig"
TOKEN = "test-token"
NG = "https://w3id.org/newsgraph/ontology#"
ID = "https://w3id.org/newsgraph/id/"
GRAPH = "https://w3id.org/newsgraph/graph/"
ARTICLE_GRAPH = GRAPH + "article/a1"


@dataclass
class Server:
    """A running server: its base URL and the endpoints under it."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def store(self) -> str:
        return self.url + "/store"


def free_port() -> int:
    """A port nobody listens on right now (127.0.0.1 only)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_dataset(store_path: Path) -> None:
    """Fill a new on-disk store with the test dataset, then release its lock."""
    store = Store(str(store_path))
    store.load(DATASET, "application/trig")
    store.flush()
    del store
    gc.collect()  # pyoxigraph releases the store's lock when the object is freed


@contextmanager
def running_server(folder: Path, **settings: str) -> Iterator[Server]:
    """Our server over the test dataset, with write token and loopback SERVICE allowed."""
    store_path = folder / "store"
    load_dataset(store_path)
    defaults = {
        "autoload": "false",
        "workers": "2",
        "write_token": TOKEN,
        "allowed_services": "http://127.0.0.1:",
    }
    with serve_newsgraph(folder, store_path, **{**defaults, **settings}) as server:
        yield server


@contextmanager
def serve_newsgraph(
    folder: Path, store_path: Path, *, port: int | None = None, **settings: str
) -> Iterator[Server]:
    """Start `kg serve` on a free port (or port) with NEWSGRAPH_* settings; stop it after."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({
        "NEWSGRAPH_STORE": str(store_path),
        "NEWSGRAPH_HOST": "127.0.0.1",
        "NEWSGRAPH_PORT": str(port),
        **{"NEWSGRAPH_" + k.upper(): v for k, v in settings.items()},
    })
    log = folder / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            # The command users run: it opens the store before the server starts its worker.
            [sys.executable, "-m", "kg.cli", "serve"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_for(server.sparql + "?query=ASK%7B%7D", process, log, timeout=60)
        yield server
    finally:
        stop(process)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers; fail with the server's log if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting, or busy
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start in {timeout} s: {log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, killing it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
