"""Queries answered by the WSGI fast path get exactly what the Flask view answers; every
other request, and every malformed one, goes on to the Flask app."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kg.config import Settings
from server import create_app
from server.fast_path import QueryFastPath

SELECT = (
    "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
    "SELECT ?e ?label WHERE { ?e a ng:Meeting ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s a <https://w3id.org/newsgraph/ontology#State> } LIMIT 5"
FORM = "application/x-www-form-urlencoded"

# (method, query-string parameters, headers, body): each is asked of both paths.
REQUESTS: list[tuple[str, dict[str, Any], dict[str, str], str | None]] = [
    ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": SELECT, "format": "csv"}, {}, None),
    ("GET", {"query": SELECT}, {"Accept": "text/tab-separated-values"}, None),
    ("GET", {"query": ASK}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "text/turtle"}, None),
    ("GET", {"query": SELECT, "default-graph-uri": "https://example.org/none"}, {}, None),
    ("HEAD", {"query": SELECT}, {}, None),
    ("POST", {}, {"Content-Type": FORM}, "query=" + SELECT.replace(" ", "+").replace("#", "%23")),
    ("POST", {}, {"Content-Type": "application/sparql-query"}, SELECT),
    # Errors: the engine's (answered on the fast path) and the protocol's (the Flask app's).
    ("GET", {"query": "SELECT ?x WHERE { ?x"}, {}, None),
    ("GET", {"query": [ASK, ASK]}, {}, None),
    ("GET", {"update": "CLEAR ALL"}, {}, None),
    ("GET", {"query": SELECT}, {"Accept": "image/png"}, None),
    ("GET", {"query": "SELECT ?x WHERE { ?x"}, {"Accept": "image/png"}, None),
    ("POST", {}, {"Content-Type": "text/plain"}, SELECT),
]


@pytest.fixture(scope="module")
def app(seeded_store_path: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("fast") / "store"
    shutil.copytree(seeded_store_path, path)
    app = create_app(Settings(store=str(path), autoload=False))
    yield app
    app.extensions["newsgraph"].close()


def _ask(client: Client, method: str, params: dict[str, Any], headers: dict[str, str],
         body: str | None):
    response = client.open("/sparql", method=method, query_string=params, headers=headers,
                           data=body)
    return response.status_code, dict(response.headers), response.get_data()


def _fast_path(app) -> QueryFastPath:
    """The fast path of an app: behind the body limit, in front of Flask."""
    fast_path = app.wsgi_app.app
    assert isinstance(fast_path, QueryFastPath)
    return fast_path


@pytest.mark.parametrize(("method", "params", "headers", "body"), REQUESTS)
def test_fast_path_answers_as_the_flask_view_does(app, method, params, headers, body) -> None:
    fast_path = _fast_path(app)
    through_fast_path = _ask(Client(app), method, params, headers, body)
    through_flask = _ask(Client(fast_path.app), method, params, headers, body)
    assert through_fast_path == through_flask


def test_not_modified_on_both_paths(app) -> None:
    first = Client(app).get("/sparql", query_string={"query": SELECT})
    etag = first.headers["ETag"]
    for client in (Client(app), Client(_fast_path(app).app)):
        again = client.get("/sparql", query_string={"query": SELECT},
                           headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["ETag"] == etag
        assert again.get_data() == b""


def _refusing_app(environ, start_response):
    start_response("599 Handed On", [("Content-Type", "text/plain")])
    return [b"handed on"]


@pytest.fixture(scope="module")
def fast_path_alone(app) -> Client:
    """The fast path in front of an app that marks every request handed on to it."""
    return Client(QueryFastPath(_refusing_app, app.extensions["newsgraph"]))


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_well_formed_queries_never_reach_the_flask_app(fast_path_alone, method) -> None:
    response = fast_path_alone.open("/sparql", method=method, query_string={"query": ASK})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")


def test_a_failing_query_is_answered_on_the_fast_path(fast_path_alone) -> None:
    response = fast_path_alone.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.get_data() != b"handed on"


@pytest.mark.parametrize(("path", "params", "headers", "method"), [
    ("/sparql", {}, {}, "GET"),  # the service description
    ("/sparql", {"query": [ASK, ASK]}, {}, "GET"),
    ("/sparql", {"query": ASK}, {"Accept": "image/png"}, "GET"),
    ("/sparql", {"update": "CLEAR ALL"}, {}, "POST"),
    ("/sparql", {"query": ASK}, {}, "PUT"),
    ("/store", {"default": ""}, {}, "GET"),
    ("/", {}, {}, "GET"),
])
def test_everything_else_goes_on_to_the_flask_app(fast_path_alone, path, params, headers,
                                                   method) -> None:
    response = fast_path_alone.open(path, method=method, query_string=params, headers=headers)
    assert response.status_code == 599
