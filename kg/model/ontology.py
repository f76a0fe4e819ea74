"""The packaged ontology and shapes, and the subclass closure ingestion materialises.

The Turtle files live in ontology/ at the top of the repository (a product of its own) and
are installed as the data package ``kg.ontology`` (see pyproject.toml); this module reads them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.model.vocab import ONTOLOGY_IRI

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


def ontology_quads(graph_iri: str) -> list[ox.Quad]:
    """The ontology's triples as pyoxigraph quads in the named graph graph_iri."""
    graph = ox.NamedNode(graph_iri)
    triples = ox.parse(
        _text(ONTOLOGY_FILE).encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI
    )
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
