"""One table of the formats Newsgraph reads and writes: media type, short name, extension.

Query results (SELECT, ASK) use pyoxigraph's QueryResultsFormat; graphs and datasets use
its RdfFormat. Everything else (negotiation, the service description, file loading) reads
this table instead of spelling media types again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

W3C = "http://www.w3.org/ns/formats/"
SOLUTIONS = "solutions"  # SELECT
BOOLEAN = "boolean"  # ASK
GRAPH = "graph"  # CONSTRUCT, DESCRIBE, a graph of the Graph Store Protocol
DATASET = "dataset"  # several graphs (TriG, N-Quads)


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name (for ?format=), media types and file extension."""

    name: str
    media_type: str
    extension: str
    kinds: frozenset[str]
    w3c: str = ""  # its IRI under http://www.w3.org/ns/formats/ (for service descriptions)
    aliases: tuple[str, ...] = ()
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None
    # Other names clients send in format= / output= (SPARQLWrapper, Fuseki, Virtuoso).
    synonyms: tuple[str, ...] = ()
    # For a results format: the RDF format that answers a graph query a client asked in it
    # (SPARQLWrapper's default format=xml for a CONSTRUCT means RDF/XML).
    graph_stand_in: str = ""

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


_RESULTS = frozenset({SOLUTIONS, BOOLEAN})
_GRAPHS = frozenset({GRAPH, DATASET})
_TRIPLES = frozenset({GRAPH})

# Order matters: the first format of a kind is the default when the client accepts anything.
FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", _RESULTS,
           W3C + "SPARQL_Results_JSON", ("application/json",),
           results=ox.QueryResultsFormat.JSON, synonyms=("sparql-results+json",),
           graph_stand_in="jsonld"),
    Format("xml", "application/sparql-results+xml", "srx", _RESULTS,
           W3C + "SPARQL_Results_XML", ("application/xml", "text/xml"),
           results=ox.QueryResultsFormat.XML, synonyms=("sparql-results+xml",),
           graph_stand_in="rdfxml"),
    Format("csv", "text/csv", "csv", _RESULTS,
           W3C + "SPARQL_Results_CSV", results=ox.QueryResultsFormat.CSV,
           graph_stand_in="turtle"),
    Format("tsv", "text/tab-separated-values", "tsv", _RESULTS,
           W3C + "SPARQL_Results_TSV", results=ox.QueryResultsFormat.TSV,
           synonyms=("tab-separated-values",), graph_stand_in="turtle"),
    Format("turtle", "text/turtle", "ttl", _TRIPLES,
           W3C + "Turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"),  # Turtle is valid N3;
           # a body in N3 beyond Turtle (formulae) gets Turtle's parse error
           rdf=ox.RdfFormat.TURTLE, synonyms=("n3",)),
    Format("ntriples", "application/n-triples", "nt", _TRIPLES,
           W3C + "N-Triples", ("text/plain",), rdf=ox.RdfFormat.N_TRIPLES,
           synonyms=("n-triples",)),
    Format("jsonld", "application/ld+json", "jsonld", _GRAPHS,
           W3C + "JSON-LD", rdf=ox.RdfFormat.JSON_LD, synonyms=("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "rdf", _TRIPLES,
           W3C + "RDF_XML", rdf=ox.RdfFormat.RDF_XML, synonyms=("rdf+xml",)),
    Format("trig", "application/trig", "trig", _GRAPHS,
           W3C + "TriG", ("application/x-trig",), rdf=ox.RdfFormat.TRIG),
    Format("nquads", "application/n-quads", "nq", _GRAPHS,
           W3C + "N-Quads", ("text/x-nquads",), rdf=ox.RdfFormat.N_QUADS,
           synonyms=("n-quads",)),
)

_BY_NAME = {name: f for f in FORMATS for name in (f.name, *f.synonyms)}
_BY_MEDIA_TYPE = {m: f for f in FORMATS for m in f.media_types}
_BY_EXTENSION = {f.extension: f for f in FORMATS}

# The formats code names directly; the others are reached through negotiation or ?format=.
RESULTS_JSON = _BY_NAME["json"]
RESULTS_XML = _BY_NAME["xml"]
TURTLE = _BY_NAME["turtle"]
N_TRIPLES = _BY_NAME["ntriples"]
N_QUADS = _BY_NAME["nquads"]

# Media types that are not RDF or SPARQL results, spelled once here too.
HTML = "text/html"
XHTML = "application/xhtml+xml"
SVG = "image/svg+xml"
PLAIN_TEXT = "text/plain"
JSON = "application/json"
GZIP = "application/gzip"
FORM = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
# application/yaml (RFC 9512) and the names clients sent before it was registered.
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
HTML_CONTENT_TYPE = f"{HTML}; charset=utf-8"
PLAIN_TEXT_CONTENT_TYPE = f"{PLAIN_TEXT}; charset=utf-8"


def formats_for(kind: str) -> tuple[Format, ...]:
    """The formats that can carry a result of this kind, preferred first."""
    return tuple(f for f in FORMATS if kind in f.kinds)


def by_name(name: str) -> Format | None:
    """The format with this short name, synonym or file extension (case-insensitive), if any."""
    key = name.strip().lower()
    return _BY_NAME.get(key) or _BY_EXTENSION.get(key)


def by_media_type(media_type: str) -> Format | None:
    """The format for a media type, ignoring parameters such as charset."""
    return _BY_MEDIA_TYPE.get(media_type.split(";", 1)[0].strip().lower())


def lookup(name_or_media_type: str) -> Format | None:
    """A format by short name, synonym, extension or media type (what `?format=` accepts)."""
    return by_name(name_or_media_type) or by_media_type(name_or_media_type)


def graph_stand_in(fmt: Format) -> Format | None:
    """The RDF format that answers a graph query asked for in this results format, if any."""
    return _BY_NAME[fmt.graph_stand_in] if fmt.graph_stand_in else None


def rdf_parser_format(media_type: str) -> Format | None:
    """The RDF format to parse a request body of this media type with, if we can."""
    fmt = by_media_type(media_type)
    return fmt if fmt is not None and fmt.rdf is not None else None
