"""Links out: every entity with a verified QID has owl:sameAs wd:Q… and ng:wikidataId; states their ISO codes."""

from __future__ import annotations

import csv
from collections import Counter

from conftest import SHARED

from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.store import Store

NG = "https://w3id.org/newsgraph/ontology#"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
WD = "http://www.wikidata.org/entity/"


def test_every_qid_becomes_both_links(seeded: Store) -> None:
    iris = Iris("https://w3id.org/newsgraph/")
    linked = [e for e in Gazetteer.bundled() if e.wikidata]
    for entity in linked:
        iri = entity.iri(iris)
        assert seeded.ask(f"ASK {{ <{iri}> <{SAME_AS}> <{WD}{entity.wikidata}> ; "
                          f"<{NG}wikidataId> \"{entity.wikidata}\" }}"), entity.key
    unlinked = [e for e in Gazetteer.bundled() if not e.wikidata]
    for entity in unlinked:
        assert not seeded.ask(f"ASK {{ <{entity.iri(iris)}> <{SAME_AS}> ?x }}"), entity.key


def test_states_carry_iso_codes(seeded: Store) -> None:
    missing = seeded.select(
        f"SELECT ?s WHERE {{ ?s a <{NG}State> FILTER NOT EXISTS {{ ?s <{NG}iso3166Alpha2> ?a ; "
        f"<{NG}iso3166Alpha3> ?b }} }}"
    )
    assert missing == []


def test_seed_qids_are_the_verified_ones() -> None:
    with (SHARED / "data" / "seed-entities-qids.csv").open(encoding="utf-8") as stream:
        verified = {r["wikidata_qid"] for r in csv.DictReader(stream) if r["confidence"] != "none"}
    ours = {e.wikidata for e in Gazetteer.bundled() if e.wikidata and e.kind != "state"}
    assert ours <= verified


def test_count_of_links_by_kind(seeded: Store) -> None:
    rows = seeded.select(
        f"SELECT DISTINCT ?e WHERE {{ ?e <{SAME_AS}> ?q FILTER(STRSTARTS(STR(?q), \"{WD}\")) }}"
    )
    kinds = Counter(r["e"].value.split("/id/")[1].split("/")[0] for r in rows)
    assert kinds["state"] >= 190
    assert kinds["person"] >= 2 and kinds["organization"] >= 2
    print(dict(kinds))
