"""Servers on 127.0.0.1 for the federation tests: a Wikidata stand-in and our own endpoint."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from endpoint_server import free_port, serve_newsgraph, stop, wait_for

STANDIN_DATA = Path(__file__).resolve().parent / "data" / "wikidata-standin"


@contextmanager
def wikidata_standin(folder: Path) -> Iterator[str]:
    """`oxigraph serve` in memory, loaded with the stand-in extract; yields its query URL."""
    # Beside the running interpreter, so that a venv need not be activated (not PATH).
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        raise RuntimeError(f"{binary} is missing: pip install -e '.[test]'")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "standin.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(base + "/query?query=ASK%7B%7D", process, log)
        for name in ("countries.ttl", "heads-of-state.ttl"):
            request = urllib.request.Request(
                base + "/store?default", data=(STANDIN_DATA / name).read_bytes(), method="POST",
                headers={"Content-Type": "text/turtle"},
            )
            with urllib.request.urlopen(request, timeout=30):
                pass
        yield base + "/query"
    finally:
        stop(process)


@contextmanager
def newsgraph_server(folder: Path, **settings: str) -> Iterator[str]:
    """Our server on the seed data (autoloaded into an empty store); yields its /sparql URL."""
    with serve_newsgraph(folder, folder / "store", workers="1", **settings) as server:
        yield server.sparql


class _Listener:
    """A socket listening on 127.0.0.1 whose connections a thread hands to ``handle``."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while self._running:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self, wait: float = 2.0) -> None:
        self._running = False
        self._thread.join(timeout=wait)
        self._sock.close()


class Trap(_Listener):
    """Counts the connections it receives: a refused SERVICE must cause none."""

    def __init__(self) -> None:
        self.connections = 0
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        self.connections += 1
        conn.close()


class SlowEndpoint(_Listener):
    """Records request headers and never answers in time."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.requests: list[str] = []
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass  # a client that hangs up early still counts as a request
        self.requests.append(data.decode("latin-1"))
        time.sleep(self.delay)
        conn.close()

    def close(self, wait: float = 2.0) -> None:
        super().close(wait=self.delay + wait)
