"""kg.ingest.facts_quads.article_quads: one article's facts -> its graph, inferred types, provenance."""

from __future__ import annotations

import datetime as dt

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import FactsError
from kg.ingest.facts_quads import ArticleQuads, article_quads
from kg.ingest.sources.facts_yaml import parse_facts
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.model.vocab import NG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD, as_node

IRIS = Iris("https://example.org/kg/")
INGESTED = dt.datetime(2025, 6, 24, 8, 30, tzinfo=dt.UTC)
# Our own words: one declared person meets a gazetteer person; 2025-06-23 was a Monday.
FACTS = """
article: {id: unit-1, title: A unit test article, publisher: Reuters, published: 2025-06-23,
          url: "https://example.org/news/unit-1"}
entities:
  - {key: person/jane-roe, type: Person, label: Jane Roe, aliases: [J. Roe], wikidata: Q4115189}
facts:
  - key: talks
    type: Meeting
    label: Jane Roe meets Vladimir Putin
    date: Monday
    participant: [J. Roe, Vladimir Putin]
    confidence: 0.8
    evidence: [{start: 0, end: 12}]
"""
ARTICLE = as_node(IRIS.article("unit-1"))
GRAPH = as_node(IRIS.article_graph("unit-1"))
INFERRED = as_node(IRIS.inferred_graph(GRAPH.value))
META = as_node(IRIS.meta_graph)
EVENT = as_node(IRIS.event("unit-1", "talks"))
ROLE_NODES = {as_node(r) for r in (NG.agent, NG.recipient, NG.target, NG.participant, NG.mediator, NG.carrier)}
JANE = as_node(IRIS.entity("person", "jane-roe"))
PUTIN = as_node(IRIS.entity("person", "vladimir-putin"))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.bundled()


def quads_of(text: str, gazetteer: Gazetteer, name: str = "unit-1.yaml") -> ArticleQuads:
    return article_quads(parse_facts(text, name), iris=IRIS, resolve=gazetteer.resolve,
                         source_name=name, ingested_at=INGESTED)


@pytest.fixture(scope="module")
def mapped(gazetteer: Gazetteer) -> ArticleQuads:
    return quads_of(FACTS, gazetteer)


def triples(quads: list[Quad]) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def test_one_graph_per_article_and_one_for_its_inferred_types(mapped: ArticleQuads) -> None:
    assert set(mapped.graphs) == {GRAPH.value, INFERRED.value}
    for graph, quads in mapped.graphs.items():
        assert quads and {q.graph_name.value for q in quads} == {graph}
    assert {q.graph_name for q in mapped.meta} == {META}
    assert (mapped.article_id, mapped.fact_count) == ("unit-1", 1)
    assert mapped.triple_count == sum(len(q) for q in mapped.graphs.values()) + len(mapped.meta)


def test_the_event_with_its_type_date_roles_and_evidence(mapped: ArticleQuads) -> None:
    facts = triples(mapped.graphs[GRAPH.value])
    assert (EVENT, RDF.type, as_node(NG.Meeting)) in facts
    assert (EVENT, RDFS.label, Literal("Jane Roe meets Vladimir Putin", language="en")) in facts
    # "Monday" is read against the publication date, at a day's precision.
    assert (EVENT, as_node(NG.date), Literal("2025-06-23", datatype=XSD.date)) in facts
    assert (EVENT, as_node(NG.datePrecision), Literal("day")) in facts
    # An alias of the article's own entity and a gazetteer name both resolve.
    assert {o for s, p, o in facts if s == EVENT and p == as_node(NG.participant)} == {JANE, PUTIN}
    assert (EVENT, as_node(NG.confidence), Literal("0.8", datatype=XSD.decimal)) in facts
    assert (EVENT, as_node(NG.factKey), Literal("talks")) in facts
    evidence = NamedNode(f"{ARTICLE.value}#talks-evidence-1")
    assert (EVENT, as_node(NG.evidence), evidence) in facts
    assert (evidence, as_node(NG.startOffset), Literal("0", datatype=XSD.integer)) in facts
    assert (evidence, as_node(NG.endOffset), Literal("12", datatype=XSD.integer)) in facts
    assert (evidence, as_node(NG.inArticle), ARTICLE) in facts


def test_a_declared_entity_gets_its_type_names_and_wikidata_link(mapped: ArticleQuads) -> None:
    facts = triples(mapped.graphs[GRAPH.value])
    assert (JANE, RDF.type, as_node(NG.Person)) in facts
    assert (JANE, RDFS.label, Literal("Jane Roe", language="en")) in facts
    assert (JANE, SKOS.altLabel, Literal("J. Roe", language="en")) in facts
    assert (JANE, OWL.sameAs, WD["Q4115189"]) in facts
    assert (JANE, as_node(NG.wikidataId), Literal("Q4115189")) in facts
    # A gazetteer entity is only referred to: the article does not describe it again.
    assert not [t for t in facts if t[0] == PUTIN]


def test_inferred_types_are_the_superclasses_and_only_those(mapped: ArticleQuads) -> None:
    inferred = triples(mapped.graphs[INFERRED.value])
    types_of_event = {o for s, p, o in inferred if s == EVENT}
    assert {as_node(NG.DiplomaticEvent), as_node(NG.Event)} <= types_of_event
    assert as_node(NG.Meeting) not in types_of_event  # asserted in the article graph already
    # Besides types, only the generic role: ng:involves next to each role statement.
    assert {p for _, p, _ in inferred} == {RDF.type, as_node(NG.involves)}
    roles = {(s, o) for s, p, o in triples(mapped.graphs[GRAPH.value]) if p in ROLE_NODES}
    assert {(s, o) for s, p, o in inferred if p == as_node(NG.involves)} == roles


def test_provenance_in_the_meta_graph(mapped: ArticleQuads) -> None:
    meta = triples(mapped.meta)
    reuters = as_node(IRIS.entity("organization", "reuters"))
    activity = as_node(IRIS.ingestion_activity_prefix + "unit-1")
    when = Literal("2025-06-24T08:30:00+00:00", datatype=XSD.dateTime)
    expected = {
        (ARTICLE, RDF.type, as_node(NG.Article)),
        (ARTICLE, SCHEMA.headline, Literal("A unit test article", language="en")),
        (ARTICLE, SCHEMA.datePublished, Literal("2025-06-23", datatype=XSD.date)),
        (ARTICLE, SCHEMA.publisher, reuters),
        (ARTICLE, SCHEMA.url, NamedNode("https://example.org/news/unit-1")),
        (GRAPH, RDF.type, PROV.Entity),
        (GRAPH, PROV.wasDerivedFrom, ARTICLE),
        (GRAPH, PROV.wasGeneratedBy, activity),
        (GRAPH, PROV.generatedAtTime, when),
        (GRAPH, PROV.wasAttributedTo, reuters),
        (INFERRED, as_node(NG.inferredFrom), GRAPH),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.used, ARTICLE),
        (activity, RDFS.label, Literal("ingestion of unit-1.yaml")),
    }
    assert expected <= meta, expected - meta
    # What a re-ingestion must clear first: at least the article, its graphs and the activity.
    assert {ARTICLE.value, GRAPH.value, INFERRED.value, activity.value} <= set(mapped.meta_subjects)
    assert {q.subject.value for q in mapped.meta} <= set(mapped.meta_subjects)  # nothing left behind


def test_a_failing_fact_raises_one_error_naming_every_problem(gazetteer: Gazetteer) -> None:
    bad = FACTS + """
  - key: broken
    type: Meting
    label: A fact with three mistakes
    date: someday
    participant: [Nobody At All]
"""
    with pytest.raises(FactsError) as caught:
        quads_of(bad, gazetteer, "bad.yaml")
    error = caught.value
    assert error.path == "bad.yaml" and str(error).startswith("bad.yaml: 3 problem(s)")
    assert all(p.startswith("fact 2 (key 'broken'), field ") for p in error.problems), error.problems
    fields = sorted(p.split("field ", 1)[1].split(":", 1)[0] for p in error.problems)
    assert fields == ["'date'", "'participant'", "'type'"]
    assert any("Meting" in p for p in error.problems)
    assert any("Nobody At All" in p for p in error.problems)


def test_a_role_filled_by_the_wrong_kind_of_entity_is_refused(gazetteer: Gazetteer) -> None:
    wrong = FACTS.replace("participant: [J. Roe, Vladimir Putin]", "participant: [J. Roe]\n    carrier: [Iran]")
    with pytest.raises(FactsError) as caught:
        quads_of(wrong, gazetteer)
    (problem,) = caught.value.problems
    assert "field 'carrier'" in problem and "'Iran' is a state" in problem and "person" in problem
