"""/sparql: SPARQL 1.1 queries and updates, and the service description."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from kg.model import formats
from server.http import description, negotiation
from server.http.protocol import UpdateRequest
from server.state import state
from server.wsgi import sparql_request

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Apply an update, or describe the service; server.wsgi has answered queries already."""
    parsed = sparql_request(request.environ).parsed
    if isinstance(parsed, UpdateRequest):
        return update(parsed)
    assert parsed is None, "queries are answered by server.wsgi.Middleware"
    return service_description()


def update(parsed: UpdateRequest) -> Response:
    """Apply an update for a client holding the write token."""
    ng = state()
    authorization = request.headers.get("Authorization")
    ng.require_writer(authorization)
    ng.engine.update(
        parsed.update,
        using_graphs=parsed.using_graphs,
        using_named_graphs=parsed.using_named_graphs,
        by_owner=ng.is_owner(authorization),
    )
    return Response(status=204)


def service_description() -> Response:
    """The sd:Service description in an RDF format, or the query page for a browser."""
    ng = state()
    chosen = negotiation.choose(
        description.OFFERED,
        request.headers.get("Accept"),
        sparql_request(request.environ).format_param,
        extra=(negotiation.HTML,),
    )
    endpoint = request.base_url
    if chosen == negotiation.HTML:
        body = query_page(endpoint)
        return Response(body, content_type=formats.HTML_CONTENT_TYPE, headers={"Vary": "Accept"})
    assert not isinstance(chosen, str)
    body = description.serialized(endpoint, ng.settings, chosen.name)
    return Response(body, content_type=chosen.content_type, headers={"Vary": "Accept"})


def query_page(endpoint: str) -> str:
    """The HTML for a browser that opens the endpoint without a query (a placeholder page)."""
    return render_template("sparql.html", endpoint=endpoint)
