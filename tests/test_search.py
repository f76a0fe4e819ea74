"""kg.publish.search over a real in-memory store: prefix matching, ranking, types, rebuilds."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.model import formats
from kg.model.iris import Iris
from kg.model.vocab import NG, NG_IRI, RDFS, SKOS, as_node
from kg.publish.search import LabelIndex, SearchCache
from kg.store import Store

BASE = "https://example.org/kg/"
IRIS = Iris(BASE)
PUTIN = f"{BASE}id/person/vladimir-putin"
ARAGHCHI = f"{BASE}id/person/abbas-araghchi"
MEETING = f"{BASE}id/event/a-1-talks"
SAO_TOME = f"{BASE}id/state/sao-tome-and-principe"
DATA = f"""
@prefix ng: <{NG_IRI}> .
@prefix rdfs: <{RDFS.iri}> .
@prefix skos: <{SKOS.iri}> .
<{BASE}graph/reference> {{
  <{PUTIN}> a ng:Person ; rdfs:label "Vladimir Putin"@en ; skos:altLabel "Putin"@en .
  <{ARAGHCHI}> a ng:Person ; rdfs:label "Abbas Araghchi"@en .
  <{SAO_TOME}> a ng:State ; rdfs:label "São Tomé and Príncipe"@en .
}}
<{BASE}graph/reference/inferred> {{ <{PUTIN}> a ng:Agent . }}
<{BASE}graph/article/a-1> {{ <{MEETING}> a ng:Meeting ; rdfs:label "Putin meets Araghchi"@en . }}
<{BASE}graph/other> {{ <https://elsewhere.example/putin> rdfs:label "Putin of elsewhere"@en . }}
"""


@pytest.fixture
def store() -> Store:
    store = Store(":memory:")
    store.load(DATA.encode(), formats.by_name("trig").media_type)
    return store


def iris_of(hits) -> list[str]:
    return [h.iri for h in hits]


def test_whole_names_rank_before_later_words_and_labels_before_aliases(store: Store) -> None:
    index = LabelIndex(store, IRIS)
    # "Putin meets Araghchi" is a whole label, "Putin" a whole alias.
    assert iris_of(index.search("putin")) == [MEETING, PUTIN]
    # Both match on a later word; the shorter name comes first.
    assert iris_of(index.search("Araghchi")) == [ARAGHCHI, MEETING]


def test_a_hit_shows_the_label_the_name_that_matched_and_the_asserted_type(store: Store) -> None:
    (hit,) = [h for h in LabelIndex(store, IRIS).search("putin") if h.iri == PUTIN]
    assert (hit.label, hit.matched) == ("Vladimir Putin", "Putin")
    assert hit.type == str(NG.Person)  # not ng:Agent, which only the inferred graph says


def test_matching_ignores_case_accents_and_punctuation(store: Store) -> None:
    index = LabelIndex(store, IRIS)
    for query in ("SAO", "são tomé", "Tome and", "principe"):
        assert iris_of(index.search(query)) == [SAO_TOME], query


def test_only_iris_under_the_base_are_found(store: Store) -> None:
    found = iris_of(LabelIndex(store, IRIS).search("putin", limit=50))
    assert "https://elsewhere.example/putin" not in found
    assert LabelIndex(store, Iris("https://other.example/")).search("putin") == []


@pytest.mark.parametrize(("query", "limit"), [("", 10), ("   ", 10), ("putin", 0), ("zzz", 10)])
def test_nothing_is_found_for_nothing(store: Store, query: str, limit: int) -> None:
    assert LabelIndex(store, IRIS).search(query, limit) == []


def test_the_limit_cuts_the_ranked_list(store: Store) -> None:
    assert iris_of(LabelIndex(store, IRIS).search("a", limit=1)) == [ARAGHCHI]


def test_the_cache_keeps_one_index_per_data_version(store: Store) -> None:
    cache = SearchCache()
    first = cache.index(store, IRIS, version=1)
    assert cache.index(store, IRIS, version=1) is first
    newcomer = NamedNode(f"{BASE}id/person/putin-lookalike")
    store.write(insert=[Quad(newcomer, RDFS.label, Literal("Putinesque", language="en"),
                             as_node(f"{BASE}graph/article/a-2"))])
    assert newcomer.value not in iris_of(cache.index(store, IRIS, version=1).search("putin"))
    rebuilt = cache.index(store, IRIS, version=2)
    assert rebuilt is not first
    assert newcomer.value in iris_of(rebuilt.search("putin"))
