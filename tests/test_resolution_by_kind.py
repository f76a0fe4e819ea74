"""A name resolves to the kind its field expects (a location to a place before a state); when it
can only stand for another kind, the ingest warns (kg ingest, POST /articles), or with --strict refuses."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.config import Settings
from kg.errors import FactsError
from kg.ingest.bootstrap import initialize
from kg.ingest.facts_quads import ArticleQuads, article_quads
from kg.ingest.sources.facts_yaml import parse_facts
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.model.vocab import NG
from kg.store import Store
from server import create_app

IRIS = Iris("https://example.org/kg/")
TOKEN = "a-token-for-the-resolution-tests"
TALKS = """
article: {{id: {id}, title: Talks, publisher: Reuters, published: 2025-06-23}}
facts:
  - key: talks
    type: Meeting
    label: Argentine and Chilean envoys meet
    date: 2025-06-20
    participant: [Argentina, Chile]
    location: {location}
"""


def mapped(location: str, **options: bool) -> ArticleQuads:
    text = TALKS.format(id="talks", location=location)
    return article_quads(parse_facts(text, "talks.yaml"), iris=IRIS, resolve=Gazetteer.bundled().resolve,
                         source_name="talks.yaml", ingested_at=dt.datetime(2025, 6, 24, tzinfo=dt.UTC),
                         **options)


def objects(article: ArticleQuads, role: str) -> set[str]:
    quads = article.graphs[IRIS.article_graph("talks")]
    return {q.object.value for q in quads if q.predicate == NamedNode(str(getattr(NG, role)))}


def test_a_location_resolves_to_the_place_before_the_state_of_that_name() -> None:
    article = mapped("Buenos Aires")
    assert objects(article, "location") == {IRIS.entity("place", "buenos-aires")}
    assert article.warnings == []
    # As an agent the same name is still its state's metonym ("Buenos Aires said ...").
    text = TALKS.format(id="talks", location="Chile").replace("[Argentina, Chile]", "[Buenos Aires, Chile]")
    agents = article_quads(parse_facts(text, "t.yaml"), iris=IRIS, resolve=Gazetteer.bundled().resolve,
                           source_name="t.yaml", ingested_at=dt.datetime(2025, 6, 24, tzinfo=dt.UTC))
    assert objects(agents, "participant") == {IRIS.entity("state", "argentina"), IRIS.entity("state", "chile")}


def test_a_name_that_only_stands_for_another_kind_is_a_warning_or_with_strict_an_error() -> None:
    # "Washington" names no place of the gazetteer: it stands for the United States.
    article = mapped("Washington")
    assert objects(article, "location") == {IRIS.entity("state", "united-states")}
    [warning] = article.warnings
    assert warning.startswith("talks.yaml: fact 1 (key 'talks'), field 'location': 'Washington' stands for "
                              "state/united-states"), warning
    assert "a place is expected first" in warning
    with pytest.raises(FactsError) as caught:
        mapped("Washington", strict=True)
    assert any("'Washington' stands for state/united-states" in p for p in caught.value.problems)
    assert mapped("United States").warnings == []  # a state's own name is a state, as meant


def kg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    return subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_kg_ingest_prints_the_warning_and_strict_rejects_the_file(tmp_path: Path) -> None:
    facts = tmp_path / "talks.yaml"
    facts.write_text(TALKS.format(id="talks", location="Washington"), encoding="utf-8")
    store = tmp_path / "store"
    strict = kg(store, "ingest", "--strict", str(facts))
    assert strict.returncode == 1, strict.stderr
    assert "'Washington' stands for state/united-states" in strict.stderr
    assert "0 article(s)" in strict.stdout and "1 file(s) rejected" in strict.stdout
    ask = "ASK { ?e <https://w3id.org/newsgraph/ontology#factKey> 'talks' }"
    assert kg(store, "query", ask).stdout.strip().lower().endswith("false")

    lenient = kg(store, "ingest", str(facts))
    assert lenient.returncode == 0, lenient.stderr
    assert "warning: " in lenient.stderr and "'Washington' stands for state/united-states" in lenient.stderr
    assert "1 article(s)" in lenient.stdout and "1 warning(s)" in lenient.stdout


def test_post_articles_answers_with_the_warnings() -> None:
    settings = Settings(store=":memory:", write_token=TOKEN)
    store = Store(None)
    initialize(store, settings)
    app = create_app(settings, store=store)
    answer = app.test_client().post(
        "/articles", data=TALKS.format(id="talks-http", location="Washington"),
        headers={"Content-Type": "application/yaml", "Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    [warning] = answer.get_json()["warnings"]
    assert "field 'location': 'Washington' stands for state/united-states" in warning
    app.extensions["newsgraph"].close()
