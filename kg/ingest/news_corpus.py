"""A news corpus (JSON Lines) -> a draft per article (the rules engine) -> the graph; resumable.

Each article goes in as a facts file would (its own named graph, its record in the meta
graph), with its text and the SHA-256 of that text in its record. Writes go in batches, each
whole or absent after a crash (Ingestor.write). Re-running an import skips every article
already in the store with the same text: after a crash only what was lost is redone, and a
reviewed facts file that replaced an article's draft is never overwritten by a new draft of
the same text. A corpus id that is no slug becomes one (kg.model.iris.article_slug) and is
kept as dcterms:identifier.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import Settings
from kg.errors import ExtractionError, FactsError
from kg.extract import ArticleText
from kg.ingest.facts_quads import text_sha256
from kg.ingest.from_text import TextReader
from kg.ingest.known import KnownEntities
from kg.ingest.sources import RowError
from kg.ingest.sources.news_jsonl import CorpusFields, NewsRecord, read_corpus
from kg.ingest.writer import BATCH_ARTICLES, EncodedArticle, Ingestor, drop_unfinished_writes
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris, article_slug
from kg.model.vocab import NG, SCHEMA
from kg.store import Store

PARALLEL_FROM_ARTICLES = 32  # below this, starting worker processes costs more than it saves


@dataclass
class NewsSummary:
    """What a corpus import did: counts, and every rejected line with its number and reason."""

    lines: int = 0
    articles: int = 0
    facts: int = 0
    triples: int = 0
    skipped: int = 0  # already in the store with the same text
    dropped: int = 0  # candidate facts the engine dropped (see the drafts for why)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _Task:
    """One line on its way through the pool: an article to read, or a line already settled."""

    line: int
    article: ArticleText | None = None
    source_id: str | None = None
    settled: RowError | str | None = None  # an error, or "skipped"


@dataclass(frozen=True)
class _Done:
    line: int
    result: EncodedArticle | RowError | str
    dropped: int = 0


class NewsImporter:
    """Imports JSONL corpora into a store: extraction in worker processes, writes in this one."""

    def __init__(
        self,
        store: Store,
        iris: Iris,
        settings: Settings,
        *,
        publisher: str | None = None,
        processes: int | None = None,
        batch_articles: int = BATCH_ARTICLES,
    ) -> None:
        self.store = store
        self.iris = iris
        self.settings = settings
        self.publisher = publisher
        self.processes = processes or os.cpu_count() or 1
        self.batch_articles = batch_articles

    def import_file(
        self, path: Path, fields: CorpusFields, on_lines: Callable[[int], None] | None = None
    ) -> NewsSummary:
        """Import one corpus file; bad lines are reported in the summary and the rest loads."""
        summary = NewsSummary()
        drop_unfinished_writes(self.store, self.iris)
        gazetteer = Gazetteer.bundled()
        # The entities known at the start of the run; articles of this run see each other's
        # people only on the next run (the extractor builds its name matchers once per set).
        known = KnownEntities.from_store(self.store, self.iris, gazetteer)
        ingestor = Ingestor(self.store, self.iris, gazetteer, known)
        recorded = self._recorded_texts()
        # A first, cheap pass counts what is left to extract: a resumed import that has little
        # left to do starts no worker processes (each spends seconds loading the engine).
        limit = self.settings.max_article_bytes
        pending = sum(1 for r in read_corpus(path, fields, limit)
                      if isinstance(r, NewsRecord) and not self._unchanged(r, recorded))
        tasks = self._settle(read_corpus(path, fields, limit), recorded, path, summary)
        if self.processes > 1 and pending >= PARALLEL_FROM_ARTICLES:
            context = multiprocessing.get_context("spawn")  # fork would copy the open store
            initargs = (self.iris.base, known, self.settings)
            with context.Pool(self.processes, _worker_init, initargs) as pool:
                self._consume(pool.imap(_worker_run, tasks, chunksize=4), ingestor, summary, on_lines)
        else:
            reader = TextReader(self.iris, gazetteer=gazetteer, known=known, settings=self.settings)
            self._consume((_run(reader, t) for t in tasks), ingestor, summary, on_lines)
        return summary

    def _settle(
        self, records: Iterable[NewsRecord | RowError], recorded: dict[str, str], path: Path,
        summary: NewsSummary,
    ) -> Iterator[_Task]:
        """Every line as a task, in order, lazily; bad, repeated and unchanged lines settled here."""
        seen: dict[str, tuple[int, str]] = {}  # article id -> (line, corpus id)
        for record in records:
            summary.lines += 1
            if isinstance(record, RowError):
                yield _Task(record.line, settled=record)
                continue
            article_id = article_slug(record.source_id)
            first = seen.get(article_id)
            problem = None
            if not article_id:
                problem = f"id {record.source_id!r} has no letters or digits to name the article by"
            elif first is not None and first[1] == record.source_id:
                problem = f"id {record.source_id!r} is already the id of line {first[0]}"
            elif first is not None:
                problem = (f"id {record.source_id!r} makes the article id {article_id!r}, "
                           f"as {first[1]!r} of line {first[0]} does")
            if problem is not None:
                yield _Task(record.line, settled=RowError(str(path), record.line, problem))
                continue
            seen[article_id] = (record.line, record.source_id)
            if self._unchanged(record, recorded):
                yield _Task(record.line, settled="skipped")
                continue
            article = ArticleText(
                text=record.text,
                article_id=article_id,
                title=record.title,
                published=record.published,
                publisher=self.publisher,
                source_name=f"{path}, line {record.line}",
            )
            yield _Task(record.line, article=article, source_id=record.source_id)

    def _unchanged(self, record: NewsRecord, recorded: dict[str, str]) -> bool:
        """Whether the store has this article, ingested from this very text."""
        return recorded.get(self.iris.article(article_slug(record.source_id))) == text_sha256(record.text)

    def _recorded_texts(self) -> dict[str, str]:
        """Article IRI -> the SHA-256 of the text it was ingested from."""
        query = f"""SELECT ?a ?sha {{ GRAPH <{self.iris.meta_graph}> {{
            ?a a <{NG.Article}> ; {SCHEMA.sha256} ?sha }} }}"""
        return {row["a"].value: row["sha"].value for row in self.store.select(query)}

    def _consume(
        self,
        results: Iterable[_Done],
        ingestor: Ingestor,
        summary: NewsSummary,
        on_lines: Callable[[int], None] | None,
    ) -> None:
        batch: list[EncodedArticle] = []
        for done in results:
            if isinstance(done.result, EncodedArticle):
                batch.append(done.result)
                summary.dropped += done.dropped
            elif isinstance(done.result, RowError):
                summary.errors.append(done.result)
            else:
                summary.skipped += 1
            if len(batch) >= self.batch_articles:
                self._flush(batch, ingestor, summary)
                batch = []
            if on_lines is not None:
                on_lines(1)
        self._flush(batch, ingestor, summary)

    @staticmethod
    def _flush(batch: list[EncodedArticle], ingestor: Ingestor, summary: NewsSummary) -> None:
        ingestor.write(batch)
        for article in batch:
            summary.articles += 1
            summary.facts += article.fact_count
            summary.triples += article.triple_count


def _run(reader: TextReader, task: _Task) -> _Done:
    """Read one task's article into quads, or say why it cannot be."""
    if task.settled is not None or task.article is None:
        return _Done(task.line, task.settled or "skipped")
    where = task.article.source_name.rsplit(", line ", 1)[0]
    try:
        drafted = reader.draft(task.article, source_id=task.source_id)
        quads = reader.check(drafted.facts, task.article.source_name, task.article.text)
    except (FactsError, ExtractionError) as exc:
        message = str(exc).split(": ", 1)[-1] if isinstance(exc, ExtractionError) else _problems(exc)
        return _Done(task.line, RowError(where, task.line, message))
    return _Done(task.line, EncodedArticle.of(quads), len(drafted.draft.dropped))


def _problems(error: FactsError) -> str:
    return "the draft fails the facts checks: " + "; ".join(error.problems)


_worker_reader: TextReader | None = None


def _worker_init(base_iri: str, known: KnownEntities, settings: Settings) -> None:
    global _worker_reader
    _worker_reader = TextReader(Iris(base_iri), known=known, settings=settings)


def _worker_run(task: _Task) -> _Done:
    assert _worker_reader is not None
    return _run(_worker_reader, task)


def report_lines(summary: NewsSummary, elapsed: float, *, max_errors: int = 50) -> tuple[list[str], str]:
    """The rejected lines (at most ``max_errors``, then a count) and the one-line summary."""
    errors = [str(e) for e in summary.errors[:max_errors]]
    if len(summary.errors) > max_errors:
        errors.append(f"... and {len(summary.errors) - max_errors} more rejected line(s)")
    rate = summary.articles / max(elapsed, 1e-9)
    skipped = f"; {summary.skipped} already imported with the same text, skipped" if summary.skipped else ""
    line = (
        f"{summary.lines} line(s): {summary.articles} article(s), {summary.facts} fact(s), "
        f"{summary.triples} triple(s){skipped}; {len(summary.errors)} line(s) rejected; "
        f"{summary.dropped} candidate fact(s) dropped by the engine; {elapsed:.1f} s, {rate:.1f} articles/s"
    )
    return errors, line
