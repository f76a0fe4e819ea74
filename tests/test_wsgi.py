"""server.wsgi reads a request to /sparql once: queries are answered there without Flask;
updates, the service description and every error go on to the Flask app with what was read."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kg.config import Settings
from server import create_app
from server.wsgi import ERROR_KEY, REQUEST_KEY, Middleware

SELECT = (
    "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
    "SELECT ?e ?label WHERE { ?e a ng:Meeting ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
ASK = "ASK { ?s ?p ?o }"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def app(seeded_store_path: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("fast") / "store"
    shutil.copytree(seeded_store_path, path)
    app = create_app(Settings(store=str(path), autoload=False))
    yield app
    app.extensions["newsgraph"].close()


class _Handed:
    """A stand-in for the Flask app that records what server.wsgi handed on to it."""

    def __init__(self) -> None:
        self.environs: list[dict[str, Any]] = []

    def __call__(self, environ, start_response):
        self.environs.append(environ)
        start_response("599 Handed On", [("Content-Type", "text/plain")])
        return [b"handed on"]


@pytest.fixture
def handed(app) -> tuple[Client, _Handed]:
    """The middleware in front of a recorder of every request handed on to the app behind it."""
    recorder = _Handed()
    return Client(Middleware(recorder, app.extensions["newsgraph"])), recorder


class _CountingInput(io.BytesIO):
    reads = 0

    def read(self, size: int | None = -1) -> bytes:
        type(self).reads += 1
        return super().read(size)


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_well_formed_queries_never_reach_the_flask_app(handed, method) -> None:
    client, recorder = handed
    if method == "POST":
        response = client.post("/sparql", data=ASK, headers={"Content-Type": "application/sparql-query"})
    else:
        response = client.open("/sparql", method=method, query_string={"query": ASK})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert recorder.environs == []


def test_an_update_goes_on_read_once(handed) -> None:
    client, recorder = handed
    _CountingInput.reads = 0
    body = b"INSERT DATA { <http://e.org/a> <http://e.org/p> 1 }"
    client.post("/sparql", input_stream=_CountingInput(body),
                headers={"Content-Type": "application/sparql-update", "Content-Length": str(len(body))})
    (environ,) = recorder.environs
    assert environ[REQUEST_KEY].parsed.update == body.decode()
    assert _CountingInput.reads == 1  # the view takes the parsed request, not the body again


@pytest.mark.parametrize(("params", "headers", "method", "status"), [
    ({"query": [ASK, ASK]}, {}, "GET", 400),
    ({"query": ASK}, {"Accept": "image/png"}, "GET", 406),
    ({"query": "SELECT ?x WHERE { ?x"}, {}, "GET", 400),
    ({"query": ASK}, {}, "PUT", 405),
])
def test_errors_go_on_to_the_one_renderer(handed, app, params, headers, method, status) -> None:
    client, recorder = handed
    client.open("/sparql", method=method, query_string=params, headers=headers)
    (environ,) = recorder.environs
    assert environ[ERROR_KEY] is not None
    answered = Client(app).open("/sparql", method=method, query_string=params, headers=headers)
    assert answered.status_code == status
    assert answered.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(("path", "params", "method", "form"), [
    ("/sparql", {}, "GET", None),  # the service description
    ("/sparql", {}, "POST", {"update": "CLEAR ALL"}),
    ("/store", {"default": ""}, "GET", None),
    ("/", {}, "GET", None),
])
def test_everything_else_goes_on_to_the_flask_app(handed, path, params, method, form) -> None:
    client, recorder = handed
    response = client.open(path, method=method, query_string=params, data=form)
    assert response.status_code == 599
    assert ERROR_KEY not in recorder.environs[0]


def test_not_modified(app) -> None:
    first = Client(app).get("/sparql", query_string={"query": SELECT})
    etag = first.headers["ETag"]
    again = Client(app).get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert again.get_data() == b""


def test_a_chunked_body_over_the_limit_is_refused(tmp_path: Path) -> None:
    app = create_app(Settings(store=":memory:", autoload=False, max_request_bytes=100))
    chunked = {"Content-Type": "application/sparql-update", "Transfer-Encoding": "chunked"}
    response = Client(app).post("/sparql", input_stream=io.BytesIO(b"x" * 200), headers=chunked)
    assert response.status_code == 413
    assert "max_request_bytes" in response.get_data(as_text=True)
