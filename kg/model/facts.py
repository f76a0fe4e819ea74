"""Typed records of an article's facts: the single source of truth of the facts format.

No RDF here. A facts file (YAML) is an ``ArticleFacts``; ``facts_json_schema()`` gives its
JSON Schema for editors and the documentation. Entity references are keys (``state/iran``)
or names the gazetteer knows ("Tehran", "the Kremlin").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from kg.model.iris import ARTICLE_ID_PATTERN, is_absolute_iri

# What each pattern of the format asks for, in words: error messages say it with an example.
PATTERN_WORDS: dict[str, str] = {}


def _pattern(regex: str, words: str) -> str:
    PATTERN_WORDS[regex] = words
    return regex


Slug = Annotated[str, Field(pattern=_pattern(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "lower-case letters and digits joined by hyphens, as in vladimir-putin"))]
ArticleId = Annotated[str, Field(max_length=200, pattern=_pattern(
    ARTICLE_ID_PATTERN, "lower-case letters and digits joined by single or double hyphens, as in "
    "world--g7-summit"))]
EntityKey = Annotated[str, Field(pattern=_pattern(
    r"^[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$", "a kind and a slug, as in person/jane-doe"))]
Qid = Annotated[str, Field(pattern=_pattern(r"^Q[1-9][0-9]*$", "a Wikidata id, as in Q42"))]
Ref = Annotated[str, Field(min_length=1, description="an entity key such as state/iran, or a name")]
Refs = list[Ref]
# What RFC 3987 keeps out of an IRI, to name it in the message.
_NOT_IN_IRIS = frozenset('<>"{}|\\^`')


def _date_as_text(value: Any) -> Any:
    # YAML reads 2025-06-22 as a date and 2025 as an int; dates are kept as text until
    # kg.model.dates resolves them with their precision.
    if isinstance(value, dt.date | int) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


DateText = Annotated[
    str,
    BeforeValidator(_date_as_text),
    Field(
        min_length=1,
        description="YYYY-MM-DD, YYYY-MM, YYYY, or relative to the publication date "
        "('today', 'yesterday', 'Monday')",
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Evidence(_Model):
    """Where in the article text a fact is stated: character offsets, never the text."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        return self


class ExtractedBy(_Model):
    """The engine that drafted a facts file from the article text (absent once a person reviewed it)."""

    engine: str = Field(min_length=1, description="e.g. rules or llm")
    version: str = Field(min_length=1)


class ArticleMeta(_Model):
    id: ArticleId
    source_id: str | None = Field(
        default=None,
        min_length=1,
        description="the article's id in its corpus when that is no slug (business/g7-backs-...)",
    )
    title: str = Field(min_length=1)
    publisher: Ref | None = Field(default=None, description="left out when unknown: the graph says so")
    wire_service: Ref | None = None
    published: dt.date | None = Field(
        default=None,
        description="left out when unknown: the graph says so, and relative dates cannot be read",
    )
    extracted_by: ExtractedBy | None = None
    language: str = Field(default="en", pattern=_pattern(
        r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", "a language tag, as in en or pt-BR"))
    url: str | None = Field(default=None, pattern=_pattern(
        r"^https?://\S+$", "an absolute http(s) URL without spaces, as in https://example.org/story"))
    text_file: str | None = Field(
        default=None, description="the article text, relative to this file, for evidence checks"
    )

    @field_validator("url")
    @classmethod
    def _url_is_an_iri(cls, url: str | None) -> str | None:
        # The URL becomes the object of schema:url: a character an IRI cannot hold ("|", "<")
        # would otherwise stop the ingestion halfway instead of here, with the field named.
        if url is not None and not is_absolute_iri(url):
            bad = sorted({c for c in url if c in _NOT_IN_IRIS or ord(c) < 0x21})
            hint = f" (it holds {' '.join(repr(c) for c in bad)}; percent-encode them)" if bad else ""
            raise ValueError(f"an article URL must be an absolute IRI{hint}: {url!r}")
        return url


class EntityDecl(_Model):
    """An entity the article declares, or (known) one the gazetteer or the graph already has."""

    key: EntityKey
    type: str = Field(description="an ontology class name, e.g. Person")
    label: str = Field(min_length=1)
    known: bool = Field(
        default=False,
        description="listed only to show what a name resolved to: it must resolve, and declares nothing",
    )
    aliases: list[str] = []
    wikidata: Qid | None = None
    office_of: Ref | None = None
    located_in: Ref | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    evidence: list[Evidence] = []


class FactBase(_Model):
    key: Slug = Field(description="unique within the article; part of the fact's IRI")
    confidence: float | None = Field(default=None, ge=0, le=1)
    evidence: list[Evidence] = []
    claimed_by: Ref | None = Field(default=None, description="who asserts the fact")
    reported_by: Ref | None = Field(default=None, description="the news source relaying it")
    source_note: str | None = Field(
        default=None, description="the attribution in our own words, e.g. 'unnamed sources'"
    )


class EventFact(FactBase):
    kind: Literal["event"] = "event"
    type: str | list[str] = Field(description="one or more ontology event classes, e.g. Meeting")
    label: str = Field(min_length=1, description="a short description in our own words")
    entity: Ref | None = Field(
        default=None, description="a known event (e.g. a war) this fact is about, instead of a new one"
    )
    date: DateText | None = Field(
        default=None,
        description="left out when the article does not date the event: it stays undated "
        "(the publication date is the report's, not the event's)",
    )
    start: DateText | None = None
    end: DateText | None = None
    agent: Refs = []
    recipient: Refs = []
    target: Refs = []
    participant: Refs = []
    mediator: Refs = []
    carrier: Refs = []
    about: Refs = Field(
        default=[],
        description="what it is about: entities, or an agreement or event another fact of this "
        "file defines (by its label, key or fact key)",
    )
    location: Ref | None = Field(default=None, description="a place before a state of the same name")
    cameo: str | None = Field(
        default=None, pattern=_pattern(r"^[0-9]{2,4}$", "a CAMEO code of 2 to 4 digits, as in 040")
    )

    @property
    def types(self) -> list[str]:
        return [self.type] if isinstance(self.type, str) else list(self.type)

    @model_validator(mode="after")
    def _ordered(self) -> EventFact:
        _check_span(self.start, self.end)
        return self


_ABSOLUTE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_span(start: str | None, end: str | None) -> None:
    # Dates of any precision compare on what both state (2025 against 2025-06: equal);
    # relative ones ("Monday") mean nothing before the article's date is known: not compared.
    if start and end and _ABSOLUTE_DATE.match(start) and _ABSOLUTE_DATE.match(end):
        common = min(len(start), len(end))
        if end[:common] < start[:common]:
            raise ValueError(f"end ({end}) is before start ({start})")


class TenureFact(FactBase):
    kind: Literal["tenure"]
    person: Ref
    office: Ref
    former: bool = Field(default=False, description="the text calls the office former")
    start: DateText | None = None
    end: DateText | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TenureFact:
        _check_span(self.start, self.end)
        return self


class AgreementFact(FactBase):
    kind: Literal["agreement"]
    agreement: Slug = Field(description="the agreement's slug, shared by every article about it")
    type: str = "Agreement"
    label: str = Field(min_length=1)
    parties: Refs = Field(min_length=2)
    signed: DateText | None = None
    in_force: DateText | None = None
    term: str | None = Field(default=None, pattern=_pattern(
        r"^P(\d+Y)?(\d+M)?(\d+D)?$", "a duration in years, months and days, as in P20Y or P1Y6M"))


class RelationFact(FactBase):
    kind: Literal["relation"]
    type: Literal["Alliance", "Partnership"]
    between: Refs = Field(min_length=2, max_length=2)
    since: DateText | None = None
    label: str | None = None


Fact = Annotated[
    EventFact | TenureFact | AgreementFact | RelationFact, Field(discriminator="kind")
]


class ArticleFacts(_Model):
    """One facts file: an article's metadata, the entities it introduces, and its facts."""

    article: ArticleMeta
    entities: list[EntityDecl] = []
    facts: list[Fact] = []

    @field_validator("facts")
    @classmethod
    def _unique_keys(cls, facts: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for fact in facts:
            if fact.key in seen:
                raise ValueError(f"fact key {fact.key!r} is used twice")
            seen.add(fact.key)
        return facts

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, data: Any) -> Any:
        # Events are the common case: a fact without `kind` is an event.
        if isinstance(data, dict) and isinstance(data.get("facts"), list):
            data = dict(data)
            data["facts"] = [
                {"kind": "event", **f} if isinstance(f, dict) and "kind" not in f else f
                for f in data["facts"]
            ]
        return data


def facts_json_schema() -> dict[str, Any]:
    """The JSON Schema of a facts file."""
    return ArticleFacts.model_json_schema()
