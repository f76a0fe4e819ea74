"""The store contract: what both stores build on their own query(), write() and has_graph().

kg.store.oxigraph.Store (embedded) and kg.store.remote.RemoteStore (a SPARQL 1.1 server)
implement it; write_update is the SPARQL text of a write, for servers that take updates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import (
    RdfFormatError,
)
from kg.model.nesting import check_depth

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
        check_depth(data, fmt)
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
