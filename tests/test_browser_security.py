"""No script from any IRI, in headless Chromium: a javascript: IRI stored through the Graph Store
is text on its entity page and in the query page's results; a shared #query= link never runs
by itself; the Content-Security-Policy blocks an inline script injected into a page."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
import requests
from endpoint_server import TOKEN, serve_newsgraph
from test_browser import CHROMIUM, FLAGS

sync_api = pytest.importorskip("playwright.sync_api")
if shutil.which(CHROMIUM) is None:
    pytest.skip("Debian chromium is not installed (see .ci/run)", allow_module_level=True)

SCRIPT_IRI = "javascript:alert(document.domain)"
PERSON = "https://w3id.org/newsgraph/id/person/script-iri-test"
GRAPH = "https://w3id.org/newsgraph/graph/store/script-iri-test"
TURTLE = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{PERSON}> a <https://w3id.org/newsgraph/ontology#Person> ;
    rdfs:label "Script Iri Test"@en ;
    <http://www.w3.org/2002/07/owl#sameAs> <{SCRIPT_IRI}> ;
    rdfs:seeAlso <{SCRIPT_IRI}>, <https://example.org/fine> .
"""
SHARED_QUERY = f"SELECT ?x WHERE {{ VALUES ?x {{ <{SCRIPT_IRI}> <{PERSON}> }} }}"
JS_LINKS = 'a[href^="javascript:" i]'


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_store_path):
    folder = tmp_path_factory.mktemp("browser-security")
    shutil.copytree(seeded_store_path, folder / "store")
    with serve_newsgraph(folder, folder / "store", autoload="false", workers="1",
                         write_token=TOKEN) as server:
        stored = requests.put(f"{server.store}?graph={quote(GRAPH, safe='')}", data=TURTLE.encode(),
                              headers={"Content-Type": "text/turtle",
                                       "Authorization": f"Bearer {TOKEN}"}, timeout=30)
        assert stored.status_code in (201, 204), stored.text
        yield server


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-security-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()


class Watched:
    """A page with what it logged, the dialogs script opened and the requests it sent."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.posts: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: r.method == "POST" and self.posts.append(r.url))

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(context):
    watched = Watched(context)
    yield watched
    watched.page.close()


def test_a_javascript_iri_on_an_entity_page_is_not_clickable(site, watched) -> None:
    page = watched.page
    page.goto(site.url + "/id/person/script-iri-test.html")
    assert page.locator("h1").inner_text() == "Script Iri Test"
    assert page.locator(JS_LINKS).count() == 0
    shown = page.locator("span.iri", has_text=SCRIPT_IRI)
    assert shown.count() >= 2  # same as, and the statement: shown as text
    shown.first.click()
    assert page.locator('a.external[href="https://example.org/fine"]').count() == 1
    page.wait_for_timeout(200)
    assert watched.dialogs == [] and page.url.endswith("/id/person/script-iri-test.html")
    assert watched.errors == []


def test_a_shared_query_waits_for_run_and_its_javascript_iri_is_text(site, watched) -> None:
    page = watched.page
    page.goto(site.url + "/sparql#query=" + quote(SHARED_QUERY, safe=""))
    assert page.locator("#query").input_value() == SHARED_QUERY  # shown…
    page.wait_for_timeout(500)
    assert watched.posts == [] and page.locator("table.results").count() == 0  # …not run
    assert "press Run" in page.locator("#query-status").inner_text()

    page.click("#run")
    table = page.locator("table.results")
    table.wait_for()
    assert len(watched.posts) == 1
    assert table.locator("tbody tr").count() == 2
    assert table.locator(JS_LINKS).count() == 0
    table.locator("span.iri", has_text=SCRIPT_IRI).click()
    assert table.locator("a", has_text="script-iri-test").count() == 1  # our IRI is a link
    page.wait_for_timeout(200)
    assert watched.dialogs == []
    assert watched.errors == []


def test_the_policy_blocks_an_injected_inline_script(site, watched) -> None:
    page = watched.page

    def inject(route) -> None:
        # As if a template let markup through: the page comes with its real headers.
        response = route.fetch()
        body = response.text().replace("</main>", "<script>document.title = 'injected'</script></main>")
        route.fulfill(response=response, body=body)

    page.route(site.url + "/", inject)
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text() == "Newsgraph"
    page.wait_for_timeout(200)
    assert page.title() != "injected"
    assert any("Content Security Policy" in e for e in watched.errors), watched.errors


@pytest.mark.parametrize("path", [
    "/", "/id/person/vladimir-putin.html", "/id/article/article-001.html", "/search?q=Iran",
    "/ontology", "/.well-known/void", "/sparql", "/no-such-page",
])
def test_our_pages_break_none_of_the_policy(site, watched, path: str) -> None:
    page = watched.page
    page.goto(site.url + path)
    page.fill("#search-box", "Pu")  # the autocomplete's script and its request
    page.locator("#suggestions li").first.wait_for()
    if path == "/sparql":
        page.click("#run")
        page.locator("table.results").wait_for()
    page.wait_for_timeout(200)
    own = [e for e in watched.errors if not (path == "/no-such-page" and path in e and "404" in e)]
    assert own == [], own
