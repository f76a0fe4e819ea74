"""The SPARQL 1.1 Service Description of the endpoint, as an RDF graph."""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from kg.config import Settings
from kg.model import formats
from kg.model.formats import Format
from kg.model.vocab import SD as SD_TERMS
from kg.query.syntax_help import KNOWN_PREFIXES

SD = Namespace(SD_TERMS.iri)  # the same vocabulary as rdflib terms, for rdflib's serialisers

# kg.model.formats short name -> rdflib serializer name.
_RDFLIB = {
    "turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml",
    "trig": "trig", "nquads": "nquads",
}
_QUAD_FORMATS = {"trig", "nquads"}

OFFERED: tuple[Format, ...] = tuple(
    f for f in formats.formats_for(formats.GRAPH) if f.name in _RDFLIB
)


def description(endpoint: str, settings: Settings) -> Graph:
    """The sd:Service graph for an endpoint URL."""
    graph = Graph()
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.write_token:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in formats.FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.w3c)))
    graph.add((service, SD.feature, SD.BasicFederatedQuery))
    declared = ", ".join(f"{p}:" for p in sorted(KNOWN_PREFIXES))
    graph.add((service, RDFS.comment, Literal(
        f"Queries and updates may use these prefixes without declaring them: {declared} "
        "(a query's own PREFIX wins). Syntax errors name the line and column.", lang="en")))
    if settings.union_default_graph:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset, default = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    return graph


@lru_cache(maxsize=64)
def serialized(endpoint: str, settings: Settings, fmt_name: str) -> bytes:
    """The description serialised in one of OFFERED (cached: it only changes with settings)."""
    graph = description(endpoint, settings)
    if fmt_name in _QUAD_FORMATS:  # rdflib writes quads only from a dataset
        dataset = Dataset()
        dataset.namespace_manager = graph.namespace_manager
        for triple in graph:
            dataset.add(triple)
        graph = dataset
    data = graph.serialize(format=_RDFLIB[fmt_name], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()
