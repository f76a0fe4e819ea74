"""What the rules gather over one article: mentions, and the entities and facts found so far."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.lexicon import Lexicon, Ref
from kg.model.iris import slugify


@dataclass(frozen=True)
class Mention:
    """A stretch of tokens that names an entity; how says whether it may act in an event."""

    start: int
    end: int
    ref: Ref
    how: str  # name, demonym, metonym, title, honorific, shape, pronoun, nominal, place


@dataclass
class ArticleState:
    """What the rules gather over one article before writing the draft."""

    lexicon: Lexicon
    refs: dict[str, Ref] = field(default_factory=dict)  # key -> entity the draft names
    aliases: dict[str, set[str]] = field(default_factory=dict)  # key -> other spellings seen
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> first mention
    surnames: dict[str, Ref] = field(default_factory=dict)
    polity_of: dict[str, Ref] = field(default_factory=dict)  # person key -> their office's polity
    titles_of: dict[str, str] = field(default_factory=dict)  # person key -> title words
    tenures: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    state_counts: Counter[str] = field(default_factory=Counter)
    trigger_hits: list[tuple[int, int, int]] = field(default_factory=list)
    place_names: set[str] = field(default_factory=set)  # names the text puts after "in" or "at"
    mention_counts: Counter[str] = field(default_factory=Counter)
    word_counts: Counter[str] = field(default_factory=Counter)  # capitalised words, mid-sentence
    person_words: set[str] = field(default_factory=set)  # words the text puts after Mr or a title


def evidence_span(doc: Doc, sent: Span, read: Any) -> tuple[int, int]:
    text = sent.text
    start = sent.start_char + len(text) - len(text.lstrip())
    return read.span(start, sent.start_char + len(text.rstrip()))


# --- the draft


def fact_key(text: str) -> str:
    """A slug of at most 80 characters for a fact or agreement key (never ending in a hyphen)."""
    return slugify(text)[:80].rstrip("-")
