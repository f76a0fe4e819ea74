"""POST /articles ingests a facts file with the same rules as `kg ingest`: token, checks, atomicity."""

from __future__ import annotations

import pytest
import requests
from conftest import MEETING_FACTS
from endpoint_server import TOKEN, serve_newsgraph

YAML = {"Content-Type": "application/yaml"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ASK_ARTICLE = "ASK { <https://w3id.org/newsgraph/id/article/test-1> ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    # An empty store: the server loads the ontology and gazetteer the facts refer to.
    with serve_newsgraph(folder, folder / "store", workers="1", write_token=TOKEN) as running:
        yield running


def asks(server, query: str) -> bool:
    return requests.get(server.sparql, params={"query": query}, timeout=30).json()["boolean"]


def test_without_token_is_401_and_writes_nothing(server) -> None:
    response = requests.post(server.url + "/articles", data=MEETING_FACTS, headers=YAML, timeout=30)
    assert response.status_code == 401
    assert not asks(server, ASK_ARTICLE)


def test_wrong_content_type_is_415(server) -> None:
    response = requests.post(server.url + "/articles", data=MEETING_FACTS,
                             headers={"Content-Type": "text/plain", **AUTH}, timeout=30)
    assert response.status_code == 415


def test_malformed_facts_are_400_naming_fact_and_field(server) -> None:
    bad = MEETING_FACTS.replace("test-1", "test-bad").replace("type: Meeting", "type: Meting")
    response = requests.post(server.url + "/articles", data=bad, headers={**YAML, **AUTH}, timeout=30)
    assert response.status_code == 400
    assert "fact 1 (key 'meeting'), field 'type'" in response.text
    assert not asks(server, "ASK { <https://w3id.org/newsgraph/id/article/test-bad> ?p ?o }")


def test_good_facts_are_201_and_queryable_at_once(server) -> None:
    response = requests.post(server.url + "/articles", data=MEETING_FACTS, headers={**YAML, **AUTH}, timeout=30)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["article"] == "https://w3id.org/newsgraph/id/article/test-1"
    assert body["facts"] == 1 and body["triples"] > 10
    assert response.headers["Location"] == server.url + "/id/article/test-1"
    assert asks(server, ASK_ARTICLE)
    assert asks(server, "ASK { GRAPH <https://w3id.org/newsgraph/graph/article/test-1> "
                        "{ ?e a <https://w3id.org/newsgraph/ontology#Meeting> } }")


def test_deleting_an_article_graph_takes_what_was_derived_from_it(server) -> None:
    facts = MEETING_FACTS.replace("test-1", "test-delete")
    assert requests.post(server.url + "/articles", data=facts, headers={**YAML, **AUTH},
                         timeout=30).status_code == 201
    graph = "https://w3id.org/newsgraph/graph/article/test-delete"
    assert asks(server, f"ASK {{ GRAPH <{graph}/inferred> {{ ?s ?p ?o }} }}")
    deleted = requests.delete(server.store, params={"graph": graph}, headers=AUTH, timeout=30)
    assert deleted.status_code == 204
    # Its inferred types and the provenance of both graphs go with it.
    assert not asks(server, f"ASK {{ GRAPH <{graph}/inferred> {{ ?s ?p ?o }} }}")
    assert not asks(server, f"ASK {{ GRAPH ?meta {{ <{graph}> ?p ?o }} }}")
    assert not asks(server, f"ASK {{ GRAPH ?meta {{ <{graph}/inferred> ?p ?o }} }}")
    # Ingested again with a new title, the article has that title alone.
    corrected = facts.replace("title: A test article", "title: A corrected article")
    assert requests.post(server.url + "/articles", data=corrected, headers={**YAML, **AUTH},
                         timeout=30).status_code == 201
    titles = requests.get(server.sparql, params={"query": (
        "SELECT ?t { <https://w3id.org/newsgraph/id/article/test-delete> "
        "<http://schema.org/headline> ?t }")}, timeout=30).json()["results"]["bindings"]
    assert [t["t"]["value"] for t in titles] == ["A corrected article"]
