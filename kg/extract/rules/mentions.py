"""Names in a sentence: known entities, demonyms, metonyms, titled and honoured people, and
capitalised names read by their shape (a person, an organisation, a place)."""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.lexicon import Lexicon, Ref
from kg.extract.rules.article import ArticleState, Mention
from kg.extract.rules.words import (
    AGREEMENT_HEADS,
    COMMON_CAPITALISED,
    FOREIGN_ORG_HEADS,
    NEWS_OUTLETS,
    NOMINALS,
    ORG_HEADS,
    ORG_WORDS,
    PARTICLES,
    PLACE_HEADS,
    PLACE_PREPOSITIONS,
    PRONOUNS,
    REGIONS,
    ROMAN,
)
from kg.model.iris import slugify


def read_mentions(doc: Doc, sent: Span, spans: list[tuple[int, int]], taken: list[bool],
                  state: ArticleState) -> list[Mention]:
    """The mentions of one sentence; spans are the lexicon's name matches inside it."""
    lexicon = state.lexicon
    found: list[Mention] = []

    def claim(start: int, end: int, ref: Ref, how: str) -> None:
        if any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        found.append(Mention(start, end, ref, how))

    for start, end in _organisation_runs(doc, sent):
        claim(start, end, Ref(f"organization/{slugify(doc[start:end].text)}", "organization",
                              doc[start:end].text), "shape")
    for start, end in spans:
        text = doc[start:end].text
        if text in NEWS_OUTLETS:
            continue
        if text in lexicon.demonyms and text not in lexicon.names:
            claim(start, end, lexicon.demonyms[text], "demonym")
            continue
        ref = lexicon.names[text]
        if ref.kind == "office":
            continue  # "Israeli Prime Minister" is a title: the tenure rules read it with its polity
        previous = doc[start - 1] if start > sent.start else None
        if ref.kind == "state" and previous is not None and (
                namelike(previous) or previous.text.rstrip(".") in lexicon.honorifics):
            continue  # "Jose Lima", "Mr Jordan": a person's name, not the state or its capital
        before = doc[start - 1].lower_ if start > sent.start else ""
        if text in lexicon.metonyms and before in PLACE_PREPOSITIONS | {"to", "from"}:
            place = Ref(f"place/{slugify(text)}", "place", text.removeprefix("the "), iso2=ref.iso2)
            claim(start, end, place, "place")
            continue
        claim(start, end, ref, "metonym" if text in lexicon.metonyms else "name")
    # Titled and honoured people, then capitalised names the lexicon does not know.
    i = sent.start
    while i < sent.end:
        if taken[i]:
            i += 1
            continue
        token = doc[i]
        if token.text in lexicon.honorifics or token.text.rstrip(".") in lexicon.honorifics:
            j = name_end(doc, i + 1, sent.end, taken)
            if j > i + 1:
                claim(i, j, _person(doc[i + 1:j].text, state), "honorific")
                i = j
                continue
        if namelike(token) and not (i == sent.start and token.lower_ in COMMON_CAPITALISED):
            j = name_end(doc, i, sent.end, taken)
            if j > i:
                ref, how = _classify(doc, i, j, sent, state)
                if ref is not None:
                    claim(i, j, ref, how)
                i = j
                continue
        if token.text in PRONOUNS:
            found.append(Mention(i, i + 1, Ref("", PRONOUNS[token.text], token.text), "pronoun"))
        elif token.lower_ in NOMINALS and i > sent.start and doc[i - 1].lower_ == "the":
            found.append(Mention(i - 1, i + 1, Ref("", "nominal", token.lower_), "nominal"))
        i += 1
    found.sort(key=lambda m: m.start)
    for m in found:
        if m.ref.kind == "organization":
            _short_name(m.ref, state)
        if m.ref.key:
            state.mention_counts[m.ref.key] += 1
            state.refs.setdefault(m.ref.key, m.ref)
            text = doc[m.start:m.end].text
            if text != m.ref.label and m.how not in ("demonym",):
                state.aliases.setdefault(m.ref.key, set()).add(text)
    return found


def person_words_of(doc: Doc, lexicon: Lexicon) -> set[str]:
    """Words the text writes after an honorific or a title ("Mr Bush", "President Bush"): surnames."""
    words = set()
    for k, token in enumerate(doc[:-1]):
        if token.text.rstrip(".") in lexicon.honorifics or token.lower_ in lexicon.titles:
            nxt = doc[k + 1]
            if nxt.text[:1].isupper():
                words.add(nxt.text)
    return words


def place_names_of(doc: Doc, lexicon: Lexicon) -> set[str]:
    """Names the text puts after "in", "at" or "city of": places wherever else they appear."""
    names = set()
    never = [False] * len(doc)
    for k, token in enumerate(doc[:-1]):
        if token.lower_ in PLACE_PREPOSITIONS or (token.lower_ == "of" and k and doc[k - 1].lower_ in
                                                   ("city", "town", "capital", "province", "region")):
            end = name_end(doc, k + 1, len(doc), never)
            words = doc[k + 1:end].text
            if end > k + 1 and words not in lexicon.names and words not in lexicon.demonyms \
                    and doc[end - 1].lower_ not in ORG_HEADS and doc[k + 1].text not in lexicon.honorifics:
                names.add(words)
    return names


def _short_name(ref: Ref, state: ArticleState) -> None:
    """ "Menatep" after "Group Menatep": an organisation's distinctive word names it later on."""
    words = ref.label.split()
    distinctive = [w for w in words if w.lower() not in ORG_HEADS and w.lower() not in FOREIGN_ORG_HEADS
                   and w.lower() not in COMMON_CAPITALISED and w.lower() not in ORG_WORDS]
    if len(words) > 1 and len(distinctive) == 1 and distinctive[0] not in state.lexicon.names:
        state.surnames.setdefault(distinctive[0], ref)


def _organisation_runs(doc: Doc, sent: Span) -> list[tuple[int, int]]:
    """Capitalised runs that end in a word such as Corporation or Fund, states and all:
    "China National Petroleum Corporation", "Oil and Natural Gas Corporation"."""
    runs = []
    for k in range(sent.start, sent.end):
        token = doc[k]
        if token.lower_ not in ORG_HEADS or not token.text[:1].isupper() or token.lower_ in ("co",):
            continue
        if k + 1 < sent.end and doc[k + 1].text in ("of", "for") and k + 2 < sent.end \
                and doc[k + 2].text[:1].isupper():
            continue  # "Bank of England": the gazetteer's, or a longer name read elsewhere
        a = k
        while a - 1 >= sent.start:
            prev = doc[a - 1]
            if prev.text[:1].isupper() and prev.is_alpha and (
                    prev.lower_ not in COMMON_CAPITALISED or prev.lower_ in ORG_WORDS):
                a -= 1
            elif prev.lower_ in ("and", "&") and a - 2 >= sent.start and doc[a - 2].text[:1].isupper() \
                    and (a - 3 < sent.start or not doc[a - 3].text[:1].isupper()):
                a -= 2  # "Oil and Natural Gas Corporation": one word before "and", then the run ends
                break
            else:
                break
        if a == sent.start and doc[a].lower_ in COMMON_CAPITALISED and doc[a].lower_ not in ORG_WORDS:
            a += 1
        if k - a >= 1:
            runs.append((a, k + 1))
    return runs


def namelike(token: Any) -> bool:
    text = token.text
    if len(text) < 2 or not text[0].isupper() or text.lower() in COMMON_CAPITALISED:
        return False
    return all(c.isalpha() or c in "-'’." for c in text)


def name_end(doc: Doc, i: int, end: int, taken: list[bool]) -> int:
    """Where a run of capitalised words (initials and particles allowed inside) from i ends."""
    j = i
    while j < end and not taken[j]:
        token = doc[j]
        inner = j > i and token.text in PARTICLES
        # "Douglas-Westwood": a hyphen between two capitalised words, written without spaces
        hyphen = (j > i and token.text == "-" and not doc[j - 1].whitespace_ and j + 1 < end
                  and not token.whitespace_ and doc[j + 1].text[:1].isupper())
        initial = len(token.text) <= 2 and token.text[:1].isupper() and token.text.rstrip(".").isalpha()
        if namelike(token) or initial or inner or hyphen:
            j += 1
            continue
        break
    while j > i and doc[j - 1].text in PARTICLES:
        j -= 1
    return j if j - i <= 5 else i


def _classify(doc: Doc, i: int, j: int, sent: Span, state: ArticleState) -> tuple[Ref | None, str]:
    """What an unknown capitalised name is: a person, an organisation or a place (or nothing)."""
    # A title in front is an office, not part of the name: "Ambassador Stefan Johannesson".
    for length in (3, 2, 1):
        if i + length <= j and doc[i:i + length].text.lower() in state.lexicon.titles:
            i += length
            break
    if i >= j:
        return None, ""
    words = doc[i:j].text
    if words in NEWS_OUTLETS or doc[i].text in NEWS_OUTLETS or words in ROMAN:
        return None, ""
    if i - 2 >= sent.start and doc[i - 1].text in ("'s", "’s") and doc[i - 2].text in NEWS_OUTLETS:
        return None, ""  # "the BBC's Patrick Bartlett": a reporter, the source of the story
    last = doc[j - 1].lower_
    if last in AGREEMENT_HEADS:
        return None, ""  # "Energy Charter Treaty": an agreement, not a person
    if words in state.place_names:
        return Ref(f"place/{slugify(words)}", "place", words), "place"
    if doc[i].lower_ in FOREIGN_ORG_HEADS:
        return Ref(f"organization/{slugify(words)}", "organization", words), "shape"
    before = doc[i - 1].lower_ if i > sent.start else ""
    tokens = words.split()
    if last in ORG_HEADS or (len(tokens) == 1 and words.isupper() and 2 <= len(words) <= 6):
        return Ref(f"organization/{slugify(words)}", "organization", words), "shape"
    if (before in PLACE_PREPOSITIONS | {"from"} and len(tokens) <= 3) or last in PLACE_HEADS:
        return Ref(f"place/{slugify(words)}", "place", words), "place"
    if len(tokens) == 1:
        known = state.surnames.get(words)
        if known is not None:
            return known, "shape"
        if state.word_counts[words] >= 2 and words not in REGIONS and i > sent.start \
                and words not in state.person_words and words not in state.place_names \
                and not words.endswith(("an", "ese", "ish", "ic")):
            # A name the text repeats mid-sentence that names no person or place: a company
            # or body ("Petrobras", "Suez") more often than anything else.
            return Ref(f"organization/{slugify(words)}", "organization", words), "shape"
        return None, ""
    if any(t.endswith(".") and len(t) > 2 for t in tokens):
        return None, ""
    return _person(words, state), "shape"


def _person(name: str, state: ArticleState) -> Ref:
    """The person a name denotes: a known one by full name or surname, else a new one."""
    name = re.sub(r"\s+", " ", name).strip()
    known = state.lexicon.names.get(name)
    if known is not None and known.kind == "person":
        return known
    surname = name.split()[-1]
    if " " not in name and surname in state.surnames:
        return state.surnames[surname]
    if " " not in name:
        known = state.lexicon.names.get(surname)
        if known is not None and known.kind == "person":
            return known
    ref = Ref(f"person/{slugify(name)}", "person", name)
    state.surnames.setdefault(surname, ref)
    return ref


def dominant_state(state: ArticleState) -> Ref | None:
    if not state.state_counts:
        return None
    key, _ = state.state_counts.most_common(1)[0]
    return state.refs[key]


# --- tenures
