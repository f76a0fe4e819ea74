"""How deep an RDF document nests, read before any parser sees it.

pyoxigraph's JSON-LD parser recurses once per level and overflows its stack (the process
dies) near 5,000 levels; its RDF/XML parser slows down faster than linearly (30,000 levels:
12 s). Real data nests a few levels: a document deeper than MAX_DEPTH is refused, named.
"""

from __future__ import annotations

import re
import xml.parsers.expat

import pyoxigraph as ox

from kg.errors import RdfFormatError

MAX_DEPTH = 256
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")


def check_depth(data: bytes, fmt: ox.RdfFormat, limit: int = MAX_DEPTH) -> None:
    """Refuse a JSON-LD or RDF/XML document that nests deeper than limit levels.

    :raises RdfFormatError: naming the limit.
    """
    if fmt == ox.RdfFormat.JSON_LD:
        depth = _json_depth(data, limit)
    elif fmt == ox.RdfFormat.RDF_XML:
        depth = _xml_depth(data, limit)
    else:
        return  # Turtle, TriG, N-Triples, N-Quads and N3 parse nesting in linear time
    if depth > limit:
        raise RdfFormatError(
            f"{fmt.media_type}: the document nests deeper than {limit} levels; "
            "flatten it (give nested nodes identifiers of their own)"
        )


def _json_depth(data: bytes, limit: int) -> int:
    brackets = _JSON_STRING.sub(b'""', data).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"{[" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


class _TooDeep(Exception):
    pass


def _xml_depth(data: bytes, limit: int) -> int:
    parser = xml.parsers.expat.ParserCreate()
    state = {"depth": 0, "deepest": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        state["depth"] += 1
        state["deepest"] = max(state["deepest"], state["depth"])
        if state["depth"] > limit:
            raise _TooDeep

    def end(name: str) -> None:
        state["depth"] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeep:
        pass
    except xml.parsers.expat.ExpatError:
        pass  # not well-formed: the RDF parser says where
    return state["deepest"]
