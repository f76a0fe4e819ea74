"""SERVICE and LOAD policy: which URLs a query or update may make us call, and calling them.

Every SERVICE and LOAD target is found before anything runs (kg.query.outbound: read by a
SPARQL parser and by our tokenizer, which must agree), normalised as it will be called and
checked against the allowlist (``allowed_services``) by scheme, host, port and path
(kg.query.urls), so that ``https://query.wikidata.org.evil.example/``,
``https://query.wikidata.org@10.0.0.1/`` or ``…/sparql/%2e%2e/admin`` do not pass. A
variable SERVICE target is refused: it could name any address at run time.

pyoxigraph 0.5 calls SERVICE endpoints and LOAD sources itself, but its Python API sets
neither a time limit (a silent endpoint blocks the query for ever) nor our User-Agent (it
sends ``Oxigraph/<version>``), and it would call the IRI as written rather than as checked.
So we make every call, with the time limit, our User-Agent and no redirects (they could
lead past the allowlist): a SERVICE clause becomes the remote's answer as a VALUES block,
a LOAD an INSERT DATA of the source's triples. pyoxigraph never makes an HTTP call of its own.
"""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

import pyoxigraph as ox

from kg.config import Settings, user_agent
from kg.errors import QueryEvaluationError, RdfFormatError, ServiceError, ServiceNotAllowedError
from kg.model import formats
from kg.model.nesting import check_depth
from kg.query.outbound import (
    LoadClause,
    Outbound,
    ServiceClause,
    keyword_count,
    prologue,
    read_outbound,
    service_clauses,
)
from kg.query.urls import is_allowed, normalise_url

__all__ = [
    "LoadClause", "ServiceClause", "call_services", "check_services", "check_update",
    "fetch_graph", "fetch_solutions", "is_allowed", "service_clauses", "user_agent",
]

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_READ_BYTES = 64 * 1024
_HOW_TO_ALLOW = (
    "to allow an endpoint, start the server with `kg serve --allow-service PREFIX` "
    "(repeatable) or set NEWSGRAPH_ALLOWED_SERVICES to space-separated URL prefixes"
)
# What LOAD asks for: every graph format we parse, Turtle first; anything else by its extension.
_RDF_ACCEPT = ", ".join(
    f"{f.media_type};q={q}" for f, q in zip(
        [f for f in formats.FORMATS if f.rdf is not None and f.name not in ("trig", "nquads")],
        ("1", "0.9", "0.8", "0.7"), strict=False,
    )
) + ", */*;q=0.1"


# --- the allowlist, checked before anything runs


def _checked(outbound: Outbound, allowed: tuple[str, ...]) -> Outbound:
    """The clauses with every target normalised, once each has passed the allowlist.

    :raises ServiceNotAllowedError: for a variable SERVICE target or one outside the allowlist.
    """
    listed = ", ".join(allowed) or "none"
    services = []
    for clause in outbound.services:
        if clause.target is None:
            raise ServiceNotAllowedError(
                f"SERVICE {clause.written} is not allowed: a SERVICE endpoint must be a fixed IRI "
                "(a variable could name any address); " + _HOW_TO_ALLOW
            )
        url = normalise_url(clause.target)
        if url is None or not is_allowed(url, allowed):
            raise ServiceNotAllowedError(
                f"SERVICE <{clause.target}> is not allowed: this endpoint calls only SERVICE "
                f"endpoints under the allowed URL prefixes ({listed}){_as_called(clause.target, url)}; "
                + _HOW_TO_ALLOW
            )
        services.append(replace(clause, target=url))
    loads = []
    for load in outbound.loads:
        url = normalise_url(load.source)
        if url is None or not is_allowed(url, allowed):
            raise ServiceNotAllowedError(
                f"LOAD <{load.source}> is not allowed: the server fetches only from the allowed URL "
                f"prefixes ({listed}){_as_called(load.source, url)}; " + _HOW_TO_ALLOW
            )
        loads.append(replace(load, source=url))
    return Outbound(outbound.text, tuple(services), tuple(loads))


def _as_called(target: str, url: str | None) -> str:
    if url is None:
        return " and it is no http(s) URL the server can call as it stands"
    return f", and it would be called as <{url}>" if url != target else ""


def check_services(sparql: str, allowed: tuple[str, ...], base_iri: str | None = None) -> list[ServiceClause]:
    """A query's SERVICE clauses, each target normalised, after checking it against the allowlist.

    Costs nothing for text without the word "service".
    :raises ServiceNotAllowedError: for a variable target or one outside the allowlist.
    :raises QuerySyntaxError: when the checking parser cannot read a query that names SERVICE.
    """
    return list(_checked(read_outbound(sparql, update=False, base_iri=base_iri), allowed).services)


def check_update(update: str, allowed: tuple[str, ...], base_iri: str | None = None) -> Outbound:
    """An update's SERVICE and LOAD clauses, each target normalised and checked.

    :raises ServiceNotAllowedError: for a target outside the allowlist.
    :raises QuerySyntaxError: when the checking parser cannot read an update that names them.
    """
    return _checked(read_outbound(update, update=True, base_iri=base_iri), allowed)


# --- calling SERVICE endpoints and LOAD sources ourselves


def call_services(
    sparql: str, settings: Settings, base_iri: str | None = None, *, update: bool = False
) -> str:
    """The text to run: each SERVICE clause replaced by the remote's answer as VALUES and, in
    an update, each LOAD by an INSERT DATA of the source's triples.

    All remote calls of one request share one time limit, settings.service_timeout. A failing
    SERVICE SILENT becomes one empty solution (SPARQL 1.1 Federated Query), a failing LOAD
    SILENT inserts nothing.
    :raises ServiceNotAllowedError: when a target is not allowed.
    :raises QueryEvaluationError: when a remote fails, times out or answers nonsense
        (ServiceError for a LOAD source).
    """
    plan = _checked(read_outbound(sparql, update=update, base_iri=base_iri), settings.allowed_services)
    if not plan.services and not plan.loads:
        return sparql
    deadline = time.monotonic() + settings.service_timeout
    text = plan.text
    head = prologue(text)
    blocks: list[tuple[int, int, str]] = []
    for clause in plan.services:
        assert clause.target is not None
        remote = f"{head}SELECT * WHERE {{{text[clause.body_start:clause.body_end]}}}"
        try:
            block = _values_block(fetch_solutions(clause.target, remote, deadline, settings))
        except QueryEvaluationError:
            if not clause.silent:
                raise
            block = "{}"
        blocks.append((clause.start, clause.end, block))
    for load in plan.loads:
        try:
            triples = fetch_graph(load.source, deadline, settings)
        except QueryEvaluationError:
            if not load.silent:
                raise
            triples = []
        blocks.append((load.start, load.end, _insert_data(triples, load.graph)))
    pieces: list[str] = []
    kept: list[str] = []
    position = 0
    for start, end, block in sorted(blocks):
        kept.append(text[position:start])
        pieces += [text[position:start], block]
        position = end
    kept.append(text[position:])
    pieces.append(text[position:])
    # Belt and braces: whatever reaches pyoxigraph must not make calls of its own. The blocks
    # are ours, built from parsed terms; the sender's text around them must hold no keyword.
    rest = " ".join(kept)
    if keyword_count(rest, "SERVICE") or keyword_count(rest, "LOAD"):
        raise ServiceNotAllowedError("a SERVICE or LOAD clause could not be evaluated safely; simplify it")
    return "".join(pieces)


def _insert_data(triples: list[ox.Triple], graph: str | None) -> str:
    """An INSERT DATA that adds the triples to a graph written as in the LOAD (None: default)."""
    body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}" if graph else f"INSERT DATA {{\n{body}}}"


class _Redirected(urllib.error.HTTPError):
    """A 3xx answer: not followed, since the new address could be anywhere."""

    def __init__(self, url: str, code: int, headers: Any, fp: Any, location: str) -> None:
        super().__init__(url, code, f"redirects to {location}", headers, fp)
        self.location = location


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, past the allowlist: treat it as an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise _Redirected(req.full_url, code, headers, fp, newurl)


_OPENER = urllib.request.build_opener(_NoRedirects())


def _call(
    request: urllib.request.Request, what: str, deadline: float, settings: Settings,
    error: type[QueryEvaluationError] = QueryEvaluationError,
) -> tuple[str, bytes]:
    """(media type, body) of a remote's answer; what names the call in messages ("SERVICE <…>").

    :raises QueryEvaluationError: (or error) when the remote fails, redirects, or passes the deadline.
    """
    limit = f"{settings.service_timeout:g} s"
    try:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        with _OPENER.open(request, timeout=remaining) as response:
            return response.headers.get_content_type(), _read_until(response, deadline)
    except _Redirected as exc:
        raise error(
            f"{what} answered {exc.code}: it redirects to <{exc.location}>, and redirects are not "
            "followed (the new address could be outside the allowlist); name that URL instead, "
            "if it is allowed"
        ) from exc
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace").strip() if exc.fp else ""
        raise error(f"{what} answered {exc.code} {exc.reason}: {detail[:500]}") from exc
    except TimeoutError as exc:
        raise error(
            f"{what} did not answer within the time limit of {limit} (setting service_timeout)"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise error(f"{what} cannot be reached: {reason}") from exc


def fetch_solutions(
    endpoint: str, query: str, deadline: float, settings: Settings
) -> tuple[list[str], list[dict[str, object]]]:
    """Run a SELECT on a remote endpoint: (variable names, solutions as name -> term).

    :raises QueryEvaluationError: when the remote fails, passes the deadline or answers
        something other than SPARQL results.
    """
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": formats.FORM,
            "Accept": f"{formats.RESULTS_JSON.media_type}, {formats.RESULTS_XML.media_type};q=0.9",
            "User-Agent": user_agent(),
        },
    )
    media_type, data = _call(request, f"SERVICE <{endpoint}>", deadline, settings)
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise QueryEvaluationError(
            f"SERVICE <{endpoint}> answered {media_type}, not SPARQL results"
        )
    try:
        results = ox.parse_query_results(io.BytesIO(data), fmt)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryEvaluationError(f"SERVICE <{endpoint}> answered a boolean, not solutions")
        names = [v.value for v in results.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in results]
    except (SyntaxError, ValueError) as exc:
        raise QueryEvaluationError(f"SERVICE <{endpoint}> answered malformed results: {exc}") from exc
    return names, rows


def fetch_graph(url: str, deadline: float, settings: Settings) -> list[ox.Triple]:
    """GET the RDF graph a LOAD names: its triples, blank nodes renamed apart from the update's.

    :raises ServiceError: when the source fails, redirects, passes the deadline or answers
        no RDF graph.
    """
    what = f"LOAD <{url}>"
    request = urllib.request.Request(url, headers={"Accept": _RDF_ACCEPT, "User-Agent": user_agent()})
    media_type, data = _call(request, what, deadline, settings, ServiceError)
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # text/plain, application/octet-stream…: the file name may still say
        extension = PurePosixPath(urllib.parse.urlsplit(url).path).suffix.lstrip(".")
        fmt = ox.RdfFormat.from_extension(extension) if extension else None
    if fmt is None:
        raise ServiceError(f"{what} answered {media_type}, which is no RDF format the server reads")
    try:
        check_depth(data, fmt)
        quads = list(ox.parse(data, fmt, base_iri=url, rename_blank_nodes=True))
    except RdfFormatError as exc:
        raise ServiceError(f"{what} answered {exc}") from exc
    except (SyntaxError, ValueError) as exc:
        raise ServiceError(f"{what} answered {fmt.name} that does not parse: {exc}") from exc
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise ServiceError(
            f"{what} answered named graphs ({fmt.name}); LOAD reads one graph: load a dataset "
            "through the Graph Store Protocol, one graph at a time"
        )
    return [q.triple for q in quads]


def _read_until(response: object, deadline: float) -> bytes:
    """The response body, read in chunks so that a slow trickle still meets the deadline."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(_READ_BYTES)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise QueryEvaluationError(f"the SERVICE answer is larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)


def _values_block(answer: tuple[list[str], list[dict[str, object]]]) -> str:
    """A VALUES block that stands for the remote solutions inside the query."""
    names, rows = answer
    skolem: dict[str, str] = {}

    def term(value: object) -> str:
        if isinstance(value, ox.BlankNode):
            # VALUES cannot hold blank nodes; a remote blank node is only unique per answer.
            iri = skolem.setdefault(value.value, f"urn:newsgraph:remote-bnode:{uuid.uuid4().hex}")
            return f"<{iri}>"
        return str(value)

    head = " ".join(f"?{n}" for n in names)
    lines = [
        "(" + " ".join(term(row[n]) if n in row else "UNDEF" for n in names) + ")" for row in rows
    ]
    return f"{{ VALUES ({head}) {{ {' '.join(lines)} }} }}"
