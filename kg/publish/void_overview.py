"""The VoID description read back into what its page shows a person: the page says what the RDF says."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.model.vocab import DCTERMS, RDF, RDFS, VOID


@dataclass
class VoidOverview:
    """The dataset of a VoID description: where to get it, what it holds, its licences and links."""

    title: str = ""
    description: str = ""
    endpoint: str | None = None
    dump: str | None = None
    uri_space: str | None = None
    example: str | None = None
    triples: int | None = None
    entities: int | None = None
    license_note: str = ""
    licenses: list[str] = field(default_factory=list)
    vocabularies: list[str] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)  # (class IRI, instances), most first
    linksets: list[tuple[str, str, int]] = field(default_factory=list)  # (predicate, target space, triples)
    figures: list[tuple[str, int]] = field(default_factory=list)  # other integer properties: (IRI, value)


def _int(term: ox.Term | None) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def void_overview(triples: Iterable[ox.Triple], document: str) -> VoidOverview:
    """The void:Dataset described at document#dataset, with its class partitions and linksets."""
    by_subject: dict[ox.Term, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def values(subject: ox.Term, predicate: ox.NamedNode) -> list[ox.Term]:
        return [t.object for t in by_subject.get(subject, []) if t.predicate == predicate]

    def one(subject: ox.Term, predicate: ox.NamedNode) -> ox.Term | None:
        found = values(subject, predicate)
        return found[0] if found else None

    def text(subject: ox.Term, predicate: ox.NamedNode) -> str:
        found = one(subject, predicate)
        return found.value if isinstance(found, (ox.Literal, ox.NamedNode)) else ""

    dataset = ox.NamedNode(document + "#dataset")
    overview = VoidOverview(
        title=text(dataset, DCTERMS.title),
        description=text(dataset, DCTERMS.description),
        endpoint=text(dataset, VOID.sparqlEndpoint) or None,
        dump=text(dataset, VOID.dataDump) or None,
        uri_space=text(dataset, VOID.uriSpace) or None,
        example=text(dataset, VOID.exampleResource) or None,
        triples=_int(one(dataset, VOID.triples)),
        entities=_int(one(dataset, VOID.entities)),
        license_note=text(dataset, RDFS.comment),
        licenses=sorted(v.value for v in values(dataset, DCTERMS.license) if isinstance(v, ox.NamedNode)),
        vocabularies=sorted(v.value for v in values(dataset, VOID.vocabulary) if isinstance(v, ox.NamedNode)),
    )
    shown = {VOID.triples, VOID.entities}
    overview.figures = [(t.predicate.value, n) for t in by_subject.get(dataset, [])
                        if t.predicate not in shown and (n := _int(t.object)) is not None]
    for part in values(dataset, VOID.classPartition):
        cls, count = one(part, VOID["class"]), _int(one(part, VOID.entities))
        if isinstance(cls, ox.NamedNode) and count is not None:
            overview.classes.append((cls.value, count))
    overview.classes.sort(key=lambda item: (-item[1], item[0]))
    for subset in values(dataset, VOID.subset):
        if VOID.Linkset not in values(subset, RDF.type):
            continue
        target = one(subset, VOID.objectsTarget)
        overview.linksets.append((
            text(subset, VOID.linkPredicate),
            text(target, VOID.uriSpace) if target is not None else "",
            _int(one(subset, VOID.triples)) or 0,
        ))
    return overview
