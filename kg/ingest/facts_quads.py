"""Facts of one article -> quads of its named graph, its inferred-types graph and its metadata.

Pure: no I/O. Every problem found (unknown entity, wrong kind, bad date, unknown class) is
collected and raised together as one FactsError naming the fact and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad, Triple

from kg.errors import AmbiguousNameError, FactsError, ResolutionError
from kg.ingest.resolution import FIELD_KINDS, Resolver, how_to_declare
from kg.model.dates import FuzzyDate, parse_date
from kg.model.facts import (
    AgreementFact,
    ArticleFacts,
    EntityDecl,
    EventFact,
    Evidence,
    FactBase,
    RelationFact,
    TenureFact,
)
from kg.model.iris import Iris
from kg.model.ontology import materialised_superproperties, superclasses
from kg.model.vocab import DCTERMS, NG, NG_IRI, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD, as_node, typed


@dataclass
class ArticleQuads:
    """What one article contributes: graphs to replace, metadata to swap in the meta graph."""

    article_id: str
    graphs: dict[str, list[Quad]]
    meta: list[Quad]
    meta_subjects: list[str]
    fact_count: int
    warnings: list[str] = field(default_factory=list)  # "file: fact, field: what may not be meant"

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
    warnings: list[str] = field(default_factory=list)  # mapped, but perhaps not as meant

    def __post_init__(self) -> None:
        self.graph = as_node(self.iris.article_graph(self.facts.article.id))
        self.article = as_node(self.iris.article(self.facts.article.id))
        self.published = self.facts.article.published

    # --- small helpers that record problems instead of stopping at the first one

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def ref(
        self, where: str, field_name: str, ref: str, kinds: Iterable[str] | None = None
    ) -> NamedNode | None:
        return self.resolved(where, field_name, ref, kinds)[0]

    def resolved(
        self, where: str, field_name: str, ref: str, kinds: Iterable[str] | None = None
    ) -> tuple[NamedNode | None, str]:
        """The node a reference denotes and its label; (None, ref) after recording why not."""
        allowed = tuple(kinds) if kinds is not None else None
        try:
            resolved = self.resolve(ref, allowed)
        except AmbiguousNameError as exc:
            self.problems.append(f"{where}, field {field_name!r}: {exc}")
            return None, ref
        except ResolutionError as exc:
            hint = how_to_declare(ref, field_name, allowed)
            self.problems.append(f"{where}, field {field_name!r}: {exc}{hint}")
            return None, ref
        if allowed is not None and resolved.kind not in allowed:
            self.problems.append(
                f"{where}, field {field_name!r}: {ref!r} is a {resolved.kind}, "
                f"expected one of: {', '.join(allowed)}"
            )
            return None, ref
        if allowed and resolved.by_metonym and resolved.kind != allowed[0]:
            key = self.iris.parse_entity(resolved.iri)
            self.warnings.append(
                f"{where}, field {field_name!r}: {ref!r} stands for {key} ({resolved.label}, a "
                f"{resolved.kind}), where a {allowed[0]} is expected first; if a {allowed[0]} is "
                f"meant, give its key ({allowed[0]}/...) or declare it under 'entities:'"
            )
        return as_node(resolved.iri), resolved.label

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
        self.add(s, p, Literal(when.lexical, datatype=as_node(when.datatype)))
        if precision:
            self.add(s, as_node(NG.datePrecision), Literal(when.precision))

    def ng_class(self, where: str, name: str, root: str | None) -> NamedNode | None:
        try:
            iri = str(getattr(NG, name))
        except AttributeError:
            self.problems.append(
                f"{where}, field 'type': {name!r} is not a class of the ontology{_close_classes(name, root)}"
            )
            return None
        supers = superclasses().get(iri)
        if supers is None or (root is not None and root != iri and root not in supers):
            wanted = root.rsplit("#", 1)[-1] if root else "class"
            self.problems.append(
                f"{where}, field 'type': {name!r} is not a kind of {wanted}{_close_classes(name, root)}"
            )
            return None
        return as_node(iri)

    # --- the facts

    def entity_decl(self, index: int, decl: EntityDecl) -> None:
        where = f"entity {index + 1} (key {decl.key!r})"
        if decl.known:
            self.known_decl(where, decl)
            return
        kind, slug = decl.key.split("/", 1)
        try:
            node = as_node(self.iris.entity(kind, slug))
        except Exception as exc:  # noqa: BLE001 - ConfigError for an unknown kind, reported per field
            self.problems.append(f"{where}, field 'key': {exc}")
            return
        cls = self.ng_class(where, decl.type, None)
        if cls is not None:
            self.add(node, RDF.type, cls)
        defined = self.resolve.defined.get(decl.key)
        # An agreement or event a fact of the file defines is labelled by that fact: the
        # declaration's own label, when it differs, is one more name, not a second label.
        if defined is None:
            self.add(node, RDFS.label, Literal(decl.label, language="en"))
        elif decl.label != defined:
            self.add(node, SKOS.altLabel, Literal(decl.label, language="en"))
        for alias in decl.aliases:
            self.add(node, SKOS.altLabel, Literal(alias, language="en"))
        if decl.wikidata:
            self.add(node, OWL.sameAs, WD[decl.wikidata])
            self.add(node, as_node(NG.wikidataId), Literal(decl.wikidata))
        if decl.office_of:
            target = self.ref(where, "office_of", decl.office_of, ("state", "organization"))
            if target is not None:
                self.add(node, as_node(NG.officeOf), target)
        if decl.located_in:
            target = self.ref(where, "located_in", decl.located_in, FIELD_KINDS["located_in"])
            if target is not None:
                self.add(node, as_node(NG.locatedIn), target)
        self.add_confidence(node, decl.confidence)
        # A fact key holds no "/": the entity's spans cannot take a fact's evidence IRIs.
        self.add_evidence(node, f"{decl.key}-evidence", decl.evidence)

    def known_decl(self, where: str, decl: EntityDecl) -> None:
        """An entity listed as known: it must resolve outside the article to the same key and type."""
        try:
            entity = self.resolve.outside(decl.key)
        except ResolutionError as exc:
            self.problems.append(
                f"{where}, field 'known': {exc}; neither the gazetteer nor the graph has it: "
                "declare it (drop 'known: true') or give the key of the entity meant"
            )
            return
        held = getattr(entity, "type", None)
        wanted = NG_IRI + decl.type
        if held is not None and held != wanted and wanted not in superclasses().get(held, ()):
            self.problems.append(
                f"{where}, field 'type': {decl.key} is a {held.rsplit('#', 1)[-1]}, not a {decl.type}"
            )

    def add_confidence(self, node: NamedNode, confidence: float | None) -> None:
        if confidence is not None:
            # repr, then Decimal: 1e-05 must be written 0.00001, the only form xsd:decimal has.
            self.add(node, as_node(NG.confidence), typed(format(Decimal(repr(confidence)), "f"), "decimal"))

    def add_evidence(self, node: NamedNode, stem: str, spans: list[Evidence]) -> None:
        for n, span in enumerate(spans, start=1):
            evidence = NamedNode(f"{self.article.value}#{stem}-{n}")
            self.add(node, as_node(NG.evidence), evidence)
            self.add(evidence, RDF.type, as_node(NG.EvidenceSpan))
            self.add(evidence, as_node(NG.startOffset), typed(str(span.start), "integer"))
            self.add(evidence, as_node(NG.endOffset), typed(str(span.end), "integer"))
            self.add(evidence, as_node(NG.inArticle), self.article)

    def common(self, node: NamedNode, where: str, fact: FactBase) -> None:
        """Key, confidence, attribution and evidence: what every kind of fact may carry."""
        self.add(node, as_node(NG.factKey), Literal(fact.key))
        self.add_confidence(node, fact.confidence)
        for name, prop in (("claimed_by", NG.claimedBy), ("reported_by", NG.reportedBy)):
            ref = getattr(fact, name)
            if ref is not None:
                target = self.ref(where, name, ref, ("state", "organization", "person", "source"))
                if target is not None:
                    self.add(node, as_node(prop), target)
        if fact.source_note:
            self.add(node, as_node(NG.sourceNote), Literal(fact.source_note, language="en"))
        self.add_evidence(node, f"{fact.key}-evidence", fact.evidence)

    def event(self, where: str, fact: EventFact) -> None:
        if fact.entity is not None:
            node = self.ref(where, "entity", fact.entity, ("event",))
            if node is None:
                return
        else:
            node = as_node(self.iris.event(self.facts.article.id, fact.key))
        for name in fact.types:
            cls = self.ng_class(where, name, str(NG.Event))
            if cls is not None:
                self.add(node, RDF.type, cls)
        # A known event (a war) keeps its own label; what this article says of it is a comment.
        described_by = RDFS.comment if fact.entity is not None else RDFS.label
        self.add(node, described_by, Literal(fact.label, language="en"))
        self.add_date(node, as_node(NG.date), self.date(where, "date", fact.date), precision=True)
        self.add_date(node, as_node(NG.startDate), self.date(where, "start", fact.start), precision=False)
        self.add_date(node, as_node(NG.endDate), self.date(where, "end", fact.end), precision=False)
        if fact.date is None and fact.start is None and fact.entity is None:
            # The publication date is the report's (schema:datePublished), not the event's:
            # an event the article does not date stays undated, and says so.
            self.add(node, as_node(NG.notStated), as_node(NG.date))
        for role in ("agent", "recipient", "target", "participant", "mediator", "carrier", "about"):
            for ref in getattr(fact, role):
                target = self.ref(where, role, ref, FIELD_KINDS[role])
                if target is not None:
                    self.add(node, as_node(getattr(NG, role)), target)
        if fact.location is not None:
            target = self.ref(where, "location", fact.location, FIELD_KINDS["location"])
            if target is not None:
                self.add(node, as_node(NG.location), target)
        if fact.cameo:
            self.add(node, as_node(NG.cameoCode), Literal(fact.cameo))
        self.common(node, where, fact)

    def tenure(self, where: str, fact: TenureFact) -> None:
        person, holder = self.resolved(where, "person", fact.person, ("person",))
        office, office_label = self.resolved(where, "office", fact.office, ("office",))
        start = self.date(where, "start", fact.start)
        end = self.date(where, "end", fact.end)
        if person is None or office is None:
            return
        slug = f"{_slug_of(person)}-{_slug_of(office)}-{start.lexical if start else 'undated'}"
        node = as_node(self.iris.entity("tenure", slug))
        self.add(node, RDF.type, as_node(NG.Tenure))
        label = _tenure_label(holder, office_label, fact.former, start, end)
        self.add(node, RDFS.label, Literal(label, language="en"))
        self.add(node, as_node(NG.holder), person)
        self.add(node, as_node(NG.office), office)
        if fact.former:
            self.add(node, as_node(NG.former), Literal("true", datatype=XSD.boolean))
        self.add_date(node, as_node(NG.startDate), start, precision=False)
        if fact.start is None:
            self.add(node, as_node(NG.notStated), as_node(NG.startDate))
        self.add_date(node, as_node(NG.endDate), end, precision=False)
        self.common(node, where, fact)

    def agreement(self, where: str, fact: AgreementFact) -> None:
        node = as_node(self.iris.entity("agreement", fact.agreement))
        cls = self.ng_class(where, fact.type, str(NG.Agreement))
        if cls is not None:
            self.add(node, RDF.type, cls)
        self.add(node, RDFS.label, Literal(fact.label, language="en"))
        for ref in fact.parties:
            party = self.ref(where, "parties", ref, ("state", "organization"))
            if party is not None:
                self.add(node, as_node(NG.party), party)
        signed = self.date(where, "signed", fact.signed)
        in_force = self.date(where, "in_force", fact.in_force)
        self.add_date(node, as_node(NG.signingDate), signed, precision=False)
        self.add_date(node, as_node(NG.entryIntoForce), in_force, precision=False)
        if fact.term:
            self.add(node, as_node(NG.term), typed(fact.term, "duration"))
        self.common(node, where, fact)

    def relation(self, where: str, fact: RelationFact) -> None:
        found = [self.resolved(where, "between", ref, ("state", "organization")) for ref in fact.between]
        since = self.date(where, "since", fact.since)
        parties = {node: label for node, label in found if node is not None}
        if len(parties) < len(found):
            return
        a, b = sorted(parties, key=lambda n: n.value)
        node = as_node(self.iris.entity("relation", f"{_slug_of(a)}-{_slug_of(b)}-{fact.type.lower()}"))
        self.add(node, RDF.type, as_node(getattr(NG, fact.type)))
        # The parties' own labels, capitals and all ("Partnership between China and Iran").
        label = fact.label or f"{fact.type} between {parties[a]} and {parties[b]}"
        self.add(node, RDFS.label, Literal(label, language="en"))
        self.add(node, as_node(NG.party), a)
        self.add(node, as_node(NG.party), b)
        self.add_date(node, as_node(NG.startDate), since, precision=False)
        direct = as_node(NG.alliedWith if fact.type == "Alliance" else NG.partnerOf)
        self.add(a, direct, b)
        self.add(b, direct, a)
        self.common(node, where, fact)


def _slug_of(node: NamedNode) -> str:
    return node.value.rsplit("/", 1)[-1]


def _tenure_label(
    holder: str, office: str, former: bool, start: FuzzyDate | None, end: FuzzyDate | None
) -> str:
    """A tenure in words: "Vladimir Putin, President of Russia, since 2012-05-07" (or "..., A to B")."""
    title = f"former {office}" if former and end is None else office
    if start and end:
        when = f"{start.lexical} to {end.lexical}"
    elif start:
        when = f"from {start.lexical}" if former else f"since {start.lexical}"
    elif end:
        when = f"until {end.lexical}"
    else:
        return f"{holder}, {title}"
    return f"{holder}, {title}, {when}"


def _close_classes(name: str, root: str | None) -> str:
    """'; did you mean Meeting?' for a misspelt class name, among the kinds of ``root``."""
    closure = superclasses()
    names = {
        iri.rsplit("#", 1)[-1]: iri
        for iri, supers in closure.items()
        if iri.startswith(NG_IRI) and (root is None or root == iri or root in supers)
    }
    by_fold = {n.casefold(): n for n in names}
    if name.casefold() in by_fold:
        close = [name.casefold()]  # only the capitals are wrong ("meeting")
    else:
        close = difflib.get_close_matches(name.casefold(), list(by_fold), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(by_fold[c] for c in close)}?" if close else ""


def inferred_type_quads(quads: Iterable[Quad], graph: str) -> list[Quad]:
    """What ingestion infers, into ``graph``: the supertypes (the ontology's subclass closure) of
    every typed node, and ``?event ng:involves ?x`` for every role triple (its ng: super-properties)."""
    closure = superclasses()
    properties = _superproperty_nodes()
    target = as_node(graph)
    seen: set[tuple[str, str]] = set()
    asserted: set[tuple[str, str]] = set()
    roles: list[Quad] = []  # the statements that have a super-property to write
    for q in quads:
        predicate = q.predicate
        if predicate == RDF.type:
            asserted.add((q.subject.value, q.object.value))
        elif predicate in properties:
            roles.append(q)
    out: list[Quad] = []
    for subject, cls in asserted:
        for parent in closure.get(cls, ()):
            key = (subject, parent)
            if key in asserted or key in seen:
                continue
            seen.add(key)
            out.append(Quad(NamedNode(subject), RDF.type, NamedNode(parent), target))
    stated = {q.triple for q in roles}
    written: set[object] = set()
    for q in roles:
        for parent in properties[q.predicate]:
            triple = Triple(q.subject, parent, q.object)
            if triple in stated or triple in written:
                continue
            written.add(triple)
            out.append(Quad(q.subject, parent, q.object, target))
    return out


@cache
def _superproperty_nodes() -> dict[NamedNode, tuple[NamedNode, ...]]:
    """materialised_superproperties() as pyoxigraph nodes: compared without building strings."""
    return {NamedNode(p): tuple(NamedNode(s) for s in sorted(sups))
            for p, sups in materialised_superproperties().items()}


def article_quads(
    facts: ArticleFacts,
    *,
    iris: Iris,
    resolve: Callable[[str], object],
    source_name: str,
    ingested_at: dt.datetime,
    text_length: int | None = None,
    text: str | None = None,
    strict: bool = False,
) -> ArticleQuads:
    """Map one article's facts to quads; ``text``, when given, is stored with the article.

    What maps but may not be meant (a place's name that stands for its state) is a warning,
    or with ``strict`` a problem.

    :raises FactsError: listing every fact and field that cannot be mapped.
    """
    meta = facts.article
    if text is not None and text_length is None:
        text_length = len(text)
    builder = _Builder(facts, iris, Resolver(resolve, iris, facts), source_name)
    for index, decl in enumerate(facts.entities):
        builder.entity_decl(index, decl)
        if text_length is not None:
            _check_spans(builder, f"entity {index + 1} (key {decl.key!r})", decl.evidence, text_length)
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
            _check_spans(builder, where, fact.evidence, text_length)
    meta_quads, subjects = _metadata(builder, iris, ingested_at, text)
    if strict:
        builder.problems += [f"{w} (an error with --strict)" for w in builder.warnings]
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
        warnings=[f"{source_name}: {w}" for w in builder.warnings],
    )


def _check_spans(builder: _Builder, where: str, spans: list[Evidence], text_length: int) -> None:
    for span in spans:
        if span.end > text_length:
            builder.problems.append(
                f"{where}, field 'evidence': span {span.start}-{span.end} runs past the end "
                f"of the article text ({text_length} characters)"
            )


def provenance_quads(
    graph: NamedNode, inferred: NamedNode, source: NamedNode, activity: NamedNode, activity_label: str,
    when: Literal, meta_graph: NamedNode,
) -> list[Quad]:
    """PROV-O for a graph made from a source by an activity, and for its inferred-types graph."""
    g = meta_graph
    return [
        Quad(graph, RDF.type, PROV.Entity, g),
        Quad(graph, PROV.wasDerivedFrom, source, g),
        Quad(graph, PROV.generatedAtTime, when, g),
        Quad(graph, PROV.wasGeneratedBy, activity, g),
        Quad(inferred, RDF.type, PROV.Entity, g),
        Quad(inferred, as_node(NG.inferredFrom), graph, g),
        Quad(inferred, PROV.wasDerivedFrom, graph, g),
        Quad(activity, RDF.type, PROV.Activity, g),
        Quad(activity, RDFS.label, Literal(activity_label), g),
        Quad(activity, PROV.used, source, g),
        Quad(activity, PROV.endedAtTime, when, g),
    ]


def _metadata(
    builder: _Builder, iris: Iris, ingested_at: dt.datetime, text: str | None
) -> tuple[list[Quad], list[str]]:
    """The article's record and the PROV-O provenance of its graphs, for the meta graph.

    What the source leaves unsaid (publication date, publisher) is recorded as ng:notStated.
    """
    meta = builder.facts.article
    g = as_node(iris.meta_graph)
    article = builder.article
    graph = builder.graph
    inferred = as_node(iris.inferred_graph(graph.value))
    activity = as_node(f"{iris.ingestion_activity_prefix}{meta.id}")
    when = typed(ingested_at.isoformat(), "dateTime")
    out = [
        Quad(article, RDF.type, as_node(NG.Article), g),
        Quad(article, RDFS.label, Literal(meta.title, language=meta.language), g),
        Quad(article, SCHEMA.headline, Literal(meta.title, language=meta.language), g),
        Quad(article, SCHEMA.inLanguage, Literal(meta.language), g),
    ]
    if meta.published is not None:
        out.append(Quad(article, SCHEMA.datePublished, typed(meta.published.isoformat(), "date"), g))
    else:
        out.append(Quad(article, as_node(NG.notStated), SCHEMA.datePublished, g))
    if meta.source_id is not None:
        out.append(Quad(article, DCTERMS.identifier, Literal(meta.source_id), g))
    if text is not None:
        # The user's data, kept with the article so that pages can show the evidence itself;
        # the digest lets a corpus import skip an article whose text has not changed.
        out.append(Quad(article, SCHEMA.text, Literal(text, language=meta.language), g))
        out.append(Quad(article, SCHEMA.sha256, Literal(text_sha256(text)), g))
    label = f"ingestion of {builder.source_name.rsplit('/', 1)[-1]}"
    out += provenance_quads(graph, inferred, article, activity, label, when, g)
    # The extraction's records are cleared on every re-ingest: a reviewed file replaces a draft.
    subjects = iris.article_records(meta.id)
    if meta.extracted_by is not None:
        out += _extraction_quads(meta.id, meta.extracted_by.engine, meta.extracted_by.version, iris, activity)
    where = "article"
    if meta.publisher is None:
        out.append(Quad(article, as_node(NG.notStated), SCHEMA.publisher, g))
    else:
        publisher = builder.ref(where, "publisher", meta.publisher, ("source", "organization"))
        if publisher is not None:
            out.append(Quad(article, SCHEMA.publisher, publisher, g))
            out.append(Quad(graph, PROV.wasAttributedTo, publisher, g))
    if meta.wire_service is not None:
        wire = builder.ref(where, "wire_service", meta.wire_service, ("source", "organization"))
        if wire is not None:
            out.append(Quad(article, as_node(NG.wireService), wire, g))
    if meta.url:
        out.append(Quad(article, SCHEMA.url, NamedNode(meta.url), g))
    return out, subjects


def _extraction_quads(
    article_id: str, engine: str, version: str, iris: Iris, ingestion: NamedNode
) -> list[Quad]:
    """PROV-O of a machine draft: the graph was generated by an extraction, by an engine of a version."""
    g = as_node(iris.meta_graph)
    graph = as_node(iris.article_graph(article_id))
    extraction = as_node(iris.extraction_activity(article_id))
    agent = as_node(iris.extraction_engine(article_id))
    label = f"extraction of facts from the text by the {engine} engine {version}"
    return [
        Quad(graph, PROV.wasGeneratedBy, extraction, g),
        Quad(ingestion, PROV.wasInformedBy, extraction, g),
        Quad(extraction, RDF.type, PROV.Activity, g),
        Quad(extraction, RDFS.label, Literal(label), g),
        Quad(extraction, PROV.used, as_node(iris.article(article_id)), g),
        Quad(extraction, PROV.wasAssociatedWith, agent, g),
        Quad(agent, RDF.type, PROV.SoftwareAgent, g),
        Quad(agent, RDFS.label, Literal(f"Newsgraph {engine} extractor {version}"), g),
        Quad(agent, SCHEMA.name, Literal(engine), g),
        Quad(agent, SCHEMA.softwareVersion, Literal(version), g),
    ]


def text_sha256(text: str) -> str:
    """The SHA-256 of an article text (UTF-8), as recorded with the article."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
