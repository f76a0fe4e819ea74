"""Facts files -> checked facts -> quads -> atomic writes into the store.

The steps: read (kg.ingest.sources) -> map and check (kg.ingest.facts_quads) -> write (kg.store), in batches.
A file that fails any check is reported and writes nothing; the others still load.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg.errors import ArticleNotFoundError, ExtractionError, FactsError, ResolutionError
from kg.ingest.facts_quads import ArticleQuads, article_quads
from kg.ingest.known import KnownEntities
from kg.ingest.sources.facts_yaml import parse_facts, read_facts_file
from kg.ingest.sources.news_text import read_article
from kg.model.facts import ArticleFacts
from kg.model.formats import N_QUADS
from kg.model.gazetteer import Entity, Gazetteer
from kg.model.iris import Iris, is_article_id
from kg.model.vocab import NG, XSD
from kg.store import Store

FACTS_SUFFIXES = (".yaml", ".yml")
BATCH_ARTICLES = 100
BULK_FROM_ARTICLES = 20  # smaller batches (one article over HTTP) stay in one transaction
NQUADS = N_QUADS.media_type
PARALLEL_FROM_FILES = 64


@dataclass
class IngestSummary:
    """What an ingestion run did: counts, and one error message per rejected file."""

    articles: int = 0
    facts: int = 0
    triples: int = 0
    errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # of written articles: mapped, perhaps not as meant

    def add(self, article: EncodedArticle) -> None:
        self.articles += 1
        self.facts += article.fact_count
        self.triples += article.triple_count
        self.article_ids.append(article.article_id)
        self.warnings += article.warnings


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

    def __init__(
        self, store: Store, iris: Iris, gazetteer: Gazetteer | None = None,
        known: KnownEntities | None = None, *, strict: bool = False,
    ) -> None:
        self.store = store
        self.iris = iris
        self.gazetteer = gazetteer or Gazetteer.bundled()
        self._known = known
        self.strict = strict  # what would be a warning (a name of another kind) rejects the file

    @property
    def known(self) -> KnownEntities:
        """The entities earlier articles declared; read from the store when first needed."""
        if self._known is None:
            self._known = KnownEntities.from_store(self.store, self.iris, self.gazetteer)
        return self._known

    def resolver(self, article_id: str) -> Callable[[str], Entity]:
        """Names resolve through the gazetteer, then through what other articles declared."""
        graph = self.iris.article_graph(article_id)

        def resolve(ref: str) -> Entity:
            try:
                return self.gazetteer.resolve(ref)
            except ResolutionError:
                # The graph is read only on a name the gazetteer lacks: most files never need it.
                found = self.known.lookup(ref, graph)
                if found is None:
                    raise
                return found

        return resolve

    def map(
        self, facts: ArticleFacts, source_name: str, text_length: int | None = None,
        text: str | None = None,
    ) -> ArticleQuads:
        """One article's quads, ``text`` stored with it. :raises FactsError: when a fact cannot be mapped."""
        return article_quads(
            facts,
            iris=self.iris,
            resolve=self.resolver(facts.article.id),
            source_name=source_name,
            ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            text_length=text_length,
            text=text,
            strict=self.strict,
        )

    def map_file(self, path: Path) -> EncodedArticle:
        """Read, check and map one facts file. :raises FactsError: naming file, fact and field."""
        facts = read_facts_file(path)
        return EncodedArticle.of(self.map(facts, str(path), text=_article_text(path, facts)))

    def write(self, articles: list[EncodedArticle]) -> None:
        """Write each article's graphs and metadata so that a crash leaves every article whole or absent.

        A large batch of new articles takes the journalled path: their graphs go in with the
        bulk loader (fast, not transactional), then their metadata in one transaction, which
        marks them complete (bulk_write); drop_unfinished_writes undoes what a crash left.
        Everything else is one transaction.
        """
        if not articles:
            return
        facts = b"".join(a.facts_nquads for a in articles)
        meta = b"".join(a.meta_nquads for a in articles)
        # Records of an article whose graphs were deleted may remain: they are replaced too.
        subjects = [s for a in articles for s in a.meta_subjects]
        graphs = [g for a in articles for g in a.graphs]
        if len(articles) >= BULK_FROM_ARTICLES and not any(self.store.has_graph(g) for g in graphs):
            bulk_write(self.store, self.iris, graphs, facts, meta, stale_subjects=subjects)
            return
        quads = list(parse_nquads(facts + meta))
        replaced = set(graphs)
        self.store.write(
            replace={g: [q for q in quads if q.graph_name.value == g] for g in replaced},
            clear_subjects={self.iris.meta_graph: subjects},
            insert=[q for q in quads if q.graph_name.value not in replaced],
        )

    def ingest_text(self, text: str, name: str, *, article_text: str | None = None) -> ArticleQuads:
        """Check and write one facts document given as text (e.g. from an HTTP request).

        article_text is the article's text, stored with it and the evidence checked against
        it as `kg ingest` checks it against the file a text_file names.
        :raises FactsError: when it is malformed; nothing is written then.
        """
        return self.ingest_facts(parse_facts(text, name), name, article_text=article_text)

    def ingest_facts(
        self, facts: ArticleFacts, name: str, *, article_text: str | None = None
    ) -> ArticleQuads:
        """Check and write one article's facts, read already (see ingest_text).

        :raises FactsError: when they cannot be mapped; nothing is written then.
        """
        if article_text is None and facts.article.text_file:
            raise FactsError(name, [
                f"article, field 'text_file': the facts name the text {facts.article.text_file!r}, "
                "but it did not come with them; send the article's text too, or leave text_file out"
            ])
        article = self.map(facts, name, text=article_text)
        self.write([EncodedArticle.of(article)])
        return article

    def ingest_paths(
        self,
        paths: Iterable[str | Path],
        on_file: Callable[[Path], None] | None = None,
        *,
        processes: int | None = None,
    ) -> IngestSummary:
        """Ingest every facts file under ``paths``; bad files are reported in the summary.

        Many files are read and mapped by a pool of processes while this one writes, so that
        parsing and the store's work overlap on separate cores.
        """
        files = facts_files(paths)
        summary = IngestSummary()
        drop_unfinished_writes(self.store, self.iris)
        processes = processes or os.cpu_count() or 1
        if processes > 1 and len(files) >= PARALLEL_FROM_FILES:
            context = multiprocessing.get_context("spawn")  # fork would copy the open store
            with context.Pool(processes, _worker_init, (self.iris.base, self.known, self.strict)) as pool:
                self._consume(files, pool.imap(_worker_map, files, chunksize=16), summary, on_file)
        else:
            self._consume(files, map(_guarded(self.map_file), files), summary, on_file)
        return summary

    def _consume(
        self,
        files: list[Path],
        results: Iterable[EncodedArticle | FactsError],
        summary: IngestSummary,
        on_file: Callable[[Path], None] | None,
    ) -> None:
        batch: list[EncodedArticle] = []
        seen: dict[str, Path] = {}
        for path, result in zip(files, results, strict=True):
            if on_file is not None:
                on_file(path)
            if isinstance(result, FactsError):
                summary.errors.append(str(result))
                continue
            first = seen.get(result.article_id)
            if first is not None:
                problem = f"article, field 'id': {result.article_id!r} is already the id of {first}"
                summary.errors.append(str(FactsError(str(path), [problem])))
                continue
            seen[result.article_id] = path
            batch.append(result)
            if len(batch) >= BATCH_ARTICLES:
                self._flush(batch, summary)
                batch = []
        self._flush(batch, summary)

    def _flush(self, batch: list[EncodedArticle], summary: IngestSummary) -> None:
        self.write(batch)
        for article in batch:
            summary.add(article)


@dataclass(frozen=True)
class EncodedArticle:
    """An article's quads as N-Quads bytes: cheap to send between processes and to load."""

    article_id: str
    facts_nquads: bytes  # the article's graph and its inferred types
    meta_nquads: bytes  # its record in the meta graph, which marks it complete
    graphs: tuple[str, ...]
    meta_subjects: tuple[str, ...]
    fact_count: int
    triple_count: int
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, article: ArticleQuads) -> EncodedArticle:
        facts = [q for graph in article.graphs.values() for q in graph]
        return cls(
            article.article_id,
            serialize(facts, format=RdfFormat.N_QUADS),
            serialize(article.meta, format=RdfFormat.N_QUADS),
            tuple(article.graphs),
            tuple(article.meta_subjects),
            article.fact_count,
            article.triple_count,
            tuple(article.warnings),
        )


def parse_nquads(data: bytes) -> Iterator[Quad]:
    return parse(data, format=RdfFormat.N_QUADS)


def bulk_write(
    store: Store, iris: Iris, graphs: list[str], data: bytes, records: bytes,
    stale_subjects: list[str] | None = None,
) -> None:
    """Write new graphs with the bulk loader (fast, not transactional) so that a crash can be undone.

    First each graph is marked ng:writeInProgress in the meta graph, then the data goes in,
    then the records (N-Quads, with each graph's provenance) replace the marks, and every
    meta-graph triple of stale_subjects, in one transaction. Reopening the store after a
    crash drops what is still marked (drop_unfinished_writes), and only that: graphs that
    came in by the Graph Store or an update carry no record and stay.
    """
    meta = NamedNode(iris.meta_graph)
    started = Literal(dt.datetime.now(dt.UTC).isoformat(), datatype=XSD.dateTime)
    store.write(insert=[Quad(NamedNode(g), NamedNode(NG.writeInProgress), started, meta) for g in graphs])
    store.bulk_load(io.BytesIO(data), NQUADS)
    store.write(clear_subjects={iris.meta_graph: [*graphs, *(stale_subjects or [])]},
                insert=list(parse_nquads(records)))


def drop_unfinished_writes(store: Store, iris: Iris) -> list[str]:
    """Drop the graphs a bulk write left marked ng:writeInProgress (it crashed); returns them."""
    query = (f"SELECT DISTINCT ?g {{ GRAPH <{iris.meta_graph}> "
             f"{{ ?g <{NG.writeInProgress}> ?started }} }}")
    unfinished = [row["g"].value for row in store.select(query)]
    if unfinished:
        store.write(replace=dict.fromkeys(unfinished, []), clear_subjects={iris.meta_graph: unfinished})
    return unfinished


def remove_graph(store: Store, iris: Iris, graph: str) -> None:
    """Remove a named graph with what ingestion derived from it, in one transaction.

    That is its inferred-types graph and the provenance records of both, and for an
    article's graph the article's own record (title, text, dates): left behind, they would
    go on typing and describing facts that are gone, and the article would still be listed.
    """
    graphs, records = _removal(store, iris, graph)
    store.write(replace=dict.fromkeys(graphs, []), clear_subjects={iris.meta_graph: records})


def delete_articles(store: Store, iris: Iris, article_ids: Iterable[str]) -> list[str]:
    """Remove articles whole (graphs, records, provenance, text) in one transaction; returns their IRIs.

    :raises ArticleNotFoundError: naming every id that is not stored; nothing is removed then.
    """
    ids = list(dict.fromkeys(article_ids))
    # Checked first: an id goes into SPARQL text (a remote store's) and into IRIs.
    malformed = [i for i in ids if not is_article_id(i)]
    if malformed:
        raise ArticleNotFoundError(
            f"{', '.join(repr(i) for i in malformed)} cannot be an article id (lower-case letters, "
            "digits and single or double hyphens, as in a facts file's article.id); nothing was deleted"
        )
    missing = [i for i in ids if not _is_stored(store, iris, i)]
    if missing:
        raise ArticleNotFoundError(
            f"no article is stored with the id {', '.join(repr(i) for i in missing)}, so nothing "
            "was deleted; an article's id is the end of its IRI, /id/article/ID (list them with "
            "`kg query 'SELECT ?article { ?article a ng:Article }'`)"
        )
    graphs: list[str] = []
    records: list[str] = []
    for article_id in ids:
        more_graphs, more_records = _removal(store, iris, iris.article_graph(article_id))
        graphs += more_graphs
        records += more_records
    store.write(replace=dict.fromkeys(graphs, []), clear_subjects={iris.meta_graph: records})
    return [iris.article(i) for i in ids]


def _is_stored(store: Store, iris: Iris, article_id: str) -> bool:
    article = iris.article(article_id)
    return store.has_graph(iris.article_graph(article_id)) or store.ask(
        f"ASK {{ GRAPH <{iris.meta_graph}> {{ <{article}> ?p ?o }} }}"
    )


def _removal(store: Store, iris: Iris, graph: str) -> tuple[list[str], list[str]]:
    """The graphs to drop and the meta-graph subjects to clear when a graph goes."""
    query = f"SELECT ?d {{ GRAPH <{iris.meta_graph}> {{ ?d <{NG.inferredFrom}> <{graph}> }} }}"
    derived = {row["d"].value for row in store.select(query)}
    if graph.startswith(iris.base):  # ours: its /inferred graph is ours too, recorded or not
        derived.add(iris.inferred_graph(graph))
    graphs = [graph, *sorted(g for g in derived if store.has_graph(g))]
    article_id = iris.article_of_graph(graph)
    records = graphs if article_id is None else [*graphs, *iris.article_records(article_id)]
    return graphs, list(dict.fromkeys(records))


def _guarded(map_file: Callable[[Path], EncodedArticle]) -> Callable[[Path], EncodedArticle | FactsError]:
    def run(path: Path) -> EncodedArticle | FactsError:
        try:
            return map_file(path)
        except FactsError as exc:
            return exc

    return run


_worker_ingestor: Ingestor | None = None


def _worker_init(base_iri: str, known: KnownEntities, strict: bool = False) -> None:
    global _worker_ingestor
    # Mapping needs no store (an in-memory one satisfies the constructor), only what it knows.
    _worker_ingestor = Ingestor(Store(None), Iris(base_iri), known=known, strict=strict)


def _worker_map(path: Path) -> EncodedArticle | FactsError:
    assert _worker_ingestor is not None
    return _guarded(_worker_ingestor.map_file)(path)


def _article_text(path: Path, facts: ArticleFacts) -> str | None:
    """The text a facts file names (text_file), read as extraction reads it: bytes as given."""
    if facts.article.text_file is None:
        return None
    text_path = path.parent / facts.article.text_file
    try:
        # The text is the user's own file: no size limit here, the facts file chose it.
        return read_article(text_path, max_bytes=os.path.getsize(text_path))
    except (OSError, ExtractionError) as exc:
        raise FactsError(str(path), [f"article, field 'text_file': cannot read {text_path}: {exc}"]) from exc
