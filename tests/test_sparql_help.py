"""Well-known prefixes are predeclared, and syntax errors say where, show the line and hint."""

from __future__ import annotations

import pytest

from kg.config import Settings
from kg.query.syntax_help import declared_prefixes, explain, used_prefixes, with_known_prefixes
from server import create_app


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(store=":memory:", autoload=False))
    yield app.test_client()
    app.extensions["newsgraph"].close()


@pytest.mark.parametrize(("sparql", "used", "declared"), [
    ("SELECT * { ?s rdfs:label ?l }", {"rdfs"}, set()),
    ('PREFIX ex: <http://e/> SELECT * { ?s ex:p "a:b" ; <http://x/y:z> ?o } # ng:x', {"ex"}, {"ex"}),
    ("PREFIX : <http://a/> SELECT * { ?s :p ?o }", {""}, {""}),
    ("SELECT ?x { BIND(12 AS ?x) }", set(), set()),
])
def test_prefixes_are_read_outside_strings_iris_and_comments(sparql, used, declared) -> None:
    assert used_prefixes(sparql) == used
    assert declared_prefixes(sparql) == declared


def test_only_missing_well_known_prefixes_are_added_on_one_line() -> None:
    text, added = with_known_prefixes("PREFIX ng: <http://mine/> SELECT * { ?s ng:p ?o ; rdfs:label ?l }")
    assert added == 1
    first, rest = text.split("\n", 1)
    assert first == "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
    assert rest.startswith("PREFIX ng: <http://mine/>")  # the query's own PREFIX wins
    assert with_known_prefixes("SELECT * { ?s ?p ?o }") == ("SELECT * { ?s ?p ?o }", 0)


def test_an_error_shows_its_line_a_caret_and_a_keyword_hint() -> None:
    message = explain("SELECT ?x WHERE {\n  ?x ?p ?o .\n  FILTR(?x) }", "error at 4:11: expected OPTIONAL", 1)
    lines = message.splitlines()
    assert lines[0] == "line 3, column 11: expected OPTIONAL"
    assert lines[1] == "    FILTR(?x) }"
    assert lines[2] == "  " + " " * 10 + "^"
    assert lines[3] == "hint: FILTR is no SPARQL keyword; did you mean FILTER?"


def test_well_known_prefixes_need_no_declaration_over_http(client) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { ?s a ng:State ; rdfs:label ?l }"})
    assert response.status_code == 200
    assert response.get_json() == {"head": {}, "boolean": False}


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?x WHERE { ?x ex:p ?y }", "the prefix 'ex:' is not declared; add a line such as PREFIX ex:"),
    ("SELEC ?x WHERE { ?x ?p ?y }", "did you mean SELECT?"),
    ("SELECT ?x WHERE { ?x ?p ?y } LIMT 5", "did you mean LIMIT?"),
])
def test_syntax_errors_over_http_say_how_to_fix_them(client, query, expected) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.startswith("line 1, column ")
    assert expected in body
    assert "expected" in body.splitlines()[0]


def test_the_service_description_names_the_predeclared_prefixes(client) -> None:
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "without declaring them" in turtle and "wdt:" in turtle
