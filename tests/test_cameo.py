"""The CAMEO mapping table: every root and every code of GDELT's lookup file maps to an event class."""

from __future__ import annotations

import csv

import pytest
from conftest import SHARED
from rdflib import Literal

from kg.ingest.cameo import CLASS_BY_CODE, ROOT_LABELS, classify
from kg.model import ontology
from kg.model.vocab import NG

LOOKUP = SHARED / "data" / "cameo" / "gdelt_lookup_cameo_eventcodes.tsv"
ROOTS = [f"{n:02d}" for n in range(1, 21)]


def _lookup_codes() -> list[str]:
    with LOOKUP.open(encoding="utf-8", errors="replace", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))
    return [row[0].strip() for row in rows[1:] if row]


@pytest.mark.parametrize("root", ROOTS)
def test_every_root_has_an_entry_and_a_label(root: str) -> None:
    assert root in CLASS_BY_CODE
    assert ROOT_LABELS[root]


def test_every_class_in_the_table_is_an_event_class() -> None:
    closure = ontology.superclasses()
    for name in set(CLASS_BY_CODE.values()):
        assert str(NG.Event) in closure[str(getattr(NG, name))], name


def test_every_code_of_the_lookup_file_maps_to_an_event_class() -> None:
    codes = _lookup_codes()
    assert len(codes) == 310 and "042" in codes and "0256" in codes
    for code in codes:
        assert classify(code).code == code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("01", "Statement"), ("010", "Statement"), ("02", "Appeal"), ("0256", "CeasefireCall"),
        ("036", "Statement"), ("039", "MediationOffer"), ("04", "Meeting"), ("040", "Meeting"),
        ("041", "DiplomaticEvent"), ("042", "Visit"), ("043", "Visit"), ("044", "Meeting"),
        ("045", "Meeting"), ("046", "Talks"), ("050", "Coordination"), ("051", "Statement"),
        ("057", "AgreementSigning"), ("061", "Coordination"), ("07", "Aid"), ("073", "Aid"),
        ("075", "Aid"), ("0811", "PoliticalEvent"), ("0831", "PoliticalEvent"),
        ("084", "DiplomaticEvent"), ("085", "SanctionsLifting"), ("0871", "DiplomaticEvent"),
        ("091", "PoliticalEvent"), ("10", "Demand"), ("100", "Demand"), ("1041", "Demand"),
        ("1054", "Demand"), ("1056", "CeasefireCall"), ("107", "CeasefireCall"),
        ("111", "Condemnation"), ("112", "Accusation"), ("1123", "Accusation"),
        ("115", "PoliticalEvent"), ("116", "Sentence"), ("120", "Statement"),
        ("13", "Threat"), ("1312", "Threat"), ("1384", "Threat"), ("14", "Protest"),
        ("141", "Protest"), ("1454", "Protest"), ("154", "MilitaryEvent"),
        ("161", "DiplomaticEvent"), ("163", "Sanction"), ("1621", "DiplomaticEvent"),
        ("172", "PoliticalEvent"), ("1723", "PoliticalEvent"), ("173", "Arrest"),
        ("174", "PoliticalEvent"), ("183", "Bombing"), ("1832", "Bombing"),
        ("186", "MilitaryEvent"), ("19", "Fight"), ("190", "Fight"), ("192", "Fight"),
        ("193", "Fight"), ("196", "Fight"), ("195", "Airstrike"), ("2042", "MilitaryEvent"),
    ],
)
def test_codes_map_to_the_finest_class_we_have(code: str, expected: str) -> None:
    assert classify(code).class_name == expected


def test_no_code_is_a_war() -> None:
    # A CAMEO row reports one act on one day; a war is many of them (issue 13: fights are not wars).
    assert "ArmedConflict" not in CLASS_BY_CODE.values()
    closure = ontology.superclasses()
    for name in set(CLASS_BY_CODE.values()):
        assert str(NG.ArmedConflict) not in closure[str(getattr(NG, name))], name


def test_every_fight_is_a_military_event_and_an_airstrike_is_a_fight() -> None:
    closure = ontology.superclasses()
    assert str(NG.MilitaryEvent) in closure[str(NG.Fight)]
    assert {str(NG.Fight), str(NG.MilitaryEvent)} <= closure[str(NG.Airstrike)]


def test_the_table_agrees_with_the_codes_annotated_on_the_ontology() -> None:
    graph = ontology.ontology_graph()
    annotated = list(graph.subject_objects(NG.cameoCode))
    assert len(annotated) >= 22
    for cls, code in annotated:
        assert isinstance(code, Literal)
        assert classify(str(code)).class_iri == str(cls), code


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("042", "recipient"), ("046", "recipient"), ("073", "recipient"), ("085", "recipient"),
        ("1041", "recipient"), ("111", "recipient"), ("112", "recipient"), ("116", "target"),
        ("1312", "target"), ("141", "target"), ("154", "target"), ("1621", "recipient"),
        ("163", "target"), ("173", "target"), ("183", "target"), ("190", "target"),
        ("195", "target"), ("202", "target"),
    ],
)
def test_second_actor_role(code: str, role: str) -> None:
    assert classify(code).second_actor_role == role


@pytest.mark.parametrize("code", ["", "4", "42", "21", "04a", "12345", "-01"])
def test_malformed_or_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="CAMEO code"):
        classify(code)
