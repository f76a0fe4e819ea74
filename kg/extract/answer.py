"""The compact answer an extraction model gives, its JSON Schema, and its conversion to a draft.

The shape is small so that a model can fill it: entities (label, kind), tenures, events and
agreements, each with a quote of the sentence that states it. Conversion resolves names through
the gazetteer and the graph's entities, declares the others, finds every quote in the text
(offsets are ours, never the model's) and then runs kg.extract.verify; what fails is dropped
with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kg.errors import ResolutionError
from kg.extract import ArticleText
from kg.extract.lexicon import CLASS_OF_KIND
from kg.extract.verify import REF_FIELDS, TextIndex, verify_facts
from kg.model.dates import parse_date
from kg.model.facts import EntityDecl, Fact
from kg.model.gazetteer import Entity, Gazetteer, normalize
from kg.model.iris import slugify
from kg.model.ontology import superclasses
from kg.model.vocab import NG, NG_IRI

# A model's own certainty is not calibrated; one constant says "machine-read, not reviewed".
CONFIDENCE = 0.6

Kind = Literal["state", "organization", "person", "place", "facility"]
_HONORIFICS = ("mr ", "mrs ", "ms ", "dr ", "sir ", "dame ")


# --- the answer shape: parsed leniently, sent as a schema with every field required


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_serialization_defaults_required=True)


class Mention(_Shape):
    """An entity the answer names, with its kind."""

    label: str = Field(description="common English name; a person's full name")
    kind: Kind


class TenureItem(_Shape):
    """A person the text gives a title."""

    person: str
    office: str = Field(description="the title alone, e.g. Foreign Minister")
    polity: str = Field(description="the state or organisation of the office")
    former: bool = False
    quote: str = Field(description="the sentence stating it, copied exactly")


class EventItem(_Shape):
    """One thing done or said, typed with an ontology event class."""

    type: str = Field(description="the most specific event class that fits")
    label: str = Field(default="", description="a short description in your own words")
    agents: list[str] = []
    targets: list[str] = []
    recipients: list[str] = []
    participants: list[str] = []
    place: str | None = None
    date: str | None = Field(default=None, description="YYYY, YYYY-MM, YYYY-MM-DD, a weekday, today")
    quote: str = Field(description="the sentence stating it, copied exactly")


class AgreementItem(_Shape):
    """A treaty or deal and its parties."""

    type: str = "Agreement"
    label: str
    parties: list[str] = []
    signed: str | None = None
    quote: str = Field(description="the sentence stating it, copied exactly")


class Answer(_Shape):
    """The whole answer for one article."""

    entities: list[Mention] = []
    tenures: list[TenureItem] = []
    events: list[EventItem] = []
    agreements: list[AgreementItem] = []


_SECTIONS: dict[str, type[_Shape]] = {
    "entities": Mention, "tenures": TenureItem, "events": EventItem, "agreements": AgreementItem,
}
_FACT = TypeAdapter(Fact)


def _subclasses(root: str) -> list[str]:
    return sorted(
        iri.removeprefix(NG_IRI)
        for iri, supers in superclasses().items()
        if iri.startswith(NG_IRI) and (iri == root or root in supers)
    )


@cache
def event_classes() -> tuple[str, ...]:
    """The ontology's event classes (Event itself left out): the types an answer may use."""
    return tuple(c for c in _subclasses(str(NG.Event)) if c != "Event")


@cache
def agreement_classes() -> tuple[str, ...]:
    """Agreement and its subclasses."""
    return tuple(_subclasses(str(NG.Agreement)))


def answer_schema() -> dict[str, Any]:
    """The JSON Schema the endpoint is asked to answer in (strict: closed objects, every field required)."""
    schema = _strict(Answer.model_json_schema(mode="serialization"))
    defs = schema["$defs"]
    defs["EventItem"]["properties"]["type"]["enum"] = list(event_classes())
    defs["AgreementItem"]["properties"]["type"]["enum"] = list(agreement_classes())
    return schema


def _strict(node: Any) -> Any:
    # OpenAI's strict mode refuses "default" and wants closed objects; titles are noise.
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items() if k not in {"title", "default", "properties", "$defs"}}
    for names in ("properties", "$defs"):  # maps of names to schemas: every name is kept
        if names in node:
            out[names] = {name: _strict(v) for name, v in node[names].items()}
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
    return out


# --- from the answer to the draft


class _Drop(Exception):
    """One item of the answer cannot become a fact; the message says why."""


class _Converter:
    """Turns answer items into facts-file facts, declaring the entities the gazetteer lacks."""

    def __init__(
        self, article: ArticleText, gazetteer: Gazetteer, known: Iterable[Entity], mentions: list[Mention]
    ) -> None:
        self.article = article
        self.gazetteer = gazetteer
        self.known_keys: dict[str, Entity] = {}
        self.known: dict[str, Entity] = {}  # normalised name -> an entity of the graph
        for entity in known:
            self.known_keys.setdefault(entity.key, entity)
            for name in entity.names:
                self.known.setdefault(normalize(name), entity)
        self.kinds: dict[str, Kind] = {}
        for mention in mentions:
            self.kinds.setdefault(normalize(mention.label), mention.kind)
        self.people = [m.label for m in mentions if m.kind == "person"]
        self.decls: dict[str, dict[str, Any]] = {}
        self.by_name: dict[str, str] = {}
        self.keys: set[str] = set()

    # entities

    def ref(self, name: str, kinds: tuple[str, ...] | None = None) -> str:
        """The key a name stands for."""
        key = self._lookup(name)
        kind = key.split("/", 1)[0]
        if kinds is not None and kind not in kinds:
            raise _Drop(f"{name!r} is a {kind}, expected one of: {', '.join(kinds)}")
        return key

    def _lookup(self, name: str) -> str:
        norm = normalize(name)
        if not norm:
            raise _Drop(f"{name!r} is not a name")
        try:
            return self.gazetteer.resolve(name).key
        except ResolutionError:
            pass  # not a reference entity: the graph's, this draft's, or a new one
        if norm in self.known:
            return self.known[norm].key
        if norm in self.by_name:
            return self.by_name[norm]
        full = self._full_name(norm)
        if full is not None:
            return self._lookup(full)
        kind = self.kinds.get(norm)
        if kind is None:
            raise _Drop(f"{name!r} is not among the answer's entities, so its kind is unknown")
        return self._declare(kind, name, {"type": CLASS_OF_KIND[kind], "label": name.strip()})

    def _full_name(self, norm: str) -> str | None:
        # "Mr Straw" or "Straw" after "Jack Straw": the one person whose name ends so.
        for title in _HONORIFICS:
            norm = norm.removeprefix(title)
        fits = {p for p in self.people if normalize(p) != norm and normalize(p).endswith(f" {norm}")}
        return fits.pop() if len(fits) == 1 else None

    def _declare(self, kind: str, name: str, fields: dict[str, Any]) -> str:
        slug = slugify(name)
        if not slug:
            raise _Drop(f"{name!r} gives no key")
        key, n = f"{kind}/{slug}", 1
        while key in self.decls or key in self.gazetteer or key in self.known_keys:
            n += 1
            key = f"{kind}/{slug}-{n}"
        self.decls[key] = {"key": key, **fields}
        self.by_name[normalize(name)] = key
        return key

    def label(self, key: str) -> str:
        decl = self.decls.get(key)
        if decl is not None:
            return decl["label"]
        entity = self.gazetteer.get(key) or self.known_keys.get(key)
        return entity.label if entity is not None else key

    def place(self, name: str) -> str:
        key = self.ref(name, ("place", "facility", "state"))
        # A capital's name resolves to its state (a metonym); as a place it is the city itself.
        state = self.gazetteer.get(key)
        capital = self.gazetteer.get(state.capital) if state is not None and state.capital else None
        if capital is not None and normalize(capital.label) == normalize(name):
            return capital.key
        return key

    def office(self, title: str, polity: str) -> str:
        owner = self.ref(polity, ("state", "organization"))
        name = f"{title.strip()} of {self.label(owner)}"
        try:
            found = self.gazetteer.resolve(name)
        except ResolutionError:
            found = self.known.get(normalize(name))
        if found is not None:
            if found.kind != "office":
                raise _Drop(f"{name!r} is a {found.kind}, not an office")
            return found.key
        if normalize(name) in self.by_name:
            return self.by_name[normalize(name)]
        return self._declare("office", name, {"type": "Office", "label": name, "office_of": owner})

    def known_entries(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The known entities the facts name, listed so that a reviewer sees what each name became."""
        entries = []
        for key in sorted({ref for fact in facts for ref in _refs(fact)} - set(self.decls)):
            entity = self.gazetteer.get(key) or self.known_keys.get(key)
            if entity is None:
                continue
            entry: dict[str, Any] = {
                "key": key, "type": entity.type.rsplit("#", 1)[-1], "label": entity.label, "known": True,
            }
            if entity.wikidata:
                entry["wikidata"] = entity.wikidata
            if entity.office_of:
                entry["office_of"] = entity.office_of
            entries.append(entry)
        return entries

    # facts

    def key(self, *parts: str) -> str:
        base = slugify("-".join(parts))[:60].strip("-") or "fact"
        key, n = base, 1
        while key in self.keys:
            n += 1
            key = f"{base}-{n}"
        self.keys.add(key)
        return key

    def date(self, text: str | None, what: str, notes: list[str]) -> str | None:
        if not text or not text.strip():
            return None
        try:
            parse_date(text.strip(), self.article.published)
        except ValueError as exc:
            notes.append(f"{what}: date {text!r} left out: {exc}")
            return None
        return text.strip()

    def tenure(self, item: TenureItem) -> dict[str, Any]:
        person = self.ref(item.person, ("person",))
        fact: dict[str, Any] = {
            "kind": "tenure",
            "key": self.key(self.label(person), item.office),
            "person": person,
            "office": self.office(item.office, item.polity),
        }
        if item.former:
            fact["source_note"] = "the text calls this a former office"
        return fact

    def event(self, item: EventItem, notes: list[str]) -> dict[str, Any]:
        if item.type not in event_classes():
            raise _Drop(f"type {item.type!r} is not an event class of the ontology")
        roles = {
            "agent": [self.ref(n) for n in item.agents],
            "target": [self.ref(n) for n in item.targets],
            "recipient": [self.ref(n) for n in item.recipients],
            "participant": [self.ref(n) for n in item.participants],
        }
        if not roles["agent"] and not roles["participant"]:
            raise _Drop("it names no agent or participant")
        first = (roles["agent"] or roles["participant"])[0]
        fact: dict[str, Any] = {
            "key": self.key(item.type, self.label(first)),
            "type": item.type,
            "label": item.label.strip() or f"{item.type} by {self.label(first)}",
        }
        fact.update({role: refs for role, refs in roles.items() if refs})
        if item.place and item.place.strip():
            fact["location"] = self.place(item.place)
        date = self.date(item.date, f"event {fact['key']!r}", notes)
        if date:
            fact["date"] = date
        return fact

    def agreement(self, item: AgreementItem, notes: list[str]) -> dict[str, Any]:
        if item.type not in agreement_classes():
            raise _Drop(f"type {item.type!r} is not an agreement class of the ontology")
        parties = list(dict.fromkeys(self.ref(n, ("state", "organization")) for n in item.parties))
        if len(parties) < 2:
            raise _Drop("an agreement needs two parties")
        fact: dict[str, Any] = {
            "kind": "agreement",
            "key": self.key(item.label),
            "agreement": slugify(item.label) or "agreement",
            "type": item.type,
            "label": item.label.strip(),
            "parties": parties,
        }
        signed = self.date(item.signed, f"agreement {fact['key']!r}", notes)
        if signed:
            fact["signed"] = signed
        return fact


def _items(answer: dict[str, Any], section: str, dropped: list[str]) -> list[Any]:
    raw = answer.get(section, [])
    if not isinstance(raw, list):
        dropped.append(f"answer: {section} is not a list; all of it left out")
        return []
    model = _SECTIONS[section]
    items = []
    for number, item in enumerate(raw, 1):
        try:
            items.append(model.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors()
            )
            dropped.append(f"answer: {section} item {number}: {problems}")
    return items


def draft_from_answer(
    answer: dict[str, Any],
    article: ArticleText,
    gazetteer: Gazetteer,
    *,
    known: Iterable[Entity] = (),
    engine_version: str = "",
) -> tuple[dict[str, Any], list[str]]:
    """A facts-file draft from a model's answer, checked against the text; and what was dropped, why."""
    known = list(known)
    dropped: list[str] = []
    mentions = _items(answer, "entities", dropped)
    convert = _Converter(article, gazetteer, known, mentions)
    index = TextIndex(article.text)
    facts: list[dict[str, Any]] = []
    plans: list[tuple[str, Any]] = [
        *(("tenure", t) for t in _items(answer, "tenures", dropped)),
        *(("event", e) for e in _items(answer, "events", dropped)),
        *(("agreement", a) for a in _items(answer, "agreements", dropped)),
    ]
    for number, (kind, item) in enumerate(plans, 1):
        what = f"{kind} {number} ({getattr(item, 'type', None) or getattr(item, 'person', '')})"
        span = index.find(item.quote)
        try:
            if span is None:
                raise _Drop(f"its quote is not in the text: {item.quote[:100]!r}")
            if kind == "tenure":
                fact = convert.tenure(item)
            elif kind == "event":
                fact = convert.event(item, dropped)
            else:
                fact = convert.agreement(item, dropped)
            fact["evidence"] = [{"start": span[0], "end": span[1]}]
            fact["confidence"] = CONFIDENCE
            _FACT.validate_python({"kind": "event", **fact})  # events leave their kind implicit
        except _Drop as exc:
            dropped.append(f"{what}: {exc}")
            continue
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            dropped.append(f"{what}: not a valid fact: {problems}")
            continue
        facts.append(fact)
    entities = []
    for decl in convert.decls.values():
        try:
            EntityDecl.model_validate(decl)
        except ValidationError as exc:
            dropped.append(f"entity {decl['key']!r}: {exc.errors()[0]['msg']}")
            continue
        entities.append(decl)
    draft: dict[str, Any] = {
        "article": _article_meta(article, engine_version), "entities": entities, "facts": facts,
    }
    kept, refused = verify_facts(draft, index, gazetteer, known=known)
    kept["entities"] = kept["entities"] + convert.known_entries(kept["facts"])
    return kept, dropped + refused


def _article_meta(article: ArticleText, engine_version: str) -> dict[str, Any]:
    # Only what is known: publisher and date are left out rather than guessed.
    meta: dict[str, Any] = {"id": article.article_id, "title": article.title or article.article_id}
    if article.publisher:
        meta["publisher"] = article.publisher
    if article.published:
        meta["published"] = article.published.isoformat()
    meta["extracted_by"] = {"engine": "llm", "version": engine_version or "unversioned"}
    return meta


def _refs(fact: dict[str, Any]) -> list[str]:
    refs: list[str] = []
    for name in REF_FIELDS:
        value = fact.get(name)
        refs.extend([value] if isinstance(value, str) else value if isinstance(value, list) else [])
    return refs
