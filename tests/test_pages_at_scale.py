"""Pages that stay bounded with thousands of events (issue 13): paging, counts, a chart, cached home figures.

A real on-disk store with the seed data and ~4,000 GDELT events (the rows of one real sample,
twice, with new ids and dates a week earlier), served by the Flask test client.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import SHARED

from kg.config import Settings
from kg.ingest.bootstrap import initialize
from kg.ingest.gdelt_quads import GdeltImporter
from kg.model.iris import Iris
from kg.publish.activity import EVENTS_PER_PAGE
from kg.publish.describe import INCOMING_PAGE, MAX_INCOMING
from kg.store import Store
from server import create_app

BASE = "https://w3id.org/newsgraph/"
NG = BASE + "ontology#"
SAMPLE = SHARED / "data" / "gdelt" / "gdelt2_export_20191024143000.tsv"
ROLES = " ".join(f"<{NG}{r}>" for r in ("agent", "recipient", "target", "participant", "mediator",
                                        "carrier", "location", "about"))
LIMIT_BYTES = 300 * 1024


def _copies(target: Path, copies: int) -> None:
    """The sample's rows again per copy, with new ids and dates one week earlier per copy."""
    rows = [line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    with target.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for f in rows:
                day = dt.datetime.strptime(f[1], "%Y%m%d").date() - dt.timedelta(weeks=copy)
                out.write("\t".join([str(int(f[0]) + copy * 10**10), day.strftime("%Y%m%d"),
                                     day.strftime("%Y%m"), str(day.year), *f[4:]]) + "\n")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    settings = Settings(store=str(folder / "store"), autoload=False, workers=1)
    store = Store(settings.store)
    initialize(store, settings)
    _copies(folder / "events.tsv", 2)
    GdeltImporter(store, Iris(settings.base_iri)).import_files([folder / "events.tsv"])
    app = create_app(settings, store=store)
    yield app
    app.extensions["newsgraph"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def busiest(app) -> tuple[str, int]:
    """The state taking part in the most events, and how many."""
    [row] = app.extensions["newsgraph"].store.select(
        f"SELECT ?s (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?role {{ {ROLES} }} ?e ?role ?s . "
        f"?e a <{NG}Event> . ?s a <{NG}State> }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1")
    return row["s"].value, int(row["n"].value)


def path(iri: str, ext: str = "html") -> str:
    return "/" + iri[len(BASE):] + "." + ext


def timeline_events(html: str) -> list[str]:
    table = re.search(r'<table class="timeline">.*?</table>', html, re.DOTALL)
    assert table is not None
    rows = re.findall(r"<tr>\s*<td class=\"date\">.*?</tr>", table.group(0), re.DOTALL)
    # The third cell names the event (the others: date, type, role, counterparts, sources).
    return [re.findall(r"<td>(.*?)</td>", row, re.DOTALL)[1] for row in rows]


def links(response) -> dict[str, str]:
    """rel -> URL of the Link header."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))}


def test_an_entity_page_shows_the_latest_events_a_page_at_a_time(client, busiest):
    state, events = busiest
    assert events > 3 * EVENTS_PER_PAGE
    first = client.get(path(state))
    assert first.status_code == 200
    page1 = timeline_events(first.get_data(as_text=True))
    assert len(page1) == EVENTS_PER_PAGE
    nxt = links(first)["next"]
    assert nxt.endswith(path(state) + "?page=2") and "prev" not in links(first)
    assert f'href="{nxt}"' in first.get_data(as_text=True)
    second = client.get(nxt)
    page2 = timeline_events(second.get_data(as_text=True))
    assert len(page2) == EVENTS_PER_PAGE and not set(page1) & set(page2)
    assert links(second)["prev"].endswith(path(state))
    dates = re.findall(r'<td class="date">([^<]+)</td>', first.get_data(as_text=True) + second.get_data(as_text=True))
    assert dates == sorted(dates, reverse=True)  # newest first, across pages
    last = -(-events // EVENTS_PER_PAGE)
    assert "next" not in links(client.get(path(state) + f"?page={last}"))
    assert client.get(path(state) + f"?page={last + 1}").status_code == 404
    assert client.get(path(state) + "?page=two").status_code == 400


def test_an_entity_page_counts_its_events_per_role_and_type(client, app, busiest):
    state, events = busiest
    html = client.get(path(state)).get_data(as_text=True)
    assert f"<h2>Events: {events:,}</h2>" in html
    [agent] = app.extensions["newsgraph"].store.select(
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{NG}agent> <{state}> ; a <{NG}Event> }}")
    footer = re.search(r"<tfoot>.*?</tfoot>", html, re.DOTALL).group(0)
    assert f'<td class="num">{int(agent["n"].value):,}</td>' in footer
    assert "<th>as agent</th>" in html


def test_an_entity_page_draws_its_events_per_month_without_script(client, busiest):
    html = client.get(path(busiest[0])).get_data(as_text=True)
    svg = re.search(r'<svg class="months".*?</svg>', html, re.DOTALL)
    assert svg is not None
    drawn = ET.fromstring(svg.group(0))
    bars = drawn.findall(".//{http://www.w3.org/2000/svg}rect")
    assert len(bars) >= 2  # two copies a week apart: at least two months here, or one and more
    assert "<script" not in svg.group(0)


def test_incoming_statements_are_grouped_with_counts_and_more_links(client, busiest):
    state, _ = busiest
    html = client.get(path(state)).get_data(as_text=True)
    more = re.findall(r'<span class="count">(\d+) of ([\d,]+)</span> <a href="([^"]+)" class="more">', html)
    assert more
    shown, total, url = more[0]
    assert int(shown) == MAX_INCOMING and int(total.replace(",", "")) > MAX_INCOMING
    listing = client.get(url.replace("&amp;", "&"))
    assert listing.status_code == 200
    items = re.findall(r"<li>", re.search(r'<ul class="plain listing">.*?</ul>', listing.get_data(as_text=True),
                                          re.DOTALL).group(0))
    assert len(items) == min(INCOMING_PAGE, int(total.replace(",", "")))
    if int(total.replace(",", "")) > INCOMING_PAGE:
        assert "page=2" in links(listing)["next"]


def test_pages_and_documents_stay_bounded(client, busiest):
    state, events = busiest
    html = client.get(path(state))
    assert len(html.data) < LIMIT_BYTES
    turtle = client.get(path(state, "ttl"))
    assert len(turtle.data) < LIMIT_BYTES
    graph = rdflib.Graph().parse(data=turtle.data, format="turtle")
    subject = rdflib.URIRef(state)
    pointing = {s for s, _, _ in graph.triples((None, None, subject))}
    assert len(pointing) < events  # a bounded part …
    see_also = {str(o) for o in graph.objects(None, rdflib.RDFS.seeAlso)}
    assert any(u.endswith(path(state, "ttl") + "?page=2") for u in see_also), see_also  # … linking the rest
    assert any("property=" in u for u in see_also)
    assert "page=2" in links(turtle)["next"]
    second = rdflib.Graph().parse(data=client.get(path(state, "ttl") + "?page=2").data, format="turtle")
    assert {s for s, _, _ in second.triples((None, None, subject))} - pointing  # the next events


def test_home_figures_are_computed_once_per_data_version(client, app):
    ng = app.extensions["newsgraph"]

    def statements() -> str:
        html = client.get("/").get_data(as_text=True)
        return re.search(r"<p>([\d,]+) statements", html).group(1)

    before = statements()
    extra = ox.Quad(ox.NamedNode(BASE + "id/thing/x"), ox.NamedNode(BASE + "p"), ox.Literal("x"),
                    ox.NamedNode(BASE + "graph/test"))
    ng.store.add([extra])  # behind the engine's back: no new data version, so no new count
    assert statements() == before
    ng.engine.write(lambda store: store.add([ox.Quad(extra.subject, extra.predicate, ox.Literal("y"),
                                                     extra.graph_name)]))
    after = statements()
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 2


def test_an_event_page_names_its_article_once_and_hides_internal_fields(client):
    html = client.get("/id/event/article-001-putin-araghchi-meeting.html").get_data(as_text=True)
    statements = html[html.index("<h2>Statements</h2>"):]
    assert statements.count("Khamenei asks Putin for firmer Russian backing") == 1
    for internal in ("fact key", "date precision", ">evidence<"):
        assert internal not in statements


def test_an_article_page_keeps_offsets_in_the_rdf(client):
    html = client.get("/id/article/article-001.html").get_data(as_text=True)
    assert "start offset" not in html and "end offset" not in html
    spans = re.findall(r'<a class="evidence-span" id="([^"]+)" href="[^"]*/id/article/article-001#\1"', html)
    assert spans  # each span is a place on the page, so its hash IRI lands there
    turtle = client.get("/id/article/article-001.ttl").get_data(as_text=True)
    assert "ng:startOffset" in turtle
