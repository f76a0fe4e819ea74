"""Facts files -> checked facts -> quads -> atomic writes into the store.

The steps: read (kg.sources) -> map and check (kg.ingest) -> write (kg.store), in batches.
A file that fails any check is reported and writes nothing; the others still load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import FactsError
from kg.facts import ArticleFacts
from kg.gazetteer import Gazetteer
from kg.ingest import ArticleQuads, article_quads
from kg.iris import Iris
from kg.sources.facts_yaml import parse_facts, read_facts_file
from kg.store import Store

FACTS_SUFFIXES = (".yaml", ".yml")
BATCH_ARTICLES = 200


@dataclass
class IngestSummary:
    """What an ingestion run did: counts, and one error message per rejected file."""

    articles: int = 0
    facts: int = 0
    triples: int = 0
    errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def add(self, article: ArticleQuads) -> None:
        self.articles += 1
        self.facts += article.fact_count
        self.triples += article.triple_count
        self.article_ids.append(article.article_id)


def facts_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every *.yaml / *.yml below the named folders, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in FACTS_SUFFIXES))
        else:
            found.append(path)
    return found


class Ingestor:
    """Maps facts to quads for one store's IRI scheme and gazetteer, and writes them."""

    def __init__(self, store: Store, iris: Iris, gazetteer: Gazetteer | None = None) -> None:
        self.store = store
        self.iris = iris
        self.gazetteer = gazetteer or Gazetteer.bundled()

    def map(self, facts: ArticleFacts, source_name: str, text_length: int | None = None) -> ArticleQuads:
        """One article's quads. :raises FactsError: when a fact cannot be mapped."""
        return article_quads(
            facts,
            iris=self.iris,
            resolve=self.gazetteer.resolve,
            source_name=source_name,
            ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            text_length=text_length,
        )

    def write(self, articles: list[ArticleQuads]) -> None:
        """Replace each article's graphs and metadata, all in one transaction."""
        if not articles:
            return
        replace: dict = {}
        meta_quads = []
        subjects: list[str] = []
        for article in articles:
            replace.update(article.graphs)
            meta_quads.extend(article.meta)
            subjects.extend(article.meta_subjects)
        self.store.write(replace=replace, clear_subjects={self.iris.meta_graph: subjects}, insert=meta_quads)

    def ingest_text(self, text: str, name: str) -> ArticleQuads:
        """Check and write one facts document given as text (e.g. from an HTTP request).

        :raises FactsError: when it is malformed; nothing is written then.
        """
        article = self.map(parse_facts(text, name), name)
        self.write([article])
        return article

    def ingest_paths(
        self, paths: Iterable[str | Path], on_file: Callable[[Path], None] | None = None
    ) -> IngestSummary:
        """Ingest every facts file under ``paths``; bad files are reported in the summary."""
        summary = IngestSummary()
        for batch in _batches(self._mapped(facts_files(paths), summary, on_file), BATCH_ARTICLES):
            self.write(batch)
            for article in batch:
                summary.add(article)
        return summary

    def _mapped(
        self, files: list[Path], summary: IngestSummary, on_file: Callable[[Path], None] | None
    ) -> Iterator[ArticleQuads]:
        seen: dict[str, Path] = {}
        for path in files:
            if on_file is not None:
                on_file(path)
            try:
                facts = read_facts_file(path)
                first = seen.get(facts.article.id)
                if first is not None:
                    problem = f"article, field 'id': {facts.article.id!r} is already the id of {first}"
                    raise FactsError(str(path), [problem])
                text_length = _text_length(path, facts)
                yield self.map(facts, str(path), text_length)
                seen[facts.article.id] = path
            except FactsError as exc:
                summary.errors.append(str(exc))


def _text_length(path: Path, facts: ArticleFacts) -> int | None:
    if facts.article.text_file is None:
        return None
    text_path = path.parent / facts.article.text_file
    try:
        return len(text_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FactsError(str(path), [f"article, field 'text_file': cannot read {text_path}: {exc}"]) from exc


def _batches(items: Iterable[ArticleQuads], size: int) -> Iterator[list[ArticleQuads]]:
    batch: list[ArticleQuads] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
