"""Class pages (/class/State): every instance of an ontology class, sorted by label, 100 a page,
with a count; the home page's type counts lead there."""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.publish import instances
from kg.publish.instances import page_of, sorted_instances
from kg.store import Store
from server import create_app

NG = "https://w3id.org/newsgraph/ontology#"
BASE = "https://w3id.org/newsgraph/"
ITEM = re.compile(r'<li><a href="[^"]*" title="(?P<iri>[^"]+)">(?P<label>[^<]*)</a></li>')


@pytest.fixture(scope="module")
def client(seeded):
    app = create_app(Settings(store=":memory:", autoload=False), store=seeded)
    yield app.test_client()
    app.extensions["newsgraph"].close()


def items(html: str) -> list[tuple[str, str]]:
    section = html.split('<ol class="instances"', 1)[1].split("</ol>", 1)[0]
    return [(m["iri"], unescape(m["label"])) for m in ITEM.finditer(section)]


def states(store: Store) -> set[str]:
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ ?s a <{NG}State> }}")
    return {r["s"].value for r in rows}


def test_the_states_come_sorted_by_name_on_two_pages_of_100(client, seeded) -> None:
    first = client.get("/class/State")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    everyone = states(seeded)
    assert f"{len(everyone)} instances" in html and len(everyone) > 100
    one = items(html)
    assert len(one) == 100
    assert [label for _, label in one] == sorted((label for _, label in one), key=str.casefold)
    assert one[0][1] == "Afghanistan"
    assert 'href="/class/State?page=2"' in html and 'rel="prev"' not in html

    second = client.get("/class/State", query_string={"page": "2"}).get_data(as_text=True)
    two = items(second)
    assert len(two) == len(everyone) - 100
    assert one[-1][1].casefold() <= two[0][1].casefold()
    assert {iri for iri, _ in one + two} == everyone
    assert 'href="/class/State?page=1"' in second and 'rel="next"' not in second
    assert "page 2 of 2" in second


def test_a_class_page_links_its_ontology_documentation_and_its_neighbours(client) -> None:
    html = client.get("/class/State").get_data(as_text=True)
    assert 'href="/ontology#State"' in html
    assert 'href="/class/Agent"' in html  # its superclass
    event = client.get("/class/Event").get_data(as_text=True)
    assert 'href="/class/DiplomaticEvent"' in event  # a subclass
    # The type closure is materialised: a meeting is listed among the events.
    assert (BASE + "id/event/article-001-putin-araghchi-meeting", "Vladimir Putin meets Abbas Araghchi in Moscow") \
        in items(event)


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/class/State?page=3", 404, "no page 3"),
    ("/class/State?page=0", 400, "?page=0"),
    ("/class/State?page=two", 400, "?page=2"),
    ("/class/Stat", 404, "no class called “Stat”"),
])
def test_a_page_or_class_that_does_not_exist_is_named(client, path, status, words) -> None:
    answer = client.get(path, headers={"Accept": "text/plain"})
    assert answer.status_code == status
    assert words in answer.get_data(as_text=True)


def test_the_home_page_type_counts_lead_to_the_class_pages(client) -> None:
    html = client.get("/").get_data(as_text=True)
    counts = html.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
    links = re.findall(r'href="([^"]+)"', counts)
    assert "/class/State" in links and all(link.startswith("/class/") for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("lookups", [2_000, 0], ids=["label-by-label", "one-scan-of-all-labels"])
def test_an_instance_is_listed_once_under_its_english_label(monkeypatch, lookups) -> None:
    monkeypatch.setattr(instances, "LABEL_LOOKUPS", lookups)
    store = Store(None)
    state, kind = ox.NamedNode(NG + "State"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    a, b, c = (ox.NamedNode(BASE + f"id/state/{n}") for n in ("a", "b", "c"))
    graphs = [ox.NamedNode(BASE + "graph/one"), ox.NamedNode(BASE + "graph/two")]
    store.add([
        *(ox.Quad(s, kind, state, g) for s in (a, b) for g in graphs),  # typed in two graphs
        ox.Quad(c, kind, state, graphs[0]),
        ox.Quad(ox.BlankNode(), kind, state, graphs[0]),
        ox.Quad(a, label, ox.Literal("Zeta", language="en"), graphs[0]),
        ox.Quad(a, label, ox.Literal("Alpha", language="fr"), graphs[1]),
        ox.Quad(b, label, ox.Literal("beta", language="en"), graphs[0]),
    ])
    listed = sorted_instances(store, NG + "State")
    assert [(i.iri, i.label) for i in listed] == [(b.value, "beta"), (c.value, c.value), (a.value, "Zeta")]
    page = page_of(listed, NG + "State", 2, page_size=2)
    assert (page.pages, page.total, page.first, page.last) == (2, 3, 3, 3)


@pytest.mark.parametrize("path", ["/class/State", "/id/state/iran.html"])
@pytest.mark.parametrize("page", ["%C2%B2", "0", "-1", "two"])
def test_a_page_number_that_is_none_is_400(client, path: str, page: str) -> None:
    answer = client.get(f"{path}?page={page}")
    assert answer.status_code == 400
    assert "page number" in answer.get_data(as_text=True)
