"""`kg import news`: a JSONL corpus into the graph, each article once, bad lines named, resumable.

The corpus is written by the tests from a template in our own words (no article text).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Settings
from kg.ingest.news_corpus import NewsImporter
from kg.ingest.sources.news_jsonl import CorpusFields
from kg.model.iris import Iris
from kg.store import Store

BASE = "https://w3id.org/newsgraph/"
META = f"<{BASE}graph/meta>"
PREFIXES = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
STATES = ["France", "Germany", "Japan", "Brazil", "India", "Kenya", "Canada", "Mexico", "Egypt",
          "Turkey", "Norway", "Chile", "Ghana", "Peru", "Spain", "Italy", "Poland", "Greece"]


def corpus_lines(count: int) -> list[dict[str, str]]:
    """Short reports of talks between two states, each different, with ids holding slashes."""
    lines = []
    pairs = [(a, b) for a in STATES for b in STATES if a != b]
    for n, (a, b) in enumerate(pairs[:count]):
        text = (f"Ministers from {a} and {b} held talks on fishing rights, item {n}. "
                f"{a} said it wanted a new agreement with {b} before the winter.")
        lines.append({"id": f"world/talks-{n:03d}", "title": f"{a} and {b} talk fish", "text": text})
    return lines


def write_jsonl(path: Path, rows: list[object]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(row if isinstance(row, str) else json.dumps(row))
            out.write("\n")
    return path


def import_news(store: Store, path: Path, **kwargs: object):
    importer = NewsImporter(store, Iris(BASE), Settings(store=":memory:"), processes=1, **kwargs)
    return importer.import_file(path, CorpusFields())


def article_count(store: Store) -> int:
    [row] = store.select(f"{PREFIXES} SELECT (COUNT(?a) AS ?n) {{ GRAPH {META} {{ ?a a ng:Article }} }}")
    return int(row["n"].value)


def test_a_corpus_loads_with_ids_texts_and_unknown_dates(tmp_path: Path) -> None:
    store = Store(None)
    summary = import_news(store, write_jsonl(tmp_path / "c.jsonl", corpus_lines(6)), publisher="BBC")
    assert (summary.lines, summary.articles, summary.errors) == (6, 6, [])
    assert summary.facts > 0 and article_count(store) == 6
    [row] = store.select(f"""{PREFIXES} SELECT ?id ?text ?unstated ?publisher {{ GRAPH {META} {{
        <{BASE}id/article/world--talks-004> dcterms:identifier ?id ; schema:text ?text ;
            ng:notStated ?unstated ; schema:publisher ?publisher }} }}""")
    assert row["id"].value == "world/talks-004"
    assert row["text"].value == corpus_lines(6)[4]["text"]
    # No date in the corpus: the graph says it is unknown rather than inventing one.
    assert row["unstated"].value == "http://schema.org/datePublished"
    assert row["publisher"].value == f"{BASE}id/source/bbc"
    assert not store.ask(f"{PREFIXES} ASK {{ ?a schema:datePublished ?d }}")
    # ... and the events it reports stay undated.
    assert store.ask(f"{PREFIXES} ASK {{ GRAPH <{BASE}graph/article/world--talks-004> "
                     f"{{ ?e ng:notStated ng:date }} }}")
    assert not store.ask(f"{PREFIXES} ASK {{ GRAPH <{BASE}graph/article/world--talks-004> {{ ?e ng:date ?d }} }}")


def test_every_article_records_the_engine_and_every_fact_its_confidence(tmp_path: Path) -> None:
    store = Store(None)
    import_news(store, write_jsonl(tmp_path / "c.jsonl", corpus_lines(3)))
    rows = store.select(f"""{PREFIXES} SELECT ?g ?engine ?version {{ GRAPH {META} {{
        ?g prov:wasGeneratedBy ?x . ?x prov:wasAssociatedWith ?agent .
        ?agent a prov:SoftwareAgent ; schema:name ?engine ; schema:softwareVersion ?version }} }}""")
    assert sorted(r["g"].value.rsplit("/", 1)[-1] for r in rows) == [
        "world--talks-000", "world--talks-001", "world--talks-002"]
    assert {r["engine"].value for r in rows} == {"rules"} and all(r["version"].value for r in rows)
    unsure = store.select(f"""{PREFIXES} SELECT ?f {{ GRAPH ?g {{ ?f ng:factKey ?k
        FILTER NOT EXISTS {{ ?f ng:confidence ?c }} }} }}""")
    assert unsure == []


def test_a_bad_line_is_reported_with_its_number_and_the_rest_loads(tmp_path: Path) -> None:
    good = corpus_lines(4)
    rows: list[object] = [
        good[0],
        "{not json",
        {"id": "world/no-text", "title": "A title"},
        {"id": "world/blank", "title": "A title", "text": "   "},
        good[1],
        {**good[2], "id": good[0]["id"]},  # the id of line 1 again
        {**good[3], "date": "last spring"},
        "",  # a blank line is no article, and no error
        ["a", "list"],
    ]
    summary = import_news(store := Store(None), write_jsonl(tmp_path / "c.jsonl", rows))
    reported = {e.line: e.reason for e in summary.errors}
    assert sorted(reported) == [2, 3, 4, 6, 7, 9]
    assert "not JSON" in reported[2]
    assert "no field 'text'" in reported[3] and "--text-field" in reported[3]
    assert "empty" in reported[4]
    assert "line 1" in reported[6]
    assert "date" in reported[7]
    assert "not an object" in reported[9]
    assert summary.articles == 2 and article_count(store) == 2
    assert all(str(e).startswith(f"{tmp_path / 'c.jsonl'}, line {e.line}: ") for e in summary.errors)


def test_a_rerun_skips_unchanged_articles_and_redoes_changed_ones(tmp_path: Path) -> None:
    store = Store(None)
    path = write_jsonl(tmp_path / "c.jsonl", corpus_lines(5))
    import_news(store, path)
    size = len(store)
    again = import_news(store, path)
    assert (again.skipped, again.articles) == (5, 0) and len(store) == size
    changed = corpus_lines(5)
    changed[2]["text"] = changed[2]["text"].replace("fishing rights", "fishing quotas")
    third = import_news(store, write_jsonl(path, changed))
    assert (third.skipped, third.articles) == (4, 1) and article_count(store) == 5
    [row] = store.select(f"{PREFIXES} SELECT ?t {{ <{BASE}id/article/world--talks-002> schema:text ?t }}")
    assert "fishing quotas" in row["t"].value


def _size(folder: Path) -> int:
    total = 0
    for entry in os.scandir(folder) if folder.exists() else ():
        with contextlib.suppress(FileNotFoundError):
            total += entry.stat().st_size
    return total


def test_an_import_killed_mid_way_then_resumed_has_every_article_once(tmp_path: Path) -> None:
    lines = corpus_lines(240)
    path = write_jsonl(tmp_path / "corpus.jsonl", lines)
    store_path = tmp_path / "store"
    env = {**os.environ, "NEWSGRAPH_STORE": str(store_path), "NEWSGRAPH_AUTOLOAD": "false"}
    command = [sys.executable, "-m", "kg.cli", "import", "news", str(path), "--processes", "1",
               "--batch-articles", "20"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Batches of 20 new articles take the journalled bulk path: kill once a few are in.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and _size(store_path) < 2_000_000:
        time.sleep(0.01)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    store = Store(str(store_path))
    partial = article_count(store)
    assert 0 < partial < len(lines), partial
    summary = import_news(store, path, batch_articles=20)
    assert summary.errors == []
    assert summary.skipped >= partial - 20  # a batch may have been cut off, and is redone
    assert summary.skipped + summary.articles == len(lines)
    assert article_count(store) == len(lines)
    graphs = [g for g in store.named_graphs() if "/graph/article/" in g and not g.endswith("/inferred")]
    assert len(graphs) == len(lines)
    per_article = store.select(f"""{PREFIXES} SELECT ?a (COUNT(?t) AS ?texts) {{ GRAPH {META} {{
        ?a a ng:Article ; schema:text ?t }} }} GROUP BY ?a HAVING (COUNT(?t) != 1)""")
    assert per_article == []
    assert not store.ask("ASK { ?g <https://w3id.org/newsgraph/ontology#writeInProgress> ?t }")


def test_the_cli_prints_a_summary_and_exits_1_on_rejected_lines(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [*corpus_lines(2), "[1, 2"])
    # In this process (click's runner): the engine is loaded already.
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "import", "news", str(path)],
                                env={"NEWSGRAPH_AUTOLOAD": "false"})
    assert result.exit_code == 1, result.stderr
    assert f"{path}, line 3: not JSON" in result.stderr
    assert "3 line(s): 2 article(s)" in result.stdout and "articles/s" in result.stdout


@pytest.mark.parametrize("field", ["--text-field", "--id-field", "--title-field"])
def test_field_names_are_options(tmp_path: Path, field: str) -> None:
    renamed = {"--text-field": "body", "--id-field": "uid", "--title-field": "headline"}[field]
    default = field.removeprefix("--").removesuffix("-field")
    rows = [{(renamed if k == default else k): v for k, v in row.items()} for row in corpus_lines(2)]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    store = Store(None)
    importer = NewsImporter(store, Iris(BASE), Settings(store=":memory:"), processes=1)
    summary = importer.import_file(path, CorpusFields(**{default: renamed}))
    assert (summary.articles, summary.errors) == (2, [])
