"""Reading SPARQL text without running it: its form, whether it is an update, how deep it
nests, and the protocol's USING clauses. No parser: pyoxigraph's is only reachable by running.
"""

from __future__ import annotations

import itertools
import re

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import QuerySyntaxError
from kg.model import formats

MAX_SYNTAX_CHECK_CHARS = 4 * 1024  # rdflib reads 16 KB of VALUES in 0.4 s, holding the GIL

MAX_NESTING = 300  # pyoxigraph's parser overflows its stack somewhere between 2,000 and 5,000

# Strings, IRIs and comments, so that brackets and keywords inside them do not count.
_STRINGS_AND_IRIS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
)
_OPAQUE = re.compile(_STRINGS_AND_IRIS + r"|#[^\n]*", re.DOTALL)
# What may come before a query's or update's keyword: space, comments, BASE and PREFIX.
# One space a repetition and no backtracking into it: "(?:\s+|…)*" splits a run of n spaces
# 2^n ways before it gives up, and a query with 40 leading spaces would hold a thread forever.
_PROLOGUE = r"(?:\s|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[\w.\-]*:\s*<[^>]*>)*+"
_FORM = re.compile(_PROLOGUE + r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_UPDATE = re.compile(
    _PROLOGUE + r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_UNARY_RUN = re.compile(r"(?:[!+\-^]\s*){" + str(MAX_NESTING) + ",}")
_TOP_WHERE = re.compile(r"\b(DELETE\s+)?WHERE\b", re.IGNORECASE)


def _keyword(words: str) -> re.Pattern[str]:
    # A keyword, not a variable (?with), a local name (ex:with, ex:date.from), a prefix
    # (with:) or a language tag ("x"@from).
    return re.compile(rf"(?<![?$:.@\w-])(?:{words})(?![\w:-])", re.IGNORECASE)


_HAS_USING = _keyword("USING|WITH")
_HAS_FROM = _keyword("FROM")


def _blank_opaque(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (positions and <> kept)."""
    return _OPAQUE.sub(_blank, sparql)


def _strip_opaque(sparql: str) -> str:
    """The query with each string, IRI and comment replaced by one space."""
    return _OPAQUE.sub(" ", sparql)


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("<"):
        return "<" + " " * (len(text) - 2) + ">"
    return " " * len(text)


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (upper case), or None when it is not a query."""
    match = _FORM.match(sparql)
    return match.group(1).upper() if match else None


def result_kind(form: str | None) -> str:
    """The kg.model.formats kind of the result of a query form (SELECT when unknown)."""
    return {"ASK": formats.BOOLEAN, "CONSTRUCT": formats.GRAPH, "DESCRIBE": formats.GRAPH}.get(
        form or "", formats.SOLUTIONS
    )


def looks_like_update(sparql: str) -> bool:
    """Whether the text starts like a SPARQL Update rather than a query."""
    return _UPDATE.match(sparql) is not None


def check_nesting(sparql: str, limit: int = MAX_NESTING) -> None:
    """Refuse text nested deeper than limit, which would overflow the parser's stack.

    :raises QuerySyntaxError: when brackets or unary operators nest deeper than limit.
    """
    if sum(map(sparql.count, "({[")) <= limit and sum(map(sparql.count, "!+-^")) < limit:
        return  # too few brackets or operators to nest that deep, whatever they are inside
    blank = _strip_opaque(sparql)
    depth = deepest = 0
    for char in re.sub(r"[^(){}\[\]]+", "", blank):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > limit or _UNARY_RUN.search(blank):
        raise QuerySyntaxError(
            f"the query is nested more than {limit} levels deep; flatten it"
        )


def has_dataset_clause(sparql: str) -> bool:
    """Whether a query names its own dataset (FROM or FROM NAMED)."""
    if "from" not in sparql.lower():
        return False  # most queries: decided without the slower search
    return _HAS_FROM.search(_strip_opaque(sparql)) is not None


def with_using(update: str, graphs: tuple[str, ...], named: tuple[str, ...]) -> str:
    """The update with USING / USING NAMED clauses for the protocol's using-graph-uri.

    :raises QuerySyntaxError: when the update already names its dataset (USING or WITH).
    """
    if not graphs and not named:
        return update
    blank = _blank_opaque(update)
    if _HAS_USING.search(blank):
        raise QuerySyntaxError(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH"
        )
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named])
    depths = list(itertools.accumulate(
        1 if c in "{" else -1 if c == "}" else 0 for c in blank
    ))
    pieces, last = [], 0
    for match in _TOP_WHERE.finditer(blank):
        if match.group(1) or (match.start() and depths[match.start() - 1] != 0):
            continue  # DELETE WHERE has no dataset clause; a nested WHERE is not a Modify's
        pieces.append(update[last:match.start()] + clause + " ")
        last = match.start()
    return "".join(pieces) + update[last:]


_VOLATILE = re.compile(r"\b(SERVICE|RAND|NOW|UUID|STRUUID|BNODE)\b", re.IGNORECASE)
_VOLATILE_STEMS = ("service", "rand", "now", "uuid", "bnode")


def is_volatile(sparql: str) -> bool:
    """Whether the answer may change without a write (remote data, randomness, the clock)."""
    lowered = sparql.lower()
    if not any(stem in lowered for stem in _VOLATILE_STEMS):
        return False  # most queries: decided without the slower word search
    return _VOLATILE.search(_strip_opaque(sparql)) is not None


def check_syntax(sparql: str) -> None:
    """Parse a query, never run it: for error paths that want the parser's word on it.

    rdflib's parser, not Oxigraph's: pyoxigraph parses only as it prepares to run, and an
    aggregate is computed right then (a VALUES cross join in the query text alone can take
    minutes). rdflib lacks Oxigraph's extensions (RDF-star), so call this only where the
    request fails either way and the question is which error to give.
    :raises QuerySyntaxError: with the parser's message when it does not parse.
    """
    if len(sparql) > MAX_SYNTAX_CHECK_CHARS:
        return  # pyparsing's time grows with the text: not worth it on an error path
    check_nesting(sparql)
    try:
        parseQuery(sparql)
    except ParseException as exc:
        raise QuerySyntaxError(f"the query does not parse: {exc}") from None
