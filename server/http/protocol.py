"""SPARQL 1.1 Protocol parsing from plain values: no Flask, no I/O, so tests need no HTTP.

parse_sparql_request() turns a request's method, content type, URL parameters, form and
body into a QueryRequest, an UpdateRequest, or None (a GET with no query: the service
description), or raises a ProtocolError that server/http/errors.py maps to a status.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from kg.model.formats import FORM, SPARQL_QUERY, SPARQL_UPDATE
from kg.model.iris import is_absolute_iri
from kg.model.sparql_text import looks_like_update

Params = Mapping[str, Sequence[str]]


class ProtocolError(Exception):
    """A request that breaks the protocol; the message tells the client what to change."""


class BadRequest(ProtocolError):
    """Missing, duplicate or malformed parameters."""


class MethodNotAllowed(ProtocolError):
    """The method cannot be used on this resource."""

    def __init__(self, message: str, allowed: Sequence[str]) -> None:
        super().__init__(message)
        self.allowed = tuple(allowed)


class UnsupportedMediaType(ProtocolError):
    """The request body has a content type we do not read here."""


class NotAcceptable(ProtocolError):
    """No format we offer satisfies the Accept header or the format parameter."""

    def __init__(self, message: str, offered: Sequence[str]) -> None:
        super().__init__(message)
        self.offered = tuple(offered)


class PreconditionFailed(ProtocolError):
    """An If-Match / If-None-Match condition on a request that is not GET or HEAD is false."""


class PayloadTooLarge(ProtocolError):
    """The body or query string is larger than max_request_bytes."""


class Unauthorized(ProtocolError):
    """A write without the right bearer token."""


class Forbidden(ProtocolError):
    """Writes are disabled on this server."""


class NotFound(ProtocolError):
    """The graph (or resource) does not exist."""


@dataclass(frozen=True)
class QueryRequest:
    """A SPARQL query with its protocol dataset (None: not given)."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class UpdateRequest:
    """A SPARQL update with the protocol's using-graph-uri / using-named-graph-uri."""

    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


def media_type_of(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type header ('' when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset_of(content_type: str | None) -> str:
    """The charset parameter of a Content-Type header (utf-8 when absent)."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_query_string(text: str) -> dict[str, list[str]]:
    """The parameters of a URL query string or a form body, as WSGI hands it over.

    text holds one character per byte (PEP 3333's latin-1); names and values are read as
    UTF-8, which the SPARQL Protocol requires. The same as
    urllib.parse.parse_qs(<text as UTF-8>, keep_blank_values=True), about 6× faster: a
    SPARQL query in a URL is mostly percent escapes, and urllib decodes them one by one in
    Python. Quoted-printable is the same escape with "=" for "%", and binascii decodes it in
    C: raw "=" become "=3D" first, so that the only escapes left are the URL's. Text with a
    malformed escape or raw non-ASCII bytes takes urllib's way.
    :raises BadRequest: when the bytes, escaped or not, are not UTF-8.
    """
    try:
        if not text.isascii() or _BAD_ESCAPE.search(text):
            return {
                _utf8(name): [_utf8(value) for value in values]
                for name, values in parse_qs(text, keep_blank_values=True, encoding="latin-1").items()
            }
        params: dict[str, list[str]] = {}
        for pair in text.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                params.setdefault(_unquote(name), []).append(_unquote(value))
        return params
    except UnicodeDecodeError as exc:
        raise BadRequest(
            f"the parameters are not UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
            "percent-encode the UTF-8 bytes of the text"
        ) from None


def _utf8(latin1: str) -> str:
    return latin1.encode("latin-1").decode("utf-8")


def _unquote(part: str) -> str:
    quoted_printable = part.replace("+", " ").replace("=", "=3D").replace("%", "=")
    return binascii.a2b_qp(quoted_printable).decode("utf-8")


def _one(params: Params, name: str) -> str | None:
    values = params.get(name, ())
    if len(values) > 1:
        raise BadRequest(f"the parameter {name!r} was given {len(values)} times; give it once")
    return values[0] if values else None


def _iris(params: Params, name: str) -> tuple[str, ...] | None:
    values = params.get(name, ())
    for value in values:
        if not is_absolute_iri(value):
            raise BadRequest(f"{name}={value!r} is not an absolute IRI")
    return tuple(values) if values else None


def page_number(text: str | None) -> int:
    """A ?page= number (1 when absent).

    :raises BadRequest: for anything but a whole number of 1 or more in ASCII digits.
    """
    if text is None:
        return 1
    # isdigit() alone lets "²" through, which int() then refuses.
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise BadRequest(f"?page={text} is not a page number: give a whole number from 1, as in ?page=2.")
    return int(text)


def check_charset(content_type: str | None) -> None:
    """Let through a body in UTF-8 or its subset US-ASCII only, as the SPARQL Protocol requires.

    :raises UnsupportedMediaType: naming the charset (the W3C protocol tests expect a 4xx
        for a query in UTF-16, which decoding it would hide).
    """
    charset = charset_of(content_type)
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = ""
    if name not in ("utf-8", "ascii"):
        raise UnsupportedMediaType(
            f"charset={charset} is not accepted: a SPARQL request body is UTF-8; send it "
            "encoded as UTF-8 with charset=utf-8 (or no charset)"
        )


def _decode(body: bytes, content_type: str | None) -> str:
    check_charset(content_type)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid utf-8: {exc}") from exc


def _query(text: str, dataset: Params) -> QueryRequest:
    if looks_like_update(text):
        raise BadRequest(
            "this is a SPARQL Update sent as a query; POST it as 'update' "
            f"(form) or with Content-Type {SPARQL_UPDATE}"
        )
    return QueryRequest(
        text, _iris(dataset, "default-graph-uri"), _iris(dataset, "named-graph-uri")
    )


def _update(text: str, dataset: Params) -> UpdateRequest:
    return UpdateRequest(
        text,
        _iris(dataset, "using-graph-uri") or (),
        _iris(dataset, "using-named-graph-uri") or (),
    )


def requested_format(args: Params, form: Params) -> str | None:
    """What format= (ours, Virtuoso's) and output= (Fuseki's) name, every value comma-joined.

    SPARQLWrapper sends both, each twice for some formats (`format=tsv&format=text/tab-
    separated-values`); server.http.negotiation takes the first value it knows.
    """
    values = [v for name in ("format", "output") for v in (*args.get(name, ()), *form.get(name, ()))]
    return ",".join(values) if values else None


_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")


def parse_sparql_request(
    method: str,
    content_type: str | None,
    args: Params,
    form: Params,
    body: bytes,
) -> QueryRequest | UpdateRequest | None:
    """The query or update a request to the SPARQL endpoint carries (None: none at all).

    :raises ProtocolError: (a subclass) when the request breaks the SPARQL 1.1 Protocol.
    """
    method = method.upper()
    if method in ("GET", "HEAD"):
        if "update" in args:
            raise BadRequest(
                "a SPARQL Update cannot be sent by GET; POST it as 'update' (form) or with "
                f"Content-Type {SPARQL_UPDATE}"
            )
        query = _one(args, "query")
        if query is None:
            if "default-graph-uri" in args or "named-graph-uri" in args:
                raise BadRequest("the 'query' parameter is missing")
            return None
        return _query(query, args)
    if method != "POST":
        raise MethodNotAllowed(
            f"{method} is not allowed here; use GET or POST", ("GET", "HEAD", "POST", "OPTIONS")
        )
    media_type = media_type_of(content_type)
    if media_type == FORM:
        check_charset(content_type)
        if "query" in args or "update" in args:
            raise BadRequest("give 'query' or 'update' in the form body, not in the URL")
        query, update = _one(form, "query"), _one(form, "update")
        if query is not None and update is not None:
            raise BadRequest("give either 'query' or 'update', not both")
        # The protocol puts them in the body; in the URL they still count, never dropped.
        params = {**form, **{name: [*args[name], *form.get(name, [])]
                             for name in _DATASET_PARAMS if name in args}}
        if query is not None:
            return _query(query, params)
        if update is not None:
            return _update(update, params)
        raise BadRequest("the form has neither a 'query' nor an 'update' parameter")
    if media_type == SPARQL_QUERY:
        if "query" in args or "update" in args:
            raise BadRequest(f"with Content-Type {SPARQL_QUERY} the query is the body alone")
        return _query(_decode(body, content_type), args)
    if media_type == SPARQL_UPDATE:
        if "query" in args or "update" in args:
            raise BadRequest(f"with Content-Type {SPARQL_UPDATE} the update is the body alone")
        return _update(_decode(body, content_type), args)
    raise UnsupportedMediaType(
        f"Content-Type {media_type or '(none)'} is not a SPARQL request; use {FORM}, "
        f"{SPARQL_QUERY} or {SPARQL_UPDATE}"
    )


@dataclass(frozen=True)
class GraphTarget:
    """The graph a Graph Store Protocol request addresses (graph None: the default graph)."""

    graph: str | None


def parse_graph_target(args: Params) -> GraphTarget | None:
    """The graph named by ?graph= or ?default (None: neither, i.e. the whole dataset).

    :raises BadRequest: when both or several are given, or the graph is not an IRI.
    """
    has_default = "default" in args
    graph = _one(args, "graph")
    if has_default and graph is not None:
        raise BadRequest("give either ?default or ?graph=IRI, not both")
    if has_default:
        return GraphTarget(None)
    if graph is None:
        return None
    _iris({"graph": [graph]}, "graph")
    return GraphTarget(graph)
