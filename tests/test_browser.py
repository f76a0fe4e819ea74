"""A person's path through the site in headless Chromium: home, search, entity, event, article, query."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from site_server import running_site

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
# Without the background-networking flags Chromium keeps calling out, and this network refuses.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api")
if shutil.which(CHROMIUM) is None:
    pytest.skip("Debian chromium is not installed (see .ci/run)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, seeded_store_path):
    with running_site(tmp_path_factory.mktemp("browser"), seeded_store_path) as running:
        yield running


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def test_search_entity_event_article_query(site, browser_page):
    page = browser_page
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text() == "Newsgraph"
    shot(page, "01-home")

    page.fill("#search-box", "Putin")
    suggestion = page.locator("#suggestions li a", has_text="Vladimir Putin").first
    suggestion.wait_for()
    shot(page, "02-autocomplete")
    suggestion.click()
    page.wait_for_url("**/id/person/vladimir-putin.html")
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    assert "President of Russia" in page.locator("p.summary").inner_text()
    shot(page, "03-entity-putin")

    page.locator("table.timeline a", has_text="Vladimir Putin meets Abbas Araghchi in Moscow").click()
    page.wait_for_url("**/id/event/article-001-putin-araghchi-meeting.html")
    assert "Meeting" in page.locator("p.summary").inner_text()
    shot(page, "04-event")

    page.locator("p.reported a.source").first.click()  # said once above the statements
    page.wait_for_url("**/id/article/article-001.html")
    assert "Facts this article contributed" in page.content()
    shot(page, "05-article")

    page.locator("header nav a", has_text="Query").click()
    page.wait_for_url("**/sparql")
    # An example from the README (docs/examples/ceasefire-callers.rq).
    page.select_option("#examples", label="Which states called for a ceasefire, and to whom?")
    page.click("#run")
    table = page.locator("table.results")
    table.wait_for()
    assert table.locator("tbody tr").count() == 3
    assert "Pakistan" in table.inner_text()
    assert "#query=" in page.url  # the query is kept in the address, to share it
    shot(page, "06-query")

    page.fill("#query", "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    error = page.locator("#query-error")
    error.wait_for()
    assert error.inner_text().strip()
    shot(page, "07-query-error")
