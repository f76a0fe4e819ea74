"""Pages say which facts a machine read, and show the sentences their evidence points at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.config import Settings
from server import create_app

TEXT = ("Foreign Secretary Jack Straw met Iran's President Mohammad Khatami in Tehran. "
        "Mr Straw said the talks had gone well.")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("extracted")
    corpus = folder / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "world/straw-in-tehran", "title": "Straw in Tehran", "text": TEXT}) + "\n")
    store = folder / "store"
    result = subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), "import", "news",
                             str(corpus)], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NEWSGRAPH_AUTOLOAD": "false"})
    assert result.returncode == 0, result.stderr
    app = create_app(Settings(store=str(store), autoload=False))
    yield app.test_client()
    app.extensions["newsgraph"].close()


def test_the_article_page_shows_each_facts_sentence_not_its_offsets(client) -> None:
    html = client.get("/id/article/world--straw-in-tehran.html").get_data(as_text=True)
    assert '<blockquote class="evidence">Foreign Secretary Jack Straw met Iran&#39;s President' in html \
        or '<blockquote class="evidence">Foreign Secretary Jack Straw met Iran\'s President' in html
    assert "extracted automatically" in html
    assert "startOffset" not in html


def test_a_fact_page_says_it_was_extracted_automatically(client) -> None:
    html = client.get("/id/article/world--straw-in-tehran.html").get_data(as_text=True)
    start = html.index('href="', html.index("Facts this article contributed")) + len('href="')
    fact = html[start:html.index('"', start)].replace("http://localhost", "")
    page = client.get(fact + ".html").get_data(as_text=True)
    assert "Extracted automatically by the rules engine" in page


def test_a_reviewed_article_is_not_marked(client) -> None:
    seed = Path(__file__).resolve().parents[1] / "kg" / "data" / "seed" / "article-001.yaml"
    assert seed.exists()
    app = create_app(Settings(store=":memory:"))
    try:
        html = app.test_client().get("/id/article/article-001.html").get_data(as_text=True)
        assert "extracted automatically" not in html.lower()
    finally:
        app.extensions["newsgraph"].close()
