"""The `kg` command, run as users run it: a real process, a real store on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEETING_FACTS
from rdflib import Dataset

FACTS = MEETING_FACTS.replace("test-1", "cli-test")


def kg(store: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = kg(path, "stats")  # first use of an empty store loads the seed data
    assert result.returncode == 0, result.stderr
    return path


def test_first_use_loads_ontology_reference_and_seed(store: Path) -> None:
    out = kg(store, "stats").stdout
    assert "articles  1" in out
    assert "ng:State" in out and "ng:Meeting" in out


def test_query_as_json(store: Path) -> None:
    result = kg(
        store,
        "query",
        "--format",
        "json",
        "SELECT ?l { ?s <https://w3id.org/newsgraph/ontology#iso3166Alpha2> 'IR' ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    )
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [b["l"]["value"] for b in bindings] == ["Iran"]


def test_query_from_stdin_as_table(store: Path) -> None:
    result = kg(store, "query", "--file", "-", stdin="SELECT (1+1 AS ?two) {}")
    assert result.stdout.splitlines()[0].strip() == "two"
    assert "2" in result.stdout and "(1 row)" in result.stdout


def test_malformed_query_exits_2_with_the_line_a_caret_and_a_hint(store: Path) -> None:
    result = kg(store, "query", "SELEKT * { ?s ?p ?o }")
    assert result.returncode == 2
    assert result.stderr.startswith("kg: line 1, column ")
    assert "\n  SELEKT * { ?s ?p ?o }\n" in result.stderr and "  ^" in result.stderr
    assert "did you mean SELECT?" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_knows_the_well_known_prefixes_as_the_endpoint_does(store: Path) -> None:
    result = kg(store, "query", "--format", "csv", "SELECT ?a { ?a a ng:Article ; rdfs:label ?l }")
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/newsgraph/id/article/" in result.stdout


def test_export_nquads_parses_back(store: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", str(store), "export", "--format", "nquads"],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    assert len(dataset) > 2000
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/newsgraph/graph/article/article-001" in graphs


def test_validate_passes_on_demo_data(store: Path) -> None:
    result = kg(store, "validate")
    assert result.returncode == 0, result.stdout
    assert "conforms" in result.stdout


def test_ingest_reports_summary_and_rejects_bad_files(store: Path, tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(FACTS, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(FACTS.replace("cli-test", "cli-bad").replace("Monday", "someday"))
    result = kg(store, "ingest", str(tmp_path))
    assert result.returncode == 1
    assert "1 article(s)" in result.stdout and "1 file(s) rejected" in result.stdout
    assert "bad.yaml" in result.stderr and "field 'date'" in result.stderr


def test_load_turtle_into_a_named_graph(store: Path, tmp_path: Path) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text("<http://example.org/a> <http://example.org/b> 'c' .\n", encoding="utf-8")
    result = kg(store, "load", str(data), "--graph", "http://example.org/g")
    assert result.returncode == 0, result.stderr
    assert "1 quad(s)" in result.stdout
    out = kg(store, "query", "--format", "csv", "SELECT ?o { GRAPH <http://example.org/g> { ?s ?p ?o } }")
    assert out.stdout.splitlines() == ["o", "c"]


def test_load_unparsable_file_names_it(store: Path, tmp_path: Path) -> None:
    data = tmp_path / "broken.nt"
    data.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    result = kg(store, "load", str(data))
    assert result.returncode == 2
    assert "broken.nt" in result.stderr


def test_bad_base_iri_is_refused(tmp_path: Path) -> None:
    result = kg(tmp_path / "s", "--base-iri", "not an iri", "stats")
    assert result.returncode == 2 and "base IRI" in result.stderr


def test_validate_fails_with_a_report_on_a_broken_fact(tmp_path: Path) -> None:
    path = tmp_path / "store"
    assert kg(path, "stats").returncode == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "<http://example.org/e> a <https://w3id.org/newsgraph/ontology#Meeting> ; "
        "<https://w3id.org/newsgraph/ontology#confidence> 1.5 .\n",
        encoding="utf-8",
    )
    assert kg(path, "load", str(broken), "--graph", "http://example.org/g").returncode == 0
    result = kg(path, "validate")
    assert result.returncode == 1
    assert "http://example.org/e" in result.stdout
    assert "does not conform" in result.stdout


def test_query_refuses_a_service_outside_the_allowlist(store: Path) -> None:
    result = kg(store, "query", "SELECT * { SERVICE <http://169.254.169.254/sparql> { ?s ?p ?o } }")
    assert result.returncode == 2
    assert "169.254.169.254" in result.stderr and "NEWSGRAPH_ALLOWED_SERVICES" in result.stderr


def test_ingest_of_a_folder_without_facts_files_says_so(store: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("no facts here")
    result = kg(store, "ingest", str(tmp_path))
    assert result.returncode == 2
    assert "no facts files (.yaml, .yml) or article texts (.txt)" in result.stderr


@pytest.mark.parametrize("output_format", ["xml", "json", "csv", "tsv"])
def test_query_output_ends_with_a_newline(store: Path, output_format: str) -> None:
    result = kg(store, "query", "--format", output_format, "SELECT (1 AS ?x) {}")
    assert result.returncode == 0 and result.stdout.endswith("\n")
