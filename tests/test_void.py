"""kg.publish.void over a real in-memory store: counts, class partitions, the Wikidata linkset, the dump."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.model import formats
from kg.model.iris import Iris
from kg.model.vocab import DCTERMS, NG, NG_IRI, ONTOLOGY_IRI, OWL, RDF, VOID, WD, XSD
from kg.publish.void import DUMP_NAME, DumpCache, void_triples
from kg.store import Store

BASE = "https://example.org/kg/"
IRIS = Iris(BASE)
HOST = "http://127.0.0.1:8000/"
DOCUMENT = HOST + ".well-known/void"
DATASET = ox.NamedNode(DOCUMENT + "#dataset")
LINKSET = ox.NamedNode(DOCUMENT + "#wikidata-links")
DATA = f"""
@prefix ng: <{NG_IRI}> .
@prefix owl: <{OWL.iri}> .
@prefix wd: <{WD.iri}> .
<{BASE}graph/reference> {{
  <{BASE}id/person/vladimir-putin> a ng:Person ; owl:sameAs wd:Q7747 .
  <{BASE}id/person/abbas-araghchi> a ng:Person .
  <{BASE}id/state/iran> a ng:State ; owl:sameAs wd:Q794, <http://dbpedia.org/resource/Iran> .
}}
<{BASE}graph/article/a-1> {{ <{BASE}id/event/a-1-talks> a ng:Meeting . }}
<{BASE}graph/meta> {{ <{BASE}id/article/a-1> a ng:Article . }}
<https://elsewhere.example/g> {{ <https://elsewhere.example/thing> a ng:Person . }}
"""
QUADS = 9


@pytest.fixture
def store() -> Store:
    store = Store(":memory:")
    store.load(DATA.encode(), formats.by_name("trig").media_type)
    assert len(store) == QUADS
    return store


def describe(store: Store) -> list[ox.Triple]:
    return void_triples(store, IRIS, document=DOCUMENT, endpoint=HOST + "sparql", dump=HOST + "dumps/" + DUMP_NAME)


def objects(triples: list[ox.Triple], subject: ox.NamedNode, predicate: ox.NamedNode) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate == predicate]


def one(triples: list[ox.Triple], subject: ox.NamedNode, predicate: ox.NamedNode):
    (value,) = objects(triples, subject, predicate)
    return value


def test_the_dataset_with_its_endpoint_dump_and_uri_space(store: Store) -> None:
    triples = describe(store)
    assert VOID.Dataset in objects(triples, DATASET, RDF.type)
    assert one(triples, DATASET, VOID.sparqlEndpoint) == ox.NamedNode(HOST + "sparql")
    assert one(triples, DATASET, VOID.dataDump) == ox.NamedNode(f"{HOST}dumps/{DUMP_NAME}")
    # The data keeps its own IRIs whatever host serves it.
    assert one(triples, DATASET, VOID.uriSpace) == ox.Literal(BASE + "id/")
    assert one(triples, DATASET, DCTERMS.title) == ox.Literal("Newsgraph", language="en")
    assert ox.NamedNode(ONTOLOGY_IRI) in objects(triples, DATASET, VOID.vocabulary)


def test_counts_of_triples_and_entities(store: Store) -> None:
    triples = describe(store)
    assert one(triples, DATASET, VOID.triples) == ox.Literal(str(QUADS), datatype=XSD.integer)
    # Typed subjects under {base}id/: not the one of another dataset.
    assert one(triples, DATASET, VOID.entities) == ox.Literal("5", datatype=XSD.integer)


def test_one_class_partition_per_class_with_its_instances(store: Store) -> None:
    triples = describe(store)
    partitions = {one(triples, part, VOID["class"]).value: int(one(triples, part, VOID.entities).value)
                  for part in objects(triples, DATASET, VOID.classPartition)}
    assert partitions == {str(NG.Person): 3, str(NG.State): 1, str(NG.Meeting): 1, str(NG.Article): 1}
    # A partition's IRI is named after its class, so it does not move when other classes come.
    assert ox.NamedNode(DOCUMENT + "#class-ng-Person") in objects(triples, DATASET, VOID.classPartition)


def test_the_wikidata_linkset_counts_only_links_to_wikidata(store: Store) -> None:
    triples = describe(store)
    assert LINKSET in objects(triples, DATASET, VOID.subset)
    assert one(triples, LINKSET, VOID.linkPredicate) == OWL.sameAs
    assert one(triples, LINKSET, VOID.triples) == ox.Literal("2", datatype=XSD.integer)  # not DBpedia's
    wikidata = one(triples, LINKSET, VOID.objectsTarget)
    assert one(triples, wikidata, VOID.uriSpace) == ox.Literal(WD.iri)


def test_an_empty_store_is_described_with_zero_counts() -> None:
    triples = describe(Store(":memory:"))
    assert one(triples, DATASET, VOID.triples).value == "0"
    assert one(triples, LINKSET, VOID.triples).value == "0"
    assert objects(triples, DATASET, VOID.classPartition) == []


def test_the_dump_holds_every_quad_and_is_rewritten_only_for_a_new_version(store: Store, tmp_path) -> None:
    cache = DumpCache(tmp_path / "dumps")
    path = cache.path(store, version=1)
    assert path.name.endswith(DUMP_NAME)
    with gzip.open(path, "rb") as dump:
        quads = set(ox.parse(dump, formats.N_QUADS.rdf))
    assert quads == set(store.quads())
    written = path.stat().st_mtime_ns
    assert cache.path(store, version=1) == path and path.stat().st_mtime_ns == written

    store.write(insert=[ox.Quad(ox.NamedNode(BASE + "id/state/oman"), RDF.type, ox.NamedNode(str(NG.State)),
                                ox.NamedNode(BASE + "graph/reference"))])
    newer = cache.path(store, version=2)
    assert newer != path and not path.exists()  # the stale dump is gone
    with gzip.open(newer, "rb") as dump:
        assert len(list(ox.parse(dump, formats.N_QUADS.rdf))) == QUADS + 1
    cache.close()
    assert not newer.exists()


def test_triples_are_distinct_triples_and_quads_have_their_own_count(store: Store) -> None:
    # The same triple in a second graph and in the default graph: one triple, three quads.
    again = [ox.Quad(ox.NamedNode(BASE + "id/person/abbas-araghchi"), RDF.type, ox.NamedNode(str(NG.Person)), g)
             for g in (ox.NamedNode(BASE + "graph/article/a-1"), ox.DefaultGraph())]
    store.write(insert=again)
    triples = describe(store)
    assert one(triples, DATASET, VOID.triples) == ox.Literal(str(QUADS), datatype=XSD.integer)
    assert one(triples, DATASET, ox.NamedNode(str(NG.quads))) == ox.Literal(str(QUADS + 2), datatype=XSD.integer)


def test_the_dataset_names_the_licences_of_the_bundled_data(store: Store) -> None:
    licences = {term.value for term in objects(describe(store), DATASET, DCTERMS.license)}
    # As kg/data/SOURCES.md gives them: MIT for our own work, ODbL/DbCL for the countries table.
    assert licences == {"https://spdx.org/licenses/MIT", "https://opendatacommons.org/licenses/odbl/1-0/",
                        "https://opendatacommons.org/licenses/dbcl/1-0/"}
    sources = (Path(__file__).resolve().parents[1] / "kg" / "data" / "SOURCES.md").read_text()
    assert "MIT" in sources and "ODbL-1.0" in sources and "DbCL" in sources
