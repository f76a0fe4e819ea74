"""Accept headers and ?format= as tables (werkzeug parses the header)."""

from __future__ import annotations

import pytest

from kg.model import formats
from server.http.negotiation import HTML, choose, for_kind
from server.http.protocol import NotAcceptable

S, B, G = formats.SOLUTIONS, formats.BOOLEAN, formats.GRAPH


@pytest.mark.parametrize(
    ("kind", "accept", "param", "expected"),
    [
        (S, None, None, "json"),
        (S, "", None, "json"),
        (S, "*/*", None, "json"),
        (S, "application/sparql-results+xml", None, "xml"),
        (S, "application/json", None, "json"),
        (S, "text/csv", None, "csv"),
        (S, "text/tab-separated-values", None, "tsv"),
        (S, "application/sparql-results+json;q=0.5, application/sparql-results+xml", None,
         "xml"),
        (S, "application/sparql-results+json;q=0, */*", None, "xml"),
        (S, "*/*, application/sparql-results+json;q=0", None, "xml"),
        (S, "text/*", None, "csv"),
        (S, "text/*, text/csv;q=0", None, "tsv"),
        (S, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "xml"),
        (S, "text/turtle", "json", "json"),
        (S, "text/turtle", "application/sparql-results+xml", "xml"),
        (S, None, "csv", "csv"),
        (B, None, None, "json"),
        (B, "application/sparql-results+xml", None, "xml"),
        (G, None, None, "turtle"),
        (G, "*/*", None, "turtle"),
        (G, "application/n-triples", None, "ntriples"),
        (G, "application/ld+json", None, "jsonld"),
        (G, "application/rdf+xml", None, "rdfxml"),
        (G, "application/trig", None, "trig"),
        (G, "application/n-quads;q=0.9, text/turtle;q=0.8", None, "nquads"),
        (G, "text/turtle;q=0, application/*", None, "ntriples"),
        (G, "text/plain", None, "ntriples"),
        # Older names that Jena and Fuseki users send.
        (G, "text/n3", None, "turtle"),
        (G, "application/x-trig", None, "trig"),
        (G, "text/x-nquads", None, "nquads"),
        (G, None, "ttl", "turtle"),
        # Parameters never rule a format out (werkzeug alone matched them exactly).
        (G, "text/turtle; charset=utf-8", None, "turtle"),
        (G, 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"', None,
         "jsonld"),
        (S, "text/csv;header=present", None, "csv"),
        (S, "application/sparql-results+json; charset=utf-8;q=0.5, text/csv", None, "csv"),
    ],
)
def test_accept(kind, accept, param, expected) -> None:
    assert for_kind(kind, accept, param).name == expected


@pytest.mark.parametrize(
    ("kind", "accept", "param"),
    [
        (S, "text/turtle", None),
        (S, "application/sparql-results+json;q=0, application/sparql-results+xml;q=0, "
            "text/csv;q=0, text/tab-separated-values;q=0, application/json;q=0, "
            "application/xml;q=0, text/xml;q=0", None),
        (G, "image/png", None),
        (G, "image/png", "png"),
        (S, None, "json-ld"),  # no SELECT in an RDF format: the stand-ins go one way only
        (S, None, "turtle"),
        (S, None, "nonsense"),
        (G, "*/*;q=0", None),
    ],
)
def test_not_acceptable_lists_what_we_offer(kind, accept, param) -> None:
    with pytest.raises(NotAcceptable) as caught:
        for_kind(kind, accept, param)
    assert caught.value.offered
    assert formats.formats_for(kind)[0].media_type in str(caught.value) or param


def test_html_for_browsers() -> None:
    offered = formats.formats_for(G)
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert choose(offered, browser, extra=(HTML,)) == HTML
    assert choose(offered, "text/turtle", extra=(HTML,)).name == "turtle"
    assert choose(offered, None, "html", extra=(HTML,)) == HTML


# What SPARQLWrapper, Fuseki and Virtuoso users send as format= / output= (issue 14).
@pytest.mark.parametrize(
    ("kind", "accept", "param", "expected"),
    [
        (S, "*/*", "json", "json"),
        (S, None, "sparql-results+json", "json"),
        (S, None, "xml", "xml"),
        (S, None, "tsv,text/tab-separated-values", "tsv"),  # SPARQLWrapper repeats TSV as a type
        (S, None, "text/csv", "csv"),
        (B, None, "xml", "xml"),
        (G, None, "turtle", "turtle"),
        (G, None, "n3", "turtle"),
        (G, None, "text/turtle", "turtle"),
        (G, None, "json-ld,application/ld+json,application/x-json+ld", "jsonld"),
        (G, None, "rdf+xml,application/rdf+xml", "rdfxml"),
        (G, None, "n-triples", "ntriples"),
        (G, None, "n-quads", "nquads"),
        (G, None, "TriG", "trig"),
        (S, None, ",", "json"),  # SPARQLWrapper's empty second value alone: no choice made
        # A results format named for a graph query: its RDF stand-in, not a 406.
        (G, "application/rdf+xml", "xml", "rdfxml"),  # SPARQLWrapper's default for CONSTRUCT
        (G, "*/*", "json", "jsonld"),
        (G, "*/*", "csv", "turtle"),
        (G, None, "tsv,text/tab-separated-values", "turtle"),
        (G, None, "application/sparql-results+json", "jsonld"),
        # Accept listing only results types for a graph query (rdflib's SPARQLStore).
        (G, "application/sparql-results+json", None, "jsonld"),
        (G, "application/json", None, "jsonld"),
        (G, "application/sparql-results+xml", None, "rdfxml"),
        (G, "application/xml", None, "rdfxml"),
        (G, "text/csv", None, "turtle"),
        (G, "text/tab-separated-values", None, "turtle"),
        # A graph type the client lists, however low, wins over a stand-in.
        (G, "application/sparql-results+json, application/n-triples;q=0.1", None, "ntriples"),
    ],
)
def test_synonyms_and_stand_ins(kind, accept, param, expected) -> None:
    assert for_kind(kind, accept, param).name == expected


def test_a_client_naming_no_type_gets_what_the_resource_prefers() -> None:
    offered = formats.formats_for(G)
    for accept in (None, "", "*/*", "*/*;q=0.8"):
        assert choose(offered, accept, extra=(HTML,), for_any=HTML) == HTML
    assert choose(offered, "*/*", extra=(HTML,)).name == "turtle"
    assert choose(offered, "text/turtle, */*;q=0.1", extra=(HTML,), for_any=HTML).name == "turtle"
