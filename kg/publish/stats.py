"""Counts of what the dataset holds, for `kg stats`, the home page and VoID.

Counting scans the whole store (seconds at a few million quads), so the home page reads an
Overview computed once per data version (OverviewCache), not one per load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from kg.model.vocab import NG, PREFIXES, RDFS, SCHEMA
from kg.publish.refresh import Refreshing
from kg.store import Store

LATEST = 10  # articles and events on the home page


@dataclass(frozen=True)
class DatasetStats:
    quads: int
    graphs: int
    articles: int
    class_counts: dict[str, int]  # class IRI -> distinct instances (asserted and inferred)

    @property
    def by_type(self) -> list[tuple[str, int]]:
        """(prefixed class name, count): ontology classes first, then most instances first."""
        named = [(_short(iri), n) for iri, n in self.class_counts.items()]
        return sorted(named, key=lambda item: (not item[0].startswith("ng:"), -item[1], item[0]))


def dataset_stats(store: Store) -> DatasetStats:
    """Quads, named graphs, articles and instances per class (ontology classes first, most first)."""
    rows = store.select(
        "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
        union_default_graph=True,
    )
    counts = {r["type"].value: int(r["n"].value) for r in rows if isinstance(r["type"], NamedNode)}
    return DatasetStats(len(store), len(store.named_graphs()), counts.get(str(NG.Article), 0), counts)


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


@dataclass(frozen=True)
class Overview:
    """What the home page shows: the counts, and the latest articles and events (SELECT rows)."""

    stats: DatasetStats
    articles: list[dict[str, Any]]  # a, headline, date
    events: list[dict[str, Any]]  # e, label, date


def overview(store: Store) -> Overview:
    """The dataset's counts and its LATEST newest articles and events."""
    articles = store.select(
        f"""SELECT ?a ?headline ?date WHERE {{ ?a a <{NG.Article}> ; {SCHEMA.headline} ?headline .
        OPTIONAL {{ ?a {SCHEMA.datePublished} ?date }} }} ORDER BY DESC(?date) LIMIT {LATEST}"""
    )
    return Overview(dataset_stats(store), articles, latest_events(store))


def latest_events(store: Store, count: int = LATEST) -> list[dict[str, Any]]:
    """The newest dated events (e, label, date), by date then label."""
    # Sorting every event by date takes seconds at 100,000 events; counting them per date
    # does not, and the newest few dates then hold the events to sort.
    per_date = store.select(f"SELECT ?date (COUNT(?e) AS ?n) WHERE {{ ?e <{NG.date}> ?date }} GROUP BY ?date")
    newest, total = [], 0
    for row in sorted(per_date, key=lambda r: r["date"].value, reverse=True):
        newest.append(row["date"])
        total += int(row["n"].value)
        if total >= count:
            break
    if not newest:
        return []
    values = " ".join(str(d) for d in newest)
    return store.select(
        f"""SELECT ?e ?label ?date WHERE {{
          VALUES ?date {{ {values} }}
          ?e <{NG.date}> ?date ; a <{NG.Event}> ; {RDFS.label} ?label }}
        ORDER BY DESC(STR(?date)) ?label LIMIT {count}"""
    )


class OverviewCache:
    """The Overview at the latest data version (kg.publish.refresh: after a write, a slow
    rebuild shows the figures of before)."""

    def __init__(self, store: Store) -> None:
        self._kept: Refreshing[None, Overview] = Refreshing(lambda _: overview(store), size=1)

    def get(self, version: object) -> Overview:
        """The overview at this data version (or, while it is rebuilt, the one before)."""
        return self._kept.get(None, version)
