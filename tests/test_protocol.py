"""SPARQL Protocol parsing as tables: no HTTP, no store."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urlencode

import pytest

from kg.errors import QuerySyntaxError
from kg.model.sparql_text import (
    check_nesting,
    has_dataset_clause,
    looks_like_update,
    query_form,
    with_using,
)
from kg.query.federation import service_clauses
from server.http.protocol import (
    FORM,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    BadRequest,
    MethodNotAllowed,
    QueryRequest,
    UnsupportedMediaType,
    UpdateRequest,
    parse_graph_target,
    parse_query_string,
    parse_sparql_request,
    requested_format,
)

Q = "SELECT * WHERE { ?s ?p ?o }"
U = "INSERT DATA { <http://a> <http://b> <http://c> }"
G = "http://example.org/g"


@pytest.mark.parametrize(
    ("method", "content_type", "args", "form", "body", "expected"),
    [
        ("GET", None, {"query": [Q]}, {}, b"", QueryRequest(Q)),
        ("HEAD", None, {"query": [Q]}, {}, b"", QueryRequest(Q)),
        ("GET", None, {}, {}, b"", None),
        ("GET", None, {"query": [Q], "default-graph-uri": [G, G + "2"]}, {}, b"",
         QueryRequest(Q, (G, G + "2"), None)),
        ("GET", None, {"query": [Q], "named-graph-uri": [G]}, {}, b"",
         QueryRequest(Q, None, (G,))),
        ("POST", FORM, {}, {"query": [Q]}, b"", QueryRequest(Q)),
        ("POST", FORM + "; charset=UTF-8", {}, {"query": [Q], "default-graph-uri": [G]}, b"",
         QueryRequest(Q, (G,))),
        ("POST", FORM, {}, {"update": [U], "using-graph-uri": [G]}, b"",
         UpdateRequest(U, (G,), ())),
        # Dataset parameters in the URL of a form POST count too.
        ("POST", FORM, {"default-graph-uri": [G]}, {"query": [Q], "default-graph-uri": [G + "2"]},
         b"", QueryRequest(Q, (G, G + "2"))),
        ("POST", FORM, {"using-named-graph-uri": [G]}, {"update": [U]}, b"",
         UpdateRequest(U, (), (G,))),
        ("POST", SPARQL_QUERY, {}, {}, Q.encode(), QueryRequest(Q)),
        ("POST", SPARQL_QUERY + "; charset=utf-8", {"named-graph-uri": [G]}, {}, Q.encode(),
         QueryRequest(Q, None, (G,))),
        ("POST", SPARQL_UPDATE, {"using-named-graph-uri": [G]}, {}, U.encode(),
         UpdateRequest(U, (), (G,))),
        ("POST", "Application/SPARQL-Query", {}, {}, Q.encode(), QueryRequest(Q)),
        ("POST", SPARQL_QUERY + '; charset="US-ASCII"', {}, {}, Q.encode(), QueryRequest(Q)),
        ("POST", SPARQL_UPDATE + "; charset=UTF8", {}, {}, U.encode(), UpdateRequest(U)),
    ],
)
def test_valid_requests(method, content_type, args, form, body, expected) -> None:
    assert parse_sparql_request(method, content_type, args, form, body) == expected


@pytest.mark.parametrize(
    ("method", "content_type", "args", "form", "body", "error", "words"),
    [
        ("GET", None, {"query": [Q, Q]}, {}, b"", BadRequest, "2 times"),
        ("GET", None, {"update": [U]}, {}, b"", BadRequest, "cannot be sent by GET"),
        ("HEAD", None, {"update": [U]}, {}, b"", BadRequest, "cannot be sent by GET"),
        ("GET", None, {"query": [U]}, {}, b"", BadRequest, "Update sent as a query"),
        ("GET", None, {"default-graph-uri": [G]}, {}, b"", BadRequest, "missing"),
        ("GET", None, {"query": [Q], "default-graph-uri": ["not an iri"]}, {}, b"", BadRequest,
         "absolute IRI"),
        ("POST", FORM, {}, {"query": [Q], "update": [U]}, b"", BadRequest, "not both"),
        ("POST", FORM, {}, {}, b"", BadRequest, "neither"),
        ("POST", FORM, {}, {"query": [Q, Q]}, b"", BadRequest, "2 times"),
        ("POST", FORM, {"query": [Q]}, {"query": [Q]}, b"", BadRequest, "form body"),
        ("POST", FORM, {}, {"query": ["# comment\nPREFIX a: <http://a#> INSERT DATA {}"]}, b"",
         BadRequest, "Update sent as a query"),
        ("POST", SPARQL_QUERY, {}, {}, U.encode(), BadRequest, "Update sent as a query"),
        ("POST", SPARQL_QUERY, {"query": [Q]}, {}, Q.encode(), BadRequest, "body alone"),
        ("POST", SPARQL_QUERY, {}, {}, b"\xff\xfe", BadRequest, "not valid utf-8"),
        # Only UTF-8 (and US-ASCII, a part of it): another charset is named in a 415 (issue 14).
        ("POST", SPARQL_QUERY + "; charset=UTF-16", {}, {}, Q.encode("utf-16"),
         UnsupportedMediaType, "charset=UTF-16"),
        ("POST", SPARQL_UPDATE + "; charset=utf-16le", {}, {}, U.encode("utf-16-le"),
         UnsupportedMediaType, "charset=utf-16le"),
        ("POST", SPARQL_QUERY + "; charset=ISO-8859-1", {}, {}, Q.encode(), UnsupportedMediaType,
         "ISO-8859-1"),
        ("POST", SPARQL_QUERY + "; charset=klingon", {}, {}, Q.encode(), UnsupportedMediaType,
         "klingon"),
        ("POST", FORM + "; charset=UTF-16", {}, {"query": [Q]}, b"", UnsupportedMediaType, "UTF-16"),
        ("POST", "text/plain", {}, {}, Q.encode(), UnsupportedMediaType, "text/plain"),
        ("POST", None, {}, {}, Q.encode(), UnsupportedMediaType, "(none)"),
        ("POST", "multipart/form-data", {}, {}, b"", UnsupportedMediaType, "multipart"),
        ("PUT", SPARQL_QUERY, {}, {}, Q.encode(), MethodNotAllowed, "PUT"),
    ],
)
def test_invalid_requests(method, content_type, args, form, body, error, words) -> None:
    with pytest.raises(error, match=None) as caught:
        parse_sparql_request(method, content_type, args, form, body)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("args", "graph"),
    [({"default": [""]}, None), ({"graph": [G]}, G)],
)
def test_graph_targets(args, graph) -> None:
    target = parse_graph_target(args)
    assert target is not None and target.graph == graph


@pytest.mark.parametrize("args", [{"default": [""], "graph": [G]}, {"graph": [G, G]},
                                  {"graph": ["no iri"]}, {"graph": ["_:b0"]},
                                  {"graph": ["http://example.org/%zz"]}])
def test_bad_graph_targets(args) -> None:
    with pytest.raises(BadRequest):
        parse_graph_target(args)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        (Q, "SELECT"),
        ("# a comment with SELECT\n  prefix ex: <http://ex#>\nconstruct { } where { }",
         "CONSTRUCT"),
        ("BASE <http://b/> ASK {}", "ASK"),
        ("PREFIX : <http://x#> DESCRIBE :a", "DESCRIBE"),
        (U, None),
        ("SELEC * {}", None),
    ],
)
def test_query_form(text, form) -> None:
    assert query_form(text) == form


def test_update_detection() -> None:
    assert looks_like_update("PREFIX a: <http://a#>\n# x\nDELETE WHERE { ?s ?p ?o }")
    assert not looks_like_update(Q)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { FILTER(" + "!" * 5000 + "true) }",
    ],
)
def test_deep_nesting_is_refused(text) -> None:
    with pytest.raises(QuerySyntaxError, match="nested"):
        check_nesting(text)


@pytest.mark.parametrize("space", [" ", "\n", "\t \r\n"])
def test_long_runs_of_white_space_are_read_at_once(space) -> None:
    # A backtracking pattern took 2 s on 24 leading spaces and doubled with each more.
    padding = space * 5000
    text = f"{padding}PREFIX a: <http://a/>{padding}PREFIX b: <http://b/>{padding}SELECT * {{ ?s ?p ?o }}"
    assert query_form(text) == "SELECT"
    assert not looks_like_update(text)
    assert query_form(padding + "NOT SPARQL") is None
    assert not looks_like_update(padding + "NOT SPARQL")


def test_brackets_in_strings_do_not_count() -> None:
    check_nesting('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }')


def test_service_targets_are_found_outside_comments() -> None:
    text = (
        "PREFIX wd: <https://query.wikidata.org/>\n"
        "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?a ?b ?c } "
        "SERVICE SILENT wd:sparql { ?d ?e ?f } SERVICE ?x { } # SERVICE <http://no>\n}"
    )
    assert [c.target or c.written for c in service_clauses(text)] == [
        "http://127.0.0.1:1/sparql", "https://query.wikidata.org/sparql", "?x"
    ]


def test_using_graph_uri_becomes_using_clauses() -> None:
    update = "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o } ; DELETE WHERE { ?a ?b ?c }"
    assert with_using(update, (G,), ("http://n",)) == (
        f"DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 1 }} USING <{G}> USING NAMED <http://n> "
        "WHERE { ?s ?p ?o } ; DELETE WHERE { ?a ?b ?c }"
    )
    with pytest.raises(QuerySyntaxError):
        with_using("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", (G,), ())


@pytest.mark.parametrize("update", [
    "INSERT { GRAPH <http://k> { ?s <http://n> ?with } } WHERE { ?s <http://p> ?with }",
    "PREFIX using: <http://u#> INSERT { ?s using:x 1 } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://u#> INSERT { ?s ex:with 1 } WHERE { ?s ex:using ?o }",
])
def test_names_that_spell_using_or_with_are_not_clauses(update: str) -> None:
    assert f"USING <{G}>" in with_using(update, (G,), ())


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("select * from named <http://g> { ?s ?p ?o }", True),
    ("SELECT ?from WHERE { ?from ?p ?o }", False),
    ("PREFIX from: <http://f#> SELECT * WHERE { ?s from:x ?o }", False),
    ('SELECT * WHERE { ?s ?p "FROM <x>" } # FROM <y>', False),
    ("PREFIX ex: <http://e/> SELECT * { ?s ex:date.from ?o }", False),
    ('SELECT * { ?s ?p "x"@from }', False),
])
def test_dataset_clauses_are_found(query: str, expected: bool) -> None:
    assert has_dataset_clause(query) is expected


@pytest.mark.parametrize("text", [
    urlencode({"query": 'PREFIX ng: <https://w3id.org/x#> SELECT * { ?s ?p "Zürich = €5 & more" }'}),
    urlencode({"query": Q, "default-graph-uri": [G, G + "2"], "format": "json"}, doseq=True),
    "query=SELECT+*+WHERE+{+?s+?p+?o+FILTER(?o+=+1)+}",
    "a=1&a=2&&b&=c&d=e=f",
    "q=%zz&r=100%",
    "q=caf\u00e9+%C3%A9",
    "q=%ff%fe%3d%3D=%0A",
])
def test_query_strings_parse_as_urllib_parses_them(text: str) -> None:
    assert_read_as_urllib_reads(text)


def urllib_reading(text: str) -> dict[str, list[str]] | None:
    """urllib's reading of a WSGI query string (a byte a character) as UTF-8; None: not UTF-8."""
    try:
        return parse_qs(text.encode("latin-1").decode("utf-8"), keep_blank_values=True,
                        errors="strict")
    except UnicodeDecodeError:
        return None


def assert_read_as_urllib_reads(text: str) -> None:
    expected = urllib_reading(text)
    if expected is None:
        with pytest.raises(BadRequest, match="not UTF-8"):
            parse_query_string(text)
    else:
        assert parse_query_string(text) == expected, repr(text)


def test_random_query_strings_parse_as_urllib_parses_them() -> None:
    pieces = ["=", "%", "&", "+", " ", "\t", "\r", "\n", "a", "Z", "0", "9", "f", "g", "_",
              "%20", "%3D", "%26", "%e2%82%ac", "%C3", "%ZZ", "=\n", "=\r\n", "%0A", "%FF", ";",
              "\x00", "\x7f", "é"]
    generator = random.Random(2026)
    for _ in range(20_000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 14)))
        assert_read_as_urllib_reads(text)


def test_raw_utf8_in_a_url_reads_as_utf8() -> None:
    # A client that sends "é" unescaped: WSGI hands its two bytes over as two characters.
    assert parse_query_string("q=caf\u00c3\u00a9") == {"q": ["café"]}


@pytest.mark.parametrize(
    ("args", "form", "expected"),
    [
        ({}, {}, None),
        ({"format": ["json"]}, {}, "json"),
        ({"output": ["xml"]}, {}, "xml"),  # Fuseki's name of the parameter
        # SPARQLWrapper: format and output, TSV spelled twice, the results= it adds ignored.
        ({"format": ["tsv", "text/tab-separated-values"], "output": ["tsv"], "results": ["tsv"]}, {},
         "tsv,text/tab-separated-values,tsv"),
        ({}, {"format": ["csv"]}, "csv"),
    ],
)
def test_requested_format(args, form, expected) -> None:
    assert requested_format(args, form) == expected
