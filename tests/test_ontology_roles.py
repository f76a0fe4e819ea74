"""The ontology documentation lists, for each event class, the roles its SHACL shapes name."""

from __future__ import annotations

import re
from html import unescape

import pytest

from kg.config import Settings
from kg.model import ontology
from kg.model.vocab import NG, NG_IRI
from kg.publish.ontology_doc import ontology_doc
from server import create_app


def _names(iris: list[str] | tuple[str, ...]) -> list[str]:
    return [i[len(NG_IRI):] for i in iris]


@pytest.mark.parametrize(("cls", "uses", "refused"), [
    ("Talks", ["agent", "recipient", "participant", "mediator"], ["target"]),
    ("Sanction", ["agent", "target", "participant"], ["recipient"]),
    ("Letter", ["agent", "recipient", "carrier"], []),
    ("Visit", ["agent", "recipient"], []),
    ("Demand", ["agent", "recipient", "carrier"], ["target"]),  # an appeal's roles, less ng:target
    ("Condemnation", ["agent", "recipient", "target", "participant"], []),  # a statement's
    ("Airstrike", ["agent", "target", "participant"], ["recipient"]),  # a fight's
    ("Resignation", ["agent"], ["recipient", "target"]),
])
def test_each_event_class_has_the_roles_of_its_shapes(cls: str, uses: list[str], refused: list[str]) -> None:
    roles = ontology.class_roles()[NG_IRI + cls]
    assert _names(roles.uses) == uses
    assert _names(list(roles.refused)) == refused


def test_every_concrete_event_class_names_its_roles() -> None:
    grouping = {NG.Event, NG.DiplomaticEvent, NG.MilitaryEvent, NG.PoliticalEvent}
    unnamed = [c for c, r in ontology.class_roles().items()
               if not r.uses and c not in {str(g) for g in grouping}]
    assert unnamed == []
    assert ontology.class_roles()[str(NG.Resignation)].required == (str(NG.agent),)


def test_the_documentation_records_carry_roles_and_inverse_labels() -> None:
    doc = ontology_doc(ontology.ontology_graph())
    terms = {t.name: t for t in (*doc.classes, *doc.properties)}
    assert _names(terms["Talks"].roles) == ["agent", "recipient", "participant", "mediator"]
    assert _names([r for r, _ in terms["Talks"].refused_roles]) == ["target"]
    assert "ng:participant" in dict(terms["Talks"].refused_roles)[str(NG.target)]
    assert terms["Event"].any_role and len(terms["Event"].roles) == 6
    assert terms["agent"].inverse_label == "agent of"
    assert terms["involves"].inverse_label == "involved in"
    assert str(NG.involves) in terms["agent"].parents


def test_the_ontology_page_lists_the_roles_of_each_class() -> None:
    app = create_app(Settings(store=":memory:", autoload=False))
    html = app.test_client().get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = re.search(r'<section class="term" id="Letter">(.*?)</section>', html, re.S)
    assert section, html[:300]
    text = unescape(re.sub(r"<[^>]+>", "", section[1]))
    assert re.search(r"Roles\s*ng:agent, ng:recipient, ng:carrier", text), text
    talks = unescape(re.sub(r"<[^>]+>", "", re.search(r'id="Talks">(.*?)</section>', html, re.S)[1]))
    assert "Not used" in talks and "ng:target" in talks
    agent = unescape(re.sub(r"<[^>]+>", "", re.search(r'id="agent">(.*?)</section>', html, re.S)[1]))
    assert "Inverse label" in agent and "agent of" in agent
    app.extensions["newsgraph"].close()
