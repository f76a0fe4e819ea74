"""Label search over the store (entities, events, articles): prefix, case-insensitive, ranked.

Gazetteer.search only knows the bundled reference entities; this index also covers what
articles added (events, agreements, new people), and is rebuilt when the data version changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kg.gazetteer import normalize
from kg.iris import Iris
from kg.store import Store

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


@dataclass(frozen=True)
class Hit:
    """One search result: the IRI, its label, the name that matched and its main type."""

    iri: str
    label: str
    matched: str
    type: str | None


@dataclass(frozen=True)
class _Name:
    norm: str
    text: str
    iri: str
    is_label: bool


class LabelIndex:
    """Every rdfs:label and skos:altLabel of IRIs under the base, held in memory."""

    def __init__(self, store: Store, iris: Iris) -> None:
        self._names: list[_Name] = []
        self._labels: dict[str, str] = {}
        self._types: dict[str, str] = {}
        rows = store.select(
            f"""SELECT ?s ?p ?name ?type WHERE {{
              VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_ALT}> }}
              ?s ?p ?name .
              OPTIONAL {{ GRAPH ?g {{ ?s a ?type }} FILTER(!STRENDS(STR(?g), "/inferred")) }}
              FILTER(STRSTARTS(STR(?s), "{iris.base}id/"))
            }}"""
        )
        seen: set[tuple[str, str]] = set()
        for r in rows:
            iri, text = r["s"].value, r["name"].value
            is_label = r["p"].value == RDFS_LABEL
            if is_label:
                self._labels.setdefault(iri, text)
            if "type" in r:
                self._types.setdefault(iri, r["type"].value)
            if (iri, text) not in seen:
                seen.add((iri, text))
                self._names.append(_Name(normalize(text), text, iri, is_label))

    def search(self, prefix: str, limit: int = 10) -> list[Hit]:
        """IRIs whose label or alias starts with prefix (or has a word that does), best first."""
        query = normalize(prefix)
        if not query or limit <= 0:
            return []
        best: dict[str, tuple[tuple[int, int, int, str], str]] = {}
        for name in self._names:
            if name.norm.startswith(query):
                tier = 0 if name.norm == query else 1
            elif f" {query}" in f" {name.norm}":
                tier = 2  # a later word of the name starts with the query
            else:
                continue
            rank = (tier, 0 if name.is_label else 1, len(name.norm), name.iri)
            if name.iri not in best or rank < best[name.iri][0]:
                best[name.iri] = (rank, name.text)
        ordered = sorted(best, key=lambda iri: best[iri][0])[:limit]
        return [
            Hit(iri, self._labels.get(iri, best[iri][1]), best[iri][1], self._types.get(iri))
            for iri in ordered
        ]


class SearchCache:
    """One LabelIndex per data version: rebuilt on the first search after a write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: object = None
        self._index: LabelIndex | None = None

    def index(self, store: Store, iris: Iris, version: object) -> LabelIndex:
        """The index for this data version (built now if the version changed)."""
        with self._lock:
            if self._index is None or self._key != version:
                self._index = LabelIndex(store, iris)
                self._key = version
            return self._index
