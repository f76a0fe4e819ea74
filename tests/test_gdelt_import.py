"""Importing the real GDELT samples: every row loaded or reported, concrete events found by SPARQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from kg.ingest.gdelt_quads import GdeltImporter, GdeltSummary
from kg.model.iris import Iris
from kg.model.vocab import NG
from kg.store import Store

GDELT = SHARED / "data" / "gdelt"
SAMPLES = sorted([*GDELT.glob("*.tsv"), *GDELT.glob("gdelt2_events_with_confidence_*.csv")])
BASE = "https://w3id.org/newsgraph/"
IRIS = Iris(BASE)
PREFIXES = """
PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _state(slug: str) -> str:
    return f"<{BASE}id/state/{slug}>"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, GdeltSummary]:
    store = Store(str(tmp_path_factory.mktemp("gdelt") / "store"))
    summary = GdeltImporter(store, IRIS).import_files(SAMPLES)
    return store, summary


def _one(store: Store, where: str) -> dict:
    # DISTINCT: a place or a source URL described in several chunk graphs shows up once per graph.
    rows = store.select(PREFIXES + f"SELECT DISTINCT * {{ {where} }}")
    assert len(rows) == 1, rows
    return {k: v.value for k, v in rows[0].items()}


def test_every_row_is_loaded_or_reported(imported: tuple[Store, GdeltSummary]) -> None:
    _store, summary = imported
    assert summary.files == len(SAMPLES) == 7
    assert summary.rows == 12_895 + 1_983
    assert (summary.events, summary.mentions, summary.errors) == (12_895, 1_983, [])
    assert summary.rows == summary.events + summary.mentions + len(summary.errors)


def test_events_are_counted_in_the_store(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, "{ SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e ng:gdeltEventId ?id } }")
    # Event ids are unique across the samples, so each row is one event.
    assert row["n"] == "12895"


def test_a_gdelt_2_visit(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    event = f"<{BASE}id/event/gdelt-881990868>"
    row = _one(store, f"""
        {event} a ng:Visit ; ng:cameoCode ?code ; ng:date ?date ; ng:datePrecision "day" ;
            ng:agent {_state('united-kingdom')} ; ng:recipient {_state('saudi-arabia')} ;
            prov:wasDerivedFrom ?url ; ng:goldsteinScale ?goldstein ; ng:mentionCount ?mentions .
        FILTER(datatype(?date) = xsd:date && datatype(?goldstein) = xsd:decimal)""")
    assert (row["code"], row["date"]) == ("042", "2019-09-24")
    assert row["url"].startswith("https://www.fltimes.com/business/business-of-the-week-b-c-auto-restoration")


def test_a_country_actor_with_a_role_code_is_its_state(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    assert store.ask(PREFIXES + f"""ASK {{ <{BASE}id/event/gdelt-881990861> ng:cameoCode "036" ;
        ng:agent {_state('china')} ; ng:recipient {_state('brazil')} }}""")


def test_a_58_column_gdelt_1_row(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, f"""
        <{BASE}id/event/gdelt-564111704> a ng:Accusation ; ng:cameoCode ?code ; ng:date ?date ;
            ng:agent {_state('china')} ; ng:recipient {_state('australia')} ; prov:wasDerivedFrom ?url .""")
    assert (row["code"], row["date"]) == ("112", "2016-07-27")
    assert row["url"].startswith("http://www.morningstaronline.co.uk/a-7348-China-US-accused")


def test_a_57_column_gdelt_1_row(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    event = f"<{BASE}id/event/gdelt-1552839>"
    row = _one(store, f"""
        {event} a ng:Threat , ng:Statement ; ng:cameoCode ?code ; ng:date ?date ;
            ng:agent {_state('canada')} ; ng:target {_state('poland')} ; ng:location ?where .""")
    assert (row["code"], row["date"], row["where"]) == ("1312", "1982-01-02", f"{BASE}id/state/canada")
    assert not store.ask(PREFIXES + f"ASK {{ {event} prov:wasDerivedFrom ?url }}")


def test_a_pandas_export_row_with_place_and_confidence(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, f"""
        <{BASE}id/event/gdelt-954680550> a ng:Fight , ng:MilitaryEvent ; ng:cameoCode "190" ;
            ng:date "2020-11-13"^^xsd:date ; ng:agent {_state('afghanistan')} ;
            ng:target {_state('united-kingdom')} ; ng:confidence ?confidence ; ng:location ?place ;
            prov:wasDerivedFrom ?url .
        ?place a ng:Place ; rdfs:label ?name ; ng:latitude ?lat ; ng:longitude ?long ;
            ng:locatedIn {_state('afghanistan')} .""")
    assert row["place"] == f"{BASE}id/place/gdelt-m3377342"
    assert row["name"] == "Helmand, Helmand, Afghanistan"
    assert (float(row["lat"]), float(row["long"]), float(row["confidence"])) == (31.0, 64.0, 0.1)
    assert row["url"].startswith("https://www.elystandard.co.uk/news/")


def test_gdelt_fights_are_fights_not_wars(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    fights = _one(store, '{ SELECT (COUNT(DISTINCT ?e) AS ?n) { ?e ng:gdeltEventId ?id ; a ng:Fight } }')
    assert int(fights["n"]) > 800
    assert not store.ask(PREFIXES + "ASK { ?e ng:gdeltEventId ?id ; a ng:ArmedConflict }")


def test_a_non_state_actor_gets_a_node_with_its_code(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, f"""
        <{BASE}id/event/gdelt-1552829> ng:agent ?actor .
        ?actor a ng:Organization ; ng:gdeltActorCode ?code ; rdfs:label ?name .""")
    assert (row["actor"], row["code"], row["name"]) == (
        f"{BASE}id/organization/gdelt-actor-buscvl", "BUSCVL", "BUSINESS",
    )


def test_a_known_group_is_our_organisation(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    assert store.ask(PREFIXES + f"""ASK {{ <{BASE}id/event/gdelt-881990833> ng:cameoCode "040" ;
        ng:recipient <{BASE}id/organization/european-union> }}""")


def test_a_mention_joins_its_event(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    url = "http://www.chinatopix.com/articles/108979/20161231/china-ivory-trading-animal-activists-ivory-african-elephants.htm"
    row = _one(store, f"""
        ?event ng:gdeltEventId "613300832" ; ng:cameoCode ?code ;
            prov:wasDerivedFrom <{url}> ; prov:qualifiedDerivation ?m .
        ?m prov:entity <{url}> ; prov:atTime ?when ; ng:confidence ?confidence .""")
    assert row["event"] == f"{BASE}id/event/gdelt-613300832"
    assert (row["when"], float(row["confidence"])) == ("2017-01-01T07:30:00Z", 1.0)


def test_inferred_types_are_in_the_inferred_graphs(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, f"""GRAPH ?g {{ <{BASE}id/event/gdelt-881990868> a ng:DiplomaticEvent }}""")
    assert row["g"].startswith(f"{BASE}graph/gdelt/gdelt2_export_20191024143000/lines-1-")
    assert row["g"].endswith("/inferred")


def test_each_chunk_has_its_provenance_record(imported: tuple[Store, GdeltSummary]) -> None:
    store, _ = imported
    row = _one(store, f"""GRAPH <{BASE}graph/meta> {{
        ?chunk prov:wasDerivedFrom <{BASE}graph/gdelt/gdelt1_events_sample_2016-07-28> ;
            prov:wasGeneratedBy ?activity . ?activity a prov:Activity }}""")
    assert row["chunk"] == f"{BASE}graph/gdelt/gdelt1_events_sample_2016-07-28/lines-1-710"


def test_reimport_is_idempotent_and_chunk_size_changes_replace_chunks(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    sample = GDELT / "gdelt1_events_sample_2016-07-28.tsv"
    first = GdeltImporter(store, IRIS, chunk_rows=300).import_files([sample])
    size = len(store)
    assert (first.chunks_written, first.events) == (3, 710)
    again = GdeltImporter(store, IRIS, chunk_rows=300).import_files([sample])
    assert (again.chunks_written, again.chunks_skipped, again.events_skipped, len(store)) == (0, 3, 710, size)
    regrouped = GdeltImporter(store, IRIS, chunk_rows=500).import_files([sample])
    assert (regrouped.chunks_written, regrouped.events) == (2, 710)
    chunks = [g for g in store.named_graphs() if "/graph/gdelt/" in g and not g.endswith("/inferred")]
    assert sorted(chunks) == [
        f"{BASE}graph/gdelt/gdelt1_events_sample_2016-07-28/lines-1-500",
        f"{BASE}graph/gdelt/gdelt1_events_sample_2016-07-28/lines-501-710",
    ]
    # Same facts, fewer chunk records (each chunk's actors and places are described once per chunk).
    data = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?e <https://w3id.org/newsgraph/ontology#gdeltEventId> ?id } }"
    assert store.select(data)[0]["n"].value == "710"


def test_a_changed_row_replaces_only_its_chunk(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    lines = (GDELT / "gdelt2_export_20170101073000.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "slice.tsv"
    path.write_text("".join(lines[:100]), encoding="utf-8")
    GdeltImporter(store, IRIS, chunk_rows=50).import_files([path])
    fields = lines[60].split("\t")
    fields[26] = "195"
    path.write_text("".join(lines[:60] + ["\t".join(fields)] + lines[61:100]), encoding="utf-8")
    summary = GdeltImporter(store, IRIS, chunk_rows=50).import_files([path])
    assert (summary.chunks_written, summary.chunks_skipped) == (1, 1)
    event = f"<{BASE}id/event/gdelt-{fields[0]}>"
    assert store.ask(PREFIXES + f'ASK {{ {event} a ng:Airstrike ; ng:cameoCode "195" }}')
    assert store.select(PREFIXES + f"SELECT ?c {{ {event} ng:cameoCode ?c }}")[0]["c"].value == "195"


def test_a_chunk_left_by_a_crashed_bulk_write_is_dropped(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    orphan = IRIS.gdelt_chunk_graph("crashed", 1, 10)
    # What a crash between a chunk's bulk load and its record leaves: the data, still marked.
    store.load(f"<{BASE}id/event/gdelt-1> <{BASE}x> <{BASE}y> <{orphan}> .\n"
               f"<{orphan}> <{NG.writeInProgress}> \"2025-01-01T00:00:00Z\" <{IRIS.meta_graph}> .\n".encode(),
               "application/n-quads")
    written_by_hand = IRIS.gdelt_chunk_graph("by-hand", 1, 10)  # no mark: not ours to drop
    store.load(f"<{BASE}id/event/gdelt-2> <{BASE}x> <{BASE}y> <{written_by_hand}> .\n".encode(),
               "application/n-quads")
    summary = GdeltImporter(store, IRIS).import_files([])
    assert summary.graphs_dropped == [orphan]
    assert not store.has_graph(orphan)
    assert store.has_graph(written_by_hand)


def test_a_malformed_row_is_reported_and_the_others_load(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    lines = (GDELT / "gdelt2_export_20191024143000.tsv").read_text(encoding="utf-8").splitlines()[:5]
    broken = lines[2].split("\t")
    broken[26] = "99"  # no CAMEO root 99
    path = tmp_path / "mixed.tsv"
    path.write_text("\n".join([lines[0], lines[1], "\t".join(broken), "a\tb", lines[4]]) + "\n", encoding="utf-8")
    summary = GdeltImporter(store, IRIS).import_files([path])
    assert summary.events == 3
    assert [(e.file, e.line) for e in summary.errors] == [(str(path), 3), (str(path), 4)]
    assert "CAMEO code '99'" in summary.errors[0].reason
    assert not store.ask(f"ASK {{ <{BASE}id/event/gdelt-{broken[0]}> ?p ?o }}")


def test_the_cli_imports_reports_and_exits_1_on_rejected_rows(tmp_path: Path) -> None:
    lines = (GDELT / "gdelt2_export_20170101073000.tsv").read_text(encoding="utf-8").splitlines()[:20]
    path = tmp_path / "cli.tsv"
    path.write_text("\n".join([*lines, "not\ta\tgdelt\trow"]) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    command = [sys.executable, "-m", "kg.cli", "--store", str(tmp_path / "store"), "import", "gdelt", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert f"{path}, line 21: 4 fields" in result.stderr
    assert "20 event(s)" in result.stdout and "1 row(s) rejected" in result.stdout
    assert "events/s" in result.stdout and "triples/s" in result.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 1 and "1 chunk(s) already imported (20 event(s)" in again.stdout


def test_a_file_that_is_no_gdelt_is_refused_in_one_line_before_anything_is_written(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("\n".join((GDELT / "gdelt2_export_20170101073000.tsv").read_text(
        encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8")
    labels = GDELT / "gdelt2_events_column_labels.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    store = tmp_path / "store"
    command = [sys.executable, "-m", "kg.cli", "--store", str(store), "import", "gdelt", str(good), str(labels)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    [message] = [line for line in result.stderr.splitlines() if line.startswith("kg: ")]
    assert f"{labels} does not look like a GDELT file" in message
    assert result.stderr.count(str(labels)) == 1  # one line, not one per row
    asked = subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), "query", "--format", "csv",
                            "SELECT (COUNT(*) AS ?n) { ?e ng:gdeltEventId ?id }"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert asked.stdout.split()[-1] == "0"  # the good file was not imported either
