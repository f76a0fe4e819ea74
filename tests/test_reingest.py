"""Re-ingesting an article replaces its graph: idempotent, no duplicates, no leftovers."""

from __future__ import annotations

from pathlib import Path

from conftest import MEETING_FACTS

from kg.config import Settings
from kg.ingest.writer import Ingestor
from kg.model.iris import Iris
from kg.store import Store

FACTS = MEETING_FACTS


def snapshot(store: Store) -> set[str]:
    # Ingestion time changes on each run; everything else must be identical.
    return {
        str(q) for q in store.quads() if not q.predicate.value.endswith(("#generatedAtTime", "#endedAtTime"))
    }


def _ingested(tmp_path: Path) -> tuple[Path, Store, Ingestor]:
    """A facts file, and a fresh store with that file ingested once."""
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    store = Store(str(tmp_path / "store"))
    ingestor = Ingestor(store, Iris(Settings().base_iri))
    ingestor.ingest_paths([path])
    return path, store, ingestor


def test_reingest_is_idempotent(tmp_path: Path) -> None:
    path, store, ingestor = _ingested(tmp_path)
    first, size = snapshot(store), len(store)
    ingestor.ingest_paths([path])
    assert snapshot(store) == first
    assert len(store) == size


def test_reingest_removes_facts_dropped_from_the_file(tmp_path: Path) -> None:
    path, store, ingestor = _ingested(tmp_path)
    path.write_text(FACTS.replace("type: Meeting", "type: Visit"), encoding="utf-8")
    ingestor.ingest_paths([path])
    assert not store.ask("ASK { ?e a <https://w3id.org/newsgraph/ontology#Meeting> }")
    assert store.ask("ASK { ?e a <https://w3id.org/newsgraph/ontology#Visit> }")
    [row] = store.select("SELECT (COUNT(*) AS ?n) { ?a a <https://w3id.org/newsgraph/ontology#Article> }")
    assert row["n"].value == "1"
