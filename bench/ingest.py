"""Ingestion benchmark: N synthetic facts files through `kg ingest`'s pipeline, next to
pyoxigraph's own bulk_load of the same quads as N-Quads. The ratio is the figure.

    python bench/ingest.py --articles 10000

Target (issue 2): 10,000 articles (~1M triples) in under 60 s, at least 0.3x raw bulk load.
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from synthetic import write_synthetic_articles

from kg.config import Settings
from kg.ingest.writer import Ingestor
from kg.model.iris import Iris
from kg.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--facts-per-article", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_synthetic_articles(folder / "facts", args.articles, args.facts_per_article)
        print(f"generated {args.articles} facts files in {time.perf_counter() - started:.1f} s")

        store = Store(str(folder / "ours"))
        ingestor = Ingestor(store, Iris(Settings().base_iri))
        started = time.perf_counter()
        summary = ingestor.ingest_paths([folder / "facts"])
        store.flush()
        ours = time.perf_counter() - started
        assert not summary.errors, summary.errors[:3]
        quads = len(store)
        print(
            f"kg ingest:   {summary.articles} articles, {summary.triples} triples in {ours:.2f} s "
            f"= {summary.articles / ours:,.0f} articles/s, {summary.triples / ours:,.0f} triples/s"
        )

        dump = io.BytesIO()
        store.dump(dump, "application/n-quads")
        data = dump.getvalue()
        peer = ox.Store(str(folder / "peer"))
        started = time.perf_counter()
        peer.bulk_load(io.BytesIO(data), format=ox.RdfFormat.N_QUADS)
        peer.flush()
        bulk = time.perf_counter() - started
        assert len(peer) == quads
        size_mb = len(data) / 1e6
        rate = quads / bulk
        print(f"bulk_load:   {quads} quads ({size_mb:.0f} MB N-Quads) in {bulk:.2f} s = {rate:,.0f} quads/s")
        print(f"ratio (bulk_load time / kg ingest time): {bulk / ours:.2f}x")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
