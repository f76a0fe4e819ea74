"""Every error has one shape: an HTML page for a browser, the bare message for curl and scripts.

One renderer (server.http.errors.error_answer) answers werkzeug's errors (unknown route, wrong
method) and ours (protocol, SPARQL, size, auth) alike. Each kind of error below is asked three
ways; the status and the message must not depend on who asks, only the wrapping may.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from markupsafe import escape

from kg.config import Settings
from server import create_app

TOKEN = "error-shape-token"
LIMIT = 4096
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
ACCEPTS = {"browser": BROWSER, "curl": CURL, "none": None}


@dataclass(frozen=True)
class Case:
    """One kind of error: how to cause it, its status, words its message must contain."""

    name: str
    method: str
    path: str
    status: int
    says: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    # Headers the status calls for (name -> a part of the value).
    expect: dict[str, str] = field(default_factory=dict)


CASES = (
    Case("unknown route", "GET", "/nope", 404, "not found"),
    Case("unknown entity", "GET", "/id/state/nope", 404, "knows nothing about"),
    Case("unknown kind of entity", "GET", "/id/planet/mars", 404, "no kind of resource"),
    Case("SPARQL syntax error", "GET", "/sparql?query=SELEC", 400, "expected"),
    # A browser accepts */*, so only ?format= can make a browser's request unacceptable.
    Case("format not offered", "GET", "/sparql?query=ASK%7B%7D&format=png", 406, "not offered"),
    Case("wrong method", "PUT", "/sparql", 405, "PUT", expect={"Allow": "GET"}),
    Case("query string too long", "GET", "/sparql?query=" + "x" * (LIMIT + 1), 413, f"{LIMIT} bytes"),
    Case("body too large", "POST", "/sparql", 413, f"{LIMIT} bytes",
         headers={"Content-Type": "application/sparql-query"}, body=b"#" * (LIMIT + 1)),
    Case("update without token", "POST", "/sparql", 401, "token",
         headers={"Content-Type": "application/sparql-update"}, body=b"CLEAR ALL",
         expect={"WWW-Authenticate": "Bearer"}),
    Case("body of no SPARQL type", "POST", "/sparql", 415, "image/png",
         headers={"Content-Type": "image/png"}, body=b"\x89PNG"),
)


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(store=":memory:", autoload=False, write_token=TOKEN, max_request_bytes=LIMIT))
    return app.test_client()


def ask(client, case: Case, accept: str | None):
    headers = dict(case.headers)
    if accept is not None:
        headers["Accept"] = accept
    return client.open(case.path, method=case.method, headers=headers, data=case.body)


def plain_message(client, case: Case) -> str:
    response = ask(client, case, CURL)
    return response.get_data(as_text=True).rstrip("\n")


@pytest.mark.parametrize("who", ["curl", "none"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_non_browsers_get_the_message_as_plain_text(client, case: Case, who: str) -> None:
    response = ask(client, case, ACCEPTS[who])
    assert response.status_code == case.status
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Accept" in response.headers.get("Vary", "")
    text = response.get_data(as_text=True)
    assert text.endswith("\n") and text.strip(), text  # the message, then a newline
    assert not text.lstrip().startswith("<") and "</" not in text, text  # no markup
    assert case.says.lower() in text.lower(), text
    for name, part in case.expect.items():
        assert part in response.headers.get(name, ""), (name, response.headers)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_browsers_get_a_page_with_the_same_message(client, case: Case) -> None:
    response = ask(client, case, BROWSER)
    assert response.status_code == case.status
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers.get("Vary", "")
    page = response.get_data(as_text=True)
    assert page.lstrip().lower().startswith("<!doctype html>")
    # The page carries exactly what curl reads, escaped for HTML.
    message = plain_message(client, case)
    assert str(escape(message)) in page, (message, page)
    assert "Back to the home page" in page
    for name, part in case.expect.items():
        assert part in response.headers.get(name, ""), (name, response.headers)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_status_and_message_do_not_depend_on_who_asks(client, case: Case) -> None:
    statuses = {who: ask(client, case, accept).status_code for who, accept in ACCEPTS.items()}
    assert set(statuses.values()) == {case.status}, statuses
    assert plain_message(client, case) == ask(client, case, None).get_data(as_text=True).rstrip("\n")


def test_an_rdf_client_asking_an_unknown_entity_keeps_its_rdf_404(client) -> None:
    response = client.get("/id/state/nope", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.get_data(as_text=True).strip() == ""  # an empty graph


def test_an_unknown_document_with_an_rdf_extension_is_an_rdf_404(client) -> None:
    response = client.get("/id/state/nope.ttl", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/turtle")


def test_an_unknown_html_document_is_never_rdf(client) -> None:
    response = client.get("/id/state/nope.html", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "knows nothing about" in response.get_data(as_text=True)
