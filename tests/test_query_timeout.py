"""A runaway query is stopped at the time limit with a 503 while others keep being served;
big results stream without being held in the server's memory."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from endpoint_server import running_server

from kg.query import workers as query_workers

LIMIT = 2.0
# Seven unconstrained patterns over the test data: about 20^7 rows to count (hours).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"?s{i} ?p{i} ?o{i} ." for i in range(7)
) + " }"
# Four patterns with a long string each: ~150,000 rows, tens of MB of JSON.
BIG = (
    "SELECT ?s0 ?s1 ?s2 ?s3 ?pad WHERE { ?s0 ?p0 ?o0 . ?s1 ?p1 ?o1 . ?s2 ?p2 ?o2 . "
    '?s3 ?p3 ?o3 . BIND("' + "x" * 200 + '" AS ?pad) }'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Every request here comes from 127.0.0.1: its share must cover both workers
    # (tests/test_fair_share.py pins the share itself).
    with running_server(tmp_path_factory.mktemp("timeout"),
                        query_timeout=str(LIMIT), client_queries="4") as running:
        yield running


def test_runaway_query_gets_503_and_others_are_served(server) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = requests.get(server.sparql, params={"query": RUNAWAY}, timeout=60)
        outcome["status"] = response.status_code
        outcome["text"] = response.text
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    # Meanwhile, a cheap query is answered at once by the other worker.
    started = time.monotonic()
    cheap = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert cheap.json()["boolean"] is True
    assert time.monotonic() - started < 1.0
    thread.join(timeout=30)
    assert outcome["status"] == 503
    assert "time limit" in str(outcome["text"])
    assert LIMIT - 0.1 <= float(outcome["seconds"]) < LIMIT + 3


def test_workers_are_replaced_after_timeouts(server) -> None:
    def runaway() -> None:
        response = requests.get(server.sparql, params={"query": RUNAWAY + " # again"},
                                timeout=60)
        assert response.status_code == 503

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for _ in range(4):
        response = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"},
                                timeout=LIMIT + 5)
        assert response.status_code == 200


def _http_process_peak_kib(server) -> int:
    """Peak RSS of the HTTP worker process (the child of the server process)."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields["PPid"]) == server.process.pid and "VmHWM" in fields:
            return int(fields["VmHWM"].split()[0])
    raise AssertionError("no HTTP worker process found")


def test_big_results_stream(tmp_path) -> None:
    # Its own server with a roomy time limit: on a busy machine streaming 30 MB may take > 2 s.
    with running_server(tmp_path, query_timeout="60", workers="1") as server:
        _stream_big_result(server)


def _stream_big_result(server) -> None:
    requests.get(server.sparql, params={"query": "SELECT * { ?s ?p ?o } LIMIT 10"})
    before = _http_process_peak_kib(server)
    size = 0
    with requests.get(server.sparql, params={"query": BIG}, stream=True, timeout=60) as response:
        assert response.status_code == 200
        assert "Content-Length" not in response.headers
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
    assert size > 30_000_000
    grown = _http_process_peak_kib(server) - before
    assert grown < 15_000, f"the HTTP process grew by {grown} KiB for a {size}-byte result"


@pytest.mark.parametrize("spin", [True, False])
def test_waiting_for_a_worker_ends_at_the_time_limit_spinning_or_not(spin: bool) -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        poller = query_workers.message_poller(ours.fileno())
        for timeout in (0.0001, 0.05):
            started = time.monotonic()
            assert query_workers.wait_for_message(poller, spin, timeout) is False
            assert timeout <= time.monotonic() - started < timeout + 0.5
        theirs.send(b"x")
        assert query_workers.wait_for_message(poller, spin, 0.05) is True
