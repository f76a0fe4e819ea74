"""POST /articles takes the article's text with its facts and checks evidence against it, as `kg ingest` does."""

from __future__ import annotations

import io
import json

import pytest
from conftest import MEETING_FACTS

from kg.config import Settings
from kg.ingest.bootstrap import load_reference
from kg.model.iris import Iris
from kg.store import Store
from server import create_app

TOKEN = "text-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = "Vladimir Putin met Abbas Araghchi in Moscow on Monday for talks on the nuclear file."
EVIDENCE = "    evidence: [{start: 0, end: 14}]\n"
FACTS = MEETING_FACTS.replace("published: 2025-06-23}", "published: 2025-06-23, text_file: a.txt}") + EVIDENCE
TOO_FAR = FACTS.replace("end: 14", "end: 99999")
IRIS = Iris(Settings().base_iri)


@pytest.fixture
def client():
    store = Store(None)
    load_reference(store, IRIS)
    app = create_app(Settings(store=":memory:", write_token=TOKEN), store=store)
    yield app.test_client()
    app.extensions["newsgraph"].close()


def stored_text(client) -> str | None:
    query = f"SELECT ?t {{ <{IRIS.article('test-1')}> <http://schema.org/text> ?t }}"
    rows = client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    return rows[0]["t"]["value"] if rows else None


def test_multipart_facts_and_text_are_stored_together(client) -> None:
    answer = client.post("/articles", headers=AUTH, data={
        "facts": (io.BytesIO(FACTS.encode()), "a.yaml"), "text": (io.BytesIO(TEXT.encode()), "a.txt")})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert stored_text(client) == TEXT


def test_json_facts_and_text(client) -> None:
    answer = client.post("/articles", headers=AUTH, data=json.dumps({"facts": FACTS, "text": TEXT}),
                         content_type="application/json")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert stored_text(client) == TEXT


@pytest.mark.parametrize("how", ["multipart", "json"])
def test_a_span_past_the_end_of_the_text_is_400_and_writes_nothing(client, how: str) -> None:
    if how == "json":
        answer = client.post("/articles", headers=AUTH, content_type="application/json",
                             data=json.dumps({"facts": TOO_FAR, "text": TEXT}))
    else:
        answer = client.post("/articles", headers=AUTH, data={"facts": TOO_FAR, "text": TEXT})
    assert answer.status_code == 400
    message = answer.get_data(as_text=True)
    assert "fact 1 (key 'meeting'), field 'evidence'" in message and "0-99999" in message
    assert stored_text(client) is None


def test_facts_naming_a_text_that_did_not_come_are_400(client) -> None:
    answer = client.post("/articles", headers={**AUTH, "Content-Type": "application/yaml"}, data=TOO_FAR)
    assert answer.status_code == 400
    assert "text_file" in answer.get_data(as_text=True)
    assert stored_text(client) is None


@pytest.mark.parametrize(("body", "content_type", "words"), [
    ("{not json", "application/json", "does not parse"),
    ('{"text": "x"}', "application/json", '"facts"'),
    ('{"facts": 3}', "application/json", '"facts" must be'),
    (json.dumps({"facts": FACTS, "text": ""}), "application/json", "empty"),
])
def test_bad_bodies_are_400_saying_what_is_wrong(client, body: str, content_type: str, words: str) -> None:
    answer = client.post("/articles", headers=AUTH, data=body, content_type=content_type)
    assert answer.status_code == 400
    assert words in answer.get_data(as_text=True)


def test_a_multipart_form_without_facts_is_400(client) -> None:
    answer = client.post("/articles", headers=AUTH, data={"text": TEXT})
    assert answer.status_code == 400 and "'facts'" in answer.get_data(as_text=True)


def test_posting_an_article_again_replaces_it_with_200(client) -> None:
    def post(text: str):
        return client.post("/articles", headers=AUTH, content_type="application/json",
                           data=json.dumps({"facts": FACTS, "text": text}))

    first = post(TEXT)
    assert first.status_code == 201 and first.headers["Location"].endswith("/id/article/test-1")
    second = post(TEXT + " A second sentence.")
    assert second.status_code == 200, second.get_data(as_text=True)
    assert second.headers["Content-Location"].endswith("/id/article/test-1")
    assert stored_text(client) == TEXT + " A second sentence."
