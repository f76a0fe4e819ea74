"""Every fact of the seed article is queryable by SPARQL with the expected values."""

from __future__ import annotations

from kg.model.vocab import sparql_prefixes
from kg.store import Store

BASE = "https://w3id.org/newsgraph/"


def rows(store: Store, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in r.items()} for r in store.select(sparql_prefixes() + query)]


def values(store: Store, query: str, var: str) -> set[str]:
    return {r[var] for r in rows(store, query)}


def test_states_that_called_for_a_ceasefire(seeded: Store) -> None:
    found = values(
        seeded, "SELECT ?label { ?e a ng:CeasefireCall ; ng:agent ?s . ?s rdfs:label ?label }", "label"
    )
    assert found == {"Russia", "China", "Pakistan"}


def test_who_carried_the_letter_and_to_whom(seeded: Store) -> None:
    [row] = rows(
        seeded,
        """SELECT ?from ?to ?carrier ?date {
             ?e a ng:Letter ; ng:agent/rdfs:label ?from ; ng:recipient/rdfs:label ?to ;
                ng:carrier/rdfs:label ?carrier ; ng:date ?date }""",
    )
    assert row == {
        "from": "Ali Khamenei",
        "to": "Vladimir Putin",
        "carrier": "Abbas Araghchi",
        "date": "2025-06-23",
    }


def test_struck_sites_are_nuclear_facilities_in_iran(seeded: Store) -> None:
    sites = values(
        seeded,
        """SELECT ?site { ?e a ng:Airstrike ; ng:agent ?us ; ng:target ?f .
             ?us ng:iso3166Alpha2 "US" . ?f a ng:NuclearFacility ; ng:locatedIn/ng:iso3166Alpha2 "IR" .
             ?f rdfs:label ?site }""",
        "site",
    )
    assert len(sites) == 3
    assert {s.split()[0] for s in sites} == {"Fordow", "Natanz", "Isfahan"}


def test_the_strikes_are_dated_the_day_before_the_visit(seeded: Store) -> None:
    [row] = rows(seeded, "SELECT ?d ?p { ?e a ng:Airstrike ; ng:date ?d ; ng:datePrecision ?p }")
    assert row == {"d": "2025-06-22", "p": "day"}


def test_agreement_binding_iran_and_russia(seeded: Store) -> None:
    [row] = rows(
        seeded,
        """SELECT ?label ?signed ?term {
             ?a a ng:Agreement ; rdfs:label ?label ; ng:party ?ir, ?ru ; ng:signingDate ?signed ; ng:term ?term .
             ?ir ng:iso3166Alpha2 "IR" . ?ru ng:iso3166Alpha2 "RU" }""",
    )
    assert row["signed"] == "2025-01-17"
    assert row["term"] == "P20Y"
    assert "Strategic Partnership" in row["label"]


def test_who_holds_which_office(seeded: Store) -> None:
    found = {
        (r["person"], r["office"])
        for r in rows(
            seeded,
            """SELECT ?person ?office { ?t a ng:Tenure ; ng:holder/rdfs:label ?person ;
                 ng:office/rdfs:label ?office }""",
        )
    }
    assert ("Vladimir Putin", "President of Russia") in found
    assert ("Ali Khamenei", "Supreme Leader of Iran") in found
    assert len(found) == 4


def test_heads_of_state_through_office_classes(seeded: Store) -> None:
    found = values(
        seeded,
        """SELECT ?state { ?t ng:holder/rdfs:label "Vladimir Putin"@en ; ng:office ?o .
             ?o a ng:HeadOfStateOffice ; ng:officeOf/rdfs:label ?state }""",
        "state",
    )
    assert found == {"Russia"}


def test_subclass_queries_need_no_property_paths(seeded: Store) -> None:
    diplomatic = values(seeded, "SELECT ?e { ?e a ng:DiplomaticEvent }", "e")
    assert BASE + "id/event/article-001-putin-araghchi-meeting" in diplomatic
    assert BASE + "id/event/article-001-un-ceasefire-call" in diplomatic  # a Statement subclass
    events = values(seeded, "SELECT ?e { ?e a ng:Event }", "e")
    assert diplomatic < events
    assert BASE + "id/event/article-001-us-strikes" in events


def test_inferred_types_are_kept_apart_from_asserted_ones(seeded: Store) -> None:
    asserted = values(
        seeded,
        f"SELECT ?t {{ GRAPH <{BASE}graph/article/article-001> {{ <{BASE}id/event/article-001-putin-araghchi-meeting> a ?t }} }}",
        "t",
    )
    inferred = values(
        seeded,
        f"SELECT ?t {{ GRAPH <{BASE}graph/article/article-001/inferred> {{ <{BASE}id/event/article-001-putin-araghchi-meeting> a ?t }} }}",
        "t",
    )
    assert asserted == {"https://w3id.org/newsgraph/ontology#Meeting"}
    assert "https://w3id.org/newsgraph/ontology#DiplomaticEvent" in inferred
    assert "https://w3id.org/newsgraph/ontology#Meeting" not in inferred


def test_provenance_names_the_article_of_a_meeting(seeded: Store) -> None:
    [row] = rows(
        seeded,
        """SELECT ?article ?headline ?published ?wire {
             GRAPH ?g { ?m a ng:Meeting }
             ?g prov:wasDerivedFrom ?article .
             ?article schema:headline ?headline ; schema:datePublished ?published ; ng:wireService/rdfs:label ?wire }""",
    )
    assert row["article"] == BASE + "id/article/article-001"
    assert row["published"] == "2025-06-23"
    assert row["wire"] == "Reuters"


def test_attribution_of_a_reported_claim(seeded: Store) -> None:
    [row] = rows(
        seeded,
        """SELECT ?note ?via { ?e ng:sourceNote ?note ; ng:reportedBy/rdfs:label ?via ; a ng:Appeal .
             FILTER NOT EXISTS { ?e a ng:Letter } }""",
    )
    assert row["via"] == "Reuters"
    assert "unnamed" in row["note"]


def test_evidence_spans_point_into_the_seed_article(seeded: Store, seed_text: str) -> None:
    spans = rows(
        seeded,
        """SELECT ?key ?start ?end { ?f ng:factKey ?key ; ng:evidence ?ev .
             ?ev ng:startOffset ?start ; ng:endOffset ?end }""",
    )
    assert spans
    for span in spans:
        start, end = int(span["start"]), int(span["end"])
        assert 0 <= start < end <= len(seed_text), span
    letter = [s for s in spans if s["key"] == "khamenei-letter"]
    assert any("letter" in seed_text[int(s["start"]) : int(s["end"])] for s in letter)


def test_every_seed_fact_carries_its_article_graph(seeded: Store) -> None:
    keys = values(
        seeded, f"SELECT ?k {{ GRAPH <{BASE}graph/article/article-001> {{ ?f ng:factKey ?k }} }}", "k"
    )
    assert {
        "khamenei-letter",
        "araghchi-visit",
        "us-strikes",
        "kremlin-condemns-israel",
        "kremlin-mediation-offer",
        "un-ceasefire-call",
        "nebenzia-remarks",
        "bushehr-assurance",
        "war-in-ukraine",
        "strategic-partnership",
        "iran-russia-alliance",
    } <= keys


def test_nebenzia_recalls_the_2003_invasion_of_iraq(seeded: Store) -> None:
    [row] = rows(
        seeded,
        """SELECT ?qid { ?e ng:agent/rdfs:label "Vassily Nebenzia"@en ; ng:about ?inv .
             ?inv a ng:Invasion ; ng:wikidataId ?qid }""",
    )
    assert row["qid"] == "Q107802"


def test_alliance_is_symmetric(seeded: Store) -> None:
    assert seeded.ask(
        sparql_prefixes()
        + """ASK { ?ir ng:iso3166Alpha2 "IR" ; ng:alliedWith ?ru . ?ru ng:iso3166Alpha2 "RU" ; ng:alliedWith ?ir }"""
    )
