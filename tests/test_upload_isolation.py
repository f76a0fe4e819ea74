"""Graph Store uploads are parsed in a query worker: a body that would take the parser's
memory without bound, or its time, stops that worker only, with an error that says why, and
the server goes on answering (a JSON-LD body once killed the whole server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_server import TOKEN, load_dataset
from werkzeug.test import Client

from kg.config import Settings
from server import create_app

LIMIT_MIB = 48
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def laughs(levels: int) -> bytes:
    """RDF/XML whose one literal is an entity that expands tenfold per level (100 × 10^levels)."""
    entities = '<!ENTITY e0 "' + "x" * 100 + '">' + "".join(
        f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, levels + 1)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:p="http://x/">'
        f'<rdf:Description rdf:about="http://x/a"><p:p>&e{levels};</p:p></rdf:Description>'
        "</rdf:RDF>"
    ).encode()


def quoted(levels: int) -> bytes:
    """Turtle with one triple quoted inside itself levels deep (RDF-star)."""
    return ("@prefix : <http://x/> . :a :p " + "<<:a :p " * levels + ":b" + ">>" * levels
            + " .").encode()


def _app_client(folder: Path, **settings: object) -> Iterator[Client]:
    load_dataset(folder / "store")
    app = create_app(Settings(store=str(folder / "store"), autoload=False, workers=1,
                              write_token=TOKEN, **settings))  # type: ignore[arg-type]
    yield Client(app)
    app.extensions["newsgraph"].close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    yield from _app_client(tmp_path_factory.mktemp("uploads"), query_memory=LIMIT_MIB)


@pytest.fixture(scope="module")
def hasty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """Uploads get a second to parse, and the memory they need for it."""
    yield from _app_client(tmp_path_factory.mktemp("hasty"), query_timeout=1.0,
                           query_memory=2048)


def _still_answering(client: Client) -> None:
    response = client.get("/sparql", query_string={"query": f"ASK {{ ?s ?p {time.time()} }}"})
    assert response.status_code == 200, response.text


def test_an_upload_that_would_exhaust_memory_stops_its_worker_only(client: Client) -> None:
    response = client.put("/store?graph=http://x/g", data=laughs(6), headers={
        **AUTH, "Content-Type": "application/rdf+xml"})
    assert response.status_code == 503, response.text[:300]
    assert f"parsing the upload took more than its memory limit of {LIMIT_MIB} MiB" in response.text
    _still_answering(client)
    assert client.get("/store?graph=http://x/g").status_code == 404  # nothing was written


def test_an_upload_that_parses_past_the_time_limit_is_stopped(hasty: Client) -> None:
    started = time.monotonic()
    response = hasty.put("/store?graph=http://x/q", data=quoted(300_000), headers={
        **AUTH, "Content-Type": "text/turtle"})
    assert response.status_code == 400, response.text[:300]
    assert "parsing the upload ran past its time limit of 1 s" in response.text
    assert time.monotonic() - started < 4
    _still_answering(hasty)


def test_a_good_upload_still_lands(client: Client) -> None:
    body = b'<http://x/a> <http://x/p> [ <http://x/q> "1" ] .'
    response = client.put("/store?graph=http://x/ok", data=body, headers={
        **AUTH, "Content-Type": "text/turtle"})
    assert response.status_code == 201, response.text
    got = client.get("/store?graph=http://x/ok", headers={"Accept": "application/n-triples"})
    assert got.text.count("\n") == 2 and "_:" in got.text
