"""The SPARQL 1.1 Protocol against a real server on 127.0.0.1, every answer parsed for real."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests
from endpoint_server import ARTICLE_GRAPH, GRAPH, ID, NG, TOKEN, running_server

SELECT_STATES = (
    f"PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?state ?label WHERE { ?state a ng:State ; rdfs:label ?label } ORDER BY ?label"
)
EXPECTED_STATES = [(ID + "state/france", "France"), (ID + "state/germany", "Germany")]
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("http")) as running:
        yield running


def rows_from_json(body: bytes) -> list[tuple[str, str]]:
    data = json.loads(body)
    return [(b["state"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]


def rows_from_xml(body: bytes) -> list[tuple[str, str]]:
    rows = []
    for result in ET.fromstring(body).iter(RESULTS_NS + "result"):
        values = {b.get("name"): "".join(b.itertext()).strip() for b in result}
        rows.append((values["state"], values["label"]))
    return rows


def rows_from_csv(body: bytes) -> list[tuple[str, str]]:
    reader = csv.DictReader(io.StringIO(body.decode()))
    return [(r["state"], r["label"]) for r in reader]


def rows_from_tsv(body: bytes) -> list[tuple[str, str]]:
    lines = body.decode().strip().split("\n")
    assert lines[0].split("\t") == ["?state", "?label"]
    return [
        (state.strip("<>"), label.split('"')[1])
        for state, label in (line.split("\t") for line in lines[1:])
    ]


@pytest.mark.parametrize(
    ("accept", "media_type", "parse"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", rows_from_json),
        ("application/sparql-results+xml", "application/sparql-results+xml", rows_from_xml),
        ("text/csv", "text/csv", rows_from_csv),
        ("text/tab-separated-values", "text/tab-separated-values", rows_from_tsv),
    ],
)
def test_select_in_every_results_format(server, accept, media_type, parse) -> None:
    response = requests.get(server.sparql, params={"query": SELECT_STATES},
                            headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert parse(response.content) == EXPECTED_STATES


def test_select_by_form_post_and_direct_post(server) -> None:
    by_form = requests.post(server.sparql, data={"query": SELECT_STATES})
    direct = requests.post(server.sparql, data=SELECT_STATES.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert rows_from_json(by_form.content) == rows_from_json(direct.content) == EXPECTED_STATES


def test_format_parameter_beats_accept(server) -> None:
    response = requests.get(server.sparql, params={"query": SELECT_STATES, "format": "csv"},
                            headers={"Accept": "application/sparql-results+json"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert rows_from_csv(response.content) == EXPECTED_STATES


def test_ask(server) -> None:
    ask = f"ASK {{ <{ID}state/france> ?p ?o }}"
    as_json = requests.get(server.sparql, params={"query": ask})
    assert json.loads(as_json.content)["boolean"] is True
    as_xml = requests.get(server.sparql, params={"query": ask},
                          headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(as_xml.content).find(RESULTS_NS + "boolean").text == "true"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"),
     ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_construct_in_every_graph_format(server, accept, rdflib_format) -> None:
    query = f"CONSTRUCT WHERE {{ <{ID}state/france> ?p ?o }}"
    response = requests.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert (rdflib.URIRef(ID + "state/france"), rdflib.RDFS.label,
            rdflib.Literal("France", lang="en")) in graph
    assert len(graph) == 3


def test_describe(server) -> None:
    response = requests.get(server.sparql, params={"query": f"DESCRIBE <{ID}state/germany>"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(ID + "state/germany"), None, None) in graph


def test_union_default_graph_and_named_graphs(server) -> None:
    query = (f"PREFIX ng: <{NG}> SELECT ?g WHERE {{ GRAPH ?g {{ ?e a ng:Meeting }} "
             "?e ng:agent ?state . ?state a ng:State }")
    bindings = json.loads(requests.get(server.sparql, params={"query": query}).content)
    assert [b["g"]["value"] for b in bindings["results"]["bindings"]] == [ARTICLE_GRAPH]


def test_default_graph_uri_overrides_the_union(server) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
    def count(**params):
        response = requests.get(server.sparql, params={"query": query, **params})
        return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])
    assert count() == 5
    assert count(**{"default-graph-uri": GRAPH + "reference"}) == 2
    assert count(**{"default-graph-uri": [GRAPH + "reference", ARTICLE_GRAPH]}) == 4
    named = requests.get(server.sparql, params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": GRAPH + "meta",
    })
    assert [b["g"]["value"] for b in json.loads(named.content)["results"]["bindings"]] == [
        GRAPH + "meta"
    ]


def test_the_query_s_own_dataset_beats_the_union(server) -> None:
    def count(query: str, **params) -> int:
        response = requests.get(server.sparql, params={"query": query, **params})
        assert response.status_code == 200, response.text
        return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])
    typed = "WHERE { ?s a ?type }"
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}reference> {typed}") == 2
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <http://example.org/none> {typed}") == 0
    # FROM NAMED alone: an empty default graph, the named graph through GRAPH.
    assert count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}reference> {typed}") == 0
    assert count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}reference> "
                 "WHERE { GRAPH ?g { ?s a ?type } }") == 2
    # The protocol's dataset replaces the query's, named-graph-uri alone included.
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}reference> {typed}",
                 **{"named-graph-uri": ARTICLE_GRAPH}) == 0
    # A variable called ?from is not a FROM clause.
    assert count("SELECT (COUNT(?from) AS ?n) WHERE { ?from a ?type }") == 5


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "words"),
    [
        ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p "}}, 400, "line 1, column"),
        ("GET", {"params": {"query": ["ASK {}", "ASK {}"]}}, 400, "2 times"),
        ("POST", {"data": {"nothing": "here"}}, 400, "neither"),
        ("POST", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415,
         "text/plain"),
        ("GET", {"params": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}}, 400,
         "Update sent as a query"),
        ("GET", {"params": {"query": "SELECT * {}"}, "headers": {"Accept": "image/png"}}, 406,
         "application/sparql-results+json"),
        ("GET", {"params": {"query": "SELECT * {}", "format": "png"}}, 406, "json"),
        # Bytes that are not UTF-8, escaped in the URL or raw in a form body.
        ("GET", {"params": "query=SELECT%20(%22%E9%22%20AS%20?x)%20%7B%7D"}, 400, "not UTF-8"),
        ("POST", {"data": b"query=SELECT%20*%20%7B%7D%20%23%E9",
                  "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400,
         "not UTF-8"),
        # Malformed and unacceptable: the parser's message wins over the 406.
        ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p "},
                 "headers": {"Accept": "text/turtle"}}, 400, "does not parse"),
        ("GET", {"params": {"query": "SELECT * {}", "default-graph-uri": "a b"}}, 400, "IRI"),
        ("DELETE", {}, 405, ""),
    ],
)
def test_errors_are_named_and_plain_text(server, method, kwargs, status, words) -> None:
    response = requests.request(method, server.sparql, **kwargs)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/plain")
    assert words in response.text


def test_update_by_get_is_refused_and_not_executed(server) -> None:
    update = f"INSERT DATA {{ <{ID}x> <{ID}p> <{ID}o> }}"
    response = requests.get(server.sparql, params={"update": update},
                            headers={"Authorization": "Bearer test-token"})
    assert response.status_code in (400, 405)
    check = requests.get(server.sparql, params={"query": f"ASK {{ <{ID}x> ?p ?o }}"})
    assert json.loads(check.content)["boolean"] is False


@pytest.mark.parametrize(
    "params",
    [{"query": SELECT_STATES}, {"query": "SELECT * WHERE { ?s ?p "}, {}],
)
def test_head_is_get_without_body(server, params) -> None:
    get = requests.get(server.sparql, params=params, headers={"Accept": "text/turtle"}
                       if not params else {})
    head = requests.head(server.sparql, params=params, headers={"Accept": "text/turtle"}
                         if not params else {})
    assert head.status_code == get.status_code
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.content == b""


def test_deeply_nested_query_is_refused_and_the_server_lives(server) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    response = requests.post(server.sparql, data={"query": deep})
    assert response.status_code == 400
    assert "nested" in response.text
    assert requests.get(server.sparql, params={"query": "ASK {}"}).status_code == 200


def test_etag_and_304(server) -> None:
    first = requests.get(server.sparql, params={"query": SELECT_STATES})
    etag = first.headers["ETag"]
    again = requests.get(server.sparql, params={"query": SELECT_STATES},
                         headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]  # RFC 9110 15.4.5
    anything = requests.get(server.sparql, params={"query": SELECT_STATES},
                            headers={"If-None-Match": "*"})
    assert anything.status_code == 304
    # A POST must not be performed when its condition fails: 412, not 304 (RFC 9110 13.1.2).
    posted = requests.post(server.sparql, data={"query": SELECT_STATES},
                           headers={"If-None-Match": etag})
    assert posted.status_code == 412
    other_format = requests.get(server.sparql, params={"query": SELECT_STATES},
                                headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other_format.status_code == 200
    volatile = requests.get(server.sparql, params={"query": "SELECT (RAND() AS ?r) {}"})
    assert "ETag" not in volatile.headers


def test_cors_and_preflight(server) -> None:
    response = requests.get(server.sparql, params={"query": "ASK {}"},
                            headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(server.sparql, headers={
        "Origin": "https://yasgui.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    # Whatever headers a client library adds, the preflight lets them through.
    library = requests.options(server.sparql, headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-requested-with, content-type",
    })
    assert library.headers["Access-Control-Allow-Headers"] == "x-requested-with, content-type"
    # A script may read where a POST put what it created, and why a write was refused.
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "Location" in exposed and "WWW-Authenticate" in exposed


def test_size_limits_answer_413(tmp_path) -> None:
    with running_server(tmp_path, max_request_bytes="2000", workers="1") as small:
        padding = "#" + "x" * 3000 + "\nASK {}"
        assert requests.get(small.sparql, params={"query": padding}).status_code == 413
        assert requests.post(small.sparql, data={"query": padding}).status_code == 413
        direct = requests.post(small.sparql, data=padding.encode(),
                               headers={"Content-Type": "application/sparql-query"})
        assert direct.status_code == 413
        assert requests.get(small.sparql, params={"query": "ASK {}"}).status_code == 200


def _chunks(text: str, size: int = 500):
    """A body that requests sends chunked (no Content-Length)."""
    data = text.encode()
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_a_chunked_body_over_the_limit_is_413_and_writes_nothing(tmp_path) -> None:
    # Two updates with 3 KB of comment between them: cut at the 2,000-byte limit, the
    # first would be applied alone.
    update = ('INSERT DATA { GRAPH <http://ex/first> { <http://ex/s> <http://ex/p> "1" } } ;\n'
              + ("#" + "x" * 99 + "\n") * 30
              + 'INSERT DATA { GRAPH <http://ex/second> { <http://ex/s> <http://ex/p> "2" } }')
    with running_server(tmp_path, max_request_bytes="2000", workers="1") as small:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        answer = requests.post(small.sparql, data=_chunks(update),
                               headers={**auth, "Content-Type": "application/sparql-update"})
        assert answer.status_code == 413
        assert "2000 bytes" in answer.text
        put = requests.put(small.store, params={"graph": "http://ex/third"}, data=_chunks(
            "<http://ex/s> <http://ex/p> <http://ex/o> .\n" * 100),
            headers={**auth, "Content-Type": "application/n-triples"})
        assert put.status_code == 413
        ask = "ASK { GRAPH ?g { <http://ex/s> ?p ?o } }"
        assert requests.get(small.sparql, params={"query": ask}).json()["boolean"] is False
        # Under the limit, a chunked body is read whole.
        query = requests.post(small.sparql, data=_chunks("ASK {}", 2),
                              headers={"Content-Type": "application/sparql-query"})
        assert query.status_code == 200 and query.json()["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format", "media_type"),
    [("text/turtle", "turtle", "text/turtle"), ("application/ld+json", "json-ld",
                                                "application/ld+json"),
     (None, "turtle", "text/turtle"),
     ("application/n-triples", "nt", "application/n-triples"),
     ("application/rdf+xml", "xml", "application/rdf+xml"),
     ("application/trig", "trig", "application/trig"),
     # What Comunica asks for first (it once got a 500: rdflib writes quads only from a dataset).
     ("application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,text/turtle;q=0.6",
      "nquads", "application/n-quads")],
)
def test_service_description(server, accept, rdflib_format, media_type) -> None:
    response = requests.get(server.sparql, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Dataset().parse(data=response.content, format=rdflib_format)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(server.sparql)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.resultFormat,
            rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph


def test_query_page_for_browsers(server) -> None:
    response = requests.get(server.sparql, headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<form" in response.text
