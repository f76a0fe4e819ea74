"""The namespace on w3id.org and a server whose base IRI is its own address (issue 14).

docs/w3id/.htaccess is what w3id.org needs to redirect https://w3id.org/newsgraph/ to a
deployment; here its rule is applied to our IRIs and each redirect followed to a real server
on 127.0.0.1 whose --base-iri is http://127.0.0.1:PORT/newsgraph/, which answers under that
path as at its root. Comunica's link-traversal engine then dereferences entity IRIs and the
ontology (through a stand-in for w3id.org that applies the same rule) without --lenient.
"""

from __future__ import annotations

import gc
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
import requests
from endpoint_server import DATASET, NG, free_port, serve_newsgraph

from kg.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HTACCESS = PROJECT_ROOT / "docs" / "w3id" / ".htaccess"
W3ID = "https://w3id.org/newsgraph/"
PLACEHOLDER = "https://newsgraph.example.org/"
NODE_BIN = Path(__file__).resolve().parent / ".node" / "node_modules" / ".bin"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def rewrite_rules() -> list[tuple[re.Pattern[str], str]]:
    """The RewriteRules of docs/w3id/.htaccess as (pattern, target with \\1 for $1)."""
    rules = []
    for line in HTACCESS.read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["RewriteRule"]:
            assert parts[3] == "[R=303,L]", line
            rules.append((re.compile(parts[1]), re.sub(r"\$(\d)", r"\\\1", parts[2])))
    return rules


def redirect(iri: str, deployment: str) -> str:
    """Where w3id.org sends an IRI under the namespace, for a deployment at this URL."""
    path = iri.removeprefix(W3ID)
    for pattern, target in rewrite_rules():
        if pattern.match(path):
            return pattern.sub(target, path, count=1).replace(PLACEHOLDER, deployment)
    raise AssertionError(f"no rule of {HTACCESS} matches {iri}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our server with its own address as base, over the test dataset minted under that base."""
    folder = tmp_path_factory.mktemp("own-base")
    port = free_port()
    base = f"http://127.0.0.1:{port}/newsgraph/"
    # The data's IRIs follow the base; the ontology namespace stays on w3id.org, as ingestion does.
    text = DATASET.read_text().replace(W3ID + "id/", base + "id/").replace(W3ID + "graph/", base + "graph/")
    store = Store(str(folder / "store"))
    store.load(text.encode(), "application/trig")
    store.flush()
    del store
    gc.collect()  # pyoxigraph releases the store's lock when the object is freed
    with serve_newsgraph(folder, folder / "store", port=port, autoload="false", workers="1",
                         base_iri=base) as running:
        running.base = base  # type: ignore[attr-defined]
        yield running


def test_the_htaccess_rule_sends_every_iri_to_the_deployment() -> None:
    assert redirect(W3ID + "ontology", PLACEHOLDER) == PLACEHOLDER + "ontology"
    assert redirect(W3ID + "id/state/iran", "https://example.net/") == "https://example.net/id/state/iran"
    assert redirect(W3ID + "ontology/0.3.0", PLACEHOLDER) == PLACEHOLDER + "ontology/0.3.0"


@pytest.mark.parametrize(("path", "accept", "answer"), [
    ("ontology", "text/turtle", "text/turtle"),
    ("ontology", "text/html", "text/html"),
    ("shapes", "text/turtle", "text/turtle"),
    ("id/state/france", "text/turtle", "text/turtle"),
    ("id/state/france", "*/*", "text/html"),
])
def test_w3id_redirects_land_on_documents(server, path, accept, answer) -> None:
    # A deployment at the server's root and one under its base path both serve them.
    for deployment in (server.url + "/", server.base):
        response = requests.get(redirect(W3ID + path, deployment), headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200, (deployment, path)
        assert response.headers["Content-Type"].startswith(answer)


def test_the_ontology_is_served_under_a_base_that_is_not_the_default(server) -> None:
    response = requests.get(server.base + "ontology", headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(NG + "Meeting"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    france = requests.get(server.base + "id/state/france", headers={"Accept": "text/turtle"}, timeout=30)
    assert france.url == server.url + "/id/state/france.ttl"
    assert (rdflib.URIRef(server.base + "id/state/france"), rdflib.RDFS.label, rdflib.Literal("France", lang="en")) \
        in rdflib.Graph().parse(data=france.content, format="turtle")


@contextmanager
def w3id_standin(deployment: str) -> Iterator[str]:
    """A prefix proxy for Comunica (--proxy URL?uri=): w3id.org IRIs get the .htaccess redirect,
    those of the deployment a redirect to themselves, anything else (the internet) a 502."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            uri = self.path.partition("?uri=")[2]
            if uri.startswith(W3ID):
                target = redirect(uri, deployment)
            elif uri.startswith(deployment):
                target = uri
            else:
                self.send_error(502, f"no internet here: {uri}")
                return
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}/?uri="
    finally:
        proxy.shutdown()
        proxy.server_close()


def traverse(proxy: str, seed: str, query: str) -> list[dict[str, str]]:
    """The rows Comunica's link-traversal engine finds from one seed IRI, strictly (no --lenient)."""
    node, binary = shutil.which("node"), NODE_BIN / "comunica-sparql-link-traversal"
    if node is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs npm)")
    if not binary.exists():
        pytest.skip(f"{binary} is missing: npm install --prefix tests/.node @comunica/query-sparql@3 "
                    "@comunica/query-sparql-link-traversal@0.5 (see .ci/run)")
    done = subprocess.run([node, str(binary), "--proxy", proxy, seed, query],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_comunica_link_traversal_from_an_entity_iri(server) -> None:
    meeting = server.base + "id/event/a1-meeting"
    with w3id_standin(server.url + "/") as proxy:
        # From the meeting to its agent's own document: a second IRI dereferenced on the server.
        codes = traverse(proxy, meeting, f"SELECT DISTINCT ?code WHERE {{ <{meeting}> <{NG}agent> ?a . "
                                         f"?a <{NG}iso3166Alpha2> ?code }}")
        assert codes == [{"code": '"FR"'}]
        # The meeting's class, labelled by the ontology that w3id.org redirects to the server.
        classes = traverse(proxy, meeting, f"SELECT ?label WHERE {{ <{meeting}> a ?c . "
                                           f"?c <{RDFS_LABEL}> ?label }}")
        assert classes == [{"label": '"meeting"@en'}]
