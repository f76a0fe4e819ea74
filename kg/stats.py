"""Counts of what the dataset holds, for `kg stats`, the home page and VoID."""

from __future__ import annotations

from dataclasses import dataclass

from kg.store import Store
from kg.vocab import NG, PREFIXES


@dataclass(frozen=True)
class DatasetStats:
    quads: int
    graphs: int
    articles: int
    by_type: list[tuple[str, int]]


def dataset_stats(store: Store) -> DatasetStats:
    """Quads, named graphs, articles and instances per class (ontology classes first, most first)."""
    rows = store.select(
        "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type",
        union_default_graph=True,
    )
    by_type = [(_short(r["type"].value), int(r["n"].value)) for r in rows]
    by_type.sort(key=lambda item: (not item[0].startswith("ng:"), -item[1], item[0]))
    articles = dict(by_type).get(_short(str(NG.Article)), 0)
    return DatasetStats(len(store), len(store.named_graphs()), articles, by_type)


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
