"""Counts of what the dataset holds, for `kg stats`, the home page and VoID."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.model.vocab import NG, PREFIXES
from kg.store import Store


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
