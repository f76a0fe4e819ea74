"""Label search over the store (entities, events, articles): prefix, case-insensitive, ranked.

Gazetteer.search only knows the bundled reference entities; this index also covers what
articles added (events, agreements, new people), and is rebuilt when the data version changes.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

from kg.model.gazetteer import normalize
from kg.model.iris import Iris
from kg.model.vocab import RDFS, SKOS
from kg.store import Store


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
              VALUES ?p {{ {RDFS.label} {SKOS.altLabel} }}
              ?s ?p ?name .
              OPTIONAL {{ GRAPH ?g {{ ?s a ?type }} FILTER(!STRENDS(STR(?g), "/inferred")) }}
              FILTER(STRSTARTS(STR(?s), "{iris.base}id/"))
            }}"""
        )
        seen: set[tuple[str, str]] = set()
        for r in rows:
            iri, text = r["s"].value, r["name"].value
            is_label = r["p"] == RDFS.label
            if is_label:
                self._labels.setdefault(iri, text)
            if "type" in r:
                self._types.setdefault(iri, r["type"].value)
            if (iri, text) not in seen:
                seen.add((iri, text))
                self._names.append(_Name(normalize(text), text, iri, is_label))
        self._groups = self._build_groups()

    def search(self, prefix: str, limit: int = 10) -> list[Hit]:
        """IRIs whose label or alias starts with prefix (or has a word that does), best first.

        Best first: whole names before later words, labels before aliases, shorter names
        before longer ones, then alphabetical.
        """
        query = normalize(prefix)
        if not query or limit <= 0:
            return []
        found: dict[str, str] = {}
        for entries in self._groups:
            # Each group is sorted, so its matches are one range found by bisection.
            position = bisect.bisect_left(entries, (query,))
            while position < len(entries) and entries[position][0].startswith(query):
                _, iri, index = entries[position]
                position += 1
                if iri not in found:
                    found[iri] = self._names[index].text
                    if len(found) >= limit:
                        break
            if len(found) >= limit:
                break
        return [
            Hit(iri, self._labels.get(iri, text), text, self._types.get(iri)) for iri, text in found.items()
        ]

    def _build_groups(self) -> list[list[tuple[str, str, int]]]:
        """The names in rank order of groups: (whole name or later word, label or alias, length)."""
        groups: dict[tuple[int, int, int], list[tuple[str, str, int]]] = {}
        for index, name in enumerate(self._names):
            alias = 0 if name.is_label else 1
            groups.setdefault((0, alias, len(name.norm)), []).append((name.norm, name.iri, index))
            for position, char in enumerate(name.norm):
                if char == " " and position + 1 < len(name.norm):
                    later = (name.norm[position + 1 :], name.iri, index)
                    groups.setdefault((1, alias, len(name.norm)), []).append(later)
        return [sorted(groups[key]) for key in sorted(groups)]


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
