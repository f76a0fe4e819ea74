"""First use: the ontology, the reference data and the bundled seed articles go into the store."""

from __future__ import annotations

from importlib.resources import as_file, files

from kg.config import Settings
from kg.ingest.facts_quads import inferred_type_quads
from kg.ingest.writer import Ingestor, IngestSummary, drop_unfinished_writes
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.model.ontology import ontology_quads
from kg.store import Store


def load_reference(store: Store, iris: Iris, gazetteer: Gazetteer | None = None) -> None:
    """Replace the ontology and reference graphs (and its inferred types) in one transaction."""
    gazetteer = gazetteer or Gazetteer.bundled()
    reference = gazetteer.reference_quads(iris, iris.reference_graph)
    inferred_graph = iris.inferred_graph(iris.reference_graph)
    store.write(
        replace={
            iris.ontology_graph: ontology_quads(iris.ontology_graph),
            iris.reference_graph: reference,
            inferred_graph: inferred_type_quads(reference, inferred_graph),
        }
    )


def load_seed_articles(store: Store, iris: Iris, gazetteer: Gazetteer | None = None) -> IngestSummary:
    """Ingest the bundled seed articles' facts."""
    with as_file(files("kg.data") / "seed") as seed_folder:
        return Ingestor(store, iris, gazetteer).ingest_paths([seed_folder])


def initialize(store: Store, settings: Settings) -> IngestSummary:
    """Load (or reload) the ontology, the reference data and the seed articles."""
    iris = Iris(settings.base_iri)
    gazetteer = Gazetteer.bundled()
    load_reference(store, iris, gazetteer)
    return load_seed_articles(store, iris, gazetteer)


def ensure_initialized(store: Store, settings: Settings) -> IngestSummary | None:
    """Recover from an interrupted ingest, then initialise an empty store when autoload is on."""
    drop_unfinished_writes(store, Iris(settings.base_iri))
    if settings.autoload and store.is_empty():
        return initialize(store, settings)
    return None
