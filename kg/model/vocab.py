"""Our ontology's terms as a closed namespace: a typo such as ``NG.Meting`` fails loudly.

tests/test_vocab_matches_ontology.py checks that this list and ontology/geopol.ttl declare
the same terms, each with a label and a comment.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

NG_IRI = "https://w3id.org/newsgraph/ontology#"


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
    MilitaryEvent: URIRef
    Airstrike: URIRef
    Invasion: URIRef
    ArmedConflict: URIRef
    PoliticalEvent: URIRef
    Revolution: URIRef
    # --- provenance
    Article: URIRef
    EvidenceSpan: URIRef

    # --- event roles
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


SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

# Prefixes we write in serialisations, on the query page and in the README examples.
PREFIXES: dict[str, str] = {
    "ng": NG_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "sem": str(SEM),
    "wd": str(WD),
    "wdt": str(WDT),
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace in PREFIXES."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
