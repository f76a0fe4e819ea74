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
from typing import Any

import pyoxigraph as ox

from kg.model.formats import N_QUADS
from kg.model.iris import Iris
from kg.model.vocab import DCTERMS, FOAF, NG, OWL, PREFIXES, RDF, RDFS, VOID, WD, XSD
from kg.publish.refresh import Refreshing
from kg.publish.stats import dataset_stats
from kg.store import Store

DUMP_NAME = "newsgraph.nq.gz"
# The licences of the bundled data, as kg/data/SOURCES.md gives them: our own work (the seed
# articles' facts, the ontology, most of the reference data) is MIT; the state codes, QIDs and
# capitals of the reference graph come from dr5hn/countries-states-cities-database (ODbL 1.0
# for the database, DbCL 1.0 for its contents).
LICENSES = (
    "https://spdx.org/licenses/MIT",
    "https://opendatacommons.org/licenses/odbl/1-0/",
    "https://opendatacommons.org/licenses/dbcl/1-0/",
)
LICENSE_NOTE = (
    "Newsgraph's own data is under the MIT licence; the ISO codes, Wikidata QIDs and most "
    "capitals of the states in the reference graph come from the countries-states-cities-database "
    "under ODbL 1.0 (its contents under DbCL 1.0). kg/data/SOURCES.md says which part is which."
)


class VoidCache:
    """void_triples at the latest data version: its counts take seconds over millions of quads
    (kg.publish.refresh shows the ones before meanwhile).

    They are counted once for every host the server is reached by: made with stand-in URLs,
    which each request's own URLs then replace (a Host header cannot start a count).
    """

    _STAND_INS = ("urn:newsgraph:void", "urn:newsgraph:sparql", "urn:newsgraph:dump")

    def __init__(self, store: Store, iris: Iris) -> None:
        document, endpoint, dump = self._STAND_INS
        self._kept: Refreshing[None, list[ox.Triple]] = Refreshing(
            lambda _: void_triples(store, iris, document=document, endpoint=endpoint, dump=dump), size=1,
        )

    def get(self, version: object, *, document: str, endpoint: str, dump: str) -> list[ox.Triple]:
        """The VoID triples at this data version (or, while they are rebuilt, the ones before)."""
        urls = dict(zip(self._STAND_INS, (document, endpoint, dump), strict=True))

        def placed(term: Any) -> Any:
            if not isinstance(term, ox.NamedNode):
                return term
            base, hash_, fragment = term.value.partition("#")
            return ox.NamedNode(urls[base] + hash_ + fragment) if base in urls else term

        triples = self._kept.get(None, version)
        return [ox.Triple(placed(t.subject), t.predicate, placed(t.object)) for t in triples]


def _example_resource(store: Store, iris: Iris) -> ox.NamedNode | None:
    """A resource of ours that is in the store (a link to it must not be a 404): Putin's, if there."""
    preferred = ox.NamedNode(iris.entity("person", "vladimir-putin"))
    if store.ask(f"ASK {{ {preferred} ?p ?o }}"):
        return preferred
    rows = store.select(
        f'SELECT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), "{iris.base}id/")) }} LIMIT 1'
    )
    return rows[0]["s"] if rows else None


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD.integer)


def void_triples(store: Store, iris: Iris, *, document: str, endpoint: str, dump: str) -> list[ox.Triple]:
    """A void:Dataset with endpoint, dump, vocabularies, counts, class partitions, Wikidata linkset.

    document, endpoint and dump are URLs on the serving host; the dataset's IRIs keep the base IRI.
    """
    dataset = ox.NamedNode(document + "#dataset")
    stats = dataset_stats(store)
    # void:triples counts distinct triples; a triple held by two graphs is one triple, two quads.
    triples = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }",
        union_default_graph=True,
    )
    t: list[ox.Triple] = [
        ox.Triple(dataset, RDF.type, VOID.Dataset),
        ox.Triple(dataset, DCTERMS.title, ox.Literal("Newsgraph", language="en")),
        ox.Triple(dataset, DCTERMS.description, ox.Literal(
            "A knowledge graph of world affairs built from news articles.", language="en")),
        ox.Triple(dataset, VOID.sparqlEndpoint, ox.NamedNode(endpoint)),
        ox.Triple(dataset, VOID.dataDump, ox.NamedNode(dump)),
        ox.Triple(dataset, VOID.uriSpace, ox.Literal(iris.base + "id/")),
        ox.Triple(dataset, VOID.triples, _int(int(triples[0]["n"].value) if triples else 0)),
        ox.Triple(dataset, ox.NamedNode(str(NG.quads)), _int(stats.quads)),
        ox.Triple(dataset, RDFS.comment, ox.Literal(LICENSE_NOTE, language="en")),
    ]
    example = _example_resource(store, iris)
    if example is not None:
        t.append(ox.Triple(dataset, VOID.exampleResource, example))
    t += [ox.Triple(dataset, DCTERMS.license, ox.NamedNode(iri)) for iri in LICENSES]
    for prefix in ("ng", "rdfs", "owl", "skos", "schema", "prov", "sem", "xsd"):
        t.append(ox.Triple(dataset, VOID.vocabulary, ox.NamedNode(PREFIXES[prefix].rstrip("#"))))
    entities = store.select(
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{iris.base}id/")) }}'
    )
    t.append(ox.Triple(dataset, VOID.entities, _int(int(entities[0]["n"].value) if entities else 0)))
    for cls, count in sorted(stats.class_counts.items()):
        part = ox.NamedNode(f"{document}#class-{_fragment(cls)}")
        t += [
            ox.Triple(dataset, VOID.classPartition, part),
            ox.Triple(part, VOID["class"], ox.NamedNode(cls)),
            ox.Triple(part, VOID.entities, _int(count)),
        ]
    links = store.select(
        f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s {OWL.sameAs} ?o FILTER(STRSTARTS(STR(?o), "{WD.iri}")) }}'
    )
    linkset, wikidata = ox.NamedNode(document + "#wikidata-links"), ox.NamedNode(document + "#wikidata")
    t += [
        ox.Triple(wikidata, RDF.type, VOID.Dataset),
        ox.Triple(wikidata, FOAF.homepage, ox.NamedNode("https://www.wikidata.org/")),
        ox.Triple(wikidata, VOID.uriSpace, ox.Literal(WD.iri)),
        ox.Triple(linkset, RDF.type, VOID.Linkset),
        ox.Triple(linkset, VOID.linkPredicate, OWL.sameAs),
        ox.Triple(linkset, VOID.subjectsTarget, dataset),
        ox.Triple(linkset, VOID.objectsTarget, wikidata),
        ox.Triple(linkset, VOID.target, dataset),
        ox.Triple(linkset, VOID.target, wikidata),
        ox.Triple(linkset, VOID.triples, _int(int(links[0]["n"].value) if links else 0)),
        ox.Triple(dataset, VOID.subset, linkset),
    ]
    return t


class DumpCache:
    """The whole dataset as gzipped N-Quads in a folder, regenerated when the version changes."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self._given = Path(directory) if directory else None
        self._dir: Path | None = None  # made by the first dump: most apps never write one
        self._lock = threading.Lock()
        self._version: object = None
        self._path: Path | None = None

    def path(self, store: Store, version: object) -> Path:
        """The dump file for this data version, written now if it is missing or stale."""
        with self._lock:
            if self._path is not None and self._version == version and self._path.exists():
                return self._path
            if self._dir is None:
                self._dir = self._given or Path(tempfile.mkdtemp(prefix="newsgraph-dumps-"))
                self._dir.mkdir(parents=True, exist_ok=True)
            target = self._dir / f"{os.getpid()}-{abs(hash(version))}-{DUMP_NAME}"
            partial = target.with_suffix(".partial")
            # Written aside then renamed, so a reader never sees half a dump.
            with gzip.open(partial, "wb", compresslevel=6) as out:
                store.dump(out, N_QUADS.media_type)
            partial.replace(target)
            old, self._path, self._version = self._path, target, version
            if old is not None and old != target:
                old.unlink(missing_ok=True)
            return target

    def close(self) -> None:
        """Remove the cached files."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)


def _fragment(iri: str) -> str:
    """A fragment naming a class that stays the same when other classes come or go."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z][\w-]*", iri[len(namespace):]):
            return f"{prefix}-{iri[len(namespace):]}"
    return hashlib.blake2b(iri.encode(), digest_size=8).hexdigest()
