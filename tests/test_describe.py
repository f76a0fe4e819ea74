"""What a resource's RDF document holds, from a real store."""

from __future__ import annotations

import pyoxigraph as ox

from kg.model.iris import Iris
from kg.model.vocab import RDFS
from kg.publish.describe import MAX_INCOMING, describe, description_triples
from kg.store import Store

BASE = "https://example.org/"


def test_a_cut_off_document_says_so() -> None:
    store = Store(None)
    target = ox.NamedNode(BASE + "id/state/busy")
    graph = ox.NamedNode(BASE + "graph/article/a1")
    cites = ox.NamedNode(BASE + "cites")
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/event/e{n}"), cites, target, graph)
              for n in range(MAX_INCOMING + 10))
    document = BASE + "id/state/busy.ttl"
    triples = description_triples(describe(store, Iris(BASE), target.value), document)
    notes = [t for t in triples if t.subject == ox.NamedNode(document) and t.predicate == RDFS.comment]
    assert len(notes) == 1 and str(MAX_INCOMING) in notes[0].object.value
    assert sum(t.predicate == cites for t in triples) == MAX_INCOMING


def test_a_whole_document_has_no_such_note() -> None:
    store = Store(None)
    target = ox.NamedNode(BASE + "id/state/quiet")
    store.add([ox.Quad(ox.NamedNode(BASE + "id/event/e1"), ox.NamedNode(BASE + "cites"), target,
                       ox.NamedNode(BASE + "graph/article/a1"))])
    triples = description_triples(describe(store, Iris(BASE), target.value), BASE + "doc")
    assert not [t for t in triples if t.predicate == RDFS.comment]
