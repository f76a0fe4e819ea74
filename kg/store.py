"""The one module that talks to pyoxigraph's store. Everything else reads and writes through Store.

kg.remote_store.RemoteStore implements the same methods over SPARQL 1.1 HTTP; open_store
picks one of the two from the configured location.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeAlias

import pyoxigraph as ox

from kg.errors import (
    QueryEvaluationError,
    QuerySyntaxError,
    RdfFormatError,
    StoreError,
    StoreLockedError,
)
from kg.formats import BOOLEAN, GRAPH, SOLUTIONS, Format
from kg.sparql_text import has_dataset_clause

if TYPE_CHECKING:
    from kg.config import Settings
    from kg.remote_store import RemoteStore

Quad = ox.Quad
BLOCK_TRIPLES = 1_000  # triples per GRAPH block of an INSERT DATA


def _graph_term(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


class StoreBase:
    """What both stores build on their own query(), write() and has_graph()."""

    def query(self, sparql: str, **kwargs: Any) -> Any:
        raise NotImplementedError

    def write(self, **kwargs: Any) -> None:
        raise NotImplementedError

    def has_graph(self, graph: str) -> bool:
        raise NotImplementedError

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """A SELECT's solutions as dicts: variable name -> pyoxigraph term, unbound left out."""
        solutions = self.query(sparql, **kwargs)
        names = [v.value for v in solutions.variables]
        return [
            {n: s[n] for n in names if s[n] is not None}
            for s in solutions
        ]

    def ask(self, sparql: str, **kwargs: Any) -> bool:
        """An ASK query's answer."""
        return bool(self.query(sparql, **kwargs))

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction."""
        self.write(insert=quads)

    def parse(
        self, data: bytes, media_type: str, *, graph: str | None = None,
        base_iri: str | None = None,
    ) -> list[ox.Quad]:
        """Parse a graph document into quads of one graph (None: the default graph).

        Blank nodes get fresh identifiers so that they never merge with stored ones.
        :raises RdfFormatError: when the format is unknown, the data does not parse or it
            holds named graphs.
        """
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise RdfFormatError(f"no RDF parser for media type {media_type!r}")
        target = _graph_term(graph)
        try:
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, target)
                for q in ox.parse(
                    data, fmt, base_iri=base_iri, without_named_graphs=True,
                    rename_blank_nodes=True,
                )
            ]
        except (SyntaxError, ValueError) as exc:
            raise RdfFormatError(f"{media_type}: {exc}") from exc
        for q in quads:
            if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
                raise RdfFormatError(
                    f"{media_type}: quoted triples (RDF-star) are not stored here; "
                    f"first one: {q.subject} {q.predicate} {q.object}"
                )
        return quads

    def graph_exists(self, graph: str | None) -> bool:
        """Whether a named graph exists (the default graph always does)."""
        return graph is None or self.has_graph(graph)

    def replace_graph(self, graph: str | None, quads: Iterable[ox.Quad]) -> None:
        """Replace one graph (None: the default graph) with the given quads, in one transaction.

        A named graph exists afterwards even when it is left empty.
        """
        quads = list(quads)
        if graph is not None and not quads:
            self.update(f"DROP SILENT GRAPH <{graph}> ;\nCREATE SILENT GRAPH <{graph}>")
        else:
            self.write(replace={graph: quads})

    def create_graph(self, graph: str) -> None:
        """Make an empty named graph exist (nothing happens when it exists already)."""
        self.update(f"CREATE SILENT GRAPH <{graph}>")


class Store(StoreBase):
    """An embedded Oxigraph store on disk (or in memory for tests)."""

    def __init__(self, path: str | None, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if path is None or path == ":memory:":
                self._store = ox.Store()
                self.path = None
            elif read_only:
                self._store = ox.Store.read_only(path)
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(path)
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store at {path} is in use by another process (is `kg serve` "
                    f"running?); stop it or point --store elsewhere. ({exc})"
                ) from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    # --- reading

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> Any:
        """Run a SPARQL query; returns pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples.

        The dataset, as the SPARQL Protocol orders it: default_graphs / named_graphs replace
        the query's whole dataset (named graphs alone: an empty default graph), else the
        query's FROM / FROM NAMED, else the union default graph when union_default_graph.
        :raises QuerySyntaxError: when the query does not parse.
        """
        kwargs: dict[str, Any] = {"base_iri": base_iri}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif named_graphs is not None:
            kwargs["default_graph"] = []
        elif union_default_graph and not has_dataset_clause(sparql):
            # pyoxigraph's union flag would override the query's FROM: set it only without one.
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def quads(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: Any = None,
        graph: str | None = None,
    ) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(
            ox.NamedNode(subject) if subject else None,
            ox.NamedNode(predicate) if predicate else None,
            obj,
            ox.NamedNode(graph) if graph else None,
        )

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def __len__(self) -> int:
        return len(self._store)

    def is_empty(self) -> bool:
        return next(iter(self._store), None) is None

    def dump(self, output: IO[bytes], media_type: str, *, graph: str | None = None) -> None:
        """Serialise the dataset (or one graph, for triple formats) to a binary stream."""
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise RdfFormatError(f"no RDF serialiser for media type {media_type!r}")
        kwargs: dict[str, Any] = {"format": fmt}
        if not fmt.supports_datasets:
            kwargs["from_graph"] = _graph_term(graph)
        self._store.dump(output, **kwargs)

    # --- writing

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction.

        :raises QuerySyntaxError: when the update does not parse.
        """
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def write(
        self,
        *,
        replace: Mapping[str | None, Iterable[ox.Quad]] | None = None,
        clear_subjects: Mapping[str, Iterable[str]] | None = None,
        insert: Iterable[ox.Quad] = (),
    ) -> None:
        """Apply a change in one transaction: after a crash the store holds all of it or none.

        ``replace`` maps graphs (None: the default graph) to their new content;
        ``clear_subjects`` removes every triple of the given subjects from the given graph;
        ``insert`` adds quads (graph taken from each quad). One SPARQL update, which Oxigraph
        runs as one transaction.
        """
        update = write_update(replace or {}, clear_subjects or {}, insert)
        if update:
            self._store.update(update)

    def bulk_load(
        self, source: str | Path | IO[bytes], media_type: str, *, graph: str | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Load an RDF file or stream with Oxigraph's bulk loader (fast, not transactional).

        :raises RdfFormatError: when the format is unknown or the data does not parse.
        """
        self._load(self._store.bulk_load, source, media_type, graph, base_iri)

    def load(
        self, source: str | Path | IO[bytes] | bytes, media_type: str, *, graph: str | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Load RDF in one transaction (all or nothing).

        :raises RdfFormatError: when the format is unknown or the data does not parse.
        """
        self._load(self._store.load, source, media_type, graph, base_iri)

    @staticmethod
    def _load(
        loader: Callable[..., None], source: str | Path | IO[bytes] | bytes, media_type: str,
        graph: str | None, base_iri: str | None,
    ) -> None:
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise RdfFormatError(f"no RDF parser for media type {media_type!r}")
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        kwargs: dict[str, Any] = {"format": fmt, "base_iri": base_iri}
        if graph is not None:
            kwargs["to_graph"] = ox.NamedNode(graph)
        target = {"path": str(source)} if isinstance(source, str | Path) else {"input": source}
        try:
            loader(**target, **kwargs)
        except SyntaxError as exc:
            raise RdfFormatError(f"{_source_name(source)}: {exc}") from exc

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    @property
    def can_backup(self) -> bool:
        """Whether backup() works: only for a store on disk."""
        return self.path is not None

    def backup(self, target: str | Path) -> None:
        """A consistent snapshot of the on-disk store in a new folder (hard links, cheap)."""
        self._store.backup(str(target))

    def optimize(self) -> None:
        if self.path is not None:
            self._store.optimize()

    def run_query(
        self,
        sparql: str,
        output: IO[bytes],
        choose: Callable[[str], Format],
        **kwargs: Any,
    ) -> tuple[str, Format]:
        """Run a query and serialise its results into output as they are produced.

        choose(kind) picks the format for the result kind (kg.formats SOLUTIONS, BOOLEAN or
        GRAPH) before the first byte is written. Takes the same dataset options as query().
        :raises QuerySyntaxError: when the query does not parse.
        :raises QueryEvaluationError: when evaluation fails (e.g. a SERVICE call).
        """
        result = self.query(sparql, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            kind = SOLUTIONS
        elif isinstance(result, ox.QueryBoolean):
            kind = BOOLEAN
        else:
            kind = GRAPH
        fmt = choose(kind)
        target = fmt.rdf if kind == GRAPH else fmt.results
        if target is None:
            raise RdfFormatError(f"{fmt.name} cannot carry a {kind} result")
        try:
            result.serialize(output, target)
        except OSError as exc:
            raise QueryEvaluationError(str(exc)) from exc
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        return kind, fmt

    def clear_graph(self, graph: str | None) -> None:
        """Remove every triple of one graph (None: the default graph); a named graph disappears."""
        if graph is None:
            self._store.clear_graph(ox.DefaultGraph())
        elif self.has_graph(graph):
            self._store.remove_graph(ox.NamedNode(graph))


AnyStore: TypeAlias = "Store | RemoteStore"


def open_store(
    location: str, *, read_only: bool = False, update_url: str | None = None,
    timeout: float | None = None,
) -> AnyStore:
    """The store at a location: a remote SPARQL server for sparql+http(s):// URLs, else Oxigraph.

    update_url and timeout only apply to a remote store (kg.remote_store).
    :raises StoreError: when the store cannot be opened.
    """
    from kg import remote_store  # it builds on this module

    if remote_store.is_remote(location):
        return remote_store.RemoteStore(
            location, read_only=read_only, update_url=update_url, timeout=timeout
        )
    return Store(location, read_only=read_only)


def open_configured_store(settings: Settings, *, read_only: bool = False) -> AnyStore:
    """The store the settings name, with their update URL and query time limit."""
    return open_store(
        settings.store, read_only=read_only, update_url=settings.update_url or None,
        timeout=settings.query_timeout,
    )


def write_update(
    replace: Mapping[str | None, Iterable[ox.Quad]],
    clear_subjects: Mapping[str, Iterable[str]],
    insert: Iterable[ox.Quad],
    *,
    blank_nodes_in_template: bool = False,
) -> str:
    """The SPARQL update behind Store.write.

    With blank_nodes_in_template, quads with blank nodes go in an INSERT {…} WHERE {}
    instead of INSERT DATA, for servers that refuse blank nodes in INSERT DATA (Virtuoso).
    """
    operations = [
        "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>" for graph in replace
    ]
    for graph, subjects in clear_subjects.items():
        values = " ".join(f"<{s}>" for s in subjects)
        if values:
            operations.append(
                f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                f"WHERE {{ VALUES ?s {{ {values} }} GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            )
    by_graph: dict[str | None, list[ox.Quad]] = {}
    for graph, quads in replace.items():
        by_graph.setdefault(graph, []).extend(quads)
    for q in insert:
        graph_name = q.graph_name
        by_graph.setdefault(graph_name.value if isinstance(graph_name, ox.NamedNode) else None, []).append(q)
    ground, with_blanks = by_graph, {}
    if blank_nodes_in_template:
        ground = {g: [q for q in qs if not _has_blank(q)] for g, qs in by_graph.items()}
        with_blanks = {g: [q for q in qs if _has_blank(q)] for g, qs in by_graph.items()}
    if any(ground.values()):
        operations.append("INSERT DATA " + _quad_block(ground))
    if any(with_blanks.values()):
        # Template blank nodes are fresh per request but shared within it: the same bnodes.
        operations.append("INSERT " + _quad_block(with_blanks) + " WHERE {}")
    return " ;\n".join(operations)


def _quad_block(by_graph: Mapping[str | None, list[ox.Quad]]) -> str:
    blocks = []
    for graph, quads in by_graph.items():
        # Virtuoso's parser runs out of stack near 5,000 triples in one block; several
        # blocks of the same graph mean the same to every server.
        for start in range(0, len(quads), BLOCK_TRIPLES):
            body = " .\n".join(_triple_text(q) for q in quads[start:start + BLOCK_TRIPLES]) + " ."
            blocks.append(body if graph is None else f"GRAPH <{graph}> {{\n{body}\n}}")
    return "{\n" + "\n".join(blocks) + "\n}"


def _triple_text(q: ox.Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object}"


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _source_name(source: object) -> str:
    return str(source) if isinstance(source, str | Path) else getattr(source, "name", "<stream>")
