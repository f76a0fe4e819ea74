"""kg.model.ontology.superclasses gives each class all its named superclasses, transitively."""

from __future__ import annotations

from kg.model import ontology
from kg.model.vocab import NG


def test_meeting_is_a_diplomatic_event_and_an_event() -> None:
    supers = ontology.superclasses()[str(NG.Meeting)]
    assert {str(NG.DiplomaticEvent), str(NG.Event)} <= supers
    assert str(NG.Meeting) not in supers


def test_the_closure_reaches_aligned_external_classes() -> None:
    supers = ontology.superclasses()[str(NG.Condemnation)]
    assert {str(NG.Statement), str(NG.DiplomaticEvent), str(NG.Event)} <= supers
    assert "http://semanticweb.cs.vu.nl/2009/11/sem/Event" in supers
    assert str(NG.Agent) in ontology.superclasses()[str(NG.NewsSource)]


def test_every_declared_class_is_a_key_and_only_named_iris_appear() -> None:
    closure = ontology.superclasses()
    assert str(NG.Event) in closure and str(NG.Revolution) in closure
    for cls, supers in closure.items():
        assert cls.startswith("http")
        assert all(s.startswith("http") for s in supers), cls


def test_callers_cannot_corrupt_the_cached_closure() -> None:
    ontology.superclasses().clear()
    assert ontology.superclasses()[str(NG.Visit)]


def test_ontology_quads_go_into_the_given_graph() -> None:
    graph = "https://w3id.org/newsgraph/graph/ontology"
    quads = ontology.ontology_quads(graph)
    assert quads
    assert {q.graph_name.value for q in quads} == {graph}
