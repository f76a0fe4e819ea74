"""What a query or update would fetch from elsewhere: its SERVICE and LOAD targets.

The text is read twice, and both readings must agree on every target or it is refused:
by rdflib's SPARQL parser, which resolves prefixes, BASE, relative IRIs and escapes as the
grammar says, and by a small tokenizer that finds where each clause stands, so that it can
be replaced by what we fetch (pyoxigraph never calls anything itself). Reading the text as
written, not as a parser reads it, let ``PREFIX e: <…> LOAD e:data`` and
``LOAD <…\\u002Fdata>`` past the allowlist (issue 15).

The offsets refer to ``Outbound.text``, which is the text to run: SPARQL expands ``\\u``
escapes before anything else, rdflib does so, pyoxigraph only inside IRIs and strings (and
``"\\u0022"`` reads differently), so a text with escapes is expanded once, here, and that
expansion is what the readers check and what pyoxigraph runs.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.errors import QuerySyntaxError, ServiceNotAllowedError
from kg.model.sparql_text import check_nesting
from kg.query.urls import normalise_url

# rdflib's parser recurses about 50 Python frames per level of brackets; past this it would
# meet Python's recursion limit (1,000) in a server thread.
OUTBOUND_NESTING = 10
_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")

# One token at a time, in the order SPARQL's lexer would see them, so that a keyword inside a
# string, an IRI or a comment is never taken for one, and an IRI is never split. A comment
# ends at either line end, as in pyoxigraph ("# …\rSERVICE" is a SERVICE).
_TOKEN = re.compile(
    r'(?P<skip>#[^\r\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\r\n]|\\.)*"|\'(?:[^\'\\\r\n]|\\.)*\'|\s+)'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)"
    r"|(?P<word>(?:[^\W\d][\w\-.]*)?:(?:[\w\-.:%]|\\.)*|[^\W\d][\w\-]*)"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<other>.)",
    re.DOTALL,
)
_KEYWORDS = ("SERVICE", "LOAD")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ServiceClause:
    """One SERVICE clause: its target (None when a variable), the text span and the body span."""

    target: str | None
    written: str
    silent: bool
    start: int  # of the SERVICE keyword
    body_start: int  # just after the opening brace
    body_end: int  # at the closing brace
    end: int  # just after the closing brace


@dataclass(frozen=True)
class LoadClause:
    """One LOAD operation: its source, the graph it fills as written (None: the default graph)."""

    source: str
    written: str
    silent: bool
    graph: str | None
    start: int  # of the LOAD keyword
    end: int  # just after its last token


@dataclass(frozen=True)
class Outbound:
    """A text's SERVICE and LOAD clauses, with offsets into ``text``, the text to run."""

    text: str
    services: tuple[ServiceClause, ...] = ()
    loads: tuple[LoadClause, ...] = ()


# --- the tokenizer: where each clause stands


def _tokens(sparql: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind != "skip":
            yield _Token(kind, match.group(0), match.start(), match.end())


def _resolve(iri: str, base: str | None) -> str:
    if base and not urllib.parse.urlsplit(iri).scheme:
        return urllib.parse.urljoin(base, iri)
    return iri


def service_clauses(sparql: str, base_iri: str | None = None) -> list[ServiceClause]:
    """Every SERVICE clause of a query or update, nested ones included, in text order.

    :raises ServiceNotAllowedError: when a SERVICE keyword is not followed by a target and a
        group, or a prefixed target uses an undeclared prefix (refused rather than guessed).
    """
    return _clauses(sparql, base_iri)[0]


def _clauses(sparql: str, base_iri: str | None) -> tuple[list[ServiceClause], list[LoadClause]]:
    tokens = list(_tokens(sparql))
    prefixes: dict[str, str] = {}
    base = base_iri
    services: list[ServiceClause] = []
    loads: list[LoadClause] = []
    for i, token in enumerate(tokens):
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        following = tokens[i + 1 : i + 3]
        if keyword == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = _resolve(following[1].text[1:-1], base)
        elif keyword == "BASE" and following and following[0].kind == "iri":
            base = _resolve(following[0].text[1:-1], base)
        elif keyword == "SERVICE":
            services.append(_service(sparql, tokens, i, prefixes, base))
        elif keyword == "LOAD":
            loads.append(_load(tokens, i, prefixes, base))
    return services, loads


def _target(token: _Token, keyword: str, prefixes: dict[str, str], base: str | None) -> str:
    """The IRI an IRI token or a prefixed name stands for."""
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    if token.kind == "word" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            raise ServiceNotAllowedError(f"{keyword} {token.text}: the prefix {prefix}: is not declared")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise ServiceNotAllowedError(f"{keyword} {token.text}: the endpoint must be an IRI, <https://…>")


def _service(
    sparql: str, tokens: list[_Token], at: int, prefixes: dict[str, str], base: str | None
) -> ServiceClause:
    j = at + 1
    silent = j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "SILENT"
    j += silent
    if j + 1 >= len(tokens) or tokens[j + 1].kind != "open":
        raise ServiceNotAllowedError(
            "a SERVICE keyword is not followed by an endpoint and a group { … }; "
            "write SERVICE <https://endpoint/sparql> { … }"
        )
    target_token = tokens[j]
    target = None if target_token.kind == "var" else _target(target_token, "SERVICE", prefixes, base)
    depth, k = 0, j + 1
    while k < len(tokens):
        depth += {"open": 1, "close": -1}.get(tokens[k].kind, 0)
        if depth == 0:
            break
        k += 1
    if k == len(tokens):
        raise QuerySyntaxError(f"SERVICE {target_token.text}: the group {{ … }} is not closed")
    return ServiceClause(
        target=target, written=target_token.text, silent=silent, start=tokens[at].start,
        body_start=tokens[j + 1].end, body_end=tokens[k].start, end=tokens[k].end,
    )


def _load(tokens: list[_Token], at: int, prefixes: dict[str, str], base: str | None) -> LoadClause:
    """LOAD SILENT? iri ( INTO GRAPH? iri )?"""

    def word(k: int, text: str) -> bool:
        return k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.upper() == text

    j = at + 1
    silent = word(j, "SILENT")
    j += silent
    if j >= len(tokens):
        raise QuerySyntaxError("a LOAD keyword is not followed by the IRI to load")
    source_token = tokens[j]
    source = _target(source_token, "LOAD", prefixes, base)
    end, graph = source_token.end, None
    if word(j + 1, "INTO"):
        k = j + 2 + word(j + 2, "GRAPH")
        if k >= len(tokens) or tokens[k].kind not in ("iri", "word"):
            raise QuerySyntaxError(f"LOAD {source_token.text} INTO: the graph must be an IRI")
        graph, end = tokens[k].text, tokens[k].end
    return LoadClause(source, source_token.text, silent, graph, tokens[at].start, end)


def prologue(sparql: str) -> str:
    """The BASE and PREFIX declarations of a text, one a line (for the remote part of a query)."""
    tokens = list(_tokens(sparql))
    lines = []
    for i, token in enumerate(tokens):
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            lines.append(f"PREFIX {tokens[i + 1].text} {tokens[i + 2].text}\n")
        elif keyword == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            lines.append(f"BASE {tokens[i + 1].text}\n")
    return "".join(lines)


def keyword_count(sparql: str, keyword: str) -> int:
    """How many times a keyword stands as a keyword (not in a string, IRI or comment)."""
    return sum(1 for t in _tokens(sparql) if t.kind == "word" and t.text.upper() == keyword)


# --- the parser: what each target is


def _parsed_targets(
    text: str, update: bool, base_iri: str | None
) -> tuple[list[str | None], list[tuple[str, bool]]]:
    """SERVICE targets (None: a variable) and LOAD (source, silent) as rdflib reads them."""
    # Here, not at the top: query workers import this package and never parse with rdflib.
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    try:
        if update:
            parsed: Any = translateUpdate(parseUpdate(text), base=base_iri).algebra
        else:
            parsed = translateQuery(parseQuery(text), base=base_iri).algebra
    except RecursionError as exc:
        raise QuerySyntaxError(_too_deep()) from exc
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exception on texts it cannot translate
        raise QuerySyntaxError(
            "this text names SERVICE or LOAD, and the parser that checks their endpoints "
            f"cannot read it: {exc}"
        ) from exc
    services: list[str | None] = []
    loads: list[tuple[str, bool]] = []

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = dict.get(node, "term")
                services.append(None if isinstance(term, Variable) else str(term))
            elif node.name == "Load":
                # CompValue.get answers the key itself for a missing key: ask the dict.
                loads.append((str(dict.get(node, "iri")), bool(dict.get(node, "silent"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(parsed)
    return services, loads


def _expand_escapes(sparql: str) -> str:
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        return expandUnicodeEscapes(sparql)
    except ValueError as exc:  # an escape past U+10FFFF
        raise QuerySyntaxError(str(exc)) from exc


def _own_lines(text: str, services: list[ServiceClause]) -> str:
    starts = [0, *(c.start for c in services), len(text)]
    return "\n".join(text[a:b] for a, b in zip(starts, starts[1:], strict=False))


def _too_deep() -> str:
    return (
        f"a text that names SERVICE or LOAD may nest brackets at most {OUTBOUND_NESTING} levels "
        "deep (its endpoints are checked by a parser that goes no deeper); flatten it"
    )


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return (normalise_url(a) or a) == (normalise_url(b) or b)


def read_outbound(sparql: str, *, update: bool, base_iri: str | None = None) -> Outbound:
    """The SERVICE and LOAD clauses of a query (update False) or an update, read twice.

    Costs nothing for text without the word "service" (or, in an update, "load"), and keeps
    nothing for it either: only texts that call out are parsed, and their readings cached.
    :raises ServiceNotAllowedError: when the two readings differ, or a SERVICE is nested in another.
    :raises QuerySyntaxError: when the checking parser cannot read the text.
    """
    lowered = sparql.lower()
    if "service" not in lowered and not (update and "load" in lowered):
        return Outbound(sparql)
    return _read_calling_out(sparql, update=update, base_iri=base_iri)


@functools.lru_cache(maxsize=256)
def _read_calling_out(sparql: str, *, update: bool, base_iri: str | None) -> Outbound:
    text = _expand_escapes(sparql) if _ESCAPE.search(sparql) else sparql
    if _ESCAPE.search(text):
        raise ServiceNotAllowedError(
            "an escape in this text writes another escape (\\u005Cu…), which SPARQL engines "
            "read differently; write the character itself"
        )
    try:
        check_nesting(text, OUTBOUND_NESTING)
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(_too_deep()) from exc
    services, loads = _clauses(text, base_iri)
    for keyword, found in (("SERVICE", services), ("LOAD", loads)):
        # The text as sent has its keywords where the expanded one has them.
        if text is not sparql and keyword_count(sparql, keyword) != len(found):
            raise ServiceNotAllowedError(_differ(keyword))
    for outer in services:
        if any(outer.body_start <= inner.start < outer.body_end for inner in services):
            raise ServiceNotAllowedError(
                "a SERVICE inside another SERVICE is not supported: the remote endpoint would "
                "call it past our allowlist; write the SERVICE clauses one after the other"
            )
    # rdflib finds a SERVICE clause's text again by scanning the whole text, and a "#" in an
    # IRI earlier on the same line ends that scan as if it began a comment: starting each
    # clause on a line of its own changes nothing else.
    parsed_services, parsed_loads = _parsed_targets(_own_lines(text, services), update, base_iri)
    ours = sorted(normalise_url(c.target) or c.target if c.target else "?" for c in services)
    theirs = sorted(normalise_url(t) or t if t else "?" for t in parsed_services)
    if ours != theirs:
        raise ServiceNotAllowedError(_differ("SERVICE"))
    if len(loads) != len(parsed_loads) or not all(
        _same(clause.source, source) and clause.silent == silent
        for clause, (source, silent) in zip(loads, parsed_loads, strict=True)
    ):
        raise ServiceNotAllowedError(_differ("LOAD"))
    return Outbound(text, tuple(services), tuple(loads))


def _differ(keyword: str) -> str:
    return (
        f"the {keyword} targets of this text read differently to the SPARQL parser and to the "
        f"server's own reading, so none is called; write each {keyword} target as a full IRI, "
        f"{keyword} <https://…>, without escapes or comments inside the clause"
    )
