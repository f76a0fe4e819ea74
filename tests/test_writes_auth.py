"""Writes need the bearer token (401 without it), and none pass when writes are disabled (403)."""

from __future__ import annotations

import pytest
import requests
from endpoint_server import TOKEN, running_server

UPDATE = (
    "INSERT DATA { GRAPH <http://example.org/w> "
    "{ <http://example.org/s> <http://example.org/p> 1 } }"
)
ASK = "ASK { GRAPH <http://example.org/w> { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("auth")) as running:
        yield running


def written(server) -> bool:
    return requests.get(server.sparql, params={"query": ASK}).json()["boolean"]


def update(server, headers: dict[str, str], form: bool = False) -> requests.Response:
    if form:
        return requests.post(server.sparql, data={"update": UPDATE}, headers=headers)
    return requests.post(server.sparql, data=UPDATE.encode(),
                         headers={"Content-Type": "application/sparql-update", **headers})


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
     {"Authorization": "Bearer"}],
)
@pytest.mark.parametrize("form", [False, True])
def test_update_without_the_token_is_401(server, headers, form) -> None:
    response = update(server, headers, form)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not written(server)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_graph_store_write_without_the_token_is_401(server, method) -> None:
    response = requests.request(method, server.store, params={"graph": "http://example.org/w"},
                                data="<http://a> <http://b> <http://c> .",
                                headers={"Content-Type": "text/turtle"})
    assert response.status_code == 401


def test_update_with_the_token(server) -> None:
    response = update(server, {"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    assert written(server)


def test_update_errors_with_the_token_are_400(server) -> None:
    response = requests.post(server.sparql, data=b"INSERT DATA { <a> ",
                      headers={"Content-Type": "application/sparql-update",
                               "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert response.text.startswith("line 1, column ")  # where the update stops parsing


def test_using_graph_uri(server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    copy = ("INSERT { GRAPH <http://example.org/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }")
    response = requests.post(server.sparql, data={
        "update": copy, "using-graph-uri": "http://example.org/w"}, headers=auth)
    assert response.status_code == 204
    count = requests.get(server.sparql, params={
        "query": "SELECT (COUNT(*) AS ?n) { GRAPH <http://example.org/copy> { ?s ?p ?o } }"})
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_queries_stay_public(server) -> None:
    assert requests.get(server.sparql, params={"query": "ASK {}"}).status_code == 200


def test_writes_disabled_is_403(tmp_path) -> None:
    with running_server(tmp_path, write_token="", workers="1") as closed:
        response = update(closed, {"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 403
        put = requests.put(closed.store, params={"graph": "http://example.org/w"},
                           data="<http://a> <http://b> <http://c> .",
                           headers={"Content-Type": "text/turtle",
                                    "Authorization": f"Bearer {TOKEN}"})
        assert put.status_code == 403
        assert not written(closed)
