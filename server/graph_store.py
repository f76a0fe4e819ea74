"""/store: the SPARQL 1.1 Graph Store HTTP Protocol on ?graph=IRI and ?default."""

from __future__ import annotations

import tempfile

from flask import Blueprint, Response, request
from werkzeug.wsgi import wrap_file

from kg import formats
from kg.query import QueryJob
from kg.store import AnyStore
from server import negotiation, state
from server.auth import require_writer
from server.protocol import (
    BadRequest,
    GraphTarget,
    NotFound,
    UnsupportedMediaType,
    media_type_of,
    parse_graph_target,
)
from server.sparql import result_response

blueprint = Blueprint("graph_store", __name__)


def _target() -> GraphTarget:
    target = parse_graph_target(request.args.to_dict(flat=False))
    if target is None:
        raise BadRequest("name the graph: ?graph=IRI, or ?default for the default graph")
    return target


def _dataset_response() -> Response:
    """The whole dataset, every graph, in a negotiated dataset format (TriG, N-Quads, JSON-LD)."""
    fmt = negotiation.for_kind(formats.DATASET, request.headers.get("Accept"), request.args.get("format"))
    # Spooled to disk past 8 MiB: a large store is never held whole in memory.
    body = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    state().store.dump(body, fmt.media_type)
    body.seek(0)
    return Response(wrap_file(request.environ, body), content_type=fmt.content_type,
                    direct_passthrough=True, headers={"Vary": "Accept"})


def _name(target: GraphTarget) -> str:
    return "the default graph" if target.graph is None else f"graph <{target.graph}>"


def _require_existing(target: GraphTarget) -> None:
    if not state().store.graph_exists(target.graph):
        raise NotFound(f"{_name(target)} does not exist")


@blueprint.route("/store", methods=["GET"])
def get_graph() -> Response:
    """A graph's triples, or with neither ?graph nor ?default the whole dataset (HEAD: no body)."""
    ng = state()
    if parse_graph_target(request.args.to_dict(flat=False)) is None:
        return _dataset_response()
    target = _target()
    _require_existing(target)
    fmt = negotiation.for_kind(
        formats.GRAPH, request.headers.get("Accept"), request.args.get("format")
    )
    if target.graph is None:
        sparql = "CONSTRUCT WHERE { ?s ?p ?o }"
    else:
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target.graph}> {{ ?s ?p ?o }} }}"
    # The real default graph here, not the union that queries see by default.
    job = QueryJob(sparql, ((formats.GRAPH, fmt.name),), union_default_graph=False)
    return result_response(ng.engine.run(job))


def _body_quads(target: GraphTarget) -> list:
    ng = state()
    media_type = media_type_of(request.content_type)
    fmt = formats.rdf_parser_format(media_type)
    if fmt is None:
        readable = [f.media_type for f in formats.formats_for(formats.GRAPH)]
        raise UnsupportedMediaType(
            f"cannot read a graph from Content-Type {media_type or '(none)'}; use one of: "
            + ", ".join(readable)
        )
    base = target.graph or request.base_url
    return ng.store.parse(request.get_data(), fmt.media_type, graph=target.graph, base_iri=base)


@blueprint.route("/store", methods=["PUT"])
def put_graph() -> Response:
    """Replace a graph with the request body: 201 when it is new, 204 otherwise."""
    ng = state()
    require_writer(ng.settings, request.headers.get("Authorization"))
    target = _target()
    quads = _body_quads(target)

    def replace(store: AnyStore) -> bool:
        existed = store.graph_exists(target.graph)  # under the write lock: one PUT gets the 201
        store.replace_graph(target.graph, quads)
        return existed

    return Response(status=204 if ng.engine.write(replace) else 201)


@blueprint.route("/store", methods=["POST"])
def post_graph() -> Response:
    """Add the request body's triples to a graph: 201 when it is new, 204 otherwise."""
    ng = state()
    require_writer(ng.settings, request.headers.get("Authorization"))
    target = _target()
    quads = _body_quads(target)

    def add(store: AnyStore) -> bool:
        existed = store.graph_exists(target.graph)
        if quads:
            store.add(quads)
        elif target.graph is not None:
            store.create_graph(target.graph)  # an empty body still makes the graph exist
        return existed

    return Response(status=204 if ng.engine.write(add) else 201)


@blueprint.route("/store", methods=["DELETE"])
def delete_graph() -> Response:
    """Remove a graph (empty the default graph): 204, or 404 when it does not exist."""
    ng = state()
    require_writer(ng.settings, request.headers.get("Authorization"))
    target = _target()
    _require_existing(target)
    ng.engine.write(lambda store: store.clear_graph(target.graph))
    return Response(status=204)
