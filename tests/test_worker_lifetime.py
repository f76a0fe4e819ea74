"""Query workers follow the server: when `kg serve` dies, however it died, they are gone within
a second or two (an orphaned worker held a checkpoint and ~100 MB for 21 minutes)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests
from endpoint_server import running_server

GONE_WITHIN = 2.5  # seconds: a second to notice, the rest for a loaded machine
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie has ended already


def descendants(root: int) -> list[int]:
    """Every live process under root."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return [pid for pid in found if alive(pid)]


def query_workers(pids: list[int]) -> list[int]:
    def cmdline(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return ""
    return [pid for pid in pids if "_worker_main" in cmdline(pid)]


def wait_until_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def kill_left(pids: list[int]) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "mid-query"])
def test_workers_end_when_the_server_is_killed(tmp_path, busy: bool) -> None:
    with running_server(tmp_path, workers="2", query_timeout="60") as server:
        everyone = descendants(server.process.pid)
        workers = query_workers(everyone)
        assert len(workers) == 2, everyone
        if busy:  # a worker deep in a query reads nothing from its socket
            threading.Thread(
                target=lambda: requests.get(server.sparql, params={"query": RUNAWAY}, timeout=30),
                daemon=True,
            ).start()
            time.sleep(1.0)
        try:
            server.process.kill()
            server.process.wait()
            killed = time.monotonic()
            left = wait_until_gone(workers, GONE_WITHIN)
            assert left == [], f"query workers {left} outlived the server"
            assert wait_until_gone(everyone, GONE_WITHIN) == []  # the HTTP worker too
            assert time.monotonic() - killed < GONE_WITHIN
        finally:
            kill_left(everyone)


def test_workers_end_when_the_http_worker_is_killed(tmp_path) -> None:
    # The process that owns the engine (Granian's worker) dies, not `kg serve` itself.
    with running_server(tmp_path, workers="2") as server:
        everyone = descendants(server.process.pid)
        workers = query_workers(everyone)
        owner = {_stat(pid)[1] for pid in workers}  # type: ignore[index]
        assert len(workers) == 2 and len(owner) == 1
        try:
            os.kill(owner.pop(), signal.SIGKILL)
            assert wait_until_gone(workers, GONE_WITHIN) == []
        finally:
            kill_left(everyone)


def test_a_dead_http_worker_is_respawned_and_the_log_says_so(tmp_path) -> None:
    with running_server(tmp_path, workers="1") as server:
        owner = {_stat(pid)[1] for pid in query_workers(descendants(server.process.pid))}.pop()  # type: ignore[index]
        os.kill(owner, signal.SIGKILL)  # as a parser crashing on a request body would
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = requests.get(server.sparql, params={"query": "ASK {}"}, timeout=5).json()
                if alive(owner) is False and answer == {"head": {}, "boolean": True}:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        assert answer == {"head": {}, "boolean": True}
        assert server.log.read_text().count("Spawning worker") >= 2  # the first one, then its successor
