"""Errors, not 500s: an article URL that is no IRI, a relative date before the year 1. POST
/articles answers 400 naming the field, and `kg ingest` prints the same message, no traceback.
(A LOAD that redirects is in tests/test_allowlist.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEETING_FACTS

from kg.config import Settings
from kg.model.dates import parse_date
from server import create_app

TOKEN = "input-errors-token"
BAD_URL = MEETING_FACTS.replace("published: 2025-06-23}", 'published: 2025-06-23, url: "https://e.org/a|b"}')
CASES = {
    "url": (BAD_URL, ["article, field 'url'", "an article URL must be an absolute IRI", "'|'"]),
    "yesterday": (
        MEETING_FACTS.replace("2025-06-23", "0001-01-01").replace("date: Monday", "date: yesterday"),
        ["fact 1 (key 'meeting'), field 'date'", "before the year 1"],
    ),
    "sunday": (
        MEETING_FACTS.replace("2025-06-23", "0001-01-01").replace("date: Monday", "date: Sunday"),
        ["fact 1 (key 'meeting'), field 'date'", "'Sunday'", "before the year 1"],
    ),
}


@pytest.fixture(scope="module")
def store_path(seeded_store_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input-errors") / "store"
    shutil.copytree(seeded_store_path, path)
    return path


@pytest.fixture(scope="module")
def client(store_path):
    app = create_app(Settings(store=str(store_path), autoload=False, write_token=TOKEN))
    yield app.test_client()
    app.extensions["newsgraph"].close()


def test_the_cases_change_what_they_say() -> None:
    assert BAD_URL != MEETING_FACTS
    assert all(text != MEETING_FACTS for text, _ in CASES.values())


@pytest.mark.parametrize("case", sorted(CASES))
def test_post_articles_answers_400_naming_the_field(client, case: str) -> None:
    text, says = CASES[case]
    response = client.post("/articles", data=text.encode(), headers={
        "Content-Type": "application/yaml", "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    for words in says:
        assert words in body, (words, body)
    ask = client.get("/sparql", query_string={
        "query": "ASK { <https://w3id.org/newsgraph/id/article/test-1> ?p ?o }"})
    assert ask.get_json()["boolean"] is False  # nothing written


@pytest.mark.parametrize("case", sorted(CASES))
def test_kg_ingest_prints_the_same_without_a_traceback(tmp_path, store_path, case: str) -> None:
    text, says = CASES[case]
    facts = tmp_path / f"{case}.yaml"
    facts.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    shutil.copytree(store_path, store)
    kg = Path(sys.executable).parent / "kg"
    result = subprocess.run([str(kg), "--store", str(store), "ingest", str(facts)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NEWSGRAPH_AUTOLOAD": "false"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    for words in says:
        assert words in output, (words, output)


def test_a_relative_date_that_stays_in_the_calendar_still_reads() -> None:
    import datetime as dt

    assert parse_date("today", dt.date(1, 1, 1)).lexical == "0001-01-01"
    assert parse_date("Monday", dt.date(1, 1, 1)).lexical == "0001-01-01"  # that day was a Monday
    with pytest.raises(ValueError, match="before the year 1"):
        parse_date("last Monday", dt.date(1, 1, 1))
