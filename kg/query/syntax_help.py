"""Help with SPARQL text: well-known prefixes predeclared, and syntax errors a person can act on.

Like the Wikidata Query Service, a query may use ng:, rdfs:, wd: and the other prefixes of
KNOWN_PREFIXES without declaring them; a query's own PREFIX always wins. A parser's
"error at 3:10: expected OPTIONAL" becomes the line and column, the line itself with a caret
under the place, and a hint for the common mistakes (an undeclared prefix, a misspelt keyword).
"""

from __future__ import annotations

import difflib
import re

from kg.model.sparql_text import _blank_opaque
from kg.model.vocab import FOAF, PREFIXES, VOID

KNOWN_PREFIXES: dict[str, str] = {**PREFIXES, "foaf": FOAF.iri, "void": VOID.iri}

KEYWORDS = (
    "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH",
    "SERVICE", "BIND", "VALUES", "PREFIX", "BASE", "DISTINCT", "REDUCED", "ORDER", "GROUP", "BY",
    "HAVING", "LIMIT", "OFFSET", "FROM", "NAMED", "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "DROP",
    "CREATE", "WITH", "USING", "EXISTS", "NOT", "AS", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE",
    "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "REGEX", "CONTAINS", "STRSTARTS", "LCASE", "UCASE",
    "SILENT", "DEFAULT", "ALL", "ASC", "DESC", "IN",
)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)
# A prefixed name: a prefix and a colon not inside an IRI, a string or a comment, not after a ?.
_USED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w\-]*)?:(?=[\w%\\(]|\s|$)")
_POSITION = re.compile(r"\berror at (\d+):(\d+)[:,]?\s*")
_WORD = re.compile(r"[A-Za-z_]+")


def declared_prefixes(sparql: str) -> set[str]:
    """The prefixes a query declares itself ('' for the empty prefix)."""
    return {m.group(1) or "" for m in _DECLARED.finditer(_blank_opaque(sparql))}


def used_prefixes(sparql: str) -> set[str]:
    """The prefixes of the prefixed names a query uses."""
    text = _DECLARED.sub(" ", _blank_opaque(sparql))
    return {m.group(1) or "" for m in _USED.finditer(text)}


def with_known_prefixes(sparql: str) -> tuple[str, int]:
    """The query with the well-known prefixes it uses but does not declare, and how many lines came first.

    The declarations go on one line of their own before the query, so that error positions
    move by exactly one line (explain() takes it off again).
    """
    # Every query passes here, cached ones too: a few substring tests settle the usual cases
    # (no well-known prefix written, or each one written is declared) before any regex runs.
    written = [p for p in KNOWN_PREFIXES if f"{p}:" in sparql]
    if not written:
        return sparql, 0
    lowered = sparql.lower()
    if all(f"prefix {p}:" in lowered for p in written):
        return sparql, 0
    missing = sorted(used_prefixes(sparql) - declared_prefixes(sparql) & KNOWN_PREFIXES.keys())
    if not missing:
        return sparql, 0
    line = " ".join(f"PREFIX {p}: <{KNOWN_PREFIXES[p]}>" for p in missing)
    return f"{line}\n{sparql}", 1


def explain(sparql: str, message: str, added_lines: int = 0) -> str:
    """A parser's error message about sparql, as the position, the line with a caret and a hint."""
    match = _POSITION.search(message)
    undeclared = sorted(used_prefixes(sparql) - declared_prefixes(sparql) - KNOWN_PREFIXES.keys())
    parts: list[str] = []
    if match is None:
        parts.append(message)
    else:
        line_no, column = int(match.group(1)) - added_lines, int(match.group(2))
        detail = message[match.end():].strip() or "the query does not parse here"
        lines = sparql.splitlines() or [""]
        if 1 <= line_no <= len(lines):
            text = lines[line_no - 1]
            parts.append(f"line {line_no}, column {column}: {detail}")
            parts.append(f"  {text}")
            parts.append("  " + " " * max(column - 1, 0) + "^")
            misspelt = _misspelt_keyword(text[:column])
            if misspelt and not undeclared:
                parts.append(f"hint: {misspelt[0]} is no SPARQL keyword; did you mean {misspelt[1]}?")
        else:
            parts.append(message)
    for prefix in undeclared:
        parts.append(
            f"hint: the prefix '{prefix}:' is not declared; add a line such as "
            f"PREFIX {prefix}: <http://example.org/{prefix or 'default'}#> before the query"
        )
    return "\n".join(parts)


def _misspelt_keyword(text: str) -> tuple[str, str] | None:
    """The last word before the error that is no keyword but looks like one (SELEC, FILTR)."""
    for m in reversed(list(_WORD.finditer(text))):
        word = m.group(0)
        before = text[m.start() - 1:m.start()] if m.start() else ""
        after = text[m.end():m.end() + 1]
        if before in ("?", "$", ":", "_") or after == ":" or word.upper() in KEYWORDS:
            continue
        close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
        if close:
            return word, close[0]
    return None
