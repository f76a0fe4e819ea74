"""The rule engine: spaCy's blank English pipeline (tokenizer, sentencizer, PhraseMatcher) over
the names, titles and triggers of kg.extract.lexicon.

A sentence at a time: names become mentions (known entities, demonyms, titled and honoured
people, capitalised names); titles next to people become tenures; trigger words become
events whose agent is the speaker or subject (a passive is turned round, a pronoun or "the
minister" refers back), whose target or recipient is who follows, and whose place and date
the sentence gives. Every fact keeps the span of the sentence that fired it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract import ArticleText, Draft
from kg.extract.dates import find_date
from kg.extract.lexicon import CLASS_OF_KIND, Lexicon, Ref, Title, build_lexicon
from kg.extract.text import read_text
from kg.ingest.gazetteer import Entity, Gazetteer
from kg.model.iris import slugify

ENGINE_VERSION = "rules-1"
MIN_MENTIONS = 1

PREPOSITIONS = {"of", "in", "to", "with", "for", "from", "on", "at", "by", "against", "about", "into",
                "over", "between", "than", "after", "before", "under", "as", "like", "among"}
PLACE_PREPOSITIONS = {"in", "at"}
HEDGES = ("expected to", "likely to", "said to", "hopes to", "hope to", "trying to", "plans to",
          "aims to", "wants to", "set to", "could", "might", "may ")
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any",
               "no", "every", "each", "another"}
DEFINITE = {"the", "this", "that", "these", "its", "their"}
PASSIVE_AUX = {"was", "were", "been", "being", "is", "are", "be"}
PRONOUNS = {"he": "person", "she": "person", "He": "person", "She": "person", "It": "thing"}
NOMINALS = {"minister", "president", "chancellor", "secretary", "leader", "chairman", "premier",
            "spokesman", "official", "company", "firm", "group", "government", "bank", "party"}
ORG_HEADS = {"bank", "fund", "party", "union", "council", "commission", "corporation", "company",
             "group", "organisation", "organization", "ministry", "agency", "forum", "association",
             "institute", "court", "parliament", "congress", "committee", "authority", "foundation",
             "federation", "alliance", "airlines", "airways", "motors", "capital", "holdings",
             "industries", "ltd", "inc", "plc", "corp", "co", "partners", "management", "exchange",
             "office", "department", "assembly", "senate", "board", "network", "bureau", "service",
             "services", "systems", "technologies", "telecom",
             "aeronautics", "aviation", "securities", "investments", "society", "trust", "league"}
PLACE_HEADS = {"sea", "ocean", "river", "gulf", "island", "islands", "mountains", "valley", "city",
               "province", "region", "street", "square", "strait", "peninsula", "bay", "lake", "coast"}
AGREEMENT_HEADS = {"treaty", "pact", "accord", "convention", "protocol", "agreement", "charter"}
# Organisations named head first, as in Spanish, French or Russian names
FOREIGN_ORG_HEADS = {"group", "grupo", "banco", "aguas", "petroleos", "compania", "societe", "television",
                     "radio", "air", "gruppo", "bank"}
ORG_WORDS = {"international", "national", "world", "general", "central", "federal", "european", "oil", "gas",
             "trade", "energy", "security"}
ROMAN = {"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"}
PARTICLES = {"van", "de", "der", "von", "bin", "al", "da", "du", "la", "le"}
NEWS_OUTLETS = {"BBC", "Reuters", "AFP", "AP", "CNN", "Associated Press", "Financial Times", "Times",
                "Guardian", "Telegraph", "Independent", "Economist", "Wall Street Journal",
                "New York Times", "Washington Post", "Interfax", "Itar-Tass", "Tass", "Xinhua",
                "Bloomberg", "Dow Jones", "Radio 4", "Today", "Newsnight", "BBC News"}
COMMON_CAPITALISED = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "but", "and", "or", "in", "on",
    "at", "for", "with", "as", "by", "from", "to", "of", "if", "when", "while", "after", "before",
    "since", "there", "their", "they", "we", "our", "he", "she", "his", "her", "i", "you", "mr",
    "mrs", "ms", "dr", "sir", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "prime", "minister", "president", "secretary",
    "chancellor", "foreign", "government", "state", "states", "north", "south", "east", "west",
    "new", "european", "christmas", "easter", "god", "internet", "however", "meanwhile", "also",
    "such", "some", "many", "most", "all", "one", "two", "three", "last", "next", "first",
    "british", "american", "western", "eastern", "world", "international", "national", "general",
    "central", "federal", "senior", "former", "deputy", "chief", "vice", "shadow", "opposition",
    "earlier", "later", "now", "then", "yesterday", "today", "tomorrow", "what", "why", "how",
    "who", "where", "which", "not", "no", "yes", "so", "because", "although", "despite", "under",
    "over", "about", "between", "against", "during", "without", "within", "would", "could",
    "should", "will", "can", "must", "said", "says", "according", "analysts", "officials",
    "economy", "market", "markets", "oil", "gas", "trade", "tax", "budget", "bank", "plan", "deal",
    "talks", "summit", "war", "peace", "security", "defence", "energy", "union", "congress",
    "parliament", "house", "commons", "lords", "cabinet", "treasury", "mps", "mp", "ceo", "gdp",
    "us", "uk", "eu", "un", "ap", "am", "pm", "tv", "ok", "aids", "hiv", "sars", "bse", "dna",
}


@dataclass(frozen=True)
class Mention:
    """A stretch of tokens that names an entity; how says whether it may act in an event."""

    start: int
    end: int
    ref: Ref
    how: str  # name, demonym, metonym, title, honorific, shape, pronoun, nominal, place


@dataclass
class _Article:
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


@cache
def _nlp() -> Any:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def extract(article: ArticleText, gazetteer: Gazetteer, *, known: Iterable[Entity] = ()) -> Draft:
    """Read an article into a draft facts mapping (see kg.extract)."""
    lexicon = build_lexicon(gazetteer, known)
    read = read_text(article.text)
    doc = _nlp()(read.decoded)
    state = _Article(lexicon)
    matchers = _matchers(lexicon)
    sentences = list(doc.sents)
    # Each matcher runs once over the whole text; sentences take the matches inside them.
    name_hits = sorted(((s, e) for _, s, e in matchers.names(doc)), key=lambda h: (h[0], h[0] - h[1]))
    state.trigger_hits = sorted(matchers.triggers(doc), key=lambda h: (h[1], h[1] - h[2]))
    taken = [False] * len(doc)
    state.place_names = _place_names(doc, lexicon)
    mentions = [_mentions(doc, sent, [h for h in name_hits if sent.start <= h[0] and h[1] <= sent.end],
                          taken, state) for sent in sentences]
    for found in mentions:
        for m in found:
            if m.ref.kind == "state" and m.how != "place":
                state.state_counts[m.ref.key] += 1
    dominant = _dominant_state(state)
    # Titles with their polity first, so that "President Bush" later in the text takes the
    # polity an earlier "US President George W Bush" gave; then the rest, by default.
    for fallback in (False, True):
        for sent, found in zip(sentences, mentions, strict=True):
            _tenures(doc, sent, found, state, dominant if fallback else None, read)
    previous: list[Mention] = []
    last_speaker: frozenset[str] = frozenset()
    for sent, found in zip(sentences, mentions, strict=True):
        speakers = _events(doc, sent, found, previous, state, read, article, matchers, last_speaker)
        last_speaker = speakers
        previous = (previous + [m for m in found if m.how not in ("pronoun", "nominal")])[-30:]
    return Draft(_draft(article, state), engine="rules", engine_version=ENGINE_VERSION)


# --- mentions


@dataclass(frozen=True)
class _Matchers:
    names: PhraseMatcher
    titles: PhraseMatcher
    triggers: PhraseMatcher


_MATCHERS: dict[frozenset[str], _Matchers] = {}


def _matchers(lexicon: Lexicon) -> _Matchers:
    """The matchers of a lexicon, built once for each set of names (an article's graph adds some)."""
    names_key = frozenset(lexicon.names) | frozenset(lexicon.demonyms)
    if names_key not in _MATCHERS:
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        _MATCHERS[names_key] = _build_matchers(lexicon)
    return _MATCHERS[names_key]


def _build_matchers(lexicon: Lexicon) -> _Matchers:
    nlp = _nlp()
    names = PhraseMatcher(nlp.vocab, attr="ORTH")
    names.add("NAME", list(nlp.tokenizer.pipe(list(lexicon.names) + list(lexicon.demonyms))))
    titles = PhraseMatcher(nlp.vocab, attr="LOWER")
    titles.add("TITLE", list(nlp.tokenizer.pipe(list(lexicon.titles))))
    triggers = PhraseMatcher(nlp.vocab, attr="LOWER")
    for cls in lexicon.triggers:
        triggers.add(cls.name, list(nlp.tokenizer.pipe(cls.forms)))
    return _Matchers(names, titles, triggers)


def _mentions(doc: Doc, sent: Span, spans: list[tuple[int, int]], taken: list[bool],
              state: _Article) -> list[Mention]:
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
            j = _name_end(doc, i + 1, sent.end, taken)
            if j > i + 1:
                claim(i, j, _person(doc[i + 1:j].text, state), "honorific")
                i = j
                continue
        if _namelike(token) and not (i == sent.start and token.lower_ in COMMON_CAPITALISED):
            j = _name_end(doc, i, sent.end, taken)
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


def _place_names(doc: Doc, lexicon: Lexicon) -> set[str]:
    """Names the text puts after "in", "at" or "city of": places wherever else they appear."""
    names = set()
    never = [False] * len(doc)
    for k, token in enumerate(doc[:-1]):
        if token.lower_ in PLACE_PREPOSITIONS or (token.lower_ == "of" and k and doc[k - 1].lower_ in
                                                   ("city", "town", "capital", "province", "region")):
            end = _name_end(doc, k + 1, len(doc), never)
            words = doc[k + 1:end].text
            if end > k + 1 and words not in lexicon.names and words not in lexicon.demonyms \
                    and doc[end - 1].lower_ not in ORG_HEADS and doc[k + 1].text not in lexicon.honorifics:
                names.add(words)
    return names


def _short_name(ref: Ref, state: _Article) -> None:
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


def _namelike(token: Any) -> bool:
    text = token.text
    if len(text) < 2 or not text[0].isupper() or text.lower() in COMMON_CAPITALISED:
        return False
    return all(c.isalpha() or c in "-'’." for c in text)


def _name_end(doc: Doc, i: int, end: int, taken: list[bool]) -> int:
    """Where a run of capitalised words (initials and particles allowed inside) from i ends."""
    j = i
    while j < end and not taken[j]:
        token = doc[j]
        inner = j > i and token.text in PARTICLES
        initial = len(token.text) <= 2 and token.text[:1].isupper() and token.text.rstrip(".").isalpha()
        if _namelike(token) or initial or inner:
            j += 1
            continue
        break
    while j > i and doc[j - 1].text in PARTICLES:
        j -= 1
    return j if j - i <= 5 else i


def _classify(doc: Doc, i: int, j: int, sent: Span, state: _Article) -> tuple[Ref | None, str]:
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
        return None, ""
    if any(t.endswith(".") and len(t) > 2 for t in tokens):
        return None, ""
    return _person(words, state), "shape"


def _person(name: str, state: _Article) -> Ref:
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


def _dominant_state(state: _Article) -> Ref | None:
    if not state.state_counts:
        return None
    key, _ = state.state_counts.most_common(1)[0]
    return state.refs[key]


# --- tenures


def _tenures(doc: Doc, sent: Span, found: list[Mention], state: _Article, dominant: Ref | None,
             read: Any) -> None:
    lexicon = state.lexicon
    by_start = {m.start: m for m in found}
    by_end = {m.end: m for m in found}
    for m in found:
        if m.ref.kind != "person":
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
        _add_tenure(state, m.ref, title, polity, former, _evidence(doc, sent, read))


def _title_before(doc: Doc, sent: Span, start: int, by_end: dict[int, Mention],
                  lexicon: Lexicon) -> tuple[Title | None, Ref | None, bool]:
    """"Russian President Vladimir Putin", "Iran's President Khatami", "former leader X"."""
    for length in (4, 3, 2, 1):
        j = start - length
        if j < sent.start:
            continue
        words = doc[j:start].text.lower()
        title = lexicon.titles.get(words)
        if title is None:
            continue
        polity = None
        k = j
        if k - 1 >= sent.start and doc[k - 1].text in ("'s", "’s"):
            k -= 1
        owner = by_end.get(k)
        if owner is not None and owner.ref.kind in ("state", "organization"):
            polity, k = owner.ref, owner.start
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
    if i < sent.end and doc[i].lower_ in ("the", "a"):
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
        if k < sent.end and _namelike(doc[k]) and doc[k].lower_ != "of":
            return None, None, False  # "X, the President Bush ..." is not an apposition
        return title, polity, former
    return None, None, False


def _add_tenure(state: _Article, person: Ref, title: Title, polity: Ref, former: bool,
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
        "kind": "tenure", "key": slugify(f"{person.label} {label}")[:80], "person": person.key,
        "office": office.key, **({"former": True} if former else {}),
        "confidence": 0.8, "evidence": [{"start": evidence[0], "end": evidence[1]}],
    })


# --- events


def _events(doc: Doc, sent: Span, found: list[Mention], previous: list[Mention], state: _Article,
            read: Any, article: ArticleText, matchers: _Matchers,
            last_speaker: frozenset[str]) -> frozenset[str]:
    lexicon = state.lexicon
    classes = {c.name: c for c in lexicon.triggers}
    hits: dict[str, int] = {}
    for match_id, start, e in state.trigger_hits:
        if not (sent.start <= start and e <= sent.end):
            continue
        name = doc.vocab.strings[match_id]
        if any(start == other for other in hits.values()):
            continue
        hits.setdefault(name, start)
    if not hits:
        return frozenset()
    # A specific class fired by the same words as Statement ("called for a ceasefire") wins.
    if "Statement" in hits and any(
        hits[n] <= hits["Statement"] + 1 and n != "Statement" and n in
        ("CeasefireCall", "MediationOffer", "Condemnation", "Threat", "Accusation", "Assurance", "Letter")
        for n in hits
    ):
        del hits["Statement"]
    evidence = _evidence(doc, sent, read)
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
        if _hedged(doc, sent, trigger):
            continue
        before = doc[trigger - 1] if trigger > sent.start else None
        noun_use = before is not None and (before.lower_ in DETERMINERS or before.like_num)
        if cls.directed and noun_use:
            continue  # "the 2003 invasion", "a visit": who did it is not this sentence's subject
        if trigger > sent.start and doc[trigger - 1].lower_ in DEFINITE \
                and any(e["type"] == name for e in state.events):
            continue  # "the talks", "this deal": an event the text has reported already
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
            roles = {"agent": agents, cls.object_role: objects}
        else:
            people = list(dict.fromkeys(_resolve(m, previous, found, state) for m in actors + [
                m for m in found if m.how == "pronoun" and m.ref.kind == "person"]))
            people = _with_polities([r for r in people if r.key], state)
            if name == "Election":
                states = sorted((m for m in actors if m.ref.kind == "state"),
                                key=lambda m: abs(m.start - trigger))
                polities = [m.ref for m in states] or [
                    state.polity_of[r.key] for r in people if r.key in state.polity_of]
                if not polities:
                    continue
                roles = {"agent": polities[:1], "target": [r for r in people if r.kind == "person"][:3]}
            else:
                if not people:
                    continue
                roles = {"agent": people[:1], "participant": people[1:5]}
        _add_event(state, name, roles, place, date, evidence, confidence=0.6)
        if name == "AgreementSigning":
            _agreement(doc, sent, trigger, actors, state, date, evidence)
    return speakers


def _agent(doc: Doc, sent: Span, trigger: int, found: list[Mention], previous: list[Mention],
           state: _Article) -> list[Ref]:
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


def _resolve(mention: Mention, previous: list[Mention], found: list[Mention], state: _Article) -> Ref:
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


def _with_polities(agents: list[Ref], state: _Article) -> list[Ref]:
    """A person acting in office acts for their state too (the gold annotations name both)."""
    out = list(agents)
    for a in agents:
        polity = state.polity_of.get(a.key)
        if polity is not None and polity not in out:
            out.append(polity)
    return out


def _add_event(state: _Article, name: str, roles: dict[str, list[Ref]], place: Ref | None,
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
    key = slugify(f"{name} {agents[0].label} {evidence[0]}")[:80]
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


def _agreement(doc: Doc, sent: Span, trigger: int, actors: list[Mention], state: _Article,
               date: str | None, evidence: tuple[int, int]) -> None:
    parties = list(dict.fromkeys(m.ref for m in actors if m.ref.kind in ("state", "organization")))
    if len(parties) < 2:
        parties = list(dict.fromkeys(state.polity_of.get(m.ref.key, m.ref) for m in actors))
    if len(parties) < 2:
        return
    noun = next((doc[k] for k in range(sent.start, sent.end) if doc[k].lower_ in
                 ("deal", "agreement", "accord", "pact", "treaty", "memorandum", "contract")), None)
    kind = "agreement"
    if noun is not None:
        kind = noun.lower_
        if noun.i - 1 >= sent.start and doc[noun.i - 1].is_lower and doc[noun.i - 1].is_alpha \
                and doc[noun.i - 1].lower_ not in ("the", "a", "an", "this", "new", "that"):
            kind = f"{doc[noun.i - 1].lower_} {kind}"
    label = f"{kind.capitalize()} between {_join(p.label for p in parties[:3])}"
    slug = slugify(label)[:80]
    if any(a["agreement"] == slug for a in state.agreements):
        return
    fact: dict[str, Any] = {"kind": "agreement", "key": f"agreement-{slug}"[:80], "agreement": slug,
                            "label": label, "parties": [p.key for p in parties[:4]]}
    if date:
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


def _evidence(doc: Doc, sent: Span, read: Any) -> tuple[int, int]:
    text = sent.text
    start = sent.start_char + len(text) - len(text.lstrip())
    return read.span(start, sent.start_char + len(text.rstrip()))


# --- the draft


def _draft(article: ArticleText, state: _Article) -> dict[str, Any]:
    facts = state.tenures + state.events + state.agreements
    named = {article_key for fact in facts for article_key in _refs_of(fact)}
    for ref in state.refs.values():
        # Entities no fact names are listed when the text names them again: a passing
        # mention ("firms from France") is background, not an actor.
        if ref.kind in ("state", "person", "organization") and state.mention_counts[ref.key] >= MIN_MENTIONS:
            named.add(ref.key)
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
    meta["extracted_by"] = {"engine": "rules", "version": ENGINE_VERSION}
    return {"article": meta, "entities": entities, "facts": facts}


def _refs_of(fact: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for field_name in ("person", "office", "location"):
        if isinstance(fact.get(field_name), str):
            out.append(fact[field_name])
    for field_name in ("agent", "recipient", "target", "participant", "parties"):
        out.extend(fact.get(field_name) or [])
    return out
