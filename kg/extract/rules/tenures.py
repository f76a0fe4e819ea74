"""Titles next to people become tenures: "Russian President Vladimir Putin", "Mr Putin, the
Russian president", "Lord Browne, BP's chief executive"."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.lexicon import Lexicon, Ref, Title
from kg.extract.rules.article import ArticleState, Mention, evidence_span, fact_key
from kg.extract.rules.mentions import namelike
from kg.model.iris import slugify


def read_tenures(doc: Doc, sent: Span, found: list[Mention], state: ArticleState, dominant: Ref | None,
                 read: Any) -> None:
    """Tenures of the people of one sentence; dominant is the polity of titles that name none (or None)."""
    lexicon = state.lexicon
    by_start = {m.start: m for m in found}
    by_end = {m.end: m for m in found}
    for m in found:
        if m.ref.kind != "person" or not m.ref.key:  # "He, the minister": not a name
            continue
        title, polity, former = _title_before(doc, sent, m.start, by_end, lexicon)
        if title is None:
            title, polity, former = _title_after(doc, sent, m.end, by_start, lexicon)
        if title is None:
            continue
        if polity is None and title.polity:
            polity = lexicon.states_by_iso2.get(title.polity)
        if polity is None:
            polity = state.polity_of.get(m.ref.key)
        if polity is None and not title.generic and dominant is not None:
            polity = dominant
        if polity is None:
            continue
        _add_tenure(state, m.ref, title, polity, former, evidence_span(doc, sent, read))


def _title_before(doc: Doc, sent: Span, start: int, by_end: dict[int, Mention],
                  lexicon: Lexicon) -> tuple[Title | None, Ref | None, bool]:
    """"Russian President Vladimir Putin", "Iran's President Khatami", "former leader X"."""
    # "Russia's U.N. Ambassador, Vassily Nebenzia": a comma may stand between title and name
    end = start - 1 if start - 1 > sent.start and doc[start - 1].text == "," else start
    for length in (4, 3, 2, 1):
        j = end - length
        if j < sent.start:
            continue
        words = doc[j:end].text.lower()
        title = lexicon.titles.get(words)
        if title is None:
            continue
        polity = None
        k = j
        # "Liberal Democrat foreign affairs spokesman X": lower-case words qualify the title
        while k - 1 >= sent.start and j - k < 3 and doc[k - 1].is_lower and doc[k - 1].is_alpha \
                and doc[k - 1].lower_ not in ("former", "the", "and", "of", "by", "with", "to"):
            k -= 1
        if k - 1 >= sent.start and doc[k - 1].text in ("'s", "’s"):
            k -= 1
        owner = by_end.get(k)
        if owner is not None and owner.ref.kind in ("state", "organization"):
            polity = owner.ref
            first = k + 1 if doc[k].text in ("'s", "’s") else k
            qualifier = doc[first:j].text.lower()
            if qualifier and title.generic:
                title = Title(f"{qualifier} {title.words}", f"{qualifier} {title.label}", title.polity, True)
            k = owner.start
        elif k != j:
            k = j  # the lower-case words belong to the sentence, not to the title
        former = k - 1 >= sent.start and doc[k - 1].lower_ == "former"
        return title, polity, former
    return None, None, False


def _title_after(doc: Doc, sent: Span, end: int, by_start: dict[int, Mention],
                 lexicon: Lexicon) -> tuple[Title | None, Ref | None, bool]:
    """"Mr Putin, the Russian president", "Lord Browne, BP's chief executive", "X, head of Y"."""
    i = end
    if i >= sent.end or doc[i].text != ",":
        return None, None, False
    i += 1
    if i < sent.end and doc[i].lower_ in ("the", "a", "an"):
        i += 1
    former = i < sent.end and doc[i].lower_ == "former"
    if former:
        i += 1
    polity = None
    owner = by_start.get(i)
    if owner is not None and owner.ref.kind in ("state", "organization"):
        polity, i = owner.ref, owner.end
        if i < sent.end and doc[i].text in ("'s", "’s"):
            i += 1
    for length in (4, 3, 2, 1):
        if i + length > sent.end:
            continue
        title = lexicon.titles.get(doc[i:i + length].text.lower())
        if title is None:
            continue
        k = i + length
        if polity is None and k + 1 < sent.end and doc[k].lower_ == "of":
            after = by_start.get(k + 1) or by_start.get(k + 2)
            if after is not None and after.ref.kind in ("state", "organization"):
                polity = after.ref
        if k < sent.end and namelike(doc[k]) and doc[k].lower_ != "of":
            return None, None, False  # "X, the President Bush ..." is not an apposition
        return title, polity, former
    return None, None, False


def _add_tenure(state: ArticleState, person: Ref, title: Title, polity: Ref, former: bool,
                evidence: tuple[int, int]) -> None:
    label = title.office_label(polity)
    office = Ref(f"office/{slugify(label)}", "office", label, office_of=polity.key)
    known = state.lexicon.names.get(label)
    if known is not None and known.kind == "office":
        office = known
    state.refs.setdefault(polity.key, polity)
    state.refs.setdefault(office.key, office)
    state.polity_of.setdefault(person.key, polity)
    state.titles_of.setdefault(person.key, title.words.split()[-1])
    if any(t["person"] == person.key and t["office"] == office.key for t in state.tenures):
        return
    state.tenures.append({
        "kind": "tenure", "key": fact_key(f"{person.label} {label}"), "person": person.key,
        "office": office.key, **({"former": True} if former else {}),
        "confidence": 0.8, "evidence": [{"start": evidence[0], "end": evidence[1]}],
    })


# --- events
