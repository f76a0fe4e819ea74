"""The one module that talks to pyoxigraph's store: the embedded Store on disk or in memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import (
    QueryEvaluationError,
    QuerySyntaxError,
    RdfFormatError,
    StoreError,
    StoreLockedError,
)
from kg.model.formats import BOOLEAN, GRAPH, SOLUTIONS, Format
from kg.model.sparql_text import has_dataset_clause
from kg.store.base import StoreBase, _graph_term, _source_name, write_update


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

        choose(kind) picks the format for the result kind (kg.model.formats SOLUTIONS, BOOLEAN or
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
