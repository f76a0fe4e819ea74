"""Incoming statements are headed by the ontology's inverse labels: "agent of", "has office",
"subject of" — never a label with "of" appended ("partner of of", "about of", "in article of")."""

from __future__ import annotations

import re
from html import unescape

import pytest
from rdflib import OWL, RDF, URIRef

from kg.config import Settings
from kg.model import ontology
from kg.model.vocab import NG, NG_IRI
from kg.publish.describe import inverse_label
from server import create_app

BASE = "https://w3id.org/newsgraph/"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(seeded):
    app = create_app(Settings(store=":memory:", autoload=False), store=seeded)
    yield app.test_client()
    app.extensions["newsgraph"].close()


def test_every_object_property_of_ours_has_an_english_inverse_label() -> None:
    graph = ontology.ontology_graph()
    properties = {str(p) for p in graph.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(NG_IRI)}
    labels = ontology.inverse_labels()
    assert properties - set(labels) == set()
    for prop in properties:
        assert (URIRef(prop), URIRef(str(NG.inverseLabel)), None) in graph
        assert not labels[prop].endswith(" of of"), prop


@pytest.mark.parametrize(("predicate", "label", "expected"), [
    (str(NG.partnerOf), "partner of", "partner of"),
    (str(NG.officeOf), "office of", "has office"),
    (str(NG.about), "about", "subject of"),
    (str(NG.inArticle), "in article", "has evidence span"),
    (str(NG.agent), "agent", "agent of"),
    ("http://www.w3.org/ns/prov#wasDerivedFrom", None, "source of"),
    ("https://example.org/vocab#mentions", "mentions", "mentions of"),  # not ours: the label with "of"
    ("https://example.org/vocab#basedIn", "based in", "inverse of based in"),  # never "based in of"
])
def test_inverse_label(predicate: str, label: str | None, expected: str) -> None:
    assert inverse_label(predicate, label) == expected


def _incoming_headings(html: str) -> list[str]:
    section = re.search(r"<h2>Referenced by</h2>(.*?)</section>", html, re.S)
    assert section, "no incoming statements on the page"
    # A heading may go on with a count and a "more" link after a line break.
    return [unescape(re.sub(r"<[^>]+>", "", h.split("<br", 1)[0])).strip()
            for h in re.findall(r'<th rowspan="\d+" scope="row">(.*?)</th>', section[1], re.S)]


@pytest.mark.parametrize(("path", "heading"), [
    ("/id/state/russia.html", "has office"),
    ("/id/state/russia.html", "allied with"),
    ("/id/state/russia.html", "agent of"),
    ("/id/event/twelve-day-war.html", "subject of"),
    ("/id/article/article-001.html", "source of"),
])
def test_pages_head_incoming_statements_with_inverse_labels(client, path: str, heading: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    headings = _incoming_headings(response.get_data(as_text=True))
    assert heading in headings, headings
    assert not [h for h in headings if h.endswith(" of of") or h in ("about of", "in article of")], headings
    # ng:involves repeats the roles: the page shows the roles, the RDF has both.
    assert "involved in" not in headings
