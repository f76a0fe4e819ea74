"""Validate data against the SHACL shapes in ontology/shapes.ttl, with pySHACL."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pyshacl
from rdflib import RDF, Dataset, Graph
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

from kg.model.formats import N_QUADS
from kg.model.ontology import ontology_graph, shapes_graph
from kg.model.vocab import PREFIXES
from kg.store import Store


@dataclass(frozen=True)
class ValidationResult:
    """One problem found: which node, which property, what is wrong, how serious."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    value: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: whether the data conforms, and every problem found."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    text: str = ""


def validate(data: Graph | Dataset) -> ValidationReport:
    """Check data (one graph, or every graph of a dataset taken together) against our shapes."""
    data_graph = _union(data) if isinstance(data, Dataset) else data
    # inference="none": the rdf:type closure is materialised at ingest, so the data already
    # says that a Meeting is an Event and the shapes on ng:Event reach it.
    conforms, results_graph, _ = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
    )
    names = _namespaces()
    results = sorted(
        (_result(results_graph, r, names) for r in results_graph.subjects(RDF.type, SH.ValidationResult)),
        key=lambda r: (r.focus_node, r.path or "", r.message),
    )
    return ValidationReport(conforms=bool(conforms), results=results, text=_text(conforms, results))


def _union(dataset: Dataset) -> Graph:
    # pySHACL validates each graph of a dataset on its own, but an article's facts refer to
    # entities typed in the reference graph, so the shapes must see all graphs at once.
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _namespaces() -> NamespaceManager:
    names = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        names.bind(prefix, iri)
    return names


def _result(graph: Graph, node: Node, names: NamespaceManager) -> ValidationResult:
    def show(term: Node | None) -> str | None:
        return None if term is None else term.n3(names)

    messages = [str(m) for m in graph.objects(node, SH.resultMessage)]
    severity = graph.value(node, SH.resultSeverity)
    return ValidationResult(
        focus_node=show(graph.value(node, SH.focusNode)) or "",
        path=show(graph.value(node, SH.resultPath)),
        message="; ".join(sorted(messages)) or "(the shape gives no message)",
        severity=str(severity).removeprefix(str(SH)) if severity is not None else "Violation",
        value=show(graph.value(node, SH.value)),
    )


def _text(conforms: bool, results: list[ValidationResult]) -> str:
    if conforms and not results:
        return "The data conforms to the Newsgraph shapes."
    lines = [f"The data does not conform: {len(results)} problem(s)."]
    for r in results:
        where = f"{r.focus_node} {r.path}" if r.path else r.focus_node
        # A node-level result repeats the focus node as its value; say it once.
        value = f" (value: {r.value})" if r.value not in (None, r.focus_node) else ""
        lines.append(f"- {r.severity}: {where}: {r.message}{value}")
    return "\n".join(lines)


def validate_store(store: Store) -> ValidationReport:
    """Check every graph of a store, taken together, against our shapes."""
    buffer = io.BytesIO()
    store.dump(buffer, N_QUADS.media_type)
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue(), format="nquads")
    return validate(dataset)
