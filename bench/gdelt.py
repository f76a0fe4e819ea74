"""GDELT import benchmark: the real samples, then the same rows replicated with offset event ids.

    python bench/gdelt.py --events 100000

Prints events/s, triples/s and memory (resident set size) for each run: peak RSS should not
grow with the number of events, because rows are streamed and written chunk by chunk.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from kg.config import Settings
from kg.ingest.gdelt_quads import GdeltImporter, GdeltSummary
from kg.model.iris import Iris
from kg.store import Store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gdelt"
RAW_EVENTS = (
    "gdelt2_export_20191024143000.tsv",
    "gdelt2_export_20170101073000.tsv",
    "gdelt1_events_sample_2016-07-28.tsv",
)
ID_OFFSET = 10_000_000_000  # far above any real GLOBALEVENTID, so copies never meet real events


def samples() -> list[Path]:
    return sorted([*SHARED.glob("*.tsv"), *SHARED.glob("gdelt2_events_with_confidence_*.csv")])


def write_replicated(target: Path, events: int) -> int:
    """Copies of the raw event rows with ids shifted by ID_OFFSET per copy; returns the row count."""
    rows = [
        line.split("\t", 1)
        for name in RAW_EVENTS
        for line in (SHARED / name).read_text(encoding="utf-8").splitlines(keepends=True)
    ]
    written = 0
    with target.open("w", encoding="utf-8") as out:
        copy = 1
        while written < events:
            for event_id, rest in rows:
                out.write(f"{int(event_id) + copy * ID_OFFSET}\t{rest}")
                written += 1
                if written == events:
                    break
            copy += 1
    return written


def rss_mb() -> float:
    """The current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def run(label: str, importer: GdeltImporter, files: list[Path]) -> None:
    rss: list[float] = []
    started = time.perf_counter()
    summary: GdeltSummary = importer.import_files(files, on_rows=lambda _n: rss.append(rss_mb()))
    importer.store.flush()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {summary.events:,} events, {summary.mentions:,} mentions, {summary.triples:,} triples, "
        f"{len(summary.errors)} rejected in {elapsed:.1f} s = {summary.events / elapsed:,.0f} events/s, "
        f"{summary.triples / elapsed:,.0f} triples/s; RSS after first chunk {rss[0]:.0f} MB, "
        f"after last {rss[-1]:.0f} MB, peak RSS so far {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="replicated events to import")
    parser.add_argument("--chunk-rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-gdelt-") as tmp:
        folder = Path(tmp)
        store = Store(str(folder / "store"))
        importer = GdeltImporter(store, Iris(Settings().base_iri), chunk_rows=args.chunk_rows)
        run("samples", importer, samples())
        big = folder / "replicated.tsv"
        rows = write_replicated(big, args.events)
        print(f"wrote {rows:,} replicated event rows ({big.stat().st_size / 2**20:.0f} MB)")
        run("replicated", importer, [big])
        started = time.perf_counter()
        again = importer.import_files([big])
        print(
            f"re-import of the replicated file: {again.chunks_skipped} chunks skipped, "
            f"{again.chunks_written} written, in {time.perf_counter() - started:.1f} s"
        )
        print(f"store: {len(store):,} quads")


if __name__ == "__main__":
    main()
