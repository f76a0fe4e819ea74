"""No script from any IRI: only http(s) IRIs become links, and every response carries the
security headers (a strict Content-Security-Policy on pages). The browser side is in
tests/test_browser_security.py."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from server import create_app
from server.wsgi import PAGE_POLICY

BASE = "https://w3id.org/newsgraph/"
HOSTILE = BASE + "id/person/iri-test"
SCRIPT_IRI = "javascript:alert(document.domain)"
OTHER_IRIS = ("data:text/html,%3Cscript%3Ealert(1)%3C/script%3E", "JaVaScRiPt:alert(2)", "vbscript:msgbox(3)")
WEB_IRI = "https://example.org/page"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TEMPLATES = Path(__file__).resolve().parent.parent / "server" / "templates"


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(store=":memory:", autoload=False))
    graph = ox.NamedNode(BASE + "graph/reference")
    subject = ox.NamedNode(HOSTILE)
    quads = [
        ox.Quad(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("https://w3id.org/newsgraph/ontology#Person"), graph),
        ox.Quad(subject, ox.NamedNode(LABEL), ox.Literal("Iri Test", language="en"), graph),
        ox.Quad(subject, ox.NamedNode(SAME_AS), ox.NamedNode(SCRIPT_IRI), graph),
        ox.Quad(subject, ox.NamedNode(SEE_ALSO), ox.NamedNode(WEB_IRI), graph),
        *[ox.Quad(subject, ox.NamedNode(SEE_ALSO), ox.NamedNode(iri), graph) for iri in OTHER_IRIS],
    ]
    engine = app.extensions["newsgraph"].engine
    engine.write(lambda store: store.add(quads))
    yield app
    app.extensions["newsgraph"].close()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_a_javascript_iri_on_an_entity_page_is_text_not_a_link(app) -> None:
    response = app.test_client().get("/id/person/iri-test.html")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    links = hrefs(html)
    assert WEB_IRI in links  # http(s) IRIs are still links
    for bad in (SCRIPT_IRI, *OTHER_IRIS):
        assert not any(h.lower().startswith(bad.split(":")[0].lower() + ":") for h in links), bad
    assert f'<span class="iri sameas" title="{SCRIPT_IRI}">' in html  # shown, as text


@pytest.mark.parametrize("path", [
    "/", "/id/person/iri-test.html", "/search?q=x", "/ontology", "/.well-known/void",
    "/sparql", "/no-such-page",
])
def test_every_page_has_the_strict_policy(app, path: str) -> None:
    response = app.test_client().get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html", path
    policy = response.headers["Content-Security-Policy"]
    assert policy == PAGE_POLICY
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("GET", "/sparql?query=ASK%7B%7D", {}),  # answered by server.wsgi, without Flask
    ("GET", "/sparql?query=SELEC", {}),  # an error
    ("GET", "/id/person/iri-test.ttl", {}),
    ("GET", "/static/query.js", {}),
    ("OPTIONS", "/sparql", {"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}),
])
def test_every_response_has_the_security_headers(app, method: str, path: str, headers: dict) -> None:
    response = app.test_client().open(path, method=method, headers=headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # CORS is still there


def test_templates_hold_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            # A JSON data block is not run; every script that runs comes from /static.
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert "<style" not in text, template.name
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
