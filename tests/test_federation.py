"""SERVICE over real HTTP on 127.0.0.1: the allowlist, failures, time limit, README examples,
and other engines (pyoxigraph, rdflib) calling us."""

from __future__ import annotations

import csv
import io
import time

import pyoxigraph as ox
import pytest
import rdflib
import requests
from endpoint_server import PROJECT_ROOT, free_port
from federation_servers import SlowEndpoint, Trap, newsgraph_server, wikidata_standin

WIKIDATA = "https://query.wikidata.org/sparql"
EXAMPLES = PROJECT_ROOT / "docs" / "federation"
ID = "https://w3id.org/newsgraph/id/"


@pytest.fixture(scope="module")
def trap():
    trap = Trap()
    yield trap
    trap.close()


@pytest.fixture(scope="module")
def slow():
    slow = SlowEndpoint(delay=6)
    yield slow
    slow.close()


@pytest.fixture(scope="module")
def dead() -> str:
    return f"http://127.0.0.1:{free_port()}/sparql"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    with wikidata_standin(tmp_path_factory.mktemp("standin")) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, standin, slow, dead):
    allowed = " ".join([standin, slow.url, dead])
    folder = tmp_path_factory.mktemp("newsgraph")
    with newsgraph_server(folder, allowed_services=allowed, service_timeout="2") as url:
        yield url


def select(endpoint: str, query: str) -> requests.Response:
    return requests.post(endpoint, data={"query": query}, headers={"Accept": "text/csv"}, timeout=30)


def rows(response: requests.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text)))


def example(name: str, standin: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8").replace(WIKIDATA, standin)


# --- refused before any request leaves


@pytest.mark.parametrize(
    "target",
    [
        "<http://example.org/sparql>",
        "<{trap}>",
        "<http://169.254.169.254/latest/meta-data/>",
        "<http://10.1.2.3/sparql>",
        "<http://[::1]:{port}/sparql>",
        "<http://127.0.0.1:{port}@127.0.0.1:{port}/sparql>",
        "<http://localhost:{port}/sparql>",
        "?endpoint",
    ],
)
def test_service_outside_the_allowlist_is_refused_before_any_call(endpoint, trap, target) -> None:
    target = target.format(trap=trap.url, port=trap.port)
    query = (
        f"SELECT * WHERE {{ VALUES ?endpoint {{ <{trap.url}> }} "
        f"SERVICE {target} {{ ?s ?p ?o }} }}"
    )
    response = select(endpoint, query)
    assert response.status_code == 400
    assert "not allowed" in response.text and "--allow-service" in response.text
    assert "NEWSGRAPH_ALLOWED_SERVICES" in response.text
    time.sleep(0.3)
    assert trap.connections == 0


def test_service_without_a_space_or_with_escapes_is_refused(endpoint, trap) -> None:
    escaped = trap.url.replace(":", "\\u003A", 2).replace("\\u003A", ":", 1)
    for query in (
        f"SELECT * WHERE {{ SERVICE<{trap.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"PREFIX t: <http://127.0.0.1:{trap.port}/> SELECT * WHERE {{ service t:sparql {{ ?s ?p ?o }} }}",
    ):
        assert select(endpoint, query).status_code == 400, query
    time.sleep(0.3)
    assert trap.connections == 0


# --- calls that are allowed


def test_service_to_the_allowlisted_standin(endpoint, standin) -> None:
    query = (
        f"SELECT ?name WHERE {{ SERVICE <{standin}> {{ "
        "<http://www.wikidata.org/entity/Q794> <http://www.w3.org/2000/01/rdf-schema#label> ?name } }"
    )
    assert rows(select(endpoint, query)) == [["name"], ["Iran"]]


def test_service_silent_to_a_dead_endpoint_still_answers(endpoint, dead) -> None:
    query = (
        "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?s ?o WHERE { "
        f"?s ng:iso3166Alpha2 \"IR\" . SERVICE SILENT <{dead}> {{ ?s ?p ?o }} }}"
    )
    assert rows(select(endpoint, query)) == [["s", "o"], [ID + "state/iran", ""]]


def test_a_failing_service_is_an_error_status(endpoint, dead) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{dead}> {{ ?s ?p ?o }} }}"
    response = select(endpoint, query)
    assert response.status_code == 502
    assert dead in response.text and "cannot be reached" in response.text


def test_a_slow_service_hits_the_time_limit_and_names_us(endpoint, slow) -> None:
    started = time.monotonic()
    response = select(endpoint, f"SELECT * WHERE {{ SERVICE <{slow.url}> {{ ?s ?p ?o }} }}")
    elapsed = time.monotonic() - started
    assert response.status_code == 502
    assert "time limit" in response.text
    assert elapsed < 5  # service_timeout is 2 s; the endpoint would take 6
    assert slow.requests, "the slow endpoint was never called"
    headers = slow.requests[-1].lower()
    assert "user-agent: newsgraph/" in headers and "+https://w3id.org/newsgraph/" in headers


# --- the README's federated examples


def test_ceasefire_callers_capital_and_population(endpoint, standin) -> None:
    assert rows(select(endpoint, example("ceasefire-capitals.rq", standin))) == [
        ["state", "capital", "population"],
        ["China", "Beijing", "1408280000"],
        ["Pakistan", "Islamabad", "241499431"],
        ["Russia", "Moscow", "146028325"],
    ]


def test_heads_of_state_of_meeting_participants(endpoint, standin) -> None:
    assert rows(select(endpoint, example("meeting-heads-of-state.rq", standin))) == [
        ["state", "headOfState"],
        ["Iran", "Ali Khamenei"],
        ["Russia", "Vladimir Putin"],
    ]


def test_readme_shows_the_real_output(endpoint, standin) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(EXAMPLES.glob("*.rq")):
        marker = f"query@docs/federation/{path.name}"
        assert marker in readme, f"README does not show {path.name}"
        shown = readme.split(marker, 1)[1].split("\n", 1)[1].split("```", 1)[0]
        real = select(endpoint, example(path.name, standin)).text.replace("\r\n", "\n")
        assert shown == real, path.name


# --- other engines calling us


def test_pyoxigraph_joins_its_data_with_ours(endpoint) -> None:
    local = ox.Store()
    for code, note in (("IR", "local note on Iran"), ("RU", "local note on Russia")):
        local.add(ox.Quad(ox.NamedNode(f"http://example.org/{code}"),
                          ox.NamedNode("http://example.org/note"), ox.Literal(note)))
    query = (
        "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?code ?label ?note WHERE { "
        "?local <http://example.org/note> ?note . "
        "BIND(STRAFTER(STR(?local), 'http://example.org/') AS ?code) "
        f"SERVICE <{endpoint}> {{ ?s ng:iso3166Alpha2 ?code ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } } ORDER BY ?code"
    )
    found = [(r["code"].value, r["label"].value, r["note"].value) for r in local.query(query)]
    assert found == [("IR", "Iran", "local note on Iran"), ("RU", "Russia", "local note on Russia")]


def test_rdflib_joins_its_data_with_ours(endpoint) -> None:
    graph = rdflib.Graph()
    graph.add((rdflib.URIRef(ID + "state/iran"), rdflib.URIRef("http://example.org/note"),
               rdflib.Literal("local note")))
    # Full IRIs inside SERVICE: rdflib 7 re-parses a SERVICE body without the query's prefixes.
    query = (
        "SELECT ?s ?iso3 ?note WHERE { ?s <http://example.org/note> ?note . "
        f"SERVICE <{endpoint}> {{ ?s <https://w3id.org/newsgraph/ontology#iso3166Alpha3> ?iso3 }} }}"
    )
    found = [(str(r.s), str(r.iso3), str(r.note)) for r in graph.query(query)]
    assert found == [(ID + "state/iran", "IRN", "local note")]


def test_our_service_description_says_we_federate(endpoint) -> None:
    response = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=10)
    assert "BasicFederatedQuery" in response.text


def test_no_request_left_for_refused_queries(trap) -> None:
    assert trap.connections == 0
