"""The rule engine on texts written for these tests, and on the seed article (read from ../shared)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kg.extract import ArticleText, extract
from kg.model.facts import ArticleFacts
from kg.model.gazetteer import Gazetteer

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article-001.txt"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.bundled()


def _facts(text: str, gazetteer: Gazetteer, **kwargs: Any) -> list[dict[str, Any]]:
    return extract(ArticleText(text, "test-article", **kwargs), gazetteer).facts["facts"]


def _events(facts: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [f for f in facts if f.get("type") == kind and f.get("kind", "event") == "event"]


def test_the_speaker_of_a_quote_is_the_agent(gazetteer) -> None:
    facts = _facts('Vladimir Putin spoke first. "We will not give in," said Mr Straw, who met him.', gazetteer)
    (statement,) = _events(facts, "Statement")
    assert statement["agent"][0] == "person/straw"


def test_a_passive_is_turned_round(gazetteer) -> None:
    facts = _facts("The strike on the port was condemned by Israel on Tuesday.", gazetteer)
    (condemnation,) = _events(facts, "Condemnation")
    assert condemnation["agent"] == ["state/israel"]


def test_a_pronoun_refers_back_to_the_last_person(gazetteer) -> None:
    facts = _facts("Foreign Secretary Jack Straw landed late. He later flew to Moscow.", gazetteer)
    (visit,) = _events(facts, "Visit")
    assert visit["agent"][0] == "person/jack-straw"
    assert visit["location"] == "place/moscow"


def test_several_events_in_one_sentence_are_several_facts(gazetteer) -> None:
    facts = _facts("The Kremlin condemned the raid and Russia signed a trade deal with Iran.", gazetteer)
    assert _events(facts, "Condemnation")[0]["agent"] == ["state/russia"]  # the Kremlin stands for Russia
    signing = _events(facts, "AgreementSigning")[0]
    assert {"state/russia", "state/iran"} <= set(signing["agent"] + signing.get("participant", []))
    (agreement,) = [f for f in facts if f.get("kind") == "agreement"]
    assert set(agreement["parties"]) == {"state/russia", "state/iran"}


def test_metonyms_and_demonyms_name_their_state(gazetteer) -> None:
    facts = _facts("Tehran accused Washington of lying. Iranian officials threatened the United States.",
                   gazetteer)
    (accusation,) = _events(facts, "Accusation")
    assert accusation["agent"] == ["state/iran"]
    assert accusation["target"] == ["state/united-states"]


def test_tenures_from_titles_before_and_after_the_name(gazetteer) -> None:
    facts = _facts("Iran's President Mohammad Khatami arrived. Mr Putin, the Russian president, waited. "
                   "The former prime minister Ehud Barak of Israel stayed away.", gazetteer)
    tenures = {(f["person"], f["office"], f.get("former", False)) for f in facts if f.get("kind") == "tenure"}
    assert ("person/mohammad-khatami", "office/president-of-iran", False) in tenures
    assert ("person/vladimir-putin", "office/president-of-russia", False) in tenures


def test_a_title_may_stand_before_the_name_with_a_comma_and_ministries_are_named_in_full(gazetteer) -> None:
    facts = _facts("Brazil's new president, Ana Souza, arrived. India's finance minister Ravi Kumar "
                   "waited, and Mira Das, an IMF director, spoke.", gazetteer)
    tenures = {(f["person"], f["office"]) for f in facts if f.get("kind") == "tenure"}
    assert ("person/ana-souza", "office/president-of-brazil") in tenures
    assert ("person/ravi-kumar", "office/minister-of-finance-of-india") in tenures
    assert any(person == "person/mira-das" and "director" in office for person, office in tenures)


def test_relative_dates_need_the_publication_date(gazetteer) -> None:
    text = "Jack Straw met Mohammad Khatami on Monday."
    (undated,) = _events(_facts(text, gazetteer), "Meeting")
    assert "date" not in undated
    (dated,) = _events(_facts(text, gazetteer, published=dt.date(2025, 6, 25)), "Meeting")
    assert dated["date"] == "2025-06-23"  # the Monday before Wednesday 25 June


def test_offsets_index_the_text_as_given(gazetteer) -> None:
    text = "Caf&#233; owners protested. Jos&#233; Bov&#233; met Jacques Chirac in Paris."
    facts = _facts(text, gazetteer)
    (meeting,) = _events(facts, "Meeting")
    span = meeting["evidence"][0]
    assert text[span["start"]:span["end"]] == "Jos&#233; Bov&#233; met Jacques Chirac in Paris."


def test_a_draft_is_a_valid_facts_file(gazetteer) -> None:
    draft = extract(ArticleText(SEED.read_text(encoding="utf-8"), "article-001"), gazetteer).facts
    draft["article"].setdefault("publisher", "source/newsroom")
    draft["article"].setdefault("published", "2025-06-23")
    parsed = ArticleFacts.model_validate(draft)
    kinds = {type(f).__name__ for f in parsed.facts}
    assert {"TenureFact", "EventFact"} <= kinds
    keys = {e.key for e in parsed.entities}
    assert "person/vladimir-putin" in keys and "state/iran" in keys
    known = {e["key"] for e in draft["entities"] if e.get("known")}
    assert "state/russia" in known


def test_the_seed_article_gives_its_main_facts(gazetteer) -> None:
    facts = extract(ArticleText(SEED.read_text(encoding="utf-8"), "article-001"), gazetteer).facts["facts"]
    tenures = {(f["person"], f["office"]) for f in facts if f.get("kind") == "tenure"}
    assert ("person/vladimir-putin", "office/president-of-russia") in tenures
    strikes = _events(facts, "Airstrike")
    assert any(f["agent"] == ["state/united-states"] and "state/iran" in f.get("target", []) for f in strikes)
    meetings = _events(facts, "Meeting")
    assert any("person/abbas-araghchi" in f["agent"] + f.get("participant", []) for f in meetings)



def test_a_draft_declares_every_entity_its_facts_and_offices_name(gazetteer) -> None:
    draft = extract(ArticleText("Shares rose as Petrobras chairman Jose Lima said Petrobras would grow.", "t"), gazetteer).facts
    declared = {e["key"] for e in draft["entities"]}
    named = {f[role] for f in draft["facts"] for role in ("person", "office") if role in f}
    named |= {e["office_of"] for e in draft["entities"] if e.get("office_of")}
    assert named and named <= declared
    assert "organization/petrobras" in declared
