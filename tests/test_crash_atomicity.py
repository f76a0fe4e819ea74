"""kill -9 in the middle of an ingest leaves every article either wholly in the store or absent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kg.store import Store
from kg.synthetic import write_synthetic_articles

BASE = "https://w3id.org/newsgraph/"


def test_kill_9_mid_ingest_leaves_whole_articles(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    write_synthetic_articles(tmp_path / "facts", 1500)
    env = {**os.environ, "NEWSGRAPH_STORE": str(store_path), "NEWSGRAPH_AUTOLOAD": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "ingest", str(tmp_path / "facts")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Wait until the writer has started writing batches (RocksDB's log grows), then kill it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        written = sum(f.stat().st_size for f in store_path.glob("*.log")) if store_path.exists() else 0
        if written > 35_000_000:  # a batch of 100 articles is about 15 MB of log
            break
        time.sleep(0.01)
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    store = Store(str(store_path))
    graphs = {g for g in store.named_graphs() if "/graph/article/" in g and not g.endswith("/inferred")}
    assert 0 < len(graphs) < 1500, len(graphs)
    sizes = {
        r["g"].value: int(r["n"].value)
        for r in store.select("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    expected = sizes[f"{BASE}graph/article/synthetic-000000"]
    for graph in graphs:
        article_id = graph.rsplit("/", 1)[-1]
        assert sizes[graph] == expected, f"{graph} is half-written"
        assert sizes.get(graph + "/inferred", 0) > 0, f"{graph} lacks its inferred types"
        assert store.ask(f"ASK {{ GRAPH <{BASE}graph/meta> {{ <{BASE}id/article/{article_id}> ?p ?o }} }}")
    metadata_only = store.select(
        f"SELECT ?a {{ GRAPH <{BASE}graph/meta> {{ ?a a <https://w3id.org/newsgraph/ontology#Article> }} }}"
    )
    assert len(metadata_only) == len(graphs)
