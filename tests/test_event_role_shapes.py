"""The role shapes of the news event classes: each class's roles accepted, a wrong role named."""

from __future__ import annotations

import pytest
from rdflib import SH, Graph

from kg.model import ontology
from kg.model.vocab import NG_IRI
from kg.publish.validate import ValidationReport, validate

PREFIXES = """
@prefix ng: <https://w3id.org/newsgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix x: <https://w3id.org/newsgraph/id/> .
"""

# Parties with their type closure, as the reference graph and its /inferred graph hold them.
REFERENCE = """
x:state-iran a ng:State , ng:Agent ; rdfs:label "Iran"@en .
x:state-usa a ng:State , ng:Agent ; rdfs:label "United States"@en .
x:org-un a ng:Organization , ng:Agent ; rdfs:label "United Nations"@en .
x:person-a a ng:Person , ng:Agent ; rdfs:label "A. Minister"@en .
x:court-1 a ng:Organization , ng:Agent ; rdfs:label "Revolutionary Court"@en .
x:facility-1 a ng:Facility , ng:Place ; rdfs:label "A plant"@en .
x:office-1 a ng:Office ; rdfs:label "Minister of Foreign Affairs of Iran"@en .
x:place-1 a ng:Place ; rdfs:label "A city"@en .
"""

# Each class with roles as its comment in geopol.ttl describes them.
GOOD = {
    "Talks": "ng:agent x:state-iran ; ng:participant x:state-iran , x:state-usa ; ng:mediator x:org-un",
    "Threat": "ng:agent x:state-iran ; ng:target x:state-usa ; ng:recipient x:org-un",
    "Demand": "ng:agent x:state-usa ; ng:recipient x:state-iran",
    "Aid": "ng:agent x:org-un ; ng:recipient x:state-iran",
    "Sanction": "ng:agent x:state-usa ; ng:target x:state-iran , x:person-a",
    "SanctionsLifting": "ng:agent x:state-usa ; ng:recipient x:state-iran",
    "Fight": "ng:participant x:state-iran , x:state-usa ; ng:location x:place-1",
    "Airstrike": "ng:agent x:state-usa ; ng:target x:state-iran , x:facility-1",
    "Bombing": "ng:target x:place-1 ; ng:location x:place-1",
    "Protest": "ng:agent x:person-a ; ng:target x:state-usa ; ng:location x:place-1",
    "Election": "ng:agent x:state-iran ; ng:participant x:person-a ; ng:about x:office-1",
    "Resignation": "ng:agent x:person-a ; ng:about x:office-1",
    "Appointment": "ng:agent x:state-iran ; ng:recipient x:person-a ; ng:about x:office-1",
    "Arrest": "ng:agent x:state-iran ; ng:target x:person-a",
    "Sentence": "ng:agent x:court-1 ; ng:target x:person-a",
    "Evacuation": "ng:agent x:state-usa ; ng:participant x:org-un ; ng:location x:place-1",
}

# (class, roles, the role the report names, words of its message)
BAD = [
    ("Talks", "ng:participant x:state-iran ; ng:target x:state-usa", "ng:target", "name the sides with ng:participant"),
    ("Demand", "ng:agent x:state-usa ; ng:target x:state-iran", "ng:target", "with ng:recipient"),
    ("Aid", "ng:agent x:org-un ; ng:target x:state-iran", "ng:target", "with ng:recipient"),
    ("Sanction", "ng:agent x:state-usa ; ng:recipient x:state-iran", "ng:recipient", "party sanctioned with ng:target"),
    ("Sanction", "ng:agent x:state-usa ; ng:target x:facility-1", "ng:target", "must be a state, an organisation or a person"),
    ("SanctionsLifting", "ng:agent x:state-usa ; ng:target x:state-iran", "ng:target", "party relieved with ng:recipient"),
    ("Fight", "ng:agent x:state-usa ; ng:recipient x:state-iran", "ng:recipient", "party attacked with ng:target"),
    ("Airstrike", "ng:agent x:state-usa ; ng:recipient x:state-iran", "ng:recipient", "party attacked with ng:target"),
    ("Bombing", "ng:agent x:person-a ; ng:recipient x:place-1", "ng:recipient", "with ng:target"),
    ("Protest", "ng:agent x:person-a ; ng:recipient x:state-usa", "ng:recipient", "protested against with ng:target"),
    ("Election", "ng:agent x:state-iran ; ng:target x:person-a", "ng:target", "standing with ng:participant"),
    ("Election", "ng:about x:office-1", None, "names no one"),
    ("Resignation", "ng:about x:office-1", "ng:agent", "person or government that resigns"),
    ("Resignation", "ng:agent x:person-a ; ng:recipient x:state-iran", "ng:recipient", "has no recipient"),
    ("Appointment", "ng:agent x:state-iran ; ng:about x:office-1", "ng:recipient", "the person appointed"),
    ("Appointment", "ng:agent x:office-1 ; ng:recipient x:person-a", "ng:agent", "must be a state, an organisation or a person"),
    ("Arrest", "ng:agent x:state-iran ; ng:recipient x:person-a", "ng:recipient", "detained or charged with ng:target"),
    ("Sentence", "ng:agent x:court-1 ; ng:recipient x:person-a", "ng:recipient", "judged with ng:target"),
    ("Evacuation", "ng:agent x:state-usa ; ng:target x:place-1", "ng:target", "the place they leave with ng:location"),
]


def _events(cases: list[tuple[str, str]]) -> Graph:
    # The type closure, as ingestion materialises it, so that the shapes of superclasses run
    # too. One graph for all cases: pySHACL's start-up dominates the time of a validation.
    turtle = [PREFIXES, REFERENCE]
    for n, (cls, roles) in enumerate(cases):
        types = ", ".join(f"<{t}>" for t in sorted(ontology.superclasses()[NG_IRI + cls]))
        turtle.append(f"""
x:event-{n} a ng:{cls} , {types} ;
    rdfs:label "an event"@en ; ng:date "2025-06-23"^^xsd:date ; ng:datePrecision "day" ;
    {roles} .""")
    return Graph().parse(data="".join(turtle), format="turtle")


def _focus(n: int) -> str:
    return f"<https://w3id.org/newsgraph/id/event-{n}>"


@pytest.fixture(scope="module")
def good_report() -> ValidationReport:
    return validate(_events(list(GOOD.items())))


@pytest.fixture(scope="module")
def bad_report() -> ValidationReport:
    return validate(_events([(cls, roles) for cls, roles, _, _ in BAD]))


def test_every_news_class_has_a_shape() -> None:
    shaped = {str(o).removeprefix(NG_IRI) for o in ontology.shapes_graph().objects(None, SH.targetClass)}
    # Airstrike is checked by the shape on its superclass Fight.
    assert set(GOOD) - {"Airstrike"} <= shaped


@pytest.mark.parametrize("n", range(len(GOOD)), ids=list(GOOD))
def test_each_class_accepts_its_roles(good_report: ValidationReport, n: int) -> None:
    assert [r for r in good_report.results if r.focus_node == _focus(n)] == [], good_report.text


@pytest.mark.parametrize("n", range(len(BAD)), ids=[f"{c}-{m[:24]}" for c, _, _, m in BAD])
def test_a_wrong_role_is_named_with_the_role_to_use(bad_report: ValidationReport, n: int) -> None:
    _cls, _roles, path, message = BAD[n]
    assert not bad_report.conforms
    assert [
        r for r in bad_report.results
        if r.focus_node == _focus(n) and (path is None or r.path == path) and message in r.message
    ], bad_report.text


def test_each_bad_case_has_only_the_problem_it_is_about(bad_report: ValidationReport) -> None:
    # Otherwise a case could pass on another case's mistake or on a typo in its own data.
    for n, (_cls, _roles, _path, message) in enumerate(BAD):
        found = [r for r in bad_report.results if r.focus_node == _focus(n)]
        assert len(found) == 1 and message in found[0].message, (n, found)
