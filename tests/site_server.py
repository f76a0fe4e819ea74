"""A real server over a copy of the seeded store, for the linked-data page tests."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from endpoint_server import Server, serve_newsgraph

from kg.store import Store

BASE = "https://w3id.org/newsgraph/"
NG = "https://w3id.org/newsgraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# A person whose name is markup: pages must show it as text.
HOSTILE = BASE + "id/person/markup-test"
HOSTILE_LABEL = '<script>alert("x")</script> & Co'


def _prepare(seeded_store_path: Path, target: Path) -> None:
    shutil.copytree(seeded_store_path, target)
    store = Store(str(target))
    graph = ox.NamedNode(BASE + "graph/reference")
    subject = ox.NamedNode(HOSTILE)
    store.add([
        ox.Quad(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(NG + "Person"), graph),
        ox.Quad(subject, ox.NamedNode(RDFS_LABEL), ox.Literal(HOSTILE_LABEL, language="en"), graph),
    ])
    store.flush()
    del store
    gc.collect()  # pyoxigraph releases the store's lock when the object is freed


@contextmanager
def running_site(folder: Path, seeded_store_path: Path) -> Iterator[Server]:
    """`python -m server.serve` on a free port over a copy of the seeded store."""
    store_path = folder / "store"
    _prepare(seeded_store_path, store_path)
    with serve_newsgraph(folder, store_path, autoload="false", workers="1") as server:
        yield server
