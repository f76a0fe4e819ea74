"""No single client holds every query worker: past its share of concurrent queries a client's
query waits for its turn, as many waiting as running, and past that gets 429 with Retry-After;
clients are told apart by the socket's peer, or by X-Forwarded-For only when the peer is a
trusted proxy (two anonymous runaway queries used to stop the endpoint)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_server import load_dataset
from werkzeug.test import Client

from kg.config import Settings
from server import create_app

# Seven unconstrained patterns over the test data: about 20^7 rows to count (hours).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"?s{i} ?p{i} ?o{i} ." for i in range(7)
) + " }"
CHEAP = "ASK { ?s ?p ?o }"
PROXY = "10.0.0.1"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    """The app over an on-disk store (real worker processes): one query per client runs, one waits."""
    load_dataset(tmp_path / "store")
    settings = Settings(
        store=str(tmp_path / "store"), autoload=False, workers=3, query_timeout=2.0,
        client_queries=1, http_threads=2, trusted_proxies=(PROXY,),  # one may wait, no more
    )
    app = create_app(settings)
    yield Client(app)
    app.extensions["newsgraph"].close()


def _get(client: Client, query: str, peer: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.get("/sparql", query_string={"query": query}, headers=headers,
                      environ_base={"REMOTE_ADDR": peer})


def _runaway(client: Client, peer: str, forwarded: str | None = None) -> threading.Thread:
    """A runaway query from peer, running (on a worker) when this returns."""
    thread = threading.Thread(target=_get, args=(client, RUNAWAY, peer, forwarded))
    thread.start()
    time.sleep(0.5)
    return thread


def _waiting(client: Client, query: str, peer: str, forwarded: str | None = None) -> tuple[threading.Thread, dict]:
    """A query from peer sent in a thread; its answer and how long it took land in the dict."""
    outcome: dict = {}

    def send() -> None:
        started = time.monotonic()
        outcome["status"] = _get(client, query, peer, forwarded).status_code
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.3)
    return thread, outcome


def test_a_client_past_its_share_waits_its_turn_then_gets_429(client: Client) -> None:
    runaway = _runaway(client, "127.0.0.2")
    waiter, outcome = _waiting(client, CHEAP, "127.0.0.2")
    assert "status" not in outcome  # waiting for the runaway to end
    refused = _get(client, CHEAP + " # third", "127.0.0.2")
    assert refused.status_code == 429, refused.text
    assert refused.headers["Retry-After"].isdigit()
    assert "client_queries" in refused.text
    # Anyone else is answered at once, and the waiting query once the runaway has ended.
    assert _get(client, CHEAP, "127.0.0.3").status_code == 200
    runaway.join(timeout=30)
    waiter.join(timeout=30)
    assert outcome["status"] == 200 and outcome["seconds"] > 1


def test_a_cached_answer_is_not_counted(client: Client) -> None:
    assert _get(client, CHEAP, "127.0.0.2").status_code == 200  # now in the result cache
    runaway = _runaway(client, "127.0.0.2")
    assert _get(client, CHEAP, "127.0.0.2").status_code == 200
    runaway.join(timeout=30)


def test_forwarded_for_names_the_client_only_behind_a_trusted_proxy(client: Client) -> None:
    behind_proxy = _runaway(client, PROXY, "198.51.100.7")
    spoofed = _runaway(client, "192.0.2.5", "198.51.100.9")
    waiters = [_waiting(client, CHEAP + " # w1", PROXY, "198.51.100.7")[0],
               _waiting(client, CHEAP + " # w2", "192.0.2.5", "198.51.100.10")[0]]
    # Through the proxy each client is its own: the full one is refused, others are not.
    assert _get(client, CHEAP, PROXY, "198.51.100.7").status_code == 429
    assert _get(client, CHEAP + " # 2", PROXY, "198.51.100.8").status_code == 200
    # A peer that is no proxy of ours is counted as itself, whatever its header says.
    assert _get(client, CHEAP + " # 3", "192.0.2.5", "198.51.100.11").status_code == 429
    assert _get(client, CHEAP + " # 4", PROXY, "198.51.100.9").status_code == 200
    for thread in (behind_proxy, spoofed, *waiters):
        thread.join(timeout=30)


def test_the_default_share_leaves_a_worker_to_others(tmp_path: Path) -> None:
    load_dataset(tmp_path / "store")
    app = create_app(Settings(store=str(tmp_path / "store"), autoload=False, workers=2))
    try:
        assert app.extensions["newsgraph"].engine.client_limit == 1
    finally:
        app.extensions["newsgraph"].close()
