"""Pages at scale (issue 13): the GDELT samples plus synthetic GDELT events, over a real server.

    python bench/pages.py --events 100000 --save before.json --tree /tmp/pages-before
    python bench/pages.py --events 100000 --compare before.json

Fills a fresh store (ontology, gazetteer, seed article, the GDELT samples of ../shared/data,
then ``--events`` synthetic GDELT events: the samples' rows again with new ids and dates a
week apart per copy), starts `python -m server.serve` from ``--tree`` (default: this tree) on
127.0.0.1, and prints the p50 and size of the busiest state's page, its Turtle, the home
page and an event page. Targets: the state's page p50 < 300 ms and < 300 KB, the home page
< 50 ms, an event page < 20 ms. ``--save`` keeps the figures; ``--compare`` prints them
next to saved ones (today's, measured on a worktree of HEAD).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
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

from bench.endpoint import _free_port, _select, _wait  # noqa: E402
from bench.gdelt import ID_OFFSET, RAW_EVENTS, SHARED, samples  # noqa: E402
from kg.config import Settings  # noqa: E402
from kg.ingest.bootstrap import initialize  # noqa: E402
from kg.ingest.gdelt_quads import GdeltImporter  # noqa: E402
from kg.model.iris import Iris  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.store.serving import ServerNotice, running_server  # noqa: E402

NG = "https://w3id.org/newsgraph/"
ROLES = " ".join(f"<{NG}ontology#{r}>" for r in ("agent", "recipient", "target", "participant",
                                                  "mediator", "carrier", "location", "about"))
# (row name, target p50 in ms, target size in KB or None)
TARGETS = {"busiest state (HTML)": (300, 300), "busiest state (Turtle)": (300, 300),
           "home page": (50, None), "event page": (20, None)}


def write_synthetic(target: Path, events: int) -> int:
    """``events`` rows copied from the raw samples, each copy with new ids and dates a week earlier."""
    rows = [line.rstrip("\n").split("\t") for name in RAW_EVENTS
            for line in (SHARED / name).read_text(encoding="utf-8").splitlines()]
    written, copy = 0, 1
    with target.open("w", encoding="utf-8") as out:
        while written < events:
            for fields in rows:
                day = dt.datetime.strptime(fields[1][:8], "%Y%m%d").date() - dt.timedelta(weeks=copy)
                shifted = [str(int(fields[0]) + copy * ID_OFFSET), day.strftime("%Y%m%d"),
                           day.strftime("%Y%m"), str(day.year), *fields[4:]]
                out.write("\t".join(shifted) + "\n")
                written += 1
                if written == events:
                    break
            copy += 1
    return written


def fill(path: Path, events: int) -> int:
    """A store with the seed data, the GDELT samples and the synthetic events; returns its size."""
    settings = Settings(store=str(path))
    store = Store(str(path))
    initialize(store, settings)
    importer = GdeltImporter(store, Iris(settings.base_iri))
    started = time.perf_counter()
    importer.import_files(samples())
    synthetic = path.parent / "synthetic.tsv"
    write_synthetic(synthetic, events)
    importer.import_files([synthetic])
    store.optimize()
    quads = len(store)
    print(f"store filled in {time.perf_counter() - started:.0f} s: {quads:,} quads", flush=True)
    del store, importer
    gc.collect()  # pyoxigraph releases the store's lock when the object is freed
    return quads


def timed(url: str, count: int, accept: str) -> tuple[float, float, int]:
    """The first GET's ms (it fills the caches of this data version), the p50 in ms of ``count``
    GETs after it, and the body's size."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        size = len(response.read())
    first = (time.perf_counter() - started) * 1000
    samples_ms = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
        samples_ms.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(samples_ms), size


def after_a_write(url: str, accept: str, notice: ServerNotice) -> float:
    """ms of one GET of url right after a one-triple update (a new data version)."""
    triple = f'<urn:x> <urn:y> "{time.time_ns()}"'
    update = urllib.request.Request(
        notice.endpoint, method="POST",
        data=urllib.parse.urlencode({"update": f"INSERT DATA {{ {triple} }}"}).encode(),
        headers={"Authorization": f"Bearer {notice.token}",
                 "Content-Type": "application/x-www-form-urlencoded"})
    urllib.request.urlopen(update, timeout=60).read()
    page = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    with urllib.request.urlopen(page, timeout=120) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="synthetic GDELT events")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree that serves")
    parser.add_argument("--store", type=Path, help="keep the store here (reused when it exists)")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--compare", type=Path, help="print these saved figures alongside")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="newsgraph-pages-"))
    store_path = args.store or folder / "store"
    process = None
    try:
        quads = None if store_path.exists() else fill(store_path, args.events)
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
        env.update({"NEWSGRAPH_STORE": str(store_path), "NEWSGRAPH_PORT": str(port),
                    "NEWSGRAPH_HOST": "127.0.0.1", "NEWSGRAPH_AUTOLOAD": "false",
                    "PYTHONPATH": str(args.tree)})
        process = subprocess.Popen([sys.executable, "-m", "server.serve"], env=env, cwd=args.tree,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/sparql", process)
        [busiest] = _select(base + "/sparql", (
            f"SELECT ?s (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?role {{ {ROLES} }} ?e ?role ?s . "
            f"?s a <{NG}ontology#State> }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"))
        [event] = _select(base + "/sparql", (
            f"SELECT ?e WHERE {{ ?e <{NG}ontology#gdeltEventId> ?id ; <{NG}ontology#agent> "
            f"<{busiest['s']}> }} LIMIT 1"))
        state, event_iri = busiest["s"], event["e"]
        print(f"{quads or '(reused store)'} quads; {state} takes part in {busiest['n']} events; "
              f"server from {args.tree}", flush=True)

        def url(iri: str, ext: str) -> str:
            return base + "/" + iri.removeprefix(NG) + "." + ext

        rows = [("busiest state (HTML)", url(state, "html"), "text/html"),
                ("busiest state (Turtle)", url(state, "ttl"), "text/turtle"),
                ("home page", base + "/", "text/html"),
                ("event page", url(event_iri, "html"), "text/html")]
        before = json.loads(args.compare.read_text()) if args.compare else {}
        print(f"{'page':24} {'first ms':>9} {'p50 ms':>9} {'KB':>8} {'target':>22}" +
              (f" {'before ms':>10} {'before KB':>10} {'speed-up':>9}" if before else ""))
        figures = {}
        for name, address, accept in rows:
            first, p50, size = timed(address, args.requests, accept)
            figures[name] = {"first": first, "p50": p50, "kb": size / 1024}
            ms, kb = TARGETS[name]
            met = p50 < ms and (kb is None or size / 1024 < kb)
            target = f"<{ms} ms" + (f", <{kb} KB" if kb else "") + (" ok" if met else " MISSED")
            line = f"{name:24} {first:>9.1f} {p50:>9.1f} {size / 1024:>8.1f} {target:>22}"
            if name in before:
                old = before[name]
                line += f" {old['p50']:>10.1f} {old['kb']:>10.1f} {old['p50'] / p50:>8.1f}x"
            print(line, flush=True)
        # Ingesting into a running server makes a new data version each time: how long is
        # the first load of a page after a write (through the owner's notice, as `kg` does)?
        notice = running_server(store_path)
        if notice is not None:
            print(f"\n{'first load after a write':24} {'ms':>9}")
            for name, address, accept in rows[:3]:
                ms = after_a_write(address, accept, notice)
                figures[name]["after_write"] = ms
                print(f"{name:24} {ms:>9.1f}", flush=True)
        if args.save:
            args.save.write_text(json.dumps(figures, indent=1))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
