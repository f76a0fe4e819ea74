"""An allowlist that holds: LOAD and SERVICE targets are checked as the SPARQL parser reads them
(prefixes, BASE, escapes resolved), normalised, and the normalised URL is what is called.
Real listeners on 127.0.0.1: the ones outside the allowlist must never be reached."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from federation_servers import Trap

from kg.config import Settings
from kg.errors import QuerySyntaxError, ServiceError, ServiceNotAllowedError
from kg.query import open_engine
from kg.query.engine import QueryJob
from kg.query.outbound import read_outbound
from kg.query.urls import is_allowed, normalise_url
from kg.store import Store
from server import create_app

TOKEN = "allowlist-token"
GRAPH = "http://example.org/loaded"
TURTLE = b"<http://example.org/s> <http://example.org/p> _:b . _:b <http://example.org/q> 1 ."


class Source:
    """An HTTP server on 127.0.0.1 that records every path asked for: Turtle under /data/,
    a redirect (to wherever it is told) at /redirect."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.redirect_to = ""
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                source.paths.append(self.path)
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", source.redirect_to)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(TURTLE)))
                self.end_headers()
                self.wfile.write(TURTLE)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    trap = Trap()
    yield trap
    trap.close()


@pytest.fixture(scope="module")
def source(trap) -> Iterator[Source]:
    source = Source()
    source.redirect_to = f"http://127.0.0.1:{trap.port}/data/elsewhere.ttl"
    yield source
    source.close()


@pytest.fixture
def settings(source) -> Settings:
    allowed = (f"http://127.0.0.1:{source.port}/data/", f"http://127.0.0.1:{source.port}/redirect")
    return Settings(store=":memory:", autoload=False, allowed_services=allowed,
                    service_timeout=5, write_token=TOKEN)


@pytest.fixture
def engine(settings):
    engine = open_engine(Store(":memory:"), settings)
    yield engine
    engine.close()


# --- normalising


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://127.0.0.1:80/a/../b", "http://127.0.0.1/b"),
    ("https://Query.Wikidata.ORG./sparql?query=x#part", "https://query.wikidata.org/sparql?query=x"),
    ("http://h/sparql/%2e%2e/admin", "http://h/admin"),
    ("http://h/sparql/%2E%2e/%41%7e", "http://h/A~"),
    ("http://h/a/./b/../../c/", "http://h/c/"),
    ("http://h/../../x", "http://h/x"),
    ("http://h/%3f%25", "http://h/%3F%25"),  # reserved ones stay encoded
    ("http://h/é", "http://h/%C3%A9"),
    ("http://h", "http://h/"),
    ("http://h/a%2Fb", None),  # an encoded slash means different things to different servers
    ("http://h/..;/admin", None),
    ("http://user@h/", None),
    ("http://h:1@127.0.0.1/", None),
    ("http://h\\@evil/", None),
    ("http://h/a b", None),
    ("http://h/%zz", None),
    ("ftp://h/x", None),
    ("javascript:alert(1)", None),
])
def test_urls_are_normalised_as_they_will_be_called(url: str, expected: str | None) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:5/sparql/x", True),
    ("HTTP://127.0.0.1:5/sparql/./x", True),
    ("http://127.0.0.1:5/sparql/../admin", False),
    ("http://127.0.0.1:5/sparql/%2e%2e/admin", False),
    ("http://127.0.0.1:5/sparql/%2E%2E/%2E%2E/admin", False),
    ("http://127.0.0.1:5/sparql", False),  # the prefix ends with "/"
    ("http://127.0.0.1:6/sparql/x", False),
    ("http://127.0.0.1.evil.example:5/sparql/x", False),
])
def test_the_allowlist_matches_normalised_urls(url: str, allowed: bool) -> None:
    assert is_allowed(url, ("http://127.0.0.1:5/sparql/",)) is allowed


# --- reading targets as the parser does


def test_targets_are_read_with_prefixes_base_and_escapes_resolved() -> None:
    update = (
        "PREFIX e: <http://127.0.0.1:1/> BASE <http://127.0.0.1:2/base/>\n"
        "LOAD e:data ; LOAD SILENT <http://127.0.0.1:3\\u002Fdata> INTO GRAPH e:g ; LOAD <../rel>"
    )
    found = read_outbound(update, update=True)
    assert [(c.source, c.silent) for c in found.loads] == [
        ("http://127.0.0.1:1/data", False), ("http://127.0.0.1:3/data", True),
        ("http://127.0.0.1:2/rel", False),
    ]
    query = ("PREFIX s: <http://127.0.0.1:4/> SELECT * { ?a <http://x#p> ?b . "
             "SERVICE s:sparql { ?a ?b ?c } SERVICE <http://127.0.0.1:5\\u002Fsparql> { } }")
    assert [c.target for c in read_outbound(query, update=False).services] == [
        "http://127.0.0.1:4/sparql", "http://127.0.0.1:5/sparql",
    ]


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://a/> { SERVICE <http://b/> { ?s ?p ?o } } }",  # nested
    "SELECT * { ?s ?p \"\\u005Cu0022\" }  # SERVICE",  # an escape that writes an escape
    "PREFIX e: <http://a/> SELECT * { SERVICE e:x\\.y { } }",  # rdflib keeps the backslash
])
def test_texts_the_two_readings_disagree_on_are_refused(text: str) -> None:
    with pytest.raises((ServiceNotAllowedError, QuerySyntaxError)):
        read_outbound(text, update=False)


# --- calls: refused ones reach nobody, allowed ones go out normalised


def refused_updates(trap: Trap, source: Source) -> list[str]:
    here, there = f"http://127.0.0.1:{source.port}", f"http://127.0.0.1:{trap.port}"
    return [
        f"PREFIX e: <{there}/> LOAD e:data",  # issue 15, item 5
        f"LOAD <{there}\\u002Fdata>",
        f"BASE <{there}/> LOAD <data>",
        f"LOAD <{here}/data/../admin>",
        f"LOAD <{here}/data/%2e%2e/admin>",
        f"LOAD <{here}/data/%2E%2E/%2E%2E/admin>",
        f"LOAD <{there}/data/x.ttl#\\u003E>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{there}/sparql> {{ ?s ?p ?o }} }}",
        f"# a comment\rLOAD <{there}/data>",
    ]


def test_refused_loads_reach_nobody(engine, trap, source) -> None:
    for update in refused_updates(trap, source):
        with pytest.raises((ServiceNotAllowedError, QuerySyntaxError)):
            engine.update(update)
    assert trap.connections == 0 and source.paths == []


def test_refused_services_reach_nobody(engine, trap, source) -> None:
    there = f"http://127.0.0.1:{trap.port}"
    for query in (
        f"PREFIX e: <{there}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{there}\\u002Fsparql> {{ ?s ?p ?o }} }}",
        f"BASE <{there}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # why\rSERVICE <{there}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{source.port}/data/%2e%2e/sparql> {{ }} }}",
    ):
        with pytest.raises((ServiceNotAllowedError, QuerySyntaxError)):
            engine.run(QueryJob(query, ()))
    assert trap.connections == 0 and source.paths == []


def test_an_allowed_load_calls_the_normalised_url(engine, source) -> None:
    source.paths.clear()
    here = f"HTTP://127.0.0.1:{source.port}"
    engine.update(f"LOAD <{here}/data/sub/%2E%2E/./file.ttl> INTO GRAPH <{GRAPH}>")
    engine.update(f"PREFIX d: <{here}/data/> LOAD d:other.ttl INTO GRAPH <{GRAPH}>")
    assert source.paths == ["/data/file.ttl", "/data/other.ttl"]
    rows = list(engine.store.query(f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?b . ?b ?q ?o }} }}"))
    # Two loads of one document: its blank node stays two blank nodes, as with two LOADs.
    assert [r["o"] for r in rows] == 2 * [ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))]


def test_an_escaped_allowed_load_into_the_default_graph(engine, source) -> None:
    source.paths.clear()
    engine.update(f"LOAD <http://127.0.0.1:{source.port}\\u002Fdata/file.ttl> ; "
                  "INSERT DATA { <http://example.org/t> <http://example.org/p> 2 }")
    assert source.paths == ["/data/file.ttl"]
    count = next(iter(engine.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"]
    assert count.value == "3"


def test_a_load_that_redirects_is_an_error_naming_the_redirect(engine, trap, source) -> None:
    with pytest.raises(ServiceError, match="redirects to <http://127.0.0.1:.*/data/elsewhere.ttl>"):
        engine.update(f"LOAD <http://127.0.0.1:{source.port}/redirect>")
    engine.update(f"LOAD SILENT <http://127.0.0.1:{source.port}/redirect>")  # SILENT: no error
    assert trap.connections == 0


def test_a_load_that_redirects_answers_502_over_http(settings, trap, source) -> None:
    app = create_app(settings)
    try:
        response = app.test_client().post(
            "/sparql", data=f"LOAD <http://127.0.0.1:{source.port}/redirect>".encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
    finally:
        app.extensions["newsgraph"].close()
    assert response.status_code == 502, response.get_data(as_text=True)
    assert "redirects to <http://127.0.0.1:" in response.get_data(as_text=True)
    assert trap.connections == 0
