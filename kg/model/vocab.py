"""Every vocabulary Newsgraph speaks, spelled once: our ontology's terms and the W3C ones.

NG is a closed rdflib namespace (a typo such as ``NG.Meting`` fails loudly);
tests/test_vocab_matches_ontology.py checks that it and ontology/geopol.ttl declare the same
terms, each with a label and a comment. The other vocabularies (RDF, RDFS, XSD, OWL, PROV,
schema.org, …) are Vocabulary objects whose terms are pyoxigraph NamedNodes, ready for quads
and, since a NamedNode prints as ``<iri>``, for SPARQL text: ``f"?s {RDFS.label} ?name"``.
No other module spells the IRI of a vocabulary.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

ONTOLOGY_IRI = "https://w3id.org/newsgraph/ontology"
NG_IRI = ONTOLOGY_IRI + "#"


class NG(DefinedNamespace):
    _NS = Namespace(NG_IRI)
    _fail = True

    # --- actors and places
    Agent: URIRef
    State: URIRef
    Organization: URIRef
    NewsSource: URIRef
    Person: URIRef
    Place: URIRef
    Facility: URIRef
    NuclearFacility: URIRef
    # --- offices and who holds them
    Office: URIRef
    HeadOfStateOffice: URIRef
    HeadOfGovernmentOffice: URIRef
    Tenure: URIRef
    # --- agreements and relations between states
    Agreement: URIRef
    Treaty: URIRef
    StrategicPartnership: URIRef
    Relation: URIRef
    Alliance: URIRef
    Partnership: URIRef
    # --- events
    Event: URIRef
    DiplomaticEvent: URIRef
    Meeting: URIRef
    Visit: URIRef
    Letter: URIRef
    Appeal: URIRef
    Statement: URIRef
    Condemnation: URIRef
    Accusation: URIRef
    CeasefireCall: URIRef
    MediationOffer: URIRef
    Assurance: URIRef
    Coordination: URIRef
    AgreementSigning: URIRef
    Talks: URIRef
    Threat: URIRef
    Demand: URIRef
    Aid: URIRef
    Sanction: URIRef
    SanctionsLifting: URIRef
    MilitaryEvent: URIRef
    Fight: URIRef
    Airstrike: URIRef
    Invasion: URIRef
    ArmedConflict: URIRef
    Bombing: URIRef
    PoliticalEvent: URIRef
    Revolution: URIRef
    Protest: URIRef
    Election: URIRef
    Resignation: URIRef
    Appointment: URIRef
    Arrest: URIRef
    Sentence: URIRef
    Evacuation: URIRef
    # --- provenance
    Article: URIRef
    EvidenceSpan: URIRef

    # --- event roles (each a sub-property of involves, which ingestion materialises)
    involves: URIRef
    agent: URIRef
    recipient: URIRef
    target: URIRef
    participant: URIRef
    mediator: URIRef
    carrier: URIRef
    location: URIRef
    about: URIRef
    # --- time
    date: URIRef
    startDate: URIRef
    endDate: URIRef
    datePrecision: URIRef
    # --- offices and tenures
    officeOf: URIRef
    holder: URIRef
    office: URIRef
    # --- places and facilities
    locatedIn: URIRef
    operatedBy: URIRef
    capital: URIRef
    # --- agreements and relations
    party: URIRef
    signingDate: URIRef
    entryIntoForce: URIRef
    term: URIRef
    alliedWith: URIRef
    partnerOf: URIRef
    # --- identifiers
    wikidataId: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    cameoCode: URIRef
    gdeltEventId: URIRef
    gdeltActorCode: URIRef
    # --- measures of events imported from GDELT, and coordinates of places
    goldsteinScale: URIRef
    averageTone: URIRef
    mentionCount: URIRef
    sourceCount: URIRef
    articleCount: URIRef
    latitude: URIRef
    longitude: URIRef
    # --- attribution, evidence and provenance
    claimedBy: URIRef
    reportedBy: URIRef
    sourceNote: URIRef
    confidence: URIRef
    evidence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    inArticle: URIRef
    wireService: URIRef
    factKey: URIRef
    inferredFrom: URIRef
    writeInProgress: URIRef
    quads: URIRef  # the quad count of a VoID description, next to void:triples
    # --- what articles drafted by an extractor say, and what their sources leave unsaid
    former: URIRef
    notStated: URIRef
    # --- how pages word a property read backwards ("agent of")
    inverseLabel: URIRef


class Vocabulary:
    """The terms of one vocabulary as pyoxigraph NamedNodes: ``RDF.type``, ``VOID["class"]``.

    Closed when names are given: a term not listed is an AttributeError (list it here when
    code needs it), as NG's are. Open (names None) for data-driven names such as Wikidata's.
    """

    def __init__(self, iri: str, names: str | None = None) -> None:
        self.iri = iri
        self._closed = names is not None
        for name in (names or "").split():
            setattr(self, name, ox.NamedNode(iri + name))

    def __getattr__(self, name: str) -> ox.NamedNode:
        # Only called for names that are not listed (listed terms are plain attributes).
        if name.startswith("_") or self.__dict__.get("_closed", True):
            raise AttributeError(f"{name!r} is not a term of <{self.__dict__.get('iri')}> listed in "
                                 "kg/model/vocab.py; add it there if the vocabulary defines it")
        return ox.NamedNode(self.iri + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        """A term by its local name, for names that are Python keywords or come from data."""
        term: ox.NamedNode = getattr(self, name)
        return term

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Vocabulary({self.iri!r})"


RDF = Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type Property langString")
RDFS = Vocabulary(
    "http://www.w3.org/2000/01/rdf-schema#",
    "label comment subClassOf subPropertyOf seeAlso domain range Class Resource",
)
XSD = Vocabulary(
    "http://www.w3.org/2001/XMLSchema#",
    "string boolean integer decimal double date dateTime duration gYear gYearMonth",
)
OWL = Vocabulary(
    "http://www.w3.org/2002/07/owl#",
    "sameAs Ontology Class ObjectProperty DatatypeProperty equivalentClass versionIRI",
)
SKOS = Vocabulary(
    "http://www.w3.org/2004/02/skos/core#",
    "prefLabel altLabel closeMatch exactMatch relatedMatch",
)
DCTERMS = Vocabulary("http://purl.org/dc/terms/", "title description created license identifier")
FOAF = Vocabulary("http://xmlns.com/foaf/0.1/", "Document primaryTopic homepage")
PROV = Vocabulary(
    "http://www.w3.org/ns/prov#",
    "Entity Activity Agent Derivation wasDerivedFrom wasGeneratedBy wasAttributedTo "
    "generatedAtTime used startedAtTime endedAtTime qualifiedDerivation entity atTime "
    "SoftwareAgent wasAssociatedWith wasInformedBy",
)
SCHEMA = Vocabulary(
    "http://schema.org/",
    "headline datePublished inLanguage publisher url sha256 version text name softwareVersion",
)
SEM = Vocabulary(
    "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "Event Actor Place hasActor hasPlace hasTimeStamp hasBeginTimeStamp hasEndTimeStamp accordingTo",
)
VOID = Vocabulary(
    "http://rdfs.org/ns/void#",
    "Dataset Linkset sparqlEndpoint dataDump uriSpace triples entities exampleResource vocabulary "
    "classPartition class linkPredicate subjectsTarget objectsTarget target subset",
)
SD = Vocabulary(
    "http://www.w3.org/ns/sparql-service-description#",
    "Service Dataset Graph endpoint supportedLanguage SPARQL11Query SPARQL11Update resultFormat "
    "feature BasicFederatedQuery UnionDefaultGraph defaultDataset defaultGraph",
)
WD = Vocabulary("http://www.wikidata.org/entity/")  # open: items are Q-ids from data
WDT = Vocabulary("http://www.wikidata.org/prop/direct/")  # open: properties are P-ids from data

# Prefixes we write in serialisations, on the query page and in the README examples.
PREFIXES: dict[str, str] = {
    "ng": NG_IRI,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "xsd": XSD.iri,
    "skos": SKOS.iri,
    "dcterms": DCTERMS.iri,
    "schema": SCHEMA.iri,
    "prov": PROV.iri,
    "sem": SEM.iri,
    "wd": WD.iri,
    "wdt": WDT.iri,
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace in PREFIXES."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def as_node(iri: object) -> ox.NamedNode:
    """A pyoxigraph NamedNode for an IRI string, an NG term (rdflib URIRef) or a NamedNode."""
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


def typed(lexical: str, xsd_name: str) -> ox.Literal:
    """A literal of the XSD datatype with this local name ("decimal", "dateTime", …)."""
    return ox.Literal(lexical, datatype=XSD[xsd_name])
