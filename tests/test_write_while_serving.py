"""The README's order: `kg serve`, then `kg ingest` (and every other command) from another process.

The server leaves a notice in its store folder (kg.store.serving); commands find it and go
through the server with the owner's token, so nobody passes a token on their own machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from conftest import MEETING_FACTS
from endpoint_server import serve_newsgraph

from kg.store.serving import NOTICE_NAME, announce, running_server, withdraw

TEXT = "Vladimir Putin met Abbas Araghchi in Moscow on Monday for talks on the nuclear file."
ARTICLE = "https://w3id.org/newsgraph/id/article/test-1"
LIMIT = 20_000  # max_request_bytes: the owner's writes are not held to it


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serving")
    # No write token: only the owner, through the notice, may write.
    with serve_newsgraph(folder, folder / "store", workers="1", max_request_bytes=str(LIMIT)) as server:
        yield server, folder


def kg(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    return subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(folder / "store"), *args],
                          capture_output=True, text=True, timeout=120, env=env)


def triples_in(server, graph: str) -> int:
    """How many triples the server holds in one graph."""
    answer = requests.get(server.sparql, timeout=30, params={
        "query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_the_notice_is_the_owners_alone(served) -> None:
    server, folder = served
    notice = folder / "store" / NOTICE_NAME
    assert notice.stat().st_mode & 0o777 == 0o600
    assert json.loads(notice.read_text())["endpoint"] == server.sparql


def test_ingest_while_serving_then_see_it_over_http(served) -> None:
    server, folder = served
    (folder / "a.txt").write_text(TEXT)
    facts = folder / "a.yaml"
    facts.write_text(MEETING_FACTS.replace("published: 2025-06-23}", "published: 2025-06-23, text_file: a.txt}"))
    result = kg(folder, "ingest", str(facts))
    assert result.returncode == 0, result.stderr
    assert "served by `kg serve`" in result.stderr
    page = requests.get(server.url + "/id/article/test-1", headers={"Accept": "text/turtle"}, timeout=30)
    assert page.status_code == 200 and "test-1" in page.text
    # The same checks as without a server: a file that does not map is refused, whole.
    bad = folder / "bad.yaml"
    bad.write_text(MEETING_FACTS.replace("test-1", "test-bad").replace("type: Meeting", "type: Meting"))
    refused = kg(folder, "ingest", str(bad))
    assert refused.returncode == 1 and "field 'type'" in refused.stderr
    ask = requests.get(server.sparql, params={"query": f"ASK {{ <{ARTICLE.replace('test-1', 'test-bad')}> ?p ?o }}"},
                       timeout=30)
    assert ask.json()["boolean"] is False


def test_reading_commands_work_while_serving(served) -> None:
    _, folder = served
    stats = kg(folder, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "articles" in stats.stdout
    query = kg(folder, "query", "--format", "json", "ASK { ?s ?p ?o }")
    assert query.returncode == 0 and json.loads(query.stdout) is True
    export = kg(folder, "export", "--format", "nquads")
    assert export.returncode == 0 and "<https://w3id.org/newsgraph/graph/ontology>" in export.stdout
    # The whole dataset, read from the server's dump in one request.
    count = kg(folder, "query", "--format", "csv", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert len(export.stdout.splitlines()) == int(count.stdout.split()[-1])
    assert kg(folder, "validate").returncode in (0, 1)  # it ran: 1 only means the data does not conform


def test_the_owner_writes_more_than_a_request_may_carry(served) -> None:
    server, folder = served
    big = folder / "big.ttl"
    big.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{'x' * 40}\" .\n"
                           for i in range(1000)))
    assert big.stat().st_size > LIMIT
    result = kg(folder, "load", "--graph", "http://example.org/big", str(big))
    assert result.returncode == 0, result.stderr
    assert triples_in(server, "http://example.org/big") == 1000


def test_others_still_cannot_write(served) -> None:
    server, _ = served
    answer = requests.post(server.sparql, data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, timeout=30)
    assert answer.status_code == 403


def test_delete_while_serving_makes_the_page_a_404(served) -> None:
    server, folder = served
    assert requests.get(server.url + "/id/article/test-1.ttl", timeout=30).status_code == 200
    result = kg(folder, "delete", "article", "test-1")
    assert result.returncode == 0, result.stderr
    assert requests.get(server.url + "/id/article/test-1.ttl", timeout=30).status_code == 404


def test_a_notice_others_may_read_or_of_a_dead_process_is_not_trusted(tmp_path: Path) -> None:
    notice = announce(tmp_path, "http://127.0.0.1:1/sparql")
    assert running_server(tmp_path) == notice
    (tmp_path / NOTICE_NAME).chmod(0o644)
    assert running_server(tmp_path) is None
    (tmp_path / NOTICE_NAME).chmod(0o600)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    fields = json.loads((tmp_path / NOTICE_NAME).read_text())
    (tmp_path / NOTICE_NAME).write_text(json.dumps({**fields, "pid": int(dead.stdout)}))
    assert running_server(tmp_path) is None
    withdraw(tmp_path, notice)  # not this notice any more: left alone
    assert (tmp_path / NOTICE_NAME).exists()


def test_an_owners_chunked_body_is_read_whole(served) -> None:
    server, folder = served
    token = json.loads((folder / "store" / NOTICE_NAME).read_text())["token"]
    lines = [f"<http://example.org/c{i}> <http://example.org/p> \"{'y' * 40}\" .\n" for i in range(1000)]
    update = "INSERT DATA { GRAPH <http://example.org/chunked> {\n" + "".join(lines) + "} }"
    body = update.encode()
    chunks = (body[i:i + 4096] for i in range(0, len(body), 4096))  # requests sends a generator chunked
    answer = requests.post(server.sparql, data=chunks, timeout=60, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"})
    assert answer.status_code == 204, answer.text
    assert triples_in(server, "http://example.org/chunked") == 1000


def test_init_and_import_news_while_serving(served) -> None:
    server, folder = served
    init = kg(folder, "init")
    assert init.returncode == 0, init.stderr
    assert "seed article(s) loaded" in init.stdout
    corpus = folder / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "world/served", "title": "Talks while serving", "text": TEXT}) + "\n")
    imported = kg(folder, "import", "news", str(corpus))
    assert imported.returncode == 0, imported.stderr
    page = requests.get(server.url + "/id/article/world--served.ttl", timeout=30)
    assert page.status_code == 200
    again = kg(folder, "import", "news", str(corpus))
    assert "1 already imported with the same text, skipped" in again.stdout
