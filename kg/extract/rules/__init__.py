"""The rule engine: spaCy's blank English pipeline (tokenizer, sentencizer, PhraseMatcher) over
the names, titles and triggers of kg.extract.lexicon.

A sentence at a time: names become mentions (known entities, demonyms, titled and honoured
people, capitalised names); titles next to people become tenures; trigger words become
events whose agent is the speaker or subject (a passive is turned round, a pronoun or "the
minister" refers back), whose target or recipient is who follows, and whose place and date
the sentence gives. Every fact keeps the span of the sentence that fired it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from spacy.matcher import PhraseMatcher

from kg.extract import ArticleText, Draft
from kg.extract.lexicon import Lexicon, build_lexicon
from kg.extract.rules.article import ArticleState, Mention
from kg.extract.rules.draft import draft_of
from kg.extract.rules.events import read_events
from kg.extract.rules.mentions import dominant_state, person_words_of, place_names_of, read_mentions
from kg.extract.rules.tenures import read_tenures
from kg.extract.text import read_text
from kg.model.gazetteer import Entity, Gazetteer

ENGINE_VERSION = "rules-1"


@cache
def pipeline() -> Any:
    """spaCy's blank English pipeline and a rule-based sentencizer: nothing to download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def extract(article: ArticleText, gazetteer: Gazetteer, *, known: Iterable[Entity] = ()) -> Draft:
    """Read an article into a draft facts mapping (see kg.extract)."""
    lexicon, matchers = _lexicon_and_matchers(gazetteer, tuple(known))
    read = read_text(article.text)
    doc = pipeline()(read.decoded)
    state = ArticleState(lexicon)
    sentences = list(doc.sents)
    # Each matcher runs once over the whole text; sentences take the matches inside them.
    name_hits = sorted(((s, e) for _, s, e in matchers.names(doc)), key=lambda h: (h[0], h[0] - h[1]))
    state.trigger_hits = sorted(matchers.triggers(doc), key=lambda h: (h[1], h[1] - h[2]))
    taken = [False] * len(doc)
    state.place_names = place_names_of(doc, lexicon)
    state.person_words = person_words_of(doc, lexicon)
    state.word_counts.update(t.text for t in doc if not t.is_sent_start and t.text[:1].isupper())
    mentions = [
        read_mentions(doc, sent, [h for h in name_hits if sent.start <= h[0] and h[1] <= sent.end],
                      taken, state)
        for sent in sentences
    ]
    for found in mentions:
        for m in found:
            if m.ref.kind == "state" and m.how != "place":
                state.state_counts[m.ref.key] += 1
    dominant = dominant_state(state)
    # Titles with their polity first, so that "President Bush" later in the text takes the
    # polity an earlier "US President George W Bush" gave; then the rest, by default.
    for fallback in (False, True):
        for sent, found in zip(sentences, mentions, strict=True):
            read_tenures(doc, sent, found, state, dominant if fallback else None, read)
    previous: list[Mention] = []
    last_speaker: frozenset[str] = frozenset()
    for sent, found in zip(sentences, mentions, strict=True):
        speakers = read_events(doc, sent, found, previous, state, read, article, last_speaker)
        last_speaker = speakers
        previous = (previous + [m for m in found if m.how not in ("pronoun", "nominal")])[-30:]
    return Draft(draft_of(article, state, ENGINE_VERSION), engine="rules", engine_version=ENGINE_VERSION)


@dataclass(frozen=True)
class Matchers:
    """The phrase matchers of a lexicon: its names and its event triggers."""

    names: PhraseMatcher
    triggers: PhraseMatcher


_CACHE: dict[tuple[Gazetteer, tuple[Entity, ...]], tuple[Lexicon, Matchers]] = {}


def _lexicon_and_matchers(gazetteer: Gazetteer, known: tuple[Entity, ...]) -> tuple[Lexicon, Matchers]:
    """The lexicon and matchers for a gazetteer and the graph's entities, built once per set.

    A corpus import reads many articles against the same known entities: building the
    lexicon and its matchers costs more than reading an article (0.4 s with 10,000 entities).
    """
    key = (gazetteer, known)
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        lexicon = build_lexicon(gazetteer, known)
        _CACHE[key] = lexicon, _build_matchers(lexicon)
    return _CACHE[key]


def _build_matchers(lexicon: Lexicon) -> Matchers:
    nlp = pipeline()
    names = PhraseMatcher(nlp.vocab, attr="ORTH")
    names.add("NAME", list(nlp.tokenizer.pipe(list(lexicon.names) + list(lexicon.demonyms))))
    triggers = PhraseMatcher(nlp.vocab, attr="LOWER")
    for cls in lexicon.triggers:
        triggers.add(cls.name, list(nlp.tokenizer.pipe(cls.forms)))
    return Matchers(names, triggers)
