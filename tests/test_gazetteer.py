"""The gazetteer: bundled states and entities, name resolution, and the reference graph."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

from kg.errors import ResolutionError
from kg.model.gazetteer import Entity, Gazetteer, normalize, read_states
from kg.model.iris import Iris
from kg.model.vocab import NG, sparql_prefixes

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
COUNTRIES = SHARED / "data" / "countries" / "countries_iso_wikidata.csv"
SEED_QIDS = SHARED / "data" / "seed-entities-qids.csv"
BASE = "https://w3id.org/newsgraph/"

# The 193 UN member states by ISO 3166-1 alpha-2 code, written out independently of the data.
UN_MEMBERS = """
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH
CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ KP DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ
FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI
KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM NA
NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA KR RO RU RW KN LC VC WS SM ST
SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV
UG UA AE GB US UY UZ VU VE VN YE ZM ZW
""".split()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.bundled()


def states_rows() -> list[dict[str, str]]:
    text = resources.files("kg.data").joinpath("states.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_un_member_list_is_complete() -> None:
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193


def test_all_sovereign_states_are_bundled(gazetteer: Gazetteer) -> None:
    states = gazetteer.by_kind("state")
    assert len(states) >= 195
    by_status = {s.status for s in states}
    assert by_status <= {"un-member", "un-observer", "partially-recognised"}
    assert sum(s.status == "un-member" for s in states) == 193
    assert {s.iso2 for s in states if s.status == "un-observer"} == {"VA", "PS"}


@pytest.mark.parametrize("iso2", UN_MEMBERS)
def test_every_un_member_resolves(gazetteer: Gazetteer, iso2: str) -> None:
    state = next(s for s in gazetteer.by_kind("state") if s.iso2 == iso2)
    assert state.status == "un-member"
    assert gazetteer.resolve(state.key) is state
    assert gazetteer.resolve(state.label) is state
    assert gazetteer.resolve(state.label.upper()) is state


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("Tehran", "state/iran"),
        ("the Kremlin", "state/russia"),
        ("Kremlin", "state/russia"),
        ("Washington", "state/united-states"),
        ("the White House", "state/united-states"),
        ("U.S.", "state/united-states"),
        ("Iran", "state/iran"),
        ("state/iran", "state/iran"),
        ("Islamic Republic of Iran", "state/iran"),
        ("  IRAN ", "state/iran"),
        ("Moscow", "state/russia"),
        ("Beijing", "state/china"),
        ("Downing Street", "state/united-kingdom"),
        ("Tel Aviv", "state/israel"),
        ("Holy See", "state/vatican-city"),
        ("Côte d'Ivoire", "state/ivory-coast"),
        ("cote d'ivoire", "state/ivory-coast"),
        ("Türkiye", "state/turkey"),
        ("Abbas Araqchi", "person/abbas-araghchi"),
        ("Araqchi", "person/abbas-araghchi"),
        ("Vladimir Putin", "person/vladimir-putin"),
        ("Russia's U.N. Ambassador", "office/permanent-representative-of-russia-to-the-un"),
        ("Security Council", "organization/un-security-council"),
        ("Fordow", "facility/fordow"),
        ("war in Ukraine", "event/russian-invasion-of-ukraine"),
        ("place/moscow", "place/moscow"),
        ("place/tehran", "place/tehran"),
    ],
)
def test_resolve_names_aliases_and_metonyms(gazetteer: Gazetteer, ref: str, key: str) -> None:
    assert gazetteer.resolve(ref).key == key


def test_unknown_name_suggests_close_ones(gazetteer: Gazetteer) -> None:
    with pytest.raises(ResolutionError, match=r"Tehran \(state/iran\)"):
        gazetteer.resolve("Tehrann")
    with pytest.raises(ResolutionError, match="state/iran"):
        gazetteer.resolve("state/irn")
    with pytest.raises(ResolutionError, match="Isfahan Nuclear Technology Center"):
        gazetteer.resolve("Isfahan")


def test_names_are_unique_across_entities(gazetteer: Gazetteer) -> None:
    owner: dict[str, str] = {}
    for entity in gazetteer:
        if entity.kind == "place" and entity.key in {s.capital for s in gazetteer}:
            continue  # capitals are reached by key; their names belong to the state
        for name in entity.names:
            assert owner.setdefault(normalize(name), entity.key) == entity.key, name


def test_loader_refuses_a_name_shared_by_two_entities() -> None:
    person = {"type": str(NG.Person), "aliases": ("the Boss",)}
    first = Entity(kind="person", slug="a-one", label="A One", **person)
    second = Entity(kind="person", slug="b-two", label="B Two", **person)
    with pytest.raises(ResolutionError, match=r"ambiguous.*Boss.*person/a-one, person/b-two"):
        Gazetteer([first, second])


def test_loader_refuses_a_metonym_shared_by_two_states(tmp_path: Path) -> None:
    header = "iso2,iso3,slug,name,wikidata_qid,capital,aliases,metonyms,status\n"
    rows = (
        "AA,AAA,aland,Aland,,Alpha,,Alpha|the Palace,un-member\n"
        "BB,BBB,bland,Bland,,Beta,,Beta|The Palace,un-member\n"
    )
    (tmp_path / "states.csv").write_text(header + rows, encoding="utf-8")
    (tmp_path / "entities.yaml").write_text("entities: []\n", encoding="utf-8")
    with pytest.raises(ResolutionError, match="Palace"):
        Gazetteer.from_files(tmp_path / "states.csv", tmp_path / "entities.yaml")


def test_add_registers_an_article_entity_and_refuses_clashes() -> None:
    gazetteer = Gazetteer.bundled()
    city = Entity(kind="place", slug="isfahan", type=str(NG.Place), label="Isfahan")
    gazetteer.add(city)
    gazetteer.add(city)  # the same declaration again is a no-op
    assert gazetteer.resolve("Isfahan") is city
    with pytest.raises(ResolutionError, match="already a different entity"):
        gazetteer.add(Entity(kind="place", slug="isfahan", type=str(NG.Place), label="Esfahan"))
    with pytest.raises(ResolutionError, match="names already taken.*state/iran"):
        gazetteer.add(Entity(kind="place", slug="tehran-city", type=str(NG.Place), label="Tehran"))
    with pytest.raises(ResolutionError, match="not a known entity"):
        gazetteer.add(
            Entity(
                kind="facility",
                slug="somewhere",
                type=str(NG.Facility),
                label="Somewhere",
                located_in="state/atlantis",
            )
        )
    assert "place/isfahan" not in Gazetteer.bundled()  # bundled() hands out fresh copies


def test_state_qids_equal_the_upstream_file(gazetteer: Gazetteer) -> None:
    with COUNTRIES.open(encoding="utf-8") as f:
        upstream = {row["iso2"]: row["wikiDataId"] for row in csv.DictReader(f)}
    rows = states_rows()
    for row in rows:
        assert row["iso3"], row
        if row["wikidata_qid"]:
            assert row["wikidata_qid"] == upstream[row["iso2"]], row["iso2"]
    # Only Palestine is left without one (upstream's QID is the territories' item).
    assert [r["iso2"] for r in rows if not r["wikidata_qid"]] == ["PS"]
    assert gazetteer.resolve("Iran").wikidata == "Q794"


def test_seed_entity_qids_follow_their_confidence(gazetteer: Gazetteer) -> None:
    with SEED_QIDS.open(encoding="utf-8") as f:
        seed = list(csv.DictReader(f))
    checked = 0
    for row in seed:
        try:
            entity = gazetteer.resolve(row["entity"])
        except ResolutionError:
            assert row["kind"] == "agreement", row["entity"]  # agreements are article facts
            continue
        checked += 1
        if row["confidence"] == "none":
            assert entity.wikidata is None, row["entity"]
        else:
            assert entity.wikidata == row["wikidata_qid"], row["entity"]
    assert checked >= len(seed) - 3
    known = {row["wikidata_qid"] for row in seed if row["confidence"] in {"high", "medium"}}
    for entity in gazetteer:
        if entity.kind != "state" and entity.wikidata:
            assert entity.wikidata in known, entity.key


def test_entities_have_the_declared_relations(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("President of Russia").type == str(NG.HeadOfStateOffice)
    assert gazetteer.resolve("Supreme Leader of Iran").office_of == "state/iran"
    assert gazetteer.resolve("Bushehr").located_in == "state/iran"
    assert gazetteer.resolve("Reuters").type == str(NG.NewsSource)
    assert gazetteer.resolve("2003 invasion of Iraq").type == str(NG.Invasion)
    assert gazetteer.resolve("state/russia").capital == "place/moscow"


def test_search_ranks_prefix_matches(gazetteer: Gazetteer) -> None:
    keys = [e.key for e in gazetteer.search("ira", limit=5)]
    assert keys[:2] == ["state/iran", "state/iraq"]
    assert len(keys) == 5
    assert gazetteer.search("IRAN")[0].key == "state/iran"
    assert "state/russia" in [e.key for e in gazetteer.search("kreml")]
    assert gazetteer.search("") == []


def test_capital_spellings_give_readable_place_slugs() -> None:
    header = "iso2,iso3,slug,name,wikidata_qid,capital,aliases,metonyms,status\n"
    row = 'US,USA,united-states,United States,Q30,"Washington, D.C.",,,un-member\n'
    state, place = read_states(header + row)
    assert state.capital == place.key == "place/washington-dc"


def test_reference_quads_load_into_a_store_and_answer_sparql(gazetteer: Gazetteer) -> None:
    iris = Iris(BASE)
    graph = iris.reference_graph
    store = Store()
    store.extend(gazetteer.reference_quads(iris, graph))
    query = sparql_prefixes() + (
        "SELECT ?qid ?label ?iso ?capital WHERE { GRAPH ?g {"
        " ?s a ng:State ; ng:iso3166Alpha3 ?iso ; rdfs:label ?label ;"
        " ng:wikidataId ?qid ; owl:sameAs ?wd ; ng:capital ?c . ?c rdfs:label ?capital ."
        ' FILTER(?iso = "IRN") } }'
    )
    (row,) = list(store.query(query))
    assert row["qid"] == Literal("Q794")
    assert row["label"] == Literal("Iran", language="en")
    assert row["capital"] == Literal("Tehran", language="en")
    iran = NamedNode(BASE + "id/state/iran")
    assert list(store.quads_for_pattern(iran, None, None, NamedNode(graph)))
    ask = sparql_prefixes() + (
        "ASK { <https://w3id.org/newsgraph/id/state/iran> owl:sameAs wd:Q794 ;"
        ' skos:altLabel "Islamic Republic of Iran"@en . }'
    )
    assert store.query(ask, use_default_graph_as_union=True)


def test_reference_quads_link_only_known_qids(gazetteer: Gazetteer) -> None:
    iris = Iris(BASE)
    store = Store()
    store.extend(gazetteer.reference_quads(iris, iris.reference_graph))
    opts = {"use_default_graph_as_union": True}
    no_link = sparql_prefixes() + (
        "ASK { ?s rdfs:label ?l . FILTER(?s IN (<{b}id/person/abbas-araghchi>, "
        "<{b}id/facility/fordow>, <{b}id/state/palestine>)) ?s owl:sameAs ?wd }"
    ).replace("{b}", BASE)
    assert not store.query(no_link, **opts)
    typed = sparql_prefixes() + (
        "SELECT ?d WHERE { <{b}id/event/2003-invasion-of-iraq> ng:startDate ?d }"
    ).replace("{b}", BASE)
    (row,) = list(store.query(typed, **opts))
    assert row["d"].datatype == NamedNode("http://www.w3.org/2001/XMLSchema#date")
    facility = sparql_prefixes() + (
        "ASK { <{b}id/facility/natanz> a ng:NuclearFacility ; ng:locatedIn <{b}id/state/iran> ."
        " <{b}id/office/president-of-russia> ng:officeOf <{b}id/state/russia> ."
        " <{b}id/place/tehran> a ng:Place . }"
    ).replace("{b}", BASE)
    assert store.query(facility, **opts)
