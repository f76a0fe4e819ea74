"""Servers on 127.0.0.1 for the federation tests: a Wikidata stand-in and our own endpoint."""

from __future__ import annotations

import os
import shutil
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

from endpoint_server import PROJECT_ROOT, free_port

STANDIN_DATA = Path(__file__).resolve().parent / "data" / "wikidata-standin"


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start in {timeout} s: {log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def wikidata_standin(folder: Path) -> Iterator[str]:
    """`oxigraph serve` in memory, loaded with the stand-in extract; yields its query URL."""
    binary = shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the oxigraph command is missing: pip install -e '.[test]'")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "standin.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(base + "/query?query=ASK%7B%7D", process, log)
        for name in ("countries.ttl", "heads-of-state.ttl"):
            request = urllib.request.Request(
                base + "/store?default", data=(STANDIN_DATA / name).read_bytes(), method="POST",
                headers={"Content-Type": "text/turtle"},
            )
            with urllib.request.urlopen(request, timeout=30):
                pass
        yield base + "/query"
    finally:
        _stop(process)


@contextmanager
def newsgraph_server(folder: Path, **settings: str) -> Iterator[str]:
    """Our server on the seed data (autoloaded into an empty store); yields its /sparql URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({
        "NEWSGRAPH_STORE": str(folder / "store"),
        "NEWSGRAPH_HOST": "127.0.0.1",
        "NEWSGRAPH_PORT": str(port),
        "NEWSGRAPH_WORKERS": "1",
        **{"NEWSGRAPH_" + k.upper(): v for k, v in settings.items()},
    })
    log = folder / "newsgraph.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.serve"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        _wait_for(url + "?query=ASK%7B%7D", process, log, timeout=60)
        yield url
    finally:
        _stop(process)


class Trap:
    """A listening socket on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
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
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=2)
        self._sock.close()


class SlowEndpoint:
    """An HTTP endpoint on 127.0.0.1 that records request headers and never answers in time."""

    def __init__(self, delay: float) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.delay = delay
        self.requests: list[str] = []
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _serve(self) -> None:
        while self._running:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(2)
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            self.requests.append(data.decode("latin-1"))
            time.sleep(self.delay)
            conn.close()

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=self.delay + 2)
        self._sock.close()
