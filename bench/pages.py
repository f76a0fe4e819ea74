"""Entity pages and label search at scale: p50/p99 in ms over a real server, with targets.

    python bench/pages.py --data big.nq        (e.g. from bench/endpoint_data.py, ~1.2M quads)

Loads the file plus the ontology and gazetteer into a fresh store, starts `python -m
server.serve` on 127.0.0.1, and times sequential requests of an entity page (HTML and
Turtle), an event page and the autocomplete search. As a peer for the entity page it times
`DESCRIBE <entity>` on `oxigraph serve` over the same data (pip package `oxigraph`).
Target (issue 6): an entity page and a label search under 50 ms at p50 at 1M quads.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoint import _free_port, _media_type, _select, _wait  # noqa: E402
from kg.config import Settings  # noqa: E402
from kg.ingest.bootstrap import load_reference  # noqa: E402
from kg.model.iris import Iris  # noqa: E402
from kg.store import Store  # noqa: E402


def timed(url: str, count: int, accept: str = "text/html") -> tuple[float, float]:
    """p50 and p99 in ms of ``count`` sequential GETs (after two warm-up requests)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    for _ in range(2):
        urllib.request.urlopen(request, timeout=60).read()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="newsgraph-pages-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        store = Store(str(folder / "ours"))
        store.bulk_load(args.data, _media_type(args.data))
        load_reference(store, Iris(Settings().base_iri))
        store.optimize()
        quads = len(store)
        del store
        subprocess.run(["oxigraph", "load", "--location", str(folder / "theirs"), "--file", str(args.data)],
                       check=True, capture_output=True)
        port, peer_port = _free_port(), _free_port()
        env = {**os.environ, "NEWSGRAPH_STORE": str(folder / "ours"), "NEWSGRAPH_PORT": str(port),
               "NEWSGRAPH_HOST": "127.0.0.1", "NEWSGRAPH_AUTOLOAD": "false"}
        processes.append(subprocess.Popen([sys.executable, "-m", "server.serve"], env=env, cwd=ROOT,
                                          stderr=subprocess.DEVNULL))
        processes.append(subprocess.Popen(
            ["oxigraph", "serve", "--location", str(folder / "theirs"), "--bind", f"127.0.0.1:{peer_port}",
             "--union-default-graph"], stderr=subprocess.DEVNULL))
        base, peer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{peer_port}/query"
        _wait(base + "/sparql", processes[0])
        _wait(peer, processes[1])

        ng = "https://w3id.org/newsgraph/"
        agent = f"<{ng}ontology#agent>"
        [busiest] = _select(base + "/sparql", (
            f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?e {agent} ?s }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"))
        [event] = _select(base + "/sparql", f"SELECT ?e WHERE {{ ?e <{ng}ontology#agent> ?s }} LIMIT 1")
        entity, event_iri = busiest["s"], event["e"]
        print(f"{quads:,} quads; entity {entity} (agent of {busiest['n']} events); event {event_iri}")
        describe = peer + "?query=" + urllib.parse.quote(f"DESCRIBE <{entity}>")
        rows = [
            ("entity page (HTML)", base + entity.removeprefix(ng[:-1]) + ".html", "text/html"),
            ("entity page (Turtle)", base + entity.removeprefix(ng[:-1]) + ".ttl", "text/turtle"),
            ("event page (HTML)", base + event_iri.removeprefix(ng[:-1]) + ".html", "text/html"),
            ("label search (JSON)", base + "/search.json?q=sta", "application/json"),
            ("peer: DESCRIBE entity", describe, "text/turtle"),
        ]
        print(f"{'request':28} {'p50 ms':>8} {'p99 ms':>8}")
        for name, url, accept in rows:
            p50, p99 = timed(url, args.requests, accept)
            verdict = "" if name.startswith("peer") else ("  under 50 ms" if p50 < 50 else "  OVER 50 ms")
            print(f"{name:28} {p50:>8.2f} {p99:>8.2f}{verdict}", flush=True)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
