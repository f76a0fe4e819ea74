"""References in a facts file (keys or names) -> entities, by the kinds each field takes.

The article's own entities first (those it declares, and the agreements and events its facts
define), then the gazetteer's and the graph's. A name several entities bear resolves to the
kind the field prefers ("Buenos Aires" as a location is the city, as an agent Argentina).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.errors import ResolutionError
from kg.ingest.known import NAMED_KINDS
from kg.model.facts import AgreementFact, ArticleFacts, EventFact
from kg.model.gazetteer import normalize
from kg.model.iris import Iris, is_slug, slugify

# The kinds each field takes, in order of preference: a name that several entities bear
# ("Buenos Aires": the city, and a metonym of Argentina) resolves to the earliest kind.
FIELD_KINDS: dict[str, tuple[str, ...] | None] = {
    "agent": ("state", "organization", "person", "source"),
    "recipient": ("state", "organization", "person", "source"),
    "target": ("state", "organization", "person", "facility", "place"),
    "participant": ("state", "organization", "person", "source"),
    "mediator": ("state", "organization", "person"),
    "carrier": ("person",),
    "about": None,
    "location": ("place", "facility", "state"),
    "located_in": ("place", "state"),
}


@dataclass(frozen=True)
class Resolved:
    """An entity reference resolved to its kind, IRI and label."""

    kind: str
    iri: str
    label: str
    by_metonym: bool = False  # the name stands for it ("Moscow" for Russia) rather than names it


class Resolver:
    """Turns a reference (key or name) into an entity: the article's own first, then the graph's.

    The article's own are its declared entities and the agreements and events its facts
    define, found by key or label (and, when nothing else has the name, by fact key).
    """

    def __init__(self, resolve: Callable[[str], object], iris: Iris, facts: ArticleFacts) -> None:
        self._resolve = resolve
        self._iris = iris
        self._declared: dict[str, list[Resolved]] = {}
        self._fact_keys: dict[str, Resolved] = {}
        self.defined: dict[str, str] = {}  # entity key -> label, of what the facts define
        for fact in facts.facts:
            if isinstance(fact, AgreementFact):
                key = f"agreement/{fact.agreement}"
            elif isinstance(fact, EventFact) and fact.entity is None:
                key = f"event/{facts.article.id}-{fact.key}"
            else:
                continue
            kind, slug = key.split("/", 1)
            resolved = Resolved(kind, iris.entity(kind, slug), fact.label)
            self.defined[key] = fact.label
            self._fact_keys.setdefault(fact.key, resolved)
            self._name(resolved, key, fact.label)
        for decl in facts.entities:
            kind, slug = decl.key.split("/", 1)
            if decl.known:
                try:
                    self.outside(decl.key)
                except ResolutionError:
                    continue  # entity_decl reports it; its names must not resolve meanwhile
            label = self.defined.get(decl.key, decl.label)
            self._name(Resolved(kind, iris.entity(kind, slug), label), decl.key, decl.label, *decl.aliases)

    def _name(self, resolved: Resolved, *names: str) -> None:
        for name in names:
            found = self._declared.setdefault(_fold(name), [])
            if all(r.iri != resolved.iri for r in found):
                found.append(resolved)

    def outside(self, ref: str) -> object:
        """The entity the gazetteer (or the graph) knows by this reference, ignoring the article.

        :raises ResolutionError: nothing outside the article has it.
        """
        return self._resolve(ref)

    def __call__(self, ref: str, kinds: tuple[str, ...] | None = None) -> Resolved:
        """The entity ``ref`` denotes, of the earliest of ``kinds`` that an entity so called has.

        :raises ResolutionError: nothing has the name, or it is ambiguous in the graph.
        """
        declared = self._declared.get(_fold(ref), [])
        if declared and (kinds is None or any(r.kind in kinds for r in declared)):
            return _best(declared, kinds)
        try:
            candidates = [*declared, *self._outside(ref)]
        except ResolutionError:
            if declared:
                return declared[0]
            found = self._fact_keys.get(ref.strip())
            if found is None:
                raise
            return found
        return _best(candidates, kinds)

    def _outside(self, ref: str) -> list[Resolved]:
        """What the gazetteer or the graph calls so, and a state's capital if the name is the capital's."""
        entity: Any = self._resolve(ref)
        metonyms = _only_metonyms(entity) if getattr(entity, "metonyms", ()) else frozenset()
        norm = _normalized(ref) if metonyms else ""
        by_metonym = bool(norm) and norm in metonyms
        out = [Resolved(entity.kind, self._iris.entity(entity.kind, entity.slug), entity.label, by_metonym)]
        capital = getattr(entity, "capital", None)
        if by_metonym and capital:
            # The gazetteer gives a capital's name to its state ("Moscow said"); the city is
            # still what a place-first field ("location") means by it.
            place: Any = self._resolve(capital)
            if norm in {normalize(n) for n in place.names}:
                out.append(Resolved(place.kind, self._iris.entity(place.kind, place.slug), place.label))
        return out


@lru_cache(maxsize=4096)
def _only_metonyms(entity: Any) -> frozenset[str]:
    """The normalised names that stand for an entity without naming it ("Moscow" for Russia)."""
    names = {normalize(n) for n in (entity.label, *entity.aliases)}
    return frozenset(normalize(m) for m in entity.metonyms) - names


@lru_cache(maxsize=4096)
def _normalized(name: str) -> str:
    return normalize(name)  # names recur across the facts of a corpus: normalised once


def _best(candidates: list[Resolved], kinds: tuple[str, ...] | None) -> Resolved:
    """The candidate of the earliest kind in ``kinds``; the first one when none fits (the caller says so)."""
    for kind in kinds or ():
        for resolved in candidates:
            if resolved.kind == kind:
                return resolved
    return candidates[0]


def _fold(name: str) -> str:
    name = " ".join(name.casefold().split())
    return name[4:] if name.startswith("the ") else name


# The kind a field's unknown name is most likely of, for the example of how to declare it.
_DECLARE_AS = {"reported_by": "source", "publisher": "source", "wire_service": "source"}


def how_to_declare(ref: str, field_name: str, kinds: tuple[str, ...] | None) -> str:
    """'; if it is new, declare it under 'entities:', e.g. - {key: ...}': how to declare an unknown name."""
    ref = ref.strip()
    named = [k for k in kinds or NAMED_KINDS if k in NAMED_KINDS]
    key_kind, _, key_slug = ref.partition("/")
    if key_kind in NAMED_KINDS and is_slug(key_slug):
        kind, slug, label = key_kind, key_slug, "..."
    else:
        preferred = _DECLARE_AS.get(field_name, "organization")
        kind = preferred if preferred in named else next(iter(named), None)
        slug, label = slugify(ref), ref
    if kind is None or not slug:
        return ""
    if not re.fullmatch(r"[\w][\w .'-]*", label):
        label = json.dumps(label, ensure_ascii=False)  # a flow mapping cannot hold ":" or "," bare
    example = f"- {{key: {kind}/{slug}, type: {NAMED_KINDS[kind]}, label: {label}}}"
    others = [k for k in named if k != kind]
    also = f" (or another kind this field takes: {', '.join(others)})" if others and kinds else ""
    return f"; if it is new, declare it under 'entities:', e.g. {example}{also}"
