"""The VoID description's counts are made once per data version, and a write changes them."""

from __future__ import annotations

import re

from kg.config import Settings
from kg.ingest.bootstrap import load_reference
from kg.model.iris import Iris
from kg.store import Store
from server import create_app

TOKEN = "void-token"


def void_triples(client) -> int:
    turtle = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    return int(re.search(r"<http://rdfs.org/ns/void#triples> (\d+)", turtle).group(1))


def test_void_counts_follow_writes_and_are_kept_between() -> None:
    store = Store(None)
    load_reference(store, Iris(Settings().base_iri))
    app = create_app(Settings(store=":memory:", write_token=TOKEN), store=store)
    client = app.test_client()
    before = void_triples(client)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")  # behind the server's back
    assert void_triples(client) == before  # the same data version: kept, not counted again
    # Another Host gets its own URLs from the same counts: a Host header cannot start a count.
    other = client.get("/.well-known/void", headers={"Accept": "text/turtle", "Host": "elsewhere.example"})
    assert "http://elsewhere.example/sparql" in other.get_data(as_text=True)
    assert "urn:newsgraph" not in other.get_data(as_text=True)
    assert f"<http://rdfs.org/ns/void#triples> {before} " in other.get_data(as_text=True)
    answer = client.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:d> } }"},
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 204
    assert void_triples(client) == before + 2
    app.extensions["newsgraph"].close()
