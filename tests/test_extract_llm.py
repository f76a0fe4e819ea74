"""The LLM engine against a stand-in OpenAI-compatible server on 127.0.0.1 with canned answers."""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kg.config import Settings
from kg.errors import ExtractionError
from kg.extract import ArticleText, extract
from kg.extract.llm import endpoint_url
from kg.extract.verify import TextIndex, verify_facts
from kg.ingest.facts_quads import article_quads
from kg.model.facts import ArticleFacts
from kg.model.gazetteer import Entity, Gazetteer
from kg.model.iris import Iris
from kg.model.vocab import NG

# Our own sentences, with an HTML entity for a character and uneven spacing, as corpora have them.
TEXT = (
    "Abbas Araghchi, Iran&#8217;s foreign minister, arrived in Moscow on Monday.\n"
    "He met Vladimir Putin at the Kremlin.  The Russian leader  condemned the strikes on Iran.\n"
    "Ren&#233;e Laurent, a mediator, asked both sides for calm."
)
QUOTE_VISIT = "Abbas Araghchi, Iran\u2019s foreign minister, arrived in Moscow on Monday."
QUOTE_MEETING = "He met Vladimir Putin at the Kremlin."
QUOTE_CONDEMN = "The Russian leader condemned the strikes on Iran."  # single spaces: the text has two
QUOTE_APPEAL = "Renée Laurent, a mediator, asked both sides for calm."

ENTITIES = [
    {"label": "Abbas Araghchi", "kind": "person"},
    {"label": "Iran", "kind": "state"},
    {"label": "Moscow", "kind": "place"},
    {"label": "Vladimir Putin", "kind": "person"},
    {"label": "Russia", "kind": "state"},
    {"label": "Renée Laurent", "kind": "person"},
]


def _event(type_: str, quote: str, **roles: Any) -> dict[str, Any]:
    event = {"type": type_, "label": f"a {type_.lower()}", "agents": [], "targets": [], "recipients": [],
             "participants": [], "place": None, "date": None, "quote": quote}
    event.update(roles)
    return event


GOOD = {
    "entities": ENTITIES,
    "tenures": [{"person": "Abbas Araghchi", "office": "Foreign Minister", "polity": "Iran",
                 "former": False, "quote": QUOTE_VISIT}],
    "events": [
        _event("Visit", QUOTE_VISIT, agents=["Abbas Araghchi"], recipients=["Russia"], place="Moscow",
               date="Monday"),
        _event("Meeting", QUOTE_MEETING, participants=["Vladimir Putin", "Abbas Araghchi"]),
        _event("Condemnation", QUOTE_CONDEMN, agents=["Vladimir Putin"]),
        _event("Appeal", QUOTE_APPEAL, agents=["Renée Laurent"]),
    ],
    "agreements": [],
}


class StandIn:
    """An OpenAI-compatible chat endpoint that answers what a test tells it to, and records requests."""

    def __init__(self) -> None:
        self.status = 200
        self.content: str = json.dumps(GOOD)
        self.delay = 0.0
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                standin.requests.append((self.path, dict(self.headers), json.loads(body)))
                time.sleep(standin.delay)
                if standin.status != 200:
                    payload = b'{"error": {"message": "model crashed"}}'
                else:
                    completion = {"choices": [{"index": 0, "finish_reason": "stop",
                                               "message": {"role": "assistant", "content": standin.content}}]}
                    payload = json.dumps(completion).encode()
                try:
                    self.send_response(standin.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the timeout test's client has gone, as it should

            def log_message(self, *args: Any) -> None:
                pass  # keep the test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll keeps shutdown (each test's teardown) quick.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def answer(self, content: Any) -> None:
        self.content = content if isinstance(content, str) else json.dumps(content)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=5)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.bundled()


ARTICLE = ArticleText(TEXT, "llm-test", title="A test article", published=dt.date(2025, 6, 25),
                      publisher="Reuters", source_name="llm-test.txt")


def _settings(standin: StandIn, **kw: Any) -> Settings:
    values = {"store": ":memory:", "llm_url": standin.url, "llm_model": "test-model",
              "llm_api_key": "sekrit", "llm_timeout": 5.0}
    values.update(kw)
    return Settings(**values)


def _facts(draft: Any) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in draft.facts["facts"]}


def _read(span: dict[str, int]) -> str:
    return " ".join(html.unescape(TEXT[span["start"]:span["end"]]).split())


def test_good_answer_keeps_its_facts_with_our_offsets(standin: StandIn, gazetteer: Gazetteer) -> None:
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    assert draft.dropped == []
    assert (draft.engine, draft.engine_version) == ("llm", "1 (test-model)")
    by_type = {f.get("type", f.get("kind")): f for f in draft.facts["facts"]}
    assert set(by_type) == {"tenure", "Visit", "Meeting", "Condemnation", "Appeal"}
    for fact, quote in [(by_type["Visit"], QUOTE_VISIT), (by_type["Meeting"], QUOTE_MEETING),
                        (by_type["Condemnation"], QUOTE_CONDEMN), (by_type["Appeal"], QUOTE_APPEAL)]:
        [span] = fact["evidence"]
        assert _read(span) == quote
    # Offsets index the text as given: the entity and the double spaces are inside the spans.
    assert TEXT[by_type["Visit"]["evidence"][0]["start"]:].startswith("Abbas Araghchi, Iran&#8217;s")
    assert "leader  condemned" in TEXT[by_type["Condemnation"]["evidence"][0]["start"]:
                                       by_type["Condemnation"]["evidence"][0]["end"]]
    visit = by_type["Visit"]
    assert visit["agent"] == ["person/abbas-araghchi"]
    assert visit["recipient"] == ["state/russia"]
    assert visit["location"] == "place/moscow"  # the city, not the state its name stands for
    assert visit["date"] == "Monday"
    assert by_type["tenure"]["office"] == "office/minister-of-foreign-affairs-of-iran"
    # A person the gazetteer lacks is declared, spelt as the text means it; the known ones the
    # facts name are listed too, so that a reviewer sees what each name became.
    entities = {e["key"]: e for e in draft.facts["entities"]}
    assert entities.pop("person/renee-laurent") == {"key": "person/renee-laurent", "type": "Person",
                                                    "label": "Renée Laurent"}
    assert set(entities) == {"office/minister-of-foreign-affairs-of-iran", "person/abbas-araghchi",
                             "person/vladimir-putin", "place/moscow", "state/russia"}
    assert all(e["known"] for e in entities.values())
    assert entities["state/russia"]["wikidata"] == "Q159"
    assert draft.facts["article"]["extracted_by"] == {"engine": "llm", "version": "1 (test-model)"}
    assert by_type["Appeal"]["agent"] == ["person/renee-laurent"]
    assert all(f["confidence"] == 0.6 for f in draft.facts["facts"])


def test_good_draft_is_a_facts_file_that_ingests(standin: StandIn, gazetteer: Gazetteer) -> None:
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    facts = ArticleFacts.model_validate(draft.facts)
    quads = article_quads(facts, iris=Iris("https://w3id.org/newsgraph/"), resolve=gazetteer.resolve,
                          source_name="llm-test.txt", ingested_at=dt.datetime.now(dt.UTC),
                          text_length=len(TEXT))
    assert quads.fact_count == 5


def test_request_carries_model_key_and_schema(standin: StandIn, gazetteer: Gazetteer) -> None:
    extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    [(path, headers, body)] = standin.requests
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sekrit"
    assert body["model"] == "test-model"
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert set(schema["properties"]) == {"entities", "tenures", "events", "agreements"}
    event = schema["$defs"]["EventItem"]
    assert {"Meeting", "Visit", "Airstrike"} <= set(event["properties"]["type"]["enum"])
    assert event["additionalProperties"] is False and set(event["required"]) == set(event["properties"])
    # The model reads characters, not entities.
    assert "Renée Laurent" in body["messages"][-1]["content"]


def test_no_key_no_model_sends_neither(standin: StandIn, gazetteer: Gazetteer) -> None:
    extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin, llm_model="", llm_api_key=""))
    [(_path, headers, body)] = standin.requests
    assert "Authorization" not in headers and "model" not in body


def test_invented_quote_is_dropped_and_reported(standin: StandIn, gazetteer: Gazetteer) -> None:
    answer = dict(GOOD, events=[*GOOD["events"], _event("Assurance", "Putin promised Iran new air defences.",
                                                        agents=["Vladimir Putin"], recipients=["Iran"])])
    standin.answer(answer)
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    assert "Assurance" not in {f.get("type") for f in draft.facts["facts"]}
    assert len(draft.facts["facts"]) == 5
    [reason] = draft.dropped
    assert "Assurance" in reason and "quote is not in the text" in reason


def test_invented_name_is_dropped_and_reported(standin: StandIn, gazetteer: Gazetteer) -> None:
    answer = dict(GOOD, entities=[*ENTITIES, {"label": "Jacques Dupont", "kind": "person"}],
                  events=[*GOOD["events"], _event("Statement", QUOTE_APPEAL, agents=["Jacques Dupont"])])
    standin.answer(answer)
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    assert "Statement" not in {f.get("type") for f in draft.facts["facts"]}
    assert "person/jacques-dupont" not in {e["key"] for e in draft.facts["entities"]}
    assert any("'Jacques Dupont' is not named in the text" in r for r in draft.dropped)
    assert any(r.startswith("fact 'statement-jacques-dupont'") for r in draft.dropped)


def test_unknown_type_and_unlisted_name_are_dropped(standin: StandIn, gazetteer: Gazetteer) -> None:
    answer = dict(GOOD, events=[_event("Picnic", QUOTE_MEETING, agents=["Vladimir Putin"]),
                                _event("Meeting", QUOTE_MEETING, participants=["the envoy"])])
    standin.answer(answer)
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    assert [f["kind"] for f in draft.facts["facts"]] == ["tenure"]
    assert any("'Picnic' is not an event class" in r for r in draft.dropped)
    assert any("'the envoy' is not among the answer's entities" in r for r in draft.dropped)


def test_relative_date_without_publication_date_is_left_out(standin: StandIn, gazetteer: Gazetteer) -> None:
    article = ArticleText(TEXT, "llm-test", source_name="llm-test.txt")
    draft = extract(article, gazetteer, engine="llm", settings=_settings(standin))
    visit = next(f for f in draft.facts["facts"] if f.get("type") == "Visit")
    assert "date" not in visit
    assert any("date 'Monday' left out" in r for r in draft.dropped)
    # Nothing is invented about the article: no date, no publisher.
    assert set(draft.facts["article"]) == {"id", "title", "extracted_by"}


@pytest.mark.parametrize(
    "content", ['{"entities": [', "Sure! Here are the facts.", "[1, 2]"], ids=["cut", "prose", "array"]
)
def test_malformed_answer_is_an_extraction_error(standin: StandIn, gazetteer: Gazetteer, content: str) -> None:
    standin.answer(content)
    with pytest.raises(ExtractionError, match=f"llm-test.txt: the LLM endpoint {standin.url}/v1/chat/completions"):
        extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))


def test_http_500_is_an_extraction_error(standin: StandIn, gazetteer: Gazetteer) -> None:
    standin.status = 500
    with pytest.raises(ExtractionError, match=r"v1/chat/completions answered HTTP 500 .*model crashed"):
        extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))


def test_slow_endpoint_times_out(standin: StandIn, gazetteer: Gazetteer) -> None:
    standin.delay = 1.0
    with pytest.raises(ExtractionError, match="did not answer within 0.2 s; raise NEWSGRAPH_LLM_TIMEOUT"):
        extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin, llm_timeout=0.2))


def test_unreachable_endpoint_names_it(gazetteer: Gazetteer) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    settings = Settings(store=":memory:", llm_url=f"http://user:pw@127.0.0.1:{port}/v1", llm_timeout=2.0)
    with pytest.raises(ExtractionError, match=f"http://127.0.0.1:{port}/v1/chat/completions cannot be reached") as err:
        extract(ARTICLE, gazetteer, engine="llm", settings=settings)
    assert "pw" not in str(err.value)


def test_no_url_says_which_setting(gazetteer: Gazetteer) -> None:
    with pytest.raises(ExtractionError, match="set NEWSGRAPH_LLM_URL"):
        extract(ARTICLE, gazetteer, engine="llm", settings=Settings(store=":memory:"))


def test_llm_settings_come_from_the_environment() -> None:
    settings = Settings.from_env({"NEWSGRAPH_LLM_URL": "http://127.0.0.1:11434/v1", "NEWSGRAPH_LLM_TIMEOUT": "9"})
    assert settings.llm_url == "http://127.0.0.1:11434/v1" and settings.llm_timeout == 9.0


@pytest.mark.parametrize(
    ("configured", "posted"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1/chat/completions"),
        ("https://llm.example/api/chat/completions", "https://llm.example/api/chat/completions"),
    ],
)
def test_endpoint_url(configured: str, posted: str) -> None:
    assert endpoint_url(configured) == posted


# --- kg.extract.verify, which any engine's drafts go through


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        (QUOTE_VISIT, "Abbas Araghchi, Iran&#8217;s foreign minister, arrived in Moscow on Monday."),
        ("Abbas Araghchi, Iran's foreign minister", "Abbas Araghchi, Iran&#8217;s foreign minister"),
        ("  Moscow on Monday. He met  ", "Moscow on Monday.\nHe met"),
        ("leader condemned the strikes", "leader  condemned the strikes"),
        ("Ren&#233;e Laurent, a mediator", "Ren&#233;e Laurent, a mediator"),
        ("Renée Laurent, a mediator", "Ren&#233;e Laurent, a mediator"),
        ("Putin promised Iran new air defences", None),
        ("he met vladimir putin", None),  # quotes are exact but for spacing and entities
        ("Moscow", None),  # too short to locate a fact
    ],
)
def test_quotes_are_found_in_the_original(quote: str, found: str | None) -> None:
    span = TextIndex(TEXT).find(quote)
    assert (TEXT[span[0]:span[1]] if span else None) == found


@pytest.mark.parametrize(
    ("name", "named"),
    [("Renée Laurent", True), ("Rene Laurent", False), ("Laurent", True), ("iran", True),
     ("the Kremlin", True), ("Ran", False), ("Jacques Dupont", False)],
)
def test_names_are_found_as_whole_words(name: str, named: bool) -> None:
    assert TextIndex(TEXT).mentions(name) is named


def test_verify_drops_what_the_text_does_not_support(gazetteer: Gazetteer) -> None:
    draft = {
        "article": {"id": "x"},
        "entities": [{"key": "person/renee-laurent", "type": "Person", "label": "Renée Laurent"},
                     {"key": "person/jo-bloggs", "type": "Person", "label": "Jo Bloggs"},
                     {"key": "state/iran", "type": "State", "label": "Iran", "known": True},
                     {"key": "state/atlantis", "type": "State", "label": "Atlantis", "known": True}],
        "facts": [
            {"key": "ok", "type": "Appeal", "label": "x", "agent": ["person/renee-laurent", "Iran"],
             "evidence": [{"start": 0, "end": 10}]},
            {"key": "known-but-unnamed", "type": "Statement", "label": "x", "agent": ["France"],
             "evidence": [{"start": 0, "end": 10}]},
            {"key": "bloggs", "type": "Statement", "label": "x", "agent": ["person/jo-bloggs"],
             "evidence": [{"start": 0, "end": 10}]},
            {"key": "ghost", "type": "Statement", "label": "x", "agent": ["Mary Major"],
             "evidence": [{"start": 0, "end": 10}]},
            {"key": "no-evidence", "type": "Statement", "label": "x", "agent": ["Iran"]},
            {"key": "past-the-end", "type": "Statement", "label": "x", "agent": ["Iran"],
             "evidence": [{"start": 0, "end": len(TEXT) + 1}]},
        ],
    }
    kept, dropped = verify_facts(draft, TEXT, gazetteer)
    # A gazetteer name passes even when the text does not use it: the rule is "named or known".
    assert [f["key"] for f in kept["facts"]] == ["ok", "known-but-unnamed"]
    assert [e["key"] for e in kept["entities"]] == ["person/renee-laurent", "state/iran"]
    assert dropped == [
        "entity 'person/jo-bloggs': 'Jo Bloggs' is not named in the text",
        "entity 'state/atlantis': it is listed as known, but neither the gazetteer nor the graph has it",
        "fact 'bloggs': 'person/jo-bloggs' refers to person/jo-bloggs, which the text does not name",
        "fact 'ghost': 'Mary Major' is neither named in the text nor known to the gazetteer",
        "fact 'no-evidence': it has no evidence in the text",
        f"fact 'past-the-end': evidence {{'start': 0, 'end': {len(TEXT) + 1}}} is not a span of the text (0-{len(TEXT)})",
    ]


def test_graph_entities_and_short_forms_resolve(standin: StandIn, gazetteer: Gazetteer) -> None:
    appeal = _event("Appeal", QUOTE_APPEAL, agents=["Ms Laurent"])
    standin.answer(dict(GOOD, events=[appeal]))
    # First reading: the short form is the one person of the answer whose name ends so.
    draft = extract(ARTICLE, gazetteer, engine="llm", settings=_settings(standin))
    assert _facts(draft)["appeal-renee-laurent"]["agent"] == ["person/renee-laurent"]
    # Once she is in the graph, she is known and no longer declared.
    known = [Entity(kind="person", slug="renee-laurent", type=str(NG.Person), label="Renée Laurent")]
    draft = extract(ARTICLE, gazetteer, engine="llm", known=known, settings=_settings(standin))
    [laurent] = [e for e in draft.facts["entities"] if e["key"] == "person/renee-laurent"]
    assert laurent["known"] is True
    assert _facts(draft)["appeal-renee-laurent"]["agent"] == ["person/renee-laurent"]
