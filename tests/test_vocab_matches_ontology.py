"""kg/model/vocab.py and ontology/geopol.ttl declare the same terms, each labelled and explained."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.model import ontology
from kg.model.vocab import NG, NG_IRI

DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
}
# The roots of the class hierarchy: they have no ng superclass.
ROOTS = {
    NG.Agent,
    NG.Place,
    NG.Office,
    NG.Tenure,
    NG.Agreement,
    NG.Relation,
    NG.Event,
    NG.Article,
    NG.EvidenceSpan,
}
ALIGNMENTS = (
    RDFS.subClassOf,
    OWL.equivalentClass,
    URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
    URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"),
)
VOCAB_TERMS = {URIRef(NG_IRI + name) for name in NG.__annotations__}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return ontology.ontology_graph()


def _declared(graph: Graph) -> set[URIRef]:
    return {
        s
        for t in DECLARATION_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(NG_IRI)
    }


def test_the_ontology_parses_and_has_a_version(graph: Graph) -> None:
    iri = URIRef(ontology.ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in graph
    assert graph.value(iri, OWL.versionInfo) is not None
    assert graph.value(iri, OWL.versionIRI) is not None


def test_every_vocab_term_is_declared(graph: Graph) -> None:
    assert VOCAB_TERMS - _declared(graph) == set()


def test_every_declared_term_is_in_the_vocab(graph: Graph) -> None:
    assert _declared(graph) - VOCAB_TERMS == set()


def test_every_ng_iri_used_anywhere_is_in_the_vocab(graph: Graph) -> None:
    # Catches a typo in an object position, e.g. `rdfs:subClassOf ng:DiplomaticEvnt`.
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(NG_IRI)}
    assert used - VOCAB_TERMS == set()


def test_each_term_has_exactly_one_kind(graph: Graph) -> None:
    for term in VOCAB_TERMS:
        kinds = set(graph.objects(term, RDF.type)) & DECLARATION_TYPES
        assert len(kinds) == 1, f"{term} is declared as {sorted(kinds)}"


@pytest.mark.parametrize("predicate", [RDFS.label, RDFS.comment], ids=["label", "comment"])
def test_each_term_has_an_english_label_and_comment(graph: Graph, predicate: URIRef) -> None:
    missing = [
        term
        for term in sorted(VOCAB_TERMS)
        if not any(
            isinstance(o, Literal) and o.language == "en" and str(o).strip()
            for o in graph.objects(term, predicate)
        )
    ]
    assert missing == []


def test_every_class_reaches_a_root_or_an_aligned_class(graph: Graph) -> None:
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef) or cls in ROOTS:
            continue
        supers = set(graph.transitive_objects(cls, RDFS.subClassOf)) - {cls}
        external = {
            o
            for s in supers | {cls}
            for p in ALIGNMENTS
            for o in graph.objects(s, p)
            if isinstance(o, URIRef) and not o.startswith(NG_IRI)
        }
        assert supers & ROOTS or external, f"{cls} reaches neither a root nor an aligned class"


def test_every_root_is_aligned_or_documented_as_ours(graph: Graph) -> None:
    # Roots without an outside counterpart are the ones we checked and found none for.
    ours_only = {NG.Agreement, NG.Relation}
    for root in ROOTS - ours_only:
        assert any(
            isinstance(o, URIRef) and not o.startswith(NG_IRI)
            for p in ALIGNMENTS
            for o in graph.objects(root, p)
        ), f"{root} has no alignment"


def test_cameo_codes_are_strings_with_leading_zeros_kept(graph: Graph) -> None:
    codes = dict(graph.subject_objects(NG.cameoCode))
    assert codes[NG.Visit] == Literal("042")
    assert codes[NG.Airstrike] == Literal("195")
    for cls, code in codes.items():
        assert isinstance(code, Literal) and code.datatype is None, cls
        assert str(code).isdigit() and 2 <= len(code) <= 4, cls
