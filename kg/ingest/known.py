"""Entities the graph already has beyond the gazetteer: those that ingested articles declared.

A person ingested once is known the next time: extraction resolves names against these
entities as it does against the gazetteer, and ingestion accepts an entity a draft lists as
``known``. What only an article's own earlier version declared does not count for that
article: re-ingesting it must declare such an entity again, or it would vanish with the old graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kg.errors import AmbiguousNameError, ResolutionError
from kg.model.gazetteer import Entity, Gazetteer, normalize
from kg.model.iris import Iris
from kg.model.ontology import superclasses
from kg.model.vocab import NG, RDF, RDFS, SKOS
from kg.store import Store

# Kinds a facts file refers to by name, with the class a new one is declared with; events,
# tenures and agreements are facts, not names (a file's own facts name theirs).
NAMED_KINDS = {
    "state": "State", "organization": "Organization", "person": "Person", "office": "Office",
    "facility": "Facility", "place": "Place", "source": "NewsSource",
}
_LINKS = {"office_of": NG.officeOf, "located_in": NG.locatedIn}


@dataclass
class KnownEntities:
    """Entities declared by the articles in a store, each with the article graphs that declare it."""

    entities: dict[str, Entity] = field(default_factory=dict)
    graphs: dict[str, frozenset[str]] = field(default_factory=dict)  # key -> declaring graphs
    _by_name: dict[str, set[str]] | None = None
    _everything: list[Entity] | None = None
    _declaring: frozenset[str] = frozenset()

    @classmethod
    def from_store(cls, store: Store, iris: Iris, gazetteer: Gazetteer) -> KnownEntities:
        """What the article graphs of a store declare, leaving out what the gazetteer has."""
        in_articles = f'STRSTARTS(STR(?g), "{iris.base}graph/article/")'
        # Naming the classes keeps events (typed and labelled too, and far more) out early;
        # aliases and links are few and read apart, so no OPTIONAL multiplies the rows.
        classes = ", ".join(f"<{c}>" for c in _entity_classes())
        queries = {
            ("type", "label"): (f"?e {RDF.type} ?type ; {RDFS.label} ?label", f"?type IN ({classes})"),
            ("alias",): (f"?e {SKOS.altLabel} ?alias", "true"),
            ("office_of",): (f"?e <{_LINKS['office_of']}> ?office_of", "true"),
            ("located_in",): (f"?e <{_LINKS['located_in']}> ?located_in", "true"),
        }
        rows: dict[str, dict[str, set[str]]] = {}
        for names, (pattern, condition) in queries.items():
            variables = " ".join(f"?{n}" for n in names)
            where = f"GRAPH ?g {{ {pattern} }} FILTER({in_articles} && {condition})"
            query = f"SELECT ?e ?g {variables} {{ {where} }}"
            for row in store.select(query):
                ref = iris.parse_entity(row["e"].value)
                key = str(ref) if ref is not None else ""
                if ref is None or ref.kind not in NAMED_KINDS or key in gazetteer:
                    continue
                if names[0] != "type" and key not in rows:
                    continue  # an alias or link of something that is no entity of ours
                seen = rows.setdefault(key, {})
                seen.setdefault("g", set()).add(row["g"].value)
                for name in names:
                    seen.setdefault(name, set()).add(row[name].value)
        known = cls()
        for key, seen in rows.items():
            kind, slug = key.split("/", 1)
            # Articles may label one entity differently: the first label in order, the rest aliases.
            labels = sorted(seen["label"])
            links = {}
            for name in _LINKS:
                targets = sorted(seen.get(name, ()))
                target = iris.parse_entity(targets[0]) if targets else None
                if target is not None:
                    links[name] = str(target)
            known.entities[key] = Entity(
                kind=kind,
                slug=slug,
                type=sorted(seen["type"])[0],
                label=labels[0],
                aliases=tuple(sorted(set(labels[1:]) | seen.get("alias", set()))),
                **links,
            )
            known.graphs[key] = frozenset(seen["g"])
        return known

    def __len__(self) -> int:
        return len(self.entities)

    def for_article(self, graph: str) -> list[Entity]:
        """The entities that some article other than the one of ``graph`` declares."""
        if self._everything is None:
            self._everything = list(self.entities.values())
            self._declaring = frozenset().union(*self.graphs.values())
        if graph not in self._declaring:
            # The same list for every new article: the extractor builds its matchers once per set.
            return self._everything
        return [e for key, e in self.entities.items() if self._usable(key, graph)]

    def resolver(self, gazetteer: Gazetteer, graph: str | None = None) -> Callable[[str], Entity]:
        """Resolve through the gazetteer first, then through these entities (for the article of ``graph``)."""

        def resolve(ref: str) -> Entity:
            try:
                return gazetteer.resolve(ref)
            except ResolutionError:
                found = self.lookup(ref, graph)
                if found is None:
                    raise
                return found

        return resolve

    def lookup(self, ref: str, graph: str | None = None) -> Entity | None:
        """The entity a key or a name denotes, or None.

        :raises AmbiguousNameError: when the name belongs to several entities of the graph.
        """
        ref = ref.strip()
        if ref in self.entities:
            return self.entities[ref] if self._usable(ref, graph) else None
        keys = sorted(k for k in self.names().get(normalize(ref), ()) if self._usable(k, graph))
        if len(keys) > 1:
            raise AmbiguousNameError(
                f"{ref!r} names {len(keys)} entities in the graph ({', '.join(keys)}); use the key"
            )
        return self.entities[keys[0]] if keys else None

    def names(self) -> dict[str, set[str]]:
        """Normalised name -> the keys of the entities called so."""
        if self._by_name is None:
            self._by_name = {}
            for key, entity in self.entities.items():
                for name in entity.names:
                    self._by_name.setdefault(normalize(name), set()).add(key)
        return self._by_name

    def _usable(self, key: str, graph: str | None) -> bool:
        return graph is None or bool(self.graphs.get(key, frozenset()) - {graph})


def _entity_classes() -> list[str]:
    """The ontology's classes of named things: agents, places, offices and their subclasses."""
    roots = {str(NG.Agent), str(NG.Place), str(NG.Office)}
    return sorted(c for c, supers in superclasses().items() if c in roots or roots & set(supers))
