"""News text -> a draft facts file: entities, tenures, events and agreements, each with evidence.

A draft is a mapping in exactly the shape `kg ingest` reads (kg.model.facts.ArticleFacts),
so a reviewer can edit it and ingest it. Offsets index the text exactly as given.
Engines: "rules" (kg.extract.rules, offline and deterministic) and "llm" (kg.extract.llm).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.model.gazetteer import Entity, Gazetteer

__all__ = ["ENGINES", "ArticleText", "Draft", "extract"]

ENGINES = ("rules", "llm")


@dataclass(frozen=True)
class ArticleText:
    """One article to read: its text as given, and what is known about it besides."""

    text: str
    article_id: str  # a slug: kg.model.facts.ArticleMeta.id
    title: str | None = None
    published: dt.date | None = None  # relative dates ("on Monday") resolve only against it
    publisher: str | None = None
    source_name: str = "<text>"  # the file or corpus line, for error messages


@dataclass
class Draft:
    """A draft facts document, and what the engine dropped and why (for the reviewer)."""

    facts: dict[str, Any]  # the facts-file mapping: article, entities, facts
    dropped: list[str] = field(default_factory=list)
    engine: str = "rules"
    engine_version: str = ""


def extract(
    article: ArticleText,
    gazetteer: Gazetteer,
    *,
    known: Iterable[Entity] = (),
    engine: str = "rules",
    settings: Any = None,
) -> Draft:
    """Read one article into a draft. known: entities already in the graph (resolved like the gazetteer's).

    :raises ExtractionError: when the text cannot be read (empty, binary) or the engine fails.
    """
    if engine == "rules":
        from kg.extract import rules

        return rules.extract(article, gazetteer, known=known)
    if engine == "llm":
        from kg.extract import llm

        return llm.extract(article, gazetteer, known=known, settings=settings)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
