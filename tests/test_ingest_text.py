"""From text straight into the graph: `kg ingest FILE.txt`, the extraction's PROV-O record, a
reviewed facts file replacing the machine draft, and drafts that fail the checks (never written).

Texts and drafts are written for these tests; the CLI runs in this process (click's runner).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.errors import FactsError
from kg.ingest.from_text import TextReader
from kg.model.iris import Iris
from kg.store import Store

BASE = "https://w3id.org/newsgraph/"
PREFIXES = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
TEXT = (
    "Russian President Vladimir Putin met Abbas Araghchi, Iran's foreign minister, in Moscow. "
    "Araghchi said Tehran wanted closer ties with Russia.\n"
)


@dataclass(frozen=True)
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def kg(store: Path, *args: str) -> Ran:
    result = CliRunner().invoke(main, ["--store", str(store), *args], env={"NEWSGRAPH_AUTOLOAD": "false"})
    ran = Ran(result.exit_code, result.stdout, result.stderr)
    # The result's traceback holds the command's store (and its lock); exiting would drop it.
    del result
    gc.collect()
    return ran


def open_store(path: Path) -> Store:
    return Store(str(path))


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "moscow-talks.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_text_is_extracted_and_ingested_with_its_provenance(tmp_path: Path, story: Path) -> None:
    result = kg(tmp_path / "store", "ingest", str(story))
    assert result.exit_code == 0, result.stderr
    assert "1 article(s)" in result.stdout
    store = open_store(tmp_path / "store")
    [row] = store.select(f"""{PREFIXES} SELECT ?engine ?version ?text ?label {{
        <{BASE}graph/article/moscow-talks> prov:wasGeneratedBy ?extraction .
        ?extraction a prov:Activity ; rdfs:label ?label ; prov:used <{BASE}id/article/moscow-talks> ;
            prov:wasAssociatedWith [ a prov:SoftwareAgent ; schema:name ?engine ; schema:softwareVersion ?version ] .
        <{BASE}id/article/moscow-talks> schema:text ?text }}""")
    assert row["engine"].value == "rules" and row["version"].value
    assert "rules engine" in row["label"].value
    assert row["text"].value == TEXT  # the user's text, exactly as given
    assert store.ask(f"{PREFIXES} ASK {{ GRAPH <{BASE}graph/article/moscow-talks> {{ ?f ng:confidence ?c }} }}")


def test_a_reviewed_facts_file_replaces_the_machine_draft(tmp_path: Path, story: Path) -> None:
    drafts = tmp_path / "drafts"
    assert kg(tmp_path / "store", "extract", str(story), "--output-dir", str(drafts)).exit_code == 0
    assert kg(tmp_path / "store", "ingest", str(story)).exit_code == 0
    # The reviewer keeps one fact of their own, and marks the file reviewed.
    draft = yaml.safe_load((drafts / "moscow-talks.yaml").read_text(encoding="utf-8"))
    del draft["article"]["extracted_by"]
    draft["facts"] = [{"key": "talks", "type": "Meeting", "label": "Putin receives Araghchi",
                       "participant": ["Vladimir Putin", "Abbas Araghchi"], "location": "place/moscow",
                       "evidence": [{"start": 0, "end": 89}], "confidence": 1.0}]
    reviewed = drafts / "moscow-talks.yaml"
    reviewed.write_text(yaml.safe_dump(draft, sort_keys=False), encoding="utf-8")
    result = kg(tmp_path / "store", "ingest", str(reviewed))
    assert result.exit_code == 0, result.stderr
    store = open_store(tmp_path / "store")
    keys = store.select(f"{PREFIXES} SELECT ?k {{ GRAPH <{BASE}graph/article/moscow-talks> {{ ?f ng:factKey ?k }} }}")
    assert [r["k"].value for r in keys] == ["talks"]
    assert not store.ask(f"{PREFIXES} ASK {{ ?x prov:wasAssociatedWith ?engine }}")
    assert not store.ask(f"{PREFIXES} ASK {{ ?engine a prov:SoftwareAgent }}")
    # The reviewed file names its text (text_file), which stays with the article.
    assert store.ask(f"{PREFIXES} ASK {{ <{BASE}id/article/moscow-talks> schema:text ?t }}")
    [row] = store.select(f"{PREFIXES} SELECT (COUNT(*) AS ?n) {{ ?a a ng:Article }}")
    assert row["n"].value == "1"


def test_an_unreadable_text_stops_the_command_before_anything_is_written(tmp_path: Path, story: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    result = kg(tmp_path / "store", "ingest", str(story), str(binary))
    assert result.exit_code == 2
    assert str(binary) in result.stderr and "NUL byte" in result.stderr
    assert not open_store(tmp_path / "store").ask("ASK { GRAPH ?g { ?s ?p ?o } }")


UNDATED_DRAFT = """
article:
  id: business--undated-report
  source_id: business/undated-report
  title: An undated report
  extracted_by: {engine: rules, version: test}
entities:
  - {key: person/jane-roe, type: Person, label: Jane Roe, confidence: 0.7, evidence: [{start: 0, end: 8}]}
  - {key: state/russia, type: State, label: Russia, known: true}
facts:
  - {kind: tenure, key: roe-minister, person: person/jane-roe, office: Minister of Foreign Affairs of Iran,
     former: true, confidence: 0.8}
  - {key: talks, type: Meeting, label: Roe meets Putin, participant: [Jane Roe, Vladimir Putin], confidence: 0.6}
"""


def test_an_undated_draft_says_what_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "undated.yaml"
    path.write_text(UNDATED_DRAFT, encoding="utf-8")
    result = kg(tmp_path / "store", "ingest", str(path))
    assert result.exit_code == 0, result.stderr
    store = open_store(tmp_path / "store")
    article = f"<{BASE}id/article/business--undated-report>"
    [row] = store.select(f"{PREFIXES} SELECT ?id {{ {article} dcterms:identifier ?id ; "
                         "ng:notStated schema:datePublished , schema:publisher }")
    assert row["id"].value == "business/undated-report"
    graph = f"<{BASE}graph/article/business--undated-report>"
    assert store.ask(f"{PREFIXES} ASK {{ GRAPH {graph} {{ ?e ng:factKey 'talks' ; ng:notStated ng:date "
                     "FILTER NOT EXISTS { ?e ng:date ?d } } }")
    assert store.ask(f"{PREFIXES} ASK {{ GRAPH {graph} {{ ?t ng:former true ; ng:notStated ng:startDate }} }}")
    # A new entity keeps its confidence and evidence; a known one declares nothing.
    assert store.ask(f"{PREFIXES} ASK {{ GRAPH {graph} {{ <{BASE}id/person/jane-roe> ng:confidence 0.7 ; "
                     "ng:evidence ?span } }")
    assert not store.ask(f"{PREFIXES} ASK {{ GRAPH {graph} {{ <{BASE}id/state/russia> ?p ?o }} }}")


def test_a_person_ingested_once_is_known_the_next_time(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    first.write_text(UNDATED_DRAFT, encoding="utf-8")
    second = tmp_path / "second.yaml"
    second.write_text("""
article: {id: later-report, title: A later report, publisher: Reuters, published: 2025-07-01}
entities:
  - {key: person/jane-roe, type: Person, label: Jane Roe, known: true}
facts:
  - {key: visit, type: Visit, label: Roe visits Berlin, agent: [Jane Roe], location: Berlin}
""", encoding="utf-8")
    assert kg(tmp_path / "store", "ingest", str(first)).exit_code == 0
    result = kg(tmp_path / "store", "ingest", str(second))
    assert result.exit_code == 0, result.stderr
    store = open_store(tmp_path / "store")
    assert store.ask(f"ASK {{ GRAPH <{BASE}graph/article/later-report> {{ ?v ?role <{BASE}id/person/jane-roe> }} }}")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        # A relative date needs the publication date, which this article does not have.
        (("label: Roe meets Putin,", "label: Roe meets Putin, date: Monday,"), "fact 2 (key 'talks'), field 'date'"),
        (("{key: state/russia, type: State", "{key: person/nobody-known, type: Person"),
         "entity 2 (key 'person/nobody-known'), field 'known'"),
        (("type: State, label: Russia", "type: Person, label: Russia"), "field 'type': state/russia is a State"),
    ],
    ids=["relative-date", "unknown-known", "wrong-type"],
)
def test_a_draft_that_fails_the_checks_is_named_and_not_ingested(
    tmp_path: Path, change: tuple[str, str], named: str
) -> None:
    path = tmp_path / "draft.yaml"
    assert change[0] in UNDATED_DRAFT
    path.write_text(UNDATED_DRAFT.replace(*change), encoding="utf-8")
    result = kg(tmp_path / "store", "ingest", str(path))
    assert result.exit_code == 1
    assert named in result.stderr, result.stderr
    assert not open_store(tmp_path / "store").ask("ASK { GRAPH ?g { ?s ?p ?o } }")


def test_a_hand_built_draft_goes_through_the_same_checks() -> None:
    reader = TextReader(Iris(BASE))
    draft = yaml.safe_load(UNDATED_DRAFT.replace("label: Roe meets Putin,", "label: Roe meets Putin, date: Monday,"))
    with pytest.raises(FactsError) as caught:
        reader.check(draft, "draft of undated.txt", text="Jane Roe met Vladimir Putin on Monday.")
    assert "fact 2 (key 'talks'), field 'date'" in str(caught.value)
    assert "publication date" in str(caught.value)
