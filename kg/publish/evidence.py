"""What a reader needs to judge a fact: the sentences that state it, and whether a machine read them.

The offsets of the evidence spans stay in the RDF; pages show the sentences themselves when
the article's text was ingested with it, and say "extracted automatically" for the facts of
an article graph that an extraction engine generated (kg extract, kg import news).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.model.vocab import NG, PROV, RDF, SCHEMA, as_node
from kg.store import Store


@dataclass(frozen=True)
class Extraction:
    """The engine that read an article's facts from its text."""

    engine: str
    version: str

    @property
    def words(self) -> str:
        return f"extracted automatically by the {self.engine} engine {self.version}".rstrip()


def extraction_of(store: Store, graphs: Iterable[str]) -> Extraction | None:
    """The extraction that generated one of these graphs (None: all were written by people)."""
    for graph in graphs:
        for generated in store.quads(subject=graph, predicate=PROV.wasGeneratedBy.value):
            for associated in store.quads(subject=generated.object.value,
                                          predicate=PROV.wasAssociatedWith.value):
                agent = associated.object.value
                if not any(store.quads(subject=agent, predicate=RDF.type.value,
                                       obj=PROV.SoftwareAgent)):
                    continue
                return Extraction(_first_value(store, agent, SCHEMA.name.value),
                                  _first_value(store, agent, SCHEMA.softwareVersion.value))
    return None


def article_text(store: Store, article: str) -> str | None:
    """The text stored with an article, if it was ingested with one."""
    for q in store.quads(subject=article, predicate=SCHEMA.text.value):
        if isinstance(q.object, ox.Literal):
            return q.object.value
    return None


@dataclass(frozen=True)
class Evidence:
    """One evidence span of a fact: its IRI (article#…) and, when the text is stored, its words."""

    span: str
    sentence: str | None

    @property
    def anchor(self) -> str:
        """The fragment of the span's IRI: the id of its place on the article's page."""
        return self.span.split("#", 1)[-1]


def article_evidence(
    store: Store, article: str, graph: str, facts: Iterable[str],
) -> dict[str, list[Evidence]]:
    """For each fact of an article's graph, its evidence spans with the stored text they point at."""
    text = article_text(store, article)
    return {fact: evidence_spans(store, fact, text, graph) for fact in facts}


def evidence_spans(store: Store, fact: str, text: str | None, graph: str) -> list[Evidence]:
    """A fact's evidence spans in text order, each with the stretch of text it points at (None
    without the text, or when its offsets fall outside it)."""
    found = []
    for q in store.quads(subject=fact, predicate=as_node(NG.evidence).value, graph=graph):
        start = _offset(store, q.object.value, as_node(NG.startOffset).value, graph)
        end = _offset(store, q.object.value, as_node(NG.endOffset).value, graph)
        fits = text is not None and start is not None and end is not None and 0 <= start < end <= len(text)
        sentence = text[start:end].strip() if fits else None  # type: ignore[index]
        found.append((start if start is not None else -1, q.object.value, sentence))
    return [Evidence(span, sentence) for _, span, sentence in sorted(set(found))]


def _offset(store: Store, span: str, predicate: str, graph: str) -> int | None:
    for q in store.quads(subject=span, predicate=predicate, graph=graph):
        if isinstance(q.object, ox.Literal) and q.object.value.isdigit():
            return int(q.object.value)
    return None


def _first_value(store: Store, subject: str, predicate: str) -> str:
    for q in store.quads(subject=subject, predicate=predicate):
        return q.object.value
    return ""
