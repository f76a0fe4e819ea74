"""Real SPARQL clients against a real server: SPARQLWrapper, rdflib's SPARQL stores,
pyoxigraph through SERVICE; and our own SERVICE calls (failing, refused)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
import requests
from endpoint_server import ARTICLE_GRAPH, ID, NG, TOKEN, free_port, running_server
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

STATES = f"SELECT ?s WHERE {{ ?s a <{NG}State> }} ORDER BY ?s"
EXPECTED = [ID + "state/france", ID + "state/germany"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("clients"), service_timeout="5") as running:
        yield running


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(server, method) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(method)
    client.setQuery(STATES)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert [b["s"]["value"] for b in result["results"]["bindings"]] == EXPECTED


def test_sparqlwrapper_construct(server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(f"CONSTRUCT WHERE {{ ?s a <{NG}State> }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert sorted(str(s) for s in graph.subjects()) == EXPECTED


def test_sparqlwrapper_update(server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery("INSERT DATA { GRAPH <http://example.org/sw> { <http://example.org/a> "
                    "<http://example.org/p> 7 } }")
    assert client.query().response.status == 204
    ask = requests.get(server.sparql, params={"query": "ASK { ?s ?p 7 }"})
    assert ask.json()["boolean"] is True


def test_rdflib_sparqlstore(server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server.sparql))
    assert [str(row.s) for row in graph.query(STATES)] == EXPECTED
    bound = graph.query(f"ASK {{ <{ID}state/france> ?p ?o }}")
    assert bound.askAnswer is True


def test_rdflib_sparqlupdatestore(server) -> None:
    store = SPARQLUpdateStore(server.sparql, server.sparql,
                              headers={"Authorization": f"Bearer {TOKEN}"})
    graph = rdflib.Graph(store=store, identifier=rdflib.URIRef("http://example.org/rdflib"))
    triple = (rdflib.URIRef("http://example.org/x"), rdflib.RDFS.label, rdflib.Literal("x"))
    graph.add(triple)
    assert list(graph.triples((None, rdflib.RDFS.label, None))) == [triple]
    graph.remove(triple)
    assert len(graph) == 0


def test_pyoxigraph_service_calls_us(server) -> None:
    local = ox.Store()
    local.add(ox.Quad(ox.NamedNode(ID + "state/france"), ox.NamedNode("http://example.org/note"),
                      ox.Literal("local")))
    rows = local.query(
        f"SELECT ?label ?note WHERE {{ ?s <http://example.org/note> ?note . "
        f"SERVICE <{server.sparql}> {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
        " }"
    )
    assert [(r["label"].value, r["note"].value) for r in rows] == [("France", "local")]


def test_failing_service_is_an_error_status(server) -> None:
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    query = f"SELECT * WHERE {{ ?s a <{NG}State> . SERVICE <{dead}> {{ ?s ?p ?o }} }}"
    response = requests.get(server.sparql, params={"query": query})
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/plain")
    silent = requests.get(server.sparql, params={"query": query.replace("SERVICE", "SERVICE SILENT")})
    assert silent.status_code == 200
    assert silent.json()["results"]["bindings"] is not None


def test_service_outside_the_allowlist_is_refused(server) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = requests.get(server.sparql, params={"query": query})
    assert response.status_code in (400, 403)
    assert "not allowed" in response.text


def test_federation_with_ourselves(server) -> None:
    query = (f"SELECT ?g WHERE {{ SERVICE <{server.sparql}> {{ GRAPH ?g {{ ?e a <{NG}Meeting> }} }}"
             " }")
    response = requests.get(server.sparql, params={"query": query})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [ARTICLE_GRAPH]
