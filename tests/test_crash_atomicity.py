"""kill -9 in the middle of an ingest leaves every article either wholly in the store or absent."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench.synthetic import write_synthetic_articles
from kg.config import Settings
from kg.ingest.bootstrap import ensure_initialized
from kg.ingest.writer import Ingestor
from kg.model.iris import Iris
from kg.model.vocab import NG
from kg.store import Store

BASE = "https://w3id.org/newsgraph/"


def _size(folder: Path) -> int:
    """Bytes in a folder whose files RocksDB keeps creating and deleting under our feet."""
    total = 0
    for entry in os.scandir(folder) if folder.exists() else ():
        with contextlib.suppress(FileNotFoundError):
            total += entry.stat().st_size
    return total


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
    # Wait until the writer is some batches in (the whole run writes about 90 MB), then kill it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if _size(store_path) > 20_000_000:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    # Reopen the way every kg command and `kg serve` does: recovery first.
    reopened = subprocess.run([sys.executable, "-m", "kg.cli", "stats"], env=env, capture_output=True, text=True)
    assert reopened.returncode == 0, reopened.stderr
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


def test_reopening_drops_an_article_whose_metadata_never_arrived(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    write_synthetic_articles(facts, 2)
    store = Store(str(tmp_path / "store"))
    iris = Iris(Settings().base_iri)
    ingestor = Ingestor(store, iris)
    ingestor.ingest_paths([facts / "synthetic-000000.yaml"])
    # What a crash between the bulk load of an article's facts and its metadata leaves behind:
    # the graphs, marked as being written.
    half = ingestor.map_file(facts / "synthetic-000001.yaml")
    store.write(insert=[ox.Quad(ox.NamedNode(g), ox.NamedNode(NG.writeInProgress),
                                ox.Literal("2025-01-01T00:00:00Z"), ox.NamedNode(iris.meta_graph))
                        for g in half.graphs])
    store.bulk_load(io.BytesIO(half.facts_nquads), "application/n-quads")
    assert store.has_graph(f"{BASE}graph/article/synthetic-000001")
    # A graph written through the Graph Store or an update has no record, and must stay.
    by_hand = f"{BASE}graph/article/written-by-hand"
    store.write(insert=[ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"),
                                ox.Literal("o"), ox.NamedNode(by_hand))])

    settings = Settings(store=str(tmp_path / "store"), autoload=False)
    ensure_initialized(store, settings)
    assert not store.has_graph(f"{BASE}graph/article/synthetic-000001")
    assert not store.has_graph(f"{BASE}graph/article/synthetic-000001/inferred")
    assert store.has_graph(f"{BASE}graph/article/synthetic-000000")
    assert store.has_graph(f"{BASE}graph/article/synthetic-000000/inferred")
    assert store.has_graph(by_hand)
    assert not store.ask(f"ASK {{ ?g <{NG.writeInProgress}> ?started }}")
