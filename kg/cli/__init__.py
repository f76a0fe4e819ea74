"""The `kg` command: a thin shell over kg's functions, with real exit codes.

Exit codes: 0 success; 1 the data is wrong (a facts file rejected, data does not conform);
2 the command could not run (bad option, store locked, unreadable input).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click

from kg.cli.options import overrides, setting_options
from kg.config import Settings
from kg.errors import KgError
from kg.model import formats
from kg.model.iris import Iris
from kg.store import AnyStore, RemoteStore, open_configured_store
from kg.store.remote import is_remote


class _Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: AnyStore | None = None

    def store(self, *, autoload: bool = True, through_server: bool = True) -> AnyStore:
        if self._store is None:
            self._store = open_configured_store(self.settings, through_server=through_server)
            if isinstance(self._store, RemoteStore) and not is_remote(self.settings.store):
                click.echo(f"kg: {self.settings.store} is served by `kg serve`; going through "
                           f"{self._store.query_url}", err=True)
            if autoload:
                from kg.ingest.bootstrap import ensure_initialized

                ensure_initialized(self._store, self.settings)
        return self._store

    def close(self) -> None:
        # Dropping the last reference closes pyoxigraph's store and releases its lock.
        self._store = None

    @property
    def iris(self) -> Iris:
        return Iris(self.settings.base_iri)

    def store_to_read(self) -> AnyStore | None:
        """The store opened read-only for names already in the graph, or None if it does not exist yet."""
        if self._store is not None:
            return self._store
        location = self.settings.store
        if self.settings.is_memory_store or not (is_remote(location) or Path(location).exists()):
            return None
        return open_configured_store(self.settings, read_only=True)


pass_context = click.make_pass_decorator(_Context)

# The settings `kg serve` takes as its own flags (every setting is also a flag of `kg` itself).
SERVER_SETTINGS = (
    "host", "port", "write_token", "workers", "query_timeout", "allowed_services", "service_timeout",
    "union_default_graph", "max_request_bytes", "http_threads", "autoload",
)


class CommandError(click.ClickException):
    """A command that cannot go on: click prints ``kg: message`` on stderr and exits with exit_code."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"kg: {self.format_message()}", file=file, err=file is None)


def _fail(message: str, code: int = 2) -> NoReturn:
    """Stop the command with a message and an exit code (1: the data is wrong, 2: it could not run)."""
    raise CommandError(message, code)


class _Group(click.Group):
    """Turns KgError into a message and exit code 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            raise CommandError(str(exc)) from exc


@click.group(cls=_Group)
@setting_options()
@click.version_option(package_name="newsgraph")
@click.pass_context
def main(ctx: click.Context, **options: Any) -> None:
    """Newsgraph: a knowledge graph of world affairs built from news articles.

    Every setting is a flag here (and an environment variable NEWSGRAPH_*); the commands
    repeat the flags that concern them: `kg serve --port 8080`.
    """
    try:
        settings = Settings.from_env(**overrides(options))
        Iris(settings.base_iri)
    except KgError as exc:
        raise CommandError(str(exc)) from exc
    ctx.obj = _Context(settings)


@main.command()
@pass_context
def init(ctx: _Context) -> None:
    """Load (or reload) the ontology, the reference data and the bundled seed articles."""
    from kg.ingest.bootstrap import initialize

    summary = initialize(ctx.store(autoload=False), ctx.settings)
    click.echo(f"ontology, reference data and {summary.articles} seed article(s) loaded")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--strict", is_flag=True,
    help="Reject a file over what is otherwise a warning (a name taken for an entity of another "
    "kind than its field expects, e.g. a city's name for its state).",
)
@pass_context
def ingest(ctx: _Context, paths: tuple[Path, ...], strict: bool) -> None:
    """Ingest facts files (YAML), or every facts file below the given folders.

    An article text (FILE.txt, named directly) is read into a draft by the rules engine, and
    the draft ingested: with the same checks, and its text kept with the article. Warnings
    (what maps, but perhaps not as meant) are printed; with --strict they reject the file.
    """
    from kg.ingest.from_text import TextReader, ingest_texts, read_texts
    from kg.ingest.writer import Ingestor, IngestSummary, facts_files

    text_paths = [p for p in paths if p.suffix == ".txt" and p.is_file()]
    # Every text is read before anything is written: an unreadable one stops the command (exit 2).
    texts = read_texts(text_paths, ctx.settings.max_article_bytes)
    files = facts_files([p for p in paths if p not in text_paths])
    if not files and not texts:
        _fail(f"no facts files (.yaml, .yml) or article texts (.txt) in {', '.join(map(str, paths))}; "
              "name the files, or a folder that holds them")
    store = ctx.store()
    started = time.perf_counter()
    ingestor = Ingestor(store, ctx.iris, strict=strict)
    summary = IngestSummary()
    if len(files) > 1:
        with click.progressbar(length=len(files), label="ingesting", file=sys.stderr) as bar:
            summary = ingestor.ingest_paths(files, on_file=lambda _path: bar.update(1))
    elif files:
        summary = ingestor.ingest_paths(files)
    if texts:
        reader = TextReader(ctx.iris, store=store, settings=ctx.settings)
        reader.ingestor.strict = strict
        drafted = ingest_texts(reader, texts)
        summary.articles += drafted.articles
        summary.facts += drafted.facts
        summary.triples += drafted.triples
        summary.errors += drafted.errors
        summary.warnings += drafted.warnings
    elapsed = time.perf_counter() - started
    for error in summary.errors:
        click.echo(error, err=True)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    warned = f"; {len(summary.warnings)} warning(s) (--strict rejects them)" if summary.warnings else ""
    click.echo(
        f"{summary.articles} article(s), {summary.facts} fact(s), {summary.triples} triple(s) "
        f"in {elapsed:.2f} s; {len(summary.errors)} file(s) rejected{warned}"
    )
    if summary.errors:
        sys.exit(1)


@main.command("extract")
@click.argument(
    "files", nargs=-1, required=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
)
@click.option(
    "--output-dir", type=click.Path(file_okay=False, path_type=Path),
    help="Write one draft per input here (NAME.yaml or NAME.json) instead of to standard output.",
)
@click.option(
    "--published", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date (YYYY-MM-DD): relative dates ('on Monday') resolve against it, else are left out.",
)
@click.option("--publisher", help="The news source, a name or a key (e.g. Reuters, source/bbc).")
@click.option(
    "--format", "output_format", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
    help="Draft format; both are what `kg ingest` reads.",
)
@click.option(
    "--engine", type=click.Choice(["rules", "llm"]), default="rules", show_default=True,
    help="rules: offline and deterministic; llm: an OpenAI-compatible endpoint from the settings.",
)
@pass_context
def extract_command(
    ctx: _Context, files: tuple[Path, ...], output_dir: Path | None, published: Any,
    publisher: str | None, output_format: str, engine: str,
) -> None:
    """Read article texts (plain UTF-8; '-' for standard input) into draft facts files for review."""
    from kg.ingest.from_text import TextReader, draft_files, read_texts

    if len(files) > 1 and output_dir is None:
        _fail("several inputs need --output-dir (one draft is written per input)")
    texts = read_texts(list(files), ctx.settings.max_article_bytes)
    reader = TextReader(ctx.iris, store=ctx.store_to_read(), engine=engine, settings=ctx.settings)
    drafts = draft_files(
        reader, texts, output_dir=output_dir, fmt=output_format,
        published=published.date() if published else None, publisher=publisher,
    )
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
    rejected = 0
    for draft in drafts:
        if draft.output is None:
            click.echo(draft.content, nl=False)
        else:
            draft.output.write_text(draft.content, encoding="utf-8")
        for reason in draft.dropped:
            click.echo(f"kg: {draft.source}: dropped {reason}", err=True)
        if draft.problems:
            rejected += 1
            listed = "".join(f"\n  - {p}" for p in draft.problems)
            click.echo(f"kg: {draft.source}: `kg ingest` would reject the draft:{listed}", err=True)
    if output_dir is not None:
        click.echo(f"{len(drafts)} draft(s) in {output_dir}; {rejected} need(s) fixing before `kg ingest`")
    if rejected:
        sys.exit(1)


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.File("r"), help="Read the query from a file ('-': stdin).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "tsv", "xml", "turtle", "ntriples"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_context
def query(ctx: _Context, sparql: str | None, query_file: Any, output_format: str) -> None:
    """Run a SPARQL query over the union of all graphs."""
    from kg.query.output import write_result

    if (sparql is None) == (query_file is None):
        _fail("give the query either as an argument or with --file")
    from kg.errors import QuerySyntaxError
    from kg.query.federation import call_services
    from kg.query.syntax_help import explain, with_known_prefixes

    original = sparql if sparql is not None else query_file.read()
    # As on the endpoint: the well-known prefixes predeclared, errors with the line and a
    # caret, and the same SERVICE policy (allowlist, time limit, our User-Agent).
    text, added = with_known_prefixes(original)
    text = call_services(text, ctx.settings)
    store = ctx.store()
    try:
        result = store.query(text, union_default_graph=ctx.settings.union_default_graph)
    except QuerySyntaxError as exc:
        if isinstance(store, RemoteStore):
            raise  # a server's message, explained there if it is ours
        raise QuerySyntaxError(explain(original, str(exc), added)) from None
    write_result(result, output_format, sys.stdout)


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["nquads", "trig"]),
    default="nquads",
    show_default=True,
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@pass_context
def export(ctx: _Context, output_format: str, output: Path | None) -> None:
    """Write the whole dataset (every graph) to standard output or a file."""
    fmt = formats.by_name(output_format)
    assert fmt is not None
    store = ctx.store()
    if output is None:
        store.dump(sys.stdout.buffer, fmt.media_type)
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as stream:
            store.dump(stream, fmt.media_type)


@main.command()
@pass_context
def validate(ctx: _Context) -> None:
    """Check the data against the SHACL shapes; exit 1 when it does not conform."""
    from kg.publish.validate import validate_store

    report = validate_store(ctx.store())
    click.echo(report.text)
    sys.exit(0 if report.conforms else 1)


@main.command()
@pass_context
def stats(ctx: _Context) -> None:
    """Counts: quads, graphs, articles, and instances by type."""
    from kg.publish.stats import dataset_stats

    figures = dataset_stats(ctx.store())
    click.echo(f"quads     {figures.quads}")
    click.echo(f"graphs    {figures.graphs}")
    click.echo(f"articles  {figures.articles}")
    click.echo("instances by type (asserted and inferred):")
    width = max((len(name) for name, _ in figures.by_type), default=0)
    for name, count in figures.by_type:
        click.echo(f"  {name:<{width}}  {count}")


@main.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--graph", help="Load triples into this named graph (default: the default graph).")
@click.option(
    "--format", "input_format", help="Format name or media type (default: from the file extension)."
)
@pass_context
def load(ctx: _Context, files: tuple[Path, ...], graph: str | None, input_format: str | None) -> None:
    """Bulk-load RDF files (N-Quads, TriG, Turtle, N-Triples, RDF/XML, JSON-LD)."""
    store = ctx.store()
    for path in files:
        fmt = formats.lookup(input_format) if input_format else formats.by_name(_extension(path))
        if fmt is None or fmt.rdf is None:
            _fail(f"{path}: unknown RDF format; name it with --format (e.g. --format turtle)")
        started = time.perf_counter()
        before = len(store)
        store.bulk_load(path, fmt.media_type, graph=graph)
        store.flush()
        added = len(store) - before
        elapsed = time.perf_counter() - started
        click.echo(f"{path}: {added} quad(s) in {elapsed:.2f} s ({added / max(elapsed, 1e-9):,.0f} quads/s)")


def _extension(path: Path) -> str:
    suffixes = [s.lstrip(".") for s in path.suffixes]
    return suffixes[-1] if suffixes else ""


@main.group("delete")
def delete_group() -> None:
    """Delete what was ingested (works while `kg serve` runs, through the server)."""


@delete_group.command("article")
@click.argument("article_ids", nargs=-1, required=True)
@pass_context
def delete_article(ctx: _Context, article_ids: tuple[str, ...]) -> None:
    """Delete articles by id (the end of /id/article/ID): graphs, records, provenance, text; all or none."""
    from kg.ingest.writer import delete_articles

    iris = ctx.iris
    # An IRI is taken too: what a page or a query shows is what a user pastes.
    ids = [i.removeprefix(iris.article("")) for i in article_ids]
    for iri in delete_articles(ctx.store(autoload=False), iris, ids):
        click.echo(f"deleted {iri}")


@main.group("import")
def import_group() -> None:
    """Import event feeds (GDELT) and news corpora into the graph."""


def _report(errors: list[str], line: str) -> None:
    """An import's rejected rows or lines on stderr, its summary on stdout; exit 1 if any was rejected."""
    for error in errors:
        click.echo(error, err=True)
    click.echo(line)
    if errors:
        sys.exit(1)


@import_group.command("gdelt")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@setting_options("chunk_rows")
@pass_context
def import_gdelt(ctx: _Context, files: tuple[Path, ...], **options: Any) -> None:
    """Import GDELT 1.0/2.0 event exports and 2.0 mentions tables (.csv, .tsv or .zip)."""
    from kg.ingest.gdelt_quads import GdeltImporter, count_lines, report_lines

    chunk_rows = ctx.settings.with_overrides(**overrides(options)).chunk_rows
    if chunk_rows < 1:
        _fail(f"--chunk-rows must be at least 1, not {chunk_rows}")
    importer = GdeltImporter(ctx.store(), ctx.iris, chunk_rows=chunk_rows)
    started = time.perf_counter()
    with click.progressbar(length=count_lines(files), label="importing", file=sys.stderr) as bar:
        summary = importer.import_files(files, on_rows=bar.update)
    _report(*report_lines(summary, time.perf_counter() - started))


@import_group.command("news")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-field", default="text", show_default=True, help="The field holding the article text.")
@click.option("--id-field", default="id", show_default=True, help="The field holding the article's id.")
@click.option("--title-field", default="title", show_default=True, help="The field holding the headline.")
@click.option(
    "--date-field", default="date", show_default=True,
    help="The field holding the publication date (YYYY-MM-DD); without it the date is unknown.",
)
@click.option("--publisher", help="The news source of every article, a name or a key (else unknown).")
@click.option(
    "--processes", type=click.IntRange(min=1), help="Extraction processes (default: one per CPU core).",
)
@click.option(
    "--batch-articles", type=click.IntRange(min=1), default=100, show_default=True,
    help="Articles per write: each batch goes in whole or not at all.",
)
@pass_context
def import_news(
    ctx: _Context, file: Path, text_field: str, id_field: str, title_field: str, date_field: str,
    publisher: str | None, processes: int | None, batch_articles: int,
) -> None:
    """Import a news corpus (JSON Lines, one article a line): extract each text, then ingest it.

    Resumable: a re-run skips every article already in the store with the same text.
    """
    from kg.ingest.news_corpus import NewsImporter, report_lines
    from kg.ingest.sources.news_jsonl import CorpusFields, count_lines

    fields = CorpusFields(text=text_field, id=id_field, title=title_field, date=date_field)
    importer = NewsImporter(
        ctx.store(), ctx.iris, ctx.settings, publisher=publisher, processes=processes,
        batch_articles=batch_articles,
    )
    started = time.perf_counter()
    with click.progressbar(length=count_lines(file), label="importing", file=sys.stderr) as bar:
        summary = importer.import_file(file, fields, on_lines=bar.update)
    _report(*report_lines(summary, time.perf_counter() - started))


@main.command()
@setting_options(*SERVER_SETTINGS)
@pass_context
def serve(ctx: _Context, **options: Any) -> None:
    """Serve the SPARQL endpoint and linked-data pages over HTTP."""
    from server.serve import run  # the one door from kg into the web layer

    settings = ctx.settings.with_overrides(**overrides(options))
    # Initialise an empty store, then hand the folder over to the server (which must own it).
    ctx.store(through_server=False)
    ctx.close()
    run(settings)


@main.command()
@setting_options("enrich_endpoint", "enrich_timeout")
@click.option(
    "--property", "properties", multiple=True,
    help="Wikidata property to pull, e.g. P36 (repeatable; default: capital, population, heads "
    "of state and government, official language, currency).",
)
@pass_context
def enrich(ctx: _Context, properties: tuple[str, ...], **options: Any) -> None:
    """Copy Wikidata facts about our linked entities into the graph {base}graph/enrichment/wikidata."""
    from kg.ingest.enrich import PROPERTIES
    from kg.ingest.enrich import enrich as run_enrich

    settings = ctx.settings.with_overrides(**overrides(options))
    summary = run_enrich(ctx.store(), settings, properties=properties or tuple(PROPERTIES))
    click.echo(
        f"{summary.triples} triple(s) about {summary.entities} linked entities from "
        f"{summary.endpoint} in <{summary.graph}>"
    )


if __name__ == "__main__":
    main()
