"""Facts of one article -> quads of its named graph, its inferred-types graph and its metadata.

Pure: no I/O. Every problem found (unknown entity, wrong kind, bad date, unknown class) is
collected and raised together as one FactsError naming the fact and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import FactsError, ResolutionError
from kg.model.dates import FuzzyDate, parse_date
from kg.model.facts import (
    AgreementFact,
    ArticleFacts,
    EntityDecl,
    EventFact,
    FactBase,
    RelationFact,
    TenureFact,
)
from kg.model.iris import Iris
from kg.model.ontology import superclasses
from kg.model.vocab import NG, PROV, SCHEMA

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
SKOS_ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
OWL_SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")
XSD = "http://www.w3.org/2001/XMLSchema#"
WD = "http://www.wikidata.org/entity/"

_ROLE_KINDS = {
    "agent": ("state", "organization", "person", "source"),
    "recipient": ("state", "organization", "person", "source"),
    "target": ("state", "organization", "person", "facility", "place"),
    "participant": ("state", "organization", "person", "source"),
    "mediator": ("state", "organization", "person"),
    "carrier": ("person",),
    "about": None,
    "location": ("place", "facility", "state"),
}


def _n(iri: object) -> NamedNode:
    return NamedNode(str(iri))


def _typed(lexical: str, xsd_type: str) -> Literal:
    return Literal(lexical, datatype=NamedNode(XSD + xsd_type))


@dataclass(frozen=True)
class Resolved:
    """An entity reference resolved to its kind and IRI."""

    kind: str
    iri: str


class Resolver:
    """Turns a reference (key or name) into an entity, first among the article's own entities."""

    def __init__(self, resolve: Callable[[str], object], iris: Iris, declared: list[EntityDecl]):
        self._resolve = resolve
        self._iris = iris
        self._declared: dict[str, Resolved] = {}
        for decl in declared:
            kind, slug = decl.key.split("/", 1)
            resolved = Resolved(kind, iris.entity(kind, slug))
            for name in (decl.key, decl.label, *decl.aliases):
                self._declared[_fold(name)] = resolved

    def __call__(self, ref: str) -> Resolved:
        found = self._declared.get(_fold(ref))
        if found is not None:
            return found
        entity = self._resolve(ref)
        return Resolved(entity.kind, self._iris.entity(entity.kind, entity.slug))  # type: ignore[attr-defined]


def _fold(name: str) -> str:
    name = " ".join(name.casefold().split())
    return name[4:] if name.startswith("the ") else name


@dataclass
class ArticleQuads:
    """What one article contributes: graphs to replace, metadata to swap in the meta graph."""

    article_id: str
    graphs: dict[str, list[Quad]]
    meta: list[Quad]
    meta_subjects: list[str]
    fact_count: int

    @property
    def triple_count(self) -> int:
        return sum(len(q) for q in self.graphs.values()) + len(self.meta)


@dataclass
class _Builder:
    facts: ArticleFacts
    iris: Iris
    resolve: Resolver
    source_name: str
    quads: list[Quad] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.graph = _n(self.iris.article_graph(self.facts.article.id))
        self.article = _n(self.iris.article(self.facts.article.id))
        self.published = self.facts.article.published

    # --- small helpers that record problems instead of stopping at the first one

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def ref(
        self, where: str, field_name: str, ref: str, kinds: Iterable[str] | None = None
    ) -> NamedNode | None:
        try:
            resolved = self.resolve(ref)
        except ResolutionError as exc:
            self.problems.append(f"{where}, field {field_name!r}: {exc}")
            return None
        allowed = tuple(kinds) if kinds is not None else None
        if allowed is not None and resolved.kind not in allowed:
            self.problems.append(
                f"{where}, field {field_name!r}: {ref!r} is a {resolved.kind}, "
                f"expected one of: {', '.join(allowed)}"
            )
            return None
        return _n(resolved.iri)

    def date(self, where: str, field_name: str, text: str | None) -> FuzzyDate | None:
        if text is None:
            return None
        try:
            return parse_date(text, self.published)
        except ValueError as exc:
            self.problems.append(f"{where}, field {field_name!r}: {exc}")
            return None

    def add_date(self, s: NamedNode, p: NamedNode, when: FuzzyDate | None, precision: bool) -> None:
        if when is None:
            return
        self.add(s, p, Literal(when.lexical, datatype=_n(when.datatype)))
        if precision:
            self.add(s, _n(NG.datePrecision), Literal(when.precision))

    def ng_class(self, where: str, name: str, root: str | None) -> NamedNode | None:
        try:
            iri = str(getattr(NG, name))
        except AttributeError:
            self.problems.append(f"{where}, field 'type': {name!r} is not a class of the ontology")
            return None
        supers = superclasses().get(iri)
        if supers is None or (root is not None and root != iri and root not in supers):
            wanted = root.rsplit("#", 1)[-1] if root else "class"
            self.problems.append(f"{where}, field 'type': {name!r} is not a kind of {wanted}")
            return None
        return _n(iri)

    # --- the facts

    def entity_decl(self, index: int, decl: EntityDecl) -> None:
        where = f"entity {index + 1} (key {decl.key!r})"
        kind, slug = decl.key.split("/", 1)
        try:
            node = _n(self.iris.entity(kind, slug))
        except Exception as exc:  # noqa: BLE001 - ConfigError for an unknown kind, reported per field
            self.problems.append(f"{where}, field 'key': {exc}")
            return
        cls = self.ng_class(where, decl.type, None)
        if cls is not None:
            self.add(node, RDF_TYPE, cls)
        self.add(node, RDFS_LABEL, Literal(decl.label, language="en"))
        for alias in decl.aliases:
            self.add(node, SKOS_ALT, Literal(alias, language="en"))
        if decl.wikidata:
            self.add(node, OWL_SAME_AS, NamedNode(WD + decl.wikidata))
            self.add(node, _n(NG.wikidataId), Literal(decl.wikidata))
        if decl.office_of:
            target = self.ref(where, "office_of", decl.office_of, ("state", "organization"))
            if target is not None:
                self.add(node, _n(NG.officeOf), target)
        if decl.located_in:
            target = self.ref(where, "located_in", decl.located_in, ("state", "place"))
            if target is not None:
                self.add(node, _n(NG.locatedIn), target)

    def common(self, node: NamedNode, where: str, fact: FactBase) -> None:
        """Key, confidence, attribution and evidence: what every kind of fact may carry."""
        self.add(node, _n(NG.factKey), Literal(fact.key))
        if fact.confidence is not None:
            self.add(node, _n(NG.confidence), _typed(str(fact.confidence), "decimal"))
        for name, prop in (("claimed_by", NG.claimedBy), ("reported_by", NG.reportedBy)):
            ref = getattr(fact, name)
            if ref is not None:
                target = self.ref(where, name, ref, ("state", "organization", "person", "source"))
                if target is not None:
                    self.add(node, _n(prop), target)
        if fact.source_note:
            self.add(node, _n(NG.sourceNote), Literal(fact.source_note, language="en"))
        for n, span in enumerate(fact.evidence, start=1):
            evidence = NamedNode(f"{self.article.value}#{fact.key}-evidence-{n}")
            self.add(node, _n(NG.evidence), evidence)
            self.add(evidence, RDF_TYPE, _n(NG.EvidenceSpan))
            self.add(evidence, _n(NG.startOffset), _typed(str(span.start), "integer"))
            self.add(evidence, _n(NG.endOffset), _typed(str(span.end), "integer"))
            self.add(evidence, _n(NG.inArticle), self.article)

    def event(self, where: str, fact: EventFact) -> None:
        if fact.entity is not None:
            node = self.ref(where, "entity", fact.entity, ("event",))
            if node is None:
                return
        else:
            node = _n(self.iris.event(self.facts.article.id, fact.key))
        for name in fact.types:
            cls = self.ng_class(where, name, str(NG.Event))
            if cls is not None:
                self.add(node, RDF_TYPE, cls)
        # A known event (a war) keeps its own label; what this article says of it is a comment.
        described_by = RDFS_COMMENT if fact.entity is not None else RDFS_LABEL
        self.add(node, described_by, Literal(fact.label, language="en"))
        self.add_date(node, _n(NG.date), self.date(where, "date", fact.date), precision=True)
        self.add_date(node, _n(NG.startDate), self.date(where, "start", fact.start), precision=False)
        self.add_date(node, _n(NG.endDate), self.date(where, "end", fact.end), precision=False)
        if fact.date is None and fact.start is None and fact.entity is None:
            # Undated news events happened no later than the report itself.
            self.add_date(node, _n(NG.date), FuzzyDate.from_date(self.published), precision=True)
        for role in ("agent", "recipient", "target", "participant", "mediator", "carrier", "about"):
            for ref in getattr(fact, role):
                target = self.ref(where, role, ref, _ROLE_KINDS[role])
                if target is not None:
                    self.add(node, _n(getattr(NG, role)), target)
        if fact.location is not None:
            target = self.ref(where, "location", fact.location, _ROLE_KINDS["location"])
            if target is not None:
                self.add(node, _n(NG.location), target)
        if fact.cameo:
            self.add(node, _n(NG.cameoCode), Literal(fact.cameo))
        self.common(node, where, fact)

    def tenure(self, where: str, fact: TenureFact) -> None:
        person = self.ref(where, "person", fact.person, ("person",))
        office = self.ref(where, "office", fact.office, ("office",))
        start = self.date(where, "start", fact.start)
        end = self.date(where, "end", fact.end)
        if person is None or office is None:
            return
        slug = f"{_slug_of(person)}-{_slug_of(office)}-{start.lexical if start else 'undated'}"
        node = _n(self.iris.entity("tenure", slug))
        self.add(node, RDF_TYPE, _n(NG.Tenure))
        self.add(node, _n(NG.holder), person)
        self.add(node, _n(NG.office), office)
        self.add_date(node, _n(NG.startDate), start, precision=False)
        self.add_date(node, _n(NG.endDate), end, precision=False)
        self.common(node, where, fact)

    def agreement(self, where: str, fact: AgreementFact) -> None:
        node = _n(self.iris.entity("agreement", fact.agreement))
        cls = self.ng_class(where, fact.type, str(NG.Agreement))
        if cls is not None:
            self.add(node, RDF_TYPE, cls)
        self.add(node, RDFS_LABEL, Literal(fact.label, language="en"))
        for ref in fact.parties:
            party = self.ref(where, "parties", ref, ("state", "organization"))
            if party is not None:
                self.add(node, _n(NG.party), party)
        signed = self.date(where, "signed", fact.signed)
        in_force = self.date(where, "in_force", fact.in_force)
        self.add_date(node, _n(NG.signingDate), signed, precision=False)
        self.add_date(node, _n(NG.entryIntoForce), in_force, precision=False)
        if fact.term:
            self.add(node, _n(NG.term), _typed(fact.term, "duration"))
        self.common(node, where, fact)

    def relation(self, where: str, fact: RelationFact) -> None:
        parties = [self.ref(where, "between", ref, ("state", "organization")) for ref in fact.between]
        since = self.date(where, "since", fact.since)
        if None in parties:
            return
        a, b = sorted(parties, key=lambda n: n.value)  # type: ignore[union-attr]
        node = _n(self.iris.entity("relation", f"{_slug_of(a)}-{_slug_of(b)}-{fact.type.lower()}"))
        self.add(node, RDF_TYPE, _n(getattr(NG, fact.type)))
        label = fact.label or f"{fact.type} between {_slug_of(a)} and {_slug_of(b)}"
        self.add(node, RDFS_LABEL, Literal(label, language="en"))
        self.add(node, _n(NG.party), a)
        self.add(node, _n(NG.party), b)
        self.add_date(node, _n(NG.startDate), since, precision=False)
        direct = _n(NG.alliedWith if fact.type == "Alliance" else NG.partnerOf)
        self.add(a, direct, b)
        self.add(b, direct, a)
        self.common(node, where, fact)


def _slug_of(node: NamedNode) -> str:
    return node.value.rsplit("/", 1)[-1]


def inferred_type_quads(quads: Iterable[Quad], graph: str) -> list[Quad]:
    """The supertypes (from the ontology's subclass closure) of every typed node, into ``graph``."""
    closure = superclasses()
    target = _n(graph)
    seen: set[tuple[str, str]] = set()
    asserted = {(q.subject.value, q.object.value) for q in quads if q.predicate == RDF_TYPE}
    out: list[Quad] = []
    for subject, cls in asserted:
        for parent in closure.get(cls, ()):
            key = (subject, parent)
            if key in asserted or key in seen:
                continue
            seen.add(key)
            out.append(Quad(NamedNode(subject), RDF_TYPE, NamedNode(parent), target))
    return out


def article_quads(
    facts: ArticleFacts,
    *,
    iris: Iris,
    resolve: Callable[[str], object],
    source_name: str,
    ingested_at: dt.datetime,
    text_length: int | None = None,
) -> ArticleQuads:
    """Map one article's facts to quads.

    :raises FactsError: listing every fact and field that cannot be mapped.
    """
    meta = facts.article
    builder = _Builder(facts, iris, Resolver(resolve, iris, facts.entities), source_name)
    for index, decl in enumerate(facts.entities):
        builder.entity_decl(index, decl)
    handlers = {
        "event": builder.event,
        "tenure": builder.tenure,
        "agreement": builder.agreement,
        "relation": builder.relation,
    }
    for index, fact in enumerate(facts.facts):
        where = f"fact {index + 1} (key {fact.key!r})"
        handlers[fact.kind](where, fact)  # type: ignore[operator]
        if text_length is not None:
            for span in fact.evidence:
                if span.end > text_length:
                    builder.problems.append(
                        f"{where}, field 'evidence': span {span.start}-{span.end} runs past the end "
                        f"of the article text ({text_length} characters)"
                    )
    meta_quads, subjects = _metadata(builder, iris, ingested_at)
    if builder.problems:
        raise FactsError(source_name, builder.problems)
    graph = iris.article_graph(meta.id)
    inferred = iris.inferred_graph(graph)
    return ArticleQuads(
        article_id=meta.id,
        graphs={graph: builder.quads, inferred: inferred_type_quads(builder.quads, inferred)},
        meta=meta_quads,
        meta_subjects=subjects,
        fact_count=len(facts.facts),
    )


def provenance_quads(
    graph: NamedNode, inferred: NamedNode, source: NamedNode, activity: NamedNode, activity_label: str,
    when: Literal, meta_graph: NamedNode,
) -> list[Quad]:
    """PROV-O for a graph made from a source by an activity, and for its inferred-types graph."""
    g = meta_graph
    return [
        Quad(graph, RDF_TYPE, _n(PROV.Entity), g),
        Quad(graph, _n(PROV.wasDerivedFrom), source, g),
        Quad(graph, _n(PROV.generatedAtTime), when, g),
        Quad(graph, _n(PROV.wasGeneratedBy), activity, g),
        Quad(inferred, RDF_TYPE, _n(PROV.Entity), g),
        Quad(inferred, _n(NG.inferredFrom), graph, g),
        Quad(inferred, _n(PROV.wasDerivedFrom), graph, g),
        Quad(activity, RDF_TYPE, _n(PROV.Activity), g),
        Quad(activity, RDFS_LABEL, Literal(activity_label), g),
        Quad(activity, _n(PROV.used), source, g),
        Quad(activity, _n(PROV.endedAtTime), when, g),
    ]


def _metadata(builder: _Builder, iris: Iris, ingested_at: dt.datetime) -> tuple[list[Quad], list[str]]:
    """The article's record and the PROV-O provenance of its graphs, for the meta graph."""
    meta = builder.facts.article
    g = _n(iris.meta_graph)
    article = builder.article
    graph = builder.graph
    inferred = _n(iris.inferred_graph(graph.value))
    activity = _n(f"{iris.ingestion_activity_prefix}{meta.id}")
    when = _typed(ingested_at.isoformat(), "dateTime")
    out = [
        Quad(article, RDF_TYPE, _n(NG.Article), g),
        Quad(article, RDFS_LABEL, Literal(meta.title, language=meta.language), g),
        Quad(article, _n(SCHEMA.headline), Literal(meta.title, language=meta.language), g),
        Quad(article, _n(SCHEMA.datePublished), _typed(meta.published.isoformat(), "date"), g),
        Quad(article, _n(SCHEMA.inLanguage), Literal(meta.language), g),
    ]
    label = f"ingestion of {builder.source_name.rsplit('/', 1)[-1]}"
    out += provenance_quads(graph, inferred, article, activity, label, when, g)
    where = "article"
    publisher = builder.ref(where, "publisher", meta.publisher, ("source", "organization"))
    if publisher is not None:
        out.append(Quad(article, _n(SCHEMA.publisher), publisher, g))
        out.append(Quad(graph, _n(PROV.wasAttributedTo), publisher, g))
    if meta.wire_service is not None:
        wire = builder.ref(where, "wire_service", meta.wire_service, ("source", "organization"))
        if wire is not None:
            out.append(Quad(article, _n(NG.wireService), wire, g))
    if meta.url:
        out.append(Quad(article, _n(SCHEMA.url), NamedNode(meta.url), g))
    return out, [article.value, graph.value, inferred.value, activity.value]
