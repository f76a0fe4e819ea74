"""Every SPARQL client works with its defaults (issue 14): SPARQLWrapper with each return
format, rdflib's SPARQL stores with each returnFormat and auth=, curl -u, a body in another
charset, and Comunica (when tests/.node holds it) against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import warnings
from pathlib import Path

import pytest
import rdflib
import requests
from endpoint_server import ID, NG, TOKEN, running_server
from federation_servers import wikidata_standin
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

STATES = [ID + "state/france", ID + "state/germany"]
SELECT = f"SELECT ?s WHERE {{ ?s a <{NG}State> }} ORDER BY ?s"
ASK = f"ASK {{ ?s a <{NG}State> }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ ?s a <{NG}State> }}"
DESCRIBE = f"DESCRIBE <{ID}state/france>"
RESULTS_FORMATS = (XML, JSON, CSV, TSV)
GRAPH_FORMATS = (XML, RDFXML, JSON, JSONLD, N3, TURTLE, CSV, TSV)
# How rdflib reads each RDF media type a graph query may come back in.
RDFLIB_PARSERS = {"application/rdf+xml": "xml", "application/ld+json": "json-ld", "text/turtle": "turtle"}
NODE_BIN = Path(__file__).resolve().parent / ".node" / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("client-defaults")) as running:
        yield running


def wrapper(server, query: str, return_format: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    if return_format is not None:
        client.setReturnFormat(return_format)
    return client


def graph_of(response_body: bytes, content_type: str) -> rdflib.Graph:
    media_type = content_type.split(";")[0]
    return rdflib.Graph().parse(data=response_body, format=RDFLIB_PARSERS[media_type])


# --- SPARQLWrapper: it sends format=, output= and results= besides Accept


def test_sparqlwrapper_defaults_for_the_four_query_forms(server) -> None:
    # The default return format is XML: results XML for SELECT and ASK, RDF/XML for the graphs.
    select = wrapper(server, SELECT).queryAndConvert()
    assert [u.firstChild.data for u in select.getElementsByTagName("uri")] == STATES
    ask = wrapper(server, ASK).queryAndConvert()
    assert ask.getElementsByTagName("boolean")[0].firstChild.data == "true"
    construct = wrapper(server, CONSTRUCT).queryAndConvert()
    assert sorted(str(s) for s in construct.subjects()) == STATES
    describe = wrapper(server, DESCRIBE).queryAndConvert()
    assert (rdflib.URIRef(ID + "state/france"), rdflib.RDFS.label, rdflib.Literal("France", lang="en")) \
        in describe


@pytest.mark.parametrize("return_format", RESULTS_FORMATS)
@pytest.mark.parametrize("query", [SELECT, ASK], ids=["SELECT", "ASK"])
def test_sparqlwrapper_results_formats(server, query, return_format) -> None:
    result = wrapper(server, query, return_format).query()
    body = result.response.read()
    assert result.response.status == 200
    if query == SELECT:
        for state in STATES:
            assert state.encode() in body
    elif return_format in (XML, JSON):
        assert b"true" in body
    # ASK as CSV or TSV has no standard; it is answered as a one-row table (as by Oxigraph).


@pytest.mark.parametrize("return_format", GRAPH_FORMATS)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_formats(server, query, return_format) -> None:
    # A results format named for a graph query gets its RDF stand-in (xml: RDF/XML, json:
    # JSON-LD, csv/tsv: Turtle), never a 406.
    result = wrapper(server, query, return_format).query()
    content_type = result.response.headers["Content-Type"]
    graph = graph_of(result.response.read(), content_type)
    assert rdflib.URIRef(ID + "state/france") in set(graph.subjects())
    expected = {XML: "application/rdf+xml", RDFXML: "application/rdf+xml", JSON: "application/ld+json",
                JSONLD: "application/ld+json"}.get(return_format, "text/turtle")
    assert content_type.startswith(expected)


@pytest.mark.parametrize("return_format", [JSONLD, N3, RDFXML, TURTLE])
def test_sparqlwrapper_rdf_format_for_a_select_is_406(server, return_format) -> None:
    # A table of solutions is not a graph: the 406 names the formats a SELECT comes in.
    client = wrapper(server, SELECT, return_format)
    with warnings.catch_warnings(), pytest.raises(urllib.error.HTTPError) as refused:
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns about the same thing
        client.query()
    assert refused.value.code == 406
    assert "json, xml, csv, tsv" in refused.value.read().decode()


def test_sparqlwrapper_credentials_for_an_update(server) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    client.setCredentials("editor", TOKEN)  # HTTP Basic, the token as the password
    client.setQuery('INSERT DATA { GRAPH <http://example.org/sw-basic> { <http://example.org/a> '
                    '<http://example.org/p> "basic" } }')
    assert client.query().response.status == 204
    client.setCredentials("editor", "wrong")
    with pytest.raises(Unauthorized):
        client.query()


# --- rdflib's SPARQLStore reads the answer by its Content-Type


@pytest.mark.parametrize("return_format", ["json", "xml", "csv"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore_return_formats(server, return_format, method) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server.sparql, returnFormat=return_format, method=method))
    assert [str(row.s) for row in graph.query(SELECT)] == STATES
    constructed = graph.query(CONSTRUCT)  # Accept lists only results types: answered in RDF
    assert sorted(str(s) for s, _, _ in constructed) == STATES
    described = graph.query(DESCRIBE)
    assert len(described) == 3
    if return_format != "csv":  # ASK as CSV: no standard (see test_sparqlwrapper_results_formats)
        assert graph.query(ASK).askAnswer is True


def test_rdflib_sparqlupdatestore_with_auth(server) -> None:
    store = SPARQLUpdateStore(server.sparql, server.sparql, auth=("editor", TOKEN))
    graph = rdflib.Graph(store=store, identifier=rdflib.URIRef("http://example.org/rdflib-auth"))
    triple = (rdflib.URIRef("http://example.org/x"), rdflib.RDFS.label, rdflib.Literal("auth"))
    graph.add(triple)
    assert list(graph.triples((None, rdflib.RDFS.label, None))) == [triple]
    refused = rdflib.Graph(store=SPARQLUpdateStore(server.sparql, server.sparql, auth=("editor", "nope")),
                           identifier=graph.identifier)
    with pytest.raises(Exception, match="401"):
        refused.add((triple[0], rdflib.RDFS.comment, rdflib.Literal("refused")))


# --- writes: Bearer or Basic, and a 401 that names both


def written(server, value: str) -> bool:
    response = requests.get(server.sparql, params={"query": f'ASK {{ ?s ?p "{value}" }}'}, timeout=30)
    return response.json()["boolean"]


def test_401_names_both_schemes(server) -> None:
    response = requests.post(server.sparql, data={"update": "CLEAR DEFAULT"}, timeout=30)
    assert response.status_code == 401
    challenges = response.raw.headers.getlist("WWW-Authenticate")
    assert [c.split()[0] for c in challenges] == ["Bearer", "Basic"]
    assert "Basic" in response.text and "Bearer" in response.text


def test_curl_basic_auth(server) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (a system tool: apt-get install curl)")
    update = 'INSERT DATA { <http://example.org/curl> <http://example.org/p> "curl-u" }'
    refused = subprocess.run([curl, "-s", "-i", "-u", "editor:wrong", "--data-urlencode", f"update={update}",
                              server.sparql], capture_output=True, text=True, timeout=60, check=True)
    assert refused.stdout.startswith("HTTP/1.1 401")
    assert 'www-authenticate: basic realm="newsgraph"' in refused.stdout.lower()
    assert not written(server, "curl-u")
    done = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", f"editor:{TOKEN}",
                           "--data-urlencode", f"update={update}", server.sparql],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == "204"
    assert written(server, "curl-u")


# --- request bodies in UTF-8 only


@pytest.mark.parametrize(
    ("content_type", "text", "field"),
    [
        ("application/sparql-query; charset=UTF-16", ASK, None),
        ("application/sparql-update; charset=UTF-16",
         'INSERT DATA { <http://example.org/u16> <http://example.org/p> "utf-16" }', None),
        ("application/x-www-form-urlencoded; charset=UTF-16",
         'INSERT DATA { <http://example.org/u16> <http://example.org/p> "utf-16" }', "update"),
    ],
)
def test_a_body_in_another_charset_is_415(server, content_type, text, field) -> None:
    body = (f"{field}={text}" if field else text).encode("utf-16")
    response = requests.post(server.sparql, data=body, timeout=30, headers={
        "Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 415
    assert "charset=UTF-16" in response.text
    assert not written(server, "utf-16")


def test_a_body_in_utf8_with_its_charset_is_read(server) -> None:
    response = requests.post(server.sparql, data=ASK.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-query; charset=UTF-8",
                                      "Accept": "application/sparql-results+json"})
    assert response.json()["boolean"] is True


# --- Comunica (npm), when tests/.node holds it (.ci/run installs it)


def comunica(binary: str, *args: str) -> str:
    """What a Comunica command prints; skips the test when node or the package is missing."""
    node, path = shutil.which("node"), NODE_BIN / binary
    if node is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs npm)")
    if not path.exists():
        pytest.skip(f"{path} is missing: npm install --prefix tests/.node @comunica/query-sparql@3 "
                    "@comunica/query-sparql-link-traversal@0.5 (see .ci/run)")
    done = subprocess.run([node, str(path), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_comunica_select_construct_describe(server) -> None:
    rows = json.loads(comunica("comunica-sparql", f"sparql@{server.sparql}", SELECT))
    assert [row["s"] for row in rows] == STATES
    ntriples = comunica("comunica-sparql", f"sparql@{server.sparql}", "-t", "application/n-triples",
                        CONSTRUCT)
    assert sorted(str(s) for s in rdflib.Graph().parse(data=ntriples, format="nt").subjects()) == STATES
    described = comunica("comunica-sparql", f"sparql@{server.sparql}", "-t", "application/n-triples",
                         DESCRIBE)
    assert f'<{ID}state/france> <http://www.w3.org/2000/01/rdf-schema#label> "France"@en .' in described


def test_comunica_federated_join(server, tmp_path) -> None:
    # Our states joined by label with the items of a Wikidata stand-in (`oxigraph serve`).
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = (f"SELECT ?state ?item WHERE {{ ?state a <{NG}State> ; {label} ?name . "
             f"?item {label} ?name FILTER(?item != ?state) }}")
    with wikidata_standin(tmp_path) as wikidata:
        rows = json.loads(comunica("comunica-sparql", f"sparql@{server.sparql}", f"sparql@{wikidata}", query))
    found = sorted((row["state"], row["item"]) for row in rows)
    assert found == [(ID + "state/france", "http://www.wikidata.org/entity/Q142"),
                     (ID + "state/germany", "http://www.wikidata.org/entity/Q183")]


def test_comunica_update_with_basic_auth(server) -> None:
    # Comunica sends the user information of the URL as HTTP Basic.
    host = server.sparql.removeprefix("http://")
    comunica("comunica-sparql", f"sparql@http://editor:{TOKEN}@{host}",
             'INSERT DATA { <http://example.org/comunica> <http://example.org/p> "comunica" }')
    assert written(server, "comunica")
