"""Linked-data pages over real HTTP: Cool URIs, negotiation, links on any host, escaping, VoID, dumps."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import rdflib
import requests
from rdflib.namespace import FOAF, OWL, RDF, RDFS, VOID
from site_server import BASE, HOSTILE, HOSTILE_LABEL, NG, running_site

PUTIN = BASE + "id/person/vladimir-putin"
MEETING = BASE + "id/event/article-001-putin-araghchi-meeting"
ARTICLE = BASE + "id/article/article-001"
RDF_TYPES = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_store_path):
    with running_site(tmp_path_factory.mktemp("site"), seeded_store_path) as running:
        yield running


def local(site, iri: str) -> str:
    """The URL on the test server for an IRI under the base."""
    return site.url + "/" + iri[len(BASE):]


class Links(HTMLParser):
    """Every href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if href:
            self.hrefs.append(href)


def hrefs(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def page(site, iri: str) -> str:
    response = requests.get(local(site, iri), headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.text


# --- dereferencing


def test_thing_iri_answers_303_to_the_html_document(site):
    response = requests.get(local(site, PUTIN), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"] == local(site, PUTIN) + ".html"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_thing_iri_answers_303_to_an_rdf_document_that_parses(site, media_type):
    ext, rdflib_format = RDF_TYPES[media_type]
    response = requests.get(local(site, PUTIN), headers={"Accept": media_type}, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    document = local(site, PUTIN) + "." + ext
    assert response.headers["Location"] == document
    doc = requests.get(document, timeout=30)
    assert doc.status_code == 200
    assert doc.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=doc.content, format=rdflib_format)
    putin = rdflib.URIRef(PUTIN)
    assert (putin, RDFS.label, rdflib.Literal("Vladimir Putin", lang="en")) in graph
    assert (putin, OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q7747")) in graph
    # Incoming statements and the labels of what they link come along.
    assert (rdflib.URIRef(MEETING), rdflib.URIRef(NG + "participant"), putin) in graph
    assert graph.value(rdflib.URIRef(MEETING), RDFS.label) is not None
    assert (rdflib.URIRef(document), FOAF.primaryTopic, putin) in graph


def test_format_parameter_picks_the_document(site):
    response = requests.get(local(site, PUTIN) + "?format=jsonld", allow_redirects=False, timeout=30)
    assert response.headers["Location"].endswith(".jsonld")


def test_unacceptable_type_is_406(site):
    response = requests.get(local(site, PUTIN), headers={"Accept": "image/png"}, allow_redirects=False, timeout=30)
    assert response.status_code == 406
    assert response.headers["Vary"] == "Accept"  # another Accept header may succeed


def test_accept_parameters_do_not_make_a_406(site):
    response = requests.get(local(site, PUTIN), headers={"Accept": "text/turtle; charset=utf-8"},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(".ttl")


@pytest.mark.parametrize("path", ["id/person/nobody-at-all", "id/nonsense/thing", "id/person/nobody-at-all.html"])
def test_unknown_iri_under_the_base_is_an_html_404(site, path):
    response = requests.get(f"{site.url}/{path}", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Not found" in response.text


def test_unknown_iri_is_an_rdf_404_for_rdf_clients(site):
    response = requests.get(f"{site.url}/id/person/nobody-at-all", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.content, format="turtle")) == 0


# --- entity pages


def test_entity_page_content(site):
    html = page(site, PUTIN)
    assert "<h1>Vladimir Putin</h1>" in html
    assert "President of Russia since 2012-05-07" in html
    assert "according to Reuters" in html
    assert "Timeline" in html and "Vladimir Putin meets Abbas Araghchi in Moscow" in html
    assert 'href="http://www.wikidata.org/entity/Q7747"' in html
    assert f'href="{site.url}/ontology#Person"' in html
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="{local(site, PUTIN)}.{ext}"' in html
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    ET.fromstring(svg.group(0))  # well-formed, so browsers draw it


def test_every_link_on_an_entity_page_is_on_this_host_or_external(site):
    html = page(site, PUTIN)
    links = set(hrefs(html))
    assert not [h for h in links if h.startswith(BASE)], "links must not point at the base IRI's host"
    local_links = sorted({h.split("#")[0] for h in links if h.startswith(site.url)})
    assert local(site, MEETING) in local_links
    for url in local_links:
        if "/dumps/" in url:
            continue
        response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200, url


def test_literals_are_escaped(site):
    html = page(site, HOSTILE)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert "&amp; Co" in html
    document = requests.get(local(site, HOSTILE) + ".ttl", timeout=30)
    graph = rdflib.Graph().parse(data=document.content, format="turtle")
    assert str(graph.value(rdflib.URIRef(HOSTILE), RDFS.label)) == HOSTILE_LABEL


def test_event_page_links_its_article_and_provenance(site):
    html = page(site, MEETING)
    assert "Meeting on 2025-06-23 in Moscow" in html
    assert f'href="{local(site, ARTICLE)}"' in html
    assert "according to Reuters" in html
    assert f'href="{local(site, PUTIN)}"' in html


def test_article_page_lists_its_facts_and_entities(site):
    html = page(site, ARTICLE)
    assert "Facts this article contributed" in html
    assert f'href="{local(site, MEETING)}"' in html
    assert f'href="{local(site, BASE + "id/state/iran")}"' in html
    assert "wire service Reuters" in html


def test_article_document_describes_its_hash_parts(site):
    # Dereferencing ARTICLE#part fetches ARTICLE's document: it must say what the part is.
    doc = requests.get(local(site, ARTICLE) + ".ttl", timeout=30)
    graph = rdflib.Graph().parse(data=doc.content, format="turtle")
    parts = {s for s in graph.subjects(RDF.type, rdflib.URIRef(NG + "EvidenceSpan"))}
    assert parts and all(str(part).startswith(ARTICLE + "#") for part in parts)
    # Every ARTICLE#… link on its HTML page lands on an anchor of that page.
    html = page(site, ARTICLE)
    fragments = {href.split("#", 1)[1] for href in hrefs(html) if href.startswith(local(site, ARTICLE) + "#")}
    assert fragments
    assert all(f'id="{fragment}"' in html for fragment in fragments)


def test_a_hash_iri_redirects_with_its_fragment_encoded(site):
    part = local(site, ARTICLE) + "%23khamenei-letter-evidence-1"
    response = requests.get(part, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"] == part + ".ttl"


@pytest.mark.parametrize("path", [".ttl", ".html"])
def test_documents_revalidate_with_their_etag(site, path):
    document = local(site, PUTIN) + path
    first = requests.get(document, timeout=30)
    assert first.status_code == 200 and first.headers["ETag"]
    again = requests.get(document, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and not again.content
    other = requests.get(document, headers={"If-None-Match": '"something-else"'}, timeout=30)
    assert other.status_code == 200 and other.content == first.content


def test_a_graph_iri_is_a_page_for_people_and_its_contents_for_machines(site):
    graph = BASE + "graph/article/article-001"
    html = requests.get(local(site, graph), headers={"Accept": "text/html"}, allow_redirects=False, timeout=30)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    contents = [href for href in hrefs(html.text) if "/store?graph=" in href and "format=ttl" in href]
    assert contents
    turtle = requests.get(contents[0], timeout=30)
    assert turtle.status_code == 200 and len(rdflib.Graph().parse(data=turtle.content, format="turtle")) > 0
    machine = requests.get(local(site, graph), headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert machine.status_code == 303 and "/store?graph=" in machine.headers["Location"]


@pytest.mark.parametrize("path", ["id/person/a%20b", "id/person/a%20b.ttl", "graph/a%20b", "id/ingestion/x%7Cy"])
def test_a_path_that_is_no_iri_is_a_404(site, path):
    response = requests.get(f"{site.url}/{path}", headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert response.status_code == 404


def test_ingestion_activity_has_a_page(site):
    ingestion = BASE + "id/ingestion/article-001"
    response = requests.get(local(site, ingestion), headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(ingestion), RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Activity")) in graph


def test_labels_of_linked_resources_keep_their_stored_form(site):
    doc = requests.get(local(site, ARTICLE) + ".ttl", timeout=30)
    graph = rdflib.Graph().parse(data=doc.content, format="turtle")
    label = graph.value(rdflib.URIRef(BASE + "id/ingestion/article-001"), RDFS.label)
    assert label is not None and label.language is None  # stored without a language tag


# --- home, search, ontology


def test_home_page(site):
    response = requests.get(site.url + "/", timeout=30)
    assert response.status_code == 200
    html = response.text
    assert "What the graph holds" in html
    assert f'href="{local(site, ARTICLE)}"' in html
    assert 'href="/sparql"' in html
    assert "/.well-known/void" in html
    assert re.search(r"Person</a></td><td class=\"num\">\d+", html)


@pytest.mark.parametrize("query", ["putin", "PUT", "Vladimir"])
def test_autocomplete_ranks_the_person_first(site, query):
    data = requests.get(site.url + "/search.json", params={"q": query}, timeout=30).json()
    first = data["results"][0]
    assert first["iri"] == PUTIN
    assert first["url"] == local(site, PUTIN)


def test_search_page_lists_matches(site):
    response = requests.get(site.url + "/search", params={"q": "ira"}, timeout=30)
    assert response.status_code == 200
    assert f'href="{local(site, BASE + "id/state/iran")}"' in response.text


def test_ontology_by_negotiation(site):
    html = requests.get(site.url + "/ontology", headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200 and 'id="Meeting"' in html.text and 'id="participant"' in html.text
    assert "Accept" in html.headers["Vary"]
    turtle = requests.get(site.url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef(NG + "Meeting"), RDF.type, OWL.Class) in graph
    jsonld = requests.get(site.url + "/ontology.jsonld", timeout=30)
    assert len(rdflib.Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)
    # The negotiated answer names the document it is.
    assert turtle.headers["Content-Location"] == site.url + "/ontology.ttl"
    assert requests.get(turtle.headers["Content-Location"], timeout=30).content == turtle.content


def test_the_ontology_s_version_iri_and_shapes_resolve(site):
    turtle = requests.get(site.url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    ontology = rdflib.Graph().parse(data=turtle.content, format="turtle")
    ontology_iri = rdflib.URIRef(NG.rstrip("#"))
    version = ontology.value(ontology_iri, OWL.versionIRI)
    assert version is not None and str(version).startswith(BASE)
    versioned = requests.get(local(site, str(version)), headers={"Accept": "text/turtle"}, timeout=30)
    assert versioned.status_code == 200 and versioned.content == turtle.content
    assert requests.get(site.url + "/ontology/0.0.1", timeout=30).status_code == 404
    shapes_iri = ontology.value(ontology_iri, RDFS.seeAlso)
    shapes = requests.get(local(site, str(shapes_iri)), headers={"Accept": "text/turtle"}, timeout=30)
    assert shapes.status_code == 200
    graph = rdflib.Graph().parse(data=shapes.content, format="turtle")
    assert any(graph.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))


# --- machines


def test_void_and_dump(site):
    response = requests.get(site.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Location"] == site.url + "/.well-known/void?format=turtle"
    void = rdflib.Graph().parse(data=response.content, format="turtle")
    dataset = next(void.subjects(VOID.sparqlEndpoint, rdflib.URIRef(site.url + "/sparql")))
    dump_url = str(void.value(dataset, VOID.dataDump))
    assert dump_url == site.url + "/dumps/newsgraph.nq.gz"
    linkset = next(void.subjects(RDF.type, VOID.Linkset))
    assert void.value(linkset, VOID.linkPredicate) == OWL.sameAs
    assert int(void.value(linkset, VOID.triples)) > 100
    assert rdflib.URIRef(NG.rstrip("#")) in set(void.objects(dataset, VOID.vocabulary))
    # A class partition is named after its class, so its IRI holds when other classes come.
    meeting = next(void.subjects(VOID["class"], rdflib.URIRef(NG + "Meeting")))
    assert str(meeting).endswith("#class-ng-Meeting")

    first = requests.get(dump_url, timeout=60)
    assert first.status_code == 200
    dataset_graph = rdflib.Dataset()
    dataset_graph.parse(data=gzip.decompress(first.content), format="nquads")
    # void:triples counts distinct triples, ng:quads every quad of the dump (issue 14).
    assert sum(1 for _ in dataset_graph.quads()) == int(void.value(dataset, rdflib.URIRef(NG + "quads")))
    distinct = {(s, p, o) for s, p, o, _ in dataset_graph.quads()}
    assert len(distinct) == int(void.value(dataset, VOID.triples))
    again = requests.get(dump_url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
    assert again.status_code == 304  # cached: same data version, same file


def test_query_page_is_served_to_browsers(site):
    response = requests.get(site.url + "/sparql", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    html = response.text
    assert "<textarea" in html and f"PREFIX ng: &lt;{NG}&gt;" in html
    assert 'id="examples"' in html and "Who met whom" in html
    assert "Which states called for a ceasefire, and to whom?" in html  # the README's examples
    assert "query.js" in html
