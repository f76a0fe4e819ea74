"""kg.model.iris: the IRI scheme, minted and parsed back, and the base IRIs it refuses."""

from __future__ import annotations

import pytest

from kg.errors import ConfigError
from kg.model.iris import KINDS, EntityRef, Iris, is_absolute_iri, is_slug, slugify

BASE = "https://example.org/kg/"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_entity_round_trips(kind: str) -> None:
    iris = Iris(BASE)
    iri = iris.entity(kind, "some-thing-2")
    assert iri == f"{BASE}id/{kind}/some-thing-2"
    assert iris.parse_entity(iri) == EntityRef(kind, "some-thing-2")
    assert str(iris.parse_entity(iri)) == f"{kind}/some-thing-2"


@pytest.mark.parametrize("text", ["Ali Khamenei", "Côte d'Ivoire", "  São Tomé & Príncipe ", "U.S.–Iran talks"])
def test_slugs_of_names_mint_entities_that_parse_back(text: str) -> None:
    slug = slugify(text)
    assert is_slug(slug), slug
    iris = Iris(BASE)
    assert iris.parse_entity(iris.entity("person", slug)) == EntityRef("person", slug)


def test_slugify_is_readable_ascii() -> None:
    assert slugify("Côte d'Ivoire") == "cote-d-ivoire"
    assert slugify("  Ali   Khamenei ") == "ali-khamenei"
    assert not is_slug("Ali Khamenei") and not is_slug("-ali") and not is_slug("")


@pytest.mark.parametrize("iri", [
    "https://example.org/other/id/person/x",  # another base
    f"{BASE}id/planet/mars",  # no such kind
    f"{BASE}id/person/",  # no slug
    f"{BASE}graph/article/a-1",  # a graph, not an entity
    "https://example.org/kg",  # the base without its slash
])
def test_iris_that_are_no_entity_of_ours_parse_to_none(iri: str) -> None:
    assert Iris(BASE).parse_entity(iri) is None


def test_a_base_without_its_final_slash_gets_one() -> None:
    iris = Iris("https://example.org/kg")
    assert iris.base == BASE
    assert iris.entity("state", "iran") == f"{BASE}id/state/iran"


@pytest.mark.parametrize("base", ["example.org/kg/", "ftp://example.org/", "https://", "https://exa mple.org/",
                                  "urn:newsgraph:", ""])
def test_a_bad_base_iri_is_a_config_error_naming_it(base: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Iris(base)
    assert repr(base) in str(caught.value) and "http(s)" in str(caught.value)


def test_an_unknown_kind_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(ConfigError) as caught:
        Iris(BASE).entity("planet", "mars")
    assert "'planet'" in str(caught.value) and "state" in str(caught.value)


def test_graph_iris_follow_the_scheme() -> None:
    iris = Iris(BASE)
    graph = iris.article_graph("article-001")
    assert graph == f"{BASE}graph/article/article-001"
    assert iris.inferred_graph(graph) == graph + "/inferred"
    assert iris.article("article-001") == f"{BASE}id/article/article-001"
    assert iris.event("article-001", "letter") == f"{BASE}id/event/article-001-letter"
    assert iris.gdelt_chunk_graph("events", 1, 500) == f"{BASE}graph/gdelt/events/lines-1-500"
    assert iris.gdelt_chunk_graph("events", 1, 500).startswith(iris.gdelt_prefix)
    assert (iris.meta_graph, iris.reference_graph, iris.ontology_graph) == (
        f"{BASE}graph/meta", f"{BASE}graph/reference", f"{BASE}graph/ontology")
    assert iris.ingestion_activity_prefix == f"{BASE}id/ingestion/"


def test_store_graphs_are_fresh_and_under_the_base() -> None:
    iris = Iris(BASE)
    first, second = iris.new_store_graph(), iris.new_store_graph()
    assert first != second
    assert first.startswith(f"{BASE}graph/store/") and is_absolute_iri(first)


@pytest.mark.parametrize(("text", "absolute"), [
    ("https://example.org/a", True), ("urn:isbn:123", True),
    ("/relative/path", False), ("https://example.org/a b", False), ("", False),
])
def test_is_absolute_iri(text: str, absolute: bool) -> None:
    assert is_absolute_iri(text) is absolute
