"""The draft facts mapping: the article, every entity the facts name, and the facts."""

from __future__ import annotations

from typing import Any

from kg.extract import ArticleText
from kg.extract.lexicon import CLASS_OF_KIND
from kg.extract.rules.article import ArticleState

MIN_MENTIONS = 1  # entities no fact names are listed from this many mentions


def draft_of(article: ArticleText, state: ArticleState, engine_version: str) -> dict[str, Any]:
    """The facts-file mapping of what the rules found in one article."""
    facts = state.tenures + state.events + state.agreements
    named = {article_key for fact in facts for article_key in _refs_of(fact)}
    for ref in state.refs.values():
        # States and people are listed as the text names them; an organisation only when a
        # fact names it (one "that acts in a fact", as the annotation rules have it).
        if ref.kind in ("state", "person") and state.mention_counts[ref.key] >= MIN_MENTIONS:
            named.add(ref.key)
    # An office names its state or organisation: the draft declares that one too.
    named |= {state.refs[k].office_of for k in list(named) if k in state.refs and state.refs[k].office_of}
    entities = []
    for key in sorted(named):
        ref = state.refs.get(key)
        if ref is None:
            continue
        entry: dict[str, Any] = {"key": ref.key, "type": CLASS_OF_KIND[ref.kind], "label": ref.label}
        if ref.office_of:
            entry["office_of"] = ref.office_of
        if ref.known:
            entry["known"] = True
            if ref.wikidata:
                entry["wikidata"] = ref.wikidata
        else:
            aliases = sorted(state.aliases.get(key, set()) - {ref.label})
            if aliases:
                entry["aliases"] = aliases
        entities.append(entry)
    meta: dict[str, Any] = {"id": article.article_id, "title": article.title or article.article_id}
    if article.publisher:
        meta["publisher"] = article.publisher
    if article.published:
        meta["published"] = article.published.isoformat()
    meta["extracted_by"] = {"engine": "rules", "version": engine_version}
    return {"article": meta, "entities": entities, "facts": facts}


def _refs_of(fact: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for field_name in ("person", "office", "location"):
        if isinstance(fact.get(field_name), str):
            out.append(fact[field_name])
    for field_name in ("agent", "recipient", "target", "participant", "parties"):
        out.extend(fact.get(field_name) or [])
    return out
