"""The SHACL shapes accept well-formed data and name the problem in malformed data."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef

from kg.publish.validate import validate

PREFIXES = """
@prefix ng: <https://w3id.org/newsgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <http://schema.org/> .
@prefix x: <https://w3id.org/newsgraph/id/> .
"""

# Entities the facts refer to, as the reference graph (with its /inferred types) has them.
REFERENCE = """
x:person-araghchi a ng:Person , ng:Agent ; rdfs:label "Abbas Araghchi"@en .
x:office-fm a ng:Office ; rdfs:label "Foreign Minister of Iran"@en ; ng:officeOf x:state-iran .
x:state-iran a ng:State , ng:Agent ; rdfs:label "Iran"@en .
x:state-russia a ng:State , ng:Agent ; rdfs:label "Russia"@en .
x:source-reuters a ng:NewsSource , ng:Organization , ng:Agent ; rdfs:label "Reuters"@en .
"""

GOOD_EVENT = """
x:event-a1-meeting a ng:Meeting , ng:DiplomaticEvent , ng:Event ;
    rdfs:label "Araghchi meets Putin in Moscow"@en ;
    ng:date "2025-06-23"^^xsd:date ; ng:datePrecision "day" ;
    ng:participant x:state-iran , x:state-russia ;
    ng:confidence 0.9 ; ng:cameoCode "040" ;
    ng:evidence x:span-1 .
x:span-1 a ng:EvidenceSpan ; ng:startOffset 120 ; ng:endOffset 180 ; ng:inArticle x:article-a1 .
"""

GOOD_SPAN_EVENT = """
x:event-war a ng:ArmedConflict , ng:MilitaryEvent , ng:Event ;
    rdfs:label "War in Ukraine"@en ;
    ng:startDate "2022-02-24"^^xsd:date ; ng:datePrecision "day" .
"""

GOOD_TENURE = """
x:tenure-fm a ng:Tenure ; ng:holder x:person-araghchi ; ng:office x:office-fm ;
    ng:startDate "2024-08"^^xsd:gYearMonth .
"""

GOOD_AGREEMENT = """
x:agreement-iran-russia a ng:StrategicPartnership , ng:Agreement ;
    rdfs:label "Iran-Russia strategic partnership treaty"@en ;
    ng:party x:state-iran , x:state-russia ;
    ng:signingDate "2025-01-17"^^xsd:date ; ng:term "P20Y"^^xsd:duration .
"""

GOOD_ARTICLE = """
x:article-a1 a ng:Article ;
    schema:headline "Iran appeals to Russia for support"@en ;
    schema:datePublished "2025-06-23"^^xsd:date ;
    schema:publisher x:source-newsroom ;
    ng:wireService x:source-reuters .
"""

GOOD = [GOOD_EVENT, GOOD_SPAN_EVENT, GOOD_TENURE, GOOD_AGREEMENT, GOOD_ARTICLE]


def graph_of(*turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + REFERENCE + "".join(turtle), format="turtle")


@pytest.mark.parametrize("turtle", GOOD, ids=["event", "span-event", "tenure", "agreement", "article"])
def test_well_formed_data_conforms(turtle: str) -> None:
    report = validate(graph_of(turtle))
    assert report.conforms, report.text
    assert report.results == []


def test_a_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    # The tenure's holder and office are typed in another graph, as in the store.
    data = Dataset()
    data.graph(URIRef("https://w3id.org/newsgraph/graph/reference")).parse(
        data=PREFIXES + REFERENCE, format="turtle"
    )
    data.graph(URIRef("https://w3id.org/newsgraph/graph/article/a1")).parse(
        data=PREFIXES + GOOD_TENURE, format="turtle"
    )
    report = validate(data)
    assert report.conforms, report.text


BAD = [
    (
        "event without a date",
        GOOD_EVENT.replace('ng:date "2025-06-23"^^xsd:date ; ng:datePrecision "day" ;', ""),
        "x:event-a1-meeting",
        None,
        "has no date",
    ),
    (
        "confidence above 1",
        GOOD_EVENT.replace("ng:confidence 0.9", "ng:confidence 1.5"),
        "x:event-a1-meeting",
        "ng:confidence",
        "between 0 and 1",
    ),
    (
        "evidence span that ends before it starts",
        GOOD_EVENT.replace("ng:endOffset 180", "ng:endOffset 100"),
        "x:span-1",
        None,
        "ng:endOffset must be greater than ng:startOffset",
    ),
    (
        "negative offset",
        GOOD_EVENT.replace("ng:startOffset 120", "ng:startOffset -3"),
        "x:span-1",
        "ng:startOffset",
        "0 or more",
    ),
    (
        "date typed as a plain string",
        GOOD_EVENT.replace('"2025-06-23"^^xsd:date', '"2025-06-23"'),
        "x:event-a1-meeting",
        "ng:date",
        "xsd:gYearMonth",
    ),
    (
        "precision that does not fit the date",
        GOOD_EVENT.replace('ng:datePrecision "day"', 'ng:datePrecision "year"'),
        "x:event-a1-meeting",
        None,
        "does not match the date",
    ),
    (
        "unknown precision",
        GOOD_SPAN_EVENT.replace('ng:datePrecision "day"', 'ng:datePrecision "week"'),
        "x:event-war",
        "ng:datePrecision",
        '"day", "month" or "year"',
    ),
    (
        "event with two labels",
        GOOD_SPAN_EVENT.replace('rdfs:label "War in Ukraine"@en', 'rdfs:label "War"@en, "Krieg"@de'),
        "x:event-war",
        "rdfs:label",
        "exactly one rdfs:label",
    ),
    (
        "tenure without a holder",
        GOOD_TENURE.replace("ng:holder x:person-araghchi ;", ""),
        "x:tenure-fm",
        "ng:holder",
        "exactly one ng:holder",
    ),
    (
        "tenure held by a state",
        GOOD_TENURE.replace("ng:holder x:person-araghchi", "ng:holder x:state-iran"),
        "x:tenure-fm",
        "ng:holder",
        "must be an ng:Person",
    ),
    (
        "tenure without a start date",
        GOOD_TENURE.replace('ng:startDate "2024-08"^^xsd:gYearMonth', ""),
        "x:tenure-fm",
        None,  # a node-level constraint: a start, or ng:notStated ng:startDate
        "ng:startDate",
    ),
    (
        "agreement with one party",
        GOOD_AGREEMENT.replace("ng:party x:state-iran , x:state-russia", "ng:party x:state-iran"),
        "x:agreement-iran-russia",
        "ng:party",
        "at least two ng:party",
    ),
    (
        "agreement signed in a month",
        GOOD_AGREEMENT.replace('"2025-01-17"^^xsd:date', '"2025-01"^^xsd:gYearMonth'),
        "x:agreement-iran-russia",
        "ng:signingDate",
        "typed xsd:date",
    ),
    (
        "article without a headline",
        GOOD_ARTICLE.replace('schema:headline "Iran appeals to Russia for support"@en ;', ""),
        "x:article-a1",
        "schema:headline",
        "schema:headline",
    ),
    (
        "article without a publisher",
        GOOD_ARTICLE.replace("schema:publisher x:source-newsroom ;", ""),
        "x:article-a1",
        None,  # a node-level constraint: a publisher, or ng:notStated schema:publisher
        "schema:publisher",
    ),
]


@pytest.mark.parametrize(
    ("turtle", "focus", "path", "message"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_malformed_data_fails_with_a_message_naming_the_problem(
    turtle: str, focus: str, path: str | None, message: str
) -> None:
    report = validate(graph_of(turtle))
    assert not report.conforms
    focus_iri = "<https://w3id.org/newsgraph/id/" + focus.removeprefix("x:") + ">"
    matching = [
        r for r in report.results
        if r.focus_node == focus_iri and (path is None or r.path == path) and message in r.message
    ]
    assert matching, report.text
    assert message in report.text
    assert all(r.severity == "Violation" for r in report.results)
