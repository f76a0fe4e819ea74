"""ng:involves, the generic role: every role is a sub-property of it, and ingestion writes it next
to every role statement (into the /inferred graphs), so "every event involving X" is one pattern."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED
from rdflib import RDFS, URIRef

from kg.ingest.gdelt_quads import GdeltImporter
from kg.ingest.writer import Ingestor
from kg.model import ontology
from kg.model.iris import Iris
from kg.model.vocab import NG, sparql_prefixes
from kg.store import Store

BASE = "https://w3id.org/newsgraph/"
IRIS = Iris(BASE)
ROLES = {NG.agent, NG.recipient, NG.target, NG.participant, NG.mediator, NG.carrier}
VALUES_ROLES = " ".join(f"<{r}>" for r in sorted(ROLES))
GDELT_FILE = SHARED / "data" / "gdelt" / "gdelt2_export_20191024143000.tsv"

FACTS = """
article: {id: involves-1, title: Letters and talks, publisher: Reuters, published: 2025-06-23}
facts:
  - key: letter
    type: Letter
    label: Khamenei writes to Putin
    date: 2025-06-23
    agent: [Ali Khamenei]
    recipient: [Vladimir Putin]
    carrier: [Abbas Araghchi]
  - key: talks
    type: Talks
    label: Iran and the United States hold talks
    date: 2025-06-22
    participant: [Iran, United States]
    mediator: [Oman]
"""


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in store.select(sparql_prefixes() + query)]


def test_every_role_is_a_sub_property_of_involves() -> None:
    graph = ontology.ontology_graph()
    subs = set(graph.subjects(RDFS.subPropertyOf, URIRef(str(NG.involves))))
    assert subs == {URIRef(str(r)) for r in ROLES}
    assert set(ontology.roles()) == {str(r) for r in ROLES}
    # ng:involves itself stays aligned with SEM, so the roles still are sem:hasActor.
    assert (URIRef(str(NG.involves)), RDFS.subPropertyOf,
            URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/hasActor")) in graph


@pytest.fixture(scope="module")
def facts_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(str(tmp_path_factory.mktemp("involves") / "store"))
    Ingestor(store, IRIS).ingest_text(FACTS, "involves-1.yaml")
    return store


def test_one_pattern_finds_every_event_involving_someone_in_any_role(facts_store: Store) -> None:
    found = {r["e"] for r in _rows(facts_store, f"SELECT ?e {{ ?e ng:involves <{BASE}id/person/abbas-araghchi> }}")}
    assert found == {IRIS.event("involves-1", "letter")}  # as carrier
    oman = _rows(facts_store, f"SELECT ?e {{ ?e ng:involves <{BASE}id/state/oman> }}")
    assert [r["e"] for r in oman] == [IRIS.event("involves-1", "talks")]  # as mediator


def test_involves_is_inferred_beside_the_article_graph(facts_store: Store) -> None:
    graph = IRIS.article_graph("involves-1")
    rows = _rows(facts_store, """SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?e ng:involves ?x } } GROUP BY ?g""")
    # letter: agent, recipient, carrier; talks: two participants and a mediator.
    assert rows == [{"g": IRIS.inferred_graph(graph), "n": "6"}]
    missing = _rows(facts_store, f"""SELECT ?e ?x {{
        VALUES ?role {{ {VALUES_ROLES} }} GRAPH <{graph}> {{ ?e ?role ?x }}
        FILTER NOT EXISTS {{ GRAPH <{IRIS.inferred_graph(graph)}> {{ ?e ng:involves ?x }} }} }}""")
    assert missing == []


def test_the_seed_articles_involve_their_parties(seeded: Store) -> None:
    missing = _rows(seeded, f"""SELECT ?e ?role ?x {{
        VALUES ?role {{ {VALUES_ROLES} }} GRAPH ?g {{ ?e ?role ?x }}
        FILTER NOT EXISTS {{ ?e ng:involves ?x }} }}""")
    assert missing == []
    iran = _rows(seeded, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ ?e ng:involves <{BASE}id/state/iran> }}")
    by_roles = _rows(seeded, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) {{
        VALUES ?role {{ {VALUES_ROLES} }} ?e ?role <{BASE}id/state/iran> }}""")
    assert iran == by_roles and int(iran[0]["n"]) > 0


def test_gdelt_rows_involve_their_actors(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    GdeltImporter(store, IRIS).import_files([GDELT_FILE])
    pairs = _rows(store, f"""SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?e ?x {{
        VALUES ?role {{ {VALUES_ROLES} }} ?e ?role ?x }} }}""")
    involves = _rows(store, """SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?e ng:involves ?x }
        FILTER(STRENDS(STR(?g), "/inferred")) }""")
    assert involves == pairs and int(pairs[0]["n"]) > 2000
    iran = _rows(store, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) {{ ?e ng:involves <{BASE}id/state/iran> }}""")
    assert int(iran[0]["n"]) > 0
