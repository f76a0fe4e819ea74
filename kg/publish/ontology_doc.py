"""Documentation records for every class and property of the ontology, read from its graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.model.ontology import class_roles
from kg.model.ontology import roles as all_roles
from kg.model.vocab import NG_IRI
from kg.publish.describe import short_name


@dataclass
class Term:
    """One ontology term as the documentation shows it."""

    iri: str
    name: str
    label: str
    comment: str
    kind: str  # "class" or "property"
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    matches: list[tuple[str, str]] = field(default_factory=list)  # (relation, IRI)
    cameo: str | None = None
    inverse_label: str | None = None  # a property read backwards, as pages head incoming statements
    # An event class: the roles its SHACL shapes name (with its superclasses'), the required
    # ones, and the refused ones with the message that names the role to use instead.
    roles: list[str] = field(default_factory=list)
    required_roles: list[str] = field(default_factory=list)
    refused_roles: list[tuple[str, str]] = field(default_factory=list)
    any_role: bool = False  # an event class no shape restricts (ng:Event, the grouping classes)


@dataclass
class OntologyDoc:
    title: str
    description: str
    version: str
    classes: list[Term]
    properties: list[Term]


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = list(graph.objects(subject, predicate))
    english = [v for v in values if getattr(v, "language", None) == "en"]
    return str((english or values or [""])[0])


@lru_cache(maxsize=1)
def _cached(serialised: int, graph: Graph) -> OntologyDoc:
    ontology = URIRef(NG_IRI.rstrip("#"))
    terms: dict[str, Term] = {}
    for kind, types in (("class", (OWL.Class, RDFS.Class)),
                        ("property", (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                                      RDF.Property))):
        for rdf_type in types:
            for s in graph.subjects(RDF.type, rdf_type):
                if isinstance(s, URIRef) and str(s).startswith(NG_IRI) and str(s) not in terms:
                    terms[str(s)] = Term(str(s), str(s)[len(NG_IRI):], _text(graph, s, RDFS.label),
                                         _text(graph, s, RDFS.comment), kind)
    cameo = URIRef(NG_IRI + "cameoCode")
    inverse = URIRef(NG_IRI + "inverseLabel")
    roles = class_roles()
    for iri, term in terms.items():
        s = URIRef(iri)
        parent_p = RDFS.subClassOf if term.kind == "class" else RDFS.subPropertyOf
        term.parents = sorted(str(o) for o in graph.objects(s, parent_p) if isinstance(o, URIRef))
        term.domain = sorted(str(o) for o in graph.objects(s, RDFS.domain) if isinstance(o, URIRef))
        term.range = sorted(str(o) for o in graph.objects(s, RDFS.range) if isinstance(o, URIRef))
        for rel in (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, OWL.equivalentClass):
            term.matches += [(short_name(str(rel)), str(o)) for o in graph.objects(s, rel)]
        code = graph.value(s, cameo)
        term.cameo = str(code) if code is not None else None
        term.inverse_label = _text(graph, s, inverse) or None
        if iri in roles:
            term.roles = list(roles[iri].uses) or list(all_roles())
            term.any_role = not roles[iri].uses
            term.required_roles = list(roles[iri].required)
            term.refused_roles = list(roles[iri].refused.items())
    for iri, term in terms.items():
        for parent in term.parents:
            if parent in terms:
                terms[parent].children.append(iri)
    ordered = sorted(terms.values(), key=lambda t: t.name.lower())
    return OntologyDoc(
        title=_text(graph, ontology, DCTERMS.title) or "Ontology",
        description=_text(graph, ontology, DCTERMS.description),
        version=_text(graph, ontology, OWL.versionInfo),
        classes=[t for t in ordered if t.kind == "class"],
        properties=[t for t in ordered if t.kind == "property"],
    )


def ontology_doc(graph: Graph) -> OntologyDoc:
    """Classes and properties of the ng: namespace with labels, comments, hierarchy, mappings,
    the roles of each event class and the inverse label of each property."""
    return _cached(len(graph), graph)
