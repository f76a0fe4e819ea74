"""`kg enrich` against the Wikidata stand-in on 127.0.0.1: fills its graph, re-running replaces it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest
from federation_servers import wikidata_standin

from kg.store import Store

GRAPH = "https://w3id.org/newsgraph/graph/enrichment/wikidata"
META = "https://w3id.org/newsgraph/graph/meta"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    with wikidata_standin(tmp_path_factory.mktemp("standin")) as url:
        yield url


def kg_enrich(store: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", store, "enrich", *args],
        capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")},
    )


def run(store: str, *args: str) -> str:
    result = kg_enrich(store, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_enrich_fills_the_graph_and_rerunning_replaces_it(tmp_path, standin) -> None:
    path = str(tmp_path / "store")
    output = run(path, "--endpoint", standin)
    assert f"in <{GRAPH}>" in output
    store = Store(path)
    capital = store.select(
        f"SELECT ?name WHERE {{ GRAPH <{GRAPH}> {{ <{WD}Q159> <{WDT}P36>/<http://www.w3.org/2000/01/rdf-schema#label> ?name }} }}"
    )
    assert [r["name"].value for r in capital] == ["Moscow"]
    heads = store.select(f"SELECT ?h WHERE {{ GRAPH <{GRAPH}> {{ <{WD}Q794> <{WDT}P35> ?h }} }}")
    assert [r["h"].value for r in heads] == [WD + "Q57336"]
    provenance = store.select(
        f"SELECT ?source ?time WHERE {{ GRAPH <{META}> {{ <{GRAPH}> "
        "<http://www.w3.org/ns/prov#wasDerivedFrom> ?source ; <http://www.w3.org/ns/prov#generatedAtTime> ?time } }"
    )
    assert [r["source"].value for r in provenance] == [standin]
    first = sum(1 for _ in store.quads(graph=GRAPH))
    assert first > 10
    del store
    gc.collect()

    run(path, "--endpoint", standin, "--property", "P35")
    store = Store(path)
    predicates = {q.predicate.value for q in store.quads(graph=GRAPH)}
    assert predicates == {WDT + "P35", "http://www.w3.org/2000/01/rdf-schema#label"}
    assert sum(1 for _ in store.quads(graph=GRAPH)) == 4  # two heads of state and their labels
    assert len(store.select(f"SELECT ?t WHERE {{ GRAPH <{META}> {{ <{GRAPH}> <http://www.w3.org/ns/prov#generatedAtTime> ?t }} }}")) == 1
    del store
    gc.collect()


def test_enrich_from_a_dead_endpoint_fails_and_keeps_the_graph(tmp_path, standin) -> None:
    path = str(tmp_path / "store")
    run(path, "--endpoint", standin, "--property", "P35")
    result = kg_enrich(path, "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.returncode == 2
    assert "cannot be reached" in result.stderr
    store = Store(path)
    assert sum(1 for _ in store.quads(graph=GRAPH)) == 4
