"""Deleting an article takes all of it: graphs, record, provenance and text; the page becomes a 404."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEETING_FACTS

from kg.config import Settings
from kg.ingest.bootstrap import load_reference
from kg.ingest.writer import Ingestor
from kg.model.iris import Iris
from kg.store import Store
from server import create_app

TOKEN = "delete-token"
IRIS = Iris(Settings().base_iri)
TEXT = "Vladimir Putin met Abbas Araghchi in Moscow on Monday for talks."
WITH_TEXT = MEETING_FACTS.replace("published: 2025-06-23}", "published: 2025-06-23, text_file: a.txt}")


def article_count(store: Store) -> int:
    [row] = store.select(f"SELECT (COUNT(*) AS ?n) {{ ?a a <{IRIS.base}ontology#Article> }}")
    return int(row["n"].value)


def mentions(store: Store, article_id: str) -> int:
    """Every quad that names the article, its graphs or their making, in any graph."""
    names = " ".join(f"<{s}>" for s in IRIS.article_records(article_id))
    [row] = store.select(f"SELECT (COUNT(*) AS ?n) {{ VALUES ?x {{ {names} }} "
                         "GRAPH ?g { { ?x ?p ?o } UNION { ?s ?p ?x } } }")
    graphs = [g for g in store.named_graphs() if article_id in g]
    return int(row["n"].value) + len(graphs)


@pytest.fixture
def store() -> Store:
    store = Store(None)
    load_reference(store, IRIS)
    ingestor = Ingestor(store, IRIS)
    ingestor.ingest_text(WITH_TEXT, "with-text.yaml", article_text=TEXT)
    ingestor.ingest_text(MEETING_FACTS.replace("test-1", "test-2"), "other.yaml")
    return store


def test_deleting_an_article_leaves_nothing_of_it_and_keeps_the_others(store: Store) -> None:
    from kg.ingest.writer import delete_articles

    assert mentions(store, "test-1") > 20 and article_count(store) == 2
    assert delete_articles(store, IRIS, ["test-1"]) == [IRIS.article("test-1")]
    assert mentions(store, "test-1") == 0
    assert article_count(store) == 1
    assert mentions(store, "test-2") > 20


def test_an_unknown_id_deletes_nothing_and_names_the_id(store: Store) -> None:
    from kg.errors import ArticleNotFoundError
    from kg.ingest.writer import delete_articles

    before = len(store)
    with pytest.raises(ArticleNotFoundError, match="'no-such-article'"):
        delete_articles(store, IRIS, ["test-1", "no-such-article"])
    assert len(store) == before


def test_http_delete_makes_the_page_a_404(store: Store) -> None:
    app = create_app(Settings(store=":memory:", write_token=TOKEN), store=store)
    client = app.test_client()
    assert client.get("/id/article/test-1.ttl").status_code == 200
    assert client.delete("/articles/test-1").status_code == 401
    answer = client.delete("/articles/test-1", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"deleted": IRIS.article("test-1")}
    assert client.get("/id/article/test-1.ttl").status_code == 404
    again = client.delete("/articles/test-1", headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 404 and "test-1" in again.get_data(as_text=True)
    app.extensions["newsgraph"].close()


def test_a_graph_store_delete_of_an_article_graph_takes_its_record_too(store: Store) -> None:
    app = create_app(Settings(store=":memory:", write_token=TOKEN), store=store)
    client = app.test_client()
    answer = client.delete("/store", query_string={"graph": IRIS.article_graph("test-1")},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 204
    assert article_count(store) == 1
    assert client.get("/id/article/test-1.ttl").status_code == 404
    app.extensions["newsgraph"].close()


def test_kg_delete_article(tmp_path: Path) -> None:
    facts = tmp_path / "a.yaml"
    facts.write_text(MEETING_FACTS)
    kg = [sys.executable, "-m", "kg.cli", "--store", str(tmp_path / "store")]
    assert subprocess.run([*kg, "ingest", str(facts)], capture_output=True, timeout=120).returncode == 0
    unknown = subprocess.run([*kg, "delete", "article", "test-1", "nope"], capture_output=True, text=True,
                             timeout=60)
    assert unknown.returncode == 2 and "'nope'" in unknown.stderr and "nothing" in unknown.stderr
    # The IRI a page shows is taken as well as the id.
    done = subprocess.run([*kg, "delete", "article", IRIS.article("test-1")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"deleted {IRIS.article('test-1')}"
    query = subprocess.run([*kg, "query", "--format", "json", "ASK { ?a a <https://w3id.org/newsgraph/ontology#Article> "
                            "FILTER(?a = <https://w3id.org/newsgraph/id/article/test-1>) }"],
                           capture_output=True, text=True, timeout=60)
    assert json.loads(query.stdout) is False


@pytest.mark.parametrize("article_id", ["a b", "x> } ; DROP ALL ; #", "Test-1", "../meta"])
def test_an_id_that_cannot_be_one_is_refused_before_any_query(store: Store, article_id: str) -> None:
    app = create_app(Settings(store=":memory:", write_token=TOKEN), store=store)
    before = len(store)
    answer = app.test_client().delete(f"/articles/{article_id}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 404
    assert "cannot be an article id" in answer.get_data(as_text=True)
    assert len(store) == before
    app.extensions["newsgraph"].close()
