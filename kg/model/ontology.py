"""The packaged ontology and shapes, and the subclass closure ingestion materialises.

The Turtle files live in ontology/ at the top of the repository (a product of its own) and
are installed as the data package ``kg.ontology`` (see pyproject.toml); this module reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef

from kg.model.vocab import NG, NG_IRI, ONTOLOGY_IRI

DATA_PACKAGE = "kg.ontology"
ONTOLOGY_FILE = "geopol.ttl"
SHAPES_FILE = "shapes.ttl"


@cache
def _text(name: str) -> str:
    return files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def ontology_turtle() -> str:
    """The ontology's Turtle source as written (comments and layout kept)."""
    return _text(ONTOLOGY_FILE)


def ontology_graph() -> Graph:
    """A fresh rdflib Graph of the ontology (geopol.ttl)."""
    return Graph().parse(data=_text(ONTOLOGY_FILE), format="turtle")


def shapes_graph() -> Graph:
    """A fresh rdflib Graph of the SHACL shapes (shapes.ttl)."""
    return Graph().parse(data=_text(SHAPES_FILE), format="turtle")


@cache
def _superclasses() -> dict[str, frozenset[str]]:
    graph = ontology_graph()
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)
    # An equivalent class is a superclass both ways round.
    for a, b in graph.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            direct.setdefault(a, set()).add(b)
            direct.setdefault(b, set()).add(a)
    closure: dict[str, frozenset[str]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef):
            continue
        seen: set[URIRef] = set()
        todo = list(direct.get(cls, ()))
        while todo:
            sup = todo.pop()
            if sup not in seen:
                seen.add(sup)
                todo.extend(direct.get(sup, ()))
        seen.discard(cls)
        closure[str(cls)] = frozenset(str(s) for s in seen)
    return closure


def superclasses() -> dict[str, frozenset[str]]:
    """Every class the ontology declares -> all its named superclasses, transitively, itself excluded."""
    # A copy, so that a caller who edits the dict cannot corrupt the cached closure.
    return dict(_superclasses())


@cache
def _materialised_superproperties() -> dict[str, frozenset[str]]:
    graph = ontology_graph()
    direct: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(str(sub), set()).add(str(sup))
    closure: dict[str, frozenset[str]] = {}
    for prop in direct:
        seen: set[str] = set()
        todo = list(direct[prop])
        while todo:
            sup = todo.pop()
            if sup not in seen:
                seen.add(sup)
                todo.extend(direct.get(sup, ()))
        # Only our own super-properties (the roles' ng:involves) are written: sem:hasActor,
        # prov:wasDerivedFrom and the like would double the data for no query of ours.
        ours = frozenset(p for p in seen if p.startswith(NG_IRI) and p != prop)
        if ours:
            closure[prop] = ours
    return closure


def materialised_superproperties() -> dict[str, frozenset[str]]:
    """Each property -> its ng: super-properties, transitively (ng:agent -> ng:involves), as ingested."""
    return dict(_materialised_superproperties())


def roles() -> tuple[str, ...]:
    """The participant roles (the sub-properties of ng:involves), in the order vocab.NG lists them."""
    involves = str(NG.involves)
    found = {p for p, sups in _materialised_superproperties().items() if involves in sups}
    order = [NG_IRI + name for name in NG.__annotations__]
    return tuple(sorted(found, key=lambda p: order.index(p) if p in order else len(order)))


@cache
def _inverse_labels() -> dict[str, str]:
    graph = ontology_graph()
    found: dict[str, str] = {}
    for prop, text in graph.subject_objects(URIRef(str(NG.inverseLabel))):
        if isinstance(prop, URIRef) and isinstance(text, Literal) and (
            text.language == "en" or str(prop) not in found
        ):
            found[str(prop)] = str(text)
    return found


def inverse_labels() -> dict[str, str]:
    """Property IRI -> its English ng:inverseLabel ("agent of" for ng:agent), for incoming headings."""
    return dict(_inverse_labels())


@dataclass(frozen=True)
class ClassRoles:
    """The roles the SHACL shapes give one event class (its own shapes and its superclasses')."""

    uses: tuple[str, ...] = ()  # role IRIs a shape names for the class, in roles() order
    required: tuple[str, ...] = ()  # those with sh:minCount 1 or more
    refused: dict[str, str] = field(default_factory=dict)  # role -> the shape's message (sh:maxCount 0)


@cache
def _class_roles() -> dict[str, ClassRoles]:
    shapes = shapes_graph()
    role_list = roles()
    uses: dict[str, set[str]] = {}
    required: dict[str, set[str]] = {}
    refused: dict[str, dict[str, str]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            if str(path) not in role_list:
                continue
            max_count = shapes.value(prop_shape, SH.maxCount)
            if max_count is not None and int(max_count) == 0:
                refused.setdefault(str(cls), {})[str(path)] = str(shapes.value(prop_shape, SH.message) or "")
                continue
            uses.setdefault(str(cls), set()).add(str(path))
            min_count = shapes.value(prop_shape, SH.minCount)
            if min_count is not None and int(min_count) >= 1:
                required.setdefault(str(cls), set()).add(str(path))
    closure = _superclasses()
    event = str(NG.Event)
    result: dict[str, ClassRoles] = {}
    for cls, supers in closure.items():
        if cls != event and event not in supers:
            continue
        lineage = [cls, *supers]
        no = {r: m for c in reversed(lineage) for r, m in refused.get(c, {}).items()}
        yes = {r for c in lineage for r in uses.get(c, ())} - set(no)
        must = {r for c in lineage for r in required.get(c, ())} & yes
        result[cls] = ClassRoles(
            uses=tuple(r for r in role_list if r in yes),
            required=tuple(r for r in role_list if r in must),
            refused={r: no[r] for r in role_list if r in no},
        )
    return result


def class_roles() -> dict[str, ClassRoles]:
    """Every event class -> the roles its shapes (and its superclasses' shapes) name, require and refuse."""
    return dict(_class_roles())


def ontology_quads(graph_iri: str) -> list[ox.Quad]:
    """The ontology's triples as pyoxigraph quads in the named graph graph_iri."""
    graph = ox.NamedNode(graph_iri)
    triples = ox.parse(
        _text(ONTOLOGY_FILE).encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI
    )
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
