"""Reproduce issue 15's items 1 and 2 against a real `python -m server.serve`.

Item 1: two runaway queries (a cartesian COUNT) from 127.0.0.2 while a steady stream of
cheap queries (an entity lookup, a distinct one each time so that no cache answers) comes
from 127.0.0.3; the client sockets are bound to those loopback addresses. Prints the cheap
stream's p50, p99, max and errors alone and with the runaways, and what the runaways got;
then again with the two runaways from two clients (127.0.0.2 and 127.0.0.4), which the
per-client share does not stop: both workers are held, and a spare has to start.
Item 2: a sorted cartesian product; prints its answer and the peak memory (RSS) of the
server's whole process tree, sampled every 20 ms, and stops the tree's biggest process
itself past --ceiling MiB, as the outside monitor of the issue did.

    python bench/fairshare.py                        # this checkout
    python bench/fairshare.py --project /tmp/before  # another checkout (git worktree add)
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
EX = "http://example.org/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT ?a ?c ?f ?i { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?f ?c"
RUNAWAY_CLIENT, CHEAP_CLIENT = "127.0.0.2", "127.0.0.3"
_LOOKUPS = itertools.count(1)  # every lookup is a new query, in every phase: none is cached


def make_store(path: Path, triples: int) -> None:
    """A store of `triples` triples: entities with a label and a few links."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    quads = []
    for i in range(triples // 3):
        entity = ox.NamedNode(f"{EX}e{i}")
        quads.append(ox.Quad(entity, ox.NamedNode(f"{EX}label"), ox.Literal(f"entity {i}")))
        quads.append(ox.Quad(entity, ox.NamedNode(f"{EX}next"), ox.NamedNode(f"{EX}e{i + 1}")))
        quads.append(ox.Quad(entity, ox.NamedNode(f"{EX}kind"), ox.NamedNode(f"{EX}k{i % 7}")))
    store.bulk_extend(quads)
    store.flush()
    del store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    project: Path, store: Path, port: int, log: Path, memory_mib: int
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({
        "NEWSGRAPH_STORE": str(store), "NEWSGRAPH_HOST": "127.0.0.1",
        "NEWSGRAPH_PORT": str(port), "NEWSGRAPH_AUTOLOAD": "false", "NEWSGRAPH_WORKERS": "2",
        "NEWSGRAPH_QUERY_TIMEOUT": "10",
    })
    if memory_mib:
        env["NEWSGRAPH_QUERY_MEMORY"] = str(memory_mib)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "server.serve"], cwd=project, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()}")
        try:
            if get(port, "ASK {}", CHEAP_CLIENT, 2)[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start: {log.read_text()}")


def get(port: int, query: str, source: str, timeout: float,
        conn: http.client.HTTPConnection | None = None) -> tuple[int, float]:
    """(status, seconds) of one query from the source address (0: no answer)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                              source_address=(source, 0))
    started = time.perf_counter()
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                     headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        if own:
            conn.close()


def cheap_stream(port: int, seconds: float, every: float = 0.025) -> tuple[list[float], list[str]]:
    """Entity lookups from CHEAP_CLIENT, one each `every` seconds on one connection."""
    times, errors = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(CHEAP_CLIENT, 0))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        query = f"SELECT ?p ?o WHERE {{ <{EX}e{next(_LOOKUPS)}> ?p ?o }}"
        try:
            status, took = get(port, query, CHEAP_CLIENT, 30, conn)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                              source_address=(CHEAP_CLIENT, 0))
            continue
        times.append(took)
        if status != 200:
            errors.append(str(status))
        time.sleep(max(0.0, every - took))
    conn.close()
    return times, errors


def report(label: str, times: list[float], errors: list[str]) -> None:
    ms = sorted(t * 1000 for t in times)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
    print(f"  {label:<32} n={len(ms):4d}  p50={statistics.median(ms):8.1f} ms  "
          f"p99={p99:8.1f} ms  max={ms[-1] if ms else 0:8.1f} ms  "
          f"errors={len(errors)} {sorted(set(errors)) or ''}")


def tree(root: int) -> list[int]:
    """root and every process under it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [root], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def memory_run(port: int, root: int, ceiling: int) -> None:
    """The sorted cartesian product, with the tree's RSS sampled until it is answered."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["status"], outcome["seconds"] = get(port, HUNGRY, CHEAP_CLIENT, 60)
        except (OSError, http.client.HTTPException) as exc:
            outcome["status"] = type(exc).__name__
    thread = threading.Thread(target=run)
    before = sum(rss(pid) for pid in tree(root))
    thread.start()
    peak, killed = before, None
    while thread.is_alive():
        sizes = {pid: rss(pid) for pid in tree(root)}
        peak = max(peak, sum(sizes.values()))
        if sum(sizes.values()) > ceiling and killed is None:
            killed = max(sizes, key=sizes.__getitem__)
            os.kill(killed, signal.SIGKILL)  # a process of the server we started
        time.sleep(0.02)
    thread.join()
    print(f"  item 2 query: {outcome.get('status')} after {float(outcome.get('seconds', 0)):.1f} s; "
          f"server tree RSS {before / 2**20:.0f} MiB idle, peak {peak / 2**20:.0f} MiB"
          + (f"; the bench killed pid {killed} at the {ceiling / 2**20:.0f} MiB ceiling" if killed else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT, help="checkout to serve")
    parser.add_argument("--triples", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each cheap stream")
    parser.add_argument("--query-memory", type=int, default=1024,
                        help="NEWSGRAPH_QUERY_MEMORY for the server (MiB; 0: its default)")
    parser.add_argument("--ceiling", type=int, default=4096, help="MiB at which the bench kills")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fairshare-"))
    make_store(folder / "store", args.triples)
    port = free_port()
    server = start_server(args.project, folder / "store", port, folder / "server.log", args.query_memory)
    try:
        print(f"{args.project}: {args.triples} triples, 2 workers, 10 s time limit")
        report("cheap alone", *cheap_stream(port, args.seconds))
        for label, sources in (("cheap, 2 runaways from 1 client", [RUNAWAY_CLIENT] * 2),
                               ("cheap, 2 runaways from 2 clients", [RUNAWAY_CLIENT, "127.0.0.4"])):
            time.sleep(2)  # the workers stopped at the time limit are replaced by now
            runaways: list[tuple[int, float] | str] = []

            def runaway(source: str, got: list[tuple[int, float] | str]) -> None:
                try:
                    got.append(get(port, RUNAWAY, source, 60))
                except (OSError, http.client.HTTPException) as exc:
                    got.append(type(exc).__name__)
            threads = [threading.Thread(target=runaway, args=(source, runaways)) for source in sources]
            for thread in threads:
                thread.start()
            time.sleep(0.3)
            report(label, *cheap_stream(port, args.seconds))
            for thread in threads:
                thread.join()
            print("    the runaways got: " + ", ".join(
                f"{r[0]} after {r[1]:.1f} s" if isinstance(r, tuple) else r for r in runaways))
        memory_run(port, server.pid, args.ceiling * 2**20)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
