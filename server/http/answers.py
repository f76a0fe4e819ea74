"""Answers to SPARQL query requests as status, headers and body, with no web framework.

The Flask view (server.views.sparql) and the WSGI fast path (server.wsgi) send what this
builds, so a query gets the same answer whichever way it comes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.config import Settings
from kg.model import formats
from kg.model.sparql_text import check_syntax, query_form, result_kind
from kg.query.engine import QueryEngine, QueryJob, QueryResult
from server.http import negotiation
from server.http.protocol import NotAcceptable, PreconditionFailed, QueryRequest

_RESULT_KINDS = (formats.SOLUTIONS, formats.BOOLEAN, formats.GRAPH)


@dataclass
class Answer:
    """What to send: a status, headers and a body (a QueryResult streams; close() it if unsent)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Iterable[bytes] = ()


def query_job(
    parsed: QueryRequest, settings: Settings, accept: str | None, format_param: str | None
) -> QueryJob:
    """The job for a query request, in the formats the client negotiated.

    :raises NotAcceptable: when nothing we offer for the query's result kind is acceptable.
    """
    return QueryJob(
        parsed.query,
        _formats_for(parsed.query, accept, format_param),
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        union_default_graph=settings.union_default_graph,
        base_iri=None,
    )


def _formats_for(
    sparql: str, accept: str | None, format_param: str | None
) -> tuple[tuple[str, str], ...]:
    """(kind, format name) for the kinds the query may produce."""
    form = query_form(sparql)
    if form is not None:
        kind = result_kind(form)
        try:
            return ((kind, negotiation.for_kind(kind, accept, format_param).name),)
        except NotAcceptable:
            check_syntax(sparql)  # a malformed query is a 400 with the parser's message first
            raise
    # Unknown form: most likely a syntax error, whose message matters more than a 406.
    chosen = []
    for kind in _RESULT_KINDS:
        try:
            chosen.append((kind, negotiation.for_kind(kind, accept, format_param).name))
        except NotAcceptable:
            chosen.append((kind, formats.formats_for(kind)[0].name))
    return tuple(chosen)


def query_answer(
    engine: QueryEngine, job: QueryJob, *, method: str = "GET", if_none_match: str | None = None,
    client: str | None = None,
) -> Answer:
    """Run a job, or, when the client's If-None-Match holds its current ETag (or is "*"),
    answer 304 to GET and HEAD and 412 to POST, as RFC 9110 (13.1.2) orders.

    client is the client's address, held to its share of the workers (None: no limit).
    :raises KgError: (a subclass) when the query fails before its first chunk.
    """
    etag = engine.etag(job)
    if etag is not None and if_none_match and etag_matches(etag, if_none_match):
        if method in ("GET", "HEAD"):
            return Answer(304, [("ETag", etag), ("Vary", "Accept"), ("Cache-Control", "no-cache")])
        raise PreconditionFailed(
            f"If-None-Match: the answer is still {etag}; send the query by GET to revalidate it"
        )
    return result_answer(engine.run(job, client=client), head=method == "HEAD")


def etag_matches(etag: str, header: str, *, strong: bool = False) -> bool:
    """Whether an If-None-Match (weak comparison) or If-Match (strong) header names etag, or is "*".

    RFC 9110 13.1.1: If-Match compares strongly, so a weak tag (W/…) never matches there.
    """
    if header.strip() == "*":
        return True
    tags = [tag.strip() for tag in header.split(",")]
    if strong:
        return not etag.startswith("W/") and etag in tags
    return etag.removeprefix("W/") in (tag.removeprefix("W/") for tag in tags)


def result_answer(result: QueryResult, *, head: bool = False) -> Answer:
    """A 200 for a query result: streamed, or whole with its length when it is complete."""
    headers = [("Content-Type", result.format.content_type), ("Vary", "Accept")]
    if result.etag is not None:
        headers.append(("ETag", result.etag))
        headers.append(("Cache-Control", "no-cache"))  # revalidate: the ETag makes that cheap
    whole = result.whole
    if whole is not None:
        headers.append(("Content-Length", str(len(whole))))  # for HEAD too: what GET would send
    if head:
        result.close()
        return Answer(200, headers, [])
    return Answer(200, headers, result if whole is None else [whole])
