"""Linked data as generic clients use it (issue 14): */* and no Accept get pages that wget and
other crawlers can follow, entity documents come as datasets (TriG, N-Quads) and
application/json, and every subject the store holds, whatever its graph, is a page."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import rdflib
import requests
from endpoint_server import ARTICLE_GRAPH, ID, NG, TOKEN, running_server

BASE = ID.removesuffix("id/")
FRANCE = ID + "state/france"
MEETING = ID + "event/a1-meeting"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("linked-data-clients")) as running:
        yield running


def local(server, iri: str) -> str:
    return server.url + "/" + iri.removeprefix(BASE)


# --- */* and no Accept: the page, whose links a crawler follows


@pytest.mark.parametrize("accept", [None, "*/*", "*/*;q=0.8"])
def test_a_client_naming_no_type_gets_the_page(server, accept) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    session = requests.Session()
    session.headers.pop("Accept")  # requests sends */* unless told otherwise
    response = session.get(local(server, FRANCE), headers=headers, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"] == local(server, FRANCE) + ".html"
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(("accept", "extension"), [("text/turtle", "ttl"), ("text/turtle, */*;q=0.1", "ttl"),
                                                    ("application/rdf+xml, */*;q=0.5", "rdf")])
def test_rdf_clients_still_get_rdf(server, accept, extension) -> None:
    response = requests.get(local(server, FRANCE), headers={"Accept": accept}, allow_redirects=False, timeout=30)
    assert response.headers["Location"].endswith("." + extension)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def test_a_star_star_crawl_of_two_levels_finds_pages_and_no_broken_link(server) -> None:
    # What wget -r does: Accept */*, follow redirects, read links from HTML only, stay on the host.
    host = urlsplit(server.url).netloc
    seen: dict[str, requests.Response] = {}
    level = [local(server, MEETING)]
    for _ in range(3):  # the start page and two levels of links below it
        following: list[str] = []
        for url in level:
            if url in seen:
                continue
            response = requests.get(url, headers={"Accept": "*/*"}, timeout=30)
            seen[url] = response
            assert response.status_code == 200, (url, response.status_code)
            if response.headers["Content-Type"].startswith("text/html"):
                parser = _Links()
                parser.feed(response.text)
                for link in parser.found:
                    target = urldefrag(urljoin(response.url, link)).url
                    if urlsplit(target).netloc == host:
                        following.append(target)
        level = following
    pages = {url: r for url, r in seen.items() if urlsplit(url).path.startswith("/id/")
             and urlsplit(url).path.rsplit(".", 1)[-1] not in ("ttl", "jsonld", "nt", "rdf", "trig", "nq")}
    # The meeting's page links its agent, recipient and article: each answered as a page too.
    for iri in (FRANCE, ID + "state/germany", ID + "article/a1"):
        assert pages[local(server, iri)].headers["Content-Type"].startswith("text/html")
    assert all(r.headers["Content-Type"].startswith("text/html") for r in pages.values())
    assert len(seen) > 10


def test_wget_recursive_crawl(server, tmp_path) -> None:
    wget = shutil.which("wget")
    if wget is None:
        pytest.skip("wget is not installed (a system tool: apt-get install wget)")
    done = subprocess.run(
        [wget, "--recursive", "--level=2", "--no-verbose", "-e", "robots=off",
         "--directory-prefix", str(tmp_path), local(server, MEETING)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr  # 8 would mean a link answered an error
    site = tmp_path / urlsplit(server.url).netloc
    # wget keeps each page under the IRI it asked for; what it got there is the page.
    for name in ("state/france", "state/germany", "article/a1"):
        assert "<html" in (site / "id" / name).read_text().lower()


# --- a resource's description as a dataset, and application/json


@pytest.mark.parametrize(("accept", "extension", "rdflib_format"),
                         [("application/trig", "trig", "trig"), ("application/n-quads", "nq", "nquads")])
def test_entity_documents_in_trig_and_nquads_keep_the_graphs(server, accept, extension, rdflib_format) -> None:
    redirect = requests.get(local(server, MEETING), headers={"Accept": accept}, allow_redirects=False, timeout=30)
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == local(server, MEETING) + "." + extension
    document = requests.get(redirect.headers["Location"], timeout=30)
    assert document.headers["Content-Type"] == f"{accept}; charset=utf-8"
    dataset = rdflib.Dataset()
    dataset.parse(data=document.content, format=rdflib_format)
    meeting, agent = rdflib.URIRef(MEETING), rdflib.URIRef(NG + "agent")
    france = rdflib.URIRef(FRANCE)
    # The statement in the article's graph, where its provenance is, and that graph's origin.
    assert (meeting, agent, france, rdflib.URIRef(ARTICLE_GRAPH)) in dataset
    derived = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert (rdflib.URIRef(ARTICLE_GRAPH), derived, rdflib.URIRef(ID + "article/a1")) \
        in dataset.graph(rdflib.URIRef(BASE + "graph/meta"))
    # The default graph is the Turtle document, for clients that read only the default graph.
    turtle = rdflib.Graph().parse(data=requests.get(local(server, MEETING) + ".ttl", timeout=30).content,
                                  format="turtle")
    def about_the_thing(graph: rdflib.Graph) -> set:  # each document also speaks of itself
        return {t for t in graph if not str(t[0]).startswith(local(server, MEETING) + ".")}

    assert about_the_thing(dataset.default_graph) == about_the_thing(turtle)


def test_application_json_on_an_entity_is_json_ld(server) -> None:
    redirect = requests.get(local(server, FRANCE), headers={"Accept": "application/json"},
                            allow_redirects=False, timeout=30)
    assert redirect.headers["Location"] == local(server, FRANCE) + ".jsonld"
    graph = rdflib.Graph().parse(data=requests.get(redirect.headers["Location"], timeout=30).content,
                                 format="json-ld")
    assert (rdflib.URIRef(FRANCE), rdflib.RDFS.label, rdflib.Literal("France", lang="en")) in graph


# --- every subject the store holds is a page


def update(server, text: str) -> None:
    response = requests.post(server.sparql, data=text.encode(), timeout=30, headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text


def test_a_resource_inserted_into_the_default_graph_is_a_page(server) -> None:
    thing, kindless = ID + "person/inserted-by-update", ID + "notakind/inserted-too"
    update(server, f'INSERT DATA {{ <{thing}> a <{NG}Person> ; <http://www.w3.org/2000/01/rdf-schema#label> '
                   f'"Inserted by update"@en ; <{NG}memberOf> <{kindless}> . '
                   f'<{kindless}> <http://www.w3.org/2000/01/rdf-schema#label> "Of no kind we mint" }}')
    page = requests.get(local(server, thing), headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "Inserted by update" in page.text and "the default graph" in page.text
    turtle = requests.get(local(server, thing), headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef(thing), rdflib.RDF.type, rdflib.URIRef(NG + "Person")) in graph
    nquads = requests.get(local(server, thing) + ".nq", timeout=30).text
    assert f"<{thing}> <{rdflib.RDF.type}> <{NG}Person> .\n" in nquads  # in the default graph
    # A kind we never mint, but the store holds statements about it: a page as well.
    assert requests.get(local(server, kindless), headers={"Accept": "text/html"}, timeout=30).status_code == 200
    assert requests.get(local(server, ID + "notakind/nothing"), timeout=30).status_code == 404


def test_every_subject_under_the_base_is_a_page(server) -> None:
    rows = requests.get(server.sparql, timeout=30, params={"query": (
        "SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}')}).json()["results"]["bindings"]
    subjects = [row["s"]["value"] for row in rows]
    assert len(subjects) >= 5
    for iri in subjects:
        response = requests.get(local(server, iri), headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200, iri
        assert response.headers["Content-Type"].startswith("text/html")
