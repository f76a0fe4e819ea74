"""/sparql: SPARQL 1.1 queries and updates, and the service description."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from kg import formats
from kg.query import QueryJob, QueryResult
from kg.sparql_text import query_form, result_kind
from server import description, negotiation, state
from server.auth import require_writer
from server.protocol import (
    FORM,
    NotAcceptable,
    QueryRequest,
    UpdateRequest,
    media_type_of,
    parse_sparql_request,
)

blueprint = Blueprint("sparql", __name__)

_RESULT_KINDS = (formats.SOLUTIONS, formats.BOOLEAN, formats.GRAPH)


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query, apply an update, or describe the service."""
    is_form = media_type_of(request.content_type) == FORM
    parsed = parse_sparql_request(
        request.method,
        request.content_type,
        request.args.to_dict(flat=False),
        request.form.to_dict(flat=False) if is_form else {},
        b"" if is_form or request.method != "POST" else request.get_data(),
    )
    if parsed is None:
        return service_description()
    if isinstance(parsed, UpdateRequest):
        return update(parsed)
    return query(parsed)


def _formats_for(sparql: str) -> tuple[tuple[str, str], ...]:
    """(kind, format name) for the kinds the query may produce, negotiated from the request."""
    accept, asked = request.headers.get("Accept"), request.values.get("format")
    form = query_form(sparql)
    if form is not None:
        kind = result_kind(form)
        return ((kind, negotiation.for_kind(kind, accept, asked).name),)
    # Unknown form: most likely a syntax error, whose message matters more than a 406.
    chosen = []
    for kind in _RESULT_KINDS:
        try:
            chosen.append((kind, negotiation.for_kind(kind, accept, asked).name))
        except NotAcceptable:
            chosen.append((kind, formats.formats_for(kind)[0].name))
    return tuple(chosen)


def query(parsed: QueryRequest) -> Response:
    """Run a query and stream its results, or answer 304 when the client has them."""
    ng = state()
    job = QueryJob(
        parsed.query,
        _formats_for(parsed.query),
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        union_default_graph=ng.settings.union_default_graph,
        base_iri=None,
    )
    etag = ng.engine.etag(job)
    if etag is not None and etag in request.headers.get("If-None-Match", ""):
        return _not_modified(etag)
    return result_response(ng.engine.run(job))


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept"
    return response


def result_response(result: QueryResult) -> Response:
    """A streamed response for a query result (an empty body for HEAD, same headers)."""
    headers = {"Vary": "Accept"}
    if result.etag is not None:
        headers["ETag"] = result.etag
        headers["Cache-Control"] = "no-cache"  # revalidate: the ETag makes that cheap
    if request.method == "HEAD":
        result.close()
        return Response(b"", content_type=result.format.content_type, headers=headers)
    return Response(result, content_type=result.format.content_type, headers=headers)


def update(parsed: UpdateRequest) -> Response:
    """Apply an update for a client holding the write token."""
    ng = state()
    require_writer(ng.settings, request.headers.get("Authorization"))
    ng.engine.update(
        parsed.update,
        using_graphs=parsed.using_graphs,
        using_named_graphs=parsed.using_named_graphs,
    )
    return Response(status=204)


def service_description() -> Response:
    """The sd:Service description in an RDF format, or the query page for a browser."""
    ng = state()
    chosen = negotiation.choose(
        description.OFFERED,
        request.headers.get("Accept"),
        request.args.get("format"),
        extra=(negotiation.HTML,),
    )
    endpoint = request.base_url
    if chosen == negotiation.HTML:
        body = query_page(endpoint)
        return Response(body, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    assert not isinstance(chosen, str)
    body = description.serialized(endpoint, ng.settings, chosen.name)
    return Response(body, content_type=chosen.content_type, headers={"Vary": "Accept"})


def query_page(endpoint: str) -> str:
    """The HTML for a browser that opens the endpoint without a query (a placeholder page)."""
    return render_template("sparql.html", endpoint=endpoint)
