"""The description of one resource: its statements both ways, labels, provenance, timeline.

Everything here reads the store and returns plain records; the server turns them into HTML
pages and RDF documents. A statement keeps the named graphs it was found in, so that a page
can say which article reported it (graph -> article through the IRI scheme and the meta graph).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.model.formats import Format
from kg.model.iris import Iris
from kg.model.ontology import inverse_labels
from kg.model.vocab import FOAF, NG, OWL, PREFIXES, RDF, RDFS, SCHEMA, SKOS
from kg.store import Store

# Statements carry their predicate as a string (pages compare and group them by it).
RDF_TYPE = RDF.type.value
RDFS_LABEL = RDFS.label.value
SKOS_ALT = SKOS.altLabel.value
OWL_SAME_AS = OWL.sameAs.value

# Roles an entity can play in an event, in the order a timeline names them.
ROLES: tuple[str, ...] = tuple(
    str(p) for p in (NG.agent, NG.recipient, NG.target, NG.participant, NG.mediator,
                     NG.carrier, NG.location, NG.about)
)
# A state of the GDELT samples is pointed at by ~50,000 statements: its page and its documents
# show the first MAX_INCOMING subjects of each property (with the count of all of them) and
# link the next ones, INCOMING_PAGE to a page.
MAX_INCOMING = 10
INCOMING_PAGE = 100
DEFAULT_GRAPH = ""  # the default graph among a Statement's graphs (SPARQL Update writes there)


@dataclass(frozen=True)
class Source:
    """Where a named graph comes from: an article (with its attribution) or reference data."""

    graph: str
    kind: str  # "article", "gdelt", "reference", "ontology", "meta" or "other"
    article: str | None = None
    headline: str | None = None
    published: str | None = None
    publisher: str | None = None
    wire_service: str | None = None

    @property
    def attribution(self) -> str:
        """A short phrase such as "according to Reuters" for the page."""
        if self.kind == "article":
            who = self.wire_service or self.publisher
            return f"according to {who}" if who else "reported by an article"
        if self.kind == "gdelt":  # publisher: the site of the event's source, when known
            return f"{self.publisher}, via GDELT" if self.publisher else "GDELT event data"
        return {
            "reference": "reference data (gazetteer)",
            "ontology": "the Newsgraph ontology",
            "meta": "article metadata",
            "default": "the default graph",
        }.get(self.kind, "")


@dataclass(frozen=True)
class Statement:
    """One triple around the described resource, with the named graphs that hold it."""

    predicate: str
    value: ox.NamedNode | ox.BlankNode | ox.Literal  # the object (outgoing) or subject (incoming)
    graphs: tuple[str, ...]

    @property
    def inferred(self) -> bool:
        """True when every graph holding it is an /inferred graph."""
        return all(g.endswith("/inferred") for g in self.graphs)


@dataclass
class Description:
    """Outgoing and incoming statements of one IRI, labels of what they link, and sources."""

    iri: str
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    label_literals: dict[str, ox.Literal] = field(default_factory=dict)  # as stored
    fragments: dict[str, list[Statement]] = field(default_factory=dict)  # of its iri#… parts
    sources: dict[str, Source] = field(default_factory=dict)
    incoming_counts: dict[str, int] = field(default_factory=dict)  # property -> all subjects
    incoming_truncated: bool = False  # some property has more subjects than incoming holds

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """The text of each label_literals entry."""
        return {iri: literal.value for iri, literal in self.label_literals.items()}

    def label(self, iri: str) -> str:
        """The English label of an IRI we know, else a readable tail of the IRI."""
        return self.labels.get(iri) or short_name(iri)

    def values(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """The objects of one outgoing predicate, each once."""
        seen: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
        for s in self.outgoing:
            if s.predicate == predicate and s.value not in seen:
                seen.append(s.value)
        return seen

    def first(self, predicate: str) -> str | None:
        """The lexical value of the first object of a predicate, if any."""
        found = self.values(predicate)
        return found[0].value if found else None

    @property
    def types(self) -> list[str]:
        """Asserted types first, then inferred ones."""
        typed = [s for s in self.outgoing if s.predicate == RDF_TYPE and isinstance(s.value, ox.NamedNode)]
        typed.sort(key=lambda s: s.inferred)
        ordered: list[str] = []
        for s in typed:
            if s.value.value not in ordered:
                ordered.append(s.value.value)
        return ordered

    @property
    def asserted_types(self) -> list[str]:
        return [
            s.value.value for s in self.outgoing
            if s.predicate == RDF_TYPE and not s.inferred and isinstance(s.value, ox.NamedNode)
        ]


@dataclass(frozen=True)
class TimelineEntry:
    """One event an entity took part in, with its role, counterparts and source articles."""

    event: str
    label: str
    date: str | None
    types: tuple[str, ...]
    roles: tuple[str, ...]
    counterparts: tuple[str, ...]
    sources: tuple[Source, ...]
    claimed_by: tuple[str, ...] = ()
    reported_by: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # of counterparts and claimants

    def name_of(self, iri: str) -> str:
        """The label of a counterpart or claimant of the event."""
        return self.labels.get(iri) or short_name(iri)


def short_name(iri: str) -> str:
    """A readable tail of an IRI (after #, else the last path segment), or a prefixed name."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    tail = iri.rstrip("/").rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
    return tail or iri


_PREPOSITIONS = frozenset({"of", "in", "by", "with", "from", "to", "at", "on", "for", "as"})


def inverse_label(predicate: str, label: str | None = None) -> str:
    """How a page heads the statements that point at a resource through predicate: the ontology's
    ng:inverseLabel ("agent of", "has office"); else the label with "of", never "… of of"."""
    known = inverse_labels().get(predicate)
    if known:
        return known
    words = label or short_name(predicate)
    return f"inverse of {words}" if words.rsplit(" ", 1)[-1] in _PREPOSITIONS else f"{words} of"


def credit_sites(found: Mapping[str, Source], desc: Description) -> dict[str, Source]:
    """The sources of an imported GDELT event credited to its source's site (its ng:reportedBy)."""
    sites = [desc.label(v.value) for v in desc.values(str(NG.reportedBy)) if isinstance(v, ox.NamedNode)]
    if not sites:
        return dict(found)
    return {g: dataclasses.replace(src, publisher=", ".join(sites)) if src.kind == "gdelt" else src
            for g, src in found.items()}


@dataclass(frozen=True)
class Incoming:
    """What points at a resource, in summary: subjects per property, and its hash IRIs (iri#…).

    A client that dereferences iri#part fetches iri's document, so that document describes
    every part (evidence spans of an article are such parts), however many subjects it cuts.
    """

    counts: dict[str, int]
    parts: tuple[str, ...]


def incoming(store: Store, iri: str) -> Incoming:
    """How many distinct subjects point at iri through each property, and which are its parts."""
    rows = store.select(
        f"""SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          {{ ?s ?p <{iri}> }} UNION {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} }} GROUP BY ?p"""
    )
    parts = store.select(
        f"""SELECT DISTINCT ?s WHERE {{ {{ ?s ?p <{iri}> }} UNION {{ GRAPH ?g {{ ?s ?p <{iri}> }} }}
          FILTER(STRSTARTS(STR(?s), {ox.Literal(iri + "#")})) }}"""
    )
    return Incoming({r["p"].value: int(r["n"].value) for r in rows},
                    tuple(sorted(r["s"].value for r in parts)))


def describe(
    store: Store, iris: Iris, iri: str, *, summary: Incoming | None = None,
    only: str | None = None, page: int = 1, events: Iterable[str] = (),
) -> Description:
    """iri's statements, labels and sources: all outgoing ones, and of the incoming ones the
    first MAX_INCOMING subjects of each property (only: page ``page`` of INCOMING_PAGE subjects
    of that property), plus the role statements of the given events.

    summary is incoming(store, iri), when the caller keeps it (it costs a scan of everything
    that points at iri).
    """
    target = ox.NamedNode(iri)
    desc = Description(iri)
    summary = summary or incoming(store, iri)
    desc.incoming_counts = dict(summary.counts)
    found: dict[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal], list[str]] = {}
    size = INCOMING_PAGE if only is not None else MAX_INCOMING
    skip = (max(page, 1) - 1) * size if only is not None else 0
    for predicate, count in summary.counts.items():
        if only is not None and predicate != only:
            continue
        if count > skip + size:
            desc.incoming_truncated = True
        _take_subjects(store, predicate, target, skip, size, found)
    for event in events:
        for role in ROLES:
            for q in store.quads(subject=event, predicate=role, obj=target):
                graph = _graph_key(q.graph_name)
                if graph is not None and graph not in found.setdefault((role, q.subject), []):
                    found[(role, q.subject)].append(graph)
    desc.outgoing = outgoing_statements(store, iri)
    desc.incoming = [Statement(p, v, tuple(sorted(g))) for (p, v), g in found.items()]
    desc.fragments = {part: outgoing_statements(store, part) for part in summary.parts}
    linked = {iri}
    for s in (*desc.outgoing, *desc.incoming, *(f for part in desc.fragments.values() for f in part)):
        linked.add(s.predicate)
        if isinstance(s.value, ox.NamedNode):
            linked.add(s.value.value)
    desc.label_literals = label_literals(store, linked)
    graphs = {g for s in (*desc.outgoing, *desc.incoming) for g in s.graphs}
    desc.sources = credit_sites(sources(store, iris, graphs), desc)
    return desc


def _take_subjects(
    store: Store, predicate: str, target: ox.NamedNode, skip: int, size: int,
    found: dict[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal], list[str]],
) -> None:
    """The subjects skip+1 … skip+size of (?, predicate, target), with their graphs, into found.

    The store's indexes give the quads of one predicate and object in the same order from
    request to request (ordered by subject within the default graph, then the named graphs),
    so a page holds the same subjects until the data changes.
    """
    order: dict[ox.NamedNode | ox.BlankNode | ox.Literal, int] = {}
    for q in store.quads(predicate=predicate, obj=target):
        if q.subject not in order:
            if len(order) == skip + size:
                return
            order[q.subject] = len(order)
        graph = _graph_key(q.graph_name)
        if order[q.subject] >= skip and graph is not None:
            graphs = found.setdefault((predicate, q.subject), [])
            if graph not in graphs:
                graphs.append(graph)


def has_statements(store: Store, iri: str) -> bool:
    """Whether the graph holds any triple with iri as subject or object."""
    node = ox.NamedNode(iri)
    return any(True for _ in store.quads(subject=iri)) or any(
        True for _ in store.quads(obj=node)
    )


def outgoing_statements(store: Store, iri: str) -> list[Statement]:
    """The statements with iri as subject, each with the named graphs that hold it."""
    found: dict[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal], list[str]] = {}
    for q in store.quads(subject=iri):
        graph = _graph_key(q.graph_name)
        if graph is not None:
            found.setdefault((q.predicate.value, q.object), []).append(graph)
    return [Statement(p, v, tuple(sorted(g))) for (p, v), g in found.items()]


def _graph_key(graph_name: object) -> str | None:
    """A named graph's IRI, DEFAULT_GRAPH for the default graph, None for a blank-node graph."""
    if isinstance(graph_name, ox.NamedNode):
        return graph_name.value
    if isinstance(graph_name, ox.DefaultGraph):
        return DEFAULT_GRAPH
    return None


def label_literals(store: Store, iri_list: Iterable[str]) -> dict[str, ox.Literal]:
    """The English (else untagged, else any) rdfs:label of each IRI that has one, as stored."""
    found: dict[str, tuple[int, ox.Literal]] = {}
    for iri in iri_list:
        for q in store.quads(subject=iri, predicate=RDFS_LABEL):
            if not isinstance(q.object, ox.Literal):
                continue
            rank = 0 if q.object.language == "en" else 1 if not q.object.language else 2
            if iri not in found or rank < found[iri][0]:
                found[iri] = (rank, q.object)
    return {iri: literal for iri, (_, literal) in found.items()}


def labels(store: Store, iri_list: Iterable[str]) -> dict[str, str]:
    """The text of label_literals: English, else untagged, else any rdfs:label."""
    return {iri: literal.value for iri, literal in label_literals(store, iri_list).items()}


def article_of_graph(iris: Iris, graph: str) -> str | None:
    """The article IRI whose facts a graph (or its /inferred graph) holds, if it is one."""
    prefix = iris.base + "graph/article/"
    if not graph.startswith(prefix):
        return None
    article_id = graph[len(prefix):].removesuffix("/inferred")
    return iris.article(article_id) if article_id and "/" not in article_id else None


def sources(store: Store, iris: Iris, graphs: Iterable[str]) -> dict[str, Source]:
    """A Source for each named graph: its article's headline, date and attribution."""
    result: dict[str, Source] = {}
    articles: dict[str, str] = {}
    for graph in graphs:
        article = article_of_graph(iris, graph)
        if article is not None:
            articles[graph] = article
        elif graph.startswith(iris.reference_graph):
            result[graph] = Source(graph, "reference")
        elif graph == iris.ontology_graph:
            result[graph] = Source(graph, "ontology")
        elif graph == iris.meta_graph:
            result[graph] = Source(graph, "meta")
        elif graph == DEFAULT_GRAPH:
            result[graph] = Source(graph, "default")
        else:
            result[graph] = Source(graph, "gdelt" if graph.startswith(iris.gdelt_prefix) else "other")
    metadata = article_metadata(store, set(articles.values()))
    for graph, article in articles.items():
        result[graph] = Source(graph, "article", article, *metadata.get(article, (None,) * 4))
    return result


def article_metadata(store: Store, articles: set[str]) -> dict[str, tuple[str | None, ...]]:
    """(headline, published, publisher, wire service) of each article, in one query."""
    if not articles:
        return {}
    values = " ".join(f"<{a}>" for a in sorted(articles))
    rows = store.select(
        f"""SELECT ?article ?headline ?published ?publisher ?wire WHERE {{
          VALUES ?article {{ {values} }}
          OPTIONAL {{ ?article {SCHEMA.headline} ?headline }}
          OPTIONAL {{ ?article {SCHEMA.datePublished} ?published }}
          OPTIONAL {{ ?article {SCHEMA.publisher}/{RDFS.label} ?publisher }}
          OPTIONAL {{ ?article <{NG.wireService}>/<{RDFS_LABEL}> ?wire }}
        }}"""
    )
    found: dict[str, tuple[str | None, ...]] = {}
    for row in rows:
        names = ("headline", "published", "publisher", "wire")
        fields = tuple(row[n].value if n in row else None for n in names)
        found.setdefault(row["article"].value, fields)
    return found


def timeline(store: Store, iris: Iris, iri: str, events: Iterable[str]) -> list[TimelineEntry]:
    """The given events iri took part in (a page of kg.publish.activity), in the order given,
    with iri's roles, the counterparts and the sources: look-ups for these events only."""
    descs = [Description(event, outgoing_statements(store, event)) for event in events]
    linked = {d.iri for d in descs} | {
        s.value.value for d in descs for s in d.outgoing
        if s.predicate in ROLES or s.predicate == str(NG.claimedBy) or s.predicate == str(NG.reportedBy)
        if isinstance(s.value, ox.NamedNode)
    }
    literals = label_literals(store, linked)
    target = ox.NamedNode(iri)
    graphs = {g for d in descs for s in d.outgoing if s.predicate in ROLES and s.value == target
              for g in s.graphs if g != DEFAULT_GRAPH}
    found = sources(store, iris, graphs)
    entries = []
    for desc in descs:
        desc.label_literals = literals
        mine = [s for s in desc.outgoing if s.predicate in ROLES and s.value == target]
        counterparts = [
            s.value.value for s in desc.outgoing
            if s.predicate in ROLES and isinstance(s.value, ox.NamedNode)
            and s.value.value != iri and s.predicate != str(NG.location)
        ]
        graphs_of = sorted({g for s in mine for g in s.graphs if g != DEFAULT_GRAPH})
        entries.append(TimelineEntry(
            event=desc.iri,
            label=desc.label(desc.iri),
            date=event_date(desc),
            types=tuple(desc.asserted_types),
            roles=tuple(r for r in ROLES if any(s.predicate == r for s in mine)),
            counterparts=tuple(dict.fromkeys(counterparts)),
            sources=tuple(credit_sites({g: found[g] for g in graphs_of}, desc).values()),
            claimed_by=tuple(v.value for v in desc.values(str(NG.claimedBy))),
            reported_by=tuple(v.value for v in desc.values(str(NG.reportedBy))),
            labels=desc.labels,
        ))
    return entries


def event_date(desc: Description) -> str | None:
    """An event's date, or its span as "start – end"."""
    date = desc.first(str(NG.date))
    if date:
        return date
    start, end = desc.first(str(NG.startDate)), desc.first(str(NG.endDate))
    if start and end:
        return f"{start} – {end}"
    return f"since {start}" if start else None


def description_triples(
    desc: Description, document: str | None = None, more: Iterable[str] = (),
) -> list[ox.Triple]:
    """The RDF answer for a resource: its triples both ways, labels of linked IRIs, the document
    and, as its rdfs:seeAlso, the URLs of the next pages (more) of what it leaves out."""
    subject = ox.NamedNode(desc.iri)
    triples: dict[ox.Triple, None] = {}
    for s in desc.outgoing:
        triples[ox.Triple(subject, ox.NamedNode(s.predicate), s.value)] = None
    for s in desc.incoming:
        if isinstance(s.value, ox.NamedNode | ox.BlankNode):
            triples[ox.Triple(s.value, ox.NamedNode(s.predicate), subject)] = None
    for part, statements in desc.fragments.items():
        for s in statements:
            triples[ox.Triple(ox.NamedNode(part), ox.NamedNode(s.predicate), s.value)] = None
    label = RDFS.label
    for iri, literal in desc.label_literals.items():
        if iri != desc.iri:
            triples[ox.Triple(ox.NamedNode(iri), label, literal)] = None
    if document is not None:
        doc = ox.NamedNode(document)
        triples[ox.Triple(doc, RDF.type, FOAF.Document)] = None
        triples[ox.Triple(doc, FOAF.primaryTopic, subject)] = None
        if desc.incoming_truncated:  # say so, rather than pass a part off as the whole
            note = (f"Only the first {MAX_INCOMING} subjects of each property that points at this "
                    "resource are included; rdfs:seeAlso links the next pages, and the SPARQL "
                    "endpoint has them all.")
            triples[ox.Triple(doc, RDFS.comment, ox.Literal(note, language="en"))] = None
        for url in more:
            triples[ox.Triple(doc, RDFS.seeAlso, ox.NamedNode(url))] = None
    return list(triples)


def description_quads(
    store: Store, desc: Description, document: str | None = None, more: Iterable[str] = (),
) -> list[ox.Quad]:
    """The description as a dataset (for TriG, N-Quads): description_triples in the default graph,
    and each statement again in the named graphs that hold it, with what the store says of them.

    The named graphs are where the provenance is (which article, which wire service); the
    default graph keeps the document the same as the Turtle one for clients that read only it
    (Comunica prefers N-Quads and queries the default graph).
    """
    quads: dict[ox.Quad, None] = {}
    for t in description_triples(desc, document, more):
        quads[ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())] = None
    graphs: set[str] = set()

    def add(
        subject: ox.NamedNode | ox.BlankNode, s: Statement,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> None:
        for graph in s.graphs:
            if graph != DEFAULT_GRAPH:
                graphs.add(graph)
                quads[ox.Quad(subject, ox.NamedNode(s.predicate), obj, ox.NamedNode(graph))] = None

    subject = ox.NamedNode(desc.iri)
    for s in desc.outgoing:
        add(subject, s, s.value)
    for s in desc.incoming:
        if isinstance(s.value, ox.NamedNode | ox.BlankNode):
            add(s.value, s, subject)
    for part, statements in desc.fragments.items():
        for s in statements:
            add(ox.NamedNode(part), s, s.value)
    for iri, literal in desc.label_literals.items():
        if iri != desc.iri:
            for q in store.quads(subject=iri, predicate=RDFS_LABEL, obj=literal):
                if isinstance(q.graph_name, ox.NamedNode):
                    quads[q] = None
    for graph in sorted(graphs):  # where each graph comes from: its article, its time of writing
        for q in store.quads(subject=graph):
            if isinstance(q.graph_name, ox.NamedNode):
                quads[q] = None
    return list(quads)


def serialize(triples: Iterable[ox.Triple | ox.Quad], fmt: Format) -> bytes:
    """Triples (or quads, for TriG and N-Quads) in a format of kg.model.formats, with our prefixes."""
    if fmt.rdf is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    prefixes = {**PREFIXES, "foaf": FOAF.iri}
    return ox.serialize(list(triples), format=fmt.rdf, prefixes=prefixes)


@dataclass(frozen=True)
class ArticleFacts:
    """What one article contributed: the resources its graph describes and those it links."""

    subjects: list[tuple[str, str, tuple[str, ...]]]  # (iri, label, asserted types)
    entities: list[tuple[str, str]]  # (iri, label) of everything its facts point at
    graph: str = ""  # the article's named graph


def article_facts(store: Store, iris: Iris, article: str) -> ArticleFacts:
    """The facts an article's graph holds, and every entity they mention, with labels."""
    ref = iris.parse_entity(article)
    if ref is None or ref.kind != "article":
        return ArticleFacts([], [])
    graph = ox.NamedNode(iris.article_graph(ref.slug))
    types: dict[str, list[str]] = {}
    mentioned: dict[str, None] = {}
    for q in store.quads(graph=graph.value):
        if not isinstance(q.subject, ox.NamedNode) or "#" in q.subject.value:
            continue  # evidence spans are shown with their facts, not as facts of their own
        subject = q.subject.value
        entry = types.setdefault(subject, [])
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            entry.append(q.object.value)
        elif isinstance(q.object, ox.NamedNode) and q.object.value.startswith(iris.base + "id/") \
                and "#" not in q.object.value:
            mentioned[q.object.value] = None
    names = labels(store, [*types, *mentioned])
    subjects = sorted(
        ((s, names.get(s, short_name(s)), tuple(t)) for s, t in types.items()),
        key=lambda item: (item[2][:1], item[1]),
    )
    entities = sorted(((e, names.get(e, short_name(e))) for e in mentioned if e not in types),
                      key=lambda item: item[1])
    return ArticleFacts(subjects, entities, graph.value)
