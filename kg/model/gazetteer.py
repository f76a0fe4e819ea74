"""The gazetteer: reference entities (states, persons, offices, ...) and name resolution.

The bundled data is kg/data/states.csv (every sovereign state, its capital and metonyms)
and kg/data/entities.yaml (the other reference entities); kg/data/SOURCES.md says where
they come from. A name maps to exactly one entity: the loader refuses ambiguous data.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import ResolutionError
from kg.model.iris import KINDS, Iris, is_slug, slugify
from kg.model.vocab import NG, NG_IRI, OWL, RDF, RDFS, SKOS, WD, XSD

_KEY_RE = re.compile(r"^([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)$")
_QID_RE = re.compile(r"^Q[1-9][0-9]*$")
_LINK_PROPERTIES = {"capital": "capital", "office_of": "officeOf", "located_in": "locatedIn"}
_DATE_TYPES = (
    (re.compile(r"^\d{4}$"), "gYear"),
    (re.compile(r"^\d{4}-\d{2}$"), "gYearMonth"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "date"),
)


def normalize(name: str) -> str:
    """The form names are matched in: no accents, case-folded, no punctuation, no leading "the"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # Dots and apostrophes vanish so that "U.S." meets "US" and "d'Ivoire" stays one word.
    text = re.sub(r"[.'’‘`]", "", text)
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class Entity:
    """One reference entity; relation fields hold the keys (kind/slug) of other entities."""

    kind: str
    slug: str
    type: str  # the IRI of its declared ng: class
    label: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()  # names that stand for it in news, e.g. a seat of government
    wikidata: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    capital: str | None = None
    status: str | None = None  # states: un-member, un-observer or partially-recognised
    office_of: str | None = None
    located_in: str | None = None
    start_date: str | None = None
    end_date: str | None = None

    @property
    def key(self) -> str:
        """The stable reference kind/slug."""
        return f"{self.kind}/{self.slug}"

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entity can be resolved by: label, aliases, metonyms."""
        return (self.label, *self.aliases, *self.metonyms)

    def links(self) -> dict[str, str]:
        """The relations to other entities (field name -> key), leaving out unset ones."""
        pairs = (("capital", self.capital), ("office_of", self.office_of), ("located_in", self.located_in))
        return {name: key for name, key in pairs if key}

    def iri(self, iris: Iris) -> str:
        """Its IRI under the deployment's base IRI."""
        return iris.entity(self.kind, self.slug)


_MAPPING_FIELDS = {f.name for f in fields(Entity)} - {"kind", "slug"} | {"key"}


def entity_from_mapping(data: Mapping[str, object], where: str = "entity") -> Entity:
    """An Entity from a mapping shaped like an entry of entities.yaml.

    :raises ResolutionError: the mapping has an unknown field or an unusable value.
    """
    unknown = sorted(set(data) - _MAPPING_FIELDS)
    if unknown:
        raise ResolutionError(f"{where}: unknown field(s) {', '.join(unknown)}")
    key = _text(data, "key", where)
    kind, slug = _split_key(key, where)
    label = _text(data, "label", where)
    where = f"{where} {key}"
    aliases = data.get("aliases") or []
    metonyms = data.get("metonyms") or []
    for name, value in (("aliases", aliases), ("metonyms", metonyms)):
        if not isinstance(value, list) or not all(isinstance(a, str) and a for a in value):
            raise ResolutionError(f"{where}: {name} must be a list of non-empty strings")
    optional = {
        name: _text(data, name, where) if data.get(name) is not None else None
        for name in (
            "wikidata",
            "iso2",
            "iso3",
            "capital",
            "status",
            "office_of",
            "located_in",
            "start_date",
            "end_date",
        )
    }
    if optional["wikidata"] and not _QID_RE.match(optional["wikidata"]):
        raise ResolutionError(f"{where}: wikidata {optional['wikidata']!r} is not a QID (Q123)")
    for name in ("capital", "office_of", "located_in"):
        if optional[name]:
            _split_key(optional[name], f"{where} {name}")
    for name in ("start_date", "end_date"):
        if optional[name]:
            _date_datatype(optional[name], f"{where} {name}")
    return Entity(
        kind=kind,
        slug=slug,
        type=_class_iri(_text(data, "type", where), where),
        label=label,
        aliases=tuple(aliases),
        metonyms=tuple(metonyms),
        **optional,
    )


def read_states(text: str) -> list[Entity]:
    """The states of a states.csv text, each followed by its capital as a place."""
    entities: list[Entity] = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        where = f"states.csv line {line}"
        capital = row["capital"].strip()
        # Dots and apostrophes are dropped so that "Washington, D.C." gets washington-dc.
        capital_key = "place/" + slugify(re.sub(r"[.'’]", "", capital)) if capital else None
        state = entity_from_mapping(
            {
                "key": f"state/{row['slug']}",
                "type": "State",
                "label": row["name"],
                "aliases": _split_names(row["aliases"]),
                "metonyms": _split_names(row["metonyms"]),
                "wikidata": row["wikidata_qid"] or None,
                "iso2": row["iso2"],
                "iso3": row["iso3"],
                "capital": capital_key,
                "status": row["status"],
            },
            where,
        )
        entities.append(state)
        if capital_key:
            place = {"key": capital_key, "type": "Place", "label": capital, "located_in": state.key}
            entities.append(entity_from_mapping(place, where))
    return entities


def read_entities(text: str) -> list[Entity]:
    """The entities of an entities.yaml text."""
    data = yaml.safe_load(text) or {}
    items = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ResolutionError("entities.yaml: expected a top-level list 'entities'")
    return [
        entity_from_mapping(item if isinstance(item, dict) else {}, f"entities.yaml entry {n}")
        for n, item in enumerate(items, start=1)
    ]


class Gazetteer:
    """Reference entities by key and by name; names are unique across all entities."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._by_key: dict[str, Entity] = {}
        self._by_name: dict[str, str] = {}  # normalised name -> key
        self._display: dict[str, str] = {}  # normalised name -> the name as written
        self._reference: list[str] = []  # keys given at load time, in order
        for entity in entities:
            if entity.key in self._by_key:
                raise ResolutionError(f"entity key {entity.key} is declared twice")
            self._by_key[entity.key] = entity
            self._reference.append(entity.key)
        self._capitals = {e.capital for e in self._by_key.values() if e.capital}
        self._check_links(self._by_key.values())
        claims: dict[str, set[str]] = {}
        for entity in self._by_key.values():
            for norm, name in self._index_names(entity).items():
                claims.setdefault(norm, set()).add(entity.key)
                self._display.setdefault(norm, name)
        clashes = {norm: keys for norm, keys in claims.items() if len(keys) > 1}
        if clashes:
            raise ResolutionError(_clash_message(clashes, self._display))
        self._by_name = {norm: keys.pop() for norm, keys in claims.items()}

    @classmethod
    def from_texts(cls, states_csv: str, entities_yaml: str) -> Gazetteer:
        """A gazetteer from the texts of a states.csv and an entities.yaml."""
        entities = {e.key: e for e in read_states(states_csv)}
        capitals = {e.capital for e in entities.values() if e.capital}
        declared: set[str] = set()
        for entity in read_entities(entities_yaml):
            if entity.key in declared:
                raise ResolutionError(f"entities.yaml: {entity.key} is declared twice")
            # A hand-written place may describe a capital more fully than states.csv does.
            if entity.key in entities and entity.key not in capitals:
                raise ResolutionError(f"entities.yaml: {entity.key} is already in states.csv")
            declared.add(entity.key)
            entities[entity.key] = entity
        return cls(entities.values())

    @classmethod
    def from_files(cls, states_csv: Path | str, entities_yaml: Path | str) -> Gazetteer:
        """A gazetteer from a states.csv and an entities.yaml on disk."""
        return cls.from_texts(
            Path(states_csv).read_text(encoding="utf-8"),
            Path(entities_yaml).read_text(encoding="utf-8"),
        )

    @classmethod
    def bundled(cls) -> Gazetteer:
        """A fresh gazetteer of the reference data shipped in kg.data."""
        return cls(_bundled_entities())

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Entity | None:
        """The entity with this key, or None."""
        return self._by_key.get(key)

    def by_kind(self, kind: str) -> list[Entity]:
        """Every entity of one kind, in load order."""
        return [e for e in self._by_key.values() if e.kind == kind]

    def resolve(self, ref: str) -> Entity:
        """The entity a key (state/iran) or a name, alias or metonym ("the Kremlin") denotes.

        :raises ResolutionError: nothing matches; the message suggests close names.
        """
        ref = ref.strip()
        if _KEY_RE.match(ref) and ref.split("/")[0] in KINDS:
            found = self._by_key.get(ref)
            if found is not None:
                return found
            close = difflib.get_close_matches(ref, list(self._by_key), n=3, cutoff=0.6)
            raise ResolutionError(f"no entity with key {ref!r}{_did_you_mean(close)}")
        norm = normalize(ref)
        if not norm:
            raise ResolutionError(f"cannot resolve {ref!r}: it contains no name")
        key = self._by_name.get(norm)
        if key is not None:
            return self._by_key[key]
        close = difflib.get_close_matches(norm, list(self._by_name), n=3, cutoff=0.75)
        hints = [f"{self._display[n]} ({self._by_name[n]})" for n in close]
        if not hints:
            # A partial name ("Isfahan") is often the start of a full one.
            hints = [f"{e.label} ({e.key})" for e in self.search(ref, 3)]
        raise ResolutionError(f"no entity is called {ref!r}{_did_you_mean(hints)}")

    def add(self, entity: Entity) -> None:
        """Register an entity an article declares; re-adding an identical one is a no-op.

        :raises ResolutionError: its key is taken by a different entity, a name is taken,
            or a relation points at an unknown key.
        """
        existing = self._by_key.get(entity.key)
        if existing == entity:
            return
        if existing is not None:
            raise ResolutionError(
                f"{entity.key} is already a different entity ({existing.label}); "
                "use the existing key or choose another slug"
            )
        self._check_links([entity], pending={entity.key: entity})
        names = self._index_names(entity)
        taken = {n: self._by_name[n] for n in names if n in self._by_name}
        if taken:
            listed = "; ".join(f"{names[n]!r} is {key}" for n, key in taken.items())
            raise ResolutionError(f"cannot add {entity.key}: names already taken: {listed}")
        self._by_key[entity.key] = entity
        if entity.capital:
            self._capitals.add(entity.capital)
        for norm, name in names.items():
            self._by_name[norm] = entity.key
            self._display[norm] = name

    def search(self, prefix: str, limit: int = 10) -> list[Entity]:
        """Entities whose label or an alias starts with prefix, best first (for autocomplete)."""
        query = normalize(prefix)
        if not query or limit <= 0:
            return []
        best: dict[str, tuple[int, int, int, str]] = {}
        for entity in self._by_key.values():
            for position, name in enumerate(entity.names):
                norm = normalize(name)
                if norm.startswith(query):
                    tier = 0 if norm == query else 1
                elif f" {query}" in f" {norm}":
                    tier = 2  # a later word of the name starts with the query
                else:
                    continue
                # Labels before aliases before metonyms, then shorter names first.
                source = 0 if position == 0 else 1 if position <= len(entity.aliases) else 2
                rank = (tier, source, len(norm), entity.key)
                if entity.key not in best or rank < best[entity.key]:
                    best[entity.key] = rank
        ordered = sorted(best, key=best.__getitem__)
        return [self._by_key[key] for key in ordered[:limit]]

    def entity_quads(self, entity: Entity, iris: Iris, graph: str) -> list[Quad]:
        """The triples describing one entity, in one graph (see docs/CONTRACTS.md)."""
        g = NamedNode(graph)
        s = NamedNode(entity.iri(iris))
        quads = [
            Quad(s, RDF.type, NamedNode(entity.type), g),
            Quad(s, RDFS.label, Literal(entity.label, language="en"), g),
        ]
        seen = {entity.label}
        for alias in entity.aliases:
            if alias not in seen:
                seen.add(alias)
                quads.append(Quad(s, SKOS.altLabel, Literal(alias, language="en"), g))
        if entity.wikidata:
            quads.append(Quad(s, OWL.sameAs, WD[entity.wikidata], g))
            quads.append(Quad(s, _ng("wikidataId"), Literal(entity.wikidata), g))
        if entity.iso2:
            quads.append(Quad(s, _ng("iso3166Alpha2"), Literal(entity.iso2), g))
        if entity.iso3:
            quads.append(Quad(s, _ng("iso3166Alpha3"), Literal(entity.iso3), g))
        for name, key in entity.links().items():
            kind, _, slug = key.partition("/")
            target = NamedNode(iris.entity(kind, slug))
            quads.append(Quad(s, _ng(_LINK_PROPERTIES[name]), target, g))
        for name, prop in (("start_date", "startDate"), ("end_date", "endDate")):
            value = getattr(entity, name)
            if value:
                datatype = XSD[_date_datatype(value, entity.key)]
                quads.append(Quad(s, _ng(prop), Literal(value, datatype=datatype), g))
        return quads

    def reference_quads(self, iris: Iris, graph: str) -> list[Quad]:
        """The reference graph: every entity loaded with the gazetteer (not article-added ones)."""
        quads: list[Quad] = []
        for key in self._reference:
            quads.extend(self.entity_quads(self._by_key[key], iris, graph))
        return quads

    def _index_names(self, entity: Entity) -> dict[str, str]:
        """The normalised names under which resolve() finds this entity."""
        if entity.kind == "place" and entity.key in self._capitals:
            # A capital's name is its state's metonym ("Moscow said ..."), so the city
            # itself is reached by its key only.
            return {}
        return {normalize(name): name for name in entity.names if normalize(name)}

    def _check_links(self, entities: Iterable[Entity], pending: Mapping[str, Entity] | None = None) -> None:
        """Refuse relations that point at keys nobody declared."""
        problems = [
            f"{e.key}: {name} {key} is not a known entity"
            for e in entities
            for name, key in e.links().items()
            if key not in self._by_key and key not in (pending or {})
        ]
        if problems:
            raise ResolutionError("; ".join(problems))


@functools.cache
def _bundled_entities() -> tuple[Entity, ...]:
    """The parsed bundled data, read once per process (entities are immutable)."""
    data = resources.files("kg.data")
    gazetteer = Gazetteer.from_texts(
        data.joinpath("states.csv").read_text(encoding="utf-8"),
        data.joinpath("entities.yaml").read_text(encoding="utf-8"),
    )
    return tuple(gazetteer)


def _ng(name: str) -> NamedNode:
    return NamedNode(str(getattr(NG, name)))


def _class_iri(name: str, where: str) -> str:
    local = name[len(NG_IRI) :] if name.startswith(NG_IRI) else name
    try:
        iri = str(getattr(NG, local))
    except AttributeError:
        raise ResolutionError(f"{where}: type {name!r} is not an ng: term") from None
    if not local[:1].isupper():
        raise ResolutionError(f"{where}: type {name!r} is a property, not a class")
    return iri


def _text(data: Mapping[str, object], name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ResolutionError(f"{where}: {name} must be a non-empty string")
    return value.strip()


def _split_key(key: str, where: str) -> tuple[str, str]:
    kind, _, slug = key.partition("/")
    if kind not in KINDS or not is_slug(slug):
        raise ResolutionError(
            f"{where}: {key!r} is not a key kind/slug (kinds: {', '.join(KINDS)}; "
            "slug: lower-case words joined by hyphens)"
        )
    return kind, slug


def _date_datatype(value: str, where: str) -> str:
    for pattern, datatype in _DATE_TYPES:
        if pattern.match(value):
            return datatype
    raise ResolutionError(f"{where}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")


def _split_names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split("|") if name.strip()]


def _did_you_mean(options: list[str]) -> str:
    return f"; did you mean {' or '.join(options)}?" if options else ""


def _clash_message(clashes: dict[str, set[str]], display: dict[str, str]) -> str:
    listed = "; ".join(
        f"{display[norm]!r} -> {', '.join(sorted(keys))}" for norm, keys in sorted(clashes.items())
    )
    return f"ambiguous names (each must denote one entity): {listed}"
