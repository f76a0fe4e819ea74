"""/sparql: SPARQL 1.1 queries and updates, and the service description."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from server import description, negotiation, state
from server.answers import query_answer, query_job
from server.auth import require_writer
from server.errors import as_response
from server.protocol import (
    FORM,
    QueryRequest,
    UpdateRequest,
    media_type_of,
    parse_query_string,
    parse_sparql_request,
)

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query, apply an update, or describe the service."""
    is_form = media_type_of(request.content_type) == FORM
    # Our own reading of the parameters, the fast path's: werkzeug's would replace bytes
    # that are not UTF-8 instead of refusing them.
    args = parse_query_string(request.environ.get("QUERY_STRING", ""))
    form = parse_query_string(request.get_data().decode("latin-1")) if is_form else {}
    parsed = parse_sparql_request(
        request.method, request.content_type, args, form,
        b"" if is_form or request.method != "POST" else request.get_data(),
    )
    if parsed is None:
        return service_description()
    if isinstance(parsed, UpdateRequest):
        return update(parsed)
    return query(parsed, (args.get("format") or form.get("format") or [None])[0])  # as the fast path


def query(parsed: QueryRequest, format_param: str | None) -> Response:
    """Run a query and stream its results, or answer 304 when the client has them."""
    ng = state()
    job = query_job(parsed, ng.settings, request.headers.get("Accept"), format_param)
    return as_response(query_answer(
        ng.engine, job, method=request.method,
        if_none_match=request.headers.get("If-None-Match"),
    ))


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
