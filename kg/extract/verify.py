"""Checks of a draft against its article text, for any engine: evidence must be found, names grounded.

An engine's word is never taken for where a fact is stated: a quote is looked up in the text
and its offsets computed here. The text is read as a reader sees it (HTML entities such as
``&#233;`` as the characters they stand for, runs of whitespace as one space), but offsets
always index the text exactly as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kg.errors import ResolutionError
from kg.extract.text import read_text
from kg.model.gazetteer import Entity, Gazetteer, normalize

__all__ = ["REF_FIELDS", "TextIndex", "verify_facts"]

# Fields of a facts-file fact that name entities (one reference or a list of them).
REF_FIELDS = (
    "agent", "recipient", "target", "participant", "mediator", "carrier", "about", "location",
    "claimed_by", "reported_by", "entity", "person", "office", "parties", "between",
)

# Engines retype typographic quotes and dashes; the same sentence must still be found.
_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})
_KEY = re.compile(r"^[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")
_POSSESSIVE = re.compile(r"['\u2019]s\b")
MIN_QUOTE_CHARS = 10  # shorter quotes ("Iran", "said") locate nothing


def _canonical(text: str) -> tuple[str, list[int], list[int]]:
    """The text as read, with each of its characters' start and end offsets in the original."""
    read = read_text(text)
    origin = read.origin
    # A character's end is where the next one from elsewhere in the original starts: the end of
    # the whole entity when one entity decodes to several characters.
    char_ends = [0] * len(read.decoded)
    for i in range(len(read.decoded) - 1, -1, -1):
        nxt = origin[i + 1]
        char_ends[i] = nxt if nxt != origin[i] or i + 1 == len(read.decoded) else char_ends[i + 1]
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(read.decoded.translate(_TYPOGRAPHY)):
        if ch.isspace():
            if chars and chars[-1] == " ":
                ends[-1] = char_ends[i]
                continue
            ch = " "
        chars.append(ch)
        starts.append(origin[i])
        ends.append(char_ends[i])
    return "".join(chars), starts, ends


def _name_form(text: str) -> str:
    # Possessives keep their word apart ("Iran's" must still name Iran), then gazetteer matching.
    return normalize(_POSSESSIVE.sub(" s", read_text(text).decoded.translate(_TYPOGRAPHY)))


class TextIndex:
    """One article text prepared for lookups of quotes and names."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._read, self._starts, self._ends = _canonical(text)
        self._names = f" {_name_form(text)} "

    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) offsets in the original text of a quote, or None when it is not there."""
        wanted = _canonical(quote)[0].strip()
        if len(wanted) < MIN_QUOTE_CHARS:
            return None
        at = self._read.find(wanted)
        if at < 0:
            return None
        return self._starts[at], self._ends[at + len(wanted) - 1]

    def mentions(self, name: str) -> bool:
        """Whether the text names name, as whole words, ignoring case, accents and punctuation."""
        form = _name_form(name)
        return bool(form) and f" {form} " in self._names


def verify_facts(
    facts: Mapping[str, Any],
    text: str | TextIndex,
    gazetteer: Gazetteer,
    *,
    known: Iterable[Entity] = (),
) -> tuple[dict[str, Any], list[str]]:
    """Keep the entities and facts of a draft mapping that the text supports; say why each other one went.

    An entity the draft declares must be named in the text (an office: its state or
    organisation must be; one listed as known must resolve); every reference of a fact must be
    named in the text or resolve through the gazetteer or the known entities; every fact needs
    evidence inside the text.
    """
    index = text if isinstance(text, TextIndex) else TextIndex(text)
    known_keys = {e.key for e in known}
    known_names = {normalize(name) for e in known for name in e.names}
    dropped: list[str] = []

    def resolves(ref: str) -> bool:
        if ref in known_keys or normalize(ref) in known_names:
            return True
        try:
            gazetteer.resolve(ref)
        except ResolutionError:
            return False
        return True

    decls = [d for d in facts.get("entities", []) if isinstance(d, Mapping)]
    by_name: dict[str, str] = {}
    for decl in decls:
        for name in (decl.get("label", ""), *decl.get("aliases", ())):
            by_name.setdefault(normalize(name), decl["key"])
    grounded: set[str] = set()
    kept_decls: set[int] = set()  # ids of the declarations kept
    # Offices last: an office is grounded through the state or organisation it belongs to.
    for decl in sorted(decls, key=lambda d: str(d.get("key", "")).startswith("office/")):
        key = decl["key"]
        if decl.get("known"):
            ok = resolves(key)
            why = "it is listed as known, but neither the gazetteer nor the graph has it"
        elif key.startswith("office/"):
            owner = decl.get("office_of")
            ok = owner is None or owner in grounded or resolves(owner) or index.mentions(owner)
            why = f"it belongs to {owner!r}, which the text does not name"
        else:
            ok = any(index.mentions(n) for n in (decl.get("label", ""), *decl.get("aliases", ())))
            why = f"{decl.get('label')!r} is not named in the text"
        if ok:
            grounded.add(key)
            kept_decls.add(id(decl))
        else:
            dropped.append(f"entity {key!r}: {why}")
    declared = {d["key"] for d in decls}

    def problem(ref: str) -> str | None:
        key = ref if ref in declared else by_name.get(normalize(ref))
        if key is not None:
            return None if key in grounded else f"{ref!r} refers to {key}, which the text does not name"
        if _KEY.match(ref):
            return None if resolves(ref) else f"no entity has the key {ref!r}"
        if index.mentions(ref) or resolves(ref):
            return None
        return f"{ref!r} is neither named in the text nor known to the gazetteer"

    kept_facts: list[Any] = []
    for fact in facts.get("facts", []):
        label = f"fact {fact.get('key')!r}"
        reasons = [p for p in (problem(ref) for ref in _refs(fact)) if p]
        reasons += _evidence_problems(fact.get("evidence") or [], len(index.text))
        if reasons:
            dropped.append(f"{label}: {'; '.join(reasons)}")
        else:
            kept_facts.append(fact)
    kept = dict(facts)
    if "entities" in facts:
        kept["entities"] = [d for d in facts["entities"] if id(d) in kept_decls or not isinstance(d, Mapping)]
    kept["facts"] = kept_facts
    return kept, dropped


def _refs(fact: Mapping[str, Any]) -> list[str]:
    refs: list[str] = []
    for name in REF_FIELDS:
        value = fact.get(name)
        if isinstance(value, str):
            refs.append(value)
        elif isinstance(value, list):
            refs.extend(v for v in value if isinstance(v, str))
    return refs


def _evidence_problems(spans: list[Any], length: int) -> list[str]:
    if not spans:
        return ["it has no evidence in the text"]
    problems = []
    for span in spans:
        start, end = (span.get("start"), span.get("end")) if isinstance(span, Mapping) else (None, None)
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            problems.append(f"evidence {span!r} is not a span of the text (0-{length})")
    return problems
