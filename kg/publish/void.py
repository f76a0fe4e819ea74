"""The VoID description of the dataset and its N-Quads dump, both tied to the data version."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from kg.model.iris import Iris
from kg.model.vocab import PREFIXES, VOID
from kg.publish.stats import dataset_stats
from kg.store import Store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
DCTERMS = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
WIKIDATA = "http://www.wikidata.org/entity/"
ONTOLOGY_NS = "https://w3id.org/newsgraph/ontology#"
DUMP_NAME = "newsgraph.nq.gz"


def _v(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(VOID) + term)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def void_triples(store: Store, iris: Iris, *, document: str, endpoint: str, dump: str) -> list[ox.Triple]:
    """A void:Dataset with endpoint, dump, vocabularies, counts, class partitions, Wikidata linkset.

    document, endpoint and dump are URLs on the serving host; the dataset's IRIs keep the base IRI.
    """
    dataset = ox.NamedNode(document + "#dataset")
    stats = dataset_stats(store)
    t: list[ox.Triple] = [
        ox.Triple(dataset, RDF_TYPE, _v("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "title"), ox.Literal("Newsgraph", language="en")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "description"), ox.Literal(
            "A knowledge graph of world affairs built from news articles.", language="en")),
        ox.Triple(dataset, _v("sparqlEndpoint"), ox.NamedNode(endpoint)),
        ox.Triple(dataset, _v("dataDump"), ox.NamedNode(dump)),
        ox.Triple(dataset, _v("uriSpace"), ox.Literal(iris.base + "id/")),
        ox.Triple(dataset, _v("triples"), _int(stats.quads)),
        ox.Triple(dataset, _v("exampleResource"), ox.NamedNode(iris.entity("person", "vladimir-putin"))),
    ]
    for prefix in ("ng", "rdfs", "owl", "skos", "schema", "prov", "sem", "xsd"):
        t.append(ox.Triple(dataset, _v("vocabulary"), ox.NamedNode(PREFIXES[prefix].rstrip("#"))))
    entities = store.select(
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{iris.base}id/")) }}'
    )
    t.append(ox.Triple(dataset, _v("entities"), _int(int(entities[0]["n"].value) if entities else 0)))
    for cls, count in sorted(stats.class_counts.items()):
        part = ox.NamedNode(f"{document}#class-{_fragment(cls)}")
        t += [
            ox.Triple(dataset, _v("classPartition"), part),
            ox.Triple(part, _v("class"), ox.NamedNode(cls)),
            ox.Triple(part, _v("entities"), _int(count)),
        ]
    links = store.select(
        f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{OWL_SAME_AS}> ?o FILTER(STRSTARTS(STR(?o), "{WIKIDATA}")) }}'
    )
    linkset, wikidata = ox.NamedNode(document + "#wikidata-links"), ox.NamedNode(document + "#wikidata")
    t += [
        ox.Triple(wikidata, RDF_TYPE, _v("Dataset")),
        ox.Triple(wikidata, ox.NamedNode("http://xmlns.com/foaf/0.1/homepage"),
                  ox.NamedNode("https://www.wikidata.org/")),
        ox.Triple(wikidata, _v("uriSpace"), ox.Literal(WIKIDATA)),
        ox.Triple(linkset, RDF_TYPE, _v("Linkset")),
        ox.Triple(linkset, _v("linkPredicate"), ox.NamedNode(OWL_SAME_AS)),
        ox.Triple(linkset, _v("subjectsTarget"), dataset),
        ox.Triple(linkset, _v("objectsTarget"), wikidata),
        ox.Triple(linkset, _v("target"), dataset),
        ox.Triple(linkset, _v("target"), wikidata),
        ox.Triple(linkset, _v("triples"), _int(int(links[0]["n"].value) if links else 0)),
        ox.Triple(dataset, _v("subset"), linkset),
    ]
    return t


class DumpCache:
    """The whole dataset as gzipped N-Quads in a folder, regenerated when the version changes."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self._dir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="newsgraph-dumps-"))
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._version: object = None
        self._path: Path | None = None

    def path(self, store: Store, version: object) -> Path:
        """The dump file for this data version, written now if it is missing or stale."""
        with self._lock:
            if self._path is not None and self._version == version and self._path.exists():
                return self._path
            target = self._dir / f"{os.getpid()}-{abs(hash(version))}-{DUMP_NAME}"
            partial = target.with_suffix(".partial")
            # Written aside then renamed, so a reader never sees half a dump.
            with gzip.open(partial, "wb", compresslevel=6) as out:
                store.dump(out, "application/n-quads")
            partial.replace(target)
            old, self._path, self._version = self._path, target, version
            if old is not None and old != target:
                old.unlink(missing_ok=True)
            return target

    def close(self) -> None:
        """Remove the cached files."""
        shutil.rmtree(self._dir, ignore_errors=True)


def _fragment(iri: str) -> str:
    """A fragment naming a class that stays the same when other classes come or go."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z][\w-]*", iri[len(namespace):]):
            return f"{prefix}-{iri[len(namespace):]}"
    return hashlib.blake2b(iri.encode(), digest_size=8).hexdigest()
