"""`kg enrich`: copy chosen Wikidata facts about our linked entities into a graph of their own.

The facts keep Wikidata's shape (``wd:Q… wdt:P… value`` plus English labels of the values),
so a federated query runs offline by swapping ``SERVICE <…wikidata…>`` for
``GRAPH <{base}graph/enrichment/wikidata>``. The graph is replaced in one transaction, with
its provenance (source endpoint, time, count) in the meta graph.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, replace

from pyoxigraph import Literal, NamedNode, Quad

from kg.config import Settings
from kg.model.iris import Iris
from kg.model.vocab import NG, PROV, RDFS, WD, WDT, typed
from kg.query.federation import fetch_solutions
from kg.store import Store

# Wikidata properties pulled by default: what a reader of world news asks about a state.
PROPERTIES: dict[str, str] = {
    "P36": "capital",
    "P1082": "population",
    "P35": "head of state",
    "P6": "head of government",
    "P37": "official language",
    "P38": "currency",
}
BATCH = 200  # QIDs per remote query: keeps each request well under URL and time limits


@dataclass(frozen=True)
class EnrichSummary:
    """What one run brought in."""

    graph: str
    endpoint: str
    entities: int
    triples: int


def enrichment_graph(iris: Iris) -> str:
    """The named graph that holds facts copied from Wikidata."""
    return f"{iris.base}graph/enrichment/wikidata"


def linked_qids(store: Store) -> list[str]:
    """The QIDs of every entity in the store that carries ng:wikidataId."""
    rows = store.select(f"SELECT DISTINCT ?q WHERE {{ ?e <{NG.wikidataId}> ?q }} ORDER BY ?q")
    return [r["q"].value for r in rows]


def remote_query(qids: list[str], prop: str) -> str:
    """The SELECT that asks the endpoint for one property of some items, with English labels."""
    values = " ".join(str(WD[q]) for q in qids)
    return (
        f"SELECT ?item ?value ?label WHERE {{ VALUES ?item {{ {values} }} "
        f"?item {WDT[prop]} ?value . "
        f'OPTIONAL {{ ?value {RDFS.label} ?label FILTER(LANG(?label) = "en") }} }}'
    )


def enrich(
    store: Store,
    settings: Settings,
    *,
    properties: tuple[str, ...] = tuple(PROPERTIES),
) -> EnrichSummary:
    """Fetch the properties of our linked entities from settings.enrich_endpoint and replace the
    enrichment graph, each request within settings.enrich_timeout.

    :raises QueryEvaluationError: when the endpoint fails or passes the time limit; the
        graph is then left as it was.
    """
    iris = Iris(settings.base_iri)
    graph = enrichment_graph(iris)
    g = NamedNode(graph)
    qids = linked_qids(store)
    endpoint, timeout = settings.enrich_endpoint, settings.enrich_timeout
    call_settings = replace(settings, service_timeout=timeout)
    quads: set[Quad] = set()
    for prop in properties:
        for start in range(0, len(qids), BATCH):
            batch = qids[start : start + BATCH]
            deadline = time.monotonic() + timeout
            _, rows = fetch_solutions(endpoint, remote_query(batch, prop), deadline, call_settings)
            for row in rows:
                item, value = row.get("item"), row.get("value")
                if item is None or value is None:
                    continue
                quads.add(Quad(item, WDT[prop], value, g))  # type: ignore[arg-type]
                label = row.get("label")
                if label is not None and isinstance(value, NamedNode):
                    quads.add(Quad(value, RDFS.label, label, g))  # type: ignore[arg-type]
    meta = NamedNode(iris.meta_graph)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    provenance = [
        Quad(g, PROV.wasDerivedFrom, NamedNode(endpoint), meta),
        Quad(g, PROV.generatedAtTime, typed(now, "dateTime"), meta),
        Quad(g, RDFS.comment, Literal(
            f"Wikidata properties {', '.join(properties)} of {len(qids)} linked entities, "
            f"copied by kg enrich", language="en"), meta),
    ]
    store.write(replace={graph: sorted(quads, key=str)}, clear_subjects={iris.meta_graph: [graph]},
                insert=provenance)
    store.flush()
    return EnrichSummary(graph, endpoint, len(qids), len(quads))
