"""Trigger words become events: the agent is the subject or the speaker (a passive turned round,
a pronoun or "the minister" resolved), the target or recipient who follows, and the place and
date the sentence gives. Agreements come with their signing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract import ArticleText
from kg.extract.dates import find_date
from kg.extract.lexicon import Ref, TriggerClass
from kg.extract.rules.article import ArticleState, Mention, evidence_span, fact_key
from kg.extract.rules.words import DEFINITE, DETERMINERS, HEDGES, PASSIVE_AUX, PREPOSITIONS


def read_events(doc: Doc, sent: Span, found: list[Mention], previous: list[Mention], state: ArticleState,
                read: Any, article: ArticleText, last_speaker: frozenset[str]) -> frozenset[str]:
    """The events of one sentence, added to state; returns who spoke in it (for the next one)."""
    classes = {c.name: c for c in state.lexicon.triggers}
    hits = _sentence_hits(doc, sent, state)
    if not hits:
        return frozenset()
    evidence = evidence_span(doc, sent, read)
    date = find_date(sent.text, article.published)
    place = next((m.ref for m in found if m.ref.kind == "place"), None)
    actors = [m for m in found if m.ref.kind in ("person", "state", "organization") and m.how != "place"]
    actors = [m if m.how != "pronoun" else
              Mention(m.start, m.end, _resolve(m, previous, found, state), "name") for m in actors]
    actors = [m for m in actors if m.ref.key]
    speakers: frozenset[str] = frozenset()
    directed: list[tuple[int, list[Ref]]] = []
    for name, trigger in sorted(hits.items(), key=lambda kv: kv[1]):
        cls = classes[name]
        if _not_an_event(doc, sent, trigger, cls, state):
            continue
        if cls.directed:
            agents = _agent(doc, sent, trigger, found, previous, state)
            # "X condemned Y and offered mediation": a second verb of one subject has its
            # agent, not the first verb's object.
            coordinated = any(doc[k].lower_ in ("and", "but", "then", "while")
                              for k in range(max(sent.start, trigger - 3), trigger))
            earlier = [(t, a) for t, a in directed if agents and t < _start_of(agents[0], found) < trigger]
            if earlier and coordinated:
                agents = earlier[-1][1]
            if not agents:
                continue
            directed.append((trigger, agents))
            taken_keys = {a.key for a in agents}
            objects = [m.ref for m in actors if m.start > trigger and m.ref.key not in taken_keys]
            objects = [o for o in objects if o.key not in {state.polity_of.get(a.key, Ref("", "", "")).key
                                                           for a in agents}][:3]
            agents = _with_polities(agents, state)
            if name == "Statement":
                keys = frozenset(a.key for a in agents)
                if keys == last_speaker and not objects:
                    speakers = keys
                    continue  # the same speaker goes on: one statement, not one per sentence
                speakers = keys
            if name == "Visit" and place is not None and place.iso2:
                host = state.lexicon.states_by_iso2.get(place.iso2)
                if host is not None and host not in agents:  # a visit to Moscow is a visit to Russia
                    objects = [host] + [o for o in objects if o != host][:2]
            roles = {"agent": agents}
            if cls.object_role != "none":  # a resignation is nobody's target
                roles[cls.object_role] = objects
        else:
            shared = _shared_roles(name, trigger, found, actors, previous, state)
            if shared is None:
                continue
            roles = shared
        _add_event(state, name, roles, place, date, evidence, confidence=0.6)
        if name == "AgreementSigning":
            _agreement(doc, sent, trigger, actors, state, date, evidence)
    return speakers


def _sentence_hits(doc: Doc, sent: Span, state: ArticleState) -> dict[str, int]:
    """The event classes a sentence's trigger words fire, each at its first trigger."""
    hits: dict[str, int] = {}
    for match_id, start, end in state.trigger_hits:
        if sent.start <= start and end <= sent.end and start not in hits.values():
            hits.setdefault(doc.vocab.strings[match_id], start)
    # A specific class fired by the same words as Statement ("called for a ceasefire") wins.
    said = hits.get("Statement")
    if said is not None and any(n in SPECIFIC_STATEMENTS and hits[n] <= said + 1 for n in hits):
        del hits["Statement"]
    if "SanctionsLifting" in hits:
        hits.pop("Sanction", None)  # "lifted sanctions" is no new sanction
    return hits


def _not_an_event(doc: Doc, sent: Span, trigger: int, cls: TriggerClass, state: ArticleState) -> bool:
    """A trigger that reports no new event: a plan, a noun without its agent, one told already."""
    if _hedged(doc, sent, trigger):
        return True
    before = doc[trigger - 1] if trigger > sent.start else None
    if cls.directed and before is not None and (before.lower_ in DETERMINERS or before.like_num):
        return True  # "the 2003 invasion", "a visit": who did it is not this sentence's subject
    # "the talks", "this deal": an event the text has reported already
    told = any(e["type"] == cls.name for e in state.events)
    return before is not None and before.lower_ in DEFINITE and told


def _shared_roles(name: str, trigger: int, found: list[Mention], actors: list[Mention],
                  previous: list[Mention], state: ArticleState) -> dict[str, list[Ref]] | None:
    """Roles of a meeting, talks, a signing or an election: everyone the sentence names takes part."""
    people = list(dict.fromkeys(_resolve(m, previous, found, state) for m in actors + [
        m for m in found if m.how == "pronoun" and m.ref.kind == "person"]))
    people = _with_polities([r for r in people if r.key], state)
    if name == "Election":  # the polity that votes is the nearest state; candidates take part
        states = sorted((m for m in actors if m.ref.kind == "state"), key=lambda m: abs(m.start - trigger))
        polities = [m.ref for m in states] or [
            state.polity_of[r.key] for r in people if r.key in state.polity_of]
        if not polities:
            return None
        return {"agent": polities[:1], "participant": [r for r in people if r.kind == "person"][:3]}
    if not people:
        return None
    return {"agent": people[:1], "participant": people[1:5]}


def _agent(doc: Doc, sent: Span, trigger: int, found: list[Mention], previous: list[Mention],
           state: ArticleState) -> list[Ref]:
    """Who does what the trigger says; nobody when a pronoun or "the minister" finds no one."""
    return [ref for ref in _agent_refs(doc, sent, trigger, found, previous, state) if ref.key]


def _agent_refs(doc: Doc, sent: Span, trigger: int, found: list[Mention], previous: list[Mention],
                state: ArticleState) -> list[Ref]:
    """Who does what the trigger says: by-phrase of a passive, the subject, the speaker of a quote."""
    if trigger - 1 >= sent.start and doc[trigger - 1].lower_ in PASSIVE_AUX:
        by = next((k for k in range(trigger + 1, min(trigger + 8, sent.end)) if doc[k].lower_ == "by"), None)
        if by is not None:
            after = [m for m in found if m.start > by and m.ref.kind in ("person", "state", "organization")]
            if after:
                return [_resolve(after[0], previous, found, state)]
    before = [m for m in found if m.end <= trigger and m.how != "place"
              and m.ref.kind in ("person", "state", "organization", "pronoun", "nominal")]
    participle = doc[trigger].lower_.endswith("ing")
    if participle and trigger > sent.start and doc[trigger - 1].lower_ in (",", "and"):
        # "..., recalling X and accusing Y": the participle's subject is the sentence's
        people = [m for m in before if m.ref.kind == "person"] or before
        if people:
            ref = _resolve(people[0], previous, found, state)
            return [ref] if ref.key else []
    quote_before = any(doc[k].text in ('"', "“", "”") for k in range(max(sent.start, trigger - 3), trigger))
    if quote_before:  # '"...," said Mr X' and '"...", Mr X said': the speaker is next to the verb
        after = [m for m in found if trigger < m.start <= trigger + 3
                 and m.ref.kind in ("person", "state", "organization", "pronoun", "nominal")]
        if after:
            return [_resolve(after[0], previous, found, state)]
    subjects = [m for m in before if trigger - m.end <= 12]
    if subjects:
        plain = [m for m in subjects if m.start == sent.start or doc[m.start - 1].lower_ not in PREPOSITIONS]
        chosen = (plain or subjects)[-1]
        if chosen.how == "demonym":
            # "Mr Putin, the Russian president, warned": the person, not their nationality
            people = [m for m in plain if m.ref.kind == "person" and m.start < chosen.start]
            chosen = people[-1] if people else chosen
        ref = _resolve(chosen, previous, found, state)
        return [ref] if ref.key else []
    after = [m for m in found if trigger < m.start <= trigger + 3 and m.ref.kind == "person"]
    if after:
        return [after[0].ref]
    return []


def _hedged(doc: Doc, sent: Span, trigger: int) -> bool:
    """ "is expected to meet", "hopes to sign": a plan or a hope, not an event the text reports."""
    window = doc[max(sent.start, trigger - 4):trigger].text.lower()
    return any(h in window for h in HEDGES)


def _start_of(ref: Ref, found: list[Mention]) -> int:
    """Where the sentence first names an entity (-1: not in this sentence)."""
    return next((m.start for m in found if m.ref.key == ref.key), -1)


def _resolve(mention: Mention, previous: list[Mention], found: list[Mention], state: ArticleState) -> Ref:
    """A pronoun or "the minister" as the last fitting entity before it."""
    if mention.how not in ("pronoun", "nominal"):
        return mention.ref
    earlier = [m for m in previous + [m for m in found if m.start < mention.start]
               if m.ref.key and m.how != "place"]
    word = mention.ref.label
    for m in reversed(earlier):
        if mention.how == "pronoun" and m.ref.kind == "person" and word != "It":
            return m.ref
        if word == "It" and m.ref.kind in ("organization", "state"):
            return m.ref
        if mention.how == "nominal":
            if word in ("company", "firm", "group", "bank", "party") and m.ref.kind == "organization":
                return m.ref
            if word == "government" and m.ref.kind == "state":
                return m.ref
            if m.ref.kind == "person" and state.titles_of.get(m.ref.key) == word:
                return m.ref
            if word in ("official", "spokesman") and m.ref.kind == "person":
                return m.ref
    return Ref("", "", "")


def _with_polities(agents: list[Ref], state: ArticleState) -> list[Ref]:
    """A person acting in office acts for their state too (the gold annotations name both)."""
    out = list(agents)
    for a in agents:
        polity = state.polity_of.get(a.key)
        if polity is not None and polity not in out:
            out.append(polity)
    return out


def _add_event(state: ArticleState, name: str, roles: dict[str, list[Ref]], place: Ref | None,
               date: str | None, evidence: tuple[int, int], confidence: float) -> None:
    for refs in roles.values():
        for r in refs:
            state.refs.setdefault(r.key, r)
    if place is not None:
        state.refs.setdefault(place.key, place)
    agents = roles["agent"]
    label = f"{_class_words(name)} by {_join(r.label for r in agents[:2])}"
    others = [r for role, refs in roles.items() if role != "agent" for r in refs]
    if others:
        label += f" involving {_join(r.label for r in others[:2])}"
    key = fact_key(f"{name} {agents[0].label} {evidence[0]}")
    fact: dict[str, Any] = {"key": key, "type": name, "label": label}
    if date:
        fact["date"] = date
    for role in ("agent", "recipient", "target", "participant"):
        if roles.get(role):
            fact[role] = [r.key for r in roles[role]]
    if place is not None:
        fact["location"] = place.key
    fact["evidence"] = [{"start": evidence[0], "end": evidence[1]}]
    fact["confidence"] = confidence
    state.events.append(fact)


SPECIFIC_STATEMENTS = {"CeasefireCall", "MediationOffer", "Condemnation", "Threat", "Accusation", "Assurance",
                       "Letter", "Demand"}
AGREEMENT_NOUNS = ("deal", "agreement", "accord", "pact", "treaty", "memorandum", "contract", "partnership")


def _agreement(doc: Doc, sent: Span, trigger: int, actors: list[Mention], state: ArticleState,
               date: str | None, evidence: tuple[int, int]) -> None:
    parties = list(dict.fromkeys(m.ref for m in actors if m.ref.kind in ("state", "organization")))
    if len(parties) < 2:
        parties = list(dict.fromkeys(state.polity_of.get(m.ref.key, m.ref) for m in actors))
        parties = [p for p in parties if p.kind in ("state", "organization")]
    if len(parties) < 2:
        return
    nouns = [doc[k] for k in range(sent.start, sent.end) if doc[k].lower_ in AGREEMENT_NOUNS]
    noun = min(nouns, key=lambda t: abs(t.i - trigger)) if nouns else None
    kind = "agreement"
    if noun is not None:
        # "trade deal", "loan-for-oil deal": the lower-case words (and hyphens) before the noun
        k = noun.i
        while k - 1 >= sent.start and noun.i - k < 6 and (
                (doc[k - 1].is_lower and doc[k - 1].is_alpha and len(doc[k - 1]) > 2
                 and doc[k - 1].lower_ not in DETERMINERS | {"new", "same", "such", "earlier", "former"})
                or (doc[k - 1].text == "-" and not doc[k - 1].whitespace_)):
            k -= 1
        kind = doc[k:noun.i + 1].text.lower().lstrip("-")
    label = f"{kind.capitalize()} between {_join(p.label for p in parties[:3])}"
    slug = fact_key(label)
    if any(a["agreement"] == slug for a in state.agreements):
        return
    fact: dict[str, Any] = {"kind": "agreement", "key": fact_key(f"agreement-{slug}"), "agreement": slug,
                            "label": label, "parties": [p.key for p in parties[:4]]}
    if date:
        if len(date) == 10:  # a signing is dated to the day, or not at all
            fact["signed"] = date
    fact["evidence"] = [{"start": evidence[0], "end": evidence[1]}]
    fact["confidence"] = 0.5
    for p in parties:
        state.refs.setdefault(p.key, p)
    state.agreements.append(fact)


def _class_words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().capitalize()


def _join(labels: Iterable[str]) -> str:
    items = list(labels)
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]
