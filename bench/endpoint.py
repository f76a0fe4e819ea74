"""Benchmark the SPARQL endpoint against `oxigraph serve` with wrk: req/s, p50, p99, ratios.

Either point it at two running servers (--url ours, --peer theirs) or give it a data file
(--data dump.nq|.trig): it then loads the file into two fresh stores, starts
`python -m server.serve` and `oxigraph serve --union-default-graph` on 127.0.0.1, runs the
fixed query mix at 1 and 4 connections, alternating between the two servers, and stops them.
Needs `wrk` (apt-get install -y wrk) and, for --data, the `oxigraph` command (pip install
oxigraph). Cold runs add a distinct comment to every request so no cache can answer; warm
runs repeat the same request (our ETag/result cache answers those).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NG = "https://w3id.org/newsgraph/ontology#"
PREFIXES = (
    f"PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX schema: <https://schema.org/> "
)

# The fixed mix; {state}, {other} and {meeting} are filled from the data at start.
QUERIES: dict[str, str] = {
    "entity lookup": "SELECT ?p ?o WHERE {{ <{state}> ?p ?o }}",
    "events of a state by date": (
        "SELECT ?e ?date WHERE {{ ?e ng:agent <{state}> ; ng:date ?date }} "
        "ORDER BY DESC(?date) LIMIT 20"
    ),
    "counts per event type": (
        "SELECT ?type (COUNT(?e) AS ?n) WHERE {{ ?e a ?type ; ng:date ?d }} GROUP BY ?type"
    ),
    "label search": (
        'SELECT ?s ?label WHERE {{ ?s rdfs:label ?label . '
        'FILTER(CONTAINS(LCASE(?label), "summit")) }} LIMIT 20'
    ),
    "agreements via subclass path": (
        "SELECT ?a WHERE {{ ?a a/rdfs:subClassOf* ng:Agreement ; "
        "ng:party <{state}>, <{other}> }}"
    ),
    "provenance of a meeting": (
        "SELECT ?g ?article ?headline WHERE {{ GRAPH ?g {{ <{meeting}> ?p ?o }} "
        "?g prov:wasDerivedFrom ?article . OPTIONAL {{ ?article schema:headline ?headline }} }}"
    ),
}

LUA = """
local path = "{path}"
local cold = {cold}
local counter = 0
request = function()
  counter = counter + 1
  if cold then
    -- The run's own token: Lua's random numbers repeat from run to run, so a cache would
    -- answer the next run's requests.
    return wrk.format("GET", path .. "%23{token}-" .. counter,
                      {{["Accept"] = "application/sparql-results+json"}})
  end
  return wrk.format("GET", path, nil)
end
"""


def _select(url: str, query: str) -> list[dict[str, str]]:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": PREFIXES + query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def parameters(url: str) -> dict[str, str]:
    """A busy state, a partner of it and one of its meetings, read from the data."""
    rows = _select(url, (
        "SELECT ?state ?other ?meeting WHERE { ?meeting ng:agent ?state ; ng:recipient ?other "
        "} LIMIT 1"
    ))
    if not rows:
        rows = _select(url, "SELECT ?state WHERE { ?state a ng:State } LIMIT 2")
        return {"state": rows[0]["state"], "other": rows[-1]["state"], "meeting": rows[0]["state"]}
    return rows[0]


def wrk(url: str, query: str, connections: int, seconds: float, cold: bool) -> dict[str, float]:
    """One wrk run: requests/s, p50 and p99 in milliseconds, and the error count."""
    parsed = urllib.parse.urlsplit(url)
    path = parsed.path + "?" + urllib.parse.urlencode({"query": PREFIXES + query})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(path=path.replace('"', '\\"'), cold="true" if cold else "false",
                                token=uuid.uuid4().hex))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
             "--latency", "-s", script.name,
             f"{parsed.scheme}://{parsed.netloc}"],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out)),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def _ms(match: re.Match[str] | None) -> float:
    if match is None:
        return float("nan")
    value, unit = re.match(r"([\d.]+)(\w+)", match.group(1)).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            _select(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start in {timeout} s")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _media_type(path: Path) -> str:
    return {".nq": "application/n-quads", ".trig": "application/trig",
            ".ttl": "text/turtle", ".nt": "application/n-triples"}[path.suffix]


@contextmanager
def servers(data: Path, workers: int) -> Iterator[tuple[str, str]]:
    """Ours and oxigraph serve on two copies of the data, on free 127.0.0.1 ports."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kg.store import Store

    folder = Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ours_store, theirs_store = folder / "ours", folder / "theirs"
        store = Store(str(ours_store))
        store.bulk_load(data, _media_type(data))
        store.optimize()
        del store
        subprocess.run(["oxigraph", "load", "--location", str(theirs_store), "--file",
                        str(data)], check=True)
        subprocess.run(["oxigraph", "optimize", "--location", str(theirs_store)], check=True)
        ours_port, theirs_port = _free_port(), _free_port()
        env = {**os.environ, "NEWSGRAPH_STORE": str(ours_store), "NEWSGRAPH_PORT": str(ours_port),
               "NEWSGRAPH_HOST": "127.0.0.1", "NEWSGRAPH_AUTOLOAD": "false",
               "NEWSGRAPH_WORKERS": str(workers)}
        processes.append(subprocess.Popen([sys.executable, "-m", "server.serve"], env=env,
                                          cwd=Path(__file__).resolve().parent.parent))
        processes.append(subprocess.Popen(
            ["oxigraph", "serve", "--location", str(theirs_store), "--bind",
             f"127.0.0.1:{theirs_port}", "--union-default-graph"]))
        ours = f"http://127.0.0.1:{ours_port}/sparql"
        theirs = f"http://127.0.0.1:{theirs_port}/query"
        _wait(ours, processes[0])
        _wait(theirs, processes[1])
        yield ours, theirs
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(folder)


def _settle(url: str, timeout: float = 120) -> None:
    """Wait until queries left running by the last run are done: wrk stops sending, but the
    server finishes what it took; the next run must not start behind them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        _select(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.1)


def measure(url: str, query: str, connections: int, seconds: float, cold: bool) -> dict[str, float]:
    """One wrk run on a settled server."""
    _settle(url)
    return wrk(url, query, connections, seconds, cold)


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median requests/s (its p50 and p99 with it); errors are summed."""
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    return {**middle, "errors": sum(r["errors"] for r in runs)}


def run(ours: str, theirs: str | None, seconds: float, warm: bool, rounds: int = 3) -> None:
    """Run the mix and print one line per query, concurrency and mode.

    Each figure is the median of `rounds` runs, ours and the peer's taking turns, so that
    a burst of load from elsewhere on the machine hits both sides alike.
    """
    values = parameters(ours)
    print(f"parameters: {values}")
    header = f"{'query':32} {'mode':4} {'c':>2} {'ours req/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
    if theirs:
        header += f" {'peer req/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}"
    print(header)
    modes = [("cold", True)] + ([("warm", False)] if warm else [])
    for template in QUERIES.values():  # first touches: page cache, worker start-up
        for url in (ours, theirs) if theirs else (ours,):
            measure(url, template.format(**values), 4, 1, True)
    for name, template in QUERIES.items():
        query = template.format(**values)
        started = time.monotonic()
        _select(theirs or ours, query + f" # probe {uuid.uuid4().hex}")
        # A run of a slow query must hold enough requests for its figures to mean something.
        length = min(60.0, max(seconds, 10 * (time.monotonic() - started)))
        for mode, cold in modes:
            for connections in (1, 4):
                mine_runs, peer_runs = [], []
                for _ in range(rounds):
                    mine_runs.append(measure(ours, query, connections, length, cold))
                    if theirs:
                        peer_runs.append(measure(theirs, query, connections, length, cold))
                mine = _median_run(mine_runs)
                line = (f"{name:32} {mode:4} {connections:>2} {mine['rps']:>11.0f} "
                        f"{mine['p50']:>8.2f} {mine['p99']:>8.2f}")
                if theirs:
                    peer = _median_run(peer_runs)
                    ratio = mine["rps"] / peer["rps"] if peer["rps"] else float("nan")
                    line += (f" {peer['rps']:>11.0f} {peer['p50']:>8.2f} {peer['p99']:>8.2f} "
                             f"{ratio:>6.2f}")
                if mine["errors"]:
                    line += f"  ({mine['errors']:.0f} errors!)"
                print(line, flush=True)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="our running endpoint, e.g. http://127.0.0.1:8000/sparql")
    parser.add_argument("--peer", help="a running oxigraph serve query URL (…/query)")
    parser.add_argument("--data", type=Path, help="N-Quads/TriG file: start both servers on it")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--workers", type=int, default=0, help="our query workers (0: cores)")
    parser.add_argument("--no-warm", action="store_true", help="skip the repeated-query runs")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk)")
    if args.data:
        with servers(args.data, args.workers) as (ours, theirs):
            run(ours, theirs, args.seconds, not args.no_warm, args.rounds)
    elif args.url:
        run(args.url, args.peer, args.seconds, not args.no_warm, args.rounds)
    else:
        parser.error("give --url (and optionally --peer) or --data")


if __name__ == "__main__":
    main()
