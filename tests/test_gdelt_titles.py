"""GDELT events read as sentences ("Iran disapproves of the United States"), credit the site of
their source as "reported by", and show their measures rounded on pages (the RDF keeps every digit)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from conftest import SHARED

from kg.config import Settings
from kg.ingest.cameo import classify
from kg.ingest.gdelt_quads import GdeltImporter, event_title, source_site
from kg.model.iris import Iris
from kg.model.vocab import sparql_prefixes
from kg.store import Store
from server import create_app

BASE = "https://w3id.org/newsgraph/"
GDELT_FILE = SHARED / "data" / "gdelt" / "gdelt2_export_20191024143000.tsv"
EVENT = "gdelt-881991925"  # Iran criticises (CAMEO 111), no second actor, tone -2.66429840142096


@pytest.mark.parametrize(("code", "actor1", "actor2", "title"), [
    ("110", "Iran", "United States", "Iran disapproves of the United States"),
    ("111", "Iran", None, "Iran voices criticism"),
    ("042", "Russia", "Iran", "Russia visits Iran"),
    ("0256", "United Nations", "Israel", "The United Nations appeals to Israel"),
    ("195", "United States", "Iran", "The United States strikes Iran from the air"),
    ("190", "VILLAGE", "POLICE", "Village fights Police"),
    ("013", "SPEAKER OF THE HOUSE", "Netherlands", "Speaker of the House comments on the Netherlands"),
    ("173", None, "Iran", "Coercion involving Iran"),
    ("14", None, None, "Protest"),
])
def test_titles_read_as_sentences(code: str, actor1: str | None, actor2: str | None, title: str) -> None:
    assert event_title(classify(code), actor1, actor2) == title


@pytest.mark.parametrize(("url", "site"), [
    ("https://www.msnbc.com/news/a-story-1", "msnbc.com"),
    ("http://world.kbs.co.kr/service/news_view.htm?id=1", "world.kbs.co.kr"),
    ("https://", None),
])
def test_the_site_of_a_source(url: str, site: str | None) -> None:
    assert source_site(url) == site


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gdelt-titles") / "store"
    store = Store(str(path))
    GdeltImporter(store, Iris(BASE)).import_files([GDELT_FILE])
    del store
    return path


def test_an_imported_event_has_a_sentence_a_site_and_its_full_tone(imported: Path) -> None:
    store = Store(str(imported), read_only=True)
    rows = store.select(sparql_prefixes() + f"""SELECT ?label ?site ?tone {{
        <{BASE}id/event/{EVENT}> rdfs:label ?label ; ng:averageTone ?tone ;
            ng:reportedBy ?source . ?source rdfs:label ?site ; a ng:NewsSource }}""")
    assert [(r["label"].value, r["site"].value, r["tone"].value) for r in rows] == [
        ("Iran voices criticism", "msnbc.com", "-2.66429840142096")]
    assert rows[0]["label"].language == "en"


def test_the_event_page_rounds_numbers_and_credits_the_site(imported: Path) -> None:
    store = Store(str(imported), read_only=True)
    app = create_app(Settings(store=":memory:", autoload=False), store=store)
    html = app.test_client().get(f"/id/event/{EVENT}.html", headers={"Accept": "text/html"}).get_data(as_text=True)
    app.extensions["newsgraph"].close()
    assert "<h1>Iran voices criticism</h1>" in html
    assert re.search(r'<span class="literal" title="-2.66429840142096">-2.66</span>', html)
    assert "2.66429840142096</span>" not in html
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "msnbc.com, via GDELT" in text
    cells = re.findall(r'<td class="prov">(.*?)</td>', html, re.S)
    assert cells and all(re.sub(r"<[^>]+>", "", c).strip() for c in cells), "an empty Reported by cell"
