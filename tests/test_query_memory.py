"""A query that takes more memory than query_memory is stopped in its worker and answered 503
saying so, and the worker is replaced (a sort of a cartesian product reached 6 GB in 5 s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_server import load_dataset
from werkzeug.test import Client

from kg.config import Settings
from server import create_app

LIMIT_MIB = 48
# Four unconstrained patterns over the test data, sorted: ~200,000 rows held at once.
HUNGRY = "SELECT ?a ?c ?f ?i ?l { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?f ?c ?l"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    folder: Path = tmp_path_factory.mktemp("memory")
    load_dataset(folder / "store")
    settings = Settings(store=str(folder / "store"), autoload=False, workers=1,
                        query_memory=LIMIT_MIB, client_queries=4)
    app = create_app(settings)
    yield Client(app)
    app.extensions["newsgraph"].close()


def test_a_query_over_the_memory_limit_gets_503_naming_it(client: Client) -> None:
    response = client.get("/sparql", query_string={"query": HUNGRY})
    assert response.status_code == 503, response.text[:200]
    assert f"memory limit of {LIMIT_MIB} MiB" in response.text
    assert "query_memory" in response.text


def test_the_next_query_is_answered_by_a_fresh_worker(client: Client) -> None:
    client.get("/sparql", query_string={"query": HUNGRY + " # again"})
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.json["boolean"] is True


def test_a_query_within_the_limit_is_answered(client: Client) -> None:
    small = "SELECT ?a ?c { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c"  # ~400 rows
    response = client.get("/sparql", query_string={"query": small},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.json["results"]["bindings"]) > 100
