"""What every page carries, without a browser: a title naming what it shows, our icon with a long
cache, VoID as a page for people (RDF for machines as before), and the query page's whole titles."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import rdflib

from kg.config import Settings
from server import create_app

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(seeded):
    app = create_app(Settings(store=":memory:", autoload=False), store=seeded)
    yield app.test_client()
    app.extensions["newsgraph"].close()


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, html[:500]
    return unescape(found[1]).strip()


TITLES = {
    "/": "Newsgraph",
    "/sparql": "SPARQL query · Newsgraph",
    "/id/person/vladimir-putin.html": "Vladimir Putin · Newsgraph",
    "/search?q=Putin+Vlad": "Search: Putin Vlad · Newsgraph",
    "/.well-known/void": "VoID description · Newsgraph",
    "/class/State": "Instances of State, page 1 of 2 · Newsgraph",
    "/class/Meeting": "Instances of Meeting · Newsgraph",
}


def test_each_title_names_the_page_once(client) -> None:
    found = {}
    for path in TITLES:
        answer = client.get(path, headers=HTML)
        found[path] = title(answer.get_data(as_text=True)) if answer.status_code == 200 else answer.status_code
    assert found == TITLES


@pytest.mark.parametrize("path", ["/", "/sparql", "/ontology", "/id/person/vladimir-putin.html",
                                  "/.well-known/void", "/class/State", "/no-such-page"])
def test_every_page_links_our_icon(client, path) -> None:
    html = client.get(path, headers=HTML).get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/favicon.svg">' in html


@pytest.mark.parametrize("path", ["/favicon.svg", "/favicon.ico"])
def test_the_icon_is_an_svg_cached_for_long(client, path) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    assert answer.cache_control.max_age >= 7 * 24 * 3600
    assert answer.get_data(as_text=True).lstrip().startswith("<svg")
    assert client.get(path, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304


def test_void_is_a_page_for_people_and_rdf_for_machines(client, seeded) -> None:
    html = client.get("/.well-known/void", headers=HTML).get_data(as_text=True)
    # The counts as a table whose classes lead to their class pages, not Turtle to read.
    states = re.search(r'<a href="/class/State">ng:State</a></td><td class="num">([\d,]+)</td>', html)
    assert states is not None, html
    count = seeded.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/newsgraph/ontology#State> }")
    assert int(states[1].replace(",", "")) == int(count[0]["n"].value)
    assert "SPARQL endpoint</dt><dd><a href=\"http://localhost/sparql\">" in html
    assert "<details" in html and html.index("<details") > html.index("Instances per class")
    for accept, parser in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        answer = client.get("/.well-known/void", headers={"Accept": accept})
        assert answer.status_code == 200 and answer.mimetype == accept
        graph = rdflib.Graph().parse(data=answer.get_data(as_text=True), format=parser)
        assert (None, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in graph


def test_the_query_page_keeps_each_example_title_whole(client) -> None:
    html = client.get("/sparql", headers=HTML).get_data(as_text=True)
    options = [unescape(o) for o in re.findall(r'<option value="\d+">([^<]*)</option>', html)]
    for path in sorted(EXAMPLES.glob("*.rq")):
        first = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
        assert first.lstrip("# ").strip() in options, path.name
