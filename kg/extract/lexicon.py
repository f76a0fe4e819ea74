"""What the rules know by name: reference entities, demonyms, offices, event triggers.

Everything here is data (kg/extract/data/*, the gazetteer, the graph's own entities); the
rule engine (kg.extract.rules) applies it and knows no names itself.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kg.model.gazetteer import Entity, Gazetteer
from kg.model.iris import slugify

# The kinds a draft names, and the ontology class a new entity of that kind gets.
CLASS_OF_KIND = {
    "state": "State", "person": "Person", "organization": "Organization", "place": "Place",
    "office": "Office", "facility": "Facility", "event": "Event",
}


@dataclass(frozen=True)
class Ref:
    """An entity a name in the text stands for: known (gazetteer or graph) or proposed."""

    key: str
    kind: str
    label: str
    known: bool = False
    wikidata: str | None = None
    iso2: str | None = None
    office_of: str | None = None


@dataclass(frozen=True)
class Title:
    """An office title as news writes it ("foreign secretary") and the office it names."""

    words: str
    label: str
    polity: str | None = None  # iso2 of the state the title implies
    generic: bool = False
    by_polity: tuple[tuple[str, str], ...] = ()

    def office_label(self, polity: Ref) -> str:
        """"<office> of <polity>", as Wikidata names offices."""
        label = dict(self.by_polity).get(polity.iso2 or "", self.label)
        return f"{label} of {_with_article(polity.label)}"


@dataclass(frozen=True)
class TriggerClass:
    """An event class and the words that report it."""

    name: str
    directed: bool
    object_role: str
    forms: tuple[str, ...]


@dataclass
class Lexicon:
    """Names (exact spellings) -> entities, demonyms -> states, titles, triggers."""

    names: dict[str, Ref] = field(default_factory=dict)
    demonyms: dict[str, Ref] = field(default_factory=dict)
    metonyms: set[str] = field(default_factory=set)  # names that stand for a state or org
    states_by_iso2: dict[str, Ref] = field(default_factory=dict)
    titles: dict[str, Title] = field(default_factory=dict)
    honorifics: frozenset[str] = frozenset()
    triggers: tuple[TriggerClass, ...] = ()
    needs_named_agent: frozenset[str] = frozenset()

    def add(self, name: str, ref: Ref, *, metonym: bool = False) -> None:
        """Index a name; the first entity to claim a name keeps it (reference data first)."""
        for variant in _variants(name):
            self.names.setdefault(variant, ref)
            if metonym:
                self.metonyms.add(variant)


def build_lexicon(gazetteer: Gazetteer, known: Iterable[Entity] = ()) -> Lexicon:
    """The lexicon over the gazetteer, the graph's entities and the bundled extraction data."""
    base = _bundled_lexicon(gazetteer)
    lexicon = Lexicon(
        dict(base.names), dict(base.demonyms), set(base.metonyms), dict(base.states_by_iso2),
        base.titles, base.honorifics, base.triggers, base.needs_named_agent,
    )
    for entity in known:
        ref = _ref(entity)
        for name in entity.names:
            lexicon.add(name, ref)
    return lexicon


@cache
def _bundled_lexicon(gazetteer: Gazetteer) -> Lexicon:
    lexicon = Lexicon()
    for entity in gazetteer:
        ref = _ref(entity)
        if entity.kind == "state" and entity.iso2:
            lexicon.states_by_iso2[entity.iso2] = ref
        for name in (entity.label, *entity.aliases):
            lexicon.add(name, ref)
        for name in entity.metonyms:
            lexicon.add(name, ref, metonym=True)
    for row in _data_csv("demonyms.csv"):
        state = lexicon.states_by_iso2.get(row["iso2"])
        for word in filter(None, row["demonyms"].split("|")):
            if state is not None:
                lexicon.demonyms.setdefault(word, state)
    for item in _data_yaml("organizations.yaml"):
        ref = Ref(f"organization/{slugify(item['label'])}", "organization", item["label"])
        for name in (item["label"], *item.get("aliases", [])):
            lexicon.add(name, ref)
    offices = _data_yaml("offices.yaml")
    lexicon.titles = {
        t["title"]: Title(t["title"], t["label"], t.get("polity"), bool(t.get("generic")),
                          tuple((t.get("by_polity") or {}).items()))
        for t in offices["titles"]
    }
    lexicon.honorifics = frozenset(offices["honorifics"])
    triggers = _data_yaml("triggers.yaml")
    lexicon.triggers = tuple(
        TriggerClass(name, spec["roles"] == "directed", spec.get("object", "target"), tuple(spec["forms"]))
        for name, spec in triggers["classes"].items()
    )
    lexicon.needs_named_agent = frozenset(triggers["needs_named_agent"])
    return lexicon


def _ref(entity: Entity) -> Ref:
    return Ref(entity.key, entity.kind, entity.label, True, entity.wikidata, entity.iso2, entity.office_of)


def _variants(name: str) -> list[str]:
    """A name as written, capitalised at a sentence start, and without a leading "the"."""
    out = [name]
    if name.startswith("the "):
        out += ["The " + name[4:], name[4:]]
    return out


def _with_article(label: str) -> str:
    # "President of the United States", "leader of the Liberal Democrats": names that read
    # as common nouns take "the".
    words = label.split()
    if words[0] in {"United", "European", "Liberal", "Conservative", "Labour", "Palestinian",
                    "Republican", "Democratic", "International", "World", "Netherlands",
                    "Philippines", "Czech", "Dominican", "Central", "Gambia", "Bahamas"}:
        return "the " + label
    return label


def _data_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("kg.extract").joinpath("data", name).read_text(encoding="utf-8"))


def _data_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("kg.extract").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))
