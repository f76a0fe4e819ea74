"""The site on a phone, in headless Chromium at 390 px: no page wider than the screen, no console
error, no failed request (the icon included); the query page's downloads save a file."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from site_server import running_site
from test_browser import CHROMIUM, FLAGS

sync_api = pytest.importorskip("playwright.sync_api")
if shutil.which(CHROMIUM) is None:
    pytest.skip("Debian chromium is not installed (see .ci/run)", allow_module_level=True)

PHONE = {"width": 390, "height": 844}
PAGES = {
    "home": "/",
    "state": "/id/state/united-states.html",
    "person": "/id/person/vladimir-putin.html",
    "event": "/id/event/article-001-putin-araghchi-meeting.html",
    "article": "/id/article/article-001.html",
    "query": "/sparql",
    "search": "/search?q=a",
    "ontology": "/ontology",
    "void": "/.well-known/void",
    "class": "/class/State",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_store_path):
    with running_site(tmp_path_factory.mktemp("navigation"), seeded_store_path) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized context (so the browser asks for the icon again) and what went wrong in it."""
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text} {m.location}"))
    page.on("pageerror", lambda e: problems.append(f"script: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    icons: list[int] = []
    page.on("response", lambda r: "/favicon." in r.url and icons.append(r.status))
    yield page, problems, icons
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_fits_a_phone_and_loads_cleanly(site, phone, name) -> None:
    page, problems, icons = phone
    answer = page.goto(site.url + PAGES[name])
    assert answer is not None and answer.status == 200
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    wider = page.evaluate("""() => [...document.querySelectorAll('main *, header *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('table, .scroll, svg'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= PHONE["width"], f"{name}: {width} px wide, because of {wider}"
    assert problems == []
    assert icons and all(status in (200, 304) for status in icons), icons
    assert "Newsgraph · Newsgraph" not in page.title()


def test_query_downloads_save_a_file(site, phone) -> None:
    page, problems, _ = phone
    query = "PREFIX ng: <https://w3id.org/newsgraph/ontology#>\nSELECT ?s WHERE { ?s a ng:State } LIMIT 3"
    page.goto(site.url + "/sparql#query=" + quote(query, safe=""))
    for name, extension in (("json", ".json"), ("xml", ".xml"), ("csv", ".csv")):
        with page.expect_download() as download:
            page.locator("#downloads a", has_text=name).click()
        assert download.value.suggested_filename == "newsgraph-results" + extension
        assert download.value.failure() is None
        assert page.url.startswith(site.url + "/sparql")  # still on the query page
    page.select_option("#examples", index=3)  # the longest README example, with its results
    page.click("#run")
    page.locator("table.results").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems == []


def test_a_class_page_pages_through_its_instances(site, phone) -> None:
    page, problems, _ = phone
    page.goto(site.url + "/")
    page.locator("table.counts").get_by_role("link", name="State", exact=True).click()
    page.wait_for_url("**/class/State")
    assert page.locator("ol.instances li").count() == 100
    page.locator("nav.pager a[rel=next]").first.click()
    page.wait_for_url("**/class/State?page=2")
    assert page.locator("ol.instances li").first.inner_text() > "L"  # the second half of the alphabet
    page.locator("a", has_text="its documentation in the ontology").click()
    page.wait_for_url("**/ontology#State")
    assert problems == []
